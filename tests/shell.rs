//! The shell's own rules, each found in field use: dialogs, forms, the too-small screen, toasts, help, layout at
//! 80×24 and mouse clicks.

mod common;

use assay::app::scorecard::ScorecardPane;
use assay::app::{AssetPane, Overlay, RiskPane, Tab, VettingPane};
use assay::store::engagements;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

#[test]
fn enter_in_a_destructive_dialog_means_no() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('1'));
    assert_eq!(app.tab, Tab::Engagements);
    press(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
    let shown = screen(&app);
    assert!(shown.contains("y yes"), "the dialog names the key for yes:\n{shown}");
    assert!(shown.contains("n/Esc/Enter no"), "and the keys for no:\n{shown}");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "Enter closes the dialog");
    assert_eq!(engagements::list(app.store.conn()).expect("list").len(), 3, "Enter deletes nothing");
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(engagements::list(app.store.conn()).expect("list").len(), 2, "y deletes");
}

#[test]
fn the_phase_dialog_never_moves_back_silently() {
    let mut app = demo_app(120, 32);
    let id = app.session.current.as_ref().expect("current").id;
    // Forward to During through the gate.
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Contract signed early");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "during");
    let before = assay::store::checklist::phase_changes(app.store.conn(), id).expect("changes").len();

    // `p` `p` Enter: `p` fits pre and post, so nothing is picked and the phase stays.
    press(&mut app, KeyCode::Char('p'));
    keys(&mut app, "pp");
    assert!(screen(&app).contains("type the next letter"), "{}", screen(&app));
    press(&mut app, KeyCode::Enter);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "during");

    // `pr` picks pre: moving back asks first and needs a reason.
    press(&mut app, KeyCode::Char('p'));
    keys(&mut app, "pr");
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("moving back asks first") };
    assert!(form.title.contains("back"), "{}", form.title);
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "no reason, no move");
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "during");
    press(&mut app, KeyCode::Esc);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "during");

    press(&mut app, KeyCode::Char('p'));
    keys(&mut app, "pr");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Provider withdrew");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "pre");
    let changes = assay::store::checklist::phase_changes(app.store.conn(), id).expect("changes");
    assert_eq!(changes.len(), before + 1, "the move back is recorded");
    let last = changes.last().expect("last");
    assert_eq!((last.from.as_str(), last.to.as_str()), ("during", "pre"));
    assert_eq!(last.reason.as_deref(), Some("Provider withdrew"));
}

fn audit_rows(app: &assay::app::App) -> i64 {
    app.store.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("count")
}

#[test]
fn a_closed_engagement_is_read_only_until_reopened() {
    let mut app = demo_app(130, 36);
    let id = app.session.current.as_ref().expect("current").id;
    // Close it from the close-out, with the reason the open items require.
    press(&mut app, KeyCode::Char('6'));
    keys(&mut app, "vv");
    press(&mut app, KeyCode::Char('c'));
    keys(&mut app, "Contract ended early");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").status, "closed");
    assert!(screen(&app).contains("closed, read-only"), "the status line says so");
    let before = audit_rows(&app);

    // Every pane refuses to write, with a message that names the key that reopens.
    let tries: &[(char, &str)] = &[
        ('2', "epn"),    // overview: edit, phase, note
        ('3', "asd"),    // scorecard providers: add, status, delete
        ('4', "acAd"),   // risks: add, from catalog, accept, delete
        ('5', "pfwn a"), // vetting: marks, add
        ('6', "aArxd"),  // assets: add, rapid add, return, destroy, delete
        ('7', "x-n"),    // workflow: done, not applicable, note
        ('1', "epnd"),   // engagement list on the closed row
    ];
    for (tab, ks) in tries {
        press(&mut app, KeyCode::Char(*tab));
        if *tab == '6' {
            press(&mut app, KeyCode::Char('v')); // from the close-out back to the assets
        }
        if *tab == '1' {
            let row = app
                .pane::<assay::app::EngagementsPane>()
                .visible
                .iter()
                .position(|&i| app.session.engagements[i].id == id)
                .expect("row");
            app.pane_state::<assay::app::EngagementsPane>().cursor.select(row);
        }
        for k in ks.chars() {
            app.toast = None;
            press(&mut app, KeyCode::Char(k));
            assert!(app.overlay.is_none(), "tab {tab} key {k} opened {:?}", app.overlay);
            let toast = app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
            assert!(toast.contains("closed and read-only") && toast.contains("press O"), "tab {tab} key {k}: {toast}");
        }
    }
    // The score grid too.
    press(&mut app, KeyCode::Char('3'));
    keys(&mut app, "vv");
    keys(&mut app, "5");
    assert!(app.toast.as_ref().is_some_and(|t| t.text.contains("closed and read-only")));
    assert_eq!(audit_rows(&app), before, "nothing was written");
    press(&mut app, KeyCode::Char('v')); // back to the providers, where digits switch tabs

    // O on the Overview reopens it, asking why; the reason is recorded.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('O'));
    assert!(matches!(app.overlay, Some(Overlay::Form(_))));
    keys(&mut app, "Exit audit found a missing return");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").status, "active");
    let notes = assay::store::notes::recent(app.store.conn(), id, 3).expect("notes");
    assert!(notes.iter().any(|n| n.text == "Reopened: Exit audit found a missing return"));
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "editable again");
}

#[test]
fn esc_on_a_changed_form_asks_to_save_discard_or_keep_editing() {
    let mut app = demo_app(120, 32);
    let id = app.session.current.as_ref().expect("current").id;
    let name = |app: &assay::app::App| engagements::get(app.store.conn(), id).expect("get").expect("row").name;
    let original = name(&app);

    // Untouched: Esc closes at once.
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());

    // Changed: Esc asks; Enter keeps editing with the typing intact.
    press(&mut app, KeyCode::Char('e'));
    keys(&mut app, " (draft)");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))), "a changed form is not thrown away");
    let shown = screen(&app);
    assert!(shown.contains("s save") && shown.contains("y discard") && shown.contains("keep editing"), "{shown}");
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("back to the form") };
    assert_eq!(form.value_of("name").map(str::to_string), Some(format!("{original} (draft)")));

    // y discards.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.overlay.is_none());
    assert_eq!(name(&app), original, "discarded");

    // s saves.
    press(&mut app, KeyCode::Char('e'));
    keys(&mut app, " v2");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('s'));
    assert!(app.overlay.is_none());
    assert_eq!(name(&app), format!("{original} v2"), "saved");
}

#[test]
fn keys_do_not_reach_a_form_hidden_by_the_too_small_notice() {
    let mut app = demo_app(120, 32);
    let id = app.session.current.as_ref().expect("current").id;
    let original = engagements::get(app.store.conn(), id).expect("get").expect("row").name;
    press(&mut app, KeyCode::Char('e'));
    keys(&mut app, "ab");
    app.update(assay::app::Action::Resize(70, 20)).expect("resize");
    let shown = screen(&app);
    assert!(shown.contains("press q to quit") && shown.contains("not saved"), "{shown}");
    keys(&mut app, "xyz");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert!(!app.should_quit);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").name, original, "nothing saved");
    // A resize brings the form back as it was.
    app.update(assay::app::Action::Resize(120, 32)).expect("resize");
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("the form is still open") };
    assert_eq!(form.value_of("name").map(str::to_string), Some(format!("{original}ab")));
    // And q quits, as the notice says.
    app.update(assay::app::Action::Resize(70, 20)).expect("resize");
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn typing_into_a_prefilled_number_replaces_it() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('a'));
    let Some(Overlay::Form(form)) = &mut app.overlay else { panic!("risk form") };
    form.focus_key("impact_c");
    assert_eq!(form.value_of("impact_c"), Some("0"));
    assert!(screen(&app).contains("typing replaces it"));
    keys(&mut app, "5");
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("risk form") };
    assert_eq!(form.value_of("impact_c"), Some("5"), "not 05");
    // Once touched, typing adds to what is there.
    keys(&mut app, "3");
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("risk form") };
    assert_eq!(form.value_of("impact_c"), Some("53"));
}

#[test]
fn a_form_that_fits_shows_its_first_field_with_the_focus_on_the_last() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::BackTab); // from the first field round to the last
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("form") };
    assert_eq!(form.focus, form.fields.len() - 1);
    let first = format!("{}*", form.fields[0].spec.label);
    let last = form.fields[form.focus].spec.label;
    let shown = screen(&app);
    assert!(shown.contains(&first) && shown.contains(last), "both ends of the form show:\n{shown}");
    // In a window too short for the whole risk form, the focused last field sits at the bottom of the form, with
    // no blank lines left under it.
    press(&mut app, KeyCode::Esc);
    app.update(assay::app::Action::Resize(80, 24)).expect("resize");
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::BackTab);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("risk form") };
    let last = form.fields[form.focus].spec.label;
    let shown = screen(&app);
    let rows: Vec<&str> = shown.lines().collect();
    let at = rows.iter().position(|r| r.contains(last)).unwrap_or_else(|| panic!("{last} shows:\n{shown}"));
    let footer = rows.iter().position(|r| r.contains("Enter Save / new line")).expect("footer");
    // A focused long text (the last field of a risk is its management response) opens its editor three lines high.
    let field_rows = if form.fields[form.focus].spec.kind == assay::domain::FieldKind::LongText { 3 } else { 1 };
    assert_eq!(footer, at + field_rows + 1, "only the spacer line between the last field and the footer:\n{shown}");
    press(&mut app, KeyCode::Esc);
}

#[test]
fn unfocused_long_fields_show_their_start() {
    let mut app = demo_app(100, 30);
    press(&mut app, KeyCode::Char('e'));
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("form") };
    let service = form.value_of("service").expect("service").to_string();
    assert!(service.chars().count() > 60, "a long value: {service}");
    let shown = screen(&app);
    // The overview behind names the field too; the form, centred, is the lower of the two.
    let rows: Vec<&str> = shown.lines().collect();
    let at = rows.iter().rposition(|r| r.contains("Service outsourced ")).expect("service row");
    let start: String = service.chars().take(20).collect();
    assert!(rows[at].contains(&start), "the start of the text shows: {}", rows[at]);
    // The rest follows, wrapped onto the lines below rather than cut.
    let last = service.split_whitespace().last().expect("a word");
    assert!(rows[at + 1].contains(last) || rows[at + 2].contains(last), "the text goes on wrapped:\n{shown}");
}

#[test]
fn the_report_toast_shows_the_full_path_clear_of_the_foot_of_the_pane() {
    let mut app = demo_app(80, 24);
    let dir = tempfile::tempdir().expect("tempdir");
    app.reports_dir = dir.path().to_path_buf();
    press(&mut app, KeyCode::Char('R'));
    let toast = app.toast.clone().expect("a message");
    assert!(!toast.error, "{}", toast.text);
    let written: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("entry").path()).collect();
    assert_eq!(written.len(), 3, "Markdown, HTML and PDF in the reports folder");
    for p in &written {
        assert!(toast.text.contains(&p.display().to_string()), "the full path {} in {}", p.display(), toast.text);
    }
    // Every word of the message is on screen (wrapped, not cut), on lines of its own between the pane and the
    // status line: the pane's last line (its bottom border) is still drawn above it.
    let shown = screen(&app);
    for word in toast.text.split_whitespace() {
        assert!(shown.contains(word), "{word} is cut off:\n{shown}");
    }
    let rows: Vec<&str> = shown.lines().collect();
    let first = rows.iter().position(|r| r.contains("✓ Report written")).unwrap_or_else(|| panic!("{shown}"));
    assert!(rows[first - 1].contains('└'), "the pane ends above the message:\n{shown}");
    assert!(rows[23].contains("Pre-outsourcing"), "the status line stays:\n{shown}");
}

#[test]
fn help_opens_at_the_keys_of_the_current_tab() {
    let mut app = demo_app(100, 30);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('?'));
    let shown = screen(&app);
    let rows: Vec<&str> = shown.lines().collect();
    assert!(rows[2].contains("Risk register"), "the first line of help is the Risks section:\n{shown}");
    press(&mut app, KeyCode::Esc);
    // A section near the end still shows whole, and scrolling up reaches the global keys.
    press(&mut app, KeyCode::Char('6'));
    keys(&mut app, "vv");
    press(&mut app, KeyCode::Char('?'));
    assert!(screen(&app).contains("Exit close-out"));
    press(&mut app, KeyCode::Char('k'));
    let Some(Overlay::Help { scroll }) = app.overlay else { panic!("help") };
    let before = scroll;
    press(&mut app, KeyCode::Char('k'));
    let Some(Overlay::Help { scroll }) = app.overlay else { panic!("help") };
    assert_eq!(scroll + 1, before, "each press scrolls up at once");
}

#[test]
fn wide_characters_behind_a_popup_do_not_break_its_border() {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    // Under a popup whose left border is at column 10, a CJK text starting at column 1 has a character at columns
    // 9–10: drawn as it is, it would cover the border. Either parity of the text's start is tried.
    for start in [1u16, 2] {
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 5));
        for y in 0..5 {
            buf.set_string(start, y, "外部委託先の情報漏えいリスク", ratatui::style::Style::default());
        }
        let popup = Rect::new(10, 1, 20, 3);
        assay::widgets::clear_popup(popup, &mut buf);
        ratatui::widgets::Widget::render(ratatui::widgets::Block::bordered(), popup, &mut buf);
        for y in popup.top()..popup.bottom() {
            let left = buf[(popup.x - 1, y)].symbol();
            assert!(
                unicode_width::UnicodeWidthStr::width(left) <= 1,
                "start {start} row {y}: {left:?} covers the border"
            );
        }
        // Rows outside the popup keep their text.
        assert_eq!(buf[(start, 0)].symbol(), "外");
    }
}

#[test]
fn counts_cells_and_choices_are_worded_right() {
    // One provider is "1 provider".
    let mut app = empty_app(100, 30);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Payroll");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "ProvA");
    press(&mut app, KeyCode::Enter);
    let shown = screen(&app);
    assert!(shown.contains("· 1 provider ·"), "{shown}");
    assert!(!shown.contains("1 providers"));

    // A cut cell ends in "…".
    let app = demo_app(130, 36);
    let mut app = app;
    press(&mut app, KeyCode::Char('6'));
    let shown = screen(&app);
    assert!(shown.contains("Hiroshi Le…"), "{shown}");

    // The marks of the Refs column line up, with or without a `!`.
    press(&mut app, KeyCode::Char('5'));
    let shown = screen(&app);
    let cols: std::collections::BTreeSet<usize> = shown
        .lines()
        .filter(|r| r.contains(" 0!") || r.contains("✓P 3"))
        .filter_map(|r| r.find("✓P").map(|b| r[..b].chars().count()))
        .collect();
    assert_eq!(cols.len(), 1, "the Refs marks start in one column:\n{shown}");

    // A choice with a blank option never lists an empty name.
    let t = assay::domain::FieldSpec::new(
        "treatment",
        "Treatment",
        assay::domain::FieldKind::Enum(assay::domain::risk_entity::TREATMENT_CHOICES),
    );
    let err = t.parse("fix", today()).expect_err("not a treatment");
    assert!(!err.contains("of ,") && err.contains("or left blank"), "{err}");
}

/// The columns from the start of a header title to the start of the next one (the column and its gap).
fn header_room(shown: &str, title: &str) -> usize {
    let row = shown
        .lines()
        .find(|r| r.contains(&format!("│{title} ")) || r.contains(&format!(" {title} ")))
        .unwrap_or_else(|| panic!("no header {title}:\n{shown}"));
    let chars: Vec<char> = row.chars().collect();
    let t: Vec<char> = title.chars().collect();
    let at = (0..chars.len()).find(|&i| chars[i..].starts_with(&t)).expect("title");
    let after = chars[at + t.len()..].iter().take_while(|c| **c == ' ').count();
    t.len() + after
}

#[test]
fn at_80_by_24_every_tab_shows_help_stays_and_main_columns_keep_24() {
    use assay::app::Action;
    let mut app = demo_app(80, 24);
    let shown = screen(&app);
    let bar = shown.lines().next().expect("tab bar");
    for n in 1..=7 {
        assert!(bar.contains(&format!(" {n} ")), "tab {n} is visible: {bar}");
    }
    let spans = assay::app::layout::tab_spans(80, &app.tab_titles());
    assert_eq!(spans.len(), 7);
    assert!(spans.iter().all(|(_, _, end)| *end <= 80), "every tab fits: {spans:?}");
    // A click on the seventh tab opens it.
    let (tab, a, _) = spans[6];
    app.update(Action::Click(a + 1, 0)).expect("click");
    assert_eq!(app.tab, tab);

    let check = |app: &mut assay::app::App, go: &[Action], title: &str| {
        for a in go {
            app.update(a.clone()).expect("go");
        }
        let shown = screen(app);
        let status = shown.lines().last().expect("status");
        assert!(status.contains("? Help"), "the help hint stays: {status}");
        let room = header_room(&shown, title);
        assert!(room > 24, "{title} keeps 24 columns, has {}:\n{shown}", room - 1);
    };
    check(&mut app, &[Action::Tab1], "Name");
    check(&mut app, &[Action::Tab3], "Provider");
    check(&mut app, &[Action::NextView], "Criterion");
    check(&mut app, &[Action::Tab4], "Risk");
    check(&mut app, &[Action::Tab5], "Member");
    check(&mut app, &[Action::NextView], "Member");
    check(&mut app, &[Action::NextView], "Role");
    check(&mut app, &[Action::Tab6], "Description");
    check(&mut app, &[Action::NextView], "Access to");
    check(&mut app, &[Action::Tab7], "What");

    // On a wide terminal the main columns grow.
    app.update(Action::Resize(200, 50)).expect("resize");
    app.update(Action::Tab1).expect("tab");
    let shown = screen(&app);
    assert!(header_room(&shown, "Name") > 40, "{shown}");
    assert!(shown.lines().next().expect("bar").contains("1 Engagements"), "full titles when they fit");
}

fn assay_cli(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(dir)
        .env_remove("ASSAY_CONFIG")
        .env_remove("ASSAY_DB")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .output()
        .expect("run assay")
}

#[test]
fn a_config_file_named_on_the_command_line_must_exist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("typo.toml");
    let db = dir.path().join("w.db");
    let out = assay_cli(
        &["--config", missing.to_str().expect("utf8"), "--db", db.to_str().expect("utf8"), "verify"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("assay: config file") && err.contains("typo.toml") && err.contains("no such file"),
        "{err}"
    );
    assert!(!db.exists(), "nothing was created");
    // An existing one is read.
    std::fs::write(&missing, "assessor = \"Ana\"\n").expect("write");
    let out = assay_cli(&["--config", missing.to_str().expect("utf8"), "demo", "--out", "d.db"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn report_assets_to_a_file_says_where_it_went() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = assay_cli(&["demo", "--out", "w.db"], dir.path());
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let out = assay_cli(&["--db", "w.db", "report", "assets", "Payroll", "--out", "form.md"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let full = std::fs::canonicalize(dir.path().join("form.md")).expect("written");
    let err = String::from_utf8_lossy(&out.stderr);
    let shown = err.trim().rsplit(" to ").next().map(std::path::PathBuf::from).expect("a path");
    assert_eq!(std::fs::canonicalize(&shown).expect("the path shown exists"), full, "{err}");
    assert!(shown.is_absolute(), "the full path: {err}");
}

/// Clicks the screen row showing `text` (after drawing the screen, as the terminal loop does).
fn click_text(app: &mut assay::app::App, text: &str) {
    let shown = screen(app);
    app.note_drawn();
    let (y, row) =
        shown.lines().enumerate().find(|(_, r)| r.contains(text)).unwrap_or_else(|| panic!("{text}:\n{shown}"));
    let x =
        row.trim_start_matches('"').find(text).map(|b| row.trim_start_matches('"')[..b].chars().count()).expect("x");
    app.update(assay::app::Action::Click(x as u16, y as u16)).expect("click");
}

#[test]
fn clicks_select_rows_in_every_list_and_a_second_click_opens() {
    use assay::app::Action;
    let mut app = demo_app(130, 36);
    // Risks: a click selects the row, a second click opens it (Enter edits a risk).
    app.update(Action::Tab4).expect("tab");
    let title = app.pane::<RiskPane>().selected().map(|(r, _)| r.title.clone()).expect("a risk");
    let other = {
        app.update(Action::NextRow).expect("move");
        app.update(Action::NextRow).expect("move");
        let t = app.pane::<RiskPane>().selected().map(|(r, _)| r.title.clone()).expect("third");
        app.update(Action::FirstRow).expect("back");
        t
    };
    assert_ne!(title, other);
    click_text(&mut app, &other.chars().take(12).collect::<String>());
    assert_eq!(
        app.pane::<RiskPane>().selected().map(|(r, _)| r.title.clone()),
        Some(other.clone()),
        "the click selects"
    );
    assert!(app.overlay.is_none());
    click_text(&mut app, &other.chars().take(12).collect::<String>());
    assert!(matches!(app.overlay, Some(Overlay::Detail(_))), "the second click opens the risk, as Enter does");
    press(&mut app, KeyCode::Esc);

    // The other lists select the clicked row too.
    let lists: &[(Action, usize)] = &[(Action::Tab3, 0), (Action::Tab6, 1), (Action::Tab7, 2)];
    for (tab, which) in lists {
        app.update(tab.clone()).expect("tab");
        let before = match which {
            0 => app.pane::<ScorecardPane>().provider_cursor.selected,
            1 => app.pane::<AssetPane>().cursor.selected,
            _ => app.pane::<assay::app::WorkflowPane>().cursor.selected,
        };
        // The third row of the list: the header is the line above the first.
        let shown = screen(&app);
        let drawn = {
            app.note_drawn();
            app.drawn.first().cloned()
        }
        .expect("a list drawn");
        assert!(!shown.is_empty());
        app.update(Action::Click(drawn.rows.x + 3, drawn.rows.y + 2)).expect("click");
        let after = match which {
            0 => app.pane::<ScorecardPane>().provider_cursor.selected,
            1 => app.pane::<AssetPane>().cursor.selected,
            _ => app.pane::<assay::app::WorkflowPane>().cursor.selected,
        };
        assert_eq!(after, drawn.offset + 2, "tab {tab:?}: the third row is selected (was {before})");
    }

    // The vetting grid: a click on a check cell selects the member and the check.
    app.update(Action::Tab5).expect("tab");
    let _ = screen(&app);
    let drawn = {
        app.note_drawn();
        app.drawn.first().cloned()
    }
    .expect("the grid");
    let (x, _) = drawn.cols[3];
    app.update(Action::Click(x + 1, drawn.rows.y + 1)).expect("click");
    assert_eq!((app.pane::<VettingPane>().cursor.selected, app.pane::<VettingPane>().col), (drawn.offset + 1, 3));

    // The score grid: a click selects the criterion and the provider; it scores nothing.
    app.update(Action::Tab3).expect("tab");
    app.update(Action::NextView).expect("criteria");
    app.update(Action::NextView).expect("grid");
    let before: i64 = app.store.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("n");
    let _ = screen(&app);
    let drawn = {
        app.note_drawn();
        app.drawn.first().cloned()
    }
    .expect("the grid");
    let (x, _) = drawn.cols[2];
    app.update(Action::Click(x + 1, drawn.rows.y + 3)).expect("click");
    assert_eq!((app.pane::<ScorecardPane>().cell.row, app.pane::<ScorecardPane>().cell.col), (drawn.offset + 3, 2));
    let after: i64 = app.store.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("n");
    assert_eq!(before, after);
}

//! Find within a pane: the Risks register, the Vetting grid, the Workflow checklist and the Access view narrow
//! their rows to the text typed, show it in the title with the count, keep the cursor on a row that passes, and
//! clear it with Esc.

mod common;

use assay::app::workflow::Line as WfLine;
use assay::app::{App, AssetPane, Context, RiskPane, Tab, VettingPane, WorkflowPane};
use assay::catalog::catalog;
use common::*;
use ratatui::crossterm::event::KeyCode;

fn goto(app: &mut App, n: char) {
    press(app, KeyCode::Char(n));
}

fn risk_titles(app: &App) -> Vec<String> {
    let p = app.pane::<RiskPane>();
    p.visible.iter().map(|&i| p.all[i].title.clone()).collect()
}

/// A word of `title` that is at least five letters long, to search by.
fn word_of(title: &str) -> String {
    title.split(|c: char| !c.is_alphanumeric()).find(|w| w.chars().count() >= 5).unwrap_or(title).to_string()
}

#[test]
fn risks_narrow_to_the_text_typed_and_esc_clears_it() {
    let mut app = demo_app(120, 40);
    goto(&mut app, '4');
    assert_eq!(app.tab, Tab::Risks);
    let all = risk_titles(&app);
    assert!(all.len() > 2, "the demo has risks");
    // The last risk's title: the cursor is on the first row, which the find may hide.
    let wanted = all.last().expect("a risk").clone();
    let word = word_of(&wanted);

    press(&mut app, KeyCode::Char('f'));
    assert_eq!(app.context(), Context::Filter);
    keys(&mut app, &word.to_uppercase());
    let shown = risk_titles(&app);
    assert!(shown.contains(&wanted), "{shown:?}");
    assert!(shown.len() < all.len(), "the find narrows the register: {shown:?}");
    assert!(shown.iter().all(|t| {
        let r = app.pane::<RiskPane>().all.iter().find(|r| &r.title == t).expect("risk");
        let hay = format!("{} {:?} {:?} {:?} {:?}", r.title, r.owner, r.description, r.plan, r.catalog_ref);
        hay.to_lowercase().contains(&word.to_lowercase())
    }));
    // The cursor is on a row that passes.
    let selected = app.pane::<RiskPane>().selected().map(|(r, _)| r.title.clone()).expect("a row is selected");
    assert!(shown.contains(&selected));
    let screen = screen(&app);
    assert!(screen.contains(&format!("find “{}▏”: {} of {} shown", word.to_uppercase(), shown.len(), all.len())));

    // Enter keeps the find and gives the keys back to the register; Esc clears it.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Risks);
    assert_eq!(risk_titles(&app), shown);
    press(&mut app, KeyCode::Char('G'));
    let kept = app.pane::<RiskPane>().selected().map(|(r, _)| r.id);
    press(&mut app, KeyCode::Esc);
    assert_eq!(risk_titles(&app), all);
    assert_eq!(app.pane::<RiskPane>().selected().map(|(r, _)| r.id), kept, "the cursor stays on its risk");
    assert!(!screen_text(&app).contains("find “"));
}

fn screen_text(app: &App) -> String {
    screen(app)
}

#[test]
fn a_find_that_matches_nothing_says_so_and_backspace_widens_it() {
    let mut app = demo_app(120, 40);
    goto(&mut app, '4');
    let all = risk_titles(&app).len();
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "zzqx");
    assert!(risk_titles(&app).is_empty());
    assert!(app.pane::<RiskPane>().selected().is_none());
    assert!(screen(&app).contains("No risk contains this text (Esc clears the filter)"));
    // Keys that edit a record do nothing while the find is typed: `d` is a letter of the find.
    keys(&mut app, "d");
    assert!(app.overlay.is_none());
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    assert_eq!(risk_titles(&app).len(), all);
}

#[test]
fn vetting_grid_narrows_members_by_name_and_role() {
    let mut app = demo_app(120, 40);
    goto(&mut app, '5');
    assert_eq!(app.tab, Tab::Vetting);
    let p = app.pane::<VettingPane>();
    let total = p.rows.len();
    assert!(total > 2, "the demo provider has a team");
    let last = p.rows.last().expect("a member").member.clone();
    let surname = last.name.split_whitespace().last().expect("a name").to_string();

    // `f` marks a check failed here: the find is on `F`, as the keymap says.
    press(&mut app, KeyCode::Char('F'));
    assert_eq!(app.context(), Context::Filter);
    keys(&mut app, &surname.to_lowercase());
    let p = app.pane::<VettingPane>();
    let names: Vec<&str> = p.visible.iter().map(|&i| p.rows[i].member.name.as_str()).collect();
    assert!(names.contains(&last.name.as_str()), "{names:?}");
    assert!(names.len() < total);
    assert!(
        p.visible.iter().all(|&i| {
            let r = &p.rows[i];
            format!("{} {:?} {:?}", r.member.name, r.member.role, r.backs_up)
                .to_lowercase()
                .contains(&surname.to_lowercase())
        }),
        "{names:?}"
    );
    assert!(p.selected().is_some_and(|r| names.contains(&r.member.name.as_str())));
    let screen = screen(&app);
    assert!(screen.contains(&format!("{} of {total} shown", names.len())), "{screen}");
    assert!(screen.contains(&last.name));

    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Vetting);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane::<VettingPane>().visible.len(), total);
}

#[test]
fn workflow_narrows_items_by_id_and_title_keeping_their_headings() {
    let mut app = demo_app(120, 40);
    goto(&mut app, '7');
    assert_eq!(app.tab, Tab::Workflow);
    let total = app.pane::<WorkflowPane>().total_items;
    let items = |app: &App| -> Vec<usize> {
        app.pane::<WorkflowPane>()
            .lines
            .iter()
            .filter_map(|l| match l {
                WfLine::Item { catalog_idx, .. } => Some(*catalog_idx),
                WfLine::Heading { .. } => None,
            })
            .collect()
    };
    let before = items(&app);
    let wanted = *before.last().expect("an item");
    let id = catalog().items[wanted].id.clone();

    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, &id);
    let shown = items(&app);
    assert!(shown.contains(&wanted), "{shown:?}");
    assert!(shown.len() < before.len());
    let p = app.pane::<WorkflowPane>();
    assert_eq!(p.shown_items, shown.len());
    assert!(matches!(p.lines.first(), Some(WfLine::Heading { .. })), "the group's heading stays");
    assert!(p.selected_item().is_some_and(|i| shown.contains(&i)), "the cursor is on an item, not a heading");
    assert!(screen(&app).contains(&format!("{} of {total} shown", shown.len())));

    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Workflow);
    assert_eq!(items(&app), before);
}

#[test]
fn access_view_narrows_grants_by_target_and_holder() {
    let mut app = demo_app(120, 40);
    goto(&mut app, '6');
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::Access);
    let p = app.pane::<AssetPane>();
    let total = p.grants.len();
    assert!(total > 1, "the demo has grants");
    let target = p.grants.last().expect("a grant").target.clone();

    press(&mut app, KeyCode::Char('f'));
    assert_eq!(app.context(), Context::Filter);
    keys(&mut app, &target);
    let p = app.pane::<AssetPane>();
    let targets: Vec<&str> = p.grant_visible.iter().map(|&i| p.grants[i].target.as_str()).collect();
    assert!(targets.contains(&target.as_str()));
    assert!(targets.len() < total, "{targets:?}");
    assert!(p.selected_grant().is_some_and(|(g, _)| targets.contains(&g.target.as_str())));
    // `v` is a letter of the find while it is typed, not the next view.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Access);
    insta::assert_snapshot!("access_found", render(&app).backend());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane::<AssetPane>().grant_visible.len(), total);
}

fn picker(app: &App) -> &assay::app::Picker<assay::app::pane::Intent> {
    match &app.overlay {
        Some(assay::app::Overlay::Picker(p)) => p,
        _ => panic!("the picker is open"),
    }
}

#[test]
fn the_catalog_picker_narrows_as_you_type_and_enter_picks_the_top_item() {
    let mut app = demo_app(120, 40);
    goto(&mut app, '4');
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(app.context(), Context::Picker);
    let total = picker(&app).items.len();
    assert!(total >= 15, "the catalog offers enough risks");
    // The fifteenth item: reached before only by fourteen presses of the next-row key.
    let wanted = picker(&app).items[14].clone();
    let word = word_of(&wanted.label);

    // Letters are typed, not taken as keys (`j`, `k`, `g` once moved the list, `q` closed it).
    keys(&mut app, &word.to_lowercase());
    let p = picker(&app);
    assert!(p.visible.len() < total, "typing narrows the list");
    assert!(p.visible.iter().all(|&i| {
        let it = &p.items[i];
        format!("{} {} {} {}", it.key, it.label, it.detail, it.text).to_lowercase().contains(&word.to_lowercase())
    }));
    let shown = screen(&app);
    assert!(shown.contains(&format!("“{}▏” {} of {total}", word.to_lowercase(), p.visible.len())), "{shown}");

    // Its id brings it to the top, selected.
    press_mod(&mut app, KeyCode::Char('u'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    assert_eq!(picker(&app).visible.len(), total, "Ctrl-U clears what is typed");
    keys(&mut app, &wanted.key.to_lowercase());
    assert_eq!(picker(&app).selected().map(|i| i.key.clone()), Some(wanted.key.clone()));

    // Backspace widens the list again; arrows still move.
    let narrowed = picker(&app).visible.len();
    for _ in 0..wanted.key.chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    assert!(picker(&app).visible.len() > narrowed);
    assert_eq!(picker(&app).visible.len(), total);
    press(&mut app, KeyCode::Down);
    assert_eq!(picker(&app).cursor.selected, 1);

    // Typed again, Enter picks it: the new-risk form is filled from it.
    keys(&mut app, &wanted.key);
    press(&mut app, KeyCode::Enter);
    let Some(assay::app::Overlay::Form(form)) = &app.overlay else { panic!("the form is open") };
    assert!(form.title.contains(&wanted.key), "{}", form.title);
}

#[test]
fn a_picker_query_that_matches_nothing_says_so_and_enter_does_nothing() {
    let mut app = demo_app(120, 40);
    goto(&mut app, '4');
    press(&mut app, KeyCode::Char('c'));
    keys(&mut app, "zzqxw");
    assert!(picker(&app).visible.is_empty());
    assert!(screen(&app).contains("Nothing matches what is typed"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Picker, "nothing is chosen");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

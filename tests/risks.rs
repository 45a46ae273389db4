//! The Risks tab: register, matrix and verdict on screen, and every write checked in the database.

mod common;

use assay::app::{App, Context, Overlay, RiskFocus, RiskPane, Tab};
use assay::domain::risk::{AcceptanceState, Band, Dimension, Treatment, TreatmentStatus};
use assay::store::risks;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::{Color, Modifier};

fn risks_tab(w: u16, h: u16) -> App {
    let mut app = demo_app(w, h);
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.tab, Tab::Risks);
    assert_eq!(app.context(), Context::Risks);
    app
}

fn engagement(app: &App) -> i64 {
    app.session.current.as_ref().expect("an engagement is open").id
}

fn tab(app: &mut App, n: usize) {
    for _ in 0..n {
        press(app, KeyCode::Tab);
    }
}

fn clear_and_type(app: &mut App, text: &str) {
    press_mod(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    keys(app, text);
}

/// Moves the register's selection to the risk with this title.
fn select_title(app: &mut App, title: &str) -> i64 {
    press(app, KeyCode::Char('g'));
    for _ in 0..app.pane::<RiskPane>().visible.len() {
        if let Some((r, _)) = app.pane::<RiskPane>().selected()
            && r.title == title
        {
            return r.id;
        }
        press(app, KeyCode::Char('j'));
    }
    panic!("no risk titled {title:?} in the register");
}

fn form_error(app: &App, key: &str) -> Option<String> {
    match &app.overlay {
        Some(Overlay::Form(f)) => f.fields.iter().find(|x| x.spec.key == key).and_then(|x| x.error.clone()),
        _ => None,
    }
}

fn count_risks(app: &App) -> usize {
    risks::list(app.store.conn(), engagement(app)).expect("list").len()
}

#[test]
fn register_and_matrix_in_every_view() {
    let mut app = risks_tab(120, 40);
    assert!(screen(&app).contains("Matrix · Overall · inherent"));
    insta::assert_snapshot!("risks_overall_inherent", render(&app).backend());
    let names = [
        (Dimension::C, "risks_c_inherent", "Confidentiality · inherent"),
        (Dimension::I, "risks_i_inherent", "Integrity · inherent"),
        (Dimension::A, "risks_a_inherent", "Availability · inherent"),
    ];
    for (dimension, snap, title) in names {
        press(&mut app, KeyCode::Char('v'));
        assert_eq!(app.pane::<RiskPane>().view.dimension, dimension);
        assert!(screen(&app).contains(title), "{title}");
        insta::assert_snapshot!(snap, render(&app).backend());
    }
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.pane::<RiskPane>().view.dimension, Dimension::Overall, "C → I → A → overall, and round again");
    press(&mut app, KeyCode::Char('r'));
    assert!(app.pane::<RiskPane>().view.residual);
    insta::assert_snapshot!("risks_overall_residual", render(&app).backend());
    press(&mut app, KeyCode::Char('v'));
    insta::assert_snapshot!("risks_c_residual", render(&app).backend());
    press(&mut app, KeyCode::Char('r'));
    assert!(!app.pane::<RiskPane>().view.residual);
    // The matrix counts the whole register: every risk is in a cell or off the grid, in every view.
    for _ in 0..4 {
        assert_eq!(
            (app.pane::<RiskPane>().matrix.total() + app.pane::<RiskPane>().matrix.outside) as usize,
            app.pane::<RiskPane>().all.len()
        );
        press(&mut app, KeyCode::Char('v'));
    }
}

#[test]
fn empty_engagement_shows_how_to_start() {
    let mut app = empty_app(100, 30);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Cloud backup");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.tab, Tab::Risks);
    let s = screen(&app);
    assert!(s.contains("No risks yet"));
    assert!(s.contains("No critical or high risk outstanding"));
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn risks_tab_needs_an_engagement() {
    let mut app = empty_app(100, 30);
    press(&mut app, KeyCode::Char('4'));
    assert_ne!(app.tab, Tab::Risks);
}

#[test]
fn add_own_risk_rates_it_and_writes_it() {
    let mut app = risks_tab(120, 40);
    let before = count_risks(&app);
    press(&mut app, KeyCode::Char('a'));
    assert!(matches!(&app.overlay, Some(Overlay::Form(f)) if f.title == "New risk"));
    keys(&mut app, "Provider admins can read payroll exports");
    tab(&mut app, 2);
    keys(&mut app, "4");
    tab(&mut app, 1);
    clear_and_type(&mut app, "5");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved: {:?}", app.toast);
    assert_eq!(app.toast.as_ref().map(|t| t.text.as_str()), Some("Risk added — 20 Critical"));
    assert_eq!(count_risks(&app), before + 1);
    let (r, f) = app.pane::<RiskPane>().selected().expect("the new risk is selected");
    assert_eq!(r.title, "Provider admins can read payroll exports");
    assert_eq!((r.likelihood, r.impact_c, r.impact_i, r.impact_a), (4, 5, 0, 0));
    assert_eq!(r.catalog_ref, None);
    assert_eq!(f.inherent.band(), Band::Critical);
    assert_eq!(f.acceptance(app.today), AcceptanceState::Unaccepted, "critical and untreated");
    let stored = risks::get(app.store.conn(), r.id).expect("get").expect("stored");
    assert_eq!(stored.status, TreatmentStatus::Open);
    assert_eq!(stored.treatment, None);
    let audited: i64 = app
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE table_name = 'risk' AND action = 'insert' AND row_id = ?",
            [r.id],
            |x| x.get(0),
        )
        .expect("audit");
    assert_eq!(audited, 1);
    assert_eq!(app.session.summary.risks as usize, before + 1, "the overview's figures follow");
}

#[test]
fn catalog_picker_prefills_the_form() {
    let mut app = risks_tab(120, 40);
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(app.context(), Context::Picker);
    insta::assert_snapshot!("catalog_picker", render(&app).backend());
    press(&mut app, KeyCode::Down);
    let Some(Overlay::Picker(p)) = &app.overlay else { panic!("picker open") };
    let item = assay::catalog::catalog().get(&p.selected().expect("item").key).expect("in catalog").clone();
    assert_eq!(item.id, "G-T2-I1");
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("form open") };
    assert!(form.title.contains("G-T2-I1") && form.title.contains("Table 2, item I1"), "{}", form.title);
    assert_eq!(form.value_of("title"), Some(item.title.as_str()));
    assert_eq!(form.value_of("description"), Some(item.text.as_str()));
    assert_eq!(form.value_of("impact_i"), Some("3"), "the item names integrity");
    assert_eq!(form.value_of("impact_c"), Some("0"));
    assert_eq!(form.focused().map(|f| f.spec.key), Some("likelihood"), "left for the assessor to rate");
    press(&mut app, KeyCode::Enter);
    assert_eq!(form_error(&app, "likelihood").as_deref(), Some("Likelihood 1–5 is required"));
    keys(&mut app, "4");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let (r, _) = app.pane::<RiskPane>().selected().expect("selected");
    let stored = risks::get(app.store.conn(), r.id).expect("get").expect("stored");
    assert_eq!(stored.catalog_ref.as_deref(), Some("G-T2-I1"));
    assert_eq!(stored.description.as_deref(), Some(item.text.as_str()));
    assert_eq!((stored.likelihood, stored.impact_c, stored.impact_i, stored.impact_a), (4, 0, 3, 0));
}

#[test]
fn picker_closes_on_esc_without_writing() {
    let mut app = risks_tab(120, 40);
    let before = count_risks(&app);
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert_eq!(count_risks(&app), before);
}

#[test]
fn edit_sets_treatment_plan_owner_due_status_and_residual() {
    let mut app = risks_tab(120, 40);
    let id = select_title(&mut app, "Inadequate backup and recovery");
    press(&mut app, KeyCode::Char('e'));
    tab(&mut app, 6); // treatment
    keys(&mut app, "m");
    tab(&mut app, 1);
    clear_and_type(&mut app, "Nightly restore test with evidence");
    tab(&mut app, 1);
    clear_and_type(&mut app, "Kofi Mensah");
    tab(&mut app, 1);
    clear_and_type(&mut app, "2026-11-01");
    tab(&mut app, 1);
    keys(&mut app, "d");
    tab(&mut app, 1);
    clear_and_type(&mut app, "1");
    for impact in ["0", "2", "1"] {
        tab(&mut app, 1);
        clear_and_type(&mut app, impact);
    }
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved: {:?}", app.toast);
    let r = risks::get(app.store.conn(), id).expect("get").expect("stored");
    assert_eq!(r.treatment, Some(Treatment::Modify));
    assert_eq!(r.plan.as_deref(), Some("Nightly restore test with evidence"));
    assert_eq!(r.owner.as_deref(), Some("Kofi Mensah"));
    assert_eq!(r.due_date.as_deref(), Some("2026-11-01"));
    assert_eq!(r.status, TreatmentStatus::Done);
    assert_eq!((r.residual_likelihood, r.residual_c, r.residual_i, r.residual_a), (Some(1), Some(0), Some(2), Some(1)));
    let f = r.facts();
    assert_eq!(f.residual_band(), Band::Low);
    assert!(!f.is_overdue(app.today), "done treatments are never overdue");
    assert_eq!(f.acceptance(app.today), AcceptanceState::NotNeeded);

    // Back to in progress: the past due date is flagged overdue on screen.
    press(&mut app, KeyCode::Char('e'));
    tab(&mut app, 10);
    keys(&mut app, "i");
    press(&mut app, KeyCode::Enter);
    let r = risks::get(app.store.conn(), id).expect("get").expect("stored");
    assert_eq!(r.status, TreatmentStatus::InProgress);
    assert!(screen(&app).contains("2026-11-01!"), "overdue flagged with !");
}

#[test]
fn form_checks_ranges_and_the_whole_residual() {
    let mut app = risks_tab(120, 40);
    let id = select_title(&mut app, "Inadequate backup and recovery");
    let before = risks::get(app.store.conn(), id).expect("get");
    press(&mut app, KeyCode::Char('e'));
    tab(&mut app, 2);
    clear_and_type(&mut app, "6");
    press(&mut app, KeyCode::Enter);
    assert_eq!(form_error(&app, "likelihood").as_deref(), Some("a whole number from 1 to 5"));
    clear_and_type(&mut app, "2");
    tab(&mut app, 10); // residual C, with no residual likelihood
    clear_and_type(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "residual_likelihood").is_some_and(|e| e.contains("residual likelihood is needed")));
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("form stays open") };
    assert_eq!(f.focused().map(|x| x.spec.key), Some("residual_likelihood"));
    insta::assert_snapshot!("risk_form_residual_error", render(&app).backend());
    press(&mut app, KeyCode::Esc);
    assert_eq!(risks::get(app.store.conn(), id).expect("get"), before, "nothing written");
}

#[test]
fn acceptance_needs_a_name_and_a_later_review_date() {
    let mut app = risks_tab(120, 40);
    let id = select_title(&mut app, "Inadequate backup and recovery");
    assert!(screen(&app).contains("! unaccepted"));
    let unaccepted = app.pane::<RiskPane>().unaccepted;
    press(&mut app, KeyCode::Char('A'));
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("acceptance form") };
    assert_eq!(f.value_of("accepted_at"), Some("2026-11-23"), "defaults to today");
    insta::assert_snapshot!("acceptance_form", render(&app).backend());
    press(&mut app, KeyCode::Enter);
    assert_eq!(form_error(&app, "accepted_by").as_deref(), Some("Accepted by is required"));
    keys(&mut app, "Dana Ortiz, CFO");
    tab(&mut app, 2);
    keys(&mut app, "2026-11-01");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "review_date").is_some_and(|e| e.contains("after the date of acceptance")));
    clear_and_type(&mut app, "+180");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let r = risks::get(app.store.conn(), id).expect("get").expect("stored");
    assert_eq!(r.accepted_by.as_deref(), Some("Dana Ortiz, CFO"));
    assert_eq!(r.accepted_at.as_deref(), Some("2026-11-23"));
    assert_eq!(r.review_date.as_deref(), Some("2027-05-22"));
    assert_eq!(r.facts().acceptance(app.today), AcceptanceState::Accepted);
    assert_eq!(app.pane::<RiskPane>().unaccepted, unaccepted - 1);
}

#[test]
fn delete_asks_first() {
    let mut app = risks_tab(120, 40);
    let before = count_risks(&app);
    let id = select_title(&mut app, "Quality fade");
    press(&mut app, KeyCode::Char('d'));
    assert!(matches!(&app.overlay, Some(Overlay::Confirm(c)) if c.message.contains("Quality fade")));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(count_risks(&app), before);
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(count_risks(&app), before - 1);
    assert!(risks::get(app.store.conn(), id).expect("get").is_none());
    assert_eq!(app.pane::<RiskPane>().all.len(), before - 1, "register reloaded");
}

#[test]
fn choosing_a_cell_filters_the_register() {
    let mut app = risks_tab(120, 40);
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.pane::<RiskPane>().focus, RiskFocus::Matrix);
    assert_eq!(app.context(), Context::Matrix);
    // From (3, 3) to likelihood 1, impact 5.
    for _ in 0..2 {
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Right);
    }
    assert_eq!(app.pane::<RiskPane>().cell, (1, 5));
    let expected = app.pane::<RiskPane>().matrix.count(1, 5) as usize;
    assert!(expected > 1, "the demo has several risks in this cell");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.pane::<RiskPane>().focus, RiskFocus::Register);
    assert_eq!(app.pane::<RiskPane>().filter, Some((1, 5)));
    assert_eq!(app.pane::<RiskPane>().visible.len(), expected);
    let view = app.pane::<RiskPane>().view;
    assert!(app.pane::<RiskPane>().visible.iter().all(|&i| app.pane::<RiskPane>().facts[i].in_cell(view, 1, 5)));
    let s = screen(&app);
    assert!(s.contains(&format!("cell L1×Imp5 of Overall · inherent: {expected} shown")), "{s}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane::<RiskPane>().filter, None);
    assert_eq!(app.pane::<RiskPane>().visible.len(), app.pane::<RiskPane>().all.len());
    // Esc in the matrix with no filter goes back to the register.
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane::<RiskPane>().focus, RiskFocus::Register);
}

/// Finds the matrix cell for `likelihood` and `impact` on screen: (x, y) of its band letter.
fn cell_letter(app: &App, likelihood: u8, impact: u8) -> (u16, u16) {
    let t = render(app);
    let buf = t.backend().buffer().clone();
    let label = format!("L{likelihood} ");
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if let Some(pos) = line.find(&format!("│{label}")) {
            let col = line[..pos].chars().count() as u16 + 1; // after the border
            return (col + 3 + u16::from(impact - 1) * 7 + 5, y);
        }
    }
    panic!("no matrix row {label}");
}

#[test]
fn a_critical_cell_carries_the_critical_style_and_its_letter() {
    let mut app = risks_tab(120, 40);
    let (x, y) = cell_letter(&app, 5, 5);
    let t = render(&app);
    let cell = &t.backend().buffer()[(x, y)];
    assert_eq!(cell.symbol(), "C");
    let critical = app.theme.band_critical;
    assert!(cell.modifier.contains(Modifier::REVERSED | Modifier::BOLD), "plain theme: reverse video");
    assert_eq!(critical.add_modifier, Modifier::REVERSED | Modifier::BOLD);
    let (lx, ly) = cell_letter(&app, 1, 1);
    let low = &t.backend().buffer()[(lx, ly)];
    assert_eq!(low.symbol(), "L");
    assert!(!low.modifier.contains(Modifier::REVERSED));

    app.theme = assay::theme::Theme::colored();
    let t = render(&app);
    let cell = &t.backend().buffer()[(x, y)];
    assert_eq!(cell.symbol(), "C");
    assert_eq!(cell.bg, Color::Red);
    assert_eq!(Some(cell.bg), app.theme.band(Band::Critical).bg);
    let high = &t.backend().buffer()[cell_letter(&app, 3, 4)];
    assert_eq!(high.symbol(), "H");
    assert_eq!(Some(high.bg), app.theme.band(Band::High).bg);
}

#[test]
fn switching_engagements_reloads_the_register() {
    let mut app = risks_tab(120, 40);
    let first: Vec<i64> = app.pane::<RiskPane>().all.iter().map(|r| r.id).collect();
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('4'));
    let other = engagement(&app);
    assert!(app.pane::<RiskPane>().all.iter().all(|r| r.engagement_id == other && !first.contains(&r.id)));
    assert_eq!(app.pane::<RiskPane>().all.len(), count_risks(&app));
}

#[test]
fn no_panic_at_any_size_on_the_risks_tab() {
    let mut app = risks_tab(80, 24);
    for step in [None, Some('m'), Some('c')] {
        if let Some(k) = step {
            press(&mut app, KeyCode::Char(k));
        }
        for w in (1..=170).step_by(13) {
            for h in (1..=60).step_by(7) {
                app.update(assay::app::Action::Resize(w, h)).expect("resize");
                let _ = render(&app);
            }
        }
    }
}

#[test]
fn the_overall_heat_map_labels_its_columns_as_impact_not_integrity() {
    // Failed before: the Overall view labelled its columns I1–I5, exactly like the Integrity view.
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.pane::<RiskPane>().view.dimension, assay::domain::risk::Dimension::Overall);
    let s = screen(&app);
    assert!(s.contains("Imp1   Imp2   Imp3   Imp4   Imp5"), "{s}");
    assert!(!s.contains("  I1     I2"), "{s}");
}

/// The register names each risk by its short reference in a narrow first column, also at 80×24, and the find
/// takes a reference: "R-12" is what the report and the OSCAL export call the same risk.
#[test]
fn the_register_names_each_risk_by_its_reference_at_80_columns() {
    let mut app = risks_tab(80, 24);
    insta::assert_snapshot!(render(&app).backend());
    let s = screen(&app);
    assert!(s.contains("│Ref  Band Risk"), "{s}");
    let (number, title) = app.pane::<RiskPane>().selected().map(|(r, _)| (r.number, r.title.clone())).expect("a risk");
    let first_row = s.lines().nth(3).unwrap_or_default();
    assert!(first_row.starts_with(&format!("\"│R-{number} ")), "{first_row}");
    assert!(first_row.contains(&title[..20]), "{first_row}");
    // Another risk, found by its reference.
    let other = app.pane::<RiskPane>().all.iter().find(|r| r.number == 12).map(|r| r.title.clone()).expect("R-12");
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "r-12");
    press(&mut app, KeyCode::Enter);
    let pane = app.pane::<RiskPane>();
    assert_eq!(pane.visible.len(), 1, "only R-12 holds “r-12”");
    assert_eq!(pane.selected().map(|(r, _)| r.title.clone()), Some(other));
}

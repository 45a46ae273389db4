//! The `date_format` setting: the screens show dates day first and forms take them so, while the workspace keeps
//! storing `YYYY-MM-DD` and forms still take ISO dates and the shorthands.

mod common;

use assay::app::{App, Overlay, RiskPane};
use assay::domain::DateStyle;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn day_first_app() -> App {
    let mut app = demo_app(120, 40);
    app.dates = DateStyle::DayFirst;
    app
}

fn due_of(app: &App, risk: i64) -> Option<String> {
    app.store.conn().query_row("SELECT due_date FROM risk WHERE id = ?1", [risk], |r| r.get(0)).expect("due date")
}

/// Opens the selected risk's form on its due date, emptied, and types `text` there.
fn type_due(app: &mut App, text: &str) {
    press(app, KeyCode::Char('e'));
    match &mut app.overlay {
        Some(Overlay::Form(f)) => f.focus_key("due_date"),
        other => panic!("a form, not {other:?}"),
    }
    press_mod(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    keys(app, text);
}

#[test]
fn the_style_shows_and_reads_dates() {
    assert_eq!(DateStyle::DayFirst.show("2027-04-03"), "03/04/2027");
    assert_eq!(DateStyle::DayFirst.show("2027-04-03T09:00:00Z"), "03/04/2027T09:00:00Z");
    assert_eq!(DateStyle::DayFirst.show("not a date"), "not a date");
    assert_eq!(DateStyle::Iso.show("2027-04-03"), "2027-04-03");
    assert_eq!(DateStyle::DayFirst.read("3.4.2027"), Ok("2027-04-03".to_string()));
    assert_eq!(DateStyle::DayFirst.read("2027-04-03"), Ok("2027-04-03".to_string()));
    assert_eq!(DateStyle::DayFirst.read("+30"), Ok("+30".to_string()));
    assert!(DateStyle::DayFirst.read("31/02/2027").is_err(), "no 31 February");
    assert!(DateStyle::DayFirst.read("03/04/27").expect_err("a short year").contains("year in full"));
    assert_eq!(DateStyle::from_config("dmy"), Ok(DateStyle::DayFirst));
    assert!(DateStyle::from_config("mdy").expect_err("refused").contains("iso or dmy"));
}

#[test]
fn the_register_shows_due_dates_day_first_and_the_form_takes_them() {
    let mut app = day_first_app();
    press(&mut app, KeyCode::Char('4'));
    let (risk, due) = {
        let p = app.pane::<RiskPane>();
        let r = p.all.iter().find(|r| r.due_date.is_some()).expect("a risk with a due date");
        (r.id, r.due_date.clone().expect("due"))
    };
    let shown = DateStyle::DayFirst.show(&due);
    assert!(screen(&app).contains(&shown), "the register shows {shown}");
    // Select that risk, open its form: the date is shown day first and opening is not a change.
    while app.pane::<RiskPane>().selected().map(|(r, _)| r.id) != Some(risk) {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('e'));
    match &app.overlay {
        Some(Overlay::Form(f)) => {
            assert_eq!(f.value_of("due_date"), Some(shown.as_str()));
            assert!(!f.changed(), "showing the date in the user's style is not an edit");
        }
        other => panic!("a form, not {other:?}"),
    }
    press(&mut app, KeyCode::Esc);

    // Day first with slashes or dots, or ISO: all stored as ISO.
    for (typed, stored) in [("31/12/2027", "2027-12-31"), ("1.2.2028", "2028-02-01"), ("2028-03-04", "2028-03-04")] {
        type_due(&mut app, typed);
        press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert!(app.overlay.is_none(), "{typed} saved");
        assert_eq!(due_of(&app, risk).as_deref(), Some(stored), "{typed}");
    }
    assert!(screen(&app).contains("04/03/2028"));
    // The engagements list and a record's history show their times day first too.
    press(&mut app, KeyCode::Char('1'));
    let updated = app.session.engagements[0].updated_at.replace('T', " ").chars().take(16).collect::<String>();
    assert!(screen(&app).contains(&DateStyle::DayFirst.show(&updated)), "{}", screen(&app));
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('H'));
    let Some(Overlay::History(h)) = &app.overlay else { panic!("the history is open") };
    let at = h.entries.last().expect("an entry").at.replace('T', " ");
    assert!(screen(&app).contains(&DateStyle::DayFirst.show(at.trim_end_matches('Z'))));
}

#[test]
fn a_date_the_style_cannot_read_is_refused_in_the_field_and_nothing_is_saved() {
    let mut app = day_first_app();
    press(&mut app, KeyCode::Char('4'));
    let risk = app.pane::<RiskPane>().selected().map(|(r, _)| r.id).expect("a risk");
    let before = due_of(&app, risk);
    type_due(&mut app, "03/04/27");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("the form stays open") };
    let due = f.fields.iter().find(|f| f.spec.key == "due_date").expect("due date field");
    assert!(due.error.as_deref().is_some_and(|e| e.contains("year in full")), "{:?}", due.error);
    assert_eq!(f.value_of("due_date"), Some("03/04/27"), "what was typed stays");
    assert_eq!(due_of(&app, risk), before);
    assert!(screen(&app).contains("DD/MM/YYYY (or YYYY-MM-DD)"), "the hint names the style");
}

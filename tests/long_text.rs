//! Long texts in forms: several lines typed or pasted, stored exactly, saved with Ctrl-S from any field, while
//! Enter still saves from a one-line field.

mod common;

use assay::app::{Action, Overlay};
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn ctrl(app: &mut assay::app::App, c: char) {
    press_mod(app, KeyCode::Char(c), KeyModifiers::CONTROL);
}

/// The journal's texts, in the order they were written (`n` on the Overview writes an entry about the engagement).
fn notes(app: &assay::app::App) -> Vec<String> {
    let conn = app.store.conn();
    let mut st = conn.prepare("SELECT text FROM journal_entry ORDER BY id").expect("prepare");
    st.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
}

fn form_value(app: &assay::app::App, key: &str) -> String {
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("a form is open") };
    f.value_of(key).expect("field").to_string()
}

#[test]
fn a_multi_line_note_saved_with_ctrl_s_keeps_its_lines() {
    let mut app = demo_app(120, 32);
    let before = notes(&app).len();
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "Met the CISO.");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "Enter in a long text starts a new line");
    keys(&mut app, "Backups tested monthly");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    // Right-to-left text and emoji, typed as they are.
    keys(&mut app, "שלום · مرحبا 👩🏽‍💻");
    assert!(app.overlay.as_ref().is_some_and(|o| matches!(o, Overlay::Form(f) if f.changed())));
    ctrl(&mut app, 's');
    let toast = app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert_eq!(toast, "Entry saved; the next one is open", "Ctrl-S saves from the long text");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none(), "the untouched next entry closes with Esc");
    let all = notes(&app);
    assert_eq!(all.len(), before + 1);
    assert_eq!(all.last().map(String::as_str), Some("Met the CISO.\nBackups tested monthly\n\nשלום · مرحبا 👩🏽‍💻"));
}

#[test]
fn enter_in_a_one_line_field_still_saves() {
    let mut app = empty_app(100, 30);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Cloud payroll");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "the name is one line: Enter saves");
    assert_eq!(app.session.engagements.len(), 1);
    assert_eq!(app.session.engagements[0].name, "Cloud payroll");
}

#[test]
fn three_pasted_lines_land_in_a_long_field_as_three_lines() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('n'));
    // A Windows clipboard's line ends, and an escape sequence that must not reach the terminal or the store.
    app.update(Action::Paste("first line\r\nsecond line\n\u{1b}[2Jthird line".into())).expect("paste");
    assert_eq!(form_value(&app, "text"), "first line\nsecond line\n[2Jthird line");
    let shown = screen(&app);
    assert!(shown.contains("control characters are not taken"), "the field says what was left out:\n{shown}");
    ctrl(&mut app, 's');
    assert_eq!(notes(&app).last().map(String::as_str), Some("first line\nsecond line\n[2Jthird line"));
}

#[test]
fn a_paste_into_a_one_line_field_stays_on_one_line() {
    let mut app = empty_app(100, 30);
    press(&mut app, KeyCode::Enter);
    app.update(Action::Paste("Cloud\r\npayroll\n".into())).expect("paste");
    assert_eq!(form_value(&app, "name"), "Cloud payroll ");
}

#[test]
fn editing_keys_work_in_a_long_text() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "alpha beta");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "gamma delta");
    ctrl(&mut app, 'w');
    assert_eq!(form_value(&app, "text"), "alpha beta\ngamma ");
    ctrl(&mut app, 'u');
    assert_eq!(form_value(&app, "text"), "alpha beta\n");
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::End);
    press_mod(&mut app, KeyCode::Left, KeyModifiers::CONTROL);
    keys(&mut app, "and ");
    assert_eq!(form_value(&app, "text"), "alpha and beta\n");
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Delete);
    assert_eq!(form_value(&app, "text"), "lpha and beta\n");
}

#[test]
fn the_unsaved_question_saves_a_long_text_without_adding_a_line() {
    let mut app = demo_app(120, 32);
    let before = notes(&app).len();
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "Visitor log kept on paper");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))), "a changed form asks first");
    press(&mut app, KeyCode::Char('s'));
    let Some(Overlay::Form(next)) = &app.overlay else { panic!("saved from the question; the next entry is open") };
    assert!(!next.changed(), "the next entry is empty");
    assert_eq!(notes(&app).len(), before + 1);
    assert_eq!(notes(&app).last().map(String::as_str), Some("Visitor log kept on paper"));
}

#[test]
fn a_form_with_a_wrapped_multi_line_field() {
    let mut app = demo_app(100, 30);
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    ctrl(&mut app, 'u');
    keys(
        &mut app,
        "Payroll processing for 1,200 staff in three countries, with year-end filings and the payslip portal",
    );
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Second paragraph.");
    // The scope below, not focused, shows its start wrapped too.
    press(&mut app, KeyCode::Tab);
    ctrl(&mut app, 'u');
    keys(
        &mut app,
        "Everything the provider runs for us: the payroll engine, its data centre, the help desk and the archive",
    );
    press(&mut app, KeyCode::BackTab);
    insta::assert_snapshot!(render(&app).backend());
}

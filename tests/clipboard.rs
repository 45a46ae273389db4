//! Copy to the clipboard: `y` puts the selected obligation or a summary of the selected record on the clipboard
//! through the terminal's OSC 52 escape, written by the event loop, and a message says what was copied.

mod common;

use assay::app::{App, Context, Overlay, RiskPane, Tab, WorkflowPane};
use assay::catalog::catalog;
use base64::Engine;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn toast(app: &App) -> String {
    app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

/// What the event loop writes to the terminal after the key, decoded back from the escape.
fn written(app: &mut App) -> (Vec<u8>, String) {
    let mut out = Vec::new();
    assay::tui::flush_clipboard(app, &mut out).expect("write");
    let s = String::from_utf8(out.clone()).expect("ascii");
    let b64 = s.strip_prefix("\x1b]52;c;").and_then(|s| s.strip_suffix('\x07')).expect("an OSC 52 escape");
    let text = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).expect("base64")).expect("utf8");
    (out, text)
}

#[test]
fn the_escape_is_osc_52_with_the_text_in_base64() {
    assert_eq!(assay::tui::osc52("assay"), "\x1b]52;c;YXNzYXk=\x07");
    assert_eq!(assay::tui::osc52("Zoë"), "\x1b]52;c;Wm/Dqw==\x07");
}

#[test]
fn y_on_a_risk_copies_its_summary_and_says_so() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.tab, Tab::Risks);
    let (r, _) = app.pane::<RiskPane>().selected().expect("a risk");
    let r = r.clone();
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(toast(&app), format!("Copied risk “{}” to the clipboard", r.title));
    let (bytes, text) = written(&mut app);
    assert!(text.starts_with(&r.title), "{text}");
    assert!(text.contains(&format!("likelihood {}", r.likelihood)), "{text}");
    assert!(text.contains(r.status.label()), "{text}");
    assert_eq!(bytes, assay::tui::osc52(&text).into_bytes());
    // Written once: the loop drained it.
    assert!(app.clipboard.is_none());
    let mut again = Vec::new();
    assay::tui::flush_clipboard(&mut app, &mut again).expect("write");
    assert!(again.is_empty());
}

#[test]
fn y_in_the_lookup_copies_the_obligation_with_its_citation_and_wording() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('7'));
    let i = app.pane::<WorkflowPane>().selected_item().expect("an item");
    let item = &catalog().items[i];
    // Enter shows the item whole in the lookup; y copies it there.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::LookupDetail);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(toast(&app), format!("Copied obligation {} to the clipboard", item.id));
    let (_, text) = written(&mut app);
    assert_eq!(text, format!("{} {}\n{}\n\n{}", item.id, item.title, item.citation(), item.text));
    assert!(matches!(app.overlay, Some(Overlay::Lookup(_))), "the lookup stays open");

    // In the list of matches, where letters are typed, Ctrl-Y copies the highlighted match.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Lookup);
    press_mod(&mut app, KeyCode::Char('y'), KeyModifiers::CONTROL);
    assert!(toast(&app).starts_with("Copied "), "{}", toast(&app));
    assert!(app.clipboard.is_some());
}

#[test]
fn y_on_an_obligation_of_the_workflow_copies_it_with_its_status() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('7'));
    let i = app.pane::<WorkflowPane>().selected_item().expect("an item");
    let item = &catalog().items[i];
    press(&mut app, KeyCode::Char('y'));
    let (_, text) = written(&mut app);
    assert!(text.starts_with(&format!("{} {}\n{}\n\n{}", item.id, item.title, item.citation(), item.text)));
    assert!(text.contains("Status: "), "{text}");
}

#[test]
fn nothing_selected_copies_nothing_and_says_so() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "zzqx");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(toast(&app), "Nothing selected to copy");
    assert!(app.clipboard.is_none());
}

#[test]
fn y_on_a_team_member_copies_their_checks_but_never_the_private_notes() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('5'));
    let row = app.pane::<assay::app::VettingPane>().selected().expect("a member").clone();
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(toast(&app), format!("Copied team member {} to the clipboard", row.member.name));
    let (_, text) = written(&mut app);
    assert!(text.starts_with(&row.member.name), "{text}");
    assert_eq!(text.lines().count(), 1 + assay::domain::vetting::CheckKind::ALL.len(), "{text}");
    assert!(!text.to_lowercase().contains("private"), "{text}");
}

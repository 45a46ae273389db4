//! Names offered where a form names a person: typing narrows them, ↓ ↑ choose, Enter takes one, anything else keeps
//! what was typed. Risk owners come from the owners already written, holders from the engagement's team members.

mod common;

use assay::app::{App, Overlay, RiskPane};
use common::workspace::count;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn form(app: &mut App) -> &mut assay::widgets::form::Form<assay::app::pane::Intent> {
    match &mut app.overlay {
        Some(Overlay::Form(f)) => f,
        other => panic!("a form is open, not {other:?}"),
    }
}

/// The Risks tab with the selected risk's form open on its owner field, emptied.
fn owner_field(app: &mut App) -> i64 {
    press(app, KeyCode::Char('4'));
    let id = app.pane::<RiskPane>().selected().map(|(r, _)| r.id).expect("a risk");
    press(app, KeyCode::Char('e'));
    form(app).focus_key("owner");
    press_mod(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(form(app).value_of("owner"), Some(""));
    id
}

#[test]
fn typing_offers_the_owners_already_named_and_enter_takes_the_one_chosen() {
    let mut app = demo_app(120, 40);
    let owners: Vec<String> = {
        let mut stmt =
            app.store.conn().prepare("SELECT DISTINCT owner FROM risk WHERE owner IS NOT NULL").expect("sql");
        stmt.query_map([], |r| r.get(0)).expect("owners").map(|r| r.expect("owner")).collect()
    };
    let wanted = owners.iter().max_by_key(|o| o.len()).expect("the demo names risk owners").clone();
    let risk = owner_field(&mut app);
    // The first three letters of the owner's last name: a name is found by any part of it.
    let part: String = wanted.split_whitespace().last().expect("a word").chars().take(3).collect();
    keys(&mut app, &part.to_lowercase());
    let offered: Vec<String> = form(&mut app).matches().iter().map(|s| s.to_string()).collect();
    assert!(offered.contains(&wanted), "{offered:?}");
    assert!(offered.iter().all(|o| o.to_lowercase().contains(&part.to_lowercase())));
    let screen = screen(&app);
    assert!(screen.contains(&wanted), "the names are shown under the field");
    assert!(screen.contains("↓ ↑ choose a name"), "{screen}");

    // ↓ to the wanted name, Enter takes it and leaves the form open; Ctrl-S saves.
    let at = offered.iter().position(|o| *o == wanted).expect("offered");
    for _ in 0..=at {
        press(&mut app, KeyCode::Down);
    }
    assert!(screen_has_chosen(&app, &wanted));
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&mut app).value_of("owner"), Some(wanted.as_str()));
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "taking a name does not save the form");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(app.overlay.is_none(), "saved");
    let stored: String =
        app.store.conn().query_row("SELECT owner FROM risk WHERE id = ?1", [risk], |r| r.get(0)).expect("owner");
    assert_eq!(stored, wanted);
}

fn screen_has_chosen(app: &App, name: &str) -> bool {
    screen(app).contains(&format!("▸ {name}"))
}

#[test]
fn a_name_no_one_has_is_kept_as_typed_and_esc_lets_go_of_a_choice() {
    let mut app = demo_app(120, 40);
    let risk = owner_field(&mut app);
    keys(&mut app, "a");
    assert!(!form(&mut app).matches().is_empty(), "some owner has an a");
    press(&mut app, KeyCode::Down);
    assert_eq!(form(&mut app).pick, Some(0));
    // Esc lets go of the choice, not of the form.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))));
    assert_eq!(form(&mut app).pick, None);
    // Typing on keeps the text typed; a name nobody has offers nothing, and Enter saves it as typed.
    keys(&mut app, "xel Nobody-Ever");
    assert!(form(&mut app).matches().is_empty());
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "Enter in a one-line field saves");
    let stored: String =
        app.store.conn().query_row("SELECT owner FROM risk WHERE id = ?1", [risk], |r| r.get(0)).expect("owner");
    assert_eq!(stored, "axel Nobody-Ever");
}

#[test]
fn an_asset_holder_is_chosen_among_the_engagements_team_members_only() {
    let mut app = demo_app(120, 40);
    let engagement = app.session.current_id().expect("engagement");
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('a'));
    form(&mut app).focus_key("holder");
    let mine = count(
        &app.store,
        &format!(
            "SELECT count(DISTINCT m.name) FROM team_member m JOIN provider p ON p.id = m.provider_id \
             WHERE p.engagement_id = {engagement}"
        ),
    );
    assert!(mine > 0);
    let holder = form(&mut app).fields.iter().find(|f| f.spec.key == "holder").expect("holder").choices.clone();
    assert_eq!(holder.len() as i64, mine, "every member of this engagement, once");
    let others: Vec<String> = {
        let mut stmt = app
            .store
            .conn()
            .prepare(
                "SELECT m.name FROM team_member m JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id <> ?1 \
                 AND m.name NOT IN (SELECT m2.name FROM team_member m2 JOIN provider p2 ON p2.id = m2.provider_id \
                 WHERE p2.engagement_id = ?1)",
            )
            .expect("sql");
        stmt.query_map([engagement], |r| r.get(0)).expect("names").map(|r| r.expect("name")).collect()
    };
    assert!(others.iter().all(|o| !holder.contains(o)), "no member of another engagement is offered");
    // Typed in full (any case), the name offers nothing more: it is already there.
    let first = holder[0].clone();
    keys(&mut app, &first.to_uppercase());
    assert!(!form(&mut app).matches().iter().any(|m| m.eq_ignore_ascii_case(&first)));
}

#[test]
fn the_names_offered_under_a_field() {
    let mut app = demo_app(100, 30);
    owner_field(&mut app);
    keys(&mut app, "a");
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!(render(&app).backend());
}

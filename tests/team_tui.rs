//! Team work in the workbench: the team's state in the status line, the Conflicts view (flip, review, show all)
//! and the sync key, on a workspace bound to a team and on one that is not.

mod common;

use assay::app::{Action, App, NOT_A_TEAM, Overlay, RiskPane};
use assay::domain::Value;
use assay::store::team::{self as st, Binding, Conflict};
use assay::store::{Store, Table, ids};
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// A binding as `team init` leaves it, its keys aside (nothing here reaches a repository), shared up to the
/// history's last entry.
fn bind(store: &Store, last_sync: Option<&str>, last_outcome: Option<&str>) {
    let binding = Binding {
        remote: "/mnt/share/acme.git".into(),
        device: "3f9c1a2b-0000-4000-8000-000000000001".into(),
        member: "Ana".into(),
        age_identity: "AGE-SECRET-KEY-1TEST".into(),
        ssh_key: "not a key".into(),
        synced_through: st::history_tip(store.conn()).expect("tip"),
        history_through: st::history_tip(store.conn()).expect("tip"),
        synced_commit: None,
        last_sync: last_sync.map(str::to_string),
        last_outcome: last_outcome.map(str::to_string),
    };
    st::bind(store.conn(), &binding, NOW).expect("bind");
}

/// The UUID of the `n`-th risk (in the order they were made) of the engagement the workbench opens at start.
fn risk(store: &Store, n: i64) -> uuid::Uuid {
    let open = assay::store::settings::get(store.conn(), assay::store::settings::CURRENT_ENGAGEMENT)
        .expect("setting")
        .expect("the demo remembers one");
    let sql = format!("SELECT id FROM risk WHERE engagement_id = {open} ORDER BY id LIMIT 1 OFFSET {n}");
    let id = workspace::count(store, &sql);
    ids::of(store.conn(), Table::Risk, id).expect("uuid").expect("a risk")
}

fn field_conflict(uuid: uuid::Uuid, field: &str, kept: &str, other: &str, at: &str) -> Conflict {
    Conflict {
        id: 0,
        at: at.into(),
        kind: "field".into(),
        table: Table::Risk,
        uuid,
        field: Some(field.into()),
        kept: Some(kept.into()),
        other: Some(other.into()),
        kept_from: "Carla".into(),
        other_from: "Ben".into(),
        reviewed: false,
    }
}

/// The demo bound to a team, with two conflicts from a merge: a long title (older) and a likelihood (newer).
fn bound_demo(w: u16, h: u16) -> (App, uuid::Uuid, uuid::Uuid) {
    let mut store = workspace::demo_store();
    let (titled, rated) = (risk(&store, 0), risk(&store, 1));
    let long = "Vendor lock-in: the payroll engine, its tax tables and ten years of history stay with the provider \
                when the contract ends, with no exit plan agreed";
    // What the merge kept is in the records; the binding is shared up to it.
    for (uuid, field, value) in [(titled, "title", Value::text(long)), (rated, "likelihood", Value::Int(4))] {
        let id = ids::row_of(store.conn(), Table::Risk, &uuid).expect("row").expect("present");
        store.write(|w| w.update(Table::Risk, id, &[(field, value)])).expect("merged");
    }
    bind(&store, None, Some("synced: 3 sent, 2 received, 2 conflicts resolved"));
    let long = serde_json::to_string(long).expect("json");
    st::add_conflict(
        store.conn(),
        &field_conflict(titled, "title", &long, "\"Vendor lock-in\"", "2026-11-22T17:40:00Z"),
    )
    .expect("conflict");
    st::add_conflict(store.conn(), &field_conflict(rated, "likelihood", "4", "3", "2026-11-22T18:05:00Z"))
        .expect("conflict");
    (app_on(store, w, h), titled, rated)
}

/// The status line (the screen's last row) as drawn.
fn status_line(app: &App) -> String {
    let t = render(app);
    let buf = t.backend().buffer();
    let y = buf.area.height - 1;
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>()
}

#[test]
fn the_status_line_says_where_the_team_stands_and_gives_way_when_narrow() {
    let (mut app, _, _) = bound_demo(140, 30);
    let mut shown = Vec::new();
    shown.push(format!("140: {}", status_line(&app)));
    // A change made here: one record to share, read again after the write, not at the next start.
    press(&mut app, KeyCode::Char('7'));
    press(&mut app, KeyCode::Char(' '));
    for w in [140, 100, 80] {
        app.update(Action::Resize(w, 30)).expect("resize");
        shown.push(format!("{w:>3}: {}", status_line(&app)));
    }
    insta::assert_snapshot!(shown.join("\n"));
    app.update(Action::Resize(140, 30)).expect("resize");
    assert!(status_line(&app).contains("· team: 2 conflicts, 1 to share"), "{}", status_line(&app));
    // Every width keeps the help hint.
    for w in [80, 90, 100] {
        app.update(Action::Resize(w, 30)).expect("resize");
        assert!(status_line(&app).contains("? Help"), "{w}: {}", status_line(&app));
    }
}

#[test]
fn the_status_line_names_a_share_out_of_reach_and_a_workspace_not_in_a_team_says_nothing() {
    let store = workspace::demo_store();
    bind(
        &store,
        Some(NOW),
        Some("not shared: the team repository is out of reach (no such folder); kept here for the next sync"),
    );
    let app = app_on(store, 140, 30);
    assert!(status_line(&app).contains("· team: not shared (out of reach)"), "{}", status_line(&app));

    let store = workspace::demo_store();
    bind(&store, Some(NOW), Some("synced: 0 sent, 0 received, 0 conflicts resolved"));
    let app = app_on(store, 140, 30);
    assert!(status_line(&app).contains("· team: synced "), "{}", status_line(&app));

    let app = demo_app(140, 30);
    assert!(!status_line(&app).contains("team:"), "{}", status_line(&app));
}

#[test]
fn the_conflicts_view_lists_what_the_merges_decided_newest_first() {
    let (mut app, _, _) = bound_demo(100, 30);
    press(&mut app, KeyCode::Char('C'));
    let Some(Overlay::Conflicts(c)) = &app.overlay else { panic!("the conflicts open") };
    assert_eq!(c.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![2, 1], "newest first");
    insta::assert_snapshot!(render(&app).backend());
    // The long title is read whole, wrapped under itself.
    let screen = screen(&app);
    assert!(screen.contains("exit plan agreed\" (Carla), set aside \"Vendor lock-in\" (Ben)"), "{screen}");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn a_long_list_of_conflicts_scrolls_with_the_cursor() {
    let (mut app, _, rated) = bound_demo(80, 24);
    for i in 0..40 {
        let c = field_conflict(rated, "likelihood", "4", &format!("{}", i % 5 + 1), "2026-11-23T08:00:00Z");
        st::add_conflict(app.store.conn(), &c).expect("conflict");
    }
    press(&mut app, KeyCode::Char('C'));
    assert!(screen(&app).contains("#42 R-2"), "the newest on top");
    press(&mut app, KeyCode::Char('G'));
    let shown = screen(&app);
    assert!(shown.contains("▸ 2026-11-22 17:40  #1 R-1 title"), "the oldest, selected, in view: {shown}");
    assert!(!shown.contains("#42 R-2"), "{shown}");
    press(&mut app, KeyCode::Char('g'));
    assert!(screen(&app).contains("▸ 2026-11-23 08:00  #42 R-2"), "{}", screen(&app));
    press(&mut app, KeyCode::PageDown);
    let Some(Overlay::Conflicts(c)) = &app.overlay else { panic!("open") };
    assert!(c.selected > 1 && screen(&app).contains(&format!("#{} R-2", c.rows[c.selected].id)));
}

#[test]
fn flipping_from_the_view_writes_the_value_set_aside_and_refreshes_the_panes() {
    let (mut app, _, rated) = bound_demo(120, 32);
    let likelihood = |app: &App| {
        st::export(app.store.conn(), Table::Risk, &rated).expect("export").expect("risk")["likelihood"].clone()
    };
    assert_eq!(likelihood(&app), 4);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('C'));
    // The cursor is on the newest conflict: the likelihood.
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(likelihood(&app), 3, "the value set aside is the record's now");
    let id = ids::row_of(app.store.conn(), Table::Risk, &rated).expect("row").expect("present");
    let pane = app.pane::<RiskPane>();
    let shown = pane.all.iter().find(|r| r.id == id).map(|r| r.likelihood);
    assert_eq!(shown, Some(3), "the Risks pane was read again");
    let left = st::conflicts(app.store.conn(), false).expect("conflicts");
    assert_eq!(left.iter().map(|c| c.id).collect::<Vec<_>>(), vec![1], "the flipped one is reviewed");
    let Some(Overlay::Conflicts(c)) = &app.overlay else { panic!("the view stays open") };
    assert_eq!(c.rows.len(), 1);
    let toast = app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert!(toast.contains("likelihood is now 3"), "{toast}");
    // The flip is a change to share, and one conflict is left.
    assert!(status_line(&app).contains("team: 1 conflict, 1 to share"), "{}", status_line(&app));

    // `r` marks the other reviewed; `a` shows the reviewed ones too; Esc closes.
    press(&mut app, KeyCode::Char('r'));
    assert!(st::conflicts(app.store.conn(), false).expect("conflicts").is_empty());
    assert!(screen(&app).contains("No conflicts to review"), "{}", screen(&app));
    press(&mut app, KeyCode::Char('a'));
    let Some(Overlay::Conflicts(c)) = &app.overlay else { panic!("the view stays open") };
    assert_eq!(c.rows.len(), 2);
    assert!(screen(&app).contains("(reviewed)"), "{}", screen(&app));
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert!(!status_line(&app).contains("conflict"), "{}", status_line(&app));
}

#[test]
fn a_workspace_not_in_a_team_says_so_at_the_sync_key_and_in_the_view() {
    let mut app = demo_app(120, 32);
    press_mod(&mut app, KeyCode::Char('t'), KeyModifiers::CONTROL);
    assert!(!app.sync_pending());
    assert_eq!(app.toast.as_ref().map(|t| t.text.as_str()), Some(NOT_A_TEAM));
    assert!(screen(&app).contains(NOT_A_TEAM), "{}", screen(&app));
    press(&mut app, KeyCode::Char('C'));
    assert!(matches!(app.overlay, Some(Overlay::Conflicts(_))));
    assert!(screen(&app).contains(NOT_A_TEAM), "{}", screen(&app));
    // F5 is the same key.
    press(&mut app, KeyCode::Esc);
    app.toast = None;
    press(&mut app, KeyCode::F(5));
    assert_eq!(app.toast.as_ref().map(|t| t.text.as_str()), Some(NOT_A_TEAM));
}

#[test]
fn the_sync_key_waits_for_an_unsaved_edit() {
    let (mut app, _, _) = bound_demo(120, 32);
    press(&mut app, KeyCode::Char('e'));
    keys(&mut app, " (renamed)");
    press_mod(&mut app, KeyCode::Char('t'), KeyModifiers::CONTROL);
    assert!(!app.sync_pending());
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "the form stays open with what was typed");
    let toast = app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert!(toast.contains("not saved") && toast.contains("Save or cancel it first"), "{toast}");
}

/// The sync key on a workspace really bound to a team repository (a folder standing in for the share): the frame
/// before the sync says it is under way, the outcome stays on screen, and the status line follows; with the share
/// gone, both say the work is not shared.
#[test]
fn the_sync_key_syncs_with_the_team_repository() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("ana.db");
    let share = dir.path().join("share.git");
    let mut store = Store::open_with_key(&path, "Ana", Some("pass-ana")).expect("workspace");
    workspace::add_demo(&mut store);
    assay::team::init(&mut store, &path, &share.to_string_lossy(), "Ana").expect("init");
    let mut app = app_on(store, 120, 32);
    assert!(status_line(&app).contains("· team: synced "), "{}", status_line(&app));

    // A change here, then the sync key.
    press(&mut app, KeyCode::Char('7'));
    press(&mut app, KeyCode::Char(' '));
    assert!(status_line(&app).contains("· team: 1 to share"), "{}", status_line(&app));
    press_mod(&mut app, KeyCode::Char('t'), KeyModifiers::CONTROL);
    assert!(app.sync_pending());
    assert!(status_line(&app).contains("Syncing with the team…"), "{}", status_line(&app));
    assert!(app.run_pending_sync());
    assert!(!app.run_pending_sync(), "once");
    let toast = app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert!(toast.starts_with("synced: 1 sent, 0 received"), "{toast}");
    assert!(status_line(&app).contains("· team: synced "), "{}", status_line(&app));

    // The share unplugged: committed here, not shared, and said so where it stays.
    std::fs::rename(&share, dir.path().join("share-away")).expect("unplug");
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::F(5));
    assert!(app.run_pending_sync());
    let toast = app.toast.as_ref().expect("a message");
    assert!(toast.error && toast.text.contains("out of reach"), "{toast:?}");
    assert!(status_line(&app).contains("· team: not shared (out of reach)"), "{}", status_line(&app));
}

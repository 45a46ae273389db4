//! Undo and redo: `u` undoes the last change of this session in any pane, Ctrl-R does it again, through the audited
//! write path, so that the history shows both and `verify` stays clean.

mod common;

use assay::app::{App, RiskPane, Tab};
use assay::domain::Value;
use assay::store::{Store, Table, UNDO_DEPTH};
use common::workspace::{assert_clean, count, demo_store, fingerprint};
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn toast(app: &App) -> String {
    app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

fn undo(app: &mut App) {
    press(app, KeyCode::Char('u'));
}

fn redo(app: &mut App) {
    press_mod(app, KeyCode::Char('r'), KeyModifiers::CONTROL);
}

/// Every row of the workspace's tables, as text: what "as it was" is checked against.
fn rows(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for t in <Table as strum::IntoEnumIterator>::iter() {
        let mut stmt = store.conn().prepare(&format!("SELECT * FROM {} ORDER BY id", t.name())).expect("select");
        let n = stmt.column_count();
        let mut q = stmt.query([]).expect("query");
        while let Some(r) = q.next().expect("row") {
            let cells: Vec<String> = (0..n).map(|i| format!("{:?}", r.get::<_, Value>(i).expect("cell"))).collect();
            out.push(format!("{} {}", t.name(), cells.join("|")));
        }
    }
    out
}

/// The counts of the record tables, leaving out the history (which grows with every undo).
fn records(store: &Store) -> Vec<i64> {
    let mut f = fingerprint(store);
    f.pop();
    f
}

#[test]
fn a_deleted_risk_comes_back_with_u_and_goes_again_with_ctrl_r() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.tab, Tab::Risks);
    let (id, title) = app.pane::<RiskPane>().selected().map(|(r, _)| (r.id, r.title.clone())).expect("a risk");
    let before = rows(&app.store);
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(count(&app.store, &format!("SELECT count(*) FROM risk WHERE id = {id}")), 0, "deleted");

    undo(&mut app);
    assert_eq!(rows(&app.store), before, "the risk is back as it was, its id and stamps too");
    assert!(toast(&app).starts_with(&format!("Undone: deleted risk “{title}”")), "{}", toast(&app));
    assert!(screen(&app).contains(&title), "the register shows it again");
    assert!(app.pane::<RiskPane>().all.iter().any(|r| r.id == id));

    redo(&mut app);
    assert_eq!(count(&app.store, &format!("SELECT count(*) FROM risk WHERE id = {id}")), 0, "deleted again");
    assert!(toast(&app).starts_with(&format!("Redone: deleted risk “{title}”")), "{}", toast(&app));
    assert!(!app.pane::<RiskPane>().all.iter().any(|r| r.id == id));
    redo(&mut app);
    assert_eq!(toast(&app), "Nothing to redo");

    // Both are in the history, and the history still accounts for every row.
    let entries =
        count(&app.store, &format!("SELECT count(*) FROM audit_log WHERE table_name = 'risk' AND row_id = {id}"));
    assert!(entries >= 4, "insert, delete, restore, delete: {entries}");
    assert_clean(&app.store);
}

#[test]
fn a_deleted_engagement_comes_back_whole_with_its_children() {
    let mut app = demo_app(120, 40);
    let before = rows(&app.store);
    let counts = records(&app.store);
    let current = app.session.current_id().expect("an engagement");
    let name = app.session.current.as_ref().map(|e| e.name.clone()).expect("name");
    press(&mut app, KeyCode::Char('1'));
    // Select the current engagement in the list, then delete it.
    let at = app.session.engagements.iter().position(|e| e.id == current).expect("listed");
    for _ in 0..at {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.session.engagements.iter().all(|e| e.id != current), "deleted");
    assert!(records(&app.store).iter().sum::<i64>() < counts.iter().sum::<i64>());

    undo(&mut app);
    assert_eq!(records(&app.store), counts, "every table has its rows back");
    // Row for row, ids and stamps included; the setting that remembers the open engagement is bookkeeping.
    let records_only = |v: Vec<String>| v.into_iter().filter(|r| !r.starts_with("setting ")).collect::<Vec<_>>();
    assert!(records_only(rows(&app.store)) == records_only(before), "every row as it was");
    let message = toast(&app);
    assert!(message.starts_with(&format!("Undone: deleted engagement “{name}” and ")), "{message}");
    assert!(message.contains(" records in it"), "{message}");
    assert_eq!(app.session.current_id(), Some(current), "the engagement is open again");
    assert_eq!(app.tab, Tab::Overview);
    let remembered = count(&app.store, "SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'current_engagement'");
    assert_eq!(remembered, current, "and remembered for the next start");
    assert_clean(&app.store);
}

#[test]
fn quick_marks_are_undone_one_by_one_in_the_pane_they_were_made() {
    let mut app = demo_app(120, 40);
    // A tick on the workflow.
    press(&mut app, KeyCode::Char('7'));
    let before = rows(&app.store);
    press(&mut app, KeyCode::Char('x'));
    let ticked = rows(&app.store);
    assert_ne!(ticked, before, "the tick was written");
    // A vetting mark.
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('f'));
    let marked = rows(&app.store);
    assert_ne!(marked, ticked, "the mark was written");

    undo(&mut app);
    assert_eq!(rows(&app.store), ticked, "the mark is undone, the tick kept");
    assert!(toast(&app).contains("vetting check"), "{}", toast(&app));
    undo(&mut app);
    assert_eq!(rows(&app.store), before);
    assert!(toast(&app).starts_with("Undone: changed"), "{}", toast(&app));
    assert_clean(&app.store);
}

#[test]
fn undo_reaches_fifty_changes_back_and_a_new_change_ends_redo() {
    let mut store = demo_store();
    store.start_undo_session();
    let risk: i64 = count(&store, "SELECT min(id) FROM risk");
    let first: String =
        store.conn().query_row("SELECT title FROM risk WHERE id = ?1", [risk], |r| r.get(0)).expect("title");
    let likelihood: i64 =
        store.conn().query_row("SELECT likelihood FROM risk WHERE id = ?1", [risk], |r| r.get(0)).expect("title");
    for i in 0..60 {
        store
            .write(|w| {
                w.update(
                    Table::Risk,
                    risk,
                    &[("title", Value::text(format!("title {i}"))), ("likelihood", Value::Int(1 + i % 5))],
                )
            })
            .expect("write");
    }
    assert_eq!(store.undo_depth(), (60, 0));
    for _ in 0..60 {
        store.undo().expect("undo").expect("something to undo");
    }
    let (title, l, kind): (String, i64, String) = store
        .conn()
        .query_row("SELECT title, likelihood, typeof(likelihood) FROM risk WHERE id = ?1", [risk], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("the risk");
    assert_eq!((title.as_str(), l, kind.as_str()), (first.as_str(), likelihood, "integer"), "typed as it was");
    assert!(store.undo().expect("undo").is_none(), "nothing older than this session");
    assert_eq!(store.undo_depth(), (0, 60));

    // A change made after undoing ends what could be redone.
    store.redo().expect("redo").expect("redone");
    store.write(|w| w.update(Table::Risk, risk, &[("title", Value::text("new"))])).expect("write");
    assert_eq!(store.undo_depth(), (2, 0));
    assert!(store.redo().expect("redo").is_none());
    assert_clean(&store);

    // The depth is bounded.
    for i in 0..(UNDO_DEPTH + 20) {
        store.write(|w| w.update(Table::Risk, risk, &[("title", Value::text(format!("t{i}")))])).expect("write");
    }
    assert_eq!(store.undo_depth().0, UNDO_DEPTH);
    const { assert!(UNDO_DEPTH >= 50) };
}

#[test]
fn nothing_to_undo_says_why_and_opening_an_engagement_is_not_a_change() {
    let mut app = demo_app(120, 40);
    undo(&mut app);
    assert_eq!(toast(&app), "Nothing to undo: undo reaches the changes made since assay was started");
    // Opening another engagement remembers it for the next start, which is not the user's change.
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    let opened = app.session.current_id();
    undo(&mut app);
    assert!(toast(&app).starts_with("Nothing to undo"), "{}", toast(&app));
    assert_eq!(app.session.current_id(), opened);

    app.store.forget_undo("the import of risks.csv");
    undo(&mut app);
    assert_eq!(toast(&app), "Nothing to undo: the import of risks.csv cleared the changes made before it");
}

#[test]
fn an_undo_that_cannot_be_applied_changes_nothing_and_says_so() {
    let mut app = demo_app(120, 40);
    let risk = count(&app.store, "SELECT min(id) FROM risk");
    app.store.write(|w| w.update(Table::Risk, risk, &[("title", Value::text("Changed"))])).expect("write");
    // The row goes behind the workbench's back (as a tampering tool would do it).
    app.store.conn().execute("PRAGMA foreign_keys = OFF", []).expect("pragma");
    app.store.conn().execute("DELETE FROM risk WHERE id = ?1", [risk]).expect("delete");
    let before = fingerprint(&app.store);
    undo(&mut app);
    assert!(toast(&app).starts_with("Not undone: "), "{}", toast(&app));
    assert!(app.toast.as_ref().is_some_and(|t| t.error));
    assert_eq!(fingerprint(&app.store), before, "nothing written, not even to the history");
    assert_eq!(app.store.undo_depth(), (1, 0), "the change stays undoable");
}

/// Undoing the creation of the only engagement goes back to the start screen, with nothing open.
#[test]
fn undoing_the_first_engagement_goes_back_to_the_start_screen() {
    let mut app = empty_app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Managed SOC");
    press(&mut app, KeyCode::Enter);
    assert!(app.session.current_id().is_some(), "created and opened");
    undo(&mut app);
    assert!(toast(&app).starts_with("Undone: added engagement “Managed SOC”"), "{}", toast(&app));
    assert_eq!(app.session.current_id(), None);
    assert!(app.session.engagements.is_empty());
    assert_eq!(app.context(), assay::app::Context::Start);
    assert_eq!(count(&app.store, "SELECT count(*) FROM engagement"), 0);
    assert_clean(&app.store);
    redo(&mut app);
    assert_eq!(app.session.engagements.len(), 1, "and back again");
}

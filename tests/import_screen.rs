//! The import screen reached from the Overview: a form asks for the file, the preview (the plan `assay import
//! --dry-run` prints) is worked out on the worker, and only a confirm writes; cancel and a refused file write
//! nothing, and what was typed is kept.

mod common;

use std::path::Path;

use assay::app::panes::overview::import::ImportState;
use assay::app::{Action, Context, Overlay, OverviewPane};
use assay::domain::Value;
use assay::interchange;
use assay::store::Store;
use assay::store::registers;
use common::workspace::{count, demo_at, demo_store, fingerprint};
use common::{finish_work, keys, press, screen, today};
use ratatui::crossterm::event::KeyCode;

/// Writes the risks register of engagement `id` as `dir/risks.csv`, with `edit` (data row, column key, text) made.
fn risks_csv(store: &Store, id: i64, dir: &Path, edit: Option<(usize, &str, &str)>) -> String {
    let sheets = registers::sheets(store.conn(), id, today(), false).expect("sheets");
    let mut risks = sheets.into_iter().find(|s| s.name == "risks").expect("risks sheet");
    let mut old = String::new();
    if let Some((row, key, text)) = edit {
        let c = risks.headers.iter().position(|h| h == key).expect("column");
        old = risks.rows[row][c].to_string();
        risks.rows[row][c] = Value::text(text);
    }
    interchange::write_csv(dir, &[risks], false, &mut |_, _| {}).expect("csv");
    old
}

fn risk_titles(store: &Store, id: i64) -> Vec<String> {
    let mut stmt = store.conn().prepare("SELECT title FROM risk WHERE engagement_id = ? ORDER BY id").expect("sql");
    stmt.query_map([id], |r| r.get(0)).expect("query").map(|r| r.expect("row")).collect()
}

/// Opens the import form from the Overview, types `file` and submits it, and waits for the preview.
fn ask_preview(app: &mut assay::app::App, file: &str) {
    app.update(Action::Tab2).expect("overview");
    keys(app, "I");
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "I opens the import form");
    keys(app, file);
    press(app, KeyCode::Enter);
    finish_work(app);
}

fn previewing(app: &assay::app::App) -> bool {
    matches!(app.pane::<OverviewPane>().import, Some(ImportState::Preview(_)))
}

#[test]
fn the_preview_is_worked_out_on_the_worker_and_applying_it_writes_the_edit() {
    let dir = tempfile::tempdir().expect("dir");
    let store = demo_at(&dir.path().join("a.db"), None);
    let mut app = common::app_on(store, 120, 40);
    app.reports_dir = dir.path().join("reports");
    let id = app.session.current_id().expect("an engagement");
    let old = risks_csv(&app.store, id, &app.reports_dir, Some((0, "title", "Supplier laptops lack disk encryption")));

    app.update(Action::Tab2).expect("overview");
    keys(&mut app, "I");
    keys(&mut app, "risks.csv");
    press(&mut app, KeyCode::Enter);
    // Off the event loop, on a connection of its own: the status line says so while it runs.
    assert!(app.work.is_some(), "the preview is a long task");
    let status = screen(&app).lines().last().expect("status line").to_string();
    assert!(status.contains("⟳ "), "the status line shows the task: {status}");
    // Asking again while it reads starts nothing new.
    keys(&mut app, "I");
    assert!(app.overlay.is_none() && app.toast.clone().is_some_and(|t| t.text.contains("Still reading")));
    finish_work(&mut app);
    assert!(previewing(&app), "the preview is shown");
    assert_eq!(app.context(), Context::ImportPreview);
    let shown = screen(&app);
    assert!(shown.contains("risks (") && shown.contains("0 to add, 1 to update"), "{shown}");
    assert!(shown.contains(&format!("title: “{old}” → “Supplier laptops lack disk encryption”")), "{shown}");
    assert!(!risk_titles(&app.store, id).contains(&"Supplier laptops lack disk encryption".to_string()));

    let history = count(&app.store, "SELECT count(*) FROM audit_log");
    keys(&mut app, "y");
    assert!(!previewing(&app), "the preview closes once applied");
    let titles = risk_titles(&app.store, id);
    assert!(titles.contains(&"Supplier laptops lack disk encryption".to_string()), "{titles:?}");
    assert!(count(&app.store, "SELECT count(*) FROM audit_log") > history, "the import is in the history");
    let toast = app.toast.clone().expect("message");
    assert!(!toast.error && toast.text.contains("1 updated"), "{toast:?}");

    // The same file again changes nothing, and says so.
    let before = fingerprint(&app.store);
    ask_preview(&mut app, "");
    keys(&mut app, "y");
    assert_eq!(fingerprint(&app.store), before);
    assert!(app.toast.clone().expect("message").text.contains("Nothing to change"));
}

#[test]
fn cancelling_the_preview_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = common::app_on(demo_store(), 120, 40);
    app.reports_dir = dir.path().to_path_buf();
    let id = app.session.current_id().expect("an engagement");
    risks_csv(&app.store, id, dir.path(), Some((0, "title", "Renamed and then thought better of")));
    let before = fingerprint(&app.store);
    let titles = risk_titles(&app.store, id);
    ask_preview(&mut app, "risks.csv");
    assert!(previewing(&app));
    press(&mut app, KeyCode::Esc);
    assert!(!previewing(&app), "Esc closes the preview");
    assert_eq!(app.context(), Context::Overview);
    assert_eq!(fingerprint(&app.store), before, "nothing was written");
    assert_eq!(risk_titles(&app.store, id), titles);
    assert!(app.toast.clone().expect("message").text.contains("nothing was written"));
}

#[test]
fn a_refused_file_applies_nothing_says_where_and_keeps_what_was_typed() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = common::app_on(demo_store(), 120, 40);
    app.reports_dir = dir.path().to_path_buf();
    let id = app.session.current_id().expect("an engagement");

    // A file that is not there: the form stays open with what was typed and says why.
    app.update(Action::Tab2).expect("overview");
    keys(&mut app, "Inot-there.csv");
    press(&mut app, KeyCode::Enter);
    match &app.overlay {
        Some(Overlay::Form(f)) => {
            assert_eq!(f.value_of("file"), Some("not-there.csv"));
            assert!(f.fields[0].error.as_deref().is_some_and(|e| e.contains("no such file")), "{:?}", f.fields[0]);
        }
        other => panic!("the form stays open: {other:?}"),
    }
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "y");
    app.overlay = None;

    // A likelihood out of range: refused with the file, the row and the column.
    risks_csv(&app.store, id, dir.path(), Some((1, "likelihood", "9")));
    let before = fingerprint(&app.store);
    ask_preview(&mut app, "risks.csv");
    assert!(previewing(&app), "a refused file is shown with its reasons");
    let shown = screen(&app);
    assert!(shown.contains("Refused"), "{shown}");
    assert!(shown.contains("risks.csv") && shown.contains("row 3") && shown.contains("likelihood"), "{shown}");
    keys(&mut app, "y");
    assert_eq!(fingerprint(&app.store), before, "a refused file applies nothing");
    assert!(app.toast.clone().is_some_and(|t| t.error && t.text.contains("Refused")));
    // Choosing another file starts from what was typed.
    keys(&mut app, "I");
    match &app.overlay {
        Some(Overlay::Form(f)) => assert_eq!(f.value_of("file"), Some("risks.csv")),
        other => panic!("the import form: {other:?}"),
    }
    assert_eq!(fingerprint(&app.store), before);
}

#[test]
fn a_preview_made_stale_by_an_edit_is_worked_out_again_not_applied() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = common::app_on(demo_store(), 120, 40);
    app.reports_dir = dir.path().to_path_buf();
    let id = app.session.current_id().expect("an engagement");
    risks_csv(&app.store, id, dir.path(), Some((0, "title", "Title from the file")));
    ask_preview(&mut app, "risks.csv");
    // Meanwhile the same risk's description is edited in the workbench.
    let risk = count(&app.store, &format!("SELECT min(id) FROM risk WHERE engagement_id = {id}"));
    app.store
        .write(|w| w.update(assay::store::Table::Risk, risk, &[("description", Value::text("Edited meanwhile"))]))
        .expect("edit");
    keys(&mut app, "y");
    assert!(previewing(&app), "the new preview is shown, not applied");
    assert!(app.toast.clone().is_some_and(|t| t.error && t.text.contains("changed since the preview")));
    assert!(!risk_titles(&app.store, id).contains(&"Title from the file".to_string()));
    let shown = screen(&app);
    assert!(shown.contains("description: “Edited meanwhile”"), "the new preview shows the edit it would undo: {shown}");
    keys(&mut app, "y");
    assert!(risk_titles(&app.store, id).contains(&"Title from the file".to_string()), "read, then applied");
}

#[test]
fn an_import_asked_while_another_task_runs_is_refused_and_nothing_waits() {
    let dir = tempfile::tempdir().expect("dir");
    let store = demo_at(&dir.path().join("a.db"), None);
    let mut app = common::app_on(store, 120, 40);
    app.reports_dir = dir.path().join("reports");
    let id = app.session.current_id().expect("an engagement");
    risks_csv(&app.store, id, &app.reports_dir, Some((0, "title", "Not now")));
    app.update(Action::Tab2).expect("overview");
    keys(&mut app, "R");
    assert!(app.work.is_some(), "the report is being written");
    keys(&mut app, "Irisks.csv");
    press(&mut app, KeyCode::Enter);
    assert!(app.toast.clone().is_some_and(|t| t.error && t.text.contains("still under way")));
    assert!(app.pane::<OverviewPane>().import.is_none(), "the Overview does not wait for a task never started");
    finish_work(&mut app);
}

#[test]
fn a_closed_engagement_takes_no_import() {
    let mut app = common::app_on(demo_store(), 120, 40);
    let id = app.session.current_id().expect("an engagement");
    app.store.conn().execute("UPDATE engagement SET status = 'closed' WHERE id = ?", [id]).expect("close");
    app.reload_all().expect("reload");
    app.update(Action::Tab2).expect("overview");
    keys(&mut app, "I");
    assert!(app.overlay.is_none(), "no form on a closed engagement");
    assert!(app.toast.clone().is_some_and(|t| t.error));
}

#[cfg(unix)]
#[test]
fn the_preview_screen() {
    let dir = Path::new("/tmp/assay-import-preview");
    let _ = std::fs::remove_dir_all(dir);
    let mut app = common::app_on(demo_store(), 100, 30);
    app.reports_dir = dir.to_path_buf();
    let id = app.session.current_id().expect("an engagement");
    risks_csv(&app.store, id, dir, Some((0, "owner", "Mette Holm")));
    ask_preview(&mut app, "risks.csv");
    insta::assert_snapshot!("import_preview", common::render(&app).backend());
    let _ = std::fs::remove_dir_all(dir);
}

//! End to end: the real binary in tmux, typed at like a person would, then the database read back.

mod common;
mod tmux;

use common::workspace::rows;
use tmux::Tmux;

#[test]
fn create_an_engagement_with_keystrokes_then_find_it_in_the_database() {
    let (_dir, db, t) = Tmux::start_fresh("create");
    t.create_first_engagement("Offshore payroll – Kraków");
    t.wait_for("Offshore payroll – Kraków");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let (name, phase): (String, String) =
        conn.query_row("SELECT name, phase FROM engagement", [], |r| Ok((r.get(0)?, r.get(1)?))).expect("row");
    assert_eq!(name, "Offshore payroll – Kraków");
    assert_eq!(phase, "pre");
    let audited: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE table_name = 'engagement' AND action = 'insert'", [], |r| {
            r.get(0)
        })
        .expect("audit");
    assert_eq!(audited, 1);
}

#[test]
fn look_up_an_obligation_and_tick_it_on_the_checklist() {
    let (_dir, db, t) = Tmux::start_fresh("lookup");
    t.create_first_engagement("Hosting");
    // Two keystrokes to the answer: Ctrl-K, then the words.
    t.send(&["C-k"]);
    t.wait_for("Look up");
    t.type_text("return of assets");
    t.wait_for("Return or destruction of assets");
    t.send(&["Enter"]);
    t.wait_for("Annex A");
    t.send(&["Space"]);
    t.wait_for("checklist: done by");
    // Separate presses: two Escapes in one burst read as a single Alt-Escape, as in any terminal.
    t.send(&["Escape"]);
    t.wait_for("Show the whole item");
    t.send(&["Escape"]);
    t.wait_gone("Look up —");
    // And one more from the Workflow tab.
    t.send(&["7"]);
    t.wait_for("Phase workflows");
    t.send(&["x"]);
    t.wait_for("— done");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let done: Vec<String> =
        rows(&conn, "SELECT catalog_ref FROM checklist_item WHERE status = 'done' ORDER BY catalog_ref", |r| r.get(0));
    // The first answer was ticked, with the checklist items that state the same obligation elsewhere, and
    // then one item on the Workflow tab.
    let opts = assay::catalog::search::Options { prefix_last: true };
    let hits = assay::catalog::search::rank_with("return of assets", &Default::default(), opts);
    let first = &assay::catalog::catalog().items[hits[0].index];
    let along = first
        .see_also
        .iter()
        .filter(|id| {
            assay::catalog::catalog()
                .get(id)
                .is_some_and(|o| o.has_use(assay::catalog::Use::Workflow) || o.has_use(assay::catalog::Use::Agreement))
        })
        .count();
    assert!(first.title.contains("eturn"), "{}", first.title);
    assert!(done.contains(&first.id), "{done:?}");
    assert_eq!(done.len(), 2 + along, "{done:?}");
}

#[test]
fn an_encrypted_workspace_opens_after_the_passphrase_prompt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("secret.db");
    {
        let mut store = assay::store::Store::open_with_key(&db, "t", Some("tr0ub4dor")).expect("create encrypted");
        assay::store::engagements::create_in(&mut store, "Sealed engagement").expect("create");
    }
    let t = Tmux::start("encrypted", &db, dir.path());
    t.wait_for("Passphrase for");
    t.type_text("tr0ub4dor");
    assert!(!t.capture().contains("tr0ub4dor"), "the passphrase is not echoed");
    t.send(&["Enter"]);
    t.wait_for("Sealed engagement");
    t.send(&["q"]);
    t.wait_exit();
}

#[test]
fn the_report_key_writes_in_the_background_and_the_message_says_where() {
    use assay::cli::DemoSize;
    use assay::commands::demo::{self, Shape};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    {
        let mut store = assay::store::Store::open(&db, "tester").expect("store");
        demo::generate(&mut store, Shape::of(DemoSize::Small), chrono::Local::now().date_naive()).expect("demo");
    }
    let t = Tmux::start("report", &db, dir.path());
    t.wait_for("1 Engagements");
    t.send(&["2"]);
    t.wait_for("In this engagement");
    t.send(&["R"]);
    // The event loop takes in the task's result by itself, with no key pressed.
    t.wait_for("Report written");
    let written: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("-report-"))
        .collect();
    assert!(written.iter().any(|n| n.ends_with(".md")) && written.iter().any(|n| n.ends_with(".html")), "{written:?}");
    t.send(&["q"]);
    t.wait_exit();
}

/// Team work on a terminal shows how far it is on stderr (a bar per step, here from the first moment), and takes
/// the bar off before it says what it did: the screen ends with the result, and no half-drawn bar.
#[test]
fn team_work_shows_its_progress_and_clears_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pass = "field audit passphrase 2026";
    let made = common::bin::assay_with_passphrase(dir.path(), &["demo", "--out", "a.db"], None);
    assert!(made.status.success(), "{}", common::bin::stderr(&made));
    let enc = common::bin::assay_with_passphrase(dir.path(), &["--db", "a.db", "encrypt"], Some(pass));
    assert!(enc.status.success(), "{}", common::bin::stderr(&enc));
    let t = Tmux::start_shell("team-progress", dir.path());
    t.wait_for("bash-");
    let log = dir.path().join("pane.log");
    t.tmux(&["pipe-pane", "-o", &format!("cat >> '{}'", log.display())]);
    t.type_text(&format!(
        "ASSAY_PASSPHRASE='{pass}' ASSAY_PROGRESS_AFTER_MS=0 {} --db a.db team init share --name Ana; echo DONE-$?",
        env!("CARGO_BIN_EXE_assay")
    ));
    t.send(&["Enter"]);
    let screen = t.wait_until("the command to end", |s| s.lines().any(|l| l.starts_with("DONE-")));
    assert!(screen.contains("DONE-0") && screen.contains("started the team repository at share"), "{screen}");
    assert!(!screen.contains("encrypting records"), "the bar is taken off:\n{screen}");
    let drawn = String::from_utf8_lossy(&std::fs::read(&log).expect("pane log")).into_owned();
    assert!(drawn.contains("encrypting records [") && drawn.contains("100%"), "{drawn}");
    assert!(drawn.contains("sending to the team repository"), "{drawn}");
}

/// The workbench opens on one engagement and reads the list of all of them just after its first frame, before it
/// handles any key: the list, asked for the moment the first frame is on screen, holds every engagement.
#[test]
fn the_list_asked_for_at_the_first_frame_holds_every_engagement() {
    use assay::cli::DemoSize;
    use assay::commands::demo::{self, Shape};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let all = {
        let mut store = assay::store::Store::open(&db, "tester").expect("store");
        demo::generate(&mut store, Shape::of(DemoSize::Small), chrono::Local::now().date_naive()).expect("demo");
        assay::store::engagements::list(store.conn()).expect("list")
    };
    assert!(all.len() > 1, "the demo holds several engagements");
    let t = Tmux::start("list-after-first-frame", &db, dir.path());
    t.wait_for("In this engagement");
    t.send(&["1"]);
    t.wait_for(&format!("Engagements {}", all.len()));
    let screen = t.capture();
    for e in &all {
        assert!(screen.contains(&format!("E-{} ", e.number)), "E-{} is listed:\n{screen}", e.number);
    }
    t.send(&["q"]);
    t.wait_exit();
}

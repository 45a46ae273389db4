//! End to end, an interview's worth of work in keys on the real binary: the journal opened from a team member
//! on the Vetting tab, five two-line entries captured one after the other, two photos attached (one to a risk,
//! one to the engagement) through the path field's completion, a mistaken score and a deleted risk undone, a
//! risk found by filter; then the report with `--with-journal` shows the entries and the files' hashes, and
//! `assay verify` finds the history whole.

mod tmux;

use std::process::Command;

use sha2::{Digest, Sha256};
use tmux::Tmux;

fn assay(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .env("ASSAY_CONFIG", dir.join("no-config.toml"))
        .current_dir(dir)
        .output()
        .expect("assay runs")
}

const ENTRIES: [(&str, &str); 5] = [
    ("Badges are issued by the provider's HR on the first day", "and collected by the line manager on the last"),
    ("Visitors sign in at reception with photo ID", "escorts stay with them in the server room"),
    ("Background checks are renewed every three years", "the last renewal for this team was in March"),
    ("Remote access is through the client's VPN only", "no split tunnelling; sessions recorded"),
    ("Exit interviews include return of laptops and tokens", "a signed checklist is kept in the HR file"),
];

#[test]
fn an_interview_in_keys_reaches_the_report_and_verifies() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("w.db");
    let out = assay(dir.path(), &["demo", "--out", db.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::create_dir(dir.path().join("site-visit")).expect("folder");
    let photos =
        [("visitor-register.jpg", b"JPEG: the visitor register".as_slice()), ("cctv-floor2.png", b"PNG: cameras")];
    for (name, bytes) in photos {
        std::fs::write(dir.path().join("site-visit").join(name), bytes).expect("photo");
    }
    const SCORE_SQL: &str = "SELECT s.score FROM score s JOIN provider p ON p.id = s.provider_id
        JOIN criterion c ON c.id = s.criterion_id
        WHERE p.engagement_id = 1 AND p.number = 1 AND c.text = 'Outsourcer selection criteria'";
    let score_before: i64 = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row(SCORE_SQL, [], |r| r.get(0)))
        .expect("the first provider's first score");
    let mistake = if score_before == 5 { "4" } else { "5" };
    let t = Tmux::start("interview", &db, dir.path());
    t.wait_for("Latest journal entries");

    // The journal from a team member: J on the Vetting tab, five entries in a row.
    t.send(&["5"]);
    t.wait_for("Nurul Sato");
    t.send(&["J"]);
    t.wait_for("Journal entry — on member");
    for (i, (first, second)) in ENTRIES.iter().enumerate() {
        t.type_text(first);
        t.send(&["Enter"]);
        t.type_text(second);
        if i == 0 {
            t.send(&["Tab"]);
            t.type_text("Nurul Sato");
            t.send(&["Tab"]);
            t.type_text("Ana Souza (DPO)");
        }
        t.send(&["C-s"]);
        t.wait_for("Entry saved; the next one is open");
        // The next entry is open with the same people: wait for its empty text field before typing.
        t.wait_until("the next entry", |s| s.contains("Interviewed") && !s.contains(second));
    }
    t.send(&["Escape"]);
    t.wait_gone("Journal entry — on member");

    // Two photos: one to the risk under the cursor, one to the engagement, each path completed with Tab.
    t.send(&["4"]);
    t.wait_for("Inadequate backup and recovery");
    t.send(&["E"]);
    t.wait_for("Attach evidence — to risk");
    t.type_text("site-visit/v");
    t.send(&["Tab"]);
    t.wait_for("site-visit/visitor-register.jpg");
    t.send(&["Tab"]);
    t.type_text("Visitor register at reception");
    t.send(&["C-s"]);
    t.wait_for("Stored F-1 visitor-register.jpg");
    t.send(&["2"]);
    t.wait_for("Latest journal entries");
    t.send(&["E"]);
    t.wait_for("Attach evidence — to the engagement");
    t.type_text("site-visit/c");
    t.send(&["Tab"]);
    t.wait_for("site-visit/cctv-floor2.png");
    t.send(&["Tab"]);
    t.type_text("Cameras on floor 2");
    t.send(&["C-s"]);
    t.wait_for("Stored F-2 cctv-floor2.png");

    // A mistaken score, undone.
    t.send(&["3"]);
    t.wait_for("Scorecard");
    t.send(&["v"]);
    t.wait_for("[Criteria]");
    t.send(&["v"]);
    t.wait_for("[Grid + ranking]");
    t.send(&["i"]);
    t.wait_for("SCORE MODE");
    t.send(&[mistake]);
    t.wait_for(&format!("{mistake} on “Outsourcer selection criteria”"));
    t.send(&["Escape"]);
    t.wait_gone("SCORE MODE");
    t.send(&["u"]);
    t.wait_for("Undone:");

    // A deleted risk, undone; then a risk found by filter.
    t.send(&["4"]);
    t.wait_for("Inadequate backup and recovery");
    t.send(&["d"]);
    t.wait_for("Delete the risk");
    t.send(&["y"]);
    t.wait_gone("Delete the risk");
    t.send(&["u"]);
    t.wait_for("Undone: deleted risk");
    t.send(&["f"]);
    t.type_text("backup");
    t.send(&["Enter"]);
    t.wait_for("Inadequate backup and recovery");
    t.wait_gone("Quality risk");
    t.send(&["q"]);
    t.wait_exit();

    // What the interview left in the workspace.
    let conn = rusqlite::Connection::open(&db).expect("open");
    let linked: i64 = conn
        .query_row(
            "SELECT count(*) FROM journal_entry WHERE link_table = 'team_member' AND interviewed = 'Nurul Sato'
             AND present = 'Ana Souza (DPO)'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(linked, 5, "five entries on the member, with who was there");
    let score: i64 = conn.query_row(SCORE_SQL, [], |r| r.get(0)).expect("score");
    assert_eq!(score, score_before, "the mistaken score was undone");
    let risks: i64 = conn.query_row("SELECT count(*) FROM risk WHERE engagement_id = 1", [], |r| r.get(0)).expect("n");
    assert_eq!(risks, 14, "the deleted risk is back");
    drop(conn);

    let out = assay(dir.path(), &["--db", db.to_str().expect("utf8"), "report", "1", "--with-journal"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    for (first, second) in ENTRIES {
        assert!(report.contains(first) && report.contains(second), "the journal appendix has “{first}”");
    }
    for (name, bytes) in photos {
        let sha: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert!(report.contains(name) && report.contains(&sha), "the report lists {name} with its SHA-256");
    }
    let out = assay(dir.path(), &["--db", db.to_str().expect("utf8"), "verify"]);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

//! End to end: the real binary in tmux takes a note of several lines, pasted and typed, and saves it with Ctrl-S;
//! the database holds it line for line.

mod common;
mod tmux;

use common::workspace::rows;
use tmux::Tmux;

#[test]
fn a_pasted_note_of_three_lines_is_saved_with_ctrl_s_line_for_line() {
    let (_dir, db, t) = Tmux::start_fresh("text");
    t.create_first_engagement("Data centre audit");
    t.send(&["2"]);
    t.send(&["n"]);
    t.wait_for("Journal entry");
    // A bracketed paste: the terminal hands the three lines over whole, so they stay three lines.
    t.paste("Visitor register kept on paper\nBadge readers on every floor\nCCTV kept 30 days");
    t.wait_for("CCTV kept 30 days");
    t.send(&["Enter"]);
    t.type_text("שלום 👋");
    t.send(&["C-s"]);
    t.wait_for("Entry saved");

    let conn = rusqlite::Connection::open(&db).expect("open");
    let notes = rows(&conn, "SELECT text FROM journal_entry ORDER BY id", |r| r.get::<_, String>(0));
    assert_eq!(
        notes.last().map(String::as_str),
        Some("Visitor register kept on paper\nBadge readers on every floor\nCCTV kept 30 days\nשלום 👋")
    );
}

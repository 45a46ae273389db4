//! End to end: the real binary in tmux takes interview notes as an assessor would — `J` on a risk, a two-line
//! entry, Ctrl-S, the next entry at once, Ctrl-S, Esc — and the journal on the Overview shows both, linked.

mod tmux;

use tmux::Tmux;

#[test]
fn an_interview_captured_with_j_and_ctrl_s_is_in_the_journal() {
    let (_dir, db, t) = Tmux::start_fresh("journal");
    t.create_first_engagement("Managed SOC");
    t.send(&["4"]);
    t.wait_for("No risks yet");
    t.add_risk("Shared DR site", "3", "0");

    t.send(&["J"]);
    t.wait_for("Journal entry — on risk R-1 “Shared DR site”");
    t.type_text("The DR site is shared with another customer");
    t.send(&["Enter"]);
    t.type_text("and failover was last tested in 2024");
    t.send(&["Tab"]);
    t.type_text("Kofi Mensah");
    t.send(&["C-s"]);
    t.wait_for("Entry saved; the next one is open");
    t.type_text("No written test report exists");
    t.send(&["C-s"]);
    t.wait_for("Entry saved; the next one is open");
    t.send(&["Escape"]);
    t.wait_gone("Journal entry — on risk");

    t.send(&["2"]);
    t.send(&["i"]);
    t.wait_for("Interview journal — 2 entries");
    t.wait_for("Kofi Mensah  · on risk R-1 “Shared DR site”");
    t.wait_for("and failover was last tested in 2024");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let texts: Vec<String> = conn
        .prepare("SELECT text FROM journal_entry ORDER BY id")
        .expect("sql")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("texts");
    assert_eq!(
        texts,
        [
            "The DR site is shared with another customer\nand failover was last tested in 2024",
            "No written test report exists"
        ]
    );
    let linked: i64 = conn
        .query_row(
            "SELECT count(*) FROM journal_entry WHERE link_table = 'risk' AND interviewed = 'Kofi Mensah'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(linked, 2, "both entries are on the risk, with who was interviewed");
}

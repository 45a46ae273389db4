//! End to end: the real binary in tmux adds and rates a risk, finds it in its matrix cell, and the database holds it.

mod tmux;

use tmux::Tmux;

/// The five cells of the matrix row for this likelihood (the line starts with "│L4 "), each trimmed: "1 C".
fn matrix_cells(screen: &str, likelihood: u8) -> Vec<String> {
    let label = format!("│L{likelihood} ");
    let line = screen.lines().find(|l| l.starts_with(&label)).unwrap_or_default();
    let chars: Vec<char> = line.chars().skip(label.chars().count()).take(35).collect();
    chars.chunks(7).map(|c| c.iter().collect::<String>().trim().to_string()).collect()
}

#[test]
fn add_and_rate_a_risk_then_find_it_in_its_cell_and_the_database() {
    let (_dir, db, t) = Tmux::start_fresh("risks");
    t.create_first_engagement("Managed SOC");
    t.send(&["4"]);
    t.wait_for("No risks yet");
    t.wait_for("Matrix · Overall · inherent");

    t.add_risk("Provider analysts can read mailboxes", "4", "5");
    t.wait_for("Risk added — 20 Critical");
    t.wait_for("C 20 Provider analysts can read mailboxes");
    t.wait_for("! unaccepted");

    // Likelihood 4, impact 5: one risk in that cell, which reads C (Critical) without colour.
    let screen = t.capture();
    let cells = matrix_cells(&screen, 4);
    assert_eq!(cells, ["· L", "· M", "· H", "· C", "1 C"], "row L4:\n{screen}");
    for other in [1, 2, 3, 5] {
        assert!(matrix_cells(&screen, other).iter().all(|c| c.starts_with('·')), "no risk in row L{other}");
    }
    // Choosing the cell filters the register to it.
    t.send(&["m", "Up", "Right", "Right", "Enter"]);
    t.wait_for("cell L4×Imp5 of Overall · inherent: 1 shown");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let (title, l, c, i, a, level): (String, i64, i64, i64, i64, i64) = conn
        .query_row(
            "SELECT title, likelihood, impact_c, impact_i, impact_a, likelihood * max(impact_c, impact_i, impact_a)
             FROM risk",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .expect("one risk");
    assert_eq!(title, "Provider analysts can read mailboxes");
    assert_eq!((l, c, i, a, level), (4, 5, 0, 0, 20));
    let audited: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE table_name = 'risk' AND action = 'insert'", [], |r| r.get(0))
        .expect("audit");
    assert_eq!(audited, 1);
}

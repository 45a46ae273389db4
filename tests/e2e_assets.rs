//! End to end: the real binary in tmux hands an asset over, records its return, and the database holds both.

mod tmux;

use tmux::Tmux;

#[test]
fn hand_over_an_asset_then_record_its_return() {
    let (_dir, db, t) = Tmux::start_fresh("assets");
    t.create_first_engagement("Archive scanning");
    t.send(&["6"]);
    t.wait_for("No assets recorded");

    // Hand-over: tag, description, kind (device), class, no holder yet, today, the provider's person, in 30 days.
    t.send(&["a"]);
    t.wait_for("New asset");
    t.type_text("LAP-9001");
    t.send(&["Tab"]);
    t.type_text("Scanning workstation");
    t.send(&["Tab", "Tab"]);
    t.type_text("Internal");
    t.send(&["Tab", "Tab"]);
    t.type_text("t");
    t.send(&["Tab"]);
    t.type_text("Kim Okoro");
    t.send(&["Tab"]);
    t.type_text("+30");
    t.send(&["Enter"]);
    t.wait_for("Asset LAP-9001 added");
    // No holder named: the asset is flagged, in words as well as colour.
    t.wait_for("? unaccounted");

    // The return: today is filled in; the verifier is named, not assumed; the condition is typed.
    t.send(&["r"]);
    t.wait_for("Record return — LAP-9001");
    t.send(&["Tab"]);
    t.type_text("Sam Reyes");
    t.send(&["Tab", "C-u"]);
    t.type_text("Returned with charger");
    t.send(&["Enter"]);
    t.wait_for("Return recorded on");
    t.wait_for("✓ returned");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let row: (String, String, String, String, String, String, Option<String>) = conn
        .query_row(
            "SELECT tag, kind, handed_over, accepted_by, disposition, returned_on, condition FROM asset",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .expect("one asset");
    let today = chrono::Local::now().date_naive().to_string();
    assert_eq!(row.0, "LAP-9001");
    assert_eq!(row.1, "device");
    assert_eq!(row.2, today);
    assert_eq!(row.3, "Kim Okoro");
    assert_eq!(row.4, "returned");
    assert_eq!(row.5, today);
    assert_eq!(row.6.as_deref(), Some("Returned with charger"));
    let verifier: Option<String> = conn.query_row("SELECT verified_by FROM asset", [], |r| r.get(0)).expect("verifier");
    assert_eq!(verifier.as_deref(), Some("Sam Reyes"), "the verifier named in the form");
    let audited: i64 =
        conn.query_row("SELECT count(*) FROM audit_log WHERE table_name = 'asset'", [], |r| r.get(0)).expect("audit");
    assert!(audited >= 2, "the hand-over and the return are both in the history");
}

/// The field test's path: a provider and a member added in this session, then an asset and access for her, in
/// the real binary. Failed before: "this engagement has no team members yet", and the grant was kept unlinked.
#[test]
fn a_member_added_in_the_session_receives_an_asset_and_access() {
    let (_dir, db, t) = Tmux::start_fresh("assets-session");
    t.create_first_engagement("Payroll");
    t.add_provider("ProvA");
    t.send(&["5"]);
    t.wait_for("[Checks]");
    t.send(&["a"]);
    t.type_text("Alice Tan");
    t.send(&["Enter"]);
    t.wait_for("Alice Tan");
    t.send(&["6"]);
    t.wait_for("No assets recorded");
    t.send(&["a"]);
    t.wait_for("New asset");
    t.type_text("X-1");
    t.send(&["Tab", "Tab", "Tab", "Tab"]);
    t.type_text("Alice Tan");
    t.send(&["Enter"]);
    t.wait_for("Asset X-1 added");
    t.send(&["v"]);
    t.wait_for("Access grants");
    t.send(&["a"]);
    t.wait_for("New access grant");
    t.type_text("Alice");
    t.send(&["Tab"]);
    t.type_text("VPN");
    t.send(&["Enter"]);
    t.wait_for("Access grant added");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let alice: i64 =
        conn.query_row("SELECT id FROM team_member WHERE name = 'Alice Tan'", [], |r| r.get(0)).expect("Alice");
    let asset: Option<i64> =
        conn.query_row("SELECT holder_id FROM asset WHERE tag = 'X-1'", [], |r| r.get(0)).expect("X-1");
    assert_eq!(asset, Some(alice));
    let grant: Option<i64> =
        conn.query_row("SELECT holder_id FROM access_grant WHERE target = 'VPN'", [], |r| r.get(0)).expect("VPN");
    assert_eq!(grant, Some(alice), "the grant is linked to the member");
}

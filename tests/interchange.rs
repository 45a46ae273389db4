//! Interchange: the JSON bundle (identity round trip, ids, strictness), CSV and XLSX registers both ways (a round
//! trip updates rather than duplicates), and malformed files, which must change nothing.

mod common;

use assay::domain::Value;
use assay::interchange;
use assay::store::registers::{self, Register, Sheet, Table2};
use assay::store::{Store, bundle};
use common::bin::{assay, stderr, stdout};
use common::workspace::{assert_clean, count, demo_store, empty_store, export_json, fingerprint, import_json};
use common::{NOW, today};

#[test]
fn json_export_then_import_into_an_empty_workspace_is_identical() {
    let a = demo_store();
    let first = export_json(&a, None, true);
    let mut b = empty_store();
    let done = import_json(&mut b, &first).expect("import");
    assert_eq!((done.added, done.updated, done.unchanged, done.renumbered), (done.rows, 0, 0, 0));
    assert_eq!(done.engagements, 3);
    let second = export_json(&b, None, true);
    assert_eq!(first, second, "the second export differs from the first");
    assert_clean(&b);
    // And the bundle holds what it says: format 2, rows by UUID, references by UUID, short references, booleans.
    let v: serde_json::Value = serde_json::from_str(&first).expect("json");
    assert_eq!(v["format"], "assay-bundle");
    assert_eq!(v["format_version"], 2);
    assert!(v.get("version").is_none(), "format 1 named it version");
    assert_eq!(v["sensitive_included"], true);
    assert_eq!(v["engagements"].as_array().map(Vec::len), Some(3));
    assert!(v["engagements"][0]["vetting_checks"].as_array().is_some_and(|c| !c.is_empty()));
    let e = &v["engagements"][0];
    let uuid_of = |x: &serde_json::Value| uuid::Uuid::parse_str(x.as_str().unwrap_or_default()).expect("a uuid");
    let engagement = uuid_of(&e["engagement"]["id"]);
    assert_eq!(e["engagement"]["ref"], "E-1");
    assert_eq!(uuid_of(&e["risks"][0]["engagement_id"]), engagement);
    assert_eq!(e["risks"][0]["ref"], "R-1");
    assert!(e["risks"][0].get("uuid").is_none() && e["risks"][0].get("number").is_none());
    assert!(e["providers"][0]["agrees_audit"].is_boolean() && e["criteria"][0]["must_have"].is_boolean());
    let provider = uuid_of(&e["providers"][0]["id"]);
    assert!(e["scores"].as_array().expect("scores").iter().any(|s| uuid_of(&s["provider_id"]) == provider));
    assert!(e["scores"][0].get("ref").is_none(), "a score is known by its provider and criterion");
    // Beside the stored values, what the workbench works out, for readers of the file.
    let worked = &e["risks"][0]["worked_out"];
    assert!(worked["inherent_level"].is_i64() && worked["inherent_band"].is_string(), "{worked}");
    assert!(e["providers"][0]["worked_out"]["rank"].is_i64(), "{}", e["providers"][0]);
    let cited = e["checklist_items"][0]["worked_out"]["catalog_citation"].as_str().expect("a citation");
    assert!(cited.contains('§'), "{cited}");
    // The UUIDs are the workspace's own.
    let stored: Vec<u8> = a
        .conn()
        .query_row("SELECT uuid FROM engagement WHERE number = 1", [], |r| r.get(0))
        .expect("the engagement's uuid");
    assert_eq!(stored, engagement.as_bytes());
}

#[test]
fn a_bundle_imported_again_updates_rather_than_duplicates() {
    let mut a = demo_store();
    let before = fingerprint(&a);
    let one = export_json(&a, Some(&[2]), true);
    // Worked-out values are for readers: changed in the file, they change nothing.
    let mut bent: serde_json::Value = serde_json::from_str(&one).expect("json");
    bent["engagements"][0]["providers"][0]["worked_out"]["rank"] = 99.into();
    bent["engagements"][0]["risks"][0]["worked_out"]["inherent_band"] = "Nothing to see".into();
    let done = import_json(&mut a, &bent.to_string()).expect("import");
    assert_eq!((done.added, done.updated), (0, 0), "{done:?}");
    assert_eq!(done.unchanged, done.rows);
    assert_eq!(fingerprint(&a), before, "nothing was added or written");
    // The bundle as edited elsewhere: a risk retitled, a risk added (a copy of another under a new UUID and ref).
    let mut v: serde_json::Value = serde_json::from_str(&one).expect("json");
    let risks = v["engagements"][0]["risks"].as_array_mut().expect("risks");
    let (uuid, number) = (risks[0]["id"].as_str().expect("id").to_string(), risks[0]["ref"].clone());
    risks[0]["title"] = "Retitled on another laptop".into();
    let mut added = risks[1].clone();
    added["id"] = uuid::Uuid::now_v7().to_string().into();
    added["ref"] = "R-900".into();
    risks.push(added);
    let done = import_json(&mut a, &serde_json::to_string(&v).expect("text")).expect("import the edit");
    assert_eq!((done.added, done.updated, done.renumbered), (1, 1, 0), "{done:?}");
    let (title, n): (String, i64) = a
        .conn()
        .query_row(
            "SELECT title, number FROM risk WHERE uuid = ?1",
            [uuid::Uuid::parse_str(&uuid).expect("uuid").as_bytes().as_slice()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the same risk");
    assert_eq!(title, "Retitled on another laptop");
    assert_eq!(format!("R-{n}"), number.as_str().expect("ref"));
    assert_eq!(count(&a, "SELECT count(*) FROM risk WHERE number = 900 AND engagement_id = 2"), 1);
    let after = fingerprint(&a);
    assert_eq!(after[4], before[4] + 1, "one risk more, none twice");
    assert_clean(&a);
}

#[test]
fn an_engagement_from_another_workspace_is_added_with_its_references() {
    let source = demo_store();
    let one = export_json(&source, Some(&[2]), true);
    let mut a = empty_store();
    a.set_random_ids();
    assay::store::engagements::create_in(&mut a, "Already here").expect("engagement");
    let done = import_json(&mut a, &one).expect("import");
    assert_eq!((done.added, done.updated), (done.rows, 0));
    // Engagement numbers are the workspace's: E-2 is free here, so it keeps it; the ids are new.
    let new_id: i64 = count(&a, "SELECT max(id) FROM engagement");
    assert_eq!(count(&a, &format!("SELECT number FROM engagement WHERE id = {new_id}")), 2);
    let (orig, _) = bundle::parse(&one).expect("parse");
    let copy = export_json(&a, Some(&[new_id]), true);
    let (dup, _) = bundle::parse(&copy).expect("parse");
    for (x, y) in orig[0].tables.iter().zip(&dup[0].tables) {
        assert_eq!(x, y, "the same rows, by UUID");
    }
    assert_eq!(
        count(
            &a,
            &format!(
                "SELECT count(*) FROM score s JOIN provider p ON p.id = s.provider_id
                 JOIN criterion c ON c.id = s.criterion_id WHERE p.engagement_id = {new_id} AND c.engagement_id = {new_id}"
            )
        ),
        orig[0].tables[3].len() as i64
    );
    assert_clean(&a);
}

#[test]
fn sensitive_check_notes_are_left_out_unless_asked_for() {
    let mut a = demo_store();
    a.write(|w| {
        w.update(assay::store::Table::VettingCheck, 2, &[("note", Value::text("Conviction 2019, disclosed"))])?;
        w.update(assay::store::Table::VettingCheck, 1, &[("note", Value::text("Two references checked"))])
    })
    .expect("notes");
    let kind: String =
        a.conn().query_row("SELECT kind FROM vetting_check WHERE id = 2", [], |r| r.get(0)).expect("kind");
    assert_eq!(kind, "criminal_record");
    let plain = export_json(&a, Some(&[1]), false);
    assert!(plain.contains("\"sensitive_included\": false"));
    assert!(!plain.contains("Conviction 2019"));
    assert!(plain.contains("Two references checked"), "other notes stay");
    assert!(export_json(&a, Some(&[1]), true).contains("Conviction 2019"));
    // CSV and XLSX too.
    let sheets = registers::sheets(a.conn(), 1, today(), false).expect("sheets");
    let flat = format!("{sheets:?}");
    assert!(!flat.contains("Conviction 2019") && flat.contains("Two references checked"));
    let sheets = registers::sheets(a.conn(), 1, today(), true).expect("sheets");
    assert!(format!("{sheets:?}").contains("Conviction 2019"));
}

/// Applies `edit` to the bundle's JSON and expects the import to fail with a message containing each of `want`;
/// the workspace must be unchanged.
fn refused(edit: impl FnOnce(&mut serde_json::Value), want: &[&str]) {
    let mut store = demo_store();
    let mut v: serde_json::Value = serde_json::from_str(&export_json(&store, Some(&[1]), true)).expect("json");
    edit(&mut v);
    let text = serde_json::to_string_pretty(&v).expect("text");
    let before = fingerprint(&store);
    let err = import_json(&mut store, &text).expect_err("must be refused").to_string();
    for w in want {
        assert!(err.contains(w), "{err:?} lacks {w:?}");
    }
    assert_eq!(fingerprint(&store), before, "a refused import changed the workspace");
    assert_clean(&store);
}

#[test]
fn malformed_bundles_are_refused_with_the_place_named() {
    refused(
        |v| v["engagements"][0]["risks"][0]["likelihood"] = "high".into(),
        &["line ", "column ", "risk.likelihood"],
    );
    refused(|v| v["engagements"][0]["risks"][0]["likelihood"] = 9.into(), &["line ", "from 1 to 5"]);
    refused(
        |v| {
            v["engagements"][0]["risks"][1].as_object_mut().expect("row").remove("title");
        },
        &["line ", "missing field `title`"],
    );
    refused(|v| v["engagements"][0]["risks"][1]["colour"] = "red".into(), &["line ", "unknown field `colour`"]);
    refused(
        |v| v["engagements"][0]["scores"][0]["provider_id"] = 987_654.into(),
        &["line ", "score.provider_id", "expected a UUID"],
    );
    refused(
        |v| v["engagements"][0]["scores"][0]["provider_id"] = uuid::Uuid::now_v7().to_string().into(),
        &["scores[0]", "provider_id", "unknown id"],
    );
    refused(|v| v["engagements"][0]["risks"][0]["id"] = "0193b2c4-not-a-uuid".into(), &["line ", "risk.id", "UUID"]);
    refused(|v| v["engagements"][0]["risks"][2]["ref"] = "P-3".into(), &["line ", "risk.ref", "such as R-12"]);
    refused(
        |v| {
            let r = v["engagements"][0]["risks"][0]["ref"].clone();
            v["engagements"][0]["risks"][2]["ref"] = r;
        },
        &["risks[2] (R-1), ref", "duplicate ref"],
    );
    refused(|v| v["engagements"][0]["providers"][0]["agrees_audit"] = 1.into(), &["line ", "true or false"]);
    refused(
        |v| {
            let id = v["engagements"][0]["risks"][0]["id"].clone();
            v["engagements"][0]["risks"][1]["id"] = id;
        },
        &["risks[1]", "duplicate id"],
    );
    refused(|v| v["engagements"][0]["risks"][0]["title"] = "x".repeat(30_000).into(), &["line ", "too long"]);
    refused(|v| v["format_version"] = 7.into(), &["version 7"]);
    refused(|v| v["format"] = "something-else".into(), &["not an assay bundle"]);
    refused(|v| v["engagements"][0]["journal_entries"][0]["link_table"] = "nowhere".into(), &["link_table"]);
    refused(
        |v| {
            v["engagements"][0].as_object_mut().expect("engagement").remove("assets");
        },
        &["missing field `assets`"],
    );
}

/// A row may name only rows of its own engagement, and may not take the UUID of a row the workspace holds under
/// another engagement; either is refused with the place named, and nothing is applied.
#[test]
fn a_row_naming_another_engagement_is_refused() {
    let mut store = demo_store();
    let before = fingerprint(&store);
    let mut v: serde_json::Value = serde_json::from_str(&export_json(&store, None, true)).expect("json");
    v["engagements"][0]["risks"][3]["engagement_id"] = v["engagements"][1]["engagement"]["id"].clone();
    let err = import_json(&mut store, &v.to_string()).expect_err("refused").to_string();
    assert!(
        err.contains("engagements[0].risks[3] (R-4), engagement_id")
            && err.contains("another engagement of the bundle"),
        "{err}"
    );
    // The first engagement under a new UUID, its rows keeping theirs: they are the first engagement's rows.
    let mut v: serde_json::Value = serde_json::from_str(&export_json(&store, Some(&[1]), true)).expect("json");
    let fresh = uuid::Uuid::now_v7().to_string();
    v["engagements"][0]["engagement"]["id"] = fresh.clone().into();
    for key in ["providers", "criteria", "risks", "assets", "access_grants", "checklist_items", "journal_entries"] {
        for row in v["engagements"][0][key].as_array_mut().expect("rows") {
            row["engagement_id"] = fresh.clone().into();
        }
    }
    let err = import_json(&mut store, &v.to_string()).expect_err("refused").to_string();
    assert!(err.contains("engagements[0].providers[0] (P-1), id") && err.contains("under another engagement"), "{err}");
    assert_eq!(fingerprint(&store), before);
    assert_clean(&store);
}

#[test]
fn a_truncated_bundle_is_refused() {
    let mut store = demo_store();
    let text = export_json(&store, Some(&[1]), true);
    let before = fingerprint(&store);
    let err = import_json(&mut store, &text[..text.len() / 2]).expect_err("truncated").to_string();
    assert!(err.contains("line ") && err.contains("truncated"), "{err}");
    assert_eq!(fingerprint(&store), before);
}

#[test]
fn a_schema_check_failing_at_write_time_changes_nothing_and_names_the_row() {
    // Two engagements of one bundle sharing a checklist item is fine; the same item twice in one is not.
    let mut store = demo_store();
    let mut v: serde_json::Value = serde_json::from_str(&export_json(&store, Some(&[1]), true)).expect("json");
    let r = v["engagements"][0]["checklist_items"][0]["catalog_ref"].clone();
    v["engagements"][0]["checklist_items"][1]["catalog_ref"] = r;
    let before = fingerprint(&store);
    let err = import_json(&mut store, &v.to_string()).expect_err("duplicate").to_string();
    assert!(err.contains("checklist_items[1]") && err.contains("duplicate"), "{err}");
    assert_eq!(fingerprint(&store), before);
}

fn sheet<'a>(sheets: &'a mut [Sheet], name: &str) -> &'a mut Sheet {
    sheets.iter_mut().find(|s| s.name == name).expect("sheet")
}

fn col(s: &Sheet, name: &str) -> usize {
    s.headers.iter().position(|h| h == name).expect("column")
}

fn csv_table(s: &Sheet) -> Table2 {
    let dir = tempfile::tempdir().expect("dir");
    let files = interchange::write_csv(dir.path(), std::slice::from_ref(s), false, &mut |_, _| {}).expect("csv");
    let bytes = std::fs::read(&files[0]).expect("read");
    interchange::read_csv(&bytes, "test.csv").expect("parse")
}

fn import_table(store: &mut Store, reg: Register, t: &Table2) -> Result<registers::Applied, registers::CellError> {
    registers::import(store, 1, reg, t, "test.csv", today(), &mut |_, _| {})
}

#[test]
fn csv_round_trip_updates_rather_than_duplicates() {
    let mut store = demo_store();
    let mut sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let before = fingerprint(&store);
    for reg in Register::ALL {
        let t = csv_table(sheet(&mut sheets, reg.name()));
        let done = import_table(&mut store, reg, &t).expect("import");
        assert_eq!((done.added, done.updated), (0, 0), "{}: {done:?}", reg.name());
        assert_eq!(done.unchanged, t.rows.len());
    }
    assert_eq!(fingerprint(&store), before, "an unchanged round trip writes nothing");

    // Change a title, blank an id (a new risk), and fail a check of a member.
    let risks = sheet(&mut sheets, "risks");
    let (ti, ii, ri) = (col(risks, "title"), col(risks, "id"), col(risks, "ref"));
    risks.rows[0][ti] = Value::text("Renamed in the spreadsheet");
    let mut extra = risks.rows[1].clone();
    extra[ii] = Value::Null;
    extra[ri] = Value::Null;
    extra[ti] = Value::text("Added in the spreadsheet");
    risks.rows.push(extra);
    let t = csv_table(risks);
    let done = import_table(&mut store, Register::Risks, &t).expect("import");
    assert_eq!((done.added, done.updated), (1, 1));
    assert_eq!(count(&store, "SELECT count(*) FROM risk WHERE title = 'Renamed in the spreadsheet'"), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM risk WHERE engagement_id = 1"), 15);

    let members = sheet(&mut sheets, "team_members");
    let ci = col(members, "credit");
    let id = assay::store::ids::find_in(
        store.conn(),
        assay::store::Table::TeamMember,
        Some(1),
        &members.rows[0][0].to_string(),
    )
    .expect("find")
    .expect("the member its UUID names");
    members.rows[0][ci] = Value::text("failed");
    let t = csv_table(members);
    let done = import_table(&mut store, Register::TeamMembers, &t).expect("import");
    assert_eq!(done.updated, 1);
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM vetting_check WHERE member_id = {id} AND kind = 'credit' AND status = 'failed'"
            )
        ),
        1
    );
    assert_clean(&store);
}

fn xlsx_tables(sheets: &[Sheet]) -> Vec<(Register, Table2, String)> {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.xlsx");
    std::fs::write(&path, interchange::xlsx_bytes(sheets, &mut |_, _| {}).expect("xlsx")).expect("write");
    interchange::read_xlsx(&path).expect("read")
}

fn import_book(
    store: &mut Store,
    tables: &[(Register, Table2, String)],
) -> Result<registers::Applied, registers::CellError> {
    let list: Vec<(Register, &Table2, &str)> = tables.iter().map(|(r, t, s)| (*r, t, s.as_str())).collect();
    registers::import_many(store, 1, &list, today(), &mut |_, _| {})
}

#[test]
fn xlsx_round_trip_updates_rather_than_duplicates() {
    let mut store = demo_store();
    let mut sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let tables = xlsx_tables(&sheets);
    assert_eq!(tables.iter().map(|(r, _, _)| *r).collect::<Vec<_>>(), Register::ALL.to_vec(), "every sheet is read");
    let before = fingerprint(&store);
    let done = import_book(&mut store, &tables).expect("import");
    assert_eq!((done.added, done.updated), (0, 0), "{done:?}");
    assert_eq!(fingerprint(&store), before);

    let assets = sheet(&mut sheets, "assets");
    let (ci, ii, ti, ri) = (col(assets, "condition"), col(assets, "id"), col(assets, "tag"), col(assets, "ref"));
    assets.rows[0][ci] = Value::text("Scratched");
    let mut extra = assets.rows[0].clone();
    extra[ii] = Value::Null;
    extra[ri] = Value::Null;
    extra[ti] = Value::text("NEW-TAG-1");
    assets.rows.push(extra);
    let done = import_book(&mut store, &xlsx_tables(&sheets)).expect("import");
    assert_eq!((done.added, done.updated), (1, 1), "{done:?}");
    assert_eq!(count(&store, "SELECT count(*) FROM asset WHERE condition = 'Scratched'"), 2);
    assert_clean(&store);
}

/// Expects a CSV import of `reg` to fail with each of `want` in the message, leaving the workspace unchanged.
fn csv_refused(store: &mut Store, reg: Register, t: &Table2, want: &[&str]) {
    let before = fingerprint(store);
    let err = import_table(store, reg, t).expect_err("must be refused").to_string();
    for w in want {
        assert!(err.contains(w), "{err:?} lacks {w:?}");
    }
    assert_eq!(fingerprint(store), before, "a refused import changed the workspace");
}

#[test]
fn malformed_csv_is_refused_with_row_and_column() {
    let mut store = demo_store();
    let mut sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let risks = sheet(&mut sheets, "risks").clone();
    let li = col(&risks, "likelihood");
    let letter = registers::column_letter(li + 1);

    let mut t = csv_table(&risks);
    t.rows[2].1[li] = "high".into();
    csv_refused(&mut store, Register::Risks, &t, &["row 4", &format!("column {letter} (likelihood)"), "whole number"]);

    // Without the id, the ref and the title, rows cannot be matched at all.
    let mut t = csv_table(&risks);
    let (ti, ri) = (col(&risks, "title"), col(&risks, "ref"));
    for r in &mut t.rows {
        r.1.remove(ti);
        r.1.remove(ri);
        r.1.remove(0);
    }
    t.headers.remove(ti);
    t.headers.remove(ri);
    t.headers.remove(0);
    csv_refused(&mut store, Register::Risks, &t, &["missing column \"id\"", "risk title"]);

    let mut t = csv_table(&risks);
    t.rows[0].1[0] = "424242".into();
    csv_refused(&mut store, Register::Risks, &t, &["row 2", "column A (id)", "unknown id 424242"]);

    let mut t = csv_table(&risks);
    t.rows[3].1[0] = t.rows[1].1[0].clone();
    csv_refused(&mut store, Register::Risks, &t, &["row 5", "duplicate id"]);

    let mut t = csv_table(&risks);
    let ti = col(&risks, "title");
    t.rows[0].1[ti] = "x".repeat(500);
    csv_refused(&mut store, Register::Risks, &t, &["row 2", "(title)", "at most 200 characters"]);
    let di = col(&risks, "description");
    t.rows[0].1[ti] = "ok".into();
    t.rows[0].1[di] = "y".repeat(25_000);
    csv_refused(&mut store, Register::Risks, &t, &["row 2", "(description)", "25000"]);

    let mut t = csv_table(&risks);
    t.headers.push("colour".into());
    csv_refused(&mut store, Register::Risks, &t, &["unknown column \"colour\""]);

    // A risk of another engagement is unknown here.
    let other: i64 = count(&store, "SELECT min(id) FROM risk WHERE engagement_id = 2");
    let mut t = csv_table(&risks);
    t.rows[0].1[0] = other.to_string();
    csv_refused(&mut store, Register::Risks, &t, &["unknown id"]);

    // Members must belong to a provider of this engagement.
    let members = sheet(&mut sheets, "team_members").clone();
    let mut t = csv_table(&members);
    t.rows[0].1[col(&members, "provider_id")] = "99999".into();
    csv_refused(&mut store, Register::TeamMembers, &t, &["row 2", "(provider_id)", "no such provider"]);
    let mut t = csv_table(&members);
    t.rows[0].1[col(&members, "credit")] = "maybe".into();
    csv_refused(&mut store, Register::TeamMembers, &t, &["row 2", "(credit)", "one of pending"]);

    // Assets: a bad date and an unknown holder.
    let assets = sheet(&mut sheets, "assets").clone();
    let mut t = csv_table(&assets);
    t.rows[1].1[col(&assets, "handed_over")] = "31/02/2026".into();
    csv_refused(&mut store, Register::Assets, &t, &["row 3", "(handed_over)", "YYYY-MM-DD"]);
    let mut t = csv_table(&assets);
    t.rows[1].1[col(&assets, "holder_id")] = "777777".into();
    csv_refused(&mut store, Register::Assets, &t, &["row 3", "(holder_id)", "no such team member"]);
}

#[test]
fn non_utf8_csv_is_refused_with_line_and_byte_offset() {
    let bytes = b"id,title\n,caf\xe9 au lait\n".to_vec();
    let err = interchange::read_csv(&bytes, "latin1.csv").expect_err("not UTF-8").to_string();
    assert!(err.contains("latin1.csv") && err.contains("row 2") && err.contains("byte offset 13"), "{err}");
    // A byte-order mark is fine.
    let t = interchange::read_csv(b"\xEF\xBB\xBFid,title\n1,x\n", "bom.csv").expect("bom");
    assert_eq!(t.headers[0], "id");
}

#[test]
fn malformed_xlsx_is_refused_with_sheet_row_and_column() {
    let mut store = demo_store();
    let mut sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let risks = sheet(&mut sheets, "risks");
    let ii = col(risks, "impact_c");
    risks.rows[4][ii] = Value::text("severe");
    let before = fingerprint(&store);
    let err = import_book(&mut store, &xlsx_tables(&sheets)).expect_err("refused").to_string();
    // The sixth data row is row 7 of the sheet: under the hidden row of keys and the row of headers.
    assert!(err.contains("[sheet risks]") && err.contains("row 7") && err.contains("(impact_c)"), "{err}");
    assert_eq!(fingerprint(&store), before);

    let mut sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let assets = sheet(&mut sheets, "assets");
    assets.rows[1][0] = assets.rows[0][0].clone();
    let err = import_book(&mut store, &xlsx_tables(&sheets)).expect_err("refused").to_string();
    assert!(err.contains("[sheet assets]") && err.contains("duplicate id"), "{err}");
    assert_eq!(fingerprint(&store), before);

    let dir = tempfile::tempdir().expect("dir");
    let junk = dir.path().join("junk.xlsx");
    std::fs::write(&junk, b"not a workbook").expect("write");
    assert!(interchange::read_xlsx(&junk).expect_err("junk").to_string().contains("not a readable XLSX"));
}

#[test]
fn progress_is_reported_to_the_end() {
    let mut a = demo_store();
    let mut seen = Vec::new();
    let b = bundle::read(a.conn(), None, false, NOW, &mut |d, t| seen.push((d, t))).expect("read");
    let steps = 3 * bundle::SPECS.len(); // three engagements, one step per table of each
    assert_eq!(seen.last(), Some(&(steps, steps)));
    let mut e = empty_store();
    let mut last = (0, 0);
    bundle::restore(&mut e, &b.engagements, &mut |d, t| last = (d, t)).expect("restore");
    assert_eq!(last, (b.rows(), b.rows()));
    let _ = &mut a;
}

#[test]
fn the_command_line_round_trip_and_a_non_utf8_bundle() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| assay(dir.path(), args);
    assert!(run(&["demo", "--out", "a.db"]).status.success());
    let out = run(&["--db", "a.db", "export", "--out", "b.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("left out") && !err.contains('\r'), "no progress in a pipe: {err:?}");
    let out = run(&["--db", "c.db", "import", "b.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("imported 3 engagements from b.json: 1221 rows added, 0 updated"),
        "{}",
        stderr(&out)
    );
    // The same bundle again: every row is already there, as it is; nothing to do, exit 3.
    let out = run(&["--db", "c.db", "import", "b.json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing to change: 3 engagements from b.json: 0 rows added, 0 updated, 1221 unchanged")
    );
    let out = run(&["--db", "c.db", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let out = run(&["--db", "c.db", "export", "pay", "--format", "xlsx", "--out", "p.xlsx"]);
    assert!(out.status.success() && dir.path().join("p.xlsx").exists());
    let out = run(&["--db", "c.db", "import", "p.xlsx", "--into", "pay"]);
    assert!(stderr(&out).contains("0 added, 0 updated"), "{}", stderr(&out));

    let mut bytes = std::fs::read(dir.path().join("b.json")).expect("read");
    bytes[40] = 0xFF;
    std::fs::write(dir.path().join("bad.json"), bytes).expect("write");
    let out = run(&["--db", "c.db", "import", "bad.json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("not UTF-8") && err.contains("byte offset 40") && err.contains("nothing was imported"),
        "{err}"
    );
}

/// An evidence row (a column name with digits: `sha256`) is written, exported and imported like every other row.
/// The write path used to refuse the column name, so no bundle with evidence could be imported.
#[test]
fn a_bundle_with_evidence_imports_with_its_evidence() {
    let mut a = demo_store();
    let engagement = count(&a, "SELECT min(id) FROM engagement");
    a.write(|w| {
        w.insert(
            assay::store::Table::Evidence,
            &[
                ("engagement_id", Value::Int(engagement)),
                ("path", Value::text("photos/visitor-register.jpg")),
                ("sha256", Value::text("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")),
                ("size", Value::Int(48_213)),
                ("seen_at", Value::text("2026-11-20")),
            ],
        )
    })
    .expect("an evidence row is written");
    let first = export_json(&a, None, true);
    let mut b = empty_store();
    import_json(&mut b, &first).expect("the bundle with evidence imports");
    assert_eq!(count(&b, "SELECT count(*) FROM evidence"), 1);
    assert_eq!(
        count(&b, "SELECT count(*) FROM evidence WHERE sha256 LIKE '9f86d081%' AND size = 48213"),
        1,
        "with its hash and size"
    );
    assert_eq!(export_json(&b, None, true), first);
    assert_clean(&b);
}

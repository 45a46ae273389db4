//! The report's narrative: written in the engagement's and the risks' forms, carried by bundles, shown as a visible
//! placeholder in a draft, required by `--final`, and the classification marking every printed page.

mod common;

use assay::app::Overlay;
use assay::domain::Value;
use assay::report::{Options, TO_WRITE, build, build_opts, html, markdown};
use assay::store::{Store, Table};
use common::bin::{assay, demo_file, stderr, stdout};
use common::workspace::{demo_store, empty_store, export_json, import_json};
use common::{demo_app, keys, press, press_mod, today};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn ctrl_s(app: &mut assay::app::App) {
    press_mod(app, KeyCode::Char('s'), KeyModifiers::CONTROL);
}

fn focus(app: &mut assay::app::App, key: &str) {
    let Some(Overlay::Form(f)) = &mut app.overlay else { panic!("a form is open") };
    f.focus_key(key);
}

fn text(store: &Store, sql: &str) -> Option<String> {
    store.conn().query_row(sql, [], |r| r.get(0)).expect("query")
}

/// Fills every narrative field `--final` requires, for engagement 1 and each of its risks.
fn write_narrative(store: &mut Store) {
    let risks: Vec<i64> = assay::store::risks::list(store.conn(), 1).expect("risks").iter().map(|r| r.id).collect();
    store
        .write(|w| {
            w.update(
                Table::Engagement,
                1,
                &[
                    ("conclusion", Value::text("The outsourcing may go ahead once the two open risks are accepted.")),
                    ("overall_rating", Value::text("high")),
                    ("approach", Value::text("Interviews with the provider's team, a site visit and the contract.")),
                    ("limitations", Value::text("The provider's subcontractors were not visited.")),
                    ("reviewer", Value::text("Marie Dubois")),
                ],
            )?;
            for id in &risks {
                w.update(
                    Table::Risk,
                    *id,
                    &[
                        ("finding", Value::text("Backups are kept in the same building.")),
                        ("recommendation", Value::text("Keep a copy off site.")),
                        ("management_response", Value::text("Agreed, by the end of the quarter.")),
                    ],
                )?;
            }
            Ok(())
        })
        .expect("narrative");
}

/// The conclusion and the classification typed in the engagement's form, and a finding typed in a risk's form, are
/// stored, shown in the risk's read-only view and the report, and carried by a bundle into another workspace.
#[test]
fn narrative_typed_in_the_forms_reaches_the_report_and_the_bundle() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, "conclusion");
    keys(&mut app, "Go ahead, with conditions.");
    focus(&mut app, "classification");
    keys(&mut app, "r");
    ctrl_s(&mut app);
    assert!(app.overlay.is_none(), "saved: {:?}", app.toast);
    assert_eq!(
        text(&app.store, "SELECT conclusion FROM engagement WHERE id = 1").as_deref(),
        Some("Go ahead, with conditions.")
    );
    assert_eq!(text(&app.store, "SELECT classification FROM engagement WHERE id = 1").as_deref(), Some("restricted"));

    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, "finding");
    keys(&mut app, "No tested restore in two years.");
    ctrl_s(&mut app);
    assert!(app.overlay.is_none(), "saved: {:?}", app.toast);
    let finding = text(&app.store, "SELECT finding FROM risk WHERE finding IS NOT NULL");
    assert_eq!(finding.as_deref(), Some("No tested restore in two years."));
    // Every write is in the history, like any other.
    let logged: i64 = app
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE field IN ('conclusion', 'finding', 'classification')",
            [],
            |r| r.get(0),
        )
        .expect("history");
    assert_eq!(logged, 3);
    // The read-only view of the risk shows it.
    press(&mut app, KeyCode::Enter);
    assert!(common::screen(&app).contains("No tested restore in two years."), "{}", common::screen(&app));
    press(&mut app, KeyCode::Esc);

    let e = assay::commands::report::resolve(app.store.conn(), "1").expect("engagement");
    let page = html(&build(app.store.conn(), &e, today(), "tester", false).expect("report"));
    assert!(page.contains("Go ahead, with conditions.") && page.contains("No tested restore in two years."));
    assert!(page.contains("@top-center { content: \"Restricted\""), "the marking follows the classification");

    let bundle = export_json(&app.store, Some(&[1]), false);
    let mut other = empty_store();
    import_json(&mut other, &bundle).expect("import");
    assert_eq!(text(&other, "SELECT conclusion FROM engagement").as_deref(), Some("Go ahead, with conditions."));
    assert_eq!(text(&other, "SELECT classification FROM engagement").as_deref(), Some("restricted"));
    assert_eq!(text(&other, "SELECT finding FROM risk WHERE finding IS NOT NULL").as_deref(), finding.as_deref());
}

/// A bundle written before the narrative existed has none of its fields: it still imports, the classification
/// taking its default (Confidential) and a journal entry left unmarked.
#[test]
fn a_bundle_from_before_the_narrative_imports_with_the_defaults() {
    let source = demo_store();
    let mut v: serde_json::Value = serde_json::from_str(&export_json(&source, Some(&[1]), false)).expect("json");
    let e = &mut v["engagements"][0];
    let engagement = e["engagement"].as_object_mut().expect("engagement");
    for key in ["conclusion", "overall_rating", "approach", "limitations", "reviewer", "distribution", "classification"]
    {
        assert!(engagement.remove(key).is_some(), "{key} is written");
    }
    for risk in e["risks"].as_array_mut().expect("risks") {
        let risk = risk.as_object_mut().expect("risk");
        for key in ["finding", "recommendation", "management_response"] {
            assert!(risk.remove(key).is_some(), "{key} is written");
        }
    }
    let mut other = empty_store();
    import_json(&mut other, &v.to_string()).expect("an older bundle imports");
    assert_eq!(text(&other, "SELECT classification FROM engagement").as_deref(), Some("confidential"));
    assert_eq!(text(&other, "SELECT finding FROM risk LIMIT 1"), None);
}

/// A draft shows what is still to be written where it belongs; a final report has no placeholder left, says Final,
/// and quotes the journal entries marked for it.
#[test]
fn a_draft_shows_placeholders_and_a_final_report_none() {
    let mut store = demo_store();
    let e = assay::commands::report::resolve(store.conn(), "1").expect("engagement");
    let draft = build(store.conn(), &e, today(), "tester", false).expect("draft");
    let page = html(&draft);
    assert!(page.contains(&format!("<p class=\"empty todo\">{TO_WRITE} the assessor")), "the conclusion's placeholder");
    assert!(page.contains(&format!("<dd class=\"todo\">[{TO_WRITE} the finding")), "a risk's placeholder");
    assert!(markdown(&draft).contains("Draft prepared"));
    // Every printed page carries the classification at its top and bottom, and its number.
    assert!(page.contains("@top-center { content: \"Confidential\""));
    assert!(page.contains("@bottom-center { content: \"Confidential\""));
    assert!(page.contains("counter(page) \" of \" counter(pages)"));
    assert!(page.contains("thead { display: table-header-group; }"));

    write_narrative(&mut store);
    store
        .write(|w| {
            let id = assay::store::journal::add(
                w,
                1,
                &assay::store::journal::NewEntry {
                    said_at: "2026-11-20T10:15:00Z",
                    text: "Restores have never been tested end to end",
                    interviewed: Some("Kofi Mensah"),
                    present: None,
                    link: None,
                },
            )?;
            w.update(Table::JournalEntry, id, &[("for_report", Value::Int(1))])
        })
        .expect("marked entry");
    let e = assay::commands::report::resolve(store.conn(), "1").expect("engagement");
    assert_eq!(assay::report::missing_narrative(store.conn(), &e).expect("check"), Vec::<String>::new());
    let how = Options { is_final: true, ..Options::default() };
    let r = build_opts(store.conn(), &e, today(), "tester", how).expect("final");
    let page = html(&r);
    assert!(!page.contains(TO_WRITE), "no placeholder in a final report");
    assert!(page.contains("Final, ") && page.contains("Keep a copy off site."));
    let notes = r.sections.iter().find(|s| s.title == "Notes from the interviews").expect("section");
    let quoted = serde_json::to_string(notes).expect("json");
    assert!(quoted.contains("Restores have never been tested end to end"), "{quoted}");
}

/// `--final` refuses while narrative is missing, with a non-zero exit and the list of what to write, and writes
/// nothing; once it is written, the final report is produced.
#[test]
fn final_is_refused_while_narrative_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_file(dir.path(), "w.db");
    let out = dir.path().join("final.html");
    let db_arg = db.to_str().expect("utf8");
    let out_arg = out.to_str().expect("utf8");
    let refused = assay(dir.path(), &["--db", db_arg, "report", "1", "--final", "-f", "html", "-o", out_arg]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let said = stderr(&refused);
    assert!(said.contains("the final report of E-1"), "{said}");
    for missing in [
        "the engagement's conclusion",
        "the engagement's overall rating",
        "the engagement's approach",
        "the engagement's limitations",
        "the engagement's reviewer",
        "a finding for R-1, R-2",
        "a management response for R-1",
    ] {
        assert!(said.contains(missing), "{missing} not listed: {said}");
    }
    assert!(!out.exists(), "nothing written");
    {
        let mut store = Store::open(&db, "tester").expect("open");
        write_narrative(&mut store);
    }
    let done = assay(dir.path(), &["--db", db_arg, "report", "1", "--final"]);
    assert!(done.status.success(), "{}", stderr(&done));
    let md = stdout(&done);
    assert!(md.contains("Final report prepared") && !md.contains(TO_WRITE), "{md}");
}

/// The report written with `--out` is readable by its owner only, replacing whatever was there whole.
#[cfg(unix)]
#[test]
fn a_report_written_to_a_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_file(dir.path(), "w.db");
    let out = dir.path().join("report.html");
    std::fs::write(&out, b"old").expect("old file");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let done = assay(
        dir.path(),
        &["--db", db.to_str().expect("utf8"), "report", "1", "-f", "html", "-o", out.to_str().expect("utf8")],
    );
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(std::fs::metadata(&out).expect("meta").permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&out).expect("read").starts_with("<!DOCTYPE html>"));
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".part")), "no temporary file left: {left:?}");
}

/// The asset tracking form prints as a form: words are never broken inside (columns take the width of their longest
/// word), the signature and date cells are tall enough to sign in (15 mm), and each state has a table of its own.
#[test]
fn the_asset_form_keeps_words_whole_and_room_to_sign() {
    let store = demo_store();
    let e = assay::commands::report::resolve(store.conn(), "1").expect("engagement");
    let form = assay::report::assets::gather(store.conn(), &e, today(), "tester").expect("form");
    let page = assay::report::assets::html(&form);
    for breaking in ["break-word", "hyphens: auto", "table-layout: fixed", "break-all"] {
        assert!(!page.contains(breaking), "{breaking} would break words inside");
    }
    assert!(page.contains("overflow-wrap: normal") && page.contains("hyphens: manual"));
    assert!(page.contains("td.sign { height: 15mm;"));
    let states: std::collections::HashSet<_> = form.assets.iter().map(|(_, s)| *s).collect();
    assert_eq!(page.matches("<table>").count(), states.len(), "one table per state");
    let signs = page.matches("<td class=\"sign\"></td>").count();
    assert_eq!(signs, 2 * form.assets.len(), "a hand-over and a return cell on every row");
}

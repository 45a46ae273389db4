//! The management report: its sections, its Markdown (snapshot), HTML escaping and print layout, the privacy rule,
//! engagement lookup by name, and the Overview keys that write the report and the bundle.

mod common;

use assay::app::Action;
use assay::cli::DemoSize;
use assay::commands::demo::{self, Shape};
use assay::commands::report::resolve;
use assay::domain::Value;
use assay::report::{self, Format, build, html, markdown};
use assay::store::{Store, Table, engagements, risks};
use common::bin::{command, stderr};
use common::workspace::{add_demo, demo_store};
use common::{NOW, app_on, today};

const SECTIONS: &[&str] = &[
    "Document control and distribution",
    "Executive summary",
    "Scope and approach",
    "Provider selection",
    "Findings",
    "Vetting and assets",
    "Open obligations by phase",
    "Notes from the interviews",
    "Key counts",
    "Limitations",
    "Sign-off",
];

#[test]
fn the_markdown_report_has_every_section() {
    let store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    let md = markdown(&build(store.conn(), &e, today(), "tester", false).expect("report"));
    for (n, s) in SECTIONS.iter().enumerate() {
        assert!(md.contains(&format!("## {}. {s}\n", n + 1)), "missing {s}");
    }
    assert!(md.contains("> **Verdict:**"));
    assert!(md.contains("| **5** | M "), "heat map rows carry band letters");
    insta::assert_snapshot!(md);
}

/// The HTML report of the same engagement, whole: its print CSS (the classification in the page margins, page
/// numbers, repeated table headers), the contents, every section and the inline SVG charts. The style sheet is
/// snapshot once; the body of the page below it.
#[test]
fn the_html_report_has_every_section_and_its_print_rules() {
    let store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    let page = html(&build(store.conn(), &e, today(), "tester", false).expect("report"));
    for rule in ["@page", "Page \"", "thead { display: table-header-group", "<svg"] {
        assert!(page.contains(rule), "the page has {rule}");
    }
    let (style, body) = page.split_once("</style>").expect("an inline style sheet");
    insta::assert_snapshot!("html_report_style", style);
    // One element per line, so that a change shows as the lines it changes.
    let body = body.replace("><", ">\n<");
    insta::assert_snapshot!("html_report_body", body);
}

/// Evidence files are listed by name and SHA-256 in a section of their own, only when there are any, with the
/// record each is about; the HTML escapes a file name like any other value.
#[test]
fn the_report_lists_evidence_by_name_and_hash() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    let before = markdown(&build(store.conn(), &e, today(), "tester", false).expect("report"));
    assert!(!before.contains("Appendix: evidence"), "no section without evidence");
    let file = dir.path().join("<b>visitor-register<i>.jpg");
    std::fs::write(&file, b"visitors, 3 March").expect("file");
    let risk: i64 =
        store.conn().query_row("SELECT min(id) FROM risk WHERE engagement_id = 1", [], |r| r.get(0)).expect("risk");
    let mut src = assay::store::evidence::open_source(&file, 1 << 20).expect("source");
    let to = assay::store::evidence::Attach { engagement: 1, target: Some((Table::Risk, risk)), caption: None };
    assay::store::evidence::add_files(&mut store, std::slice::from_mut(&mut src), to, &mut |_, _, _| {}).expect("add");
    let r = build(store.conn(), &e, today(), "tester", false).expect("report");
    let md = markdown(&r);
    let stored: String = store.conn().query_row("SELECT sha256 FROM evidence", [], |r| r.get(0)).expect("sha");
    let at = md.find("Appendix: evidence\n").expect("an Evidence section");
    let section = &md[at..];
    assert!(section.contains(&stored) && section.contains("| F-1 |") && section.contains("(R-1)"), "{section}");
    let page = html(&r);
    assert!(page.contains("&lt;b&gt;visitor-register&lt;i&gt;.jpg") && !page.contains("<b>visitor"), "escaped");
}

/// The JSON report names the engagement and every record its tables list by short reference and UUID, row for
/// row; the Markdown shows the references in a column of their own.
#[test]
fn the_json_report_names_each_record_by_reference_and_uuid() {
    use assay::store::ids;
    let store = demo_store();
    let conn = store.conn();
    let e = resolve(conn, "E-1").expect("engagement");
    let r = build(conn, &e, today(), "tester", false).expect("report");
    let v: serde_json::Value = serde_json::from_str(&report::written(&r, Format::Json)).expect("json");
    assert_eq!(v["engagement"]["ref"], "E-1");
    let engagement_uuid = ids::of(conn, Table::Engagement, e.id).expect("read").expect("uuid").to_string();
    assert_eq!(v["engagement"]["uuid"], engagement_uuid.as_str());
    assert!(v["meta"].as_str().is_some_and(|m| m.contains("Engagement E-1") && m.contains(&engagement_uuid)), "{v}");

    let tables: Vec<&serde_json::Value> = v["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["blocks"].as_array().into_iter().flatten())
        .filter(|b| b["kind"] == "table")
        .map(|b| &b["data"])
        .collect();
    let register = tables.iter().find(|t| t["headers"][2] == "Risk").expect("the register");
    assert_eq!(register["headers"][0], "Ref");
    let rows = register["rows"].as_array().expect("rows");
    let records = register["records"].as_array().expect("records");
    assert_eq!(rows.len(), 14);
    assert_eq!(records.len(), rows.len(), "a record per row");
    for (row, rec) in rows.iter().zip(records) {
        assert_eq!(row[0], rec["ref"], "the Ref column is the record's reference");
        let risk = risks::list(conn, e.id)
            .expect("risks")
            .into_iter()
            .find(|r| row[2] == r.title.as_str())
            .expect("the row's risk");
        assert_eq!(rec["ref"], format!("R-{}", risk.number));
        let uuid = ids::of(conn, Table::Risk, risk.id).expect("read").expect("uuid").to_string();
        assert_eq!(rec["uuid"], uuid.as_str());
    }
    // Providers, members, assets and grants are named the same way.
    for (column, prefix) in [("Provider", "P-"), ("Tag", "A-")] {
        let t = tables.iter().find(|t| t["headers"][1] == column).expect(column);
        let recs = t["records"].as_array().expect("records");
        assert!(!recs.is_empty() && recs.len() == t["rows"].as_array().map_or(0, Vec::len), "{column}");
        for rec in recs {
            assert!(rec["ref"].as_str().is_some_and(|r| r.starts_with(prefix)), "{column}: {rec}");
            assert!(rec["uuid"].as_str().is_some_and(|u| uuid::Uuid::parse_str(u).is_ok()), "{column}: {rec}");
        }
    }
    // A table whose rows are not records carries no records.
    let summary = tables.iter().find(|t| t["headers"][0] == "Measure").expect("the summary figures");
    assert!(summary.get("records").is_none(), "{summary}");
    // The Markdown shows the references, and a provider's P-3 is not cited as the catalog's section P-3.
    let md = markdown(&r);
    assert!(md.contains("| Ref | Inherent | Risk |") && md.contains("| R-9 | C 25 |"), "{md}");
    let cited = md.split("Catalog references").nth(1).unwrap_or_default();
    assert!(!cited.contains("| P-3 |") && !cited.contains("| G-5 |"), "{cited}");
}

#[test]
fn html_escapes_every_value_and_stands_alone() {
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    let id = engagements::create_in(&mut store, "<script>alert('x')</script> & co").expect("engagement");
    store
        .write(|w| {
            risks::create(
                w,
                id,
                None,
                &[
                    ("title", Value::text("<img src=x onerror=alert(1)>")),
                    ("likelihood", Value::Int(5)),
                    ("impact_c", Value::Int(5)),
                    ("owner", Value::text("\"Quoted\" <owner>")),
                ],
            )
        })
        .expect("risk");
    let e = resolve(store.conn(), "<scr").expect("by name");
    let r = build(store.conn(), &e, today(), "tester", false).expect("report");
    let page = html(&r);
    assert!(!page.contains("<script"), "a raw script tag got through");
    assert!(!page.contains("<img"), "raw markup got through");
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("&quot;Quoted&quot; &lt;owner&gt;"));
    // Self-contained and print-ready: inline CSS, no external resources, A4, breaks, repeated headers.
    assert!(page.contains("<style>") && !page.contains("<link") && !page.contains("http"));
    assert!(page.contains("size: A4") && page.contains("page-break-before: always"));
    assert!(page.contains("thead { display: table-header-group; }"));
    // The heat maps are inline SVG (no script, nothing fetched): each cell carries its band letter, colour only
    // adds to it; the one risk (likelihood 5, impact 5) is counted in the top right cell and no empty cell shows 0.
    assert_eq!(page.matches("<svg ").count(), 2 + 1, "two heat maps and the checklist bars");
    assert!(!page.contains("<script") && !page.contains("xlink") && !page.contains("href"));
    let top_right = "<rect x=\"210\" y=\"6\" width=\"38\" height=\"38\" fill=\"#f4b6b6\"";
    assert!(page.contains(top_right), "the critical cell in its band's colour");
    assert!(page.contains(">C</text>") && page.contains("font-weight=\"bold\" text-anchor=\"middle\">1</text>"));
    assert!(!page.contains("text-anchor=\"middle\">0</text>"), "an empty cell is blank");
    assert!(page.contains(">Likelihood</text>") && page.contains(">Impact (worst of C, I, A)</text>"), "labelled axes");
    let md = markdown(&r);
    assert!(!md.contains("<script") && !md.contains("<img"));
}

#[test]
fn sensitive_check_notes_stay_out_of_the_report_unless_asked_for() {
    let mut store = demo_store();
    let (id, kind): (i64, String) = store
        .conn()
        .query_row(
            "SELECT c.id, c.kind FROM vetting_check c JOIN team_member m ON m.id = c.member_id
             JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id = 1 AND c.kind = 'criminal_record' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("check");
    assert_eq!(kind, "criminal_record");
    store
        .write(|w| {
            w.update(
                Table::VettingCheck,
                id,
                &[("status", Value::text("failed")), ("note", Value::text("Undisclosed conviction"))],
            )
        })
        .expect("note");
    let e = resolve(store.conn(), "payroll").expect("engagement");
    let plain = markdown(&build(store.conn(), &e, today(), "t", false).expect("report"));
    assert!(!plain.contains("Undisclosed conviction") && plain.contains("(withheld)"));
    let full = report::render(store.conn(), &e, Format::Html, today(), "t", true).expect("report");
    assert!(full.contains("Undisclosed conviction"));
}

#[test]
fn engagements_are_found_by_number_or_unique_name_prefix() {
    let store = demo_store();
    assert_eq!(resolve(store.conn(), "2").expect("number").number, 2);
    assert_eq!(resolve(store.conn(), "PAYROLL").expect("prefix").number, 1);
    let none = resolve(store.conn(), "nothing like it").expect_err("none").to_string();
    assert!(none.contains("no engagement matches"), "{none}");
    let mut store = store;
    engagements::create_in(&mut store, "Payroll processing — Legal").expect("second");
    let many = resolve(store.conn(), "payroll").expect_err("several").to_string();
    assert!(many.contains("matches 2 engagements") && many.contains("E-1 “Payroll processing — Finance”"), "{many}");
}

#[test]
fn reports_never_create_a_workspace() {
    let dir = tempfile::tempdir().expect("dir");
    for args in [&["report", "assets", "x"][..], &["report", "x"][..], &["export", "x"][..]] {
        let out = command(dir.path(), &["--db", "w.db"]).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("no workspace at w.db"), "{args:?}");
        assert!(!dir.path().join("w.db").exists(), "{args:?} created a workspace");
    }
}

#[test]
fn overview_keys_write_the_report_and_the_bundle_to_the_reports_folder() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&dir.path().join("w.db"), "tester").expect("store");
    store.set_fixed_now(Some(NOW));
    add_demo(&mut store);
    let mut app = app_on(store, 120, 40);
    // The folder the config's reports_dir names (by default the one assay was started from).
    let reports = dir.path().join("reports");
    app.reports_dir = reports.clone();
    app.update(Action::Tab2).expect("overview");
    common::keys(&mut app, "R");
    common::finish_work(&mut app);
    let files: Vec<String> = std::fs::read_dir(&reports)
        .expect("reports folder")
        .map(|f| f.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.iter().any(|f| f.ends_with(".md")) && files.iter().any(|f| f.ends_with(".html")), "{files:?}");
    assert!(common::screen(&app).contains("Report written"), "{}", common::screen(&app));
    common::keys(&mut app, "X");
    common::finish_work(&mut app);
    assert!(
        std::fs::read_dir(&reports).expect("dir").any(|f| f
            .expect("e")
            .file_name()
            .to_string_lossy()
            .ends_with(".json"))
    );
    assert!(common::screen(&app).contains("Exported"), "{}", common::screen(&app));
}

/// A workbench on a demo workspace kept in a file (so that a long task can read it on a connection of its own),
/// on the Overview, writing into a folder of the temporary directory.
fn file_app(dir: &std::path::Path) -> assay::app::App {
    let mut store = Store::open(&dir.join("w.db"), "tester").expect("store");
    store.set_fixed_now(Some(NOW));
    demo::generate(&mut store, Shape::of(DemoSize::Small), today()).expect("demo");
    let mut app = app_on(store, 120, 40);
    app.reports_dir = dir.join("reports");
    app.update(Action::Tab2).expect("overview");
    app
}

fn written(dir: &std::path::Path) -> Vec<String> {
    match std::fs::read_dir(dir.join("reports")) {
        Ok(files) => files.map(|f| f.expect("entry").file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn the_report_key_leaves_the_workbench_answering_while_the_report_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = file_app(dir.path());
    common::keys(&mut app, "R");
    // Under way, off the event loop: the status line says so and how to stop it.
    assert!(app.work.is_some(), "the report is written as a long task");
    let status = common::screen(&app).lines().last().expect("status line").to_string();
    assert!(status.contains("⟳ ") && status.contains("% · Esc cancels"), "{status}");
    // Meanwhile the user keeps moving: to the Risks tab, down its rows, into help and out, back to the Overview.
    common::keys(&mut app, "4");
    assert_eq!(app.tab, assay::app::Tab::Risks);
    let before = app.pane::<assay::app::RiskPane>().cursor.selected;
    common::keys(&mut app, "j");
    assert_eq!(app.pane::<assay::app::RiskPane>().cursor.selected, before + 1, "the register's cursor moved");
    common::keys(&mut app, "?");
    assert!(matches!(app.overlay, Some(assay::app::Overlay::Help { .. })), "help opens");
    common::press(&mut app, ratatui::crossterm::event::KeyCode::Esc);
    assert!(app.overlay.is_none(), "Esc closed the help, not the task");
    assert!(app.work.as_ref().is_some_and(|j| !j.is_cancelled()), "the task still runs");
    // A second report while the first runs is refused, with what to do.
    common::keys(&mut app, "2R");
    let refused = app.toast.clone().expect("message");
    assert!(refused.error && refused.text.contains("still under way") && refused.text.contains("Esc"), "{refused:?}");
    // Once it ends, its result shows.
    common::finish_work(&mut app);
    let toast = app.toast.clone().expect("message");
    assert!(!toast.error && toast.text.contains("Report written"), "{toast:?}");
    assert!(common::screen(&app).contains("Report written"));
    assert!(!common::screen(&app).contains("⟳"), "the status line no longer shows the task");
    let files = written(dir.path());
    assert!(files.iter().any(|f| f.ends_with(".md")) && files.iter().any(|f| f.ends_with(".html")), "{files:?}");
}

#[test]
fn on_80_columns_the_status_line_shows_the_task_and_still_the_help_key() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = file_app(dir.path());
    app.update(Action::Resize(80, 24)).expect("resize");
    common::keys(&mut app, "R");
    let status = common::screen(&app).lines().last().expect("status line").to_string();
    assert!(status.contains("⟳ Writing report… 0% · Esc cancels"), "{status}");
    assert!(status.contains("? Help"), "{status}");
    assert!(!status.contains("all saved"), "the task stands in for the saved state meanwhile: {status}");
    common::finish_work(&mut app);
    let status = common::screen(&app).lines().last().expect("status line").to_string();
    assert!(status.contains("all saved") && !status.contains('⟳'), "{status}");
}

#[test]
fn a_remapped_stop_key_is_the_one_the_status_line_names_and_the_one_that_stops() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = file_app(dir.path());
    let overrides = [("global".to_string(), [("cancel_task".to_string(), vec!["ctrl-x".to_string()])].into())].into();
    app.keymap.apply_overrides(&overrides).expect("override");
    common::keys(&mut app, "R");
    let status = common::screen(&app).lines().last().expect("status line").to_string();
    assert!(status.contains("· Ctrl-X cancels"), "{status}");
    common::press_mod(
        &mut app,
        ratatui::crossterm::event::KeyCode::Char('x'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    assert!(app.work.as_ref().is_some_and(|j| j.is_cancelled()), "the remapped key asked the task to stop");
    common::finish_work(&mut app);
}

#[test]
fn esc_stops_the_report_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = file_app(dir.path());
    common::keys(&mut app, "R");
    common::press(&mut app, ratatui::crossterm::event::KeyCode::Esc);
    assert!(app.work.as_ref().is_some_and(|j| j.is_cancelled()), "Esc asked the task to stop");
    let status = common::screen(&app).lines().last().expect("status line").to_string();
    assert!(status.contains("stopping"), "{status}");
    common::finish_work(&mut app);
    let toast = app.toast.clone().expect("message");
    let files = written(dir.path());
    // The task checks between its steps; had it ended before the first check, the three files are there, whole.
    if toast.text.contains("stopped") {
        assert_eq!(toast.text, "Writing report stopped; nothing was written");
        assert!(files.is_empty(), "{files:?}");
    } else {
        assert!(toast.text.contains("Report written") && files.len() == 3, "{toast:?} {files:?}");
    }
}

#[test]
fn the_report_key_reads_an_encrypted_workspace_on_its_own_connection() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open_with_key(&dir.path().join("w.db"), "tester", Some("correct horse")).expect("store");
    store.set_fixed_now(Some(NOW));
    demo::generate(&mut store, Shape::of(DemoSize::Small), today()).expect("demo");
    let mut app = app_on(store, 120, 40);
    app.reports_dir = dir.path().join("reports");
    app.update(Action::Tab2).expect("overview");
    common::keys(&mut app, "R");
    common::finish_work(&mut app);
    let toast = app.toast.clone().expect("message");
    assert!(!toast.error && toast.text.contains("Report written"), "{toast:?}");
    assert_eq!(written(dir.path()).len(), 3, "Markdown, HTML and PDF");
}

#[test]
fn a_report_stopped_between_its_steps_writes_nothing() {
    let store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    let dir = tempfile::tempdir().expect("dir");
    let mut seen = Vec::new();
    let out = report::write_both_steps(store.conn(), &e, dir.path(), today(), "t", &mut |f, word| {
        seen.push((f, word.to_string()));
        f < 0.6
    })
    .expect("no error");
    assert_eq!(out, None, "stopped");
    assert_eq!(seen.len(), 3, "stopped at the third step: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "the fraction grows: {seen:?}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing written");
    let all = report::write_both_steps(store.conn(), &e, dir.path(), today(), "t", &mut |_, _| true).expect("written");
    assert_eq!(all.map(|p| p.len()), Some(2));
}

/// The report is built below the workbench and the command line: `src/report/` reaches neither of them, nor the
/// command-line definitions, and no file of it grows past 800 lines.
#[test]
fn report_building_reaches_no_layer_above_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("src/report") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("source");
        for layer in ["crate::app", "crate::ui", "crate::commands", "crate::cli", "crate::tui"] {
            assert!(!text.contains(layer), "{} uses {layer}", path.display());
        }
        assert!(text.lines().count() <= 800, "{} is over 800 lines", path.display());
        seen += 1;
    }
    assert!(seen >= 5, "the report module's files were read ({seen})");
    let key = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app/reports.rs"))
        .expect("app/reports.rs");
    assert!(!key.contains("crate::commands"), "the workbench's report key reaches into the command line");
}

/// The reasons given for the decisions of an engagement — leaving checklist items open at a phase change, selecting
/// or rejecting a provider, closing and reopening — are read in the report and in the engagement's history.
#[test]
fn the_reasons_for_decisions_are_in_the_report_and_the_history() {
    use assay::domain::Phase;
    use assay::store::{assets, checklist, notes};
    use ratatui::crossterm::event::KeyCode;
    let mut store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    let provider: i64 = store
        .conn()
        .query_row("SELECT min(id) FROM provider WHERE engagement_id = ?1", [e.id], |r| r.get(0))
        .expect("provider");
    let open = vec!["G-5.4.1-1".to_string(), "G-5.4.1-2".to_string()];
    store
        .write(|w| {
            checklist::change_phase(w, e.id, Phase::Pre, Phase::During, &open, Some("Steering board waived the wait"))?;
            w.update(
                Table::Provider,
                provider,
                &[
                    ("status", Value::text("rejected")),
                    ("decision_reason", Value::text("No ISO 27001 certificate covering the service")),
                    ("decided_by", Value::text("Ana Souza")),
                    ("decided_at", Value::text("2026-11-20")),
                ],
            )?;
            assets::close_engagement(w, e.id, "Closed: every asset returned and access revoked")?;
            w.update(Table::Engagement, e.id, &[("status", Value::text("active"))])?;
            notes::add(w, e.id, Some((Table::Engagement, e.id)), "Reopened: the provider asked for a second audit")
        })
        .expect("decisions");

    let md = markdown(&build(store.conn(), &e, today(), "tester", false).expect("report"));
    // The provider's decision is under the selection, the phase changes and the closing under the obligations.
    let section =
        |title: &str| md.split(title).nth(1).expect("the section").split("\n## ").next().unwrap_or("").to_string();
    let section = section("Provider selection") + &section("Open obligations by phase");
    for text in [
        "Pre-outsourcing → During outsourcing",
        "2: G-5.4.1-1, G-5.4.1-2",
        "Steering board waived the wait",
        "No ISO 27001 certificate covering the service",
        "| rejected |",
        "Closed: every asset returned and access revoked",
        "Reopened: the provider asked for a second audit",
    ] {
        assert!(section.contains(text), "{text} missing from:\n{section}");
    }

    // H on the engagement shows each reason whole, wrapped under its change.
    let mut app = app_on(store, 120, 40);
    app.update(Action::Tab1).expect("tab");
    let at = app.session.engagements.iter().position(|x| x.id == e.id).expect("listed");
    for _ in 0..at {
        common::press(&mut app, KeyCode::Char('j'));
    }
    common::press(&mut app, KeyCode::Char('H'));
    let Some(assay::app::Overlay::History(h)) = &app.overlay else { panic!("the history is open") };
    let read: String = h.wrapped(70).into_iter().flatten().collect::<Vec<_>>().join(" ");
    for text in [
        "phase: pre-outsourcing → during outsourcing, 2 items left open: G-5.4.1-1, G-5.4.1-2 — reason: “Steering board waived the wait”",
        "reason recorded: “Closed: every asset returned and access revoked”",
        "reason recorded: “Reopened: the provider asked for a second audit”",
    ] {
        assert!(read.contains(text), "{text} missing from the history:\n{read}");
    }
    // On screen, the reason that does not fit goes on under its change.
    let screen = common::screen(&app);
    assert!(screen.contains("G-5.4.1-1, G-5.4.1-2 — reason: “Steering board waived the wait”"), "{screen}");
}

/// The HTML report draws charts where a manager would rather look than read: the providers' totals (a provider
/// failing a gate hatched and named), the checklist's progress by phase and the vetting clearance per provider.
#[test]
fn the_html_report_draws_scores_progress_and_clearance_as_bars() {
    let store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    let r = build(store.conn(), &e, today(), "tester", false).expect("report");
    let page = html(&r);
    for measure in [
        "Weighted total out of 100 (a full bar: 100)",
        "% done or not applicable (a full bar: 100)",
        "% of the members still on the team cleared (a full bar: 100)",
    ] {
        assert!(page.contains(measure), "{measure}");
    }
    // Every provider ranked has a bar with its total written out; those failing a gate are hatched and say so.
    let ranking = r.sections.iter().find(|s| s.title == "Provider selection").expect("ranking");
    let Some(assay::report::Block::Bars { rows, .. }) =
        ranking.blocks.iter().find(|b| matches!(b, assay::report::Block::Bars { .. }))
    else {
        panic!("the ranking has bars")
    };
    assert!(!rows.is_empty());
    for bar in rows {
        assert!(page.contains(&assay::report::html::esc(&bar.label)), "{}", bar.label);
        assert!((0.0..=100.0).contains(&bar.value));
    }
    let failing = rows.iter().filter(|b| b.mark.is_some()).count();
    assert!(page.matches("fill=\"url(#hatch)\"").count() >= failing);
    assert_eq!(page.matches(" — fails a gate</text>").count(), failing);
    // The Markdown report keeps its tables and draws no chart.
    let md = markdown(&r);
    assert!(!md.contains("<svg") && !md.contains("a full bar"));
}

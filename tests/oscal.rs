//! The OSCAL export: the demo's assessment results, assessment plan and catalog validate against NIST's published
//! OSCAL JSON Schema (vendored under tests/data/oscal, see SOURCE.md there), their uuids are of the versions
//! OSCAL allows and stable where they should be, and compliance-trestle reads them where Python is available.

mod common;

use assay::commands::oscal;
use assay::store::{Store, engagements};
use common::bin::{assay, stderr, stdout};
use common::workspace::{demo_store_as, empty_store_as};
use sha2::{Digest, Sha256};

const SCHEMA: &str = include_str!("data/oscal/oscal_complete_schema.json");
const SCHEMA_SHA256: &str = "384324105c7a817af0f65b120a963146caa0e0d55d969cf0daf60e063b87a206";

fn documents(store: &Store, id: i64) -> oscal::Documents {
    let e = engagements::get(store.conn(), id).expect("get").expect("engagement");
    oscal::build(store, &e, common::NOW, ("x-assessment-plan.json", "x-catalog.json")).expect("build")
}

fn schema_errors(doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema parses");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).take(20).collect()
}

#[test]
fn the_vendored_schema_is_nists_published_file() {
    let hash = Sha256::digest(SCHEMA.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, SCHEMA_SHA256);
    assert!(SCHEMA.contains("\"$id\" : \"http://csrc.nist.gov/ns/oscal/1.0/1.2.3/oscal-complete-schema.json\""));
}

#[test]
fn the_demo_export_validates_against_the_oscal_schema() {
    let store = demo_store_as("Ana Assessor");
    for id in [1, 2, 3] {
        let docs = documents(&store, id);
        for (what, doc) in
            [("results", &docs.results), ("plan", &docs.plan), ("catalog", &docs.catalog), ("poam", &docs.poam)]
        {
            let errors = schema_errors(doc);
            assert!(errors.is_empty(), "engagement {id}, {what}: {errors:#?}");
        }
        let ar = &docs.results["assessment-results"];
        assert_eq!(ar["metadata"]["oscal-version"], oscal::OSCAL_VERSION);
        assert_eq!(ar["import-ap"]["href"], "x-assessment-plan.json");
        assert_eq!(ar["back-matter"]["resources"][0]["rlinks"][0]["href"], "x-catalog.json");
        let result = &ar["results"][0];
        assert!(result["observations"].as_array().is_some_and(|o| o.len() > 50), "checklist and vetting");
        assert!(result["findings"].as_array().is_some_and(|f| !f.is_empty()));
        let risks = result["risks"].as_array().expect("risks");
        assert_eq!(risks.len(), 14);
        let facets = risks[0]["characterizations"][0]["facets"].as_array().expect("facets");
        assert!(facets.iter().any(|f| f["name"] == "likelihood") && facets.iter().any(|f| f["name"] == "impact"));
        assert!(risks.iter().any(|r| r["remediations"].is_array()), "treatments as remediations");
        assert!(risks.iter().any(|r| r["risk-log"]["entries"].is_array()), "acceptance as a risk-log entry");
        assert_eq!(ar["metadata"]["parties"][0]["name"], "Ana Assessor");
    }
}

#[test]
fn a_sparse_engagement_still_validates() {
    let mut store = empty_store_as("");
    let id = engagements::create_in(&mut store, "  Bare  ").expect("create");
    let docs = documents(&store, id);
    for doc in [&docs.results, &docs.plan, &docs.catalog] {
        assert!(schema_errors(doc).is_empty(), "{:?}", schema_errors(doc));
    }
    // No open treatment: no plan of action to write (the CLI says so and exits 3).
    assert_eq!(docs.poam["plan-of-action-and-milestones"]["poam-items"], serde_json::json!([]));
}

#[test]
fn the_poam_lists_each_open_treatment_once() {
    let store = demo_store_as("Ana Assessor");
    let docs = documents(&store, 1);
    let poam = &docs.poam["plan-of-action-and-milestones"];
    let items = poam["poam-items"].as_array().expect("items");
    let open = assay::store::risks::list(store.conn(), 1)
        .expect("risks")
        .iter()
        .filter(|r| r.treatment.is_some() && r.status != assay::domain::risk::TreatmentStatus::Done)
        .count();
    assert!(open > 0);
    assert_eq!(items.len(), open);
    let risk_uuids: Vec<&str> =
        poam["risks"].as_array().expect("risks").iter().filter_map(|r| r["uuid"].as_str()).collect();
    for i in items {
        assert!(risk_uuids.contains(&i["related-risks"][0]["risk-uuid"].as_str().unwrap_or_default()), "{i}");
    }
}

#[test]
fn controls_carry_their_citation_and_annex_a_mapping() {
    let store = demo_store_as("Ana Assessor");
    let docs = documents(&store, 1);
    let groups = docs.catalog["catalog"]["groups"].as_array().expect("groups");
    let controls: Vec<&serde_json::Value> =
        groups.iter().flat_map(|g| g["controls"].as_array().into_iter().flatten()).collect();
    assert!(controls.len() > 20, "{}", controls.len());
    let c = controls
        .iter()
        .find(|c| c["props"].as_array().is_some_and(|p| p.iter().any(|p| p["name"] == "iso-27001-2022-annex-a")));
    let c = c.expect("a control with an Annex A mapping");
    assert!(c["props"].as_array().is_some_and(|p| p.iter().any(|p| p["name"] == "citation")), "{c}");
    assert_eq!(c["parts"][0]["name"], "statement");
    // Every control the results reviewed is in the catalog.
    let ids: std::collections::BTreeSet<&str> = controls.iter().filter_map(|c| c["id"].as_str()).collect();
    let reviewed = &docs.results["assessment-results"]["results"][0]["reviewed-controls"]["control-selections"][0];
    for c in reviewed["include-controls"].as_array().expect("include-controls") {
        assert!(ids.contains(c["control-id"].as_str().unwrap_or_default()), "{c}");
    }
}

/// The catalog names the documents its obligations restate, and their publishers: each group links to a
/// back-matter resource citing its document, and the publishers are parties in the role `source-publisher`.
#[test]
fn the_catalog_names_each_source_document_and_its_publisher() {
    let store = demo_store_as("Ana Assessor");
    let docs = documents(&store, 1);
    let catalog = &docs.catalog["catalog"];
    let parties = catalog["metadata"]["parties"].as_array().expect("parties");
    let organisations: Vec<&str> =
        parties.iter().filter(|p| p["type"] == "organization").filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(organisations, ["ISO27k Forum", "CyberSecurity Malaysia"]);
    let publishers = catalog["metadata"]["responsible-parties"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["role-id"] == "source-publisher"))
        .expect("the publishers' role");
    assert_eq!(publishers["party-uuids"].as_array().map(Vec::len), Some(2));
    let resources = catalog["back-matter"]["resources"].as_array().expect("resources");
    for group in catalog["groups"].as_array().expect("groups") {
        let href = group["links"][0]["href"].as_str().expect("a link");
        let resource = resources
            .iter()
            .find(|r| format!("#{}", r["uuid"].as_str().unwrap_or_default()) == href)
            .expect("the group's document is in the back matter");
        let citation = resource["citation"]["text"].as_str().expect("citation");
        let publisher = if group["id"] == "policy" { "ISO27k Forum" } else { "CyberSecurity Malaysia" };
        assert!(citation.contains(publisher), "{citation}");
    }
    assert!(schema_errors(&docs.catalog).is_empty(), "{:?}", schema_errors(&docs.catalog));
}

#[test]
fn record_uuids_are_v5_and_stable_documents_are_v4_and_fresh() {
    let store = demo_store_as("Ana Assessor");
    let a = documents(&store, 1);
    let b = documents(&store, 1);
    let version =
        |s: &serde_json::Value| uuid::Uuid::parse_str(s.as_str().unwrap_or_default()).expect("uuid").get_version_num();
    let ra = &a.results["assessment-results"];
    let rb = &b.results["assessment-results"];
    assert_eq!(version(&ra["uuid"]), 4);
    assert_ne!(ra["uuid"], rb["uuid"], "each document is new");
    for path in
        [&ra["results"][0]["uuid"], &ra["results"][0]["risks"][0]["uuid"], &ra["results"][0]["observations"][0]["uuid"]]
    {
        assert_eq!(version(path), 5);
    }
    assert_eq!(ra["results"][0]["risks"], rb["results"][0]["risks"], "the same records, the same uuids");
    let (x, y) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    assert_eq!(oscal::record_uuid(&x, ""), oscal::record_uuid(&x, ""));
    assert_ne!(oscal::record_uuid(&x, ""), oscal::record_uuid(&y, ""));
    assert_ne!(oscal::record_uuid(&x, ""), oscal::record_uuid(&x, "treatment"));
}

/// A record's OSCAL uuid comes from the record's own UUID, not from where its row sits in one file: the same risk
/// has the same uuid in every export from every copy of the workspace. Each record carries its short reference.
#[test]
fn each_records_oscal_uuid_derives_from_its_own_uuid_and_carries_its_reference() {
    use assay::store::{Table, checklist, ids, risks};
    let store = demo_store_as("Ana Assessor");
    let conn = store.conn();
    let e = engagements::list(conn).expect("list").into_iter().find(|e| e.number == 1).expect("E-1");
    let (a, b) = (documents(&store, e.id), documents(&store, e.id));
    let result = &a.results["assessment-results"]["results"][0];
    let prop = |v: &serde_json::Value, name: &str| {
        v["props"].as_array().into_iter().flatten().find(|p| p["name"] == name).map(|p| p["value"].clone())
    };
    let own = |table: Table, id: i64| ids::of(conn, table, id).expect("read").expect("its UUID");
    let engagement = own(Table::Engagement, e.id);
    assert_eq!(engagement.to_string(), e.uuid);
    assert_eq!(result["uuid"], oscal::record_uuid(&engagement, "").as_str());
    assert_eq!(prop(result, "ref"), Some("E-1".into()));
    assert_eq!(prop(result, "record-uuid"), Some(e.uuid.clone().into()));

    let docs = result["risks"].as_array().expect("risks");
    let register = risks::list(conn, e.id).expect("risks");
    assert_eq!(docs.len(), register.len());
    for r in &register {
        let mine = own(Table::Risk, r.id);
        let expected = oscal::record_uuid(&mine, "");
        let doc = docs.iter().find(|d| d["uuid"] == expected.as_str()).expect("the risk under its derived uuid");
        assert_eq!(uuid::Uuid::parse_str(&expected).expect("uuid").get_version_num(), 5, "OSCAL takes v4 or v5");
        assert_eq!(prop(doc, "ref"), Some(format!("R-{}", r.number).into()));
        assert_eq!(prop(doc, "record-uuid"), Some(mine.to_string().into()));
    }
    let observations = result["observations"].as_array().expect("observations");
    for row in checklist::rows(conn, e.id).expect("checklist").values() {
        let expected = oscal::record_uuid(&own(Table::ChecklistItem, row.id), "");
        assert!(observations.iter().any(|o| o["uuid"] == expected.as_str()), "{}", row.catalog_ref);
    }
    // A plan of action item points at its risk's uuid, and a second export says the same.
    let poam = &a.poam["plan-of-action-and-milestones"];
    for item in poam["poam-items"].as_array().expect("items") {
        let risk = item["related-risks"][0]["risk-uuid"].as_str().expect("risk uuid");
        assert!(docs.iter().any(|d| d["uuid"] == risk), "{item}");
        assert!(prop(item, "ref").is_some_and(|r| r.as_str().is_some_and(|r| r.starts_with("R-"))), "{item}");
    }
    let rb = &b.results["assessment-results"]["results"][0];
    assert_eq!(result["uuid"], rb["uuid"]);
    assert_eq!(result["risks"], rb["risks"]);
    assert_eq!(result["observations"], rb["observations"]);
    assert_eq!(poam["poam-items"], b.poam["plan-of-action-and-milestones"]["poam-items"]);
}

#[test]
fn the_cli_writes_three_documents_side_by_side() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| assay(dir.path(), args);
    assert!(run(&["demo", "-o", "d.db"]).status.success());
    let o = run(&["--db", "d.db", "export", "1", "-f", "oscal-poam", "-o", "p.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let poam: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("p.json")).expect("read")).expect("json");
    assert!(schema_errors(&poam).is_empty(), "{:?}", schema_errors(&poam));
    let o = run(&["--db", "d.db", "export", "Payroll", "-f", "oscal"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(
        listed,
        [
            "payroll-processing-finance-catalog.json",
            "payroll-processing-finance-assessment-plan.json",
            "payroll-processing-finance-assessment-results.json"
        ]
    );
    for f in &listed {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(f)).expect("read")).expect("json");
        assert!(schema_errors(&v).is_empty(), "{f}: {:?}", schema_errors(&v));
    }
}

/// An evidence file is an observation whose relevant evidence points at a back-matter resource naming the file with
/// its media type and SHA-256, under uuids derived from the file's own record; the document still validates.
#[test]
fn evidence_files_are_relevant_evidence_with_their_hashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| assay(dir.path(), args);
    assert!(run(&["demo", "-o", "d.db"]).status.success());
    std::fs::write(dir.path().join("register.jpg"), b"the visitor register, photographed").expect("file");
    let o = run(&["--db", "d.db", "evidence", "add", "1", "register.jpg", "--to", "R-2", "--caption", "Visitor log"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sha: String =
        Sha256::digest(b"the visitor register, photographed").iter().map(|b| format!("{b:02x}")).collect();
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(f)).expect("read")).expect("json")
    };
    let mut seen = Vec::new();
    for round in 0..2 {
        let o = run(&["--db", "d.db", "export", "1", "-f", "oscal", "-o", &format!("r{round}.json")]);
        assert!(o.status.success(), "{}", stderr(&o));
        let doc = read(&format!("r{round}.json"));
        assert!(schema_errors(&doc).is_empty(), "{:?}", schema_errors(&doc));
        let results = &doc["assessment-results"];
        let obs = results["results"][0]["observations"]
            .as_array()
            .expect("observations")
            .iter()
            .find(|o| o["title"] == "Evidence: register.jpg (F-1)")
            .expect("the evidence observation")
            .clone();
        let d = obs["description"].as_str().expect("description");
        assert!(d.starts_with("Visitor log, about risk “") && d.ends_with("(R-2)."), "{obs}");
        let href = obs["relevant-evidence"][0]["href"].as_str().expect("href").trim_start_matches('#').to_string();
        let resource = results["back-matter"]["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["uuid"] == href.as_str())
            .expect("the resource it points at")
            .clone();
        assert_eq!(resource["rlinks"][0]["hashes"][0]["algorithm"], "SHA-256");
        assert_eq!(resource["rlinks"][0]["hashes"][0]["value"], sha.as_str());
        assert_eq!(resource["rlinks"][0]["media-type"], "image/jpeg");
        seen.push((obs["uuid"].clone(), href));
    }
    assert_eq!(seen[0], seen[1], "the same file has the same uuids in every export");
}

/// compliance-trestle, the reference OSCAL tooling, reads the three documents. It is installed into a virtual
/// environment made for the test; without Python or the package index, the test says loudly that it skipped.
#[test]
fn compliance_trestle_reads_the_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = demo_store_as("Ana Assessor");
    // With an evidence file, so that its resource and relevant evidence are read too.
    let file = dir.path().join("badge-log.pdf");
    std::fs::write(&file, b"%PDF-1.4 badge log").expect("file");
    let mut src = assay::store::evidence::open_source(&file, 1 << 20).expect("source");
    let to = assay::store::evidence::Attach { engagement: 2, target: None, caption: Some("Badge log") };
    assay::store::evidence::add_files(&mut store, std::slice::from_mut(&mut src), to, &mut |_, _, _| {})
        .expect("evidence");
    let docs = documents(&store, 2);
    assert!(docs.results.to_string().contains("\"relevant-evidence\""));
    for (name, doc) in [("ar.json", &docs.results), ("ap.json", &docs.plan), ("cat.json", &docs.catalog)] {
        std::fs::write(dir.path().join(name), serde_json::to_string_pretty(doc).expect("json")).expect("write");
    }
    let skip = |why: &str| eprintln!("\n*** SKIPPED compliance_trestle_reads_the_export: {why} ***\n");
    let venv = dir.path().join("venv");
    let made = std::process::Command::new("python3").args(["-m", "venv"]).arg(&venv).output();
    if !made.is_ok_and(|o| o.status.success()) {
        return skip("no python3 with venv");
    }
    let py = venv.join("bin").join("python");
    let pip =
        std::process::Command::new(&py).args(["-m", "pip", "install", "--quiet", "compliance-trestle==5.2.0"]).output();
    match pip {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return skip(&format!("pip could not install compliance-trestle: {}", stderr(&o)));
        }
        Err(e) => return skip(&format!("pip did not run: {e}")),
    }
    let script = "import sys, pathlib\n\
        from trestle.oscal.assessment_results import AssessmentResults\n\
        from trestle.oscal.assessment_plan import AssessmentPlan\n\
        from trestle.oscal.catalog import Catalog\n\
        d = pathlib.Path(sys.argv[1])\n\
        ar = AssessmentResults.oscal_read(d / 'ar.json')\n\
        ap = AssessmentPlan.oscal_read(d / 'ap.json')\n\
        cat = Catalog.oscal_read(d / 'cat.json')\n\
        print(len(ar.results[0].risks), len(ar.results[0].observations), len(cat.groups))\n";
    let o = std::process::Command::new(&py).arg("-c").arg(script).arg(dir.path()).output().expect("run python");
    assert!(o.status.success(), "trestle refused the export:\n{}", stderr(&o));
    let counts = stdout(&o);
    assert!(counts.starts_with("14 "), "{counts}");
}

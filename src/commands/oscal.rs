//! `assay export ENGAGEMENT --format oscal`: the engagement as OSCAL (the Open Security Controls Assessment
//! Language of NIST), so that a GRC platform can read the results without retyping. Three documents are written
//! side by side: the assessment results, the assessment plan they import (`import-ap`), and a catalog of the
//! obligations the engagement used (linked from both as a back-matter resource).
//!
//! The documents follow OSCAL [`OSCAL_VERSION`], the version that compliance-trestle's current release models.
//! Every record's uuid is a version 5 uuid derived in [`record_uuid`] from the record's own UUID, so that exporting
//! twice, on any machine, names the same things the same way; each document's own uuid is a fresh version 4. Each
//! numbered record carries its short reference (`ref`, "R-12") and its UUID (`record-uuid`) as properties.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, eyre};
use serde_json::{Value as Json, json};
use uuid::Uuid;

use super::report::resolve;
use crate::catalog::{Item, Source, catalog, sources};
use crate::domain::Engagement;
use crate::domain::risk::TreatmentStatus;
use crate::domain::workflow::CheckStatus;
use crate::report::slug;
use crate::store::{Store, Table, checklist, ids, providers, risks, vetting};

/// The OSCAL version the documents declare.
pub const OSCAL_VERSION: &str = "1.2.1";

/// The namespace of assay's own properties and facets.
pub const NS: &str = "urn:assay:oscal";

/// The namespace all of assay's version 5 uuids are derived in (a fixed, random uuid).
const UUID_NAMESPACE: Uuid = Uuid::from_u128(0x6f0c_2d5e_8a41_4b7e_9d3f_1c25_a7e0_b914);

/// The OSCAL uuid of a record, or of one of the parts OSCAL splits a record into (`part`: "" for the record
/// itself, "treatment", "acceptance", …): a version 5 uuid derived from the record's own UUID, so the same record
/// has the same OSCAL uuid in every export from every copy of the workspace. The record's UUID is not used as it
/// is: OSCAL accepts only versions 4 and 5, and most records' UUIDs are version 7. What is not a record (the
/// assessor, the catalog and its sources) is derived from the engagement's UUID and its name.
pub fn record_uuid(record: &Uuid, part: &str) -> String {
    let mut name = Vec::with_capacity(16 + 1 + part.len());
    name.extend_from_slice(record.as_bytes());
    if !part.is_empty() {
        name.push(b'/');
        name.extend_from_slice(part.as_bytes());
    }
    Uuid::new_v5(&UUID_NAMESPACE, &name).to_string()
}

/// The UUIDs of an engagement's rows of `table`, by row id; a row somehow without one falls back to a uuid derived
/// from the engagement's and the row's place, so that the export never gives two records the same uuid.
fn uuids(conn: &rusqlite::Connection, table: Table, engagement: (i64, Uuid)) -> Result<impl Fn(i64) -> Uuid> {
    let found = ids::idents(conn, table, engagement.0)?;
    let scope = engagement.1;
    Ok(move |id: i64| match found.get(&id) {
        Some(i) if !i.uuid.is_nil() => i.uuid,
        _ => ids::natural(table, &[scope], &id.to_string()),
    })
}

/// A fresh uuid for a document itself.
fn document_uuid() -> String {
    Uuid::new_v4().to_string()
}

/// A date or a date and time as OSCAL's date-time with a time zone (a bare date is taken as midnight UTC).
pub fn date_time(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
        return Some(t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Text fit for an OSCAL string (no leading or trailing space, never empty), or nothing.
fn text(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

/// A property of assay's namespace; none when the value is blank.
fn prop(name: &str, value: &str) -> Option<Json> {
    text(value).map(|v| json!({ "name": name, "ns": NS, "value": v }))
}

fn props(list: Vec<Option<Json>>) -> Json {
    Json::Array(list.into_iter().flatten().collect())
}

/// Drops every empty `props` list: OSCAL wants a list it is given to hold at least one item.
fn prune(v: &mut Json) {
    match v {
        Json::Object(o) => {
            o.retain(|k, v| k != "props" || v.as_array().is_some_and(|a| !a.is_empty()));
            o.values_mut().for_each(prune);
        }
        Json::Array(a) => a.iter_mut().for_each(prune),
        _ => {}
    }
}

/// The three documents of one engagement's export.
#[derive(Debug, Clone)]
pub struct Documents {
    pub results: Json,
    pub plan: Json,
    pub catalog: Json,
    /// The plan of action and milestones: one item per risk whose treatment is decided but not done.
    pub poam: Json,
}

/// The file names the documents are written under, next to each other: the results' path given, the plan's and
/// the catalog's derived from it.
pub fn companion_paths(results: &Path) -> (PathBuf, PathBuf) {
    let stem = results.file_stem().and_then(|s| s.to_str()).unwrap_or("assessment-results");
    let base = stem.strip_suffix("-assessment-results").unwrap_or(stem);
    let dir = results.parent().map(Path::to_path_buf).unwrap_or_default();
    (dir.join(format!("{base}-assessment-plan.json")), dir.join(format!("{base}-catalog.json")))
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn metadata(title: &str, now: &str, assessor_uuid: &str, assessor: &str, extra: Option<Json>) -> Json {
    let mut m = json!({
        "title": title,
        "last-modified": now,
        "version": env!("CARGO_PKG_VERSION"),
        "oscal-version": OSCAL_VERSION,
        "roles": [{ "id": "assessor", "title": "Assessor" }],
        "parties": [{ "uuid": assessor_uuid, "type": "person", "name": assessor }],
        "responsible-parties": [{ "role-id": "assessor", "party-uuids": [assessor_uuid] }],
    });
    if let (Some(obj), Some(Json::Object(more))) = (m.as_object_mut(), extra) {
        obj.extend(more);
    }
    m
}

/// The catalog item ids an engagement used: its checklist and its risks' sources, in catalog order.
fn used_items(rows: &[checklist::ChecklistRow], risks: &[crate::domain::Risk]) -> Vec<&'static Item> {
    let refs: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.catalog_ref.as_str())
        .chain(risks.iter().filter_map(|r| r.catalog_ref.as_deref()))
        .collect();
    catalog().items.iter().filter(|i| refs.contains(i.id.as_str())).collect()
}

fn control(item: &Item) -> Json {
    let mut list = vec![
        Some(json!({ "name": "label", "value": item.id })),
        prop("citation", &item.citation()),
        prop("phase", item.phase.into()),
        prop("party", item.party.into()),
        prop("topic", &item.topic),
    ];
    list.extend(item.annex_a.iter().map(|a| prop("iso-27001-2022-annex-a", a)));
    json!({
        "id": item.id,
        "title": text(&item.title).unwrap_or_else(|| item.id.clone()),
        "props": props(list),
        "parts": [{ "id": format!("{}_smt", item.id), "name": "statement", "prose": item.text }],
    })
}

/// Builds the three documents of an engagement. `now` is the export's time (RFC 3339); the documents' own
/// uuids are fresh each time, every record's is derived.
pub fn build(store: &Store, e: &Engagement, now: &str, names: (&str, &str)) -> Result<Documents> {
    let conn = store.conn();
    let now = date_time(now).ok_or_else(|| eyre!("the clock gave an unreadable time: {now}"))?;
    let (plan_file, catalog_file) = names;
    let assessor = text(store.assessor()).unwrap_or_else(|| "Assessor".into());
    let engagement_uuid =
        Uuid::parse_str(&e.uuid).unwrap_or_else(|_| ids::natural(Table::Engagement, &[], &e.id.to_string()));
    let scope = (e.id, engagement_uuid);
    let assessor_uuid = record_uuid(&engagement_uuid, &format!("assessor/{assessor}"));
    let rows: Vec<checklist::ChecklistRow> = {
        let mut v: Vec<_> = checklist::rows(conn, e.id)?.into_values().collect();
        v.sort_by(|a, b| a.catalog_ref.cmp(&b.catalog_ref));
        v
    };
    let risk_list = risks::list(conn, e.id)?;
    let items = used_items(&rows, &risk_list);
    let known: BTreeSet<&str> = items.iter().map(|i| i.id.as_str()).collect();

    // The catalog of the obligations used, grouped by the document they come from; each group links to the
    // document (its title, publisher and year), and the publishers are parties of the catalog.
    let source_uuid = |src: Source| record_uuid(&engagement_uuid, &format!("source/{}", sources::document(src).source));
    let groups: Vec<Json> = [(Source::Policy, "policy", "Policy"), (Source::Guideline, "guideline", "Guideline")]
        .into_iter()
        .filter_map(|(src, id, title)| {
            let controls: Vec<Json> = items.iter().filter(|i| i.source == src).map(|i| control(i)).collect();
            (!controls.is_empty()).then(|| {
                json!({
                    "id": id,
                    "title": title,
                    "links": [{ "href": format!("#{}", source_uuid(src)), "rel": "reference" }],
                    "controls": controls,
                })
            })
        })
        .collect();
    let documents = [Source::Policy, Source::Guideline].map(sources::document);
    let publisher_uuid = |d: &sources::Document| record_uuid(&engagement_uuid, &format!("publisher/{}", d.publisher));
    let source_resources: Vec<Json> = [Source::Policy, Source::Guideline]
        .into_iter()
        .map(|src| {
            let d = sources::document(src);
            json!({
                "uuid": source_uuid(src),
                "title": d.title,
                "citation": { "text": format!("{}, {}, {} ({})", d.title, d.publisher, d.year, d.obtain) },
                "remarks": format!("Its terms: {}. assay's paraphrases of it: {}.", d.rights, d.catalog_licence),
            })
        })
        .collect();
    let catalog_uuid = record_uuid(&engagement_uuid, "catalog/obligations");
    let mut catalog_doc = json!({
        "uuid": document_uuid(),
        "metadata": metadata(
            &format!("Obligations assessed in {}", e.name),
            &now,
            &assessor_uuid,
            &assessor,
            Some(json!({
                "roles": [
                    { "id": "assessor", "title": "Assessor" },
                    { "id": "source-publisher", "title": "Publisher of a document the obligations restate" },
                ],
                "parties": [
                    { "uuid": assessor_uuid, "type": "person", "name": assessor },
                    { "uuid": publisher_uuid(documents[0]), "type": "organization", "name": documents[0].publisher },
                    { "uuid": publisher_uuid(documents[1]), "type": "organization", "name": documents[1].publisher },
                ],
                "responsible-parties": [
                    { "role-id": "assessor", "party-uuids": [assessor_uuid] },
                    {
                        "role-id": "source-publisher",
                        "party-uuids": [publisher_uuid(documents[0]), publisher_uuid(documents[1])],
                    },
                ],
                "remarks": "The obligations are assay's own paraphrases of the outsourcing policy and guideline \
                    it cites (the back matter names each document, its publisher and its terms); each control \
                    carries its citation and its ISO/IEC 27001:2022 Annex A mapping. The documents themselves are \
                    authoritative.",
            })),
        ),
        "back-matter": { "resources": source_resources },
    });
    if !groups.is_empty()
        && let Some(o) = catalog_doc.as_object_mut()
    {
        o.insert("groups".into(), Json::Array(groups));
    }

    let selection = if known.is_empty() {
        json!([{ "include-all": {} }])
    } else {
        json!([{ "include-controls": known.iter().map(|id| json!({ "control-id": id })).collect::<Vec<_>>() }])
    };
    let reviewed = json!({
        "description": "The obligations of assay's catalog that the engagement's checklist and risks use.",
        "control-selections": selection,
    });
    let catalog_resource = json!({
        "uuid": catalog_uuid,
        "title": "Catalog of the obligations assessed",
        "rlinks": [{ "href": catalog_file, "media-type": "application/oscal.catalog+json" }],
    });
    let description = [&e.service, &e.scope, &e.objective]
        .iter()
        .filter_map(|o| o.as_deref().and_then(text))
        .collect::<Vec<_>>()
        .join("\n\n");
    let description = if description.is_empty() { format!("Assessment of {}", e.name) } else { description };

    let plan = json!({ "assessment-plan": {
        "uuid": document_uuid(),
        "metadata": metadata(&format!("Assessment plan: {}", e.name), &now, &assessor_uuid, &assessor, None),
        "import-ssp": {
            "href": "#",
            "remarks": "assay keeps no system security plan: the service assessed is described in the plan's terms.",
        },
        "terms-and-conditions": { "parts": [{ "name": "scope", "title": "Scope", "prose": description }] },
        "reviewed-controls": reviewed.clone(),
        "back-matter": { "resources": [catalog_resource.clone()] },
    }});

    // Observations: each recorded checklist state, and each vetting check.
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    let checklist_uuid = uuids(conn, Table::ChecklistItem, scope)?;
    for r in &rows {
        let uuid = checklist_uuid(r.id);
        let obs_uuid = record_uuid(&uuid, "");
        let status: &str = r.status.as_ref();
        let collected = r.done_at.as_deref().and_then(date_time).unwrap_or_else(|| now.clone());
        observations.push(json!({
            "uuid": obs_uuid,
            "title": format!("Checklist: {}", r.catalog_ref),
            "description": r.note.as_deref().and_then(text).unwrap_or_else(|| format!("Checklist item {} is {status}.", r.catalog_ref)),
            "props": props(vec![prop("checklist-status", status), prop("obligation", &r.catalog_ref),
                r.done_by.as_deref().and_then(|b| prop("done-by", b)), prop("record-uuid", &uuid.to_string())]),
            "methods": ["EXAMINE"],
            "collected": collected,
        }));
        if known.contains(r.catalog_ref.as_str()) {
            let state = if r.status == CheckStatus::Done { "satisfied" } else { "not-satisfied" };
            let mut status_obj = json!({ "state": state });
            if r.status == CheckStatus::NotApplicable
                && let Some(o) = status_obj.as_object_mut()
            {
                o.insert("reason".into(), json!("not-applicable"));
            }
            findings.push(json!({
                "uuid": record_uuid(&uuid, "finding"),
                "title": format!("{} ({status})", r.catalog_ref),
                "description": format!("The checklist records {} as {status}.", r.catalog_ref),
                "target": { "type": "objective-id", "target-id": r.catalog_ref, "status": status_obj },
                "related-observations": [{ "observation-uuid": obs_uuid }],
            }));
        }
    }
    let members = vetting::engagement_members(conn, e.id)?;
    let providers = providers::list(conn, e.id)?;
    let mut checks = vetting::engagement_checks(conn, e.id)?;
    checks.sort_by_key(|c| c.id);
    let check_uuid = uuids(conn, Table::VettingCheck, scope)?;
    for c in checks {
        let uuid = check_uuid(c.id);
        let who = members.iter().find(|m| m.id == c.member_id);
        let name = who.map_or_else(|| format!("member {}", c.member_id), |m| m.name.clone());
        let provider = who
            .and_then(|m| providers.iter().find(|p| p.id == m.provider_id))
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let (kind_key, status): (&str, &str) = (c.kind.map(<&str>::from).unwrap_or_default(), c.status.into());
        let kind = kind_key.replace('_', " ");
        let member_ref = who.map(|m| crate::store::refs::label(Table::TeamMember, m.number)).unwrap_or_default();
        observations.push(json!({
            "uuid": record_uuid(&uuid, ""),
            "title": format!("Vetting: {kind} of {name}"),
            "description": format!("The {kind} check of {name} ({provider}) is {}.", status.replace('_', " ")),
            "props": props(vec![prop("vetting-check", kind_key), prop("vetting-status", status),
                prop("team-member", &name), prop("team-member-ref", &member_ref), prop("provider", &provider),
                c.verifier.as_deref().and_then(|v| prop("verifier", v)), prop("record-uuid", &uuid.to_string())]),
            "methods": ["EXAMINE"],
            "types": ["finding"],
            "collected": c.checked_on.as_deref().and_then(date_time).unwrap_or_else(|| now.clone()),
        }));
    }

    // Evidence files: each a back-matter resource naming the file with its SHA-256 (the file itself stays in the
    // workspace: `assay evidence export` writes it under the same name), and an observation pointing at it.
    let mut evidence_resources = Vec::new();
    for f in crate::store::evidence::list(conn, Some(e.id))? {
        let Ok(uuid) = Uuid::parse_str(&f.uuid) else { continue };
        let resource_uuid = record_uuid(&uuid, "resource");
        let about = f.target.as_ref().map(|t| match &t.reference {
            Some(r) => format!("{} ({r})", t.label),
            None => t.label.clone(),
        });
        let described = f.caption.as_deref().and_then(text).unwrap_or_else(|| f.name.clone());
        evidence_resources.push(json!({
            "uuid": resource_uuid,
            "title": format!("{} ({})", f.name, f.reference),
            "description": described,
            "props": props(vec![prop("ref", &f.reference), prop("record-uuid", &f.uuid),
                about.as_deref().and_then(|a| prop("attached-to", a)),
                f.added_by.as_deref().and_then(|b| prop("added-by", b))]),
            "rlinks": [{
                "href": f.name,
                "media-type": f.media_type,
                "hashes": [{ "algorithm": "SHA-256", "value": f.sha256 }],
            }],
        }));
        observations.push(json!({
            "uuid": record_uuid(&uuid, ""),
            "title": format!("Evidence: {} ({})", f.name, f.reference),
            "description": match &about {
                Some(a) => format!("{described}, about {a}."),
                None => format!("{described}."),
            },
            "props": props(vec![prop("ref", &f.reference), prop("record-uuid", &f.uuid),
                prop("size-bytes", &f.size.to_string())]),
            "methods": ["EXAMINE"],
            "types": ["historic"],
            "relevant-evidence": [{
                "href": format!("#{resource_uuid}"),
                "description": format!("{} (SHA-256 {})", f.name, f.sha256),
            }],
            "collected": date_time(&f.added_at).unwrap_or_else(|| now.clone()),
        }));
    }

    // Risks, with their rating, treatment and acceptance.
    let mut risk_docs = Vec::new();
    let mut open_risks = Vec::new();
    let mut poam_items = Vec::new();
    let risk_uuid = uuids(conn, Table::Risk, scope)?;
    for r in &risk_list {
        let uuid = risk_uuid(r.id);
        let reference = crate::store::refs::label(Table::Risk, r.number);
        let rating = r.inherent();
        let facts = r.facts();
        let accepted = r.accepted_by.as_deref().and_then(text);
        let status = match (r.status, &accepted) {
            (TreatmentStatus::Done, _) => "closed",
            (_, Some(_)) => "deviation-approved",
            (TreatmentStatus::InProgress, None) => "remediating",
            (TreatmentStatus::Open, None) => "open",
        };
        let mut facets = vec![
            json!({ "name": "likelihood", "system": NS, "value": rating.likelihood.to_string() }),
            json!({ "name": "impact", "system": NS, "value": rating.impact().to_string() }),
            json!({ "name": "impact-confidentiality", "system": NS, "value": rating.c.to_string() }),
            json!({ "name": "impact-integrity", "system": NS, "value": rating.i.to_string() }),
            json!({ "name": "impact-availability", "system": NS, "value": rating.a.to_string() }),
            json!({ "name": "risk-band", "system": NS, "value": rating.band().as_ref() }),
        ];
        if let Some(res) = r.residual() {
            facets.push(json!({ "name": "residual-likelihood", "system": NS, "value": res.likelihood.to_string() }));
            facets.push(json!({ "name": "residual-impact", "system": NS, "value": res.impact().to_string() }));
        }
        facets.push(json!({ "name": "residual-band", "system": NS, "value": facts.residual_band().as_ref() }));
        let mut risk = json!({
            "uuid": record_uuid(&uuid, ""),
            "title": text(&r.title).unwrap_or_else(|| format!("Risk {reference}")),
            "description": r.description.as_deref().and_then(text).unwrap_or_else(|| r.title.clone()),
            "statement": r.description.as_deref().and_then(text).unwrap_or_else(|| r.title.clone()),
            "props": props(vec![prop("ref", &reference), prop("record-uuid", &uuid.to_string()),
                r.catalog_ref.as_deref().and_then(|c| prop("obligation", c)),
                r.owner.as_deref().and_then(|o| prop("owner", o)),
                r.due_date.as_deref().and_then(|d| prop("due-date", d))]),
            "status": status,
            "characterizations": [{
                "origin": { "actors": [{ "type": "party", "actor-uuid": assessor_uuid }] },
                "facets": facets,
            }],
        });
        let Some(obj) = risk.as_object_mut() else { continue };
        if let Some(t) = r.treatment {
            let lifecycle = if r.status == TreatmentStatus::Done { "completed" } else { "planned" };
            let treatment: &str = t.into();
            obj.insert(
                "remediations".into(),
                json!([{
                    "uuid": record_uuid(&uuid, "treatment"),
                    "lifecycle": lifecycle,
                    "title": format!("Treatment: {treatment}"),
                    "description": r.plan.as_deref().and_then(text).unwrap_or_else(|| format!("The risk is to be {treatment}ed.")),
                    "props": props(vec![prop("treatment", treatment), prop("treatment-status", r.status.into())]),
                }]),
            );
        }
        if let Some(by) = &accepted {
            let start = r.accepted_at.as_deref().and_then(date_time).unwrap_or_else(|| now.clone());
            let mut entry = json!({
                "uuid": record_uuid(&uuid, "acceptance"),
                "title": "Risk accepted",
                "description": match r.review_date.as_deref().and_then(text) {
                    Some(d) => format!("Accepted by {by}; to be reviewed by {d}."),
                    None => format!("Accepted by {by}."),
                },
                "start": start,
                "status-change": "deviation-approved",
            });
            if let (Some(o), Some(end)) = (entry.as_object_mut(), r.review_date.as_deref().and_then(date_time)) {
                o.insert("end".into(), json!(end));
            }
            obj.insert("risk-log".into(), json!({ "entries": [entry] }));
        }
        if r.treatment.is_some() && r.status != TreatmentStatus::Done {
            let item = json!({
                "uuid": record_uuid(&uuid, "poam-item"),
                "title": text(&r.title).unwrap_or_else(|| format!("Risk {reference}")),
                "description": r.plan.as_deref().and_then(text).unwrap_or_else(|| r.title.clone()),
                "props": props(vec![prop("ref", &reference), r.owner.as_deref().and_then(|o| prop("owner", o)),
                    r.due_date.as_deref().and_then(|d| prop("due-date", d)),
                    prop("treatment-status", r.status.into())]),
                "related-risks": [{ "risk-uuid": record_uuid(&uuid, "") }],
            });
            poam_items.push(item);
            open_risks.push(risk.clone());
        }
        risk_docs.push(risk);
    }

    let start = e.start_date.as_deref().and_then(date_time).unwrap_or_else(|| now.clone());
    let engagement_ref = crate::store::refs::label(Table::Engagement, e.number);
    let mut result = json!({
        "uuid": record_uuid(&engagement_uuid, ""),
        "title": text(&e.name).unwrap_or_else(|| format!("Engagement {engagement_ref}")),
        "description": description,
        "start": start,
        "props": props(vec![prop("ref", &engagement_ref),
            prop("record-uuid", &engagement_uuid.to_string()),
            prop("phase", e.phase.as_ref()), prop("engagement-status", &e.status),
            e.business_owner.as_deref().and_then(|o| prop("business-owner", o))]),
        "reviewed-controls": reviewed,
    });
    if let Some(o) = result.as_object_mut() {
        if let Some(end) = e.planned_end.as_deref().and_then(date_time).filter(|end| *end >= start)
            && e.status == "closed"
        {
            o.insert("end".into(), json!(end));
        }
        for (key, list) in [("observations", observations), ("risks", risk_docs), ("findings", findings)] {
            if !list.is_empty() {
                o.insert(key.into(), Json::Array(list));
            }
        }
    }
    let results = json!({ "assessment-results": {
        "uuid": document_uuid(),
        "metadata": metadata(&format!("Assessment results: {}", e.name), &now, &assessor_uuid, &assessor, None),
        "import-ap": { "href": plan_file },
        "results": [result],
        "back-matter": { "resources": std::iter::once(catalog_resource).chain(evidence_resources).collect::<Vec<_>>() },
    }});
    let mut poam = json!({
        "uuid": document_uuid(),
        "metadata": metadata(&format!("Plan of action and milestones: {}", e.name), &now, &assessor_uuid, &assessor, None),
        "poam-items": poam_items,
    });
    if !open_risks.is_empty()
        && let Some(o) = poam.as_object_mut()
    {
        o.insert("risks".into(), Json::Array(open_risks));
    }
    let mut docs = Documents {
        results,
        plan,
        catalog: json!({ "catalog": catalog_doc }),
        poam: json!({ "plan-of-action-and-milestones": poam }),
    };
    for d in [&mut docs.results, &mut docs.plan, &mut docs.catalog, &mut docs.poam] {
        prune(d);
    }
    Ok(docs)
}

fn pretty(v: &Json) -> Result<String> {
    let t = serde_json::to_string_pretty(v).map_err(|e| eyre!("cannot write JSON: {e}"))?;
    let mut s = crate::visible::json(&t).into_owned();
    s.push('\n');
    Ok(s)
}

/// `assay export ENGAGEMENT --format oscal-poam [--out FILE]`: writes the plan of action and milestones of the
/// open treatments and prints its path.
pub fn export_poam(store: &Store, spec: Option<&str>, out: Option<&Path>) -> Result<()> {
    let Some(spec) = spec else {
        return Err(super::stop(
            super::Outcome::Usage,
            format!("name the engagement to export as OSCAL: {}", super::ENGAGEMENT_ARG),
        ));
    };
    let e = resolve(store.conn(), spec)?;
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("{}-poam.json", slug(&e.name))));
    let docs = build(store, &e, &store.now(), ("", ""))?;
    let n = docs.poam["plan-of-action-and-milestones"]["poam-items"].as_array().map_or(0, Vec::len);
    if n == 0 {
        return Err(super::stop(
            super::Outcome::NothingFound,
            format!("{} has no open treatment: no plan of action and milestones to write", super::engagement_named(&e)),
        ));
    }
    crate::private_fs::write(&path, pretty(&docs.poam)?.as_bytes()).map_err(|err| eyre!(err))?;
    outln!("{}", path.display());
    errln!(
        "wrote the OSCAL {OSCAL_VERSION} plan of action and milestones of {}: {n} open treatment{}",
        super::engagement_named(&e),
        crate::domain::plural(n)
    );
    Ok(())
}

/// `assay export ENGAGEMENT --format oscal [--out FILE]`: writes the three documents and prints their paths.
pub fn export(store: &Store, spec: Option<&str>, out: Option<&Path>) -> Result<()> {
    let Some(spec) = spec else {
        return Err(super::stop(
            super::Outcome::Usage,
            format!("name the engagement to export as OSCAL: {}", super::ENGAGEMENT_ARG),
        ));
    };
    let e = resolve(store.conn(), spec)?;
    let results_path = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("{}-assessment-results.json", slug(&e.name))));
    let (plan_path, catalog_path) = companion_paths(&results_path);
    let docs = build(store, &e, &store.now(), (&file_name(&plan_path), &file_name(&catalog_path)))?;
    for (path, doc) in [(&catalog_path, &docs.catalog), (&plan_path, &docs.plan), (&results_path, &docs.results)] {
        crate::private_fs::write(path, pretty(doc)?.as_bytes()).map_err(|err| eyre!(err))?;
        outln!("{}", path.display());
    }
    errln!(
        "wrote the OSCAL {OSCAL_VERSION} assessment results of {}, with their assessment plan and catalog",
        super::engagement_named(&e)
    );
    Ok(())
}

//! `assay demo`: a realistic sample workspace, from the same code the benchmarks use.

use std::path::PathBuf;

use chrono::{Duration, NaiveDate};
use color_eyre::eyre::{Result, eyre};

use crate::catalog::{self, Use};
use crate::cli::DemoSize;
use crate::domain::Value;
use crate::store::{Store, Table, Writer, settings};

/// How much a demo workspace holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub engagements: usize,
    pub providers_per_engagement: usize,
    pub risks_per_engagement: usize,
    pub members_per_provider: usize,
    pub assets_per_engagement: usize,
    pub grants_per_engagement: usize,
    pub notes_per_engagement: usize,
}

impl Shape {
    pub fn of(size: DemoSize) -> Shape {
        match size {
            DemoSize::Small => Shape {
                engagements: 3,
                providers_per_engagement: 4,
                risks_per_engagement: 14,
                members_per_provider: 5,
                assets_per_engagement: 24,
                grants_per_engagement: 8,
                notes_per_engagement: 4,
            },
            DemoSize::Large => Shape {
                engagements: 50,
                providers_per_engagement: 10,
                risks_per_engagement: 100,
                members_per_provider: 20,
                assets_per_engagement: 1000,
                grants_per_engagement: 100,
                notes_per_engagement: 10,
            },
            // 500 engagements: 5,000 providers, 50,000 risks, 100,000 team members, 500,000 assets.
            DemoSize::Huge => Shape { engagements: 500, ..Shape::of(DemoSize::Large) },
        }
    }
}

fn run_path(size: DemoSize, out: Option<PathBuf>) -> PathBuf {
    out.unwrap_or_else(|| {
        PathBuf::from(match size {
            DemoSize::Small => "assay-demo-small.db",
            DemoSize::Large => "assay-demo-large.db",
            DemoSize::Huge => "assay-demo-huge.db",
        })
    })
}

pub fn run(size: DemoSize, out: Option<PathBuf>, force: bool, assessor: &str) -> Result<()> {
    let path = run_path(size, out);
    let mut _lock = None;
    if std::fs::symlink_metadata(&path).is_ok() {
        if !force {
            return Err(eyre!("{} exists; pass --force to replace it", path.display()));
        }
        let meta = std::fs::metadata(&path).map_err(|e| eyre!("cannot replace {}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(eyre!("{} is not a regular file; --force replaces only a workspace", path.display()));
        }
        if meta.len() > 0 && !crate::store::crypto::is_plain_sqlite(&path) {
            return Err(eyre!(
                "{} is encrypted (or not a workspace): --force does not replace it; decrypt it with its passphrase \
                 or remove it yourself — nothing was changed",
                path.display()
            ));
        }
        // Not from under a workbench that has it open.
        _lock = Some(crate::store::lock::acquire(&path).map_err(|e| eyre!(e))?);
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p).map_err(|e| eyre!("cannot replace {}: {e}", p.display()))?;
            }
        }
    }
    let mut store = Store::open(&path, assessor)?;
    let today = chrono::Local::now().date_naive();
    let n = generate(&mut store, Shape::of(size), today)?;
    let shown = crate::private_fs::canonical(&path).unwrap_or(path);
    outln!("{}", shown.display());
    errln!(
        "wrote {} engagements, {} providers, {} risks, {} team members, {} assets; open it with: assay --db {}",
        n.engagements,
        n.providers,
        n.risks,
        n.members,
        n.assets,
        shown.display()
    );
    Ok(())
}

/// What [`generate`] wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub engagements: usize,
    pub providers: usize,
    pub risks: usize,
    pub members: usize,
    pub assets: usize,
}

/// A small deterministic generator (SplitMix64), so every demo of a size is the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SERVICES: &[&str] = &[
    "Payroll processing",
    "Managed security operations",
    "Data-centre hosting",
    "Service desk",
    "ERP application maintenance",
    "Cloud backup and recovery",
    "Network operations",
    "Customer portal development",
    "Document digitisation",
    "HR system (SaaS)",
];
const UNITS: &[&str] =
    &["Finance", "Group IT", "Operations", "Human Resources", "Customer Service", "Legal", "Procurement"];
const OWNERS: &[&str] = &[
    "Aisha Rahman",
    "Jonas Weber",
    "Marie Dubois",
    "Tan Wei Ming",
    "Priya Nair",
    "Søren Kjær",
    "Ana Souza",
    "Kofi Mensah",
];
const VENDOR_A: &[&str] = &[
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Litware",
    "Adatum",
    "Proseware",
    "Woodgrove",
    "Lucerne",
    "Wingtip",
    "Coho",
    "Alpine",
];
const VENDOR_B: &[&str] = &["Systems", "IT Services", "Digital", "Outsourcing", "Technologies", "Data"];
const VENDOR_C: &[&str] = &["Sdn Bhd", "Ltd", "GmbH", "B.V.", "S.A.", "Pte Ltd"];
const CERT_BODIES: &[&str] = &["BSI", "SIRIM QAS", "DNV", "TÜV SÜD", "Bureau Veritas", "LRQA"];
const FIRST: &[&str] = &[
    "Nurul", "José", "Zoë", "Łukasz", "Mei", "Arjun", "Fatima", "Lars", "Chloé", "Hiroshi", "Amani", "Dmitri", "Siti",
    "Liam", "Ingrid", "Raj",
];
const LAST: &[&str] = &[
    "Aïn",
    "García",
    "Müller",
    "Nowak",
    "Lim",
    "Patel",
    "Haddad",
    "Johansson",
    "Lefèvre",
    "Sato",
    "Okafor",
    "Ivanov",
    "Abdullah",
    "Byrne",
    "Berg",
    "Kumar",
];
const ROLES: &[&str] = &[
    "Project manager",
    "System administrator",
    "Database administrator",
    "Network engineer",
    "Developer",
    "Service desk lead",
    "Security analyst",
    "Backup operator",
];
const CHECKS: &[&str] = <crate::domain::vetting::CheckKind as strum::VariantNames>::VARIANTS;
const CLASSES: &[&str] = &["Public", "Internal", "Confidential", "Restricted"];
/// What is handed over, and the kind of asset it is.
const ASSET_THINGS: &[(&str, &str)] = &[
    ("Laptop", "device"),
    ("Backup tape", "media"),
    ("Network design document", "document"),
    ("Customer extract", "data_set"),
    ("Access badge", "badge"),
    ("Server room key", "key"),
    ("VPN account", "account"),
    ("Encrypted USB drive", "media"),
    ("Hardware token", "device"),
    ("Payroll master file", "data_set"),
];
const TARGETS: &[&str] = &[
    "VPN",
    "ERP production",
    "Data centre hall B",
    "Backup console",
    "Payroll database (read)",
    "Server room",
    "Jump host",
    "Ticketing system",
    "Office level 3",
];
const CUSTOM_RISKS: &[&str] = &[
    "Provider staff reuse shared admin accounts",
    "Offshore copy of customer data without approval",
    "Backups not restored in tests",
    "Sub-contractor not bound by the NDA",
    "Patch backlog on hosted servers",
    "Key person dependency at the provider",
    "Service levels missed during peak season",
    "Logs kept too briefly to investigate incidents",
];

fn date(d: NaiveDate) -> Value {
    Value::Text(d.to_string())
}

fn days(today: NaiveDate, n: i64) -> NaiveDate {
    today + Duration::days(n)
}

/// Fills the workspace with sample engagements. One transaction: all or nothing.
pub fn generate(store: &mut Store, shape: Shape, today: NaiveDate) -> rusqlite::Result<Counts> {
    store.write(|w| {
        let mut rng = Rng(0x5EED_A55A_7001);
        let mut counts = Counts::default();
        let mut first = None;
        for e in 0..shape.engagements {
            let id = engagement(w, &mut rng, e, shape, today, &mut counts)?;
            first.get_or_insert(id);
        }
        if let Some(id) = first {
            settings::set(w, settings::CURRENT_ENGAGEMENT, &id.to_string())?;
        }
        Ok(counts)
    })
}

fn engagement(
    w: &mut Writer<'_>,
    rng: &mut Rng,
    e: usize,
    shape: Shape,
    today: NaiveDate,
    counts: &mut Counts,
) -> rusqlite::Result<i64> {
    let service = SERVICES[e % SERVICES.len()];
    let unit = UNITS[e % UNITS.len()];
    let name = if shape.engagements > SERVICES.len() {
        format!("{service} — {unit} #{}", e + 1)
    } else {
        format!("{service} — {unit}")
    };
    let phase = ["pre", "during", "during", "post"][e % 4];
    let start = days(today, -rng.range(30, 400));
    let id = w.insert(
        Table::Engagement,
        &[
            ("name", Value::text(name)),
            ("service", Value::text(format!("{service} for {unit}, including support, maintenance and reporting"))),
            (
                "scope",
                Value::text(format!(
                    "All {} systems and data of {unit}; production and disaster-recovery sites",
                    service.to_lowercase()
                )),
            ),
            (
                "objective",
                Value::text("Reduce cost and gain specialist skills while keeping information risks within appetite"),
            ),
            ("business_owner", Value::text(rng.pick(OWNERS))),
            ("phase", Value::text(phase)),
            ("start_date", date(start)),
            ("planned_end", date(days(start, rng.range(180, 1100)))),
            ("status", Value::text(if phase == "post" && rng.chance(50) { "on_hold" } else { "active" })),
        ],
    )?;
    counts.engagements += 1;

    // Criteria from the catalog, with weights; the two gates are must-haves.
    let mut criteria = Vec::new();
    for (pos, item) in catalog::catalog().with_use(Use::Criterion).enumerate() {
        let must = matches!(item.id.as_str(), "G-5.4.1-1" | "G-5.4.1-2");
        let cid = w.insert(
            Table::Criterion,
            &[
                ("engagement_id", Value::Int(id)),
                ("catalog_ref", Value::text(&item.id)),
                ("text", Value::text(&item.title)),
                ("weight", Value::Int(rng.range(1, 5))),
                ("must_have", Value::from(must)),
                ("position", Value::Int(pos as i64)),
            ],
        )?;
        criteria.push(cid);
    }

    let mut members = Vec::new();
    for p in 0..shape.providers_per_engagement {
        let pname = format!("{} {} {}", rng.pick(VENDOR_A), rng.pick(VENDOR_B), rng.pick(VENDOR_C));
        let status = match (phase, p) {
            ("pre", 0 | 1) => "shortlisted",
            ("pre", _) => "candidate",
            (_, 0) => "selected",
            _ => "rejected",
        };
        let pid = w.insert(
            Table::Provider,
            &[
                ("engagement_id", Value::Int(id)),
                ("name", Value::text(pname)),
                ("status", Value::text(status)),
                ("cert_body", Value::text(rng.pick(CERT_BODIES))),
                ("cert_number", Value::text(format!("ISMS {:05}", rng.range(1000, 99999)))),
                ("cert_expiry", date(days(today, rng.range(-60, 900)))),
                (
                    "cert_scope",
                    Value::text(format!(
                        "Provision of {} services from the main delivery centre",
                        service.to_lowercase()
                    )),
                ),
                ("scope_covers_service", Value::from(rng.chance(80))),
                ("agrees_policies", Value::from(rng.chance(85))),
                ("agrees_audit", Value::from(rng.chance(80))),
                ("focal_point", Value::text(format!("{} {}", rng.pick(FIRST), rng.pick(LAST)))),
            ],
        )?;
        counts.providers += 1;
        for &cid in &criteria {
            w.insert(
                Table::Score,
                &[
                    ("provider_id", Value::Int(pid)),
                    ("criterion_id", Value::Int(cid)),
                    ("score", Value::Int(rng.range(0, 5))),
                ],
            )?;
        }
        let mut previous: Option<i64> = None;
        for m in 0..shape.members_per_provider {
            let joined = days(start, rng.range(0, 60));
            let left = rng.chance(6).then(|| days(joined, rng.range(30, 300)));
            let mid = w.insert(
                Table::TeamMember,
                &[
                    ("provider_id", Value::Int(pid)),
                    ("name", Value::text(format!("{} {}", rng.pick(FIRST), rng.pick(LAST)))),
                    ("role", Value::text(ROLES[m % ROLES.len()])),
                    ("backup_for", Value::from(previous.filter(|_| m % 2 == 1))),
                    ("joined", date(joined)),
                    ("left_on", Value::from(left.map(|d| d.to_string()))),
                ],
            )?;
            counts.members += 1;
            previous = Some(mid);
            members.push(mid);
            for kind in CHECKS {
                let roll = rng.below(100);
                let (status, note) = match roll {
                    0..=59 => ("passed", None),
                    60..=84 => ("pending", None),
                    85..=87 => ("failed", Some("Discrepancy found; provider asked to replace the member")),
                    88..=94 => ("waived", Some("Equivalent check done by the provider's own screening; evidence seen")),
                    _ if matches!(*kind, "criminal_record" | "credit") => {
                        ("not_permitted", Some("Not permitted under local law"))
                    }
                    _ => ("passed", None),
                };
                let done = status != "pending";
                w.insert(
                    Table::VettingCheck,
                    &[
                        ("member_id", Value::Int(mid)),
                        ("kind", Value::text(*kind)),
                        ("status", Value::text(status)),
                        ("checked_on", Value::from(done.then(|| days(joined, -rng.range(1, 20)).to_string()))),
                        ("verifier", Value::from(done.then(|| rng.pick(OWNERS)))),
                        ("evidence", Value::from(done.then(|| format!("HR file {}-{}", kind, mid)))),
                        ("reference_count", Value::from((*kind == "references").then(|| rng.range(0, 3)))),
                        ("note", Value::from(note)),
                    ],
                )?;
            }
        }
    }

    // Risks: the catalog's, then our own.
    let catalog_risks: Vec<&catalog::Item> = catalog::catalog().with_use(Use::Risk).collect();
    for r in 0..shape.risks_per_engagement {
        let (cref, title) = if r < catalog_risks.len() {
            (Some(catalog_risks[r].id.clone()), catalog_risks[r].title.clone())
        } else {
            (None, format!("{} ({})", rng.pick(CUSTOM_RISKS), r + 1))
        };
        let likelihood = rng.range(1, 5);
        let treatment = ["modify", "modify", "modify", "retain", "share", "avoid"][rng.below(6)];
        let treated = treatment == "modify" && rng.chance(70);
        let accepted = (treatment == "retain" || likelihood >= 4) && rng.chance(50);
        w.insert(
            Table::Risk,
            &[
                ("engagement_id", Value::Int(id)),
                ("catalog_ref", Value::from(cref)),
                ("title", Value::text(title)),
                ("description", Value::text("Identified in the pre-outsourcing workshop with the business owner")),
                ("likelihood", Value::Int(likelihood)),
                ("impact_c", Value::Int(rng.range(0, 5))),
                ("impact_i", Value::Int(rng.range(0, 5))),
                ("impact_a", Value::Int(rng.range(0, 5))),
                ("treatment", Value::text(treatment)),
                ("plan", Value::text("Contract clause, quarterly review and evidence of the control")),
                ("owner", Value::text(rng.pick(OWNERS))),
                ("due_date", date(days(today, rng.range(-45, 180)))),
                ("residual_likelihood", Value::from(treated.then(|| rng.range(1, 2)))),
                ("residual_c", Value::from(treated.then(|| rng.range(0, 3)))),
                ("residual_i", Value::from(treated.then(|| rng.range(0, 3)))),
                ("residual_a", Value::from(treated.then(|| rng.range(0, 3)))),
                ("status", Value::text(["open", "in_progress", "done"][rng.below(3)])),
                ("accepted_by", Value::from(accepted.then(|| rng.pick(OWNERS)))),
                ("accepted_at", Value::from(accepted.then(|| days(today, -rng.range(1, 60)).to_string()))),
                ("review_date", Value::from(accepted.then(|| days(today, rng.range(30, 365)).to_string()))),
            ],
        )?;
        counts.risks += 1;
    }

    for a in 0..shape.assets_per_engagement {
        let handed = days(start, rng.range(0, 120));
        let thing = ASSET_THINGS[rng.below(ASSET_THINGS.len())];
        let holder = (!members.is_empty()).then(|| members[rng.below(members.len())]);
        let disposition = match rng.below(10) {
            0..=2 => Some("returned"),
            3 => Some("destroyed"),
            _ => None,
        };
        let back = disposition.map(|_| days(handed, rng.range(20, 200)));
        w.insert(
            Table::Asset,
            &[
                ("engagement_id", Value::Int(id)),
                ("tag", Value::text(format!("AST-{:03}-{:05}", id, a + 1))),
                ("description", Value::text(thing.0)),
                ("kind", Value::text(thing.1)),
                ("classification", Value::text(rng.pick(CLASSES))),
                ("holder_id", Value::from(holder)),
                ("handed_over", date(handed)),
                ("accepted_by", Value::text(format!("{} {}", rng.pick(FIRST), rng.pick(LAST)))),
                ("expected_return", date(days(handed, rng.range(30, 500)))),
                ("returned_on", Value::from(back.map(|d| d.to_string()))),
                ("disposition", Value::from(disposition)),
                ("verified_by", Value::from(disposition.map(|_| rng.pick(OWNERS)))),
                ("condition", Value::from((disposition == Some("returned")).then_some("Good"))),
                (
                    "certificate",
                    Value::from((disposition == Some("destroyed")).then(|| format!("DC-{:06}", rng.range(1, 999_999)))),
                ),
            ],
        )?;
        counts.assets += 1;
    }

    for _ in 0..shape.grants_per_engagement {
        let target = rng.pick(TARGETS);
        let physical = matches!(target, "Data centre hall B" | "Server room" | "Office level 3");
        let granted = days(start, rng.range(0, 90));
        let revoked = rng.chance(30).then(|| days(granted, rng.range(10, 200)));
        w.insert(
            Table::AccessGrant,
            &[
                ("engagement_id", Value::Int(id)),
                ("holder_id", Value::from((!members.is_empty()).then(|| members[rng.below(members.len())]))),
                ("target", Value::text(target)),
                ("kind", Value::text(if physical { "physical" } else { "logical" })),
                ("granted_on", date(granted)),
                ("revoked_on", Value::from(revoked.map(|d| d.to_string()))),
                ("verified_by", Value::from(revoked.map(|_| rng.pick(OWNERS)))),
            ],
        )?;
    }

    // Checklists: earlier phases mostly done, the current one in progress, later ones open.
    let rank = |p: catalog::ItemPhase| match p {
        catalog::ItemPhase::Pre => 0,
        catalog::ItemPhase::During => 1,
        catalog::ItemPhase::Post => 2,
        catalog::ItemPhase::Any => 0,
    };
    let here = match phase {
        "pre" => 0,
        "during" => 1,
        _ => 2,
    };
    for item in catalog::catalog().items.iter().filter(|i| i.has_use(Use::Workflow) || i.has_use(Use::Agreement)) {
        let status = match rank(item.phase).cmp(&here) {
            std::cmp::Ordering::Less => {
                if rng.chance(90) {
                    "done"
                } else {
                    "not_applicable"
                }
            }
            std::cmp::Ordering::Equal => ["open", "done", "done"][rng.below(3)],
            std::cmp::Ordering::Greater => "open",
        };
        let done = status != "open";
        w.insert(
            Table::ChecklistItem,
            &[
                ("engagement_id", Value::Int(id)),
                ("catalog_ref", Value::text(&item.id)),
                ("status", Value::text(status)),
                ("note", Value::from((status == "not_applicable").then_some("Not relevant to this service"))),
                ("done_at", Value::from(done.then(|| days(today, -rng.range(1, 120)).to_string()))),
                ("done_by", Value::from(done.then(|| rng.pick(OWNERS)))),
            ],
        )?;
    }

    for n in 0..shape.notes_per_engagement {
        let text = [
            "Kick-off held with the provider's focal point; escalation path agreed.",
            "Provider to send updated team profiles before the next steering meeting.",
            "Site visit: visitor register in place, CCTV coverage of the server room confirmed.",
            "Legal asked to review the exit clause against the asset register.",
        ][n % 4];
        let said_at = format!("{}T09:{:02}:00Z", days(today, n as i64 - 30), n % 60);
        let entry =
            crate::store::journal::NewEntry { said_at: &said_at, text, interviewed: None, present: None, link: None };
        crate::store::journal::add(w, id, &entry)?;
    }
    Ok(id)
}

#[cfg(test)]
mod shape_tests {
    use super::*;

    #[test]
    fn the_huge_demo_is_ten_times_the_large_one() {
        let s = Shape::of(DemoSize::Huge);
        assert_eq!(s.engagements, 500);
        assert_eq!(s.engagements * s.assets_per_engagement, 500_000);
        assert_eq!(s.engagements * s.providers_per_engagement * s.members_per_provider, 100_000);
        assert_eq!(s.engagements * s.risks_per_engagement, 50_000);
        assert_eq!(run_path(DemoSize::Huge, None), PathBuf::from("assay-demo-huge.db"));
    }
}

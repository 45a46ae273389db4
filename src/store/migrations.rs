//! The schema, as an append-only list of migrations. Never edit a step that has shipped: add a new one.

use rusqlite_migration::{M, Migrations};

/// Step 1: the whole data model of an assessment workspace.
const V1_DATA_MODEL: &str = r#"
CREATE TABLE engagement (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) > 0),
    service TEXT,
    scope TEXT,
    objective TEXT,
    business_owner TEXT,
    phase TEXT NOT NULL DEFAULT 'pre' CHECK (phase IN ('pre', 'during', 'post')),
    start_date TEXT,
    planned_end TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'on_hold', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE provider (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'candidate'
        CHECK (status IN ('candidate', 'shortlisted', 'selected', 'rejected')),
    cert_body TEXT,
    cert_number TEXT,
    cert_expiry TEXT,
    cert_scope TEXT,
    scope_covers_service INTEGER NOT NULL DEFAULT 0,
    agrees_policies INTEGER NOT NULL DEFAULT 0,
    agrees_audit INTEGER NOT NULL DEFAULT 0,
    focal_point TEXT,
    decision_reason TEXT,
    decided_by TEXT,
    decided_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX provider_engagement ON provider(engagement_id);

CREATE TABLE criterion (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    catalog_ref TEXT,
    text TEXT NOT NULL,
    weight INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
    must_have INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX criterion_engagement ON criterion(engagement_id);

CREATE TABLE score (
    id INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES provider(id) ON DELETE CASCADE,
    criterion_id INTEGER NOT NULL REFERENCES criterion(id) ON DELETE CASCADE,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 5),
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (provider_id, criterion_id)
);
CREATE INDEX score_criterion ON score(criterion_id);

CREATE TABLE risk (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    catalog_ref TEXT,
    title TEXT NOT NULL,
    description TEXT,
    likelihood INTEGER NOT NULL DEFAULT 1 CHECK (likelihood BETWEEN 1 AND 5),
    impact_c INTEGER NOT NULL DEFAULT 0 CHECK (impact_c BETWEEN 0 AND 5),
    impact_i INTEGER NOT NULL DEFAULT 0 CHECK (impact_i BETWEEN 0 AND 5),
    impact_a INTEGER NOT NULL DEFAULT 0 CHECK (impact_a BETWEEN 0 AND 5),
    treatment TEXT CHECK (treatment IN ('modify', 'retain', 'avoid', 'share')),
    plan TEXT,
    owner TEXT,
    due_date TEXT,
    residual_likelihood INTEGER CHECK (residual_likelihood BETWEEN 1 AND 5),
    residual_c INTEGER CHECK (residual_c BETWEEN 0 AND 5),
    residual_i INTEGER CHECK (residual_i BETWEEN 0 AND 5),
    residual_a INTEGER CHECK (residual_a BETWEEN 0 AND 5),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done')),
    accepted_by TEXT,
    accepted_at TEXT,
    review_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX risk_engagement ON risk(engagement_id);

CREATE TABLE team_member (
    id INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES provider(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT,
    backup_for INTEGER REFERENCES team_member(id) ON DELETE SET NULL,
    joined TEXT,
    left_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX team_member_provider ON team_member(provider_id);

CREATE TABLE vetting_check (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES team_member(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('references', 'criminal_record', 'cv_accuracy',
        'qualifications', 'identity', 'credit', 'nda_signed')),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'passed', 'failed', 'waived', 'not_permitted')),
    checked_on TEXT,
    verifier TEXT,
    evidence TEXT,
    reference_count INTEGER,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (member_id, kind)
);

CREATE TABLE asset (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL DEFAULT 'device' CHECK (kind IN ('device', 'media', 'document',
        'data_set', 'badge', 'key', 'account')),
    classification TEXT,
    holder_id INTEGER REFERENCES team_member(id) ON DELETE SET NULL,
    handed_over TEXT,
    accepted_by TEXT,
    expected_return TEXT,
    returned_on TEXT,
    disposition TEXT CHECK (disposition IN ('returned', 'destroyed')),
    verified_by TEXT,
    condition TEXT,
    certificate TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX asset_engagement ON asset(engagement_id);
CREATE INDEX asset_holder ON asset(holder_id);

CREATE TABLE access_grant (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    holder_id INTEGER REFERENCES team_member(id) ON DELETE SET NULL,
    holder_name TEXT,
    target TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'logical' CHECK (kind IN ('logical', 'physical')),
    granted_on TEXT,
    revoked_on TEXT,
    verified_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX access_grant_engagement ON access_grant(engagement_id);

CREATE TABLE checklist_item (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    catalog_ref TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'not_applicable')),
    note TEXT,
    done_at TEXT,
    done_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (engagement_id, catalog_ref)
);

CREATE TABLE note (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    target_table TEXT,
    target_id INTEGER,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX note_engagement ON note(engagement_id);
CREATE INDEX note_target ON note(target_table, target_id);

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    note_id INTEGER REFERENCES note(id) ON DELETE SET NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    assessor TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    table_name TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX audit_log_row ON audit_log(table_name, row_id);

CREATE TABLE setting (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"#;

/// Step 2: a record of every phase change of an engagement, with the reason given for leaving items open.
const V2_PHASE_CHANGES: &str = r#"
CREATE TABLE phase_change (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    from_phase TEXT NOT NULL CHECK (from_phase IN ('pre', 'during', 'post')),
    to_phase TEXT NOT NULL CHECK (to_phase IN ('pre', 'during', 'post')),
    reason TEXT,
    open_items INTEGER NOT NULL DEFAULT 0,
    open_refs TEXT,
    changed_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX phase_change_engagement ON phase_change(engagement_id);
"#;

/// Step 3: pairs of roles that one person of a provider's team must not hold together, as the assessor defines
/// them for an engagement (segregation of duties in the vetting warnings).
const V3_ROLE_CONFLICTS: &str = r#"
CREATE TABLE role_conflict (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    role_a TEXT NOT NULL CHECK (length(trim(role_a)) > 0),
    role_b TEXT NOT NULL CHECK (length(trim(role_b)) > 0),
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (lower(trim(role_a)) <> lower(trim(role_b)))
);
CREATE INDEX role_conflict_engagement ON role_conflict(engagement_id);
"#;

/// Step 4: find the members a provider ever had (leavers too) from the history without reading every member's
/// history entry: an index on the provider named when each member was added. Without it, opening the Vetting tab of
/// a large workspace parsed ten thousand entries.
const V4_ROSTER_INDEX: &str = r#"
CREATE INDEX audit_log_member_provider ON audit_log(
    (CASE WHEN json_valid(new_value) THEN json_extract(new_value, '$.provider_id') END)
) WHERE table_name = 'team_member' AND action = 'insert';
"#;

/// Step 5: a seal on each history entry of an encrypted workspace (HMAC-SHA-256 of the entry's hash with a key
/// derived from the passphrase), so that without the passphrase no entry can be added or the chain recomputed.
/// Empty in an unencrypted workspace.
const V5_HISTORY_SEAL: &str = r#"
ALTER TABLE audit_log ADD COLUMN mac TEXT;
"#;

/// Step 6: the interview journal: what was said, when, by whom and before whom, each entry optionally linked to the
/// record it is about.
const V6_JOURNAL: &str = r#"
CREATE TABLE journal_entry (
    id INTEGER PRIMARY KEY,
    engagement_id INTEGER NOT NULL REFERENCES engagement(id) ON DELETE CASCADE,
    said_at TEXT NOT NULL,
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    interviewed TEXT,
    present TEXT,
    link_table TEXT CHECK (link_table IN ('provider', 'team_member', 'risk', 'checklist_item', 'asset')),
    link_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX journal_entry_engagement ON journal_entry(engagement_id);
CREATE INDEX journal_entry_link ON journal_entry(link_table, link_id);
"#;

/// Step 7: stable identities. Every row gets a UUID (16 bytes, unique, required, never changed: see `ids.rs`) and
/// every record of a numbered kind a short number; each history entry from here on names its row's UUID too. The
/// SQL makes the counters and the history's column; [`identities`] adds the rows' columns, fills them for the rows
/// already there (one transaction with the rest of the upgrade), then makes the indexes and the rules.
const V7_IDENTITIES: &str = r#"
CREATE TABLE short_number (
    scope BLOB NOT NULL,
    table_name TEXT NOT NULL,
    last INTEGER NOT NULL CHECK (last > 0),
    PRIMARY KEY (scope, table_name)
) WITHOUT ROWID;
ALTER TABLE audit_log ADD COLUMN row_uuid BLOB;
"#;

/// Step 8: evidence files kept inside the workspace (so encrypted with it). The `evidence` row, audited like any
/// other, gains the file's original name, its media type, a caption, the record it is attached to (none: the
/// engagement as a whole) and who added it; its `sha256` and `size` name the content. The content itself sits in
/// `evidence_content`, one row per distinct SHA-256, outside the audited rows (the history records each row as
/// JSON, and a file of many megabytes does not belong there); `verify` re-hashes it against the audited hash.
/// Content no evidence row names any more is removed when a workspace is next opened for writing.
const V8_EVIDENCE_FILES: &str = r#"
ALTER TABLE evidence ADD COLUMN name TEXT;
ALTER TABLE evidence ADD COLUMN media_type TEXT;
ALTER TABLE evidence ADD COLUMN caption TEXT;
ALTER TABLE evidence ADD COLUMN target_table TEXT CHECK (target_table IN ('provider', 'criterion', 'score', 'risk',
    'team_member', 'vetting_check', 'asset', 'access_grant', 'checklist_item', 'phase_change', 'note',
    'role_conflict', 'journal_entry'));
ALTER TABLE evidence ADD COLUMN target_id INTEGER;
ALTER TABLE evidence ADD COLUMN added_by TEXT;
CREATE INDEX evidence_engagement ON evidence(engagement_id);
CREATE INDEX evidence_sha256 ON evidence(sha256);
CREATE INDEX evidence_target ON evidence(target_table, target_id);
CREATE TABLE evidence_content (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size INTEGER NOT NULL CHECK (size >= 0),
    data BLOB NOT NULL
);
"#;

/// The tables step 7 gives identities, parents before the rows whose UUIDs derive from them, and whether their rows
/// are numbered. Fixed as the schema was at step 7: a later table declares its columns in its own step.
const V7_TABLES: &[(&str, bool)] = &[
    ("engagement", true),
    ("provider", true),
    ("criterion", true),
    ("score", false),
    ("risk", true),
    ("team_member", true),
    ("vetting_check", false),
    ("asset", true),
    ("access_grant", true),
    ("checklist_item", false),
    ("phase_change", true),
    ("note", true),
    ("evidence", true),
    ("setting", false),
    ("role_conflict", true),
    ("journal_entry", true),
];

/// A row as step 7 finds it: id, created_at, its engagement, the parents' UUIDs and the key of a natural key, and
/// its engagement's UUID.
type Unconverted = (i64, String, Option<i64>, Option<Vec<u8>>, Option<Vec<u8>>, Option<String>, Option<Vec<u8>>);

/// Step 7's work on the rows (see [`V7_IDENTITIES`]).
fn identities(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    use super::Table;
    use super::ids;
    let mut total = 0u64;
    for (name, numbered) in V7_TABLES {
        tx.execute_batch(&format!(
            "ALTER TABLE {name} ADD COLUMN uuid BLOB \
             CHECK (uuid IS NULL OR (typeof(uuid) = 'blob' AND length(uuid) = 16));"
        ))?;
        if *numbered {
            tx.execute_batch(&format!(
                "ALTER TABLE {name} ADD COLUMN number INTEGER CHECK (number IS NULL OR number > 0);"
            ))?;
        }
        total += tx.query_row(&format!("SELECT count(*) FROM {name}"), [], |r| r.get::<_, i64>(0))? as u64;
    }
    let mut bar = Conversion::new(total);
    for (name, numbered) in V7_TABLES {
        let table: Table = name.parse().map_err(|_| rusqlite::Error::InvalidQuery)?;
        // The engagement each row belongs to, for its number and its counter.
        let owner = match *name {
            "engagement" => "NULL",
            "score" | "team_member" => "(SELECT p.engagement_id FROM provider p WHERE p.id = t.provider_id)",
            "vetting_check" => {
                "(SELECT p.engagement_id FROM team_member m JOIN provider p ON p.id = m.provider_id \
                 WHERE m.id = t.member_id)"
            }
            "setting" => "NULL",
            _ => "t.engagement_id",
        };
        // What a natural key is made of: the parents' UUIDs and the key.
        let natural = match *name {
            "score" => Some(
                "(SELECT uuid FROM provider WHERE id = t.provider_id), \
                 (SELECT uuid FROM criterion WHERE id = t.criterion_id), ''",
            ),
            "vetting_check" => Some("(SELECT uuid FROM team_member WHERE id = t.member_id), NULL, t.kind"),
            "checklist_item" => Some("(SELECT uuid FROM engagement WHERE id = t.engagement_id), NULL, t.catalog_ref"),
            "setting" => Some("NULL, NULL, t.key"),
            _ => None,
        };
        let parts = natural.unwrap_or("NULL, NULL, NULL");
        let rows: Vec<Unconverted> = tx
            .prepare(&format!(
                "SELECT t.id, t.created_at, {owner} AS owner, {parts}, \
                 (SELECT uuid FROM engagement e WHERE e.id = {owner}) FROM {name} t ORDER BY owner, t.id"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut set = tx.prepare(&format!(
            "UPDATE {name} SET uuid = ?1{} WHERE id = ?2",
            if *numbered { ", number = ?3" } else { "" }
        ))?;
        let mut counters: Vec<(Vec<u8>, i64)> = Vec::new();
        let mut last_owner: Option<Option<i64>> = None;
        let mut n = 0i64;
        for (id, created, owner, p1, p2, key, owner_uuid) in rows {
            let uuid = match natural {
                Some(_) => {
                    let parents: Vec<uuid::Uuid> =
                        [p1, p2].into_iter().flatten().filter_map(|b| uuid::Uuid::from_slice(&b).ok()).collect();
                    ids::natural(table, &parents, key.as_deref().unwrap_or(""))
                }
                None => ids::stamped(&created),
            };
            if last_owner != Some(owner) {
                last_owner = Some(owner);
                n = 0;
            }
            n += 1;
            if *numbered {
                set.execute(rusqlite::params![uuid.as_bytes().as_slice(), id, n])?;
                let scope = owner_uuid.unwrap_or_default();
                match counters.iter_mut().find(|(s, _)| *s == scope) {
                    Some((_, last)) => *last = n,
                    None => counters.push((scope, n)),
                }
            } else {
                set.execute(rusqlite::params![uuid.as_bytes().as_slice(), id])?;
            }
            bar.step();
        }
        for (scope, last) in counters {
            tx.execute(
                "INSERT INTO short_number (scope, table_name, last) VALUES (?1, ?2, ?3)",
                rusqlite::params![scope, name, last],
            )?;
        }
        tx.execute_batch(&format!(
            "CREATE UNIQUE INDEX {name}_uuid ON {name}(uuid);
             CREATE TRIGGER {name}_uuid_required BEFORE INSERT ON {name} WHEN NEW.uuid IS NULL
                 BEGIN SELECT RAISE(ABORT, 'every {name} row needs its uuid'); END;
             CREATE TRIGGER {name}_uuid_fixed BEFORE UPDATE OF uuid ON {name} WHEN NEW.uuid IS NOT OLD.uuid
                 BEGIN SELECT RAISE(ABORT, 'a {name} row keeps its uuid'); END;"
        ))?;
    }
    bar.done();
    Ok(())
}

/// Progress of step 7 on stderr, for a workspace large enough to wait for; silent when stderr is not a terminal.
struct Conversion {
    total: u64,
    done: u64,
    shown: Option<u64>,
    on: bool,
}

impl Conversion {
    fn new(total: u64) -> Conversion {
        Conversion { total, done: 0, shown: None, on: total >= 20_000 && crate::visible::stderr_is_terminal() }
    }

    fn step(&mut self) {
        self.done += 1;
        if !self.on {
            return;
        }
        let pct = self.done * 100 / self.total.max(1);
        if self.shown != Some(pct) {
            self.shown = Some(pct);
            crate::visible::progress_line(
                &format!("giving every record a stable identity: {}/{} ({pct} %)", self.done, self.total),
                false,
            );
        }
    }

    fn done(&self) {
        if self.on {
            crate::visible::progress_line(
                &format!("giving every record a stable identity: {} rows, done", self.total),
                true,
            );
        }
    }
}

/// Step 9: what the management report says in the assessor's own words: the engagement's conclusion, overall rating,
/// approach, limitations and classification marking; each risk's finding, recommendation and management response;
/// and which journal entries the report quotes.
const V9_REPORT_NARRATIVE: &str = r#"
ALTER TABLE engagement ADD COLUMN conclusion TEXT;
ALTER TABLE engagement ADD COLUMN overall_rating TEXT CHECK (overall_rating IN ('low', 'medium', 'high', 'critical'));
ALTER TABLE engagement ADD COLUMN approach TEXT;
ALTER TABLE engagement ADD COLUMN limitations TEXT;
ALTER TABLE engagement ADD COLUMN reviewer TEXT;
ALTER TABLE engagement ADD COLUMN distribution TEXT;
ALTER TABLE engagement ADD COLUMN classification TEXT NOT NULL DEFAULT 'confidential'
    CHECK (classification IN ('public', 'internal', 'confidential', 'restricted'));
ALTER TABLE risk ADD COLUMN finding TEXT;
ALTER TABLE risk ADD COLUMN recommendation TEXT;
ALTER TABLE risk ADD COLUMN management_response TEXT;
ALTER TABLE journal_entry ADD COLUMN for_report INTEGER NOT NULL DEFAULT 0 CHECK (for_report IN (0, 1));
"#;

/// Step 10: team work (see `team/`). The binding of this workspace to a team repository, with this member's keys,
/// and the conflicts merges resolved for the assessor to review. Local to this laptop: neither table is a record
/// (not audited, not exported, never sent to the team), and both sit inside the workspace so that an encrypted
/// workspace keeps the keys and the conflicting values encrypted.
const V10_TEAM: &str = r#"
CREATE TABLE team_binding (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    remote TEXT NOT NULL,
    device TEXT NOT NULL,
    member TEXT NOT NULL,
    age_identity TEXT NOT NULL,
    ssh_key TEXT NOT NULL,
    synced_through INTEGER NOT NULL DEFAULT 0,
    history_through INTEGER NOT NULL DEFAULT 0,
    synced_commit TEXT,
    last_sync TEXT,
    last_outcome TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE team_conflict (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('field', 'kept_deleted', 'orphan', 'renumbered')),
    table_name TEXT NOT NULL,
    row_uuid BLOB NOT NULL,
    field TEXT,
    kept TEXT,
    other TEXT,
    kept_from TEXT NOT NULL,
    other_from TEXT NOT NULL,
    reviewed INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1))
);
"#;

/// Step 11: the heads of the team's history chains as the last sync left them (JSON; see `store::team::TeamHeads`),
/// so that a report names each laptop's head without opening the team repository.
const V11_TEAM_HEADS: &str = "ALTER TABLE team_binding ADD COLUMN heads TEXT;";

/// Step 12: indexes that hold everything the overview reads of each vetting check and each asset to count what is
/// pending and what is outstanding, so that those counts, which every start waits for, are read from the index
/// alone: one look-up fewer per check and per asset (on the large demo, 0.4 ms less for 1,400 checks and 0.1 ms
/// for 1,000 assets, about 5 % more file).
const V12_OVERVIEW_INDEXES: &str = r#"
CREATE INDEX vetting_check_standing ON vetting_check(member_id, kind, status, reference_count, checked_on, note);
CREATE INDEX asset_state ON asset(
    engagement_id, holder_id, handed_over, accepted_by, expected_return, disposition, verified_by, certificate
);
"#;

/// The schema version from which the history carries seals.
pub const SEALED_HISTORY: usize = 5;

/// The list of schema steps, oldest first. Append only.
pub fn migrations() -> Migrations<'static> {
    let mut steps = STEPS.to_vec();
    steps.push(
        M::up_with_hook(V7_IDENTITIES, identities).comment("a stable identity and a short number for every record"),
    );
    steps.push(M::up(V8_EVIDENCE_FILES).comment("evidence files stored in the workspace, hashed"));
    steps.push(M::up(V9_REPORT_NARRATIVE).comment("the report's narrative: conclusion, findings, classification"));
    steps.push(M::up(V10_TEAM).comment("the binding to a team repository and the conflicts its merges resolved"));
    steps.push(M::up(V11_TEAM_HEADS).comment("the heads of the team's history chains at the last sync"));
    steps.push(M::up(V12_OVERVIEW_INDEXES).comment("indexes the overview's counts of checks and assets read alone"));
    Migrations::new(steps)
}

/// The steps that are SQL alone; those that run code too are appended in [`migrations`].
static STEPS: &[M<'static>] = &[
    M::up(V1_DATA_MODEL).comment("the whole data model of an assessment workspace"),
    M::up(V2_PHASE_CHANGES).comment("phase changes, with the reason for leaving checklist items open"),
    M::up(V3_ROLE_CONFLICTS).comment("role pairs one team member must not hold together"),
    M::up(V4_ROSTER_INDEX).comment("an index to find a provider's members, leavers too, in the history"),
    M::up(V5_HISTORY_SEAL).comment("a keyed seal on each history entry of an encrypted workspace"),
    M::up(V6_JOURNAL).comment("the interview journal of an engagement"),
];

/// One object of a schema: its type, name, the table it belongs to, and its SQL.
type Object = (String, String, String, String);

/// The schema objects of a workspace (SQLite's own left out), in a fixed order.
fn objects(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<Object>> {
    conn.prepare(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
         WHERE substr(name, 1, 7) <> 'sqlite_' ORDER BY type, name",
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
    .collect()
}

/// The schema objects a workspace of schema `version` holds when assay made it: the steps up to it, run on an
/// empty database in memory.
fn expected(version: usize) -> rusqlite::Result<Vec<Object>> {
    static CACHE: std::sync::Mutex<Vec<(usize, Vec<Object>)>> = std::sync::Mutex::new(Vec::new());
    if let Ok(cache) = CACHE.lock()
        && let Some((_, objs)) = cache.iter().find(|(v, _)| *v == version)
    {
        return Ok(objs.clone());
    }
    let mut conn = rusqlite::Connection::open_in_memory()?;
    migrations().to_version(&mut conn, version).map_err(|e| match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => err,
        _ => rusqlite::Error::InvalidQuery,
    })?;
    let objs = objects(&conn)?;
    if let Ok(mut cache) = CACHE.lock() {
        cache.push((version, objs.clone()));
    }
    Ok(objs)
}

/// How the schema of a workspace differs from the one its version (`PRAGMA user_version`) defines: each extra,
/// missing or altered table, column, index, trigger or view, in one line. Empty when it matches, or when the file
/// holds no schema yet.
pub fn schema_differences(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let actual = objects(conn)?;
    let Ok(version) = usize::try_from(version) else {
        return Ok(vec![format!("schema version {version} is not one assay writes")]);
    };
    if version > latest_version() || (version == 0 && actual.is_empty()) {
        return Ok(Vec::new());
    }
    // A workspace of this build's version whose schema is the one it makes, the case at every start, is known by
    // its digest alone; building the expected schema (every step, run in memory) is left to the rest.
    if version == latest_version() && digest(&actual) == LATEST_DIGEST {
        return Ok(Vec::new());
    }
    let expected = expected(version)?;
    let mut out = Vec::new();
    for (ty, name, table, sql) in &actual {
        match expected.iter().find(|(t, n, ..)| t == ty && n == name) {
            None if ty == "table" => out.push(format!("an extra table “{name}” that assay did not make")),
            None => out.push(format!("an extra {ty} “{name}” on {table} that assay did not make")),
            Some((.., esql)) if esql != sql => {
                if ty == "table" {
                    let cols = |c: &rusqlite::Connection| -> Vec<String> {
                        c.prepare("SELECT name FROM pragma_table_info(?1)")
                            .and_then(|mut s| s.query_map([name], |r| r.get(0))?.collect())
                            .unwrap_or_default()
                    };
                    let have = cols(conn);
                    let want: Vec<String> = expected_columns(version, name);
                    let extra: Vec<&String> = have.iter().filter(|c| !want.contains(c)).collect();
                    let gone: Vec<&String> = want.iter().filter(|c| !have.contains(c)).collect();
                    let mut what = Vec::new();
                    if !extra.is_empty() {
                        what.push(format!("extra columns {}", list(&extra)));
                    }
                    if !gone.is_empty() {
                        what.push(format!("missing columns {}", list(&gone)));
                    }
                    if what.is_empty() {
                        what.push("its definition was changed".to_string());
                    }
                    out.push(format!("table “{name}” differs from the one assay made: {}", what.join("; ")));
                } else {
                    out.push(format!("{ty} “{name}” differs from the one assay made"));
                }
            }
            Some(_) => {}
        }
    }
    for (ty, name, ..) in &expected {
        if !actual.iter().any(|(t, n, ..)| t == ty && n == name) {
            out.push(format!("{ty} “{name}” is missing"));
        }
    }
    Ok(out)
}

fn list(names: &[&String]) -> String {
    names.iter().map(|n| format!("“{n}”")).collect::<Vec<_>>().join(", ")
}

fn expected_columns(version: usize, table: &str) -> Vec<String> {
    let mut conn = match rusqlite::Connection::open_in_memory() {
        Ok(c) => c,
        Err(_) => return Vec::new(),
    };
    if migrations().to_version(&mut conn, version).is_err() {
        return Vec::new();
    }
    conn.prepare("SELECT name FROM pragma_table_info(?1)")
        .and_then(|mut s| s.query_map([table], |r| r.get(0))?.collect())
        .unwrap_or_default()
}

/// The schema version this build writes: the SQL-only steps, then step 7 (identities), step 8 (evidence files) and
/// step 9 (the report's narrative), step 10 (team work), step 11 (the team's heads), step 12 (the overview's
/// indexes).
pub fn latest_version() -> usize {
    STEPS.len() + 6
}

/// The digest (see [`digest`]) of the schema objects the latest version defines. Appending a step changes it: the
/// test `the_latest_digest_is_that_of_the_steps` then fails and prints the new one to put here.
const LATEST_DIGEST: &str = "944f2719db317f1d31d67e728230d52b48f6bae8d634503373c1355cd38e1d71";

/// A SHA-256 over the schema objects, each field length-prefixed, so that no two different schemas share one.
fn digest(objects: &[Object]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (ty, name, table, sql) in objects {
        for field in [ty, name, table, sql] {
            h.update((field.len() as u64).to_le_bytes());
            h.update(field.as_bytes());
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    /// `latest_version` counts the steps by hand (the SQL ones, then those appended in `migrations`): it must be the
    /// version the whole list migrates to.
    #[test]
    fn the_latest_version_is_where_the_steps_end() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        migrations().to_latest(&mut conn).expect("migrate");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version as usize, latest_version());
    }

    #[test]
    fn the_latest_digest_is_that_of_the_steps() {
        let objects = expected(latest_version()).expect("schema");
        assert_eq!(digest(&objects), LATEST_DIGEST, "put this build's schema digest in LATEST_DIGEST");
    }

    #[test]
    fn a_schema_that_differs_at_the_latest_version_is_not_taken_for_it() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        migrations().to_latest(&mut conn).expect("migrate");
        assert!(schema_differences(&conn).expect("check").is_empty());
        // A changed index keeps every name: only its SQL tells it apart.
        conn.execute_batch("DROP INDEX risk_engagement; CREATE INDEX risk_engagement ON risk(engagement_id, id);")
            .expect("change");
        assert_ne!(digest(&objects(&conn).expect("objects")), LATEST_DIGEST);
        assert_eq!(
            schema_differences(&conn).expect("check"),
            ["index “risk_engagement” differs from the one assay made"]
        );
    }
}

//! Working out an import: every cell checked by its field's rules, every row matched by its UUID, its ref or its
//! natural key, every changed record by its form's checks. Nothing is written here.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::Connection;

use super::columns::{
    CHECK_FIELD, CHECK_SHEET, Column, Named, Role, SCORE_FIELD, WITHHELD, choice_label, column_letter, refers_to,
    score_column,
};
use super::export::{local_score_column, local_sheets, member_teams};
use super::idents::{Idents, noun};
use super::plan::{
    CellError, Change, DateFormat, Matched, Op, Options, Plan, RowPlan, SheetPlan, Table2, Unnamed, shown,
};
use super::{Register, Sheet};
use crate::catalog;
use crate::domain::assets::{Asset as AssetForm, Grant as GrantForm, resolve_holder};
use crate::domain::fields::{FieldKind, FieldSpec, LONG_TEXT_MAX, is_iso_date, unguard_formula};
use crate::domain::vetting::{CheckKind, TeamMember, VettingCheck};
use crate::domain::{Risk, Value};
use crate::store::{Table, ids, providers, vetting};

/// Whether a stored value and an imported one are the same (a number stored as text equals the number).
fn same(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Int(a), Value::Text(b)) | (Value::Text(b), Value::Int(a)) => b.trim().parse::<i64>().ok() == Some(*a),
        (Value::Text(t), Value::Null) | (Value::Null, Value::Text(t)) => t.trim().is_empty(),
        _ => old == new,
    }
}

/// A date cell as `YYYY-MM-DD`: as written, or from `DD/MM/YYYY` / `DD.MM.YYYY` when the file says dates are
/// day-first. A year of two digits is refused rather than guessed.
fn iso_date(text: &str, format: DateFormat) -> Result<String, String> {
    let s = text.trim();
    if s.is_empty() || is_iso_date(s) || format == DateFormat::Iso {
        return Ok(s.to_string());
    }
    crate::domain::day_first_date(s)
}

/// Parses one cell by its field's rules, accepting a choice as the label people see ("in progress") as well as
/// its stored value.
fn parse_cell(spec: &FieldSpec, text: &str, today: NaiveDate, dates: DateFormat) -> Result<Value, String> {
    let s = text.trim();
    let v = match spec.kind {
        FieldKind::Enum(options) => {
            match options.iter().find(|o| o.eq_ignore_ascii_case(s) || choice_label(o).eq_ignore_ascii_case(s)) {
                Some(o) => Value::text(*o),
                None => spec.parse_imported(s, today)?,
            }
        }
        FieldKind::Date => spec.parse_imported(&iso_date(s, dates)?, today)?,
        _ => spec.parse_imported(s, today)?,
    };
    Ok(match (spec.kind, v) {
        (FieldKind::Enum(_), Value::Text(t)) if t.is_empty() => Value::Null,
        (_, v) => v,
    })
}

/// The engagement as it stands: what the file is compared with (its sheets hold row ids), and the identities that
/// the file's cells name records by.
struct Current {
    sheets: HashMap<&'static str, Sheet>,
    idents: Idents,
    providers: Vec<(i64, String)>,
    /// (id, name, provider name).
    members: Vec<(i64, String, String)>,
    /// Each provider's members, as the vetting forms see them.
    teams: HashMap<i64, Vec<TeamMember>>,
}

impl Current {
    fn load(conn: &Connection, engagement: i64, today: NaiveDate) -> rusqlite::Result<Current> {
        let idents = Idents::load(conn, engagement)?;
        let sheets = local_sheets(conn, engagement, today, true, &idents)?.into_iter().map(|s| (s.name, s)).collect();
        let providers: Vec<(i64, String)> =
            providers::list(conn, engagement)?.into_iter().map(|p| (p.id, p.name)).collect();
        let ms = vetting::engagement_members(conn, engagement)?;
        let teams = member_teams(&ms);
        let provider_name =
            |id: i64| providers.iter().find(|(p, _)| *p == id).map(|(_, n)| n.clone()).unwrap_or_default();
        let members = ms.into_iter().map(|m| (m.id, m.name, provider_name(m.provider_id))).collect();
        Ok(Current { sheets, idents, providers, members, teams })
    }

    /// The stored fields of a member's check of `kind` (none when it is not recorded).
    fn check(&self, member: i64, kind: &str) -> Vec<(&'static str, Value)> {
        let Some(sheet) = self.sheets.get("vetting_checks") else { return Vec::new() };
        let at = |k: &str| sheet.headers.iter().position(|h| h == k);
        let (Some(mi), Some(ki)) = (at("member_id"), at("kind")) else { return Vec::new() };
        let Some(row) = sheet.rows.iter().find(|r| r[mi].as_i64() == Some(member) && r[ki].to_string() == kind) else {
            return Vec::new();
        };
        CHECK_SHEET
            .iter()
            .filter_map(|c| match c.role {
                Role::Edit(spec) => at(c.key).map(|i| (spec.key, row[i].clone())),
                _ => None,
            })
            .collect()
    }

    /// The id a typed name means, as the forms resolve it; `provider` is the row's provider (for a backup).
    fn resolve(&self, of: Named, typed: &str, provider: Option<i64>) -> Result<Option<i64>, String> {
        match of {
            Named::Backup => {
                let team = provider.and_then(|p| self.teams.get(&p)).map_or(&[][..], Vec::as_slice);
                crate::domain::vetting::resolve_member(typed, team)
            }
            Named::Member => {
                let candidates: Vec<(&str, &str)> =
                    self.members.iter().map(|(_, n, p)| (n.as_str(), p.as_str())).collect();
                Ok(resolve_holder(&candidates, typed)?.map(|i| self.members[i].0))
            }
            Named::Provider => {
                let t = typed.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                let found: Vec<&(i64, String)> =
                    self.providers.iter().filter(|(_, n)| n.trim().eq_ignore_ascii_case(t)).collect();
                match found.as_slice() {
                    [(id, _)] => Ok(Some(*id)),
                    [] => Err(format!("no provider of this engagement is called “{t}”")),
                    many => Err(format!(
                        "{} providers are called “{t}”: give the provider's reference in provider_id ({})",
                        many.len(),
                        many.iter()
                            .map(|(id, _)| self.idents.shown(Table::Provider, *id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            }
        }
    }
}

/// How a file column maps onto the register.
#[derive(Clone, Copy)]
enum Mapped {
    Col(&'static Column),
    Score(i64),
}

fn key_text(values: &[&Value]) -> String {
    values.iter().map(|v| v.to_string().trim().to_lowercase()).collect::<Vec<_>>().join("\u{1f}")
}

/// Works out what importing the tables would do, checking every cell by its field's rules; nothing is written.
pub fn plan(
    conn: &Connection,
    engagement: i64,
    tables: &[(Register, &Table2, &str)],
    today: NaiveDate,
    options: Options,
) -> Result<Plan, CellError> {
    let current = Current::load(conn, engagement, today).map_err(|e| CellError {
        source: String::new(),
        row: None,
        column: None,
        message: e.to_string(),
    })?;
    let mut sheets = Vec::new();
    for (register, table, source) in tables {
        sheets.push(plan_sheet(conn, &current, *register, table, source, today, options)?);
    }
    Ok(Plan { sheets, delete_missing: options.delete_missing })
}

fn plan_sheet(
    conn: &Connection,
    current: &Current,
    register: Register,
    table: &Table2,
    source: &str,
    today: NaiveDate,
    options: Options,
) -> Result<SheetPlan, CellError> {
    let err = |row: Option<usize>, col: Option<usize>, message: String| CellError {
        source: source.to_string(),
        row,
        column: col.map(|c| (c + 1, table.headers.get(c).cloned().unwrap_or_default())),
        message,
    };
    let empty = Sheet { name: register.name(), headers: Vec::new(), rows: Vec::new() };
    let cur = current.sheets.get(register.name()).unwrap_or(&empty);
    let cur_ix: HashMap<&str, usize> = cur.headers.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
    let provider_ids: HashSet<i64> = current.providers.iter().map(|(id, _)| *id).collect();
    let member_ids: HashSet<i64> = current.members.iter().map(|(id, _, _)| *id).collect();

    // The header: each column known, once; machine keys and the headers people read are both accepted.
    let mut mapped: Vec<Mapped> = Vec::new();
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    let mut score_at: Vec<(i64, usize)> = Vec::new();
    for (i, h) in table.headers.iter().enumerate() {
        let h = h.trim();
        let m = if let Some(c) = register.columns().iter().find(|c| c.key == h || c.label.eq_ignore_ascii_case(h)) {
            if at.insert(c.key, i).is_some() {
                return Err(err(Some(1), Some(i), format!("column \"{h}\" appears twice")));
            }
            Mapped::Col(c)
        } else if let (Register::Scores, Some(named)) = (register, score_column(h)) {
            // "Name (P-3)", "Name (UUID)", or "Name (#3)" as a sheet exported before UUIDs names the provider.
            let p = current
                .idents
                .reference(conn, Table::Provider, named.trim_start_matches('#'))
                .map_err(|e| err(Some(1), Some(i), format!("{e} (in the column \"{h}\")")))?;
            if !provider_ids.contains(&p) {
                return Err(err(Some(1), Some(i), format!("unknown provider id {p} in the column \"{h}\"")));
            }
            if score_at.iter().any(|(q, _)| *q == p) {
                return Err(err(Some(1), Some(i), format!("column \"{h}\" appears twice")));
            }
            score_at.push((p, i));
            Mapped::Score(p)
        } else {
            return Err(err(
                Some(1),
                Some(i),
                format!(
                    "unknown column \"{h}\" in a {} file (its columns: {})",
                    register.name(),
                    register.columns().iter().map(|c| c.key).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        mapped.push(m);
    }
    let id_key = register.id_column();
    if !at.contains_key(id_key)
        && !at.contains_key("ref")
        && !register
            .key_columns()
            .iter()
            .all(|k| at.contains_key(k) || name_for(register, k).is_some_and(|n| at.contains_key(n)))
    {
        return Err(err(
            Some(1),
            None,
            format!(
                "missing column \"{id_key}\": without it rows are matched by {}, whose columns ({}) are missing too",
                register.natural_key(),
                register.key_columns().join(", ")
            ),
        ));
    }

    // The records as they stand, by id and by natural key.
    let cur_id = cur_ix.get(id_key).copied();
    let by_id: HashMap<i64, usize> =
        cur.rows.iter().enumerate().filter_map(|(n, r)| Some((cur_id.and_then(|i| r[i].as_i64())?, n))).collect();
    let cur_key = |r: &Vec<Value>| -> String {
        key_text(
            &register.key_columns().iter().map(|k| cur_ix.get(k).map_or(&Value::Null, |&i| &r[i])).collect::<Vec<_>>(),
        )
    };
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, r) in cur.rows.iter().enumerate() {
        by_key.entry(cur_key(r)).or_default().push(n);
    }

    let mut plan = SheetPlan {
        register,
        source: source.to_string(),
        added: Vec::new(),
        updated: Vec::new(),
        removed: Vec::new(),
        unchanged: 0,
        ambiguous: Vec::new(),
        read_only: Vec::new(),
        id_column: at.get(id_key).copied(),
        ref_column: at.get("ref").copied(),
        unnamed: Vec::new(),
        ops: Vec::new(),
    };
    // Which file row claimed each record, and the natural keys of the rows added.
    let mut claimed: HashMap<usize, usize> = HashMap::new();
    let mut new_keys: HashMap<String, usize> = HashMap::new();
    let mut first = true;
    for (line, cells) in &table.rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // A workbook saved as CSV keeps both header rows: the stored keys, then the headers people read.
        if std::mem::take(&mut first) && is_label_row(&mapped, &table.headers, cells) {
            continue;
        }
        let line_no = *line;
        let line = Some(*line);
        if let Some(extra) = (table.headers.len()..cells.len()).find(|&i| !cells[i].trim().is_empty()) {
            return Err(CellError {
                source: source.to_string(),
                row: line,
                column: Some((extra + 1, String::new())),
                message: format!(
                    "this row has a value beyond the last column of the header ({} columns); nothing is ignored \
                     silently, so remove the extra cells or name their column",
                    table.headers.len()
                ),
            });
        }
        for (i, c) in cells.iter().enumerate() {
            let n = c.chars().count();
            if n > LONG_TEXT_MAX {
                return Err(err(line, Some(i), format!("cell too large: {n} characters (at most {LONG_TEXT_MAX})")));
            }
        }
        let text = |i: usize| -> &str {
            let t = cells.get(i).map_or("", |s| s.as_str());
            if table.formula_guards { unguard_formula(t) } else { t }
        };
        // The id: the record's UUID, or the whole number a sheet exported before UUIDs gave it (its row id).
        let mut row_at: Option<usize> = None;
        if let Some(&ic) = at.get(id_key) {
            let t = text(ic).trim();
            if let Some(id) = current.idents.row(conn, register.table(), t).map_err(|e| err(line, Some(ic), e))? {
                let Some(&n) = by_id.get(&id) else {
                    return Err(err(
                        line,
                        Some(ic),
                        format!(
                            "unknown id {id}: this engagement has no such {} (leave the id blank to add one)",
                            noun(register.table())
                        ),
                    ));
                };
                if let Some(first) = claimed.get(&n) {
                    return Err(err(
                        line,
                        Some(ic),
                        format!(
                            "duplicate id {t}: row {first} has it too (a copied row keeps its record's id and ref: \
                             clear both in a row meant as a new record)"
                        ),
                    ));
                }
                row_at = Some(n);
            }
        }
        let had_id = row_at.is_some();
        // A row without an id is matched by its ref, when it has one.
        let mut by_reference = false;
        let ref_cell = at.get("ref").map(|&i| (i, text(i).trim().to_string()));
        if let (None, Some((i, r))) = (row_at, &ref_cell)
            && !r.is_empty()
        {
            let id = current.idents.by_ref(register.table(), r).map_err(|e| err(line, Some(*i), e))?;
            let Some(&n) = by_id.get(&id) else {
                return Err(err(line, Some(*i), format!("unknown reference {r}: this engagement has no such record")));
            };
            if let Some(first) = claimed.get(&n) {
                return Err(err(
                    line,
                    Some(*i),
                    format!(
                        "{} is on row {first} too: one record, two rows (a copied row keeps its record's ref: clear \
                         it in a row meant as a new record)",
                        current.idents.shown(register.table(), id)
                    ),
                ));
            }
            row_at = Some(n);
            by_reference = true;
        }
        // The values the file gives, by column key. A withheld cell gives none.
        let withheld_row = register == Register::VettingChecks
            && at.get("status").is_some_and(|&i| text(i).trim().eq_ignore_ascii_case(WITHHELD));
        let mut given: HashMap<&'static str, (usize, Value)> = HashMap::new();
        let mut checks_given: Vec<(&'static str, usize, Value)> = Vec::new();
        let mut scores_given: Vec<(i64, usize, Option<i64>)> = Vec::new();
        let mut names: Vec<(&'static Column, usize, String)> = Vec::new();
        let mut fixed_cells: Vec<(usize, &'static str, String)> = Vec::new();
        for (i, m) in mapped.iter().enumerate() {
            let t = text(i);
            match m {
                Mapped::Score(p) => {
                    let v =
                        parse_cell(&SCORE_FIELD, t, today, options.date_format).map_err(|e| err(line, Some(i), e))?;
                    scores_given.push((*p, i, v.as_i64()));
                }
                Mapped::Col(c) => match c.role {
                    Role::Id | Role::Ref => {}
                    Role::ReadOnly => fixed_cells.push((i, c.key, t.trim().to_string())),
                    Role::Check(kind) => {
                        if t.trim().is_empty() || t.trim().eq_ignore_ascii_case(WITHHELD) {
                            continue;
                        }
                        let v =
                            parse_cell(&FieldSpec::new(c.key, c.key, CHECK_FIELD.kind), t, today, options.date_format)
                                .map_err(|e| err(line, Some(i), e))?;
                        checks_given.push((kind, i, v));
                    }
                    Role::Name { .. } => names.push((c, i, t.trim().to_string())),
                    Role::Edit(spec) => {
                        if withheld_row && matches!(c.key, "status" | "evidence" | "note") {
                            continue;
                        }
                        // A column naming another record: its short reference, its UUID, or a legacy row id.
                        let v = match refers_to(c.key) {
                            Some(table) if !t.trim().is_empty() => {
                                Value::Int(current.idents.reference(conn, table, t).map_err(|e| err(line, Some(i), e))?)
                            }
                            _ => parse_cell(&spec, t, today, options.date_format).map_err(|e| err(line, Some(i), e))?,
                        };
                        given.insert(c.key, (i, v));
                    }
                },
            }
        }
        // Names resolve as in the forms, when they say something the id column does not.
        for (c, i, typed) in &names {
            let Role::Name { into, of } = c.role else { continue };
            if typed.is_empty() {
                continue;
            }
            let stored = row_at.and_then(|n| cur_ix.get(c.key).map(|&ci| cur.rows[n][ci].to_string()));
            if stored.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case(typed)) {
                continue;
            }
            let provider = given
                .get("provider_id")
                .and_then(|(_, v)| v.as_i64())
                .or_else(|| row_at.and_then(|n| cur_ix.get("provider_id").and_then(|&ci| cur.rows[n][ci].as_i64())));
            let id = current.resolve(of, typed, provider).map_err(|e| err(line, Some(*i), e))?;
            if of == Named::Backup
                && id.is_some()
                && id == row_at.and_then(|n| cur_id.and_then(|ci| cur.rows[n][ci].as_i64()))
            {
                return Err(err(line, Some(*i), "a member cannot back themselves up".into()));
            }
            given.insert(into, (*i, Value::from(id)));
        }
        // Match a row without an id or ref by its natural key.
        let mut by_natural_key = false;
        if row_at.is_none() {
            let vals: Vec<Value> = register
                .key_columns()
                .iter()
                .map(|k| given.get(k).map(|(_, v)| v.clone()).unwrap_or(Value::Null))
                .collect();
            let key = key_text(&vals.iter().collect::<Vec<_>>());
            match by_key.get(&key).map(Vec::as_slice) {
                Some([n]) => {
                    if let Some(first) = claimed.get(n) {
                        return Err(err(
                            line,
                            None,
                            format!(
                                "this row and row {first} are the same {} (matched by {}): give each its id",
                                noun(register.table()),
                                register.natural_key()
                            ),
                        ));
                    }
                    row_at = Some(*n);
                    by_natural_key = true;
                }
                Some(many) if many.len() > 1 => {
                    let ids: Vec<String> = many
                        .iter()
                        .filter_map(|n| cur_id.and_then(|i| cur.rows[*n][i].as_i64()))
                        .map(|id| current.idents.shown(register.table(), id))
                        .collect();
                    plan.ambiguous.push(format!(
                        "row {line_no}: {} records share this {} ({}): give the row its id or ref",
                        many.len(),
                        register.natural_key(),
                        ids.join(", ")
                    ));
                    continue;
                }
                _ => {
                    if let Some(first) = new_keys.insert(key, line_no) {
                        return Err(err(
                            line,
                            None,
                            format!(
                                "this row and row {first} would add the same {} ({}): keep one",
                                noun(register.table()),
                                register.natural_key()
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(n) = row_at {
            claimed.insert(n, line_no);
        }
        // The ref is given by assay: a changed one is reported as a read-only cell (a reference typed in another
        // case or spacing, "r 3", is the same reference). A blank one says nothing, as a blank id says nothing.
        if let Some((i, r)) = ref_cell.filter(|(_, r)| !r.is_empty()) {
            let r = ids::parse_ref(&r).map_or(r, |(t, n)| ids::short_ref(t, n));
            fixed_cells.push((i, "ref", r));
        }
        // Read-only cells: compared with what the workbench works out, and reported when they differ. A blank one
        // says nothing, as a blank ref does: a row typed as new (and since given its id by --write-ids) has them
        // blank, and importing it again must not report them.
        for (i, key, t) in &fixed_cells {
            let now = row_at.and_then(|n| cur_ix.get(key).map(|&ci| cur.rows[n][ci].to_string())).unwrap_or_default();
            let same_number = now.trim().parse::<f64>().ok().zip(t.parse::<f64>().ok()).is_some_and(|(a, b)| a == b);
            if now.trim() != t && !same_number && !t.is_empty() {
                plan.read_only.push(format!(
                    "row {line_no}, column {} ({key}): the file says {}, the workbench has {}",
                    column_letter(i + 1),
                    shown(t),
                    shown(&now)
                ));
            }
        }
        // The whole record as it would stand, for the form's checks.
        let display = |c: &Column, v: &Value| match (c.role, refers_to(c.key), v.as_i64()) {
            (_, Some(table), Some(id)) => current.idents.shown(table, id),
            (Role::Edit(spec), _, _) => spec.display(v),
            _ => v.to_string(),
        };
        let mut merged: Vec<(&'static str, Value)> = Vec::new();
        let mut changes: Vec<Change> = Vec::new();
        let mut write: Vec<(&'static str, Value)> = Vec::new();
        for c in register.columns() {
            let Role::Edit(spec) = c.role else { continue };
            let old = row_at.and_then(|n| cur_ix.get(c.key).map(|&ci| cur.rows[n][ci].clone())).map(|v| {
                match (spec.kind, &v) {
                    // A yes/no is shown as "yes" or "no" and stored as 1 or 0.
                    (FieldKind::YesNo, Value::Text(t)) => spec.parse(t, today).unwrap_or(v),
                    _ => v,
                }
            });
            let new = match (given.get(c.key), &old) {
                (Some((_, v)), _) => v.clone(),
                (None, Some(old)) => old.clone(),
                (None, None) => {
                    if withheld_row && matches!(c.key, "status" | "evidence" | "note") {
                        Value::Null
                    } else {
                        spec.parse("", today)
                            .map_err(|e| err(line, None, format!("{e} (the file has no {} column)", c.key)))?
                    }
                }
            };
            if let Some((i, v)) = given.get(c.key) {
                let refers =
                    refers_to(c.key).map(|t| (if t == Table::Provider { &provider_ids } else { &member_ids }, t));
                if let (Some((set, what)), Some(id)) = (refers, v.as_i64())
                    && !set.contains(&id)
                {
                    return Err(err(
                        line,
                        Some(*i),
                        format!("unknown id {id}: this engagement has no such {}", noun(what)),
                    ));
                }
                if let ("catalog_ref", Value::Text(r)) = (c.key, v)
                    && catalog::catalog().get(r).is_none()
                {
                    return Err(err(line, Some(*i), format!("\"{r}\" is not the id of an item of the catalog")));
                }
            }
            match &old {
                Some(old) if !same(old, &new) => {
                    if let (Some((i, _)), Some(why)) = (given.get(c.key), fixed(register, c.key)) {
                        return Err(err(line, Some(*i), why));
                    }
                    changes.push(Change { column: c.key.to_string(), old: display(c, old), new: display(c, &new) });
                    write.push((spec.key, new.clone()));
                }
                Some(_) => {}
                None => write.push((spec.key, new.clone())),
            }
            merged.push((spec.key, new));
        }
        let col_of = |key: &str| {
            register
                .columns()
                .iter()
                .find(|c| c.key == key || matches!(c.role, Role::Edit(spec) if spec.key == key))
                .and_then(|c| at.get(c.key).copied())
        };
        let checked = match register {
            Register::Risks => Risk::check(&merged).and_then(|_| Risk::check_acceptance(&merged)),
            Register::TeamMembers => TeamMember::check(&merged),
            Register::VettingChecks => {
                let kind = merged.iter().find(|(k, _)| *k == "kind").map(|(_, v)| v.to_string()).unwrap_or_default();
                match kind.parse::<CheckKind>() {
                    Ok(k) if !withheld_row => VettingCheck::check(k, &merged),
                    _ => Ok(()),
                }
            }
            Register::Assets => AssetForm::check(&merged),
            Register::AccessGrants => {
                let has = |k: &str| merged.iter().any(|(key, v)| *key == k && !v.is_null());
                if !has("holder_id") && !has("holder_name") {
                    Err(("holder_name", "give the holder: a team member's name, or a name in holder_name".to_string()))
                } else {
                    GrantForm::check(&merged)
                }
            }
            _ => Ok(()),
        };
        // A record the file leaves as it is stays as it is, even if it predates a rule of its form.
        if row_at.is_none() || !changes.is_empty() {
            checked.map_err(|(key, msg)| err(line, col_of(key), msg))?;
        }
        // The checks of a member and the scores of a criterion.
        let member = row_at.and_then(|n| cur_id.and_then(|i| cur.rows[n][i].as_i64()));
        let mut checks_write = Vec::new();
        for (kind, i, v) in checks_given {
            let old = row_at.and_then(|n| cur_ix.get(kind).map(|&ci| cur.rows[n][ci].clone())).unwrap_or(Value::Null);
            if !same(&old, &v) {
                // The check form's rules, on the check as it would stand (a waiver needs its reason, …).
                let mut check = member.map(|m| current.check(m, kind)).unwrap_or_default();
                check.retain(|(k, _)| *k != "status");
                check.push(("status", v.clone()));
                if let Ok(k) = kind.parse::<CheckKind>() {
                    VettingCheck::check(k, &check).map_err(|(_, msg)| {
                        err(line, Some(i), format!("{msg} (edit it in the vetting_checks sheet)"))
                    })?;
                }
                changes.push(Change { column: kind.to_string(), old: old.to_string(), new: v.to_string() });
                checks_write.push((kind, v));
            }
        }
        let mut scores_write = Vec::new();
        for (p, _, v) in scores_given {
            let header = cur.headers.iter().position(|h| local_score_column(h) == Some(p));
            let old = row_at.and_then(|n| header.map(|ci| cur.rows[n][ci].as_i64())).flatten();
            if old != v {
                changes.push(Change {
                    column: current
                        .providers
                        .iter()
                        .find(|(id, _)| *id == p)
                        .map_or_else(|| current.idents.shown(Table::Provider, p), |(_, n)| n.clone()),
                    old: old.map(|s| s.to_string()).unwrap_or_default(),
                    new: v.map(|s| s.to_string()).unwrap_or_default(),
                });
                scores_write.push((p, v));
            }
        }
        let label = row_label(register, &merged, current);
        let reference = member.and_then(|id| current.idents.short(register.table(), id));
        match member.filter(|_| row_at.is_some()) {
            Some(id) => {
                if !had_id {
                    let how = if by_reference { Matched::ByRef } else { Matched::ByKey };
                    plan.unnamed.push((line_no, Unnamed::Matched(id, how)));
                }
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.ops.push(Op::Update { id, values: write, checks: checks_write, scores: scores_write });
                    plan.updated.push(RowPlan {
                        line,
                        id: Some(id),
                        reference,
                        label,
                        by_reference,
                        by_natural_key,
                        changes,
                    });
                }
            }
            None => {
                if register == Register::Checklist
                    && let Some((_, v)) = given.get("catalog_ref")
                    && let Value::Text(r) = v
                    && catalog::catalog().get(r).is_none()
                {
                    return Err(err(line, None, format!("\"{r}\" is not the id of an item of the catalog")));
                }
                let changes = merged
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| {
                        let new = match (refers_to(k), v.as_i64()) {
                            (Some(table), Some(id)) => current.idents.shown(table, id),
                            _ => v.to_string(),
                        };
                        Change { column: (*k).to_string(), old: String::new(), new }
                    })
                    .collect();
                plan.unnamed.push((line_no, Unnamed::Added(plan.added.len())));
                plan.ops.push(Op::Insert { values: merged.clone(), checks: checks_write, scores: scores_write });
                plan.added.push(RowPlan {
                    line,
                    id: None,
                    reference: None,
                    label,
                    by_reference: false,
                    by_natural_key: false,
                    changes,
                });
            }
        }
    }
    // What the file no longer lists.
    for (n, r) in cur.rows.iter().enumerate() {
        if claimed.contains_key(&n) {
            continue;
        }
        let Some(id) = cur_id.and_then(|i| r[i].as_i64()) else { continue };
        let merged: Vec<(&'static str, Value)> = register
            .columns()
            .iter()
            .filter_map(|c| match c.role {
                Role::Edit(spec) => Some((spec.key, cur_ix.get(c.key).map_or(Value::Null, |&i| r[i].clone()))),
                _ => None,
            })
            .collect();
        plan.removed.push(RowPlan {
            line: None,
            id: Some(id),
            reference: current.idents.short(register.table(), id),
            label: row_label(register, &merged, current),
            by_reference: false,
            by_natural_key: false,
            changes: Vec::new(),
        });
        if options.delete_missing {
            plan.ops.push(Op::Delete { id });
        }
    }
    Ok(plan)
}

/// Whether a row repeats the header in words: each cell the label of its column (or the header itself).
fn is_label_row(mapped: &[Mapped], headers: &[String], cells: &[String]) -> bool {
    let mut named = 0;
    for ((m, cell), header) in mapped.iter().zip(cells).zip(headers) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let fits = match m {
            Mapped::Col(c) => c.label.eq_ignore_ascii_case(cell) || c.key == cell,
            Mapped::Score(_) => header.trim() == cell,
        };
        if !fits {
            return false;
        }
        named += 1;
    }
    named > 0
}

/// Why a column of an existing record cannot change on import, if it cannot.
fn fixed(register: Register, key: &str) -> Option<String> {
    match (register, key) {
        (Register::VettingChecks, "member_id" | "kind") => {
            Some("a check stays with its member and kind: add a new row (without an id) instead".into())
        }
        (Register::Checklist, "catalog_ref") => {
            Some("a checklist row stays with its catalog item: add a row for the other item instead".into())
        }
        _ => None,
    }
}

/// The name column whose name gives `key` (an id column), if the register has one.
fn name_for(register: Register, key: &str) -> Option<&'static str> {
    register.columns().iter().find_map(|c| match c.role {
        Role::Name { into, .. } if into == key => Some(c.key),
        _ => None,
    })
}

/// A record in words, for the preview.
fn row_label(register: Register, values: &[(&'static str, Value)], current: &Current) -> String {
    let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string()).unwrap_or_default();
    let member =
        |id: String| current.members.iter().find(|(m, _, _)| m.to_string() == id).map_or(id, |(_, n, _)| n.clone());
    match register {
        Register::Risks | Register::Providers | Register::TeamMembers => {
            get(if register == Register::Risks { "title" } else { "name" })
        }
        Register::VettingChecks => format!("{} – {}", member(get("member_id")), get("kind")),
        Register::Assets => get("tag"),
        Register::AccessGrants => {
            let who = if get("holder_id").is_empty() { get("holder_name") } else { member(get("holder_id")) };
            format!("{} – {}", who, get("target"))
        }
        Register::Scores => get("text"),
        Register::Checklist => get("catalog_ref"),
    }
}

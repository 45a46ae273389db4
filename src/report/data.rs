//! What the report is made from, read once, and the pieces its sections are built of: the record tables and the
//! names of the engagement's records. Shared by the builder and the modules of its sections.

use std::collections::HashMap;

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use rusqlite::Connection;

use super::model::{Block, REF_HEADER, Record};
use crate::domain::assets::{Asset, Grant};
use crate::domain::risk::{RiskFacts, Verdict, verdict};
use crate::domain::scorecard::Ranked;
use crate::domain::vetting::{TeamMember, VettingCheck};
use crate::domain::{Engagement, EngagementSummary, Provider, Risk};
use crate::store::ids::{self, Ident};
use crate::store::{Table, refs, registers};
use crate::store::{assets as store_assets, vetting as store_vetting};
use crate::store::{checklist, criteria, engagements, providers, risks, scores};

pub(super) fn dash(o: &Option<String>) -> String {
    o.clone().filter(|x| !x.is_empty()).unwrap_or_else(|| "—".into())
}

pub(super) fn table(headers: &[&str], rows: Vec<Vec<String>>, numeric: &[usize]) -> Block {
    Block::Table {
        headers: headers.iter().map(|h| (*h).to_string()).collect(),
        rows,
        numeric: (0..headers.len()).map(|i| numeric.contains(&i)).collect(),
        records: Vec::new(),
    }
}

/// A table whose rows are records: each row starts with the record's short reference (a column of its own), and the
/// JSON carries the record's reference and UUID row for row. `numeric` counts the columns after the reference.
pub(super) fn record_table(headers: &[&str], rows: Vec<(Record, Vec<String>)>, numeric: &[usize]) -> Block {
    let mut all = vec![REF_HEADER];
    all.extend_from_slice(headers);
    let (records, rows): (Vec<Record>, Vec<Vec<String>>) = rows
        .into_iter()
        .map(|(rec, row)| {
            let mut cells = vec![rec.reference.clone()];
            cells.extend(row);
            (rec, cells)
        })
        .unzip();
    let numeric: Vec<usize> = numeric.iter().map(|i| i + 1).collect();
    match table(&all, rows, &numeric) {
        Block::Table { headers, rows, numeric, .. } => Block::Table { headers, rows, numeric, records },
        other => other,
    }
}

/// What identifies the engagement's records, read once per table, to name them in the report.
pub(super) struct Names(HashMap<Table, HashMap<i64, Ident>>);

impl Names {
    fn read(conn: &Connection, engagement: i64, tables: &[Table]) -> Result<Names> {
        let mut all = HashMap::new();
        for t in tables {
            all.insert(*t, ids::idents(conn, *t, engagement)?);
        }
        Ok(Names(all))
    }

    /// A record by its table and row id: its reference (from `number`, as the record was read) and its UUID.
    pub fn of(&self, table: Table, id: i64, number: i64) -> Record {
        let uuid = self.0.get(&table).and_then(|m| m.get(&id)).map(|i| i.uuid.to_string()).unwrap_or_default();
        Record { reference: refs::label(table, number), uuid }
    }

    /// A record by its table and row id alone.
    pub fn by_id(&self, table: Table, id: i64) -> Record {
        let number = self.0.get(&table).and_then(|m| m.get(&id)).and_then(|i| i.number).unwrap_or(0);
        self.of(table, id, number)
    }

    /// A record by its table and short number.
    pub(super) fn by_number(&self, table: Table, number: i64) -> Record {
        let found = self.0.get(&table).and_then(|m| m.iter().find(|(_, i)| i.number == Some(number)));
        Record {
            reference: refs::label(table, number),
            uuid: found.map(|(_, i)| i.uuid.to_string()).unwrap_or_default(),
        }
    }
}

/// What the report is asked for besides the engagement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The results and notes of criminal-record and credit checks of named people.
    pub include_sensitive: bool,
    /// The catalog's texts of the items cited.
    pub with_catalog_text: bool,
    /// A final report: version "Final", no placeholders (the caller has checked with [`missing_narrative`]).
    pub is_final: bool,
}

/// Everything the report is made from, read once.
pub(super) struct Data<'a> {
    pub e: &'a Engagement,
    pub today: NaiveDate,
    pub summary: EngagementSummary,
    pub provs: Vec<Provider>,
    pub criteria: usize,
    pub ranking: Vec<Ranked>,
    pub register: Vec<Risk>,
    pub facts: Vec<RiskFacts>,
    pub verdict: Verdict,
    pub members: Vec<TeamMember>,
    pub checks: Vec<VettingCheck>,
    pub conflicts: Vec<crate::domain::vetting::RoleConflict>,
    /// What each member still holds (assets, access), by member id.
    pub holdings: HashMap<i64, crate::domain::vetting::Holdings>,
    pub assets: Vec<Asset>,
    pub grants: Vec<Grant>,
    pub checklist: HashMap<String, checklist::ChecklistRow>,
    pub files: Vec<crate::store::evidence::Evidence>,
    pub journal: Vec<crate::store::journal::Entry>,
    pub head: String,
    /// The heads of the team's history chains at the last sync, when the workspace is part of a team.
    pub team: Option<crate::store::team_status::TeamHeads>,
    pub names: Names,
}

impl<'a> Data<'a> {
    pub(super) fn read(conn: &Connection, e: &'a Engagement, today: NaiveDate) -> Result<Data<'a>> {
        let provs = providers::list(conn, e.id)?;
        let crits = criteria::list(conn, e.id)?;
        let score_list = scores::list(conn, e.id)?;
        let ranking = registers::ranking(&provs, &crits, &score_list, today);
        let register = risks::list(conn, e.id)?;
        let facts: Vec<RiskFacts> = register.iter().map(|r| r.facts()).collect();
        let verdict = verdict(&facts, today);
        let mut assets = store_assets::list(conn, e.id)?;
        assets.sort_by_key(|a| a.id);
        let mut grants = store_assets::grants(conn, e.id)?;
        grants.sort_by_key(|g| g.id);
        let mut holdings = HashMap::new();
        for p in &provs {
            holdings.extend(store_vetting::holdings(conn, p.id)?);
        }
        let names = Names::read(
            conn,
            e.id,
            &[
                Table::Provider,
                Table::Risk,
                Table::TeamMember,
                Table::Asset,
                Table::AccessGrant,
                Table::PhaseChange,
                Table::Note,
                Table::JournalEntry,
            ],
        )?;
        Ok(Data {
            e,
            today,
            summary: engagements::summary(conn, e.id, &today.to_string())?,
            criteria: crits.len(),
            ranking,
            facts,
            verdict,
            members: store_vetting::engagement_members(conn, e.id)?,
            checks: store_vetting::engagement_checks(conn, e.id)?,
            conflicts: store_vetting::role_conflicts(conn, e.id)?,
            holdings,
            assets,
            grants,
            checklist: checklist::rows(conn, e.id)?,
            files: crate::store::evidence::list(conn, Some(e.id))?,
            journal: crate::store::journal::list(conn, e.id)?,
            head: crate::store::history::head(conn)?.to_string(),
            team: crate::store::team_status::heads(conn)?,
            names,
            provs,
            register,
        })
    }

    /// The providers the report is about: those selected, or before a choice every one not rejected.
    pub fn provider_names(&self) -> String {
        let chosen: Vec<&str> = self.provs.iter().filter(|p| p.status == "selected").map(|p| p.name.as_str()).collect();
        let shown: Vec<&str> = if chosen.is_empty() {
            self.provs.iter().filter(|p| p.status != "rejected").map(|p| p.name.as_str()).collect()
        } else {
            chosen
        };
        if shown.is_empty() { "—".into() } else { shown.join(", ") }
    }
}

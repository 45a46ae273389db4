//! The names a form may offer as a field is typed into: the provider's team members of an engagement, and the
//! names already written in the workspace for risk and business owners and for verifiers.

use rusqlite::Connection;

/// Whose names a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The team members of the engagement's providers (holders, back-ups, who accepted a hand-over, who was
    /// interviewed).
    Members,
    /// The organisation's owners: of risks, of the business.
    Owners,
    /// Who verified a check, a return, a destruction or a revocation.
    Verifiers,
}

/// The names a field (by its column key) takes, if it names a person.
pub fn who_for(field: &str) -> Option<Who> {
    match field {
        "holder" | "backup_for" | "accepted_by" | "interviewed" => Some(Who::Members),
        "owner" | "business_owner" => Some(Who::Owners),
        "verifier" | "verified_by" => Some(Who::Verifiers),
        _ => None,
    }
}

/// At most this many names are offered to one field.
const MOST: i64 = 500;

/// The names of `who` (members of `engagement`), each once, in alphabetical order (any case).
pub fn names(conn: &Connection, engagement: Option<i64>, who: Who) -> rusqlite::Result<Vec<String>> {
    let name = |r: &rusqlite::Row<'_>| r.get::<_, String>(0);
    match who {
        Who::Members => conn
            .prepare_cached(
                "SELECT DISTINCT m.name FROM team_member m JOIN provider p ON p.id = m.provider_id
                 WHERE p.engagement_id = ?1 AND trim(m.name) <> '' ORDER BY m.name COLLATE NOCASE LIMIT ?2",
            )?
            .query_map(rusqlite::params![engagement, MOST], name)?
            .collect(),
        // Owners and verifiers are the names already written anywhere in the workspace.
        Who::Owners => conn
            .prepare_cached(
                "SELECT name FROM (SELECT owner AS name FROM risk WHERE owner IS NOT NULL
                                   UNION SELECT business_owner FROM engagement WHERE business_owner IS NOT NULL)
                 WHERE trim(name) <> '' ORDER BY name COLLATE NOCASE LIMIT ?1",
            )?
            .query_map([MOST], name)?
            .collect(),
        Who::Verifiers => conn
            .prepare_cached(
                "SELECT name FROM (SELECT verifier AS name FROM vetting_check WHERE verifier IS NOT NULL
                                   UNION SELECT verified_by FROM asset WHERE verified_by IS NOT NULL
                                   UNION SELECT verified_by FROM access_grant WHERE verified_by IS NOT NULL)
                 WHERE trim(name) <> '' ORDER BY name COLLATE NOCASE LIMIT ?1",
            )?
            .query_map([MOST], name)?
            .collect(),
    }
}

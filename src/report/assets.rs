//! The asset tracking form of an engagement (`assay report assets ENGAGEMENT`), in Markdown or as one printable
//! HTML page, with room for the signatures at hand-over and at return.

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use rusqlite::Connection;

use super::escape::esc;
use crate::domain::Engagement;
use crate::domain::assets::{Asset, AssetState};
use crate::store::{assets, providers};

/// Everything the form shows.
#[derive(Debug, Clone)]
pub struct AssetForm {
    pub engagement: String,
    /// The engagement's short reference ("E-3") and UUID, so the signed paper names it beyond doubt.
    pub engagement_ref: String,
    pub engagement_uuid: String,
    pub providers: Vec<String>,
    pub printed: NaiveDate,
    pub printed_by: String,
    /// The workspace's history head when printed (`COUNT:HASH`).
    pub history_head: String,
    /// The heads of the team's history chains at the last sync, in one line with its time, when the workspace is
    /// part of a team.
    pub team_heads: Option<String>,
    pub assets: Vec<(Asset, AssetState)>,
}

/// The groups of the form, in the order printed: what is still out first.
const GROUPS: [AssetState; 6] = [
    AssetState::Overdue,
    AssetState::Unaccounted,
    AssetState::WithHolder,
    AssetState::NotIssued,
    AssetState::Returned,
    AssetState::Destroyed,
];

pub(super) fn group_title(s: AssetState) -> &'static str {
    match s {
        AssetState::Overdue => "Overdue: past the expected return",
        AssetState::Unaccounted => "Unaccounted: holder, acceptance, verifier or certificate missing",
        AssetState::WithHolder => "With the provider",
        AssetState::NotIssued => "Not handed over yet",
        AssetState::Returned => "Returned",
        AssetState::Destroyed => "Destroyed",
    }
}

pub(super) const LEGEND: &str = "! overdue · ? unaccounted (no holder, no acceptance, no verifier, or destroyed without a \
    certificate) · → with holder · · not issued · ✓ returned · ✗ destroyed";

/// Gathers the form of an engagement as of `today`: the chosen providers (or, before a choice, every one not
/// rejected) and every asset with its state.
pub fn gather(conn: &Connection, e: &Engagement, today: NaiveDate, printed_by: &str) -> Result<AssetForm> {
    let all = providers::list(conn, e.id)?;
    let chosen: Vec<String> = all.iter().filter(|p| p.status == "selected").map(|p| p.name.clone()).collect();
    let providers = if chosen.is_empty() {
        all.iter().filter(|p| p.status != "rejected").map(|p| p.name.clone()).collect()
    } else {
        chosen
    };
    Ok(AssetForm {
        engagement: e.name.clone(),
        engagement_ref: crate::store::refs::label(crate::store::Table::Engagement, e.number),
        engagement_uuid: e.uuid.clone(),
        providers,
        printed: today,
        printed_by: printed_by.to_string(),
        history_head: crate::store::history::head(conn)?.to_string(),
        team_heads: crate::store::team_status::heads(conn)?
            .map(|t| format!("{} (at the sync of {})", t.line(), super::findings::when(&t.at))),
        assets: assets::list(conn, e.id)?
            .into_iter()
            .map(|a| {
                let s = a.state(today);
                (a, s)
            })
            .collect(),
    })
}

fn o(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// The cells of one asset row, plain text, in column order (the signature columns are left blank).
pub(super) fn cells(a: &Asset, s: AssetState) -> Vec<String> {
    let back = match a.disposition.as_deref() {
        Some("destroyed") => format!("destroyed {}", o(&a.returned_on)),
        Some(_) => o(&a.returned_on).to_string(),
        None => String::new(),
    };
    let proof = match a.disposition.as_deref() {
        Some("destroyed") => format!("cert. {}", o(&a.certificate)),
        _ => o(&a.condition).to_string(),
    };
    vec![
        s.text(),
        crate::store::refs::label(crate::store::Table::Asset, a.number),
        a.tag.clone(),
        o(&a.description).to_string(),
        a.kind.replace('_', " "),
        o(&a.classification).to_string(),
        a.holder_name.clone().unwrap_or_default(),
        o(&a.handed_over).to_string(),
        o(&a.accepted_by).to_string(),
        String::new(),
        o(&a.expected_return).to_string(),
        back,
        o(&a.verified_by).to_string(),
        proof,
        String::new(),
    ]
}

pub(super) const HEADERS: [&str; 15] = [
    "State",
    "Ref",
    "Tag",
    "Description",
    "Kind",
    "Class",
    "Holder",
    "Handed over",
    "Accepted by (provider)",
    "Hand-over signature & date",
    "Expected back",
    "Returned / destroyed",
    "Verified by",
    "Condition / certificate",
    "Return signature & date",
];

pub(super) fn groups(form: &AssetForm) -> Vec<(AssetState, Vec<&(Asset, AssetState)>)> {
    GROUPS
        .iter()
        .map(|g| (*g, form.assets.iter().filter(|(_, s)| s == g).collect::<Vec<_>>()))
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}

/// Escapes a value for Markdown: the one escaper both reports use (no markup, no raw HTML, one line).
pub fn md_escape(s: &str) -> String {
    super::markdown::md_text(s)
}

/// The form as Markdown: a table per state group.
pub fn markdown(form: &AssetForm) -> String {
    let mut s = String::new();
    s.push_str(&format!("# Asset tracking form — {}\n\n", md_escape(&form.engagement)));
    let providers = if form.providers.is_empty() { "—".to_string() } else { form.providers.join(", ") };
    s.push_str(&format!("- Engagement: {} (UUID {})\n", form.engagement_ref, form.engagement_uuid));
    s.push_str(&format!("- Provider(s): {}\n", md_escape(&providers)));
    s.push_str(&format!("- Printed: {} by {}\n", form.printed, md_escape(&form.printed_by)));
    s.push_str(&format!("- History head: {}\n", form.history_head));
    if let Some(t) = &form.team_heads {
        s.push_str(&format!("- Team history heads: {}\n", md_escape(t)));
    }
    s.push_str(&format!("- Assets: {}\n", form.assets.len()));
    s.push_str(&format!("- Legend: {LEGEND}\n\n"));
    s.push_str(
        "Sign at hand-over (the provider's person accepting the asset) and at return or destruction (the verifier).\n",
    );
    if form.assets.is_empty() {
        s.push_str("\nNo assets are recorded for this engagement.\n");
    }
    for (state, rows) in groups(form) {
        s.push_str(&format!("\n## {} ({})\n\n", group_title(state), rows.len()));
        s.push_str(&format!("| {} |\n", HEADERS.join(" | ")));
        s.push_str(&format!("|{}\n", "---|".repeat(HEADERS.len())));
        for (a, st) in rows {
            let c: Vec<String> = cells(a, *st).iter().map(|c| md_escape(c)).collect();
            s.push_str(&format!("| {} |\n", c.join(" | ")));
        }
    }
    s
}

const CSS: &str = r#"
@page { size: A4 landscape; margin: 10mm; }
body { font: 9pt/1.3 "DejaVu Sans", Arial, sans-serif; color: #000; background: #fff; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 4pt; }
h2 { font-size: 11pt; margin: 12pt 0 4pt; break-after: avoid; page-break-after: avoid; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 1pt 8pt; margin: 0 0 6pt; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
p.legend { border: 1px solid #000; padding: 3pt 5pt; }
table { width: 100%; border-collapse: collapse; table-layout: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 2pt 3pt; vertical-align: top; overflow-wrap: normal; word-break: normal;
         hyphens: manual; -webkit-hyphens: manual; }
th { background: #eee; font-weight: bold; text-align: left; }
td.sign { height: 15mm; min-width: 28mm; }
col.state { width: 7%; } col.ref { width: 5%; } col.tag { width: 8%; } col.desc { width: 11%; } col.sign { width: 10%; }
section + section { break-before: auto; }
@media print { section.group { break-before: page; } section.group:first-of-type { break-before: auto; } }
"#;

/// The form as one self-contained HTML page that prints on A4 landscape, readable in black and white.
pub fn html(form: &AssetForm) -> String {
    let e = esc;
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str(&format!("<title>Asset tracking form — {}</title>\n", e(&form.engagement)));
    s.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n"));
    s.push_str(&format!("<h1>Asset tracking form — {}</h1>\n", e(&form.engagement)));
    let providers = if form.providers.is_empty() { "—".to_string() } else { form.providers.join(", ") };
    s.push_str("<dl class=\"meta\">\n");
    s.push_str(&format!(
        "<dt>Engagement</dt><dd>{} {} (UUID {})</dd>\n",
        e(&form.engagement_ref),
        e(&form.engagement),
        e(&form.engagement_uuid)
    ));
    s.push_str(&format!("<dt>Provider(s)</dt><dd>{}</dd>\n", e(&providers)));
    s.push_str(&format!("<dt>Printed</dt><dd>{} by {}</dd>\n", form.printed, e(&form.printed_by)));
    s.push_str(&format!("<dt>History head</dt><dd>{}</dd>\n", e(&form.history_head)));
    if let Some(t) = &form.team_heads {
        s.push_str(&format!("<dt>Team history heads</dt><dd>{}</dd>\n", e(t)));
    }
    s.push_str(&format!("<dt>Assets</dt><dd>{}</dd>\n</dl>\n", form.assets.len()));
    s.push_str(&format!(
        "<p class=\"legend\"><strong>Legend.</strong> {}. Hand-over signature: the provider's person accepting \
         the asset, with the date. Return signature: the person verifying the return or destruction, with the \
         date.</p>\n",
        e(LEGEND)
    ));
    if form.assets.is_empty() {
        s.push_str("<p>No assets are recorded for this engagement.</p>\n");
    }
    for (state, rows) in groups(form) {
        s.push_str("<section class=\"group\">\n");
        s.push_str(&format!("<h2>{} ({})</h2>\n<table>\n<colgroup>", e(group_title(state)), rows.len()));
        for (i, _) in HEADERS.iter().enumerate() {
            let class = match i {
                0 => " class=\"state\"",
                1 => " class=\"ref\"",
                2 => " class=\"tag\"",
                3 => " class=\"desc\"",
                9 | 14 => " class=\"sign\"",
                _ => "",
            };
            s.push_str(&format!("<col{class}>"));
        }
        s.push_str("</colgroup>\n<thead><tr>");
        for h in HEADERS {
            s.push_str(&format!("<th scope=\"col\">{}</th>", e(h)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for (a, st) in rows {
            s.push_str("<tr>");
            for (i, c) in cells(a, *st).iter().enumerate() {
                let class = if i == 9 || i == 14 { " class=\"sign\"" } else { "" };
                s.push_str(&format!("<td{class}>{}</td>", e(c)));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody>\n</table>\n</section>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        assert_eq!(esc("<script>alert('x')</script>&\""), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;");
        assert_eq!(md_escape("a|b<i>\nc"), "a\\|b&lt;i&gt; c");
    }
}

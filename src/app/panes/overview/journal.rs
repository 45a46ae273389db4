//! The interview journal, kept by the Overview: entries typed as the conversation goes, each optionally linked to
//! the record it is about. `J` from any tab opens a new entry linked to the record under the cursor; Ctrl-S saves
//! it and leaves the next one open, with the same people and link, for rapid capture. `i` on the Overview lists the
//! journal in order, to read, find in, edit and delete (every change audited, and undoable).

use std::borrow::Cow;

use color_eyre::Result;

use super::OverviewPane;
use crate::app::pane::{Cx, Values};
use crate::domain::{FieldKind, FieldSpec, Value};
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::store::journal::{self, Entry, NewEntry};
use crate::widgets::find::Found;

/// The fields of a journal entry.
pub const JOURNAL_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("text", "What was said", FieldKind::LongText).required(),
    FieldSpec::new("interviewed", "Interviewed", FieldKind::Text { max: 200 }),
    FieldSpec::new("present", "Present", FieldKind::Text { max: 300 }),
];

/// The fields of an entry being edited: those of a new one, and whether the report quotes it.
pub const JOURNAL_EDIT_FIELDS: &[FieldSpec] = &[
    JOURNAL_FIELDS[0],
    JOURNAL_FIELDS[1],
    JOURNAL_FIELDS[2],
    FieldSpec::new("for_report", "Quote in the report", FieldKind::YesNo),
];

/// A journal form, as the Overview's intent.
#[derive(Debug, Clone, PartialEq)]
pub enum JournalForm {
    New { engagement: i64, link: Option<(Table, i64)>, link_label: Option<String> },
    Edit(i64),
}

/// A question of the journal.
#[derive(Debug, Clone, PartialEq)]
pub enum JournalAsk {
    Delete(i64),
}

/// The journal as listed on the Overview, narrowed by a find over what was said, the names and the link.
pub type JournalView = Found<Entry>;

/// The fields of an entry a find looks in.
fn searched(e: &Entry) -> Vec<Cow<'_, str>> {
    vec![
        crate::app::panes::refs::label(Table::JournalEntry, e.number).into(),
        e.text.as_str().into(),
        e.interviewed.as_deref().unwrap_or("").into(),
        e.present.as_deref().unwrap_or("").into(),
        e.link_label.as_deref().unwrap_or("").into(),
    ]
}

impl OverviewPane {
    /// Reads the journal of the engagement again, keeping the entry selected where it can.
    pub(super) fn load_journal(&mut self, cx: &Cx) -> Result<()> {
        let Some(engagement) = self.engagement else { return Ok(()) };
        let Some(view) = self.journal.as_mut() else { return Ok(()) };
        let entries = journal::list(cx.store.conn(), engagement)?;
        view.reload(entries, |e| e.id, searched, usize::from(cx.size.1.saturating_sub(8)));
        Ok(())
    }

    pub(super) fn open_journal(&mut self, cx: &Cx) -> Result<()> {
        self.journal = Some(JournalView::default());
        self.load_journal(cx)
    }

    /// A new entry, linked to `link` (the record under the cursor), with who was there filled in when given.
    pub(super) fn open_entry(
        &self,
        cx: &mut Cx,
        link: Option<(Table, i64, String)>,
        who: (Option<String>, Option<String>),
    ) {
        let Some(engagement) = self.engagement else { return };
        let link = link.filter(|(t, _, _)| journal::LINKABLE.contains(t));
        let label = link.as_ref().map(|(t, id, _)| journal::label(cx.store.conn(), *t, *id).unwrap_or_default());
        let title = match &label {
            Some(l) => format!("Journal entry — on {l}"),
            None => "Journal entry".to_string(),
        };
        let values = [Value::Null, Value::from(who.0), Value::from(who.1)];
        let mut form = cx.form(
            title,
            JournalForm::New { engagement, link: link.map(|(t, id, _)| (t, id)), link_label: label },
            JOURNAL_FIELDS,
            &values,
        );
        let save = cx.key(Context::Form, &Action::SaveForm);
        form.intro = vec![format!("{save} saves the entry and opens the next one; Esc on an empty entry closes it.")];
        cx.open(form);
    }

    pub(super) fn update_journal(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        let Some(view) = self.journal.as_mut() else { return Ok(()) };
        if view.update(&action) {
            return Ok(());
        }
        match action {
            Action::Cancel | Action::Journal => self.journal = None,
            Action::Add => {
                let link = view.selected().and_then(|e| e.link.map(|(t, id)| (t, id, String::new())));
                let who = view.selected().map(|e| (e.interviewed.clone(), e.present.clone())).unwrap_or_default();
                self.open_entry(cx, link, who);
            }
            Action::Edit | Action::Open => {
                if let Some(e) = view.selected() {
                    let values = [
                        Value::text(&e.text),
                        Value::from(e.interviewed.clone()),
                        Value::from(e.present.clone()),
                        Value::Int(i64::from(e.for_report)),
                    ];
                    let title = format!("Journal entry of {}", when(&e.said_at, cx.dates));
                    cx.open_form(title, JournalForm::Edit(e.id), JOURNAL_EDIT_FIELDS, &values);
                }
            }
            Action::Delete => {
                if let Some(e) = view.selected() {
                    let start: String = e.text.chars().take(60).collect();
                    cx.confirm(
                        "Delete journal entry",
                        format!("Delete the entry “{start}…” of {}? {}", when(&e.said_at, cx.dates), cx.undo_note()),
                        JournalAsk::Delete(e.id),
                    );
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn save_journal(&mut self, form: &JournalForm, values: &Values, cx: &mut Cx) -> Result<String> {
        let text = |key: &str| {
            values.iter().find(|(k, _)| *k == key).and_then(|(_, v)| match v {
                Value::Text(t) if !t.trim().is_empty() => Some(t.clone()),
                _ => None,
            })
        };
        match form {
            JournalForm::New { engagement, link, link_label } => {
                let said_at = cx.store.now();
                let (body, interviewed, present) =
                    (text("text").unwrap_or_default(), text("interviewed"), text("present"));
                cx.store.write(|w| {
                    journal::add(
                        w,
                        *engagement,
                        &NewEntry {
                            said_at: &said_at,
                            text: &body,
                            interviewed: interviewed.as_deref(),
                            present: present.as_deref(),
                            link: *link,
                        },
                    )
                })?;
                cx.changed();
                self.load_journal(cx)?;
                // The next entry, with the same people and link, for the next thing said.
                let next_link = link.map(|(t, id)| (t, id, link_label.clone().unwrap_or_default()));
                self.open_entry(cx, next_link, (interviewed, present));
                Ok("Entry saved; the next one is open".into())
            }
            JournalForm::Edit(id) => {
                let cols = [
                    ("text", Value::from(text("text"))),
                    ("interviewed", Value::from(text("interviewed"))),
                    ("present", Value::from(text("present"))),
                    (
                        "for_report",
                        Value::Int(
                            values.iter().find(|(k, _)| *k == "for_report").and_then(|(_, v)| v.as_i64()).unwrap_or(0),
                        ),
                    ),
                ];
                let n = cx.store.write(|w| journal::update(w, *id, &cols))?;
                cx.changed();
                self.load_journal(cx)?;
                Ok(if n == 0 { "Nothing changed".into() } else { "Entry saved".into() })
            }
        }
    }

    pub(super) fn confirm_journal(&mut self, ask: &JournalAsk, cx: &mut Cx) -> Result<()> {
        let JournalAsk::Delete(id) = ask;
        cx.store.write(|w| journal::delete(w, *id))?;
        cx.changed();
        self.load_journal(cx)?;
        cx.saved("Journal entry deleted");
        Ok(())
    }
}

/// The journal entries linked to a record, as lines of its read-only view: when, who, and what was said.
pub fn linked_lines(cx: &Cx, table: Table, id: i64) -> Vec<(String, String)> {
    let entries = journal::for_record(cx.store.conn(), table, id).unwrap_or_default();
    let mut out = vec![(String::new(), String::new())];
    if entries.is_empty() {
        out.push(("Journal".into(), "— (no entry linked; J writes one)".into()));
    }
    for (n, e) in entries.iter().enumerate() {
        out.push((if n == 0 { "Journal".into() } else { String::new() }, format!("{} {}", said(e, cx.dates), e.text)));
    }
    out
}

/// When an entry was said and by whom, as a line about it starts: "2026-11-30 10:02 Kofi Mensah:".
pub fn said(e: &Entry, style: crate::domain::DateStyle) -> String {
    let who = e.interviewed.as_deref().map(|w| format!(" {w}:")).unwrap_or_default();
    format!("{}{who}", when(&e.said_at, style))
}

/// The journal entries linked to a record, for the intro of its form: how many, and the latest `max`, one line each
/// (when, who, the start of what was said). Empty when there is none.
pub fn linked_brief(cx: &Cx, table: Table, id: i64, max: usize) -> Vec<String> {
    let entries = journal::for_record(cx.store.conn(), table, id).unwrap_or_default();
    if entries.is_empty() {
        return Vec::new();
    }
    let n = entries.len();
    let list = cx.key(Context::Overview, &Action::Journal);
    let mut out = vec![format!(
        "Journal: {n} entr{} on it ({list} on the Overview lists the journal){}",
        if n == 1 { "y" } else { "ies" },
        if n > max { format!("; the latest {max}:") } else { ":".into() }
    )];
    for e in entries.iter().skip(n.saturating_sub(max)) {
        let text: String = e.text.replace(['\n', '\r'], " ").chars().take(90).collect();
        let more = if e.text.chars().count() > 90 { "…" } else { "" };
        out.push(format!("  {} {text}{more}", said(e, cx.dates)));
    }
    out
}

/// `said_at` (RFC 3339) as the journal shows it: the local date in `style` and the local time to the minute.
pub fn when(said_at: &str, style: crate::domain::DateStyle) -> String {
    match chrono::DateTime::parse_from_rfc3339(said_at) {
        Ok(t) => {
            let local = t.with_timezone(&chrono::Local);
            format!("{} {}", style.show(&local.format("%Y-%m-%d").to_string()), local.format("%H:%M"))
        }
        Err(_) => said_at.to_string(),
    }
}

//! The evidence files of an engagement, kept by the Overview: `E` from any tab attaches a file to the record under
//! the cursor (a path field that completes folders and files), `F` on the Overview lists them to find in, caption
//! and delete. Every change goes through the write path, so it is audited and undoable; the content is stored in
//! the workspace, hashed (see `store::evidence`).

use std::borrow::Cow;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::OverviewPane;
use crate::app::pane::{Cx, Values};
use crate::domain::{FieldKind, FieldSpec, Value};
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::store::evidence::{self, Attach, Evidence};
use crate::widgets::find::Found;
use crate::widgets::paths;

/// The fields of a file being attached.
pub const ATTACH_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("file", "File", FieldKind::Path).required(),
    FieldSpec::new("caption", "Caption", FieldKind::LongText),
];

/// The field of a caption being edited.
const CAPTION_FIELDS: &[FieldSpec] = &[FieldSpec::new("caption", "Caption", FieldKind::LongText)];

/// An evidence form, as the Overview's intent.
#[derive(Debug, Clone, PartialEq)]
pub enum EvidenceForm {
    Attach { engagement: i64, target: Option<(Table, i64)> },
    Caption(i64),
}

/// A question of the evidence list.
#[derive(Debug, Clone, PartialEq)]
pub enum EvidenceAsk {
    Delete(i64),
}

/// A file's cells in the list: name and caption, size, the record it is about, when it was added, the start of its
/// SHA-256. Control characters are made visible.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    pub name: String,
    pub size: String,
    pub about: String,
    pub added: String,
    pub sha: String,
}

impl Shown {
    fn of(f: &Evidence, dates: crate::domain::DateStyle) -> Shown {
        let name = match &f.caption {
            Some(c) => format!("{} — {}", f.name, c.replace(['\n', '\r'], " ")),
            None => f.name.clone(),
        };
        let about = f.target.as_ref().map_or_else(
            || "the engagement".to_string(),
            |t| match &t.reference {
                Some(r) => format!("{r} {}", t.label),
                None => t.label.clone(),
            },
        );
        let size = evidence::human_size(f.size);
        Shown {
            name: crate::visible::visible(&name).into_owned(),
            size: if f.stored { size } else { format!("{size} ✗") },
            about: crate::visible::visible(&about).into_owned(),
            added: super::journal::when(&f.added_at, dates),
            sha: f.sha256.chars().take(12).collect(),
        }
    }
}

/// A file as listed: the file, and its cells worked out once when read rather than at every frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub file: Evidence,
    pub shown: Shown,
}

/// The evidence files as listed on the Overview, narrowed by a find over reference, name, caption, record, hash,
/// media type and who added them.
pub type EvidenceView = Found<Listed>;

fn searched(l: &Listed) -> Vec<Cow<'_, str>> {
    let f = &l.file;
    let target = f.target.as_ref();
    [
        f.reference.as_str(),
        f.name.as_str(),
        f.caption.as_deref().unwrap_or(""),
        target.and_then(|t| t.reference.as_deref()).unwrap_or(""),
        target.map_or("engagement", |t| t.label.as_str()),
        f.sha256.as_str(),
        f.media_type.as_str(),
        f.added_by.as_deref().unwrap_or(""),
    ]
    .into_iter()
    .map(Cow::Borrowed)
    .collect()
}

impl OverviewPane {
    /// Reads the engagement's files again, keeping the one selected where it can.
    pub(super) fn load_evidence(&mut self, cx: &Cx) -> Result<()> {
        let Some(engagement) = self.engagement else { return Ok(()) };
        let Some(view) = self.evidence.as_mut() else { return Ok(()) };
        let files = evidence::list(cx.store.conn(), Some(engagement))?;
        let listed = files.into_iter().map(|file| Listed { shown: Shown::of(&file, cx.dates), file }).collect();
        view.reload(listed, |l| l.file.id, searched, usize::from(cx.size.1.saturating_sub(9)));
        Ok(())
    }

    pub(super) fn open_evidence(&mut self, cx: &Cx) -> Result<()> {
        self.evidence = Some(EvidenceView::default());
        self.load_evidence(cx)
    }

    /// The form attaching a file to `target` (the record under the cursor; none: the engagement as a whole).
    pub(super) fn open_attach(&self, cx: &mut Cx, target: Option<(Table, i64, String)>) {
        let Some(engagement) = self.engagement else { return };
        let target = target.filter(|(t, ..)| evidence::TARGETS.contains(&t.name()) && *t != Table::Evidence);
        let title = match &target {
            Some((.., name)) if !name.is_empty() => format!("Attach evidence — to {name}"),
            Some((t, ..)) => format!("Attach evidence — to this {}", t.name().replace('_', " ")),
            None => "Attach evidence — to the engagement".to_string(),
        };
        let mut form = cx.form(
            title,
            EvidenceForm::Attach { engagement, target: target.map(|(t, id, _)| (t, id)) },
            ATTACH_FIELDS,
            &[],
        );
        form.intro = vec![format!(
            "The file is copied into the workspace (encrypted with it) with its SHA-256; at most {}. A relative path \
             starts in the folder assay was started from; ~ is your home folder.",
            evidence::human_size(cx.evidence_limit)
        )];
        cx.open(form);
    }

    pub(super) fn update_evidence(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        let Some(view) = self.evidence.as_mut() else { return Ok(()) };
        if view.update(&action) {
            return Ok(());
        }
        match action {
            Action::Cancel | Action::Evidence => self.evidence = None,
            Action::Add => self.open_attach(cx, None),
            Action::Edit | Action::Open => {
                if let Some(Listed { file: f, .. }) = view.selected() {
                    let title = format!("Caption of {} {}", f.reference, f.name);
                    cx.open_form(title, EvidenceForm::Caption(f.id), CAPTION_FIELDS, &[Value::from(f.caption.clone())]);
                }
            }
            Action::Delete => {
                if let Some(Listed { file: f, .. }) = view.selected() {
                    cx.confirm(
                        "Delete evidence file",
                        format!(
                            "Delete {} “{}” ({}) from the workspace? {}",
                            f.reference,
                            f.name,
                            evidence::human_size(f.size),
                            cx.undo_note()
                        ),
                        EvidenceAsk::Delete(f.id),
                    );
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Before a file is attached: the path must name a readable file within the limit. Said on the field, with the
    /// form kept as typed.
    pub(super) fn evidence_rule(form: &EvidenceForm, values: &Values, cx: &Cx) -> Option<(&'static str, String)> {
        let EvidenceForm::Attach { .. } = form else { return None };
        let typed = text(values, "file")?;
        match evidence::open_source(&paths::expand(&typed), cx.evidence_limit) {
            Ok(_) => None,
            Err(e) => Some(("file", e.to_string())),
        }
    }

    pub(super) fn save_evidence(&mut self, form: &EvidenceForm, values: &Values, cx: &mut Cx) -> Result<String> {
        match form {
            EvidenceForm::Attach { engagement, target } => {
                let typed = text(values, "file").unwrap_or_default();
                let caption = text(values, "caption");
                let mut src =
                    evidence::open_source(&paths::expand(&typed), cx.evidence_limit).map_err(|e| eyre!("{e}"))?;
                let to = Attach { engagement: *engagement, target: *target, caption: caption.as_deref() };
                let stored = cx.store.write(|w| {
                    let id = evidence::attach(w, &mut src, to, &mut |_, _| {})?;
                    crate::store::ids::ident(w.tx(), Table::Evidence, id)
                });
                let ident = match stored {
                    Ok(ident) => ident,
                    Err(e) => return Err(evidence::file_error(&e).map_or_else(|| eyre!("{e}"), |f| eyre!("{f}"))),
                };
                cx.changed();
                self.load_evidence(cx)?;
                let reference = ident
                    .and_then(|i| i.number)
                    .map(|n| crate::store::ids::short_ref(Table::Evidence, n))
                    .unwrap_or_default();
                Ok(format!("Stored {reference} {} ({}), SHA-256 recorded", src.name, evidence::human_size(src.size)))
            }
            EvidenceForm::Caption(id) => {
                let n = cx
                    .store
                    .write(|w| w.update(Table::Evidence, *id, &[("caption", Value::from(text(values, "caption")))]))?;
                cx.changed();
                self.load_evidence(cx)?;
                Ok(if n == 0 { "Nothing changed".into() } else { "Caption saved".into() })
            }
        }
    }

    pub(super) fn confirm_evidence(&mut self, ask: &EvidenceAsk, cx: &mut Cx) -> Result<()> {
        let EvidenceAsk::Delete(id) = ask;
        cx.store.write(|w| w.delete(Table::Evidence, *id))?;
        cx.changed();
        self.load_evidence(cx)?;
        let undo = cx.key(Context::Global, &Action::Undo);
        cx.saved(format!("Evidence file deleted ({undo} brings it back until assay is closed)"));
        Ok(())
    }
}

fn text(values: &Values, key: &str) -> Option<String> {
    values.iter().find(|(k, _)| *k == key).and_then(|(_, v)| match v {
        Value::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    })
}

/// The files kept as evidence about a record, as lines of its read-only view: reference, name, size and the SHA-256
/// that checks a copy. Empty when there is none.
pub fn about_lines(conn: &rusqlite::Connection, table: Table, id: i64) -> Vec<(String, String)> {
    let files = evidence::about(conn, table, id).unwrap_or_default();
    let mut out = Vec::new();
    if !files.is_empty() {
        out.push((String::new(), String::new()));
    }
    for (i, (reference, name, size, sha256)) in files.into_iter().enumerate() {
        let label = if i == 0 { "Evidence".to_string() } else { String::new() };
        let size = evidence::human_size(size);
        out.push((
            label,
            crate::visible::visible(&format!("{reference} {name} ({size}), SHA-256 {sha256}")).into_owned(),
        ));
    }
    out
}

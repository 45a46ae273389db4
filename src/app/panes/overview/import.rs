//! Importing a spreadsheet from the Overview: a form asks for the file, the preview (the same plan `assay import
//! --dry-run` prints) is worked out on the worker, and the Overview shows it until the user applies it or cancels.
//! Applying writes through the same code as `assay import`; a refused file applies nothing and says why.

use std::path::{Path, PathBuf};

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::OverviewPane;
use crate::app::pane::{Cx, Effect, Task, TaskResult, Values};
use crate::domain::{FieldKind, FieldSpec, Value, plural};
use crate::interchange;
use crate::keys::{Action, Context};
use crate::store::registers::{self, DateFormat, Options, Plan, Register, Table2};
use crate::worker::Control;

/// The registers a CSV file may hold, for the form's choice (blank: the one the file is named after).
const REGISTERS: &[&str] =
    &["", "risks", "team_members", "vetting_checks", "assets", "access_grants", "providers", "scores", "checklist"];

/// The fields of the import form.
pub const IMPORT_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("file", "File (.xlsx or .csv)", FieldKind::Text { max: 4096 }).required(),
    FieldSpec::new("register", "Register (CSV only)", FieldKind::Enum(REGISTERS)),
    FieldSpec::new("dates", "Dates", FieldKind::Enum(&["iso", "dmy"])),
    FieldSpec::new("delete_missing", "Delete rows not in the file", FieldKind::YesNo),
];

/// The import form, as the Overview's intent.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportForm;

/// Where the import stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportState {
    /// The preview of this file is being worked out on the worker.
    Reading(String),
    /// The preview, until it is applied or cancelled.
    Preview(Box<Preview>),
}

/// What importing a file would do, as shown before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub engagement: i64,
    /// The file as the user reads it (in full).
    pub file: String,
    pub options: Options,
    /// The tables read from the file, to work the plan out again if the workspace changed meanwhile.
    pub tables: Vec<(Register, Table2, String)>,
    /// The plan, or why the file is refused (each message names the file, the sheet, the row and the column).
    pub plan: std::result::Result<Plan, Vec<String>>,
    /// The workbench's count of writes when the preview was asked for.
    pub commits: u64,
    pub scroll: usize,
}

impl Preview {
    /// Why nothing can be applied, if so: the refusals, and the natural keys that name several records.
    pub fn refusals(&self) -> Vec<String> {
        match &self.plan {
            Err(why) => why.clone(),
            Ok(plan) => plan
                .sheets
                .iter()
                .flat_map(|s| {
                    s.ambiguous.iter().map(move |a| format!("{}: ambiguous, give these rows their ids: {a}", s.source))
                })
                .collect(),
        }
    }
}

/// What the worker hands back: the preview, without its place on screen.
struct Worked {
    engagement: i64,
    file: String,
    options: Options,
    commits: u64,
    tables: Vec<(Register, Table2, String)>,
    plan: std::result::Result<Plan, Vec<String>>,
}

/// The file the form names: a relative path is taken from the reports folder.
pub fn resolve(reports_dir: &Path, typed: &str) -> PathBuf {
    let p = PathBuf::from(typed.trim());
    if p.is_absolute() { p } else { reports_dir.join(p) }
}

fn text<'v>(values: &'v Values, key: &str) -> &'v str {
    values
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| if let Value::Text(s) = v { Some(s.as_str()) } else { None })
        .unwrap_or("")
}

fn register_of(values: &Values, path: &Path) -> std::result::Result<Register, String> {
    let chosen = text(values, "register");
    let name = if chosen.is_empty() { path.file_stem().and_then(|s| s.to_str()).unwrap_or_default() } else { chosen };
    Register::from_name(name).ok_or_else(|| {
        format!("this CSV file is not named after a register: choose its register below (one of {})", Register::names())
    })
}

impl OverviewPane {
    /// Opens the import form, with what was typed last time.
    pub(super) fn open_import(&mut self, cx: &mut Cx) {
        let mut form = cx.form("Import a spreadsheet", ImportForm, IMPORT_FIELDS, &self.import_typed);
        form.intro = vec![
            "A relative path is taken from the reports folder:".into(),
            cx.reports_dir.display().to_string(),
            "Nothing is written before you have read the preview.".into(),
        ];
        cx.open(form);
    }

    /// The form's rule: the file must be there, and be a workbook or a CSV file of a known register.
    pub(super) fn import_rule(values: &Values, cx: &Cx) -> Option<(&'static str, String)> {
        let path = resolve(cx.reports_dir, text(values, "file"));
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        if ext != "xlsx" && ext != "csv" {
            return Some(("file", "the import reads .xlsx workbooks and .csv files".into()));
        }
        if !path.is_file() {
            return Some(("file", format!("no such file: {}", path.display())));
        }
        match register_of(values, &path) {
            Err(why) if ext == "csv" => Some(("register", why)),
            _ => None,
        }
    }

    /// Starts working out the preview on the worker; the form's values are kept for the next time.
    pub(super) fn start_import(&mut self, values: &Values, cx: &mut Cx) -> Result<String> {
        let Some(engagement) = cx.session.current_id() else { return Err(eyre!("open an engagement first")) };
        self.import_typed = IMPORT_FIELDS
            .iter()
            .map(|f| values.iter().find(|(k, _)| *k == f.key).map(|(_, v)| v.clone()).unwrap_or(Value::Null))
            .collect();
        let path = resolve(cx.reports_dir, text(values, "file"));
        let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let register = if is_csv { Some(register_of(values, &path).map_err(|e| eyre!(e))?) } else { None };
        let options = Options {
            date_format: if text(values, "dates") == "dmy" { DateFormat::Dmy } else { DateFormat::Iso },
            delete_missing: values.iter().any(|(k, v)| *k == "delete_missing" && *v == Value::Int(1)),
        };
        let file = path.display().to_string();
        let (today, commits) = (cx.today, cx.store.commits());
        self.import = Some(ImportState::Reading(file.clone()));
        cx.push(Effect::Task(Task::new("Reading the import", move |conn, c: &Control| {
            c.progress(0.1, "Reading the import file");
            let tables = match read_tables(&path, &file, register) {
                Ok(t) => t,
                Err(why) => {
                    return Worked { engagement, file, options, commits, tables: Vec::new(), plan: Err(vec![why]) };
                }
            };
            c.progress(0.5, "Comparing the file with the engagement");
            let list: Vec<(Register, &Table2, &str)> = tables.iter().map(|(r, t, s)| (*r, t, s.as_str())).collect();
            let plan = registers::plan(conn, engagement, &list, today, options).map_err(|e| vec![e.to_string()]);
            c.progress(1.0, "Preview ready");
            Worked { engagement, file, options, commits, tables, plan }
        })));
        Ok(String::new())
    }

    /// The preview came back from the worker (or the task ended without one).
    pub(super) fn import_done(&mut self, result: Option<TaskResult>, cx: &mut Cx) {
        if !matches!(self.import, Some(ImportState::Reading(_))) {
            return;
        }
        let Some(w) = result.and_then(|r| r.downcast::<Worked>().ok()) else {
            self.import = None;
            return;
        };
        if cx.session.current_id() != Some(w.engagement) {
            self.import = None;
            return;
        }
        self.import = Some(ImportState::Preview(Box::new(Preview {
            engagement: w.engagement,
            file: w.file,
            options: w.options,
            tables: w.tables,
            plan: w.plan,
            commits: w.commits,
            scroll: 0,
        })));
        self.scroll = 0;
    }

    /// Keys while the preview is on screen.
    pub(super) fn update_import(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        let page = usize::from(self.size.1.saturating_sub(10)).max(1);
        let Some(ImportState::Preview(p)) = &mut self.import else { return Ok(()) };
        match action {
            Action::ScrollDown => p.scroll += 1,
            Action::ScrollUp => p.scroll = p.scroll.saturating_sub(1),
            Action::PageDown => p.scroll += page,
            Action::PageUp => p.scroll = p.scroll.saturating_sub(page),
            Action::FirstRow => p.scroll = 0,
            Action::Cancel => {
                self.import = None;
                cx.toast("Import cancelled: nothing was written");
            }
            Action::ImportSheet => self.open_import(cx),
            Action::ConfirmYes => self.apply_import(cx)?,
            _ => {}
        }
        Ok(())
    }

    /// Applies the previewed plan in one transaction, as `assay import` does; a refused file applies nothing.
    fn apply_import(&mut self, cx: &mut Cx) -> Result<()> {
        let Some(ImportState::Preview(p)) = &mut self.import else { return Ok(()) };
        let refusals = p.refusals();
        if !refusals.is_empty() {
            let again = cx.key(Context::ImportPreview, &Action::ImportSheet);
            cx.error(format!("Refused, so nothing can be applied: {} — {again} chooses another file", refusals[0]));
            return Ok(());
        }
        let Ok(plan) = &p.plan else { return Ok(()) };
        // The workspace changed since the preview was worked out: work it out again, and show it if it differs.
        if cx.store.commits() != p.commits {
            let list: Vec<(Register, &Table2, &str)> = p.tables.iter().map(|(r, t, s)| (*r, t, s.as_str())).collect();
            let fresh = registers::plan(cx.store.conn(), p.engagement, &list, cx.today, p.options)
                .map_err(|e| vec![e.to_string()]);
            p.commits = cx.store.commits();
            if fresh.as_ref() != Ok(plan) {
                p.plan = fresh;
                p.scroll = 0;
                cx.error("The engagement changed since the preview: read the new preview before applying it");
                return Ok(());
            }
        }
        if plan.changes_nothing() {
            self.import = None;
            cx.toast("Nothing to change: the file matches the engagement");
            return Ok(());
        }
        match registers::apply(cx.store, p.engagement, plan, cx.today, &mut |_, _| {}) {
            Ok(done) => {
                let kept: usize =
                    if plan.delete_missing { 0 } else { plan.sheets.iter().map(|s| s.removed.len()).sum() };
                let message = format!(
                    "Imported {}: {} added, {} updated, {} removed, {} unchanged{}",
                    file_name(&p.file),
                    done.added,
                    done.updated,
                    done.removed,
                    done.unchanged,
                    if kept > 0 { format!("; {kept} not in the file kept") } else { String::new() }
                );
                cx.store.forget_undo(&format!("the import of {}", file_name(&p.file)));
                self.import = None;
                cx.changed();
                cx.saved(message);
            }
            Err(e) => cx.error(format!("{e}; nothing was imported")),
        }
        Ok(())
    }
}

/// Reads the tables of a workbook, or the one table of a CSV file of `register`.
fn read_tables(
    path: &Path,
    shown: &str,
    register: Option<Register>,
) -> std::result::Result<Vec<(Register, Table2, String)>, String> {
    match register {
        Some(reg) => {
            let bytes = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
            let table = interchange::read_csv(&bytes, shown).map_err(|e| e.to_string())?;
            Ok(vec![(reg, table, shown.to_string())])
        }
        None => interchange::read_xlsx(path).map_err(|e| e.to_string()),
    }
}

/// The preview as lines to read: a heading per register, then the rows to add, update (field by field) and
/// remove, and what is refused or not imported.
pub fn lines(p: &Preview) -> Vec<(Line, String)> {
    let mut out = Vec::new();
    let Ok(plan) = &p.plan else {
        out.push((Line::Refused, "Refused: nothing will be imported.".to_string()));
        for why in p.refusals() {
            out.push((Line::Refused, format!("  {why}")));
        }
        return out;
    };
    for why in p.refusals() {
        out.push((Line::Refused, why));
    }
    for s in &plan.sheets {
        let removed = if plan.delete_missing { s.removed.len() } else { 0 };
        out.push((
            Line::Heading,
            format!(
                "{} ({}): {} to add, {} to update, {} to remove, {} unchanged",
                s.register.title(),
                s.source,
                s.added.len(),
                s.updated.len(),
                removed,
                s.unchanged
            ),
        ));
        let by_ref = s.updated.iter().filter(|r| r.by_reference).count();
        if by_ref > 0 {
            out.push((Line::Note, format!("  {by_ref} row{} without an id matched by their ref", plural(by_ref))));
        }
        let keyed = s.added.iter().chain(&s.updated).filter(|r| r.by_natural_key).count();
        if keyed > 0 {
            out.push((
                Line::Note,
                format!("  {keyed} row{} without an id matched by {}", plural(keyed), s.register.natural_key()),
            ));
        }
        for r in &s.added {
            out.push((Line::Added, format!("  + {}{}", r.place(), r.label)));
        }
        for r in &s.updated {
            out.push((Line::Updated, format!("  ~ {}{}", r.place(), r.label)));
            for c in &r.changes {
                out.push((Line::Field, format!("      {}: {} → {}", c.column, shown(&c.old), shown(&c.new))));
            }
        }
        for r in &s.removed {
            if plan.delete_missing {
                out.push((Line::Removed, format!("  - {}{}", r.place(), r.label)));
            } else {
                out.push((Line::Note, format!("  kept (not in the file): {}{}", r.place(), r.label)));
            }
        }
        for w in &s.read_only {
            out.push((Line::Refused, format!("  ! read-only, not imported: {w}")));
        }
    }
    if plan.changes_nothing() {
        out.push((Line::Note, "Nothing to change: the file matches the engagement.".into()));
    }
    out
}

/// The kind of a line of the preview, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Heading,
    Added,
    Updated,
    Field,
    Removed,
    Note,
    Refused,
}

fn shown(s: &str) -> String {
    if s.is_empty() { "(blank)".into() } else { format!("“{s}”") }
}

/// The name of the file at `path`, for messages.
fn file_name(path: &str) -> String {
    Path::new(path).file_name().map_or(path.to_string(), |n| n.to_string_lossy().into_owned())
}

//! The engagement list and overview: creating, editing, switching, phasing and deleting engagements.

use color_eyre::Result;

use super::form::Form;
use super::{Action, App, Confirm, FormPurpose, Overlay, Pending, Tab};
use crate::catalog::{self, Use};
use crate::domain::plural;
use crate::domain::{Engagement, FieldKind, FieldSpec, Phase, Value, workflow};
use crate::store::{Table, checklist, criteria, engagements, notes, settings};

/// The one field of the phase gate.
const GATE_FIELDS: &[FieldSpec] = &[FieldSpec::new("reason", "Reason to go on anyway", FieldKind::LongText).required()];

/// The one field of the confirmation that moves an engagement back.
const BACK_FIELDS: &[FieldSpec] = &[FieldSpec::new("reason", "Why move back", FieldKind::LongText).required()];

/// The one field of the note form.
const NOTE_FIELDS: &[FieldSpec] = &[FieldSpec::new("text", "Note", FieldKind::LongText).required()];

impl App {
    pub(super) fn reload_engagements(&mut self) -> Result<()> {
        self.session.engagements = engagements::list(self.store.conn())?;
        self.engagements.refilter(&self.session.engagements);
        Ok(())
    }

    /// Makes `id` the current engagement and loads what the overview shows.
    pub(super) fn load_current(&mut self, id: i64) -> Result<()> {
        self.load_session(id)?;
        self.load_legacy_panes()?;
        self.load_panes(None)
    }

    /// Reads the engagement `id` and its figures into the session.
    pub(super) fn load_session(&mut self, id: i64) -> Result<()> {
        self.session.current = engagements::get(self.store.conn(), id)?;
        match &self.session.current {
            Some(e) => {
                self.session.summary = engagements::summary(self.store.conn(), e.id, &self.today.to_string())?;
                self.session.notes = notes::recent(self.store.conn(), e.id, 20)?;
                let facts: Vec<_> =
                    crate::store::risks::list(self.store.conn(), e.id)?.iter().map(|r| r.facts()).collect();
                self.session.risks = crate::domain::risk::RegisterFigures::of(&facts, self.today);
            }
            None => {
                self.session.summary = Default::default();
                self.session.notes.clear();
                self.session.risks = Default::default();
            }
        }
        Ok(())
    }

    /// Loads the panes not yet built as components.
    pub(super) fn load_legacy_panes(&mut self) -> Result<()> {
        self.load_workflow()?;
        self.load_scorecard()?;
        // The Vetting and Assets panes, the costliest to load, are loaded when shown (see `goto_tab_index`), so
        // that opening an engagement, and the first frame, wait only for what is on screen.
        match self.tab {
            Tab::Assets => self.load_assets(),
            _ => Ok(()),
        }
    }

    fn select_engagement_row(&mut self, id: i64) {
        if let Some(pos) = self.engagements.visible.iter().position(|&i| self.session.engagements[i].id == id) {
            self.engagements.cursor.select(pos);
        }
    }

    pub(super) fn open_new_engagement(&mut self) {
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            "New engagement",
            FormPurpose::NewEngagement,
            Engagement::FIELDS,
            &Engagement::defaults(),
        ))));
    }

    /// Edits every field but the phase, which moves only through the phase gate (`p`).
    fn open_edit_engagement(&mut self, e: &Engagement) {
        let fields: Vec<FieldSpec> = Engagement::FIELDS.iter().filter(|f| f.key != "phase").copied().collect();
        let values: Vec<Value> = fields.iter().map(|f| e.value(f.key)).collect();
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            format!("Edit engagement — {}", e.name),
            FormPurpose::EditEngagement(e.id),
            &fields,
            &values,
        ))));
    }

    fn open_set_phase(&mut self, e: &Engagement) {
        let spec: Vec<FieldSpec> = Engagement::FIELDS.iter().filter(|f| f.key == "phase").copied().collect();
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            format!("Phase of {} (← → or letters)", e.name),
            FormPurpose::SetPhase(e.id),
            &spec,
            &[e.value("phase")],
        ))));
    }

    fn open_note(&mut self, engagement: i64, target: Option<(Table, i64)>, about: &str) {
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            format!("Note on {about}"),
            FormPurpose::Note { engagement, target },
            NOTE_FIELDS,
            &[],
        ))));
    }

    /// Commits a validated form through the store; returns the message to show.
    pub(super) fn save_form(&mut self, purpose: &FormPurpose, values: &[(&'static str, Value)]) -> Result<String> {
        match purpose {
            FormPurpose::NewEngagement => {
                let id = self.store.write(|w| {
                    let id = engagements::create(w, values)?;
                    criteria::insert_defaults(w, id)?;
                    checklist::seed(w, id)?;
                    settings::set(w, settings::CURRENT_ENGAGEMENT, &id.to_string())?;
                    Ok(id)
                })?;
                self.reload_engagements()?;
                self.load_current(id)?;
                self.select_engagement_row(id);
                self.tab = Tab::Overview;
                Ok("Engagement created".into())
            }
            FormPurpose::EditEngagement(id) => {
                let n = self.store.write(|w| engagements::update(w, *id, values))?;
                self.after_engagement_change(*id)?;
                Ok(if n == 0 { "No changes".into() } else { format!("Saved ({n} field{})", plural(n)) })
            }
            FormPurpose::SetPhase(id) => self.move_phase(*id, values),
            FormPurpose::Reopen(id) => self.save_reopen(*id, values),
            FormPurpose::PhaseBack { engagement, from, to } => {
                let reason = values.first().map(|(_, v)| v.to_string());
                self.store.write(|w| checklist::change_phase(w, *engagement, *from, *to, &[], reason.as_deref()))?;
                self.after_engagement_change(*engagement)?;
                Ok(format!("Moved back to {} (reason recorded)", to.label()))
            }
            FormPurpose::PhaseGate { engagement, from, to, open_refs } => {
                let reason = values.first().map(|(_, v)| v.to_string());
                self.store
                    .write(|w| checklist::change_phase(w, *engagement, *from, *to, open_refs, reason.as_deref()))?;
                self.after_engagement_change(*engagement)?;
                Ok(format!(
                    "Moved to {} with {} open item{} (reason recorded)",
                    to.label(),
                    open_refs.len(),
                    plural(open_refs.len())
                ))
            }
            FormPurpose::ChecklistNote { engagement, catalog_ref } => {
                let note = values.first().map(|(_, v)| v.clone()).unwrap_or(Value::Null);
                self.save_checklist_note(*engagement, catalog_ref, note)
            }
            FormPurpose::Note { engagement, target } => {
                let text = values.first().map(|(_, v)| v.to_string()).unwrap_or_default();
                self.store.write(|w| notes::add(w, *engagement, *target, &text))?;
                if self.session.current.as_ref().is_some_and(|c| c.id == *engagement) {
                    self.load_current(*engagement)?;
                }
                Ok("Note added".into())
            }
            FormPurpose::NewProvider(_)
            | FormPurpose::EditProvider(_)
            | FormPurpose::Decide(_)
            | FormPurpose::NewCriterion(_)
            | FormPurpose::EditCriterion(_)
            | FormPurpose::CellNote { .. } => self.save_scorecard_form(purpose, values),
            FormPurpose::Pane(_) => Err(color_eyre::eyre::eyre!("a pane's form is saved by its pane")),
            FormPurpose::NewAsset { .. }
            | FormPurpose::EditAsset(_)
            | FormPurpose::ReturnAsset(_)
            | FormPurpose::DestroyAsset(_)
            | FormPurpose::NewGrant(_)
            | FormPurpose::EditGrant(_)
            | FormPurpose::RevokeGrant(_)
            | FormPurpose::CloseEngagement(_) => self.save_asset_form(purpose, values),
        }
    }

    /// Moves an engagement to the phase chosen in the form: forward straight away when nothing of the phase being
    /// left is open, otherwise through the gate, which lists the open items and asks for a reason; back only after
    /// a confirmation that asks why (recorded like a forward move).
    fn move_phase(&mut self, id: i64, values: &[(&'static str, Value)]) -> Result<String> {
        let Some(e) = engagements::get(self.store.conn(), id)? else { return Ok("Engagement not found".into()) };
        let to: Phase = values.first().and_then(|(_, v)| v.to_string().parse().ok()).unwrap_or(e.phase);
        if to == e.phase {
            return Ok("Phase unchanged".into());
        }
        if (to as u8) < (e.phase as u8) {
            let mut form = Form::new(
                format!("Move {} back to {}?", e.name, to.label()),
                FormPurpose::PhaseBack { engagement: id, from: e.phase, to },
                BACK_FIELDS,
                &[],
            );
            form.intro = vec![
                format!(
                    "{} is in {}. Moving it back to {} is recorded with the reason.",
                    e.name,
                    e.phase.label(),
                    to.label()
                ),
                format!(
                    "{} keeps the phase as it is.",
                    self.keymap
                        .key_for(super::Context::Form, &Action::Cancel)
                        .map(|k| k.to_string())
                        .unwrap_or_default()
                ),
            ];
            self.overlay = Some(Overlay::Form(Box::new(form)));
            return Ok(String::new());
        }
        let rows = checklist::rows(self.store.conn(), id)?;
        let status = rows.iter().map(|(k, r)| (k.clone(), r.status)).collect();
        let open = workflow::gate(catalog::catalog().with_use(Use::Workflow), &status, e.phase, to);
        if open.is_empty() {
            self.store.write(|w| checklist::change_phase(w, id, e.phase, to, &[], None))?;
            self.after_engagement_change(id)?;
            return Ok(format!("Phase set to {}", to.label()));
        }
        let mut intro = vec![format!(
            "{} item{} of {} {} still open:",
            open.len(),
            plural(open.len()),
            e.phase.label(),
            if open.len() == 1 { "is" } else { "are" }
        )];
        intro.extend(open.iter().take(8).map(|i| format!("  [ ] {}  {}", i.id, i.title)));
        if open.len() > 8 {
            intro.push(format!("  … and {} more (see the Workflow tab)", open.len() - 8));
        }
        intro.push("Give the reason to go on anyway; it is recorded with the phase change.".into());
        let mut form = Form::new(
            format!("Move {} to {}?", e.name, to.label()),
            FormPurpose::PhaseGate {
                engagement: id,
                from: e.phase,
                to,
                open_refs: open.iter().map(|i| i.id.clone()).collect(),
            },
            GATE_FIELDS,
            &[],
        );
        form.intro = intro;
        self.overlay = Some(Overlay::Form(Box::new(form)));
        Ok(String::new())
    }

    fn after_engagement_change(&mut self, id: i64) -> Result<()> {
        self.reload_engagements()?;
        self.select_engagement_row(id);
        if self.session.current.as_ref().is_some_and(|c| c.id == id) {
            self.load_current(id)?;
        }
        Ok(())
    }

    /// Makes the engagement current and shows its overview; remembered for the next start.
    pub(super) fn open_engagement(&mut self, id: i64) -> Result<()> {
        self.store.write(|w| settings::set(w, settings::CURRENT_ENGAGEMENT, &id.to_string()))?;
        self.load_current(id)?;
        self.tab = Tab::Overview;
        self.overview_scroll = 0;
        Ok(())
    }

    fn ask_delete(&mut self, e: &Engagement) -> Result<()> {
        let s = engagements::summary(self.store.conn(), e.id, &self.today.to_string())?;
        let held = [
            (s.providers, "provider"),
            (s.risks, "risk"),
            (s.members, "team member"),
            (s.assets, "asset"),
            (s.checklist_total, "checklist item"),
            (s.notes, "note"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", plural(*n as usize)))
        .collect::<Vec<_>>();
        let contents = if held.is_empty() {
            "It holds no records yet.".to_string()
        } else {
            format!("It holds {}.", held.join(", "))
        };
        self.overlay = Some(Overlay::Confirm(Confirm {
            title: "Delete engagement".into(),
            message: format!("Delete “{}” and everything recorded under it? {contents} This cannot be undone.", e.name),
            pending: Pending::DeleteEngagement(e.id),
            back: None,
        }));
        Ok(())
    }

    pub(super) fn delete_engagement(&mut self, id: i64) -> Result<()> {
        let name = self.session.engagements.iter().find(|e| e.id == id).map(|e| e.name.clone()).unwrap_or_default();
        match self.store.write(|w| engagements::delete(w, id)) {
            Ok(_) => {
                self.reload_engagements()?;
                if self.session.current.as_ref().is_some_and(|c| c.id == id) {
                    self.session.current = None;
                    if let Some(first) = self.session.engagements.first().map(|e| e.id) {
                        self.load_current(first)?;
                    } else {
                        self.load_current(-1)?;
                    }
                }
                self.tab = Tab::Engagements;
                self.saved(&format!("Deleted “{name}”"));
            }
            Err(e) => self.toast_error(format!("Not deleted: {e}")),
        }
        Ok(())
    }

    pub(super) fn update_engagement_list(&mut self, action: Action) -> Result<()> {
        let list = &mut self.engagements;
        if list.filtering {
            match action {
                Action::Char(c) => list.filter.insert(c),
                Action::Backspace => list.filter.backspace(),
                Action::CursorLeft => list.filter.left(),
                Action::CursorRight => list.filter.right(),
                Action::ClearField => list.filter.clear(),
                Action::Submit => list.filtering = false,
                Action::Cancel => {
                    list.filter.clear();
                    list.filtering = false;
                }
                _ => {}
            }
            list.refilter(&self.session.engagements);
            self.resize(self.size.0, self.size.1);
            return Ok(());
        }
        let selected = list.selected(&self.session.engagements).cloned();
        match action {
            ref a if list.cursor.navigate(a) => {}
            Action::Filter => {
                list.filtering = true;
                self.resize(self.size.0, self.size.1);
            }
            Action::Cancel => {
                list.filter.clear();
                list.refilter(&self.session.engagements);
                self.resize(self.size.0, self.size.1);
            }
            Action::Add => self.open_new_engagement(),
            Action::Edit => {
                if let Some(e) = selected {
                    self.open_edit_engagement(&e);
                }
            }
            Action::Open => {
                if let Some(e) = selected {
                    self.open_engagement(e.id)?;
                }
            }
            Action::SetPhase => {
                if let Some(e) = selected {
                    self.open_set_phase(&e);
                }
            }
            Action::Note => {
                if let Some(e) = selected {
                    self.open_note(e.id, None, &e.name);
                }
            }
            Action::Delete => {
                if let Some(e) = selected {
                    self.ask_delete(&e)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn update_overview(&mut self, action: Action) -> Result<()> {
        let Some(e) = self.session.current.clone() else {
            return Ok(());
        };
        match action {
            Action::Edit => self.open_edit_engagement(&e),
            Action::SetPhase => self.open_set_phase(&e),
            Action::Note => self.open_note(e.id, None, &e.name),
            Action::WriteReport => self.write_report(&e),
            Action::ExportBundle => self.export_bundle(&e),
            Action::ScrollDown => self.overview_scroll = self.overview_scroll.saturating_add(1),
            Action::ScrollUp => self.overview_scroll = self.overview_scroll.saturating_sub(1),
            _ => {}
        }
        Ok(())
    }
}

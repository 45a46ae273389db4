//! The forms and questions of the scorecard: providers, criteria, a cell's note, and the decision on a provider
//! with its gate override and the choice between replacing and keeping another selected provider.

use color_eyre::Result;

use super::ScorecardPane;
use crate::app::pane::{Cx, Values};
use crate::domain::plural;
use crate::domain::provider::is_decision;
use crate::domain::{Criterion, FieldKind, FieldSpec, Provider, Value};
use crate::keys::{Action, Context};
use crate::store::{criteria, providers, scores};

/// The forms of the scorecard.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ScoreForm {
    NewProvider(i64),
    EditProvider(i64),
    /// Set a provider's status (with the reason for a selection or rejection).
    Decide(i64),
    NewCriterion(i64),
    EditCriterion(i64),
    CellNote {
        provider: i64,
        criterion: i64,
    },
}

/// The questions of the scorecard.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ScoreAsk {
    DeleteProvider(i64),
    DeleteCriterion(i64),
}

/// On the decision form of a provider that fails a gate: selecting it anyway is an explicit override.
const GATE_OVERRIDE: FieldSpec = FieldSpec::new("gate_override", "Select despite the failed gates", FieldKind::YesNo);
/// On the decision form when another provider is already selected: replace it, or keep both.
const OTHER_SELECTED: FieldSpec = FieldSpec::new(
    "other_selected",
    "Already selected: replace or keep (multi-sourcing)",
    FieldKind::Enum(&["replace", "keep"]),
);

impl ScorecardPane {
    pub(super) fn open_edit_provider(&self, p: &Provider, cx: &mut Cx) {
        let values: Vec<Value> = Provider::FIELDS.iter().map(|f| p.value(f.key)).collect();
        let title = format!(
            "Edit provider {} — {}",
            crate::app::panes::refs::label(crate::store::Table::Provider, p.number),
            p.name
        );
        cx.open_form(title, ScoreForm::EditProvider(p.id), Provider::FIELDS, &values);
    }

    pub(super) fn open_edit_criterion(&self, c: &Criterion, cx: &mut Cx) {
        let values: Vec<Value> = Criterion::FIELDS.iter().map(|f| c.value(f.key)).collect();
        cx.open_form(
            format!(
                "Edit criterion {} — {}",
                crate::app::panes::refs::label(crate::store::Table::Criterion, c.number),
                c.text
            ),
            ScoreForm::EditCriterion(c.id),
            Criterion::FIELDS,
            &values,
        );
    }

    /// The decision form. The reason starts empty (a new decision needs its own reason); a provider that fails a
    /// gate lists the failed gates and asks for an explicit override; another provider already selected asks
    /// whether to replace it or keep both.
    pub(super) fn open_decision(&self, p: &Provider, cx: &mut Cx) {
        let failed = self.failed_gates(p.id, cx.today);
        let others = self.selected_others(p.id);
        let mut specs = Provider::DECISION_FIELDS.to_vec();
        let mut values: Vec<Value> =
            specs.iter().map(|f| if f.key == "status" { p.value(f.key) } else { Value::Null }).collect();
        let mut intro = Vec::new();
        if !failed.is_empty() {
            specs.push(GATE_OVERRIDE);
            values.push(Value::Int(0));
            let n = failed.len();
            intro.push(format!("✗ {} fails {n} gate{}:", p.name, plural(n)));
            intro.extend(failed.iter().map(|g| format!("  • {g}")));
            intro.push("Selecting it anyway is an override: answer yes below and give the reason.".into());
        }
        if !others.is_empty() {
            specs.push(OTHER_SELECTED);
            values.push(Value::Null);
            let names: Vec<&str> = others.iter().map(|(_, n)| n.as_str()).collect();
            intro.push(format!(
                "Already selected: {}. Selecting {} too: replace (they go back to shortlisted) or keep both.",
                names.join(", "),
                p.name
            ));
        }
        let (left, right) = (cx.key(Context::Form, &Action::CursorLeft), cx.key(Context::Form, &Action::CursorRight));
        let mut form = cx.form(
            format!("Status of {} ({left} {right} to choose; a reason is required to select or reject)", p.name),
            ScoreForm::Decide(p.id),
            &specs,
            &values,
        );
        form.intro = intro;
        cx.open(form);
    }

    /// Rules across fields that the field list alone cannot state: a field to mark and what it needs.
    pub(super) fn rule(&self, form: &ScoreForm, values: &Values, cx: &Cx) -> Option<(&'static str, String)> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string()).unwrap_or_default();
        match form {
            ScoreForm::Decide(id) if get("status") == "selected" => {
                let failed = self.failed_gates(*id, cx.today);
                let overridden = values.iter().any(|(k, v)| *k == "gate_override" && matches!(v, Value::Int(1)));
                if !failed.is_empty() && !overridden {
                    let n = failed.len();
                    return Some((
                        "gate_override",
                        format!("fails {n} gate{}: answer yes to override them, with the reason", plural(n)),
                    ));
                }
                if !self.selected_others(*id).is_empty() && get("other_selected").trim().is_empty() {
                    return Some(("other_selected", "choose replace or keep (multi-sourcing)".into()));
                }
                get("decision_reason").trim().is_empty().then(|| {
                    let what = if failed.is_empty() { "selected" } else { "selected despite the failed gates" };
                    ("decision_reason", format!("say why the provider is {what}"))
                })
            }
            ScoreForm::Decide(_) if is_decision(&get("status")) && get("decision_reason").trim().is_empty() => {
                Some(("decision_reason", format!("say why the provider is {}", get("status"))))
            }
            _ => None,
        }
    }

    /// Commits a scorecard form; returns the message to show.
    pub(super) fn save_form(&mut self, form: &ScoreForm, values: &Values, cx: &mut Cx) -> Result<String> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        let msg = match form {
            ScoreForm::NewProvider(engagement) => {
                let id = cx.store.write(|w| providers::create(w, *engagement, values))?;
                self.after_write(cx)?;
                if let Some(i) = self.providers.iter().position(|p| p.id == id) {
                    self.provider_cursor.select(i);
                }
                format!("Provider “{}” added", get("name"))
            }
            ScoreForm::EditProvider(id) => {
                let n = cx.store.write(|w| providers::update(w, *id, values))?;
                self.after_write(cx)?;
                if n == 0 { "No changes".to_string() } else { format!("Saved ({n} field{})", plural(n)) }
            }
            ScoreForm::Decide(id) => self.save_decision(*id, values, cx)?,
            ScoreForm::NewCriterion(engagement) => {
                let id = cx.store.write(|w| criteria::create(w, *engagement, values))?;
                self.after_write(cx)?;
                if let Some(i) = self.criteria.iter().position(|c| c.id == id) {
                    self.criterion_cursor.select(i);
                }
                format!("Criterion “{}” added", get("text"))
            }
            ScoreForm::EditCriterion(id) => {
                let n = cx.store.write(|w| criteria::update(w, *id, values))?;
                self.after_write(cx)?;
                if n == 0 { "No changes".to_string() } else { format!("Saved ({n} field{})", plural(n)) }
            }
            ScoreForm::CellNote { provider, criterion } => {
                let note = get("note").to_string();
                let note = (!note.trim().is_empty()).then_some(note);
                let kept = cx.store.write(|w| scores::set_note(w, *provider, *criterion, note.as_deref()))?;
                self.after_write(cx)?;
                if kept { "Note saved".to_string() } else { "The cell has no score; note not kept".to_string() }
            }
        };
        Ok(msg)
    }

    /// Records a decision on provider `id`: a selection despite failed gates is recorded as an override with the
    /// gates it overrides; another provider already selected is replaced (back to shortlisted) or kept alongside.
    fn save_decision(&mut self, id: i64, values: &Values, cx: &mut Cx) -> Result<String> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string()).unwrap_or_default();
        let status = get("status");
        let typed = get("decision_reason");
        let mut reason = (!typed.trim().is_empty()).then_some(typed);
        let mut notes = Vec::new();
        let mut replaced: Vec<(i64, String)> = Vec::new();
        if status == "selected" {
            let failed = self.failed_gates(id, cx.today);
            if !failed.is_empty() {
                // Recorded as an override, with the gates it overrides, in the decision itself.
                reason = reason.map(|r| format!("Gate override (fails: {}): {r}", failed.join("; ")));
                notes.push("gate override recorded".to_string());
            }
            let others = self.selected_others(id);
            if !others.is_empty() {
                let names: Vec<&str> = others.iter().map(|(_, n)| n.as_str()).collect();
                if get("other_selected") == "replace" {
                    notes.push(format!("{} back to shortlisted", names.join(", ")));
                    replaced = others.clone();
                } else {
                    reason = reason.map(|r| format!("{r} (multi-sourcing alongside {})", names.join(", ")));
                    notes.push(format!("kept alongside {}", names.join(", ")));
                }
            }
        }
        cx.store.write(|w| {
            for (other, _) in &replaced {
                providers::decide(w, *other, "shortlisted", None)?;
            }
            providers::decide(w, id, &status, reason.as_deref())
        })?;
        self.after_write(cx)?;
        let name = self.provider_name(id).to_string();
        Ok(if notes.is_empty() {
            format!("{name} is now {status}")
        } else {
            format!("{name} is now {status} ({})", notes.join("; "))
        })
    }

    /// A yes to deleting a provider or a criterion.
    pub(super) fn delete(&mut self, ask: &ScoreAsk, cx: &mut Cx) -> Result<()> {
        let result = match ask {
            ScoreAsk::DeleteProvider(id) => {
                let name = self.provider_name(*id).to_string();
                cx.store.write(|w| providers::delete(w, *id)).map(|_| format!("Deleted provider “{name}”"))
            }
            ScoreAsk::DeleteCriterion(id) => {
                let text = self.criterion_text(*id).to_string();
                cx.store.write(|w| criteria::delete(w, *id)).map(|_| format!("Deleted criterion “{text}”"))
            }
        };
        match result {
            Ok(msg) => {
                self.after_write(cx)?;
                cx.saved(msg);
            }
            Err(e) => cx.error(format!("Not deleted: {e}")),
        }
        Ok(())
    }
}

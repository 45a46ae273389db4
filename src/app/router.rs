//! How `App` serves the panes: it lends a pane a [`Cx`], lets it act, and then applies the effects it asked for, in
//! one place. A pane's error never quits the workbench: it becomes a message on screen.

use color_eyre::Result;

use super::pane::{Cx, Effect, Intent, Pane, View};
use super::{App, Overlay, Tab};
use crate::domain::Value;
use crate::keys::Action;
use crate::widgets::form::Form;
use crate::widgets::picker::Picker;

impl App {
    /// The pane on `tab`, if that tab is built as a component.
    pub fn pane_on(&self, tab: Tab) -> Option<&dyn Pane> {
        self.pane_ref(tab)
    }

    pub(super) fn pane_ref(&self, tab: Tab) -> Option<&dyn Pane> {
        self.panes.iter().find(|(t, _)| *t == tab).map(|(_, p)| p.as_ref())
    }

    /// The tabs that have a pane, in the order of the tab bar.
    pub(super) fn pane_tabs(&self) -> Vec<Tab> {
        self.panes.iter().map(|(t, _)| *t).collect()
    }

    pub(super) fn pane_mut(&mut self, tab: Tab) -> Option<&mut Box<dyn Pane>> {
        self.panes.iter_mut().find(|(t, _)| *t == tab).map(|(_, p)| p)
    }

    /// The pane of type `P`, for tests and benchmarks that look inside one.
    pub fn pane<P: Pane>(&self) -> &P {
        self.panes
            .iter()
            .find_map(|(_, p)| (p.as_ref() as &dyn std::any::Any).downcast_ref::<P>())
            .unwrap_or_else(|| panic!("no pane of type {}", std::any::type_name::<P>()))
    }

    /// The pane of type `P`, to change it in a test.
    pub fn pane_state<P: Pane>(&mut self) -> &mut P {
        self.panes
            .iter_mut()
            .find_map(|(_, p)| (p.as_mut() as &mut dyn std::any::Any).downcast_mut::<P>())
            .unwrap_or_else(|| panic!("no pane of type {}", std::any::type_name::<P>()))
    }

    /// Lets the pane on `tab` act with a [`Cx`], then applies what it asked for (also when it failed: what it did
    /// before the failure stands). `None` when the tab has no pane.
    pub(super) fn with_pane<R>(
        &mut self,
        tab: Tab,
        f: impl FnOnce(&mut dyn Pane, &mut Cx) -> Result<R>,
    ) -> Option<Result<R>> {
        let i = self.panes.iter().position(|(t, _)| *t == tab)?;
        let mut cx = Cx {
            store: &mut self.store,
            session: &self.session,
            keymap: &self.keymap,
            today: self.today,
            size: self.size,
            dates: self.dates,
            selected: None,
            reports_dir: &self.reports_dir,
            evidence_limit: self.evidence_limit,
            tab,
            shown: self.tab,
            effects: Vec::new(),
        };
        let result = f(self.panes[i].1.as_mut(), &mut cx);
        let effects = std::mem::take(&mut cx.effects);
        if let Err(e) = self.apply(tab, effects) {
            self.toast_error(format!("{e}"));
        }
        Some(result)
    }

    /// Lets the pane on `tab` handle `action`; a failure becomes an error message.
    pub(super) fn route(&mut self, tab: Tab, action: Action) {
        if let Some(Err(e)) = self.with_pane(tab, |p, cx| p.update(action, cx)) {
            self.toast_error(format!("{e}"));
        }
    }

    /// Offers, in each field that names a person, the people it may name (a failure to read them offers none: the
    /// field still takes what is typed).
    fn offer_names(&self, form: &mut crate::widgets::form::Form<Intent>) {
        use crate::store::people;
        let engagement = self.session.current_id();
        let keys: Vec<&'static str> = form.fields.iter().map(|f| f.spec.key).collect();
        for key in keys {
            let Some(who) = people::who_for(key) else { continue };
            let mut names = people::names(self.store.conn(), engagement, who).unwrap_or_default();
            let me = self.store.assessor().to_string();
            if who == people::Who::Verifiers && !me.is_empty() && !names.contains(&me) {
                names.insert(0, me);
            }
            form.offer(key, names);
        }
    }

    /// Heads a record shown whole with what identifies it: its short reference and its full UUID, so that an
    /// assessor can quote either.
    fn identify(&self, d: &mut super::Detail) {
        let Some((table, id)) = d.record else { return };
        let Ok(Some(ident)) = crate::store::ids::ident(self.store.conn(), table, id) else { return };
        let mut head = Vec::with_capacity(3);
        if let Some(number) = ident.number {
            head.push(("Reference".to_string(), crate::store::refs::label(table, number)));
        }
        head.push(("UUID".to_string(), ident.uuid.to_string()));
        head.push((String::new(), String::new()));
        d.lines.splice(0..0, head);
        // The files kept as evidence about it, each with what checks a copy.
        d.lines.extend(crate::app::panes::overview::evidence::about_lines(self.store.conn(), table, id));
    }

    /// Applies the effects a pane asked for.
    fn apply(&mut self, from: Tab, effects: Vec<Effect>) -> Result<()> {
        for effect in effects {
            match effect {
                Effect::Toast(t) => self.toast(t),
                Effect::Error(t) => self.toast_error(t),
                Effect::Saved(t) => self.saved(&t),
                Effect::Form(mut f) => {
                    self.offer_names(&mut f);
                    f.use_dates(self.dates);
                    self.overlay = Some(Overlay::Form(f));
                }
                Effect::Confirm(c) => self.overlay = Some(Overlay::Confirm(c)),
                Effect::Picker(p) => self.overlay = Some(Overlay::Picker(p)),
                Effect::Detail(mut d) => {
                    self.identify(&mut d);
                    self.overlay = Some(Overlay::Detail(d));
                }
                Effect::Show(tab) => self.goto_tab_index(tab as usize, false),
                Effect::Open(id) => self.open_engagement(id)?,
                Effect::Changed => self.reload_except(from)?,
                Effect::WriteReport(id) => {
                    if let Some(e) = self.session.engagement(id).cloned() {
                        self.write_report(&e);
                    }
                }
                Effect::ExportBundle(id) => {
                    if let Some(e) = self.session.engagement(id).cloned() {
                        self.export_bundle(&e);
                    }
                }
                Effect::ShowItem(i) => self.open_item_detail(i)?,
                Effect::Task(task) => {
                    if !self.start_task(from, task) {
                        // Another task is under way (and the user was told): the pane is not left waiting.
                        if let Some(Err(e)) = self.with_pane(from, |p, cx| p.task_done(None, cx)) {
                            self.toast_error(format!("{e}"));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The store changed through the pane on `from`: reload the list, the current engagement's figures and every
    /// other pane (a lazy pane not on screen reloads when next shown).
    pub(super) fn reload_except(&mut self, from: Tab) -> Result<()> {
        self.reload_engagements()?;
        if let Some(id) = self.session.current_id() {
            self.load_session(id)?;
        }
        self.load_panes(Some(from))
    }

    /// Reads everything again from the store: the session and every pane (a lazy pane when next shown). For a
    /// workspace changed from outside the workbench (tests, a future refresh key).
    pub fn reload_all(&mut self) -> Result<()> {
        self.reload_engagements()?;
        if let Some(id) = self.session.current_id() {
            self.load_session(id)?;
        }
        self.load_panes(None)
    }

    /// Loads every pane but `except` for the current engagement; a lazy pane not shown is marked to load when shown.
    pub(super) fn load_panes(&mut self, except: Option<Tab>) -> Result<()> {
        let tabs: Vec<(Tab, bool)> = self.panes.iter().map(|(t, p)| (*t, p.lazy())).collect();
        for (tab, lazy) in tabs {
            if Some(tab) == except {
                continue;
            }
            if lazy && tab != self.tab {
                if !self.stale.contains(&tab) {
                    self.stale.push(tab);
                }
                continue;
            }
            self.stale.retain(|t| *t != tab);
            if let Some(Err(e)) = self.with_pane(tab, |p, cx| p.load(cx)) {
                return Err(e);
            }
        }
        Ok(())
    }

    /// Loads a lazy pane about to be shown, if its data changed since it was last loaded.
    pub(super) fn load_if_stale(&mut self, tab: Tab) {
        if !self.stale.contains(&tab) {
            return;
        }
        self.stale.retain(|t| *t != tab);
        if let Some(Err(e)) = self.with_pane(tab, |p, cx| p.load(cx)) {
            let title = self.pane_ref(tab).map_or("the tab", |p| p.title());
            self.toast_error(format!("Cannot load {title}: {e}"));
        }
    }

    /// Saves a pane's form: the pane's rule across fields first, then the closed-engagement rule, then the save. On
    /// any refusal or failure the form stays open with what was typed.
    pub(super) fn save_pane_form(&mut self, mut form: Form<Intent>, values: Vec<(&'static str, Value)>) {
        let intent = form.purpose.clone();
        let rule =
            self.with_pane(intent.tab, |p, cx| Ok(p.form_rule(&intent, &values, cx))).and_then(Result::ok).flatten();
        if let Some((key, message)) = rule {
            form.mark_error(key, message);
            self.overlay = Some(Overlay::Form(Box::new(form)));
            return;
        }
        let target = self.pane_ref(intent.tab).and_then(|p| p.intent_target(&intent, &self.session));
        if let Some(e) = target.and_then(|id| self.session.engagement(id)).filter(|e| e.status == super::closed::CLOSED)
        {
            let message = self.closed_message(&e.name.clone());
            self.toast_error(message);
            return;
        }
        let before = self.store.commits();
        match self.with_pane(intent.tab, |p, cx| p.save(&intent, &values, cx)) {
            Some(Ok(msg)) if msg.is_empty() => {}
            Some(Ok(msg)) => self.saved(&msg),
            // The edit was kept and only what follows it failed (reading the screen's rows back): saying "not
            // saved" and reopening the form would invite a second, duplicate save.
            Some(Err(e)) if self.store.commits() > before => {
                self.saved("Saved");
                self.toast_error(format!("Saved, but the screen could not be brought up to date: {e}"));
            }
            Some(Err(e)) => {
                self.toast_error(format!("Not saved: {e}"));
                // The pane may have opened something else before it failed: the form the user typed into wins.
                self.overlay = Some(Overlay::Form(Box::new(form)));
            }
            None => {}
        }
    }

    /// Keys in a picker: type to narrow, move, pick (which goes to the pane that opened it), or cancel.
    pub(super) fn update_picker(&mut self, mut picker: Picker<Intent>, action: Action) -> Result<()> {
        match action {
            Action::Cancel => return Ok(()),
            ref a if picker.type_key(a) => {}
            ref a if picker.cursor.navigate(a) => {}
            Action::Submit | Action::Open => {
                if let Some(key) = picker.selected().map(|i| i.key.clone()) {
                    let intent = picker.purpose;
                    if let Some(Err(e)) = self.with_pane(intent.tab, |p, cx| p.picked(&intent, &key, cx)) {
                        self.toast_error(format!("{e}"));
                    }
                    return Ok(());
                }
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Picker(picker));
        Ok(())
    }

    /// Asks the pane on `tab` to select a record: true when it shows it.
    pub(super) fn reveal(
        &mut self,
        tab: Tab,
        table: crate::store::Table,
        id: i64,
        parent: Option<i64>,
    ) -> Result<bool> {
        self.with_pane(tab, |p, cx| p.reveal(table, id, parent, cx)).unwrap_or(Ok(false))
    }

    /// Each tab with its title and its short title, in the order of the tab bar.
    pub fn tab_titles(&self) -> Vec<(Tab, &'static str, &'static str)> {
        self.panes.iter().map(|(t, p)| (*t, p.title(), p.short_title())).collect()
    }

    /// What a pane may read while it draws.
    pub fn view(&self) -> View<'_> {
        View {
            theme: &self.theme,
            keymap: &self.keymap,
            session: &self.session,
            today: self.today,
            size: self.size,
            dates: self.dates,
        }
    }
}

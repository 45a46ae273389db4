//! The Assets tab: what was handed to the provider, the access granted, and the exit close-out.
//!
//! Rows are loaded once per change (engagement switch or write); states, counts, the rows passing the filters and
//! the close-out blockers are computed here, so that a frame only formats the rows on screen.
//!
//! The holder of an asset is typed as a name and resolved, when the form is checked, against the team members of
//! the engagement's providers (exact name, "Name (Provider)", a unique start, or `#N`); an unknown or ambiguous
//! name keeps the form open with the error beside the field. This keeps the one generic form (so rapid entry
//! stays a matter of Enter) and needs no second popup over it.

use color_eyre::Result;

use super::form::Form;
use super::input::TextInput;
use super::table::TableCursor;
use super::{Action, App, Confirm, FormPurpose, Overlay, Pending, list_rows};
use crate::catalog::{ItemPhase, Use, catalog};
use crate::domain::Value;
use crate::domain::assets::{
    self, Asset, AssetState, Blockers, Candidate, Close, CloseRefused, Grant, GrantState, OpenItem,
};
use crate::domain::plural;
use crate::domain::{FieldKind, FieldSpec};
use crate::store::assets as store;
use crate::store::assets::Member;
use crate::store::checklist;

/// Which view of the tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssetView {
    #[default]
    Assets,
    Access,
    CloseOut,
}

/// The quick filters of the asset table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuickFilter {
    #[default]
    All,
    /// Past the expected return and not back.
    Overdue,
    /// Everything that blocks the close-out.
    Outstanding,
}

impl QuickFilter {
    pub fn label(self) -> &'static str {
        match self {
            QuickFilter::All => "all",
            QuickFilter::Overdue => "overdue",
            QuickFilter::Outstanding => "outstanding",
        }
    }

    fn next(self) -> QuickFilter {
        match self {
            QuickFilter::All => QuickFilter::Overdue,
            QuickFilter::Overdue => QuickFilter::Outstanding,
            QuickFilter::Outstanding => QuickFilter::All,
        }
    }
}

/// Lines above the asset table (the counts by state).
pub const ASSET_SUMMARY_LINES: usize = 1;

/// The one field of the close form.
const CLOSE_FIELDS: &[FieldSpec] =
    &[FieldSpec::new("reason", "Reason to close with items outstanding", FieldKind::LongText).required()];

/// State of the Assets tab.
#[derive(Debug, Clone, Default)]
pub struct AssetPane {
    pub engagement: Option<i64>,
    pub view: AssetView,
    pub all: Vec<Asset>,
    /// The state of each asset, parallel to `all`.
    pub states: Vec<AssetState>,
    /// Whether each asset is past its expected return, parallel to `all`.
    pub overdue: Vec<bool>,
    /// Indices into `all` of the rows passing the filters.
    pub visible: Vec<usize>,
    pub cursor: TableCursor,
    pub filter: TextInput,
    pub filtering: bool,
    pub quick: QuickFilter,
    /// How many assets are in each state, in the order of [`AssetState::ALL`].
    pub counts: [usize; 6],
    pub overdue_count: usize,
    pub grants: Vec<Grant>,
    pub grant_states: Vec<GrantState>,
    pub grant_cursor: TableCursor,
    pub members: Vec<Member>,
    pub blockers: Blockers,
    /// The engagement's status when loaded (closing is refused when already closed).
    pub status: String,
    pub closeout_scroll: u16,
    /// The asset last added in this session, which a rapid add continues from.
    pub last_added: Option<i64>,
    /// For each asset, parallel to `all`: the day its holder left the team, if they have.
    pub holder_left: Vec<Option<String>>,
    /// For each grant, parallel to `grants`: the day its holder left the team, if they have.
    pub grant_holder_left: Vec<Option<String>>,
}

impl AssetPane {
    pub fn selected(&self) -> Option<(&Asset, AssetState)> {
        let i = *self.visible.get(self.cursor.selected)?;
        Some((self.all.get(i)?, *self.states.get(i)?))
    }

    pub fn selected_grant(&self) -> Option<(&Grant, GrantState)> {
        let i = self.grant_cursor.selected;
        Some((self.grants.get(i)?, *self.grant_states.get(i)?))
    }

    pub fn count(&self, state: AssetState) -> usize {
        AssetState::ALL.iter().position(|s| *s == state).map_or(0, |i| self.counts[i])
    }

    fn candidates(&self) -> Vec<Candidate<'_>> {
        candidates(&self.members)
    }

    /// The leaving day of the member `id`, if they have left by `today`.
    fn left_by(&self, id: Option<i64>, today: chrono::NaiveDate) -> Option<String> {
        let m = self.members.iter().find(|m| Some(m.id) == id)?;
        left_by(m, today)
    }

    /// Notes, for each asset and grant, whether its holder has left the team.
    fn mark_leavers(&mut self, today: chrono::NaiveDate) {
        self.holder_left = self.all.iter().map(|a| self.left_by(a.holder_id, today)).collect();
        self.grant_holder_left = self.grants.iter().map(|g| self.left_by(g.holder_id, today)).collect();
    }

    /// Replaces the rows and recomputes everything derived from them.
    fn set(&mut self, all: Vec<Asset>, grants: Vec<Grant>, open_items: Vec<OpenItem>, today: chrono::NaiveDate) {
        self.states = all.iter().map(|a| a.state(today)).collect();
        self.overdue = all.iter().map(|a| a.is_overdue(today)).collect();
        self.counts = [0; 6];
        for s in &self.states {
            if let Some(i) = AssetState::ALL.iter().position(|x| x == s) {
                self.counts[i] += 1;
            }
        }
        self.overdue_count = self.overdue.iter().filter(|o| **o).count();
        self.all = all;
        self.grant_states = grants.iter().map(|g| g.state(today)).collect();
        self.grants = grants;
        self.grant_cursor.set_len(self.grants.len());
        self.blockers = assets::blockers(&self.states, &self.grant_states, open_items);
        self.refilter();
    }

    fn refilter(&mut self) {
        let needle = self.filter.value().trim().to_lowercase();
        let quick = self.quick;
        let hit = |s: &Option<String>| s.as_deref().is_some_and(|s| s.to_lowercase().contains(&needle));
        self.visible = (0..self.all.len())
            .filter(|&i| match quick {
                QuickFilter::All => true,
                QuickFilter::Overdue => self.overdue[i],
                QuickFilter::Outstanding => self.states[i].is_outstanding(),
            })
            .filter(|&i| {
                let a = &self.all[i];
                needle.is_empty()
                    || a.tag.to_lowercase().contains(&needle)
                    || hit(&a.description)
                    || hit(&a.holder_name)
            })
            .collect();
        self.cursor.set_len(self.visible.len());
    }

    fn select_id(&mut self, id: i64) -> bool {
        match self.visible.iter().position(|&i| self.all.get(i).is_some_and(|a| a.id == id)) {
            Some(pos) => {
                self.cursor.select(pos);
                true
            }
            None => false,
        }
    }

    fn select_grant_id(&mut self, id: i64) {
        if let Some(pos) = self.grants.iter().position(|g| g.id == id) {
            self.grant_cursor.select(pos);
        }
    }

    /// Rows of the asset table on a screen `height` rows tall.
    pub fn asset_rows(&self, height: u16) -> usize {
        let filter_line = usize::from(self.filtering || !self.filter.value().is_empty());
        list_rows(height).saturating_sub(ASSET_SUMMARY_LINES + filter_line)
    }
}

/// The open post-outsourcing workflow items of an engagement, in catalog order.
pub fn open_post_items(conn: &rusqlite::Connection, engagement: i64) -> rusqlite::Result<Vec<OpenItem>> {
    let rows = checklist::rows(conn, engagement)?;
    Ok(catalog()
        .with_use(Use::Workflow)
        .filter(|i| i.phase == ItemPhase::Post)
        .filter(|i| rows.get(&i.id).is_none_or(|r| !r.status.is_closed()))
        .map(|i| OpenItem { id: i.id.clone(), title: i.title.clone() })
        .collect())
}

fn candidates(members: &[Member]) -> Vec<Candidate<'_>> {
    members.iter().map(|m| (m.name.as_str(), m.provider.as_str())).collect()
}

/// The member's leaving day, if it is on or before `today`.
fn left_by(m: &Member, today: chrono::NaiveDate) -> Option<String> {
    let on = m.left_on.as_deref()?;
    let day = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").ok()?;
    (day <= today).then(|| on.to_string())
}

fn get<'a>(values: &'a [(&'static str, Value)], key: &str) -> &'a Value {
    values.iter().find(|(k, _)| *k == key).map_or(&Value::Null, |(_, v)| v)
}

fn text(values: &[(&'static str, Value)], key: &str) -> String {
    get(values, key).to_string()
}

/// Columns to write, with the team member the holder resolved to.
type Columns = Vec<(&'static str, Value)>;

/// Whether a grant form marks its holder as someone outside the team.
fn outside(values: &[(&'static str, Value)]) -> bool {
    matches!(get(values, "outside"), Value::Int(1))
}

fn opt(values: &[(&'static str, Value)], key: &str) -> Option<String> {
    Some(text(values, key)).filter(|s| !s.is_empty())
}

impl App {
    /// Loads the tab's rows for the current engagement (called from `load_current`). Switching engagements resets
    /// the filters and the selection; reloading the same one keeps them.
    pub(super) fn load_assets(&mut self) -> Result<()> {
        let engagement = self.session.current.as_ref().map(|e| e.id);
        self.assets.status = self.session.current.as_ref().map(|e| e.status.clone()).unwrap_or_default();
        let keep = self.assets.selected().map(|(a, _)| a.id);
        let keep_grant = self.assets.selected_grant().map(|(g, _)| g.id);
        if self.assets.engagement != engagement {
            let pane = &mut self.assets;
            pane.engagement = engagement;
            pane.filter.clear();
            pane.filtering = false;
            pane.quick = QuickFilter::All;
            pane.cursor.select(0);
            pane.grant_cursor.select(0);
            pane.closeout_scroll = 0;
            pane.last_added = None;
        }
        let conn = self.store.conn();
        let (all, grants, members, open) = match engagement {
            Some(id) => (store::list(conn, id)?, store::grants(conn, id)?, store::members(conn, id)?, {
                open_post_items(conn, id)?
            }),
            None => Default::default(),
        };
        self.assets.members = members;
        self.assets.set(all, grants, open, self.today);
        self.assets.mark_leavers(self.today);
        if let Some(id) = keep {
            self.assets.select_id(id);
        }
        if let Some(id) = keep_grant {
            self.assets.select_grant_id(id);
        }
        let h = self.size.1;
        self.assets.cursor.set_height(self.assets.asset_rows(h));
        Ok(())
    }

    pub(super) fn resize_assets(&mut self, h: u16) {
        let rows = self.assets.asset_rows(h);
        self.assets.cursor.set_height(rows);
        self.assets.grant_cursor.set_height(list_rows(h).saturating_sub(ASSET_SUMMARY_LINES));
    }

    fn after_asset_write(&mut self, select: Option<i64>) -> Result<()> {
        if let Some(e) = self.session.current.as_ref().map(|e| e.id) {
            self.load_current(e)?;
        }
        if let Some(id) = select
            && !self.assets.select_id(id)
        {
            // A filter hides it: clear the filters so the row just written is in view.
            self.assets.filter.clear();
            self.assets.quick = QuickFilter::All;
            self.assets.refilter();
            self.assets.select_id(id);
            self.resize_assets(self.size.1);
        }
        Ok(())
    }

    pub(super) fn update_assets(&mut self, action: Action) -> Result<()> {
        if self.assets.filtering {
            let pane = &mut self.assets;
            match action {
                Action::Char(c) => pane.filter.insert(c),
                Action::Backspace => pane.filter.backspace(),
                Action::CursorLeft => pane.filter.left(),
                Action::CursorRight => pane.filter.right(),
                Action::ClearField => pane.filter.clear(),
                Action::Submit => pane.filtering = false,
                Action::Cancel => {
                    pane.filter.clear();
                    pane.filtering = false;
                }
                _ => {}
            }
            pane.refilter();
            self.resize_assets(self.size.1);
            return Ok(());
        }
        if let Action::NextView = action {
            self.assets.view = match self.assets.view {
                AssetView::Assets => AssetView::Access,
                AssetView::Access => AssetView::CloseOut,
                AssetView::CloseOut => AssetView::Assets,
            };
            return Ok(());
        }
        match self.assets.view {
            AssetView::Assets => self.update_asset_table(action),
            AssetView::Access => self.update_grant_table(action),
            AssetView::CloseOut => self.update_closeout(action),
        }
    }

    fn update_asset_table(&mut self, action: Action) -> Result<()> {
        let pane = &mut self.assets;
        match action {
            ref a if pane.cursor.navigate(a) => {}
            Action::Filter => {
                pane.filtering = true;
                self.resize_assets(self.size.1);
            }
            Action::QuickFilter => {
                let keep = pane.selected().map(|(a, _)| a.id);
                pane.quick = pane.quick.next();
                pane.refilter();
                if let Some(id) = keep {
                    pane.select_id(id);
                }
            }
            Action::Cancel => {
                pane.filter.clear();
                pane.quick = QuickFilter::All;
                pane.refilter();
                self.resize_assets(self.size.1);
            }
            Action::Add => self.open_new_asset(false),
            Action::RapidAdd => self.open_new_asset(true),
            Action::Edit | Action::Open => self.open_edit_asset(),
            Action::RecordReturn => self.open_disposal(false),
            Action::RecordDestruction => self.open_disposal(true),
            Action::Delete => {
                if let Some((a, _)) = self.assets.selected() {
                    self.overlay = Some(Overlay::Confirm(Confirm {
                        title: "Delete asset".into(),
                        message: format!(
                            "Delete the asset {} and its hand-over and return record? This cannot be undone.",
                            a.tag
                        ),
                        pending: Pending::DeleteAsset(a.id),
                        back: None,
                    }));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn update_grant_table(&mut self, action: Action) -> Result<()> {
        let cursor = &mut self.assets.grant_cursor;
        match action {
            ref a if cursor.navigate(a) => {}
            Action::Add => self.open_new_grant(),
            Action::Edit | Action::Open => self.open_edit_grant(),
            Action::Revoke => self.open_revoke(),
            Action::Delete => {
                if let Some((g, _)) = self.assets.selected_grant() {
                    self.overlay = Some(Overlay::Confirm(Confirm {
                        title: "Delete access grant".into(),
                        message: format!(
                            "Delete the grant of {} to {}? Delete only a grant recorded in error: a real one is \
                             revoked (r). This cannot be undone.",
                            g.target,
                            g.holder_name.as_deref().unwrap_or("nobody")
                        ),
                        pending: Pending::DeleteGrant(g.id),
                        back: None,
                    }));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn update_closeout(&mut self, action: Action) -> Result<()> {
        match action {
            Action::ScrollDown | Action::NextRow => {
                self.assets.closeout_scroll = self.assets.closeout_scroll.saturating_add(1)
            }
            Action::ScrollUp | Action::PrevRow => {
                self.assets.closeout_scroll = self.assets.closeout_scroll.saturating_sub(1)
            }
            Action::CloseEngagement => self.start_close()?,
            _ => {}
        }
        Ok(())
    }

    fn open_new_asset(&mut self, series: bool) {
        let Some(engagement) = self.assets.engagement else { return };
        let last = self
            .assets
            .last_added
            .and_then(|id| self.assets.all.iter().find(|a| a.id == id))
            .or_else(|| self.assets.all.iter().max_by_key(|a| a.id));
        let (title, values) = match (series, last) {
            (true, Some(a)) => {
                (format!("Next asset after {} (Enter adds, Esc ends the series)", a.tag), { self.series_values(a) })
            }
            (true, None) => ("New asset (the first of a series)".to_string(), Asset::defaults()),
            (false, _) => ("New asset".to_string(), Asset::defaults()),
        };
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            title,
            FormPurpose::NewAsset { engagement, series },
            Asset::FIELDS,
            &values,
        ))));
    }

    /// The pre-filled values of the next asset of a series, with the holder named so that it resolves again.
    fn series_values(&self, a: &Asset) -> Vec<Value> {
        let mut values = a.next_in_series();
        if let (Some(id), Some(pos)) = (a.holder_id, Asset::FIELDS.iter().position(|f| f.key == "holder")) {
            let candidates = self.assets.candidates();
            if let Some(i) = self.assets.members.iter().position(|m| m.id == id) {
                values[pos] = Value::text(assets::holder_label(&candidates, i));
            }
        }
        values
    }

    fn open_edit_asset(&mut self) {
        let Some((a, _)) = self.assets.selected() else { return };
        let mut values: Vec<Value> = Asset::FIELDS.iter().map(|f| a.value(f.key)).collect();
        if let Some(pos) = Asset::FIELDS.iter().position(|f| f.key == "holder") {
            values[pos] = self.series_values(a)[pos].clone();
        }
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            format!("Edit asset — {}", a.tag),
            FormPurpose::EditAsset(a.id),
            Asset::FIELDS,
            &values,
        ))));
    }

    /// The return (or destruction) form: today filled in; the verifier is left to be named, never assumed.
    fn open_disposal(&mut self, destroy: bool) {
        let Some((a, state)) = self.assets.selected() else { return };
        if state == AssetState::NotIssued {
            self.toast_error(format!("{} was never handed over: record the hand-over first (e)", a.tag));
            return;
        }
        let specs = if destroy { Asset::DESTRUCTION_FIELDS } else { Asset::RETURN_FIELDS };
        let values: Vec<Value> = specs
            .iter()
            .map(|f| match f.key {
                "returned_on" => Value::text(self.today.to_string()),
                "condition" if !destroy => Value::text("Good"),
                _ => Value::Null,
            })
            .collect();
        let (title, purpose) = if destroy {
            (format!("Record destruction — {}", a.tag), FormPurpose::DestroyAsset(a.id))
        } else {
            (format!("Record return — {}", a.tag), FormPurpose::ReturnAsset(a.id))
        };
        let mut form = Form::new(title, purpose, specs, &values);
        if let Some(g) = a.gap().filter(|_| a.disposition.is_some()) {
            form.intro = vec![format!("Already recorded as {}, but {g}.", a.disposition.as_deref().unwrap_or(""))];
        } else if let Some(d) = &a.disposition {
            form.intro = vec![format!("Already recorded as {d}; saving replaces that record.")];
        }
        if destroy {
            form.focus_key("certificate");
        }
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    fn open_new_grant(&mut self) {
        let Some(engagement) = self.assets.engagement else { return };
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            "New access grant",
            FormPurpose::NewGrant(engagement),
            Grant::FIELDS,
            &Grant::defaults(self.today),
        ))));
    }

    fn open_edit_grant(&mut self) {
        let Some((g, _)) = self.assets.selected_grant() else { return };
        let mut values: Vec<Value> = Grant::FIELDS.iter().map(|f| g.value(f.key)).collect();
        // A member's name is given so that it resolves to the same person again (twins get their provider).
        if let (Some(id), Some(pos)) = (g.holder_id, Grant::FIELDS.iter().position(|f| f.key == "holder"))
            && let Some(i) = self.assets.members.iter().position(|m| m.id == id)
        {
            values[pos] = Value::text(assets::holder_label(&self.assets.candidates(), i));
        }
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            format!("Edit access grant — {}", g.target),
            FormPurpose::EditGrant(g.id),
            Grant::FIELDS,
            &values,
        ))));
    }

    fn open_revoke(&mut self) {
        let Some((g, _)) = self.assets.selected_grant() else { return };
        let values = vec![
            Value::text(g.revoked_on.clone().unwrap_or_else(|| self.today.to_string())),
            // Whoever checked the removal is named, not assumed to be the assessor.
            Value::from(g.verified_by.clone()),
        ];
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            format!("Revoke {} — {}", g.target, g.holder_name.as_deref().unwrap_or("")),
            FormPurpose::RevokeGrant(g.id),
            Grant::REVOKE_FIELDS,
            &values,
        ))));
    }

    /// The close action: straight away when nothing is outstanding, otherwise a form that lists what is and asks
    /// for the reason.
    fn start_close(&mut self) -> Result<()> {
        let Some(engagement) = self.assets.engagement else { return Ok(()) };
        let pane = &self.assets;
        match assets::close(&pane.status, &pane.blockers, None) {
            Err(CloseRefused::AlreadyClosed) => self.toast("This engagement is already closed"),
            Ok(how) => {
                let note = assets::close_note(&pane.blockers, &how);
                self.store.write(|w| store::close_engagement(w, engagement, &note))?;
                self.after_close(engagement)?;
                self.saved("Engagement closed: nothing outstanding");
            }
            Err(CloseRefused::NeedsReason { outstanding }) => {
                let name = self.session.current.as_ref().map(|e| e.name.clone()).unwrap_or_default();
                let mut intro = vec![format!(
                    "{outstanding} item{} still block the close:",
                    if outstanding == 1 { "" } else { "s" }
                )];
                intro.extend(pane.blockers.summary_lines().into_iter().map(|l| format!("  • {l}")));
                intro.push("Closing anyway records this reason in a note on the engagement.".into());
                let mut form = Form::new(
                    format!("Close {name} with items outstanding?"),
                    FormPurpose::CloseEngagement(engagement),
                    CLOSE_FIELDS,
                    &[],
                );
                form.intro = intro;
                self.overlay = Some(Overlay::Form(Box::new(form)));
            }
        }
        Ok(())
    }

    fn after_close(&mut self, engagement: i64) -> Result<()> {
        self.reload_engagements()?;
        if self.session.current.as_ref().is_some_and(|c| c.id == engagement) {
            self.load_current(engagement)?;
        }
        Ok(())
    }

    pub(super) fn delete_asset_record(&mut self, pending: &Pending) -> Result<()> {
        let result = match pending {
            Pending::DeleteAsset(id) => self.store.write(|w| store::delete(w, *id)).map(|_| "Asset deleted"),
            Pending::DeleteGrant(id) => {
                self.store.write(|w| store::delete_grant(w, *id)).map(|_| "Access grant deleted")
            }
            _ => return Ok(()),
        };
        match result {
            Ok(msg) => {
                self.after_asset_write(None)?;
                self.saved(msg);
            }
            Err(e) => self.toast_error(format!("Not deleted: {e}")),
        }
        Ok(())
    }

    /// Checks an asset or grant form as a whole: the holder resolves, the tag is new, the dates are in order.
    pub(super) fn asset_form_rule(
        &self,
        purpose: &FormPurpose,
        values: &[(&'static str, Value)],
    ) -> Option<(&'static str, String)> {
        match purpose {
            FormPurpose::NewAsset { .. } | FormPurpose::EditAsset(_) => {
                if let Err(e) = self.resolve_member(&text(values, "holder")) {
                    return Some(("holder", e));
                }
                let tag = text(values, "tag");
                let me = match purpose {
                    FormPurpose::EditAsset(id) => Some(*id),
                    _ => None,
                };
                if self.assets.all.iter().any(|a| a.tag.eq_ignore_ascii_case(&tag) && Some(a.id) != me) {
                    return Some(("tag", format!("{tag} is already used in this engagement")));
                }
                Asset::check(values).err()
            }
            FormPurpose::ReturnAsset(id) | FormPurpose::DestroyAsset(id) => {
                self.assets.all.iter().find(|a| a.id == *id).and_then(|a| a.check_disposal(values).err())
            }
            FormPurpose::NewGrant(_) | FormPurpose::EditGrant(_) => {
                if !outside(values)
                    && let Err(e) = self.resolve_member(&text(values, "holder"))
                {
                    return Some(("holder", format!("{e} (an outside holder is marked as such below)")));
                }
                Grant::check(values).err()
            }
            FormPurpose::RevokeGrant(id) => {
                let g = self.assets.grants.iter().find(|g| g.id == *id)?;
                let granted = g.granted_on.clone().map(Value::text).unwrap_or(Value::Null);
                let mut all = values.to_vec();
                all.push(("granted_on", granted));
                Grant::check(&all).err()
            }
            _ => None,
        }
    }

    /// Resolves a typed holder against the team as the store has it now (members added or renamed in any tab
    /// count at once): the member, none for a blank name, or the reason it names nobody.
    fn resolve_member(&self, typed: &str) -> std::result::Result<Option<Member>, String> {
        let Some(engagement) = self.assets.engagement else { return Ok(None) };
        let members =
            store::members(self.store.conn(), engagement).map_err(|e| format!("cannot read the team: {e}"))?;
        let i = assets::resolve_holder(&candidates(&members), typed)?;
        Ok(i.and_then(|i| members.get(i).cloned()))
    }

    /// The asset's columns from a hand-over form, the holder resolved to a team member.
    fn asset_columns(&self, values: &[(&'static str, Value)]) -> Result<(Columns, Option<Member>)> {
        let holder = self.resolve_member(&text(values, "holder")).map_err(|e| color_eyre::eyre::eyre!(e))?;
        let mut out: Vec<(&'static str, Value)> =
            values.iter().filter(|(k, _)| *k != "holder").map(|(k, v)| (*k, v.clone())).collect();
        out.push(("holder_id", Value::from(holder.as_ref().map(|m| m.id))));
        Ok((out, holder))
    }

    /// A grant's columns: the holder resolved to a team member exactly as an asset's is, or, when the form marks
    /// the holder as outside the team, kept by name and linked to nobody.
    fn grant_columns(&self, values: &[(&'static str, Value)]) -> Result<(Columns, Option<Member>)> {
        let typed = text(values, "holder");
        let member =
            if outside(values) { None } else { self.resolve_member(&typed).map_err(|e| color_eyre::eyre::eyre!(e))? };
        let mut out: Vec<(&'static str, Value)> =
            values.iter().filter(|(k, _)| !matches!(*k, "holder" | "outside")).map(|(k, v)| (*k, v.clone())).collect();
        out.push(("holder_id", Value::from(member.as_ref().map(|m| m.id))));
        out.push(("holder_name", Value::text(member.as_ref().map_or(typed, |m| m.name.clone()))));
        Ok((out, member))
    }

    /// Shows the saved message, turned into a warning when the holder has already left the team.
    fn saved_with_holder(&mut self, msg: String, holder: Option<&Member>, what: &str) -> String {
        match holder.and_then(|m| left_by(m, self.today).map(|on| (m.name.clone(), on))) {
            Some((name, on)) => {
                self.saved(&msg);
                self.toast_error(format!("{msg} — but {name} left the team on {on}: {what} a leaver"));
                String::new()
            }
            None => msg,
        }
    }

    /// Commits an asset, grant or close form; returns the message to show.
    pub(super) fn save_asset_form(
        &mut self,
        purpose: &FormPurpose,
        values: &[(&'static str, Value)],
    ) -> Result<String> {
        match purpose {
            FormPurpose::NewAsset { engagement, series } => {
                let (cols, holder) = self.asset_columns(values)?;
                let id = self.store.write(|w| store::create(w, *engagement, &cols))?;
                self.assets.last_added = Some(id);
                self.after_asset_write(Some(id))?;
                let tag = text(values, "tag");
                let msg = if *series {
                    self.open_new_asset(true);
                    format!("Asset {tag} added — the next is ready (Esc ends the series)")
                } else {
                    format!("Asset {tag} added")
                };
                Ok(self.saved_with_holder(msg, holder.as_ref(), "it is with"))
            }
            FormPurpose::EditAsset(id) => {
                let (cols, holder) = self.asset_columns(values)?;
                let n = self.store.write(|w| store::update(w, *id, &cols))?;
                self.after_asset_write(Some(*id))?;
                let msg = if n == 0 { "No changes".into() } else { format!("Asset saved ({n} field{})", plural(n)) };
                let out =
                    self.assets.all.iter().find(|a| a.id == *id).is_some_and(|a| a.state(self.today).is_outstanding());
                Ok(if out { self.saved_with_holder(msg, holder.as_ref(), "it is with") } else { msg })
            }
            FormPurpose::ReturnAsset(id) => {
                let (on, by, condition) =
                    (text(values, "returned_on"), text(values, "verified_by"), opt(values, "condition"));
                self.store.write(|w| store::record_return(w, *id, &on, &by, condition.as_deref()))?;
                self.after_asset_write(Some(*id))?;
                Ok(format!("Return recorded on {on}, verified by {by}"))
            }
            FormPurpose::DestroyAsset(id) => {
                let (on, by, cert) =
                    (text(values, "returned_on"), text(values, "verified_by"), text(values, "certificate"));
                let remarks = opt(values, "condition");
                self.store.write(|w| store::record_destruction(w, *id, &on, &by, &cert, remarks.as_deref()))?;
                self.after_asset_write(Some(*id))?;
                Ok(format!("Destruction recorded on {on} (certificate {cert})"))
            }
            FormPurpose::NewGrant(engagement) => {
                let (cols, holder) = self.grant_columns(values)?;
                let id = self.store.write(|w| store::create_grant(w, *engagement, &cols))?;
                self.after_asset_write(None)?;
                self.assets.select_grant_id(id);
                let active = self.assets.selected_grant().is_some_and(|(_, s)| s.is_outstanding());
                let msg = "Access grant added".to_string();
                Ok(if active { self.saved_with_holder(msg, holder.as_ref(), "access granted to") } else { msg })
            }
            FormPurpose::EditGrant(id) => {
                let (cols, holder) = self.grant_columns(values)?;
                let n = self.store.write(|w| store::update_grant(w, *id, &cols))?;
                self.after_asset_write(None)?;
                self.assets.select_grant_id(*id);
                let msg = if n == 0 { "No changes".into() } else { format!("Grant saved ({n} field{})", plural(n)) };
                let active = self.assets.selected_grant().is_some_and(|(_, s)| s.is_outstanding());
                Ok(if active { self.saved_with_holder(msg, holder.as_ref(), "access granted to") } else { msg })
            }
            FormPurpose::RevokeGrant(id) => {
                let (on, by) = (text(values, "revoked_on"), text(values, "verified_by"));
                self.store.write(|w| store::revoke(w, *id, &on, &by))?;
                self.after_asset_write(None)?;
                self.assets.select_grant_id(*id);
                Ok(format!("Revoked on {on}, verified by {by}"))
            }
            FormPurpose::CloseEngagement(engagement) => {
                // Look again: something may have been returned since the form opened.
                self.load_assets()?;
                let reason = opt(values, "reason");
                let pane = &self.assets;
                match assets::close(&pane.status, &pane.blockers, reason.as_deref()) {
                    Ok(how) => {
                        let note = assets::close_note(&pane.blockers, &how);
                        let outstanding = pane.blockers.total();
                        self.store.write(|w| store::close_engagement(w, *engagement, &note))?;
                        self.after_close(*engagement)?;
                        Ok(match how {
                            Close::Clean => "Engagement closed: nothing outstanding".into(),
                            Close::WithReason(_) => {
                                format!("Engagement closed with {outstanding} outstanding (reason recorded)")
                            }
                        })
                    }
                    Err(CloseRefused::AlreadyClosed) => Ok("This engagement is already closed".into()),
                    Err(CloseRefused::NeedsReason { .. }) => Err(color_eyre::eyre::eyre!("a reason is required")),
                }
            }
            _ => Ok(String::new()),
        }
    }
}

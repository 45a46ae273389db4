//! The Assets tab: what was handed to the provider, the access granted, and the exit close-out.
//!
//! Rows are loaded once per change (engagement switch or write); states, counts, the rows passing the filters and
//! the close-out blockers are computed here, so that a frame only formats the rows on screen.
//!
//! The holder of an asset is typed as a name and resolved, when the form is checked, against the team members of
//! the engagement's providers (exact name, "Name (Provider)", a unique start, or `#N`); an unknown or ambiguous
//! name keeps the form open with the error beside the field. This keeps the one generic form (so rapid entry
//! stays a matter of Enter) and needs no second popup over it.

mod forms;
mod view;

use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::layout::list_rows;
use crate::app::pane::{Cx, Intent, Pane, Session, Values, View};
use crate::app::panes::refs;
use crate::catalog::{ItemPhase, Use, catalog};
use crate::domain::assets::{self, Asset, AssetState, Blockers, Candidate, Grant, GrantState, OpenItem};
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::store::assets as store;
use crate::store::assets::Member;
use crate::store::checklist;
use crate::widgets::find::{Find, FindKey};
use crate::widgets::input::TextInput;
use crate::widgets::table::TableCursor;

pub use view::{asset_style, closeout_lines};

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
    /// Indices into `grants` of the grants passing the find; the grant cursor moves over these.
    pub grant_visible: Vec<usize>,
    /// The access view shows only the grants whose holder, target, kind or verifier contain this text.
    pub grant_find: Find,
    pub grant_cursor: TableCursor,
    pub members: Vec<Member>,
    pub blockers: Blockers,
    pub closeout_scroll: u16,
    /// The asset last added in this session, which a rapid add continues from.
    pub last_added: Option<i64>,
    /// For each asset, parallel to `all`: the day its holder left the team, if they have.
    pub holder_left: Vec<Option<String>>,
    /// For each grant, parallel to `grants`: the day its holder left the team, if they have.
    pub grant_holder_left: Vec<Option<String>>,
    /// The highest short numbers among the assets and among the grants, which size their reference columns.
    pub ref_max: (i64, i64),
}

impl AssetPane {
    pub fn selected(&self) -> Option<(&Asset, AssetState)> {
        let i = *self.visible.get(self.cursor.selected)?;
        Some((self.all.get(i)?, *self.states.get(i)?))
    }

    pub fn selected_grant(&self) -> Option<(&Grant, GrantState)> {
        let i = *self.grant_visible.get(self.grant_cursor.selected)?;
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
        self.ref_max = (refs::max(all.iter().map(|a| a.number)), refs::max(grants.iter().map(|g| g.number)));
        self.all = all;
        self.grant_states = grants.iter().map(|g| g.state(today)).collect();
        self.grants = grants;
        self.refilter_grants();
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
                    || refs::label(Table::Asset, a.number).to_lowercase().contains(&needle)
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

    /// The grants passing the find, the cursor staying on the same grant while it passes.
    fn refilter_grants(&mut self) {
        let keep = self.selected_grant().map(|(g, _)| g.id);
        let words = self.grant_find.words();
        self.grant_visible = (0..self.grants.len())
            .filter(|&i| {
                let g = &self.grants[i];
                let reference = refs::label(Table::AccessGrant, g.number);
                Find::passes(
                    &words,
                    [
                        reference.as_str(),
                        opt(&g.holder_name),
                        opt(&g.recorded_name),
                        g.target.as_str(),
                        g.kind.as_str(),
                        opt(&g.verified_by),
                    ],
                )
            })
            .collect();
        self.grant_cursor.set_len(self.grant_visible.len());
        if let Some(id) = keep
            && let Some(pos) = self.grant_visible.iter().position(|&i| self.grants[i].id == id)
        {
            self.grant_cursor.select(pos);
        }
    }

    /// Selects a grant, clearing a find that hides it.
    fn select_grant_id(&mut self, id: i64) {
        let pos = |p: &Self| p.grant_visible.iter().position(|&i| p.grants.get(i).is_some_and(|g| g.id == id));
        if pos(self).is_none() && self.grant_find.narrows() && self.grants.iter().any(|g| g.id == id) {
            self.grant_find.clear();
            self.refilter_grants();
        }
        if let Some(pos) = pos(self) {
            self.grant_cursor.select(pos);
        }
    }

    /// Where the keys of the view on screen are bound (the filter line aside).
    pub fn view_context(&self) -> Context {
        match self.view {
            AssetView::Assets => Context::Assets,
            AssetView::Access => Context::Access,
            AssetView::CloseOut => Context::CloseOut,
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

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
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

/// What the engagement's status says about closing it (from the session, which is current whenever a key arrives).
fn current_status(session: &Session) -> &str {
    session.current.as_ref().map_or("", |e| e.status.as_str())
}

impl AssetPane {
    /// After a write: the figures of the engagement and the other panes reload, this tab reloads, and `id` is
    /// selected (clearing the filters that would hide it).
    fn after_write(&mut self, select: Option<i64>, cx: &mut Cx) -> Result<()> {
        cx.changed();
        self.load(cx)?;
        if let Some(id) = select
            && !self.select_id(id)
        {
            // A filter hides it: clear the filters so the row just written is in view.
            self.filter.clear();
            self.quick = QuickFilter::All;
            self.refilter();
            self.select_id(id);
            self.resize(cx.size);
        }
        Ok(())
    }

    fn update_filter(&mut self, action: Action, cx: &Cx) {
        match action {
            Action::Char(c) => self.filter.insert(c),
            Action::Backspace => self.filter.backspace(),
            Action::CursorLeft => self.filter.left(),
            Action::CursorRight => self.filter.right(),
            Action::ClearField => self.filter.clear(),
            Action::Submit => self.filtering = false,
            Action::Cancel => {
                self.filter.clear();
                self.filtering = false;
            }
            _ => {}
        }
        self.refilter();
        self.resize(cx.size);
    }

    fn update_asset_table(&mut self, action: Action, cx: &mut Cx) {
        match action {
            ref a if self.cursor.navigate(a) => {}
            Action::Filter => {
                self.filtering = true;
                self.resize(cx.size);
            }
            Action::QuickFilter => {
                let keep = self.selected().map(|(a, _)| a.id);
                self.quick = self.quick.next();
                self.refilter();
                if let Some(id) = keep {
                    self.select_id(id);
                }
            }
            Action::Cancel => {
                self.filter.clear();
                self.quick = QuickFilter::All;
                self.refilter();
                self.resize(cx.size);
            }
            Action::Add => self.open_new_asset(false, cx),
            Action::RapidAdd => self.open_new_asset(true, cx),
            Action::Edit | Action::Open => self.open_edit_asset(cx),
            Action::RecordReturn => self.open_disposal(false, cx),
            Action::RecordDestruction => self.open_disposal(true, cx),
            Action::Delete => self.ask_delete(cx),
            _ => {}
        }
    }

    fn update_grant_table(&mut self, action: Action, cx: &mut Cx) {
        if self.grant_find.typing {
            if self.grant_find.update(&action) == FindKey::Changed {
                self.refilter_grants();
            }
            return;
        }
        match action {
            ref a if self.grant_cursor.navigate(a) => {}
            Action::Filter => self.grant_find.start(),
            Action::Cancel => {
                self.grant_find.clear();
                self.refilter_grants();
            }
            Action::Add => self.open_new_grant(cx),
            Action::Edit | Action::Open => self.open_edit_grant(cx),
            Action::Revoke => self.open_revoke(cx),
            Action::Delete => self.ask_delete_grant(cx),
            _ => {}
        }
    }

    fn update_closeout(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        match action {
            Action::ScrollDown | Action::NextRow => self.closeout_scroll = self.closeout_scroll.saturating_add(1),
            Action::ScrollUp | Action::PrevRow => self.closeout_scroll = self.closeout_scroll.saturating_sub(1),
            Action::CloseEngagement => self.start_close(cx)?,
            _ => {}
        }
        Ok(())
    }
}

impl Pane for AssetPane {
    fn title(&self) -> &'static str {
        "Assets"
    }

    fn short_title(&self) -> &'static str {
        "Assets"
    }

    fn context(&self) -> Context {
        let typing = match self.view {
            AssetView::Assets => self.filtering,
            AssetView::Access => self.grant_find.typing,
            AssetView::CloseOut => false,
        };
        if typing { Context::Filter } else { self.view_context() }
    }

    /// Loads the tab's rows for the current engagement. Switching engagements resets the filters and the
    /// selection; reloading the same one keeps them.
    fn load(&mut self, cx: &mut Cx) -> Result<()> {
        let engagement = cx.session.current_id();
        let keep = self.selected().map(|(a, _)| a.id);
        let keep_grant = self.selected_grant().map(|(g, _)| g.id);
        if self.engagement != engagement {
            self.engagement = engagement;
            self.filter.clear();
            self.filtering = false;
            self.quick = QuickFilter::All;
            self.cursor.select(0);
            self.grant_find.clear();
            self.grant_cursor.select(0);
            self.closeout_scroll = 0;
            self.last_added = None;
        }
        let conn = cx.store.conn();
        let (all, grants, members, open) = match engagement {
            Some(id) => (store::list(conn, id)?, store::grants(conn, id)?, store::members(conn, id)?, {
                open_post_items(conn, id)?
            }),
            None => Default::default(),
        };
        self.members = members;
        self.set(all, grants, open, cx.today);
        self.mark_leavers(cx.today);
        if let Some(id) = keep {
            self.select_id(id);
        }
        if let Some(id) = keep_grant {
            self.select_grant_id(id);
        }
        self.resize(cx.size);
        Ok(())
    }

    fn resize(&mut self, (_, h): (u16, u16)) {
        let rows = self.asset_rows(h);
        self.cursor.set_height(rows);
        self.grant_cursor.set_height(list_rows(h).saturating_sub(ASSET_SUMMARY_LINES));
    }

    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        if self.filtering {
            self.update_filter(action, cx);
            return Ok(());
        }
        if let Action::NextView = action
            && !self.grant_find.typing
        {
            self.view = match self.view {
                AssetView::Assets => AssetView::Access,
                AssetView::Access => AssetView::CloseOut,
                AssetView::CloseOut => AssetView::Assets,
            };
            return Ok(());
        }
        match self.view {
            AssetView::Assets => self.update_asset_table(action, cx),
            AssetView::Access => self.update_grant_table(action, cx),
            AssetView::CloseOut => self.update_closeout(action, cx)?,
        }
        Ok(())
    }

    fn form_rule(&self, intent: &Intent, values: &Values, cx: &Cx) -> Option<(&'static str, String)> {
        self.rule(intent, values, cx)
    }

    fn save(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String> {
        self.commit(intent, values, cx)
    }

    fn confirmed(&mut self, intent: &Intent, cx: &mut Cx) -> Result<()> {
        self.delete(intent, cx)
    }

    /// Shows an asset from the lookup, selected in the assets view (a filter that hides it stays: the lookup says
    /// so).
    fn reveal(&mut self, table: Table, id: i64, _parent: Option<i64>, _cx: &mut Cx) -> Result<bool> {
        if table != Table::Asset {
            return Ok(false);
        }
        self.view = AssetView::Assets;
        Ok(self.select_id(id))
    }

    fn selected_record(&self, _session: &Session) -> Option<(Table, i64, String)> {
        match self.context() {
            Context::Assets => self.selected().map(|(a, _)| (Table::Asset, a.id, format!("asset {}", a.tag))),
            Context::Access => {
                self.selected_grant().map(|(g, _)| (Table::AccessGrant, g.id, format!("access to {}", g.target)))
            }
            _ => None,
        }
    }

    /// The asset or grant with its holder, dates and state.
    fn copy_text(&self, _session: &Session) -> Option<(String, String)> {
        let dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".into());
        match self.context() {
            Context::Assets => self.selected().map(|(a, s)| {
                let text = format!(
                    "{} {}\n{} · {} · holder {} · handed over {} · expected back {}\nState: {}",
                    a.tag,
                    opt(&a.description),
                    a.kind.replace('_', " "),
                    dash(&a.classification),
                    dash(&a.holder_name),
                    dash(&a.handed_over),
                    dash(&a.expected_return),
                    s.text()
                );
                (format!("asset {}", a.tag), text)
            }),
            Context::Access => self.selected_grant().map(|(g, s)| {
                let text = format!(
                    "Access to {} ({})\nholder {} · granted {} · revoked {} · verified by {}\nState: {}",
                    g.target,
                    g.kind,
                    dash(&g.holder_name),
                    dash(&g.granted_on),
                    dash(&g.revoked_on),
                    dash(&g.verified_by),
                    s.text()
                );
                (format!("access to {}", g.target), text)
            }),
            _ => None,
        }
    }

    fn cursor(&mut self) -> Option<&mut TableCursor> {
        match self.context() {
            Context::Assets => Some(&mut self.cursor),
            Context::Access => Some(&mut self.grant_cursor),
            _ => None,
        }
    }

    fn render(&self, area: Rect, frame: &mut Frame, view: &View) {
        view::render(self, view, area, frame);
    }
}

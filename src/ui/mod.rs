//! Rendering: draws `&App` into a frame. Never changes state, never touches the store.

mod conflicts;
mod detail;
mod help;
mod history;
pub mod lookup;
mod start;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

pub use crate::widgets::centered;

use crate::app::{App, Context, MIN_SIZE, Overlay, Pending};

/// Draws the whole screen, then takes out of it any control or bidirectional character that user data brought.
/// Where the lists' rows went is kept for the event loop to hand to `App::note_drawn` (drawing changes no state).
pub fn render(app: &App, frame: &mut Frame) {
    crate::widgets::table_view::take_drawn();
    render_screen(app, frame);
    crate::visible::scrub_buffer(frame.buffer_mut());
}

fn render_screen(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        render_too_small(area, frame.buffer_mut(), app);
        return;
    }
    // A message takes lines of its own above the status line (a third of the screen at most), covering nothing.
    let toast_h =
        app.toast.as_ref().map_or(0, |t| crate::widgets::toast::lines(t, area.width, area.height / 3).len() as u16);
    let [tabs, body, message, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(toast_h),
        Constraint::Length(1),
    ])
    .areas(area);
    render_tabs(app, tabs, frame.buffer_mut());
    if app.session.engagements.is_empty() {
        start::render(app, body, frame.buffer_mut());
    } else {
        if let Some(p) = app.pane_on(app.tab) {
            p.render(body, frame, &app.view());
        }
    }
    render_status(app, status, frame.buffer_mut());
    match &app.overlay {
        Some(Overlay::Help { scroll }) => help::render(app, *scroll, body, frame.buffer_mut()),
        Some(Overlay::Form(form)) => {
            let footer = key_hints(
                app,
                &[(Context::Form, "next_field")],
                &[(Context::Form, "submit"), (Context::Form, "save_form"), (Context::Form, "cancel")],
                usize::from(body.width.saturating_sub(6).min(94)),
            );
            crate::widgets::form_view::render(form, &app.theme, footer, body, frame)
        }
        Some(Overlay::Confirm(c)) => {
            let names = |action: &str| -> Vec<String> {
                app.keymap
                    .bindings(Context::Confirm)
                    .iter()
                    .filter(|b| b.action.name() == action)
                    .flat_map(|b| b.keys.iter().map(ToString::to_string))
                    .collect()
            };
            let answers = if c.pending == Pending::DiscardForm {
                vec![
                    (names("submit"), "save"),
                    (names("confirm_yes"), "discard"),
                    (names("confirm_no"), "keep editing"),
                ]
            } else {
                vec![(names("confirm_yes"), "yes"), (names("confirm_no"), "no")]
            };
            crate::widgets::confirm::render(&c.title, &c.message, &app.theme, &answers, body, frame.buffer_mut())
        }
        Some(Overlay::Lookup(l)) => lookup::render(app, l, frame.buffer_mut()),
        Some(Overlay::History(h)) => history::render(app, h, body, frame.buffer_mut()),
        Some(Overlay::Detail(d)) => detail::render(app, d, body, frame.buffer_mut()),
        Some(Overlay::Conflicts(c)) => conflicts::render(app, c, body, frame.buffer_mut()),
        Some(Overlay::Picker(p)) => {
            let key = |a: &crate::app::Action| {
                app.keymap.key_for(Context::Picker, a).map(|k| k.to_string()).unwrap_or_else(|| "?".into())
            };
            let keys = (key(&crate::app::Action::Submit), key(&crate::app::Action::Cancel));
            crate::widgets::picker_view::render(p, &app.theme, (&keys.0, &keys.1), body, frame)
        }
        None => {}
    }
    if let Some(t) = &app.toast {
        crate::widgets::toast::render(t, &app.theme, message, frame.buffer_mut());
    }
}

fn render_too_small(area: Rect, buf: &mut Buffer, app: &App) {
    Clear.render(area, buf);
    let mut lines = vec![
        Line::from(Span::styled("Terminal too small", app.theme.error)),
        Line::from(format!("need {}×{}, have {}×{}", MIN_SIZE.0, MIN_SIZE.1, area.width, area.height)),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    if matches!(&app.overlay, Some(Overlay::Form(f)) if f.changed()) {
        lines.push(Line::from(Span::styled("An edit is open and not saved: q would discard it.", app.theme.warn)));
    }
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let inner = Rect { y: area.y + top, height: area.height - top, ..area };
    Paragraph::new(lines).alignment(Alignment::Center).wrap(Wrap { trim: true }).render(inner, buf);
}

/// The brand at the right end of the tab bar.
use crate::app::layout::BRAND;

fn render_tabs(app: &App, area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    for (tab, label) in crate::app::layout::tab_labels(area.width, &app.tab_titles()) {
        let style =
            if tab == app.tab && !app.session.engagements.is_empty() { app.theme.tab_active } else { app.theme.tab };
        let style = if app.pane_on(tab).is_some_and(|p| p.needs_engagement()) && app.session.current.is_none() {
            style.patch(app.theme.dim)
        } else {
            style
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let line = Line::from(spans);
    let used = line.width() as u16;
    line.render(area, buf);
    let brand = Span::styled(BRAND, app.theme.title);
    let w = brand.width() as u16;
    if area.width >= used + w {
        Line::from(brand).render(Rect { x: area.right() - w, width: w, ..area }, buf);
    }
}

fn render_status(app: &App, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, app.theme.status);
    let t = &app.theme;
    let mut left = vec![];
    match &app.session.current {
        Some(e) => {
            left.push(Span::styled(format!(" {} ", e.name), t.title));
            left.push(Span::styled(format!("· {} ", e.phase.label()), t.base));
            if e.status == "closed" {
                left.push(Span::styled("· closed, read-only ", t.warn));
            }
        }
        None => left.push(Span::styled(" no engagement open ", t.dim)),
    }
    // Score mode is named here too: digits write scores while it lasts, and this line is always in view.
    if matches!(app.context(), Context::Scoring) {
        left.push(Span::styled("· SCORE MODE ", t.highlight));
    }
    let dirty = matches!(&app.overlay, Some(Overlay::Form(f)) if f.changed());
    left.push(match (&app.last_saved, dirty) {
        (_, true) => Span::styled("· unsaved edit ", t.warn),
        (Some(at), false) => Span::styled(format!("· saved {at} "), t.ok),
        (None, false) => Span::styled("· all saved ", t.dim),
    });
    // A long task under way (a report, an export): how far it has come and how to stop it. It takes the place of
    // the saved state (back when it ends), unless an edit is unsaved, so that the line still fits 80 columns.
    if let Some(work) = app.work_status() {
        if !dirty {
            left.pop();
        }
        left.push(Span::styled(format!("· {work} "), t.highlight));
    }
    // The help hint always shows: the engagement's name gives way to it on a narrow terminal.
    let help = key_hints(app, &[], &[(Context::Global, "help")], usize::MAX);
    let help_w = Line::from(help).width() as u16;
    let room = area.width.saturating_sub(help_w + 1);
    // The team's state, on a workspace bound to a team: whole where it fits, then its first part, beside the
    // engagement's whole name; then the same with the name cut to a few words; else nothing.
    if let Some((long, short)) = app.team_line() {
        let name_w = left.first().map_or(0, |s| s.width());
        let slack = name_w.saturating_sub(TEAM_NAME_KEEPS.min(name_w));
        let used = Line::from(left.clone()).width();
        let width = |s: &String| unicode_width::UnicodeWidthStr::width(s.as_str());
        let tries = [(&long, 0), (&short, 0), (&long, slack), (&short, slack)];
        let fits = tries.into_iter().find(|(s, cut)| used + width(s) <= usize::from(room) + cut);
        if let Some((text, _)) = fits {
            let text = text.clone();
            let style = if app.team.as_ref().is_some_and(|t| t.conflicts > 0) { t.warn } else { t.dim };
            left.push(Span::styled(text, style));
        }
    }
    let mut left = Line::from(left);
    let total = left.width();
    if total > usize::from(room)
        && let Some(first) = left.spans.first_mut()
    {
        let over = total - usize::from(room);
        let keep = unicode_width::UnicodeWidthStr::width(first.content.as_ref()).saturating_sub(over + 1).max(4);
        first.content = format!("{} ", crate::text::truncate(first.content.trim(), keep)).into();
    }
    let used = (left.width() as u16).min(area.width);
    left.render(area, buf);
    let hint_area = Rect { x: area.x + used + 1, width: area.width.saturating_sub(used + 1), ..area };
    let hints = hints(app, usize::from(hint_area.width));
    Line::from(hints).alignment(Alignment::Right).render(hint_area, buf);
}

/// The columns the engagement's name keeps in the status line before the team's state gives way.
const TEAM_NAME_KEEPS: usize = 16;

/// The status-line hints: the main bindings of the current context, then lookup, help and quit; all from the
/// keymap itself. Context hints are dropped from the end until the line fits `room` columns.
fn hints(app: &App, room: usize) -> Vec<Span<'static>> {
    let ctx = app.context();
    let wanted: &[&str] = match ctx {
        Context::List => &["add", "edit", "open", "delete", "filter", "set_phase"],
        Context::Overview => &["edit", "set_phase", "note", "write_report", "export_bundle"],
        Context::Providers => &["add", "edit", "set_status", "delete", "next_view"],
        Context::Criteria => &["add", "edit", "weight_up", "weight_down", "toggle_must_have", "next_view"],
        Context::Grid => &["start_scoring", "note", "weight_up", "set_status", "next_view"],
        Context::Scoring => &["stop_scoring", "score5", "clear_score", "note"],
        Context::Risks => &[
            "add",
            "add_from_catalog",
            "edit",
            "accept",
            "filter",
            "focus_matrix",
            "cycle_dimension",
            "toggle_residual",
        ],
        Context::Matrix => &["open", "cycle_dimension", "toggle_residual", "cancel"],
        Context::Picker => &["submit", "cancel"],
        Context::Form => &["submit", "save_form", "cancel", "next_field"],
        Context::Filter => &["submit", "cancel"],
        Context::Confirm => &["confirm_yes", "confirm_no"],
        Context::ImportPreview => &["confirm_yes", "cancel", "import_sheet", "scroll_down"],
        Context::Help => &["cancel"],
        Context::Start => &["new_engagement"],
        Context::Global => &[],
        Context::Lookup => &["open", "cancel"],
        Context::History => &["scroll_down", "cancel"],
        Context::Conflicts => &["flip_conflict", "mark_reviewed", "show_reviewed", "cancel"],
        Context::Detail => &["edit", "history", "cancel"],
        Context::Journal => &["add", "edit", "delete", "filter", "cancel"],
        Context::Evidence => &["add", "edit", "delete", "filter", "cancel"],
        Context::LookupDetail => &["toggle_done", "cancel"],
        Context::Workflow => &["toggle_done", "toggle_na", "note", "open", "filter", "switch_view"],
        Context::Vetting => &[
            "mark_passed",
            "mark_failed",
            "mark_waived",
            "mark_not_permitted",
            "open",
            "add",
            "filter",
            "next_provider",
            "next_view",
        ],
        Context::VettingMember => &["reveal", "edit", "cancel"],
        Context::Roster => &["next_provider", "next_view"],
        Context::RoleConflicts => &["add", "edit", "delete", "next_view"],
        Context::Assets => {
            &["add", "rapid_add", "record_return", "record_destruction", "edit", "filter", "quick_filter", "next_view"]
        }
        Context::Access => &["add", "revoke", "edit", "delete", "filter", "next_view"],
        Context::CloseOut => &["close_engagement", "scroll_down", "next_view"],
    };
    let local: Vec<(Context, &str)> = wanted.iter().map(|a| (ctx, *a)).collect();
    let global: &[(Context, &str)] = if matches!(
        ctx,
        Context::Form
            | Context::Confirm
            | Context::Help
            | Context::Filter
            | Context::Lookup
            | Context::LookupDetail
            | Context::History
            | Context::Conflicts
            | Context::Picker
    ) {
        &[]
    } else {
        &[(Context::Global, "help"), (Context::Global, "lookup"), (Context::Global, "quit")]
    };
    key_hints(app, &local, global, room)
}

/// The key hints of a popup: those that give way when the line is short, and those always shown (see
/// [`key_hints`]).
pub type PopupHints<'a> = (&'a [(Context, &'a str)], &'a [(Context, &'a str)]);

/// A bordered popup over `rect` titled `title`: `lines` scrolled by `scroll` (never past the last screenful), and
/// along its bottom the key hints of `optional` and `always` (see [`key_hints`]). The history and a record's
/// read-only view are drawn this way.
pub fn scrolled_popup(
    app: &App,
    rect: Rect,
    title: String,
    lines: Vec<Line<'_>>,
    scroll: usize,
    hints: PopupHints<'_>,
    buf: &mut Buffer,
) {
    let t = &app.theme;
    let inner_h = usize::from(rect.height.saturating_sub(3));
    let scroll = scroll.min(lines.len().saturating_sub(inner_h));
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(t.border_focus)
        .title(Line::styled(title, t.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let body = Rect { height: inner.height.saturating_sub(1), ..inner };
    Paragraph::new(lines).scroll((scroll as u16, 0)).render(body, buf);
    let footer = key_hints(app, hints.0, hints.1, usize::from(inner.width));
    Line::from(footer).render(Rect { y: inner.bottom().saturating_sub(1), height: 1, ..inner }, buf);
}

/// Key hints drawn from the keymap, so that they never drift from what the keys do: for each (context, action),
/// its first key and its description. Hints of `optional` are dropped from the end until the line fits `room`
/// columns; those of `always` are kept while they fit.
pub fn key_hints(
    app: &App,
    optional: &[(Context, &str)],
    always: &[(Context, &str)],
    room: usize,
) -> Vec<Span<'static>> {
    let pick = |(ctx, action): &(Context, &str)| {
        app.keymap
            .bindings(*ctx)
            .iter()
            .find(|b| b.action.name() == *action)
            .and_then(|b| b.keys.first().map(|k| (k.to_string(), b.desc.clone())))
    };
    let mut local: Vec<(String, String)> = optional.iter().filter_map(pick).collect();
    let global: Vec<(String, String)> = always.iter().filter_map(pick).collect();
    let width =
        |xs: &[(String, String)]| xs.iter().map(|(k, d)| k.chars().count() + d.chars().count() + 3).sum::<usize>();
    while !local.is_empty() && width(&local) + width(&global) > room {
        local.pop();
    }
    let mut out = Vec::new();
    let mut used = 0;
    for (k, d) in local.into_iter().chain(global) {
        used += width(&[(k.clone(), d.clone())]);
        if used > room {
            break;
        }
        out.push(Span::styled(k, app.theme.key));
        out.push(Span::styled(format!(" {d}  "), app.theme.dim));
    }
    out
}

//! The Assets tab: the three views on screen, rapid entry, returns, destructions, revocations and the close-out,
//! each write checked in the database; and the asset tracking form from the command line.

mod common;

use assay::app::{App, AssetPane, AssetView, Context, Overlay, QuickFilter, Tab, VettingPane};
use assay::catalog::{ItemPhase, Use, catalog};
use assay::cli::DemoSize;
use assay::commands::demo::{self, Shape};
use assay::domain::Value;
use assay::domain::assets::AssetState;
use assay::domain::workflow::CheckStatus;
use assay::store::{Store, assets, checklist, engagements, notes};
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn assets_tab(mut app: App) -> App {
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.tab, Tab::Assets);
    assert_eq!(app.context(), Context::Assets);
    app
}

fn engagement(app: &App) -> i64 {
    app.session.current.as_ref().expect("an engagement is open").id
}

fn tab(app: &mut App, n: usize) {
    for _ in 0..n {
        press(app, KeyCode::Tab);
    }
}

fn clear_and_type(app: &mut App, text: &str) {
    press_mod(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    keys(app, text);
}

fn form_title(app: &App) -> String {
    match &app.overlay {
        Some(Overlay::Form(f)) => f.title.clone(),
        other => panic!("expected a form, found {other:?}"),
    }
}

fn form_value(app: &App, key: &str) -> String {
    match &app.overlay {
        Some(Overlay::Form(f)) => f.value_of(key).expect("field").to_string(),
        other => panic!("expected a form, found {other:?}"),
    }
}

fn form_error(app: &App, key: &str) -> Option<String> {
    match &app.overlay {
        Some(Overlay::Form(f)) => f.fields.iter().find(|x| x.spec.key == key).and_then(|x| x.error.clone()),
        _ => None,
    }
}

/// Selects the row with this tag; returns the asset's id.
fn select_tag(app: &mut App, tag: &str) -> i64 {
    let pos = app
        .pane::<AssetPane>()
        .visible
        .iter()
        .position(|&i| app.pane::<AssetPane>().all[i].tag == tag)
        .expect("tag shown");
    app.pane_state::<AssetPane>().cursor.select(pos);
    app.pane::<AssetPane>().selected().expect("selected").0.id
}

/// (tag, holder_id, disposition, returned_on, verified_by, certificate) of an asset.
type Row = (String, Option<i64>, Option<String>, Option<String>, Option<String>, Option<String>);

fn asset_row(app: &App, id: i64) -> Row {
    app.store
        .conn()
        .query_row(
            "SELECT tag, holder_id, disposition, returned_on, verified_by, certificate FROM asset WHERE id = ?",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .expect("asset row")
}

fn count_assets(app: &App) -> i64 {
    app.store.conn().query_row("SELECT count(*) FROM asset", [], |r| r.get(0)).expect("count")
}

/// A fresh engagement made through the start screen (so it has its checklist), opened on the Assets tab.
fn fresh(w: u16, h: u16) -> App {
    let mut app = empty_app(w, h);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Cloud hosting exit");
    press(&mut app, KeyCode::Enter);
    assert!(app.session.current.is_some());
    assets_tab(app)
}

#[test]
fn the_three_views_on_the_demo() {
    let mut app = assets_tab(demo_app(130, 36));
    insta::assert_snapshot!("assets_typical", render(&app).backend());
    let s = screen(&app);
    assert!(s.contains("! overdue") && s.contains("✓ returned"), "{s}");
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::Access);
    insta::assert_snapshot!("access_typical", render(&app).backend());
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::CloseOut);
    insta::assert_snapshot!("closeout_with_blockers", render(&app).backend());
    let s = screen(&app);
    assert!(s.contains("block the close") && s.contains("post-outsourcing checklist items open"), "{s}");
    assert!(s.contains("assets not returned or destroyed") && s.contains("access grants not removed"), "{s}");
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.pane::<AssetPane>().view, AssetView::Assets);
}

#[test]
fn crowded_views_stay_readable_and_filters_narrow_them() {
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    let shape = Shape { assets_per_engagement: 600, grants_per_engagement: 120, ..Shape::of(DemoSize::Small) };
    demo::generate(&mut store, shape, today()).expect("demo");
    let mut app = assets_tab(app_on(store, 100, 30));
    assert_eq!(app.pane::<AssetPane>().all.len(), 600);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!("assets_crowded", render(&app).backend());

    // Quick filter: only the overdue ones, then only the outstanding ones.
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.pane::<AssetPane>().quick, QuickFilter::Overdue);
    assert!(!app.pane::<AssetPane>().visible.is_empty());
    assert!(app.pane::<AssetPane>().visible.iter().all(|&i| app.pane::<AssetPane>().overdue[i]));
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.pane::<AssetPane>().quick, QuickFilter::Outstanding);
    assert!(app.pane::<AssetPane>().visible.iter().all(|&i| app.pane::<AssetPane>().states[i].is_outstanding()));
    assert_eq!(app.pane::<AssetPane>().visible.len(), app.pane::<AssetPane>().blockers.assets.len());
    insta::assert_snapshot!("assets_crowded_outstanding", render(&app).backend());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane::<AssetPane>().visible.len(), 600);

    // Text filter over tag, description and holder.
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(app.context(), Context::Filter);
    keys(&mut app, "00012");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Assets);
    let tags: Vec<&str> =
        app.pane::<AssetPane>().visible.iter().map(|&i| app.pane::<AssetPane>().all[i].tag.as_str()).collect();
    assert!(!tags.is_empty() && tags.iter().all(|t| t.contains("00012")), "{tags:?}");
    let holder = app.pane::<AssetPane>().all.iter().find_map(|a| a.holder_name.clone()).expect("a holder");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, &holder.to_uppercase());
    press(&mut app, KeyCode::Enter);
    assert!(
        app.pane::<AssetPane>()
            .visible
            .iter()
            .all(|&i| app.pane::<AssetPane>().all[i].holder_name.as_deref() == Some(holder.as_str()))
    );

    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!("access_crowded", render(&app).backend());
}

#[test]
fn empty_engagement_shows_how_to_start_in_every_view() {
    let mut app = fresh(110, 30);
    insta::assert_snapshot!("assets_empty", render(&app).backend());
    assert!(screen(&app).contains("No assets recorded"));
    press(&mut app, KeyCode::Char('v'));
    insta::assert_snapshot!("access_empty", render(&app).backend());
    press(&mut app, KeyCode::Char('v'));
    insta::assert_snapshot!("closeout_empty", render(&app).backend());
    // A fresh engagement still has its post-outsourcing checklist open.
    assert!(app.pane::<AssetPane>().blockers.assets.is_empty() && app.pane::<AssetPane>().blockers.grants.is_empty());
    assert!(!app.pane::<AssetPane>().blockers.checklist.is_empty());
}

#[test]
fn add_an_asset_then_rapid_add_a_series() {
    let mut app = assets_tab(demo_app(130, 36));
    let e = engagement(&app);
    // A member whose name no one else in the engagement shares.
    let members = &app.pane::<AssetPane>().members;
    let unique = |m: &&assay::store::assets::Member| {
        members.iter().filter(|o| o.name.eq_ignore_ascii_case(&m.name)).count() == 1
    };
    let member = members.iter().find(unique).expect("a uniquely named member").clone();
    let before = count_assets(&app);
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(form_title(&app), "New asset");
    keys(&mut app, "LAP-0001");
    tab(&mut app, 1);
    keys(&mut app, "Laptop with disk encryption");
    tab(&mut app, 1);
    tab(&mut app, 1); // kind: device, the default
    keys(&mut app, "Confidential");
    tab(&mut app, 1);
    keys(&mut app, &member.name.to_lowercase());
    tab(&mut app, 1);
    keys(&mut app, "t");
    tab(&mut app, 1);
    keys(&mut app, "Bo Lindqvist");
    tab(&mut app, 1);
    keys(&mut app, "+90");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved: {:?}", app.overlay);
    assert_eq!(count_assets(&app), before + 1);
    let (first, state) = app.pane::<AssetPane>().selected().expect("the new row is selected");
    assert_eq!(first.tag, "LAP-0001");
    assert_eq!(first.holder_id, Some(member.id));
    assert_eq!(state, AssetState::WithHolder);
    assert_eq!(first.expected_return.as_deref(), Some("2027-02-21"));

    // Rapid add: the next tag, everything else carried over; Enter, Enter, Enter adds a series.
    press(&mut app, KeyCode::Char('A'));
    assert!(form_title(&app).starts_with("Next asset after LAP-0001"), "{}", form_title(&app));
    assert_eq!(form_value(&app, "tag"), "LAP-0002");
    assert_eq!(form_value(&app, "holder").to_lowercase(), member.name.to_lowercase());
    assert_eq!(form_value(&app, "kind"), "device");
    assert_eq!(form_value(&app, "classification"), "Confidential");
    assert_eq!(form_value(&app, "handed_over"), "2026-11-23");
    assert_eq!(form_value(&app, "accepted_by"), "Bo Lindqvist");
    // The description identifies the item (a serial number, say): it is not copied to the next one.
    assert_eq!(form_value(&app, "description"), "");
    insta::assert_snapshot!("rapid_add_prefill", render(&app).backend());
    press(&mut app, KeyCode::Enter);
    assert_eq!(form_value(&app, "tag"), "LAP-0003", "the next form opens at once");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_eq!(form_value(&app, "tag"), "LAP-0005");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    let series: Vec<(String, Option<i64>, String)> = app
        .store
        .conn()
        .prepare("SELECT tag, holder_id, kind FROM asset WHERE engagement_id = ? AND tag LIKE 'LAP-%' ORDER BY tag")
        .expect("prepare")
        .query_map([e], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let tags: Vec<&str> = series.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(tags, ["LAP-0001", "LAP-0002", "LAP-0003", "LAP-0004"]);
    assert!(series.iter().all(|s| s.1 == Some(member.id) && s.2 == "device"));

    // A tag already used is refused, nothing written.
    press(&mut app, KeyCode::Char('A'));
    clear_and_type(&mut app, "LAP-0002");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "tag").expect("error").contains("already used"));
    assert_eq!(count_assets(&app), before + 4);
}

/// A holder may be named by the member's short reference, as exactly as by name; an unknown reference is refused
/// with the reason and nothing is written.
#[test]
fn a_holder_named_by_reference_is_that_member() {
    let mut app = assets_tab(demo_app(130, 36));
    let e = engagement(&app);
    let (member, name): (i64, String) = app
        .store
        .conn()
        .query_row(
            "SELECT m.id, m.name FROM team_member m JOIN provider p ON p.id = m.provider_id \
             WHERE p.engagement_id = ?1 AND m.number = 3",
            [e],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("M-3");
    let before = count_assets(&app);
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "KEY-9");
    tab(&mut app, 4);
    keys(&mut app, "M-999");
    press(&mut app, KeyCode::Enter);
    let err = form_error(&app, "holder").expect("an error beside the holder");
    assert!(err.contains("no team member of this engagement is M-999"), "{err}");
    assert_eq!(count_assets(&app), before);
    clear_and_type(&mut app, "m-3");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved: {:?}", app.overlay);
    let holder: Option<i64> = app
        .store
        .conn()
        .query_row("SELECT holder_id FROM asset WHERE tag = 'KEY-9'", [], |r| r.get(0))
        .expect("the asset");
    assert_eq!(holder, Some(member), "M-3 is {name}");
}

#[test]
fn an_unknown_holder_keeps_the_form_open_with_the_reason() {
    let mut app = assets_tab(demo_app(130, 36));
    let before = count_assets(&app);
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "KEY-1");
    tab(&mut app, 4);
    keys(&mut app, "Nobody Atall");
    press(&mut app, KeyCode::Enter);
    let err = form_error(&app, "holder").expect("an error beside the holder");
    assert!(err.contains("no team member") && err.contains("Nobody Atall"), "{err}");
    assert_eq!(count_assets(&app), before);
    insta::assert_snapshot!("unknown_holder", render(&app).backend());
}

#[test]
fn record_a_return_and_a_destruction_that_needs_its_certificate() {
    let mut app = assets_tab(demo_app(130, 36));
    press(&mut app, KeyCode::Char('o')); // overdue
    let overdue = app.pane::<AssetPane>().selected().expect("an overdue asset").0.tag.clone();
    press(&mut app, KeyCode::Esc);
    let id = select_tag(&mut app, &overdue);
    press(&mut app, KeyCode::Char('r'));
    assert!(form_title(&app).starts_with("Record return"));
    assert_eq!(form_value(&app, "returned_on"), "2026-11-23");
    // The verifier is chosen, never assumed to be the assessor: saving without one is refused.
    assert_eq!(form_value(&app, "verified_by"), "");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "verified_by").is_some());
    assert_eq!(asset_row(&app, id).2, None, "nothing recorded without a verifier");
    keys(&mut app, "Kim Ito");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let (_, _, disposition, on, by, _) = asset_row(&app, id);
    assert_eq!(
        (disposition.as_deref(), on.as_deref(), by.as_deref()),
        (Some("returned"), Some("2026-11-23"), Some("Kim Ito"))
    );
    assert_eq!(app.pane::<AssetPane>().selected().expect("still selected").1, AssetState::Returned);

    // Destruction: the certificate is required.
    let other = app
        .pane::<AssetPane>()
        .all
        .iter()
        .find(|a| a.disposition.is_none() && a.is_issued())
        .expect("one out")
        .tag
        .clone();
    let id = select_tag(&mut app, &other);
    press(&mut app, KeyCode::Char('x'));
    assert!(form_title(&app).starts_with("Record destruction"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(form_error(&app, "certificate").as_deref(), Some("Destruction certificate is required"));
    assert_eq!(asset_row(&app, id).2, None, "nothing recorded without the certificate");
    assert!(form_error(&app, "verified_by").is_some(), "nor without a verifier");
    insta::assert_snapshot!("destruction_needs_certificate", render(&app).backend());
    keys(&mut app, "Kim Ito"); // the focus is on the first field in error: the verifier
    tab(&mut app, 1);
    keys(&mut app, "DC-2026-0042");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let (_, _, disposition, _, by, cert) = asset_row(&app, id);
    assert_eq!(
        (disposition.as_deref(), by.as_deref(), cert.as_deref()),
        (Some("destroyed"), Some("Kim Ito"), Some("DC-2026-0042"))
    );
    assert!(screen(&app).contains("✗ destroyed"));
}

#[test]
fn revoke_an_access_grant() {
    let mut app = assets_tab(demo_app(130, 36));
    press(&mut app, KeyCode::Char('v'));
    let pos = app.pane::<AssetPane>().grant_states.iter().position(|s| s.is_outstanding()).expect("an active grant");
    app.pane_state::<AssetPane>().grant_cursor.select(pos);
    let id = app.pane::<AssetPane>().selected_grant().expect("grant").0.id;
    let blocking = app.pane::<AssetPane>().blockers.grants.len();
    press(&mut app, KeyCode::Char('r'));
    assert!(form_title(&app).starts_with("Revoke"));
    clear_and_type(&mut app, "2026-11-20");
    tab(&mut app, 1);
    assert_eq!(form_value(&app, "verified_by"), "", "the verifier is chosen, not assumed");
    keys(&mut app, "IAM team");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let (on, by): (String, String) = app
        .store
        .conn()
        .query_row("SELECT revoked_on, verified_by FROM access_grant WHERE id = ?", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("grant");
    assert_eq!((on.as_str(), by.as_str()), ("2026-11-20", "IAM team"));
    assert_eq!(app.pane::<AssetPane>().blockers.grants.len(), blocking - 1);

    // A new grant to someone who is not a team member (a shared service account, say) is kept by name, once the
    // form marks the holder as outside the team.
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "svc-backup");
    tab(&mut app, 1);
    keys(&mut app, "Tape library console");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "holder").is_some(), "an unknown name is refused");
    tab(&mut app, 6); // the error put the focus back on the holder
    keys(&mut app, "y");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let (name, member): (String, Option<i64>) = app
        .store
        .conn()
        .query_row("SELECT holder_name, holder_id FROM access_grant WHERE target = 'Tape library console'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("grant");
    assert_eq!((name.as_str(), member), ("svc-backup", None));
    assert_eq!(app.pane::<AssetPane>().blockers.grants.len(), blocking, "a new active grant blocks the close");
    let s = screen(&app);
    assert!(s.contains("svc-backup (out"), "the Access list says so: {s}");
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::CloseOut);
    let s = screen(&app);
    assert!(s.contains("Tape library console — svc-backup (logical) · held outside the team"), "{s}");
}

#[test]
fn close_is_refused_without_a_reason_then_recorded_with_one() {
    let mut app = assets_tab(demo_app(130, 36));
    let e = engagement(&app);
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('v'));
    let outstanding = app.pane::<AssetPane>().blockers.total();
    assert!(outstanding > 0);
    press(&mut app, KeyCode::Char('c'));
    assert!(form_title(&app).contains("with items outstanding"));
    insta::assert_snapshot!("close_form_lists_blockers", render(&app).backend());
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(form_error(&app, "reason").is_some(), "the reason is required");
    let status = |app: &App| engagements::get(app.store.conn(), e).expect("get").expect("engagement").status;
    assert_eq!(status(&app), "active");
    keys(&mut app, "Provider insolvent; remaining media written off by the board");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(app.overlay.is_none());
    assert_eq!(status(&app), "closed");
    let recorded = notes::recent(app.store.conn(), e, 5).expect("notes");
    let note = recorded.first().expect("a note");
    assert_eq!(note.target_table.as_deref(), Some("engagement"));
    assert!(note.text.contains(&format!("{outstanding} items outstanding")), "{}", note.text);
    assert!(note.text.ends_with("Reason: Provider insolvent; remaining media written off by the board"));
    // The close-out says so, a second close is refused, and the overview shows the note.
    assert!(screen(&app).contains("This engagement is closed"));
    press(&mut app, KeyCode::Char('c'));
    assert!(app.overlay.is_none());
    assert_eq!(app.toast.as_ref().map(|t| t.text.as_str()), Some("This engagement is already closed"));
    press(&mut app, KeyCode::Char('2'));
    let s = screen(&app);
    assert!(s.contains("Engagement closed with") && s.contains("closed"), "{s}");
}

/// A fresh engagement with every post-outsourcing item done and its one asset returned, shown on the close-out.
fn ready_to_close() -> (App, i64) {
    let mut app = fresh(110, 30);
    let e = engagement(&app);
    let post: Vec<String> =
        catalog().with_use(Use::Workflow).filter(|i| i.phase == ItemPhase::Post).map(|i| i.id.clone()).collect();
    app.store
        .write(|w| {
            for id in &post {
                checklist::set_status(w, e, id, CheckStatus::Done, "2026-11-23")?;
            }
            let a = assets::create(
                w,
                e,
                &[
                    ("tag", Value::text("TAPE-1")),
                    ("handed_over", Value::text("2026-01-01")),
                    ("accepted_by", Value::text("Someone")),
                ],
            )?;
            assets::record_return(w, a, "2026-06-01", "CISO", Some("Good"))?;
            Ok(())
        })
        .expect("write");
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('v'));
    assert!(app.pane::<AssetPane>().blockers.is_empty(), "{:?}", app.pane::<AssetPane>().blockers);
    assert!(screen(&app).contains("Nothing outstanding"));
    (app, e)
}

#[test]
fn a_clean_close_needs_no_reason() {
    let (mut app, e) = ready_to_close();
    press(&mut app, KeyCode::Char('c'));
    assert!(app.overlay.is_none(), "no reason asked");
    let status = engagements::get(app.store.conn(), e).expect("get").expect("e").status;
    assert_eq!(status, "closed");
    let note = notes::recent(app.store.conn(), e, 1).expect("notes").remove(0);
    assert!(note.text.starts_with("Engagement closed: every asset returned"), "{}", note.text);
}

// ---- the asset tracking form from the command line ----

fn assay(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(dir)
        .env("ASSAY_CONFIG", dir.join("no-config.toml"))
        .env_remove("ASSAY_DB")
        .output()
        .expect("run assay")
}

/// A workspace on disk with one engagement and three assets: out, returned, and one with a hostile tag.
fn report_workspace(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("w.db");
    let mut store = Store::open(&db, "tester").expect("open");
    store
        .write(|w| {
            let e = engagements::create(w, &[("name", Value::text("Records archive"))])?;
            engagements::create(w, &[("name", Value::text("Records scanning"))])?;
            let p = assay::store::providers::create(
                w,
                e,
                &[("name", Value::text("Iron Vault Ltd")), ("status", Value::text("selected"))],
            )?;
            let m = w.insert(
                assay::store::Table::TeamMember,
                &[("provider_id", Value::Int(p)), ("name", Value::text("Ana Pereira"))],
            )?;
            let common = |tag: &str| {
                vec![
                    ("tag", Value::text(tag)),
                    ("description", Value::text("Archive box")),
                    ("holder_id", Value::Int(m)),
                    ("handed_over", Value::text("2026-01-10")),
                    ("accepted_by", Value::text("Ana Pereira")),
                    ("expected_return", Value::text("2099-01-01")),
                ]
            };
            assets::create(w, e, &common("BOX-001"))?;
            let back = assets::create(w, e, &common("BOX-002"))?;
            assets::record_return(w, back, "2026-03-01", "CISO", Some("Seal intact"))?;
            assets::create(w, e, &common("<script>alert('x')</script>"))?;
            Ok(())
        })
        .expect("write");
    drop(store);
    db
}

#[test]
fn report_markdown_lists_rows_by_state_with_signature_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = report_workspace(dir.path());
    let out = assay(&["--db", db.to_str().expect("utf8"), "report", "assets", "records arch"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).expect("utf8");
    assert!(md.starts_with("# Asset tracking form — Records archive\n"), "{md}");
    assert!(md.contains("- Provider(s): Iron Vault Ltd"));
    assert!(md.contains("## With the provider (2)") && md.contains("## Returned (1)"), "{md}");
    assert!(md.contains("| Hand-over signature & date |") && md.contains("| Return signature & date |"));
    assert!(md.contains("- Engagement: E-1 (UUID "), "{md}");
    assert!(md.contains("| → with holder | A-1 | BOX-001 | Archive box |"), "each asset with its reference: {md}");
    assert!(
        md.contains("| ✓ returned | A-2 | BOX-002 |") && md.contains("| 2026-03-01 | CISO | Seal intact |  |"),
        "{md}"
    );
    assert!(md.contains("&lt;script&gt;") && !md.contains("<script>"), "escaped in Markdown too");
}

#[test]
fn report_html_is_one_printable_page_with_every_value_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = report_workspace(dir.path());
    let file = dir.path().join("form.html");
    let out = assay(
        &[
            "--db",
            db.to_str().expect("utf8"),
            "report",
            "assets",
            "1",
            "--format",
            "html",
            "--out",
            file.to_str().expect("utf8"),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "written to the file, not stdout");
    let html = std::fs::read_to_string(&file).expect("read");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@page { size: A4 landscape"));
    assert!(html.contains("thead { display: table-header-group; }"), "headers repeat on each page");
    assert!(html.contains("<th scope=\"col\">Hand-over signature &amp; date</th>"));
    assert!(html.contains("<th scope=\"col\">Return signature &amp; date</th>"));
    assert!(html.contains("<dt>Provider(s)</dt><dd>Iron Vault Ltd</dd>"));
    assert!(html.contains("<td>BOX-001</td>") && html.contains("<td>✓ returned</td><td>A-2</td><td>BOX-002</td>"));
    assert!(html.contains("<dt>Engagement</dt><dd>E-1 Records archive (UUID "), "{html}");
    assert!(html.contains("Legend."));
    // A form to sign: signature cells at least 15 mm high, and no word broken inside (a column is as wide as its
    // longest word).
    assert!(html.contains("td.sign { height: 15mm;"), "signature cells 15 mm high");
    assert!(html.contains("hyphens: manual") && !html.contains("overflow-wrap: anywhere"));
    assert!(!html.contains("break-word") && !html.contains("table-layout: fixed"));
    assert!(!html.contains("<script"), "no live script");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<link"), "self-contained");
}

#[test]
fn report_of_an_unknown_or_ambiguous_engagement_fails_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = report_workspace(dir.path());
    let db = db.to_str().expect("utf8");
    let out = assay(&["--db", db, "report", "assets", "Payroll"], dir.path());
    assert_eq!(out.status.code(), Some(3), "nothing found");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no engagement matches “Payroll”"), "{err}");
    let out = assay(&["--db", db, "report", "assets", "records"], dir.path());
    assert_eq!(out.status.code(), Some(2), "ambiguous: a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("matches 2 engagements"));
    let out = assay(&["--db", db, "report", "assets"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<ENGAGEMENT>"));
    // Without `assets` first, the same engagement gets the management report.
    let out = assay(&["--db", db, "report", "Records archive"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Records archive"));
}

#[test]
fn the_engagement_form_cannot_close_around_the_close_out() {
    let mut app = demo_app(120, 36);
    let e = engagement(&app);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('e'));
    let status_field = match &app.overlay {
        Some(Overlay::Form(f)) => f.fields.iter().position(|x| x.spec.key == "status").expect("status field"),
        other => panic!("expected the engagement form, found {other:?}"),
    };
    tab(&mut app, status_field);
    keys(&mut app, "c");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "status").expect("refused").contains("close-out"));
    let status = engagements::get(app.store.conn(), e).expect("get").expect("e").status;
    assert_eq!(status, "active");
}

/// Goes to a tab by its number.
fn goto(app: &mut App, n: char) {
    press(app, KeyCode::Char(n));
}

/// A fresh workspace with one provider and one member, both added through the TUI in this session.
fn session_team() -> App {
    let mut app = fresh(130, 36);
    goto(&mut app, '3');
    assert_eq!(app.tab, Tab::Scorecard);
    while app.context() != Context::Providers {
        press(&mut app, KeyCode::Char('v'));
    }
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "ProvA");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "provider saved");
    goto(&mut app, '5');
    assert_eq!(app.tab, Tab::Vetting);
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Alice Tan");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "member saved");
    goto(&mut app, '6');
    assert_eq!(app.tab, Tab::Assets);
    app
}

fn member_named(app: &App, name: &str) -> i64 {
    app.store.conn().query_row("SELECT id FROM team_member WHERE name = ?", [name], |r| r.get(0)).expect("member")
}

#[test]
fn a_member_added_in_this_session_can_hold_an_asset_at_once() {
    // Failed before: the Assets tab resolved holders against the team as it was when the engagement was opened.
    let mut app = session_team();
    let alice = member_named(&app, "Alice Tan");
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "X-1");
    tab(&mut app, 4);
    keys(&mut app, "Alice Tan");
    press(&mut app, KeyCode::Enter);
    assert_eq!(form_error(&app, "holder"), None);
    assert!(app.overlay.is_none(), "saved");
    let id = select_tag(&mut app, "X-1");
    assert_eq!(asset_row(&app, id).1, Some(alice));
}

fn grant_row(app: &App, target: &str) -> (Option<i64>, String) {
    app.store
        .conn()
        .query_row("SELECT holder_id, holder_name FROM access_grant WHERE target = ?", [target], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("grant")
}

#[test]
fn a_grant_holder_resolves_to_a_team_member_and_leavers_are_shown_and_warned_about() {
    // Failed before: grants kept the typed text with no link to the member, accepted any name, and a leaver's
    // access went unnoticed.
    let mut app = session_team();
    let alice = member_named(&app, "Alice Tan");
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::Access);
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Nobody Known");
    tab(&mut app, 1);
    keys(&mut app, "VPN");
    press(&mut app, KeyCode::Enter);
    let err = form_error(&app, "holder").expect("an unknown holder is refused");
    assert!(err.contains("Nobody Known"), "{err}");
    let n: i64 = app.store.conn().query_row("SELECT count(*) FROM access_grant", [], |r| r.get(0)).expect("n");
    assert_eq!(n, 0, "nothing saved");
    clear_and_type(&mut app, "Alice"); // the focus is back on the holder
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved");
    assert_eq!(grant_row(&app, "VPN"), (Some(alice), "Alice Tan".to_string()));

    // Alice leaves yesterday: the vetting warnings see her access, and both lists mark her.
    app.store
        .write(|w| w.update(assay::store::Table::TeamMember, alice, &[("left_on", Value::text("2026-11-22"))]))
        .expect("leave");
    let e = engagement(&app);
    app.update(assay::app::Action::Resize(130, 36)).expect("resize");
    goto(&mut app, '1');
    press(&mut app, KeyCode::Enter); // reopen the engagement so every pane reloads
    assert_eq!(engagement(&app), e);
    goto(&mut app, '5');
    assert!(
        app.pane::<VettingPane>().warnings.iter().any(|w| w.contains("Alice Tan")),
        "{:?}",
        app.pane::<VettingPane>().warnings
    );
    goto(&mut app, '6');
    if app.context() != Context::Access {
        app.pane_state::<AssetPane>().view = AssetView::Access;
    }
    let s = screen(&app);
    assert!(s.contains("⚠ Alice Tan (left"), "{s}");

    // Handing an asset to her now is recorded, with a warning.
    app.pane_state::<AssetPane>().view = AssetView::Assets;
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "X-2");
    tab(&mut app, 4);
    keys(&mut app, "Alice Tan");
    tab(&mut app, 1);
    keys(&mut app, "t");
    tab(&mut app, 1);
    keys(&mut app, "Bo");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved");
    let toast = app.toast.clone().expect("a warning");
    assert!(toast.error && toast.text.contains("left the team on 2026-11-22"), "{toast:?}");
    let s = screen(&app);
    assert!(s.contains("⚠ Alice Tan"), "the holder column marks the leaver: {s}");
}

#[test]
fn editing_a_grant_of_one_of_two_namesakes_keeps_the_same_holder() {
    // Two people called Alice Tan, one at each provider; the grant goes to the second one.
    let mut app = session_team();
    goto(&mut app, '3');
    while app.context() != Context::Providers {
        press(&mut app, KeyCode::Char('v'));
    }
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "ProvB");
    press(&mut app, KeyCode::Enter);
    goto(&mut app, '5');
    while app.pane::<VettingPane>().provider_name() != "ProvB" {
        press(&mut app, KeyCode::Char(']'));
    }
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Alice Tan");
    press(&mut app, KeyCode::Enter);
    let second: i64 = app
        .store
        .conn()
        .query_row(
            "SELECT m.id FROM team_member m JOIN provider p ON p.id = m.provider_id WHERE p.name = 'ProvB'",
            [],
            |r| r.get(0),
        )
        .expect("second Alice");
    goto(&mut app, '6');
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Alice Tan (ProvB)");
    tab(&mut app, 1);
    keys(&mut app, "Twin console");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved: {:?}", form_error(&app, "holder"));
    assert_eq!(grant_row(&app, "Twin console").0, Some(second));
    // Failed before: the edit form showed the bare name, which fits both, so saving it was refused.
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(form_value(&app, "holder"), "Alice Tan (ProvB)");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved: {:?}", form_error(&app, "holder"));
    assert_eq!(grant_row(&app, "Twin console").0, Some(second));
}

#[test]
fn the_overview_counts_assets_out_as_the_close_out_does() {
    // Failed before: the overview counted every asset without a disposition, so one recorded but never handed over
    // showed as "not returned" while the close-out, rightly, did not count it.
    let mut app = fresh(130, 36);
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "NOT-YET");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved");
    assert_eq!(app.pane::<AssetPane>().selected().expect("row").1, AssetState::NotIssued);
    assert_eq!(app.pane::<AssetPane>().blockers.assets.len(), 0);
    assert_eq!(app.session.summary.assets_out, 0);
    press(&mut app, KeyCode::Char('2'));
    assert!(screen(&app).contains("0 not returned"), "{}", screen(&app));
}

// ---- key names come from the keymap; a failed write quits nothing ----

/// The demo workspace with 600 assets and 120 grants, on a keymap with `overrides` (context, action, keys).
fn crowded_app_with_keys(overrides: &[(&str, &str, &[&str])]) -> App {
    use std::collections::BTreeMap;
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    let shape = Shape { assets_per_engagement: 600, grants_per_engagement: 120, ..Shape::of(DemoSize::Small) };
    demo::generate(&mut store, shape, today()).expect("demo");
    let mut table: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (ctx, action, keys) in overrides {
        table
            .entry(ctx.to_string())
            .or_default()
            .insert(action.to_string(), keys.iter().map(|k| k.to_string()).collect());
    }
    let mut keymap = assay::app::Keymap::default_map();
    keymap.apply_overrides(&table).expect("overrides");
    let mut app = App::new(store, keymap, assay::theme::Theme::plain(), today()).expect("app");
    app.update(assay::app::Action::Resize(160, 40)).expect("resize");
    app
}

#[test]
fn remapped_keys_are_the_ones_the_tab_names() {
    // Failed before: the series form, its toast, the grant deletion and the close-out named Enter, Esc, r and o
    // whatever the keymap said.
    let mut app = assets_tab(crowded_app_with_keys(&[
        ("form", "submit", &["ctrl-s"]),
        ("form", "cancel", &["ctrl-g"]),
        ("access", "revoke", &["R"]),
        ("assets", "quick_filter", &["O"]),
    ]));
    press(&mut app, KeyCode::Char('A'));
    let s = screen(&app);
    assert!(s.contains("(Ctrl-S adds, Ctrl-G ends the series)"), "{s}");
    assert!(!s.contains("Enter adds") && !s.contains("Esc ends"), "{s}");
    let tag = form_value(&app, "tag");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "the next of the series is open");
    let s = screen(&app);
    assert!(s.contains(&format!("Asset {tag} added — the next is ready (Ctrl-G ends the series)")), "{s}");
    press_mod(&mut app, KeyCode::Char('g'), KeyModifiers::CONTROL);
    assert!(app.overlay.is_none(), "the remapped cancel ends the series");

    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('d'));
    match &app.overlay {
        Some(Overlay::Confirm(c)) => {
            assert!(c.message.contains("a real one is revoked (R)"), "{}", c.message);
            assert!(!c.message.contains("(r)"), "{}", c.message);
        }
        other => panic!("expected the question, found {other:?}"),
    }
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::CloseOut);
    // Far down the close-out, under its first 25 assets.
    for _ in 0..30 {
        press(&mut app, KeyCode::Char('j'));
    }
    let s = screen(&app);
    assert!(s.contains("more (see the Assets view, O for outstanding)"), "{s}");
    assert!(!s.contains("o for outstanding"), "{s}");
}

#[test]
fn a_close_that_cannot_be_written_says_so_and_the_workbench_goes_on() {
    // Failed before: the write's error ended the event loop, and with it the session.
    let (mut app, e) = ready_to_close();
    app.store.conn().execute_batch("PRAGMA query_only = ON").expect("read-only");
    press(&mut app, KeyCode::Char('c'));
    assert!(!app.should_quit);
    let toast = app.toast.as_ref().expect("a message");
    assert!(toast.error && toast.text.starts_with("Not closed: "), "{}", toast.text);
    assert!(screen(&app).contains("Not closed: "));
    let status = engagements::get(app.store.conn(), e).expect("get").expect("e").status;
    assert_eq!(status, "active");
    // Once the store takes writes again, the same key closes it.
    app.store.conn().execute_batch("PRAGMA query_only = OFF").expect("writable");
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(engagements::get(app.store.conn(), e).expect("get").expect("e").status, "closed");
}

#[test]
fn a_form_that_cannot_be_written_stays_open_with_what_was_typed() {
    let mut app = assets_tab(demo_app(130, 36));
    let before = count_assets(&app);
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "USB-0042");
    tab(&mut app, 1);
    keys(&mut app, "Encrypted stick");
    app.store.conn().execute_batch("PRAGMA query_only = ON").expect("read-only");
    press(&mut app, KeyCode::Enter);
    assert!(!app.should_quit);
    assert_eq!(form_value(&app, "tag"), "USB-0042");
    assert_eq!(form_value(&app, "description"), "Encrypted stick");
    let toast = app.toast.as_ref().expect("a message");
    assert!(toast.error && toast.text.starts_with("Not saved: "), "{}", toast.text);
    assert_eq!(count_assets(&app), before);

    // The close form keeps its reason the same way.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.overlay.is_none());
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('c'));
    keys(&mut app, "Provider gone");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(!app.should_quit);
    assert_eq!(form_value(&app, "reason"), "Provider gone");
    assert!(app.toast.as_ref().is_some_and(|t| t.error && t.text.starts_with("Not saved: ")));
    assert!(screen(&app).contains("Not saved: "));
    let e = engagement(&app);
    assert_eq!(engagements::get(app.store.conn(), e).expect("get").expect("e").status, "active");
}

/// Assets and grants are listed with their short references (A-…, AG-…) in a first column, also at 80×24; the
/// filter takes a reference.
#[test]
fn assets_and_grants_show_their_references_at_80_columns() {
    let mut app = assets_tab(demo_app(80, 24));
    insta::assert_snapshot!("assets_refs_80", render(&app).backend());
    let s = screen(&app);
    assert!(s.contains("│Ref  Tag"), "{s}");
    let (number, tag) = app.pane::<AssetPane>().selected().map(|(a, _)| (a.number, a.tag.clone())).expect("an asset");
    assert!(s.contains(&format!("│A-{number:<3}{tag}")), "{s}");
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::Access);
    insta::assert_snapshot!("access_refs_80", render(&app).backend());
    let (number, _) = app.pane::<AssetPane>().selected_grant().map(|(g, _)| (g.number, g.id)).expect("a grant");
    assert!(screen(&app).contains(&format!("│AG-{number} ")), "{}", screen(&app));
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::Assets);
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "a-22");
    press(&mut app, KeyCode::Enter);
    let pane = app.pane::<AssetPane>();
    assert_eq!(pane.visible.len(), 1, "{:?}", pane.visible);
    assert_eq!(pane.selected().map(|(a, _)| a.number), Some(22));
}

//! The interview journal: `J` from any tab writes an entry linked to the record under the cursor; Ctrl-S saves it
//! and leaves the next one open with the same people and link; `i` on the Overview lists the journal to read, find
//! in, edit and delete; entries travel in the JSON bundle and `verify` stays clean.

mod common;

use assay::app::{Context, Overlay, OverviewPane, RiskPane, Tab};
use assay::store::{Table, journal};
use common::workspace::{assert_clean, count, empty_store, export_json, import_json};
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// The demo workspace without the journal entries it comes with, so that a test counts its own.
fn demo_store_without_journal() -> assay::store::Store {
    let mut store = common::workspace::demo_store();
    let ids: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM journal_entry")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("entries");
    store
        .write(|w| {
            for id in ids {
                w.delete(Table::JournalEntry, id)?;
            }
            Ok(())
        })
        .expect("cleared");
    store
}

fn demo_without_journal(w: u16, h: u16) -> assay::app::App {
    app_on(demo_store_without_journal(), w, h)
}

fn save(app: &mut assay::app::App) {
    press_mod(app, KeyCode::Char('s'), KeyModifiers::CONTROL);
}

#[test]
fn j_on_a_risk_writes_linked_entries_one_after_the_other() {
    let mut app = demo_without_journal(120, 40);
    let engagement = app.session.current_id().expect("engagement");
    press(&mut app, KeyCode::Char('4'));
    let (risk, number, title) =
        app.pane::<RiskPane>().selected().map(|(r, _)| (r.id, r.number, r.title.clone())).expect("a risk");
    press(&mut app, KeyCode::Char('J'));
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("a new entry is open") };
    assert_eq!(f.title, format!("Journal entry — on risk R-{number} “{title}”"));
    assert_eq!(app.tab, Tab::Risks, "the entry is written without leaving the tab");

    keys(&mut app, "Backups are tested twice a year");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "restore evidence shown on screen");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Kofi Mensah");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Ana Souza, the provider's DPO");
    save(&mut app);
    assert_eq!(toast_text(&app), "Entry saved; the next one is open");
    // The next entry is open, with the same people and link, and empty text.
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("the next entry is open") };
    assert_eq!(f.value_of("text"), Some(""));
    assert_eq!(f.value_of("interviewed"), Some("Kofi Mensah"));
    assert_eq!(f.value_of("present"), Some("Ana Souza, the provider's DPO"));
    keys(&mut app, "No test of the offsite copy");
    save(&mut app);
    // Esc on the untouched next entry closes it without a question.
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());

    let entries = journal::list(app.store.conn(), engagement).expect("journal");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].text, "Backups are tested twice a year\nrestore evidence shown on screen");
    assert_eq!(entries[0].link, Some((Table::Risk, risk)));
    assert_eq!(entries[1].interviewed.as_deref(), Some("Kofi Mensah"));
    assert_eq!(journal::for_record(app.store.conn(), Table::Risk, risk).expect("linked").len(), 2);
    assert_clean(&app.store);

    // u takes the last entry back, like any change.
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(journal::list(app.store.conn(), engagement).expect("journal").len(), 1);
}

fn toast_text(app: &assay::app::App) -> String {
    app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

#[test]
fn the_overview_lists_the_journal_to_find_edit_and_delete() {
    let mut app = demo_without_journal(120, 40);
    let engagement = app.session.current_id().expect("engagement");
    for text in ["Visitor register kept at reception", "Badges are collected at the exit", "CCTV covers the racks"] {
        press(&mut app, KeyCode::Char('J'));
        keys(&mut app, text);
        save(&mut app);
        press(&mut app, KeyCode::Esc);
    }
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.context(), Context::Journal);
    let listed = screen(&app);
    assert!(listed.contains("Interview journal — 3 entries"), "{listed}");
    assert!(listed.contains("Badges are collected at the exit"));

    // Find narrows to the entries holding every word.
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "badges");
    press(&mut app, KeyCode::Enter);
    let j = app.pane::<OverviewPane>().journal.clone().expect("journal listed");
    assert_eq!(j.visible.len(), 1);
    assert!(screen(&app).contains("find “badges”: 1 of 3 shown"));

    // Edit it: the text changes in place.
    press(&mut app, KeyCode::Char('e'));
    press_mod(&mut app, KeyCode::Char('e'), KeyModifiers::CONTROL);
    keys(&mut app, " and counted");
    save(&mut app);
    let texts: Vec<String> =
        journal::list(app.store.conn(), engagement).expect("journal").into_iter().map(|e| e.text).collect();
    assert!(texts.contains(&"Badges are collected at the exit and counted".to_string()), "{texts:?}");

    // Delete it, after a question.
    press(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(count(&app.store, "SELECT count(*) FROM journal_entry"), 2);
    assert_clean(&app.store);
    // Esc clears the find, then goes back to the overview.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Overview);
}

#[test]
fn the_journal_travels_in_the_bundle_with_its_links() {
    let mut app = demo_without_journal(120, 40);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('J'));
    keys(&mut app, "Owner agrees the treatment date");
    save(&mut app);
    press(&mut app, KeyCode::Esc);
    let bundle = export_json(&app.store, None, true);
    assert!(bundle.contains("\"journal_entries\""));
    // Into a workspace that already has data: the entry comes with its link pointing at the imported risk.
    let mut other = common::workspace::demo_store();
    import_json(&mut other, &bundle).expect("import");
    let (link_table, title): (String, String) = other
        .conn()
        .query_row(
            "SELECT j.link_table, r.title FROM journal_entry j JOIN risk r ON r.id = j.link_id \
             WHERE j.text = 'Owner agrees the treatment date'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the entry and its risk");
    assert_eq!(link_table, "risk");
    let original = app.pane::<RiskPane>().selected().map(|(r, _)| r.title.clone()).expect("risk");
    assert_eq!(title, original);
    // A bundle written before the journal existed still imports.
    let mut old: serde_json::Value = serde_json::from_str(&bundle).expect("json");
    for e in old["engagements"].as_array_mut().expect("engagements") {
        e.as_object_mut().expect("object").remove("journal_entries");
    }
    let mut fresh = empty_store();
    import_json(&mut fresh, &old.to_string()).expect("a bundle without a journal imports");
    assert_clean(&fresh);
}

#[test]
fn the_journal_listed() {
    let mut app = demo_without_journal(100, 30);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('J'));
    keys(&mut app, "Access reviews happen quarterly; the last one is overdue");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Kofi Mensah");
    save(&mut app);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('i'));
    let screen = screen(&app);
    // The time is local: take it out of the snapshot (the entry's reference stays).
    let stable: String = screen
        .lines()
        .map(|l| match l.find("▶ J-") {
            Some(at) => {
                let rest = &l[at + "▶ J-".len()..];
                let digits = rest.chars().take_while(char::is_ascii_digit).count();
                format!("{}▶ J-<n> <when>{}", &l[..at], &rest[digits + 1 + "2026-11-23 09:00".len()..])
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(stable);
}

#[test]
fn the_report_adds_the_journal_as_an_appendix_when_asked() {
    use common::bin::{assay, demo_file, stderr, stdout};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_file(dir.path(), "w.db");
    {
        let mut store = assay::store::Store::open(&db, "tester").expect("open");
        store
            .write(|w| {
                journal::add(
                    w,
                    1,
                    &journal::NewEntry {
                        said_at: "2026-11-20T10:15:00Z",
                        text: "The DR site is shared with another customer",
                        interviewed: Some("Kofi Mensah"),
                        present: Some("Ana Souza"),
                        link: None,
                    },
                )
            })
            .expect("entry");
    }
    let db = db.to_str().expect("utf8");
    let with = assay(dir.path(), &["--db", db, "report", "1", "--with-journal"]);
    assert!(with.status.success(), "{}", stderr(&with));
    let md = stdout(&with);
    assert!(md.contains("Appendix: interview journal"), "{md}");
    assert!(md.contains(" · 2026-11-20 10:15 — Kofi Mensah (present: Ana Souza)"), "{md}");
    assert!(md.contains("The DR site is shared with another customer"));
    let without = assay(dir.path(), &["--db", db, "report", "1"]);
    assert!(!stdout(&without).contains("interview journal"), "only when asked");
    // An engagement with no entry says so and writes the report without the appendix.
    {
        let mut store = assay::store::Store::open(std::path::Path::new(db), "tester").expect("open");
        store
            .write(|w| {
                w.insert(
                    Table::Engagement,
                    &[("name", assay::domain::Value::text("Quiet one")), ("phase", assay::domain::Value::text("pre"))],
                )
            })
            .expect("engagement");
    }
    let empty = assay(dir.path(), &["--db", db, "report", "Quiet one", "--with-journal"]);
    assert!(empty.status.success());
    assert!(stderr(&empty).contains("has no journal entry"), "{}", stderr(&empty));
}

/// A record that goes takes its link with it, not the entry: what was said stays, the link is cleared in the
/// history, and undoing the delete links the entry again. The bundle of the engagement still imports.
#[test]
fn deleting_a_linked_record_keeps_the_entry_and_clears_its_link() {
    let mut app = demo_without_journal(120, 40);
    let engagement = app.session.current_id().expect("engagement");
    press(&mut app, KeyCode::Char('4'));
    let risk = app.pane::<RiskPane>().selected().map(|(r, _)| r.id).expect("a risk");
    press(&mut app, KeyCode::Char('J'));
    keys(&mut app, "The owner accepts this one");
    save(&mut app);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    let entries = journal::list(app.store.conn(), engagement).expect("journal");
    assert_eq!(entries.len(), 1, "the entry stays");
    assert_eq!(entries[0].link, None, "its link is cleared");
    assert_clean(&app.store);
    let bundle = export_json(&app.store, None, true);
    import_json(&mut empty_store(), &bundle).expect("the bundle imports");

    press(&mut app, KeyCode::Char('u'));
    let entries = journal::list(app.store.conn(), engagement).expect("journal");
    assert_eq!(entries[0].link, Some((Table::Risk, risk)), "undoing the delete links it again");
    assert_clean(&app.store);
}

/// A closed engagement is read-only: `J` says so instead of opening an entry that could not be saved.
#[test]
fn a_closed_engagement_takes_no_journal_entry_and_says_so() {
    let mut store = demo_store_without_journal();
    let id = count(&store, "SELECT min(id) FROM engagement");
    store.write(|w| assay::store::assets::close_engagement(w, id, "Closed: test")).expect("close");
    store
        .write(|w| assay::store::settings::set(w, assay::store::settings::CURRENT_ENGAGEMENT, &id.to_string()))
        .expect("remember");
    let mut app = app_on(store, 120, 40);
    assert_eq!(app.session.current_id(), Some(id));
    press(&mut app, KeyCode::Char('J'));
    assert!(app.overlay.is_none(), "no entry opens");
    assert!(toast_text(&app).contains("is closed and read-only"), "{}", toast_text(&app));
    assert_eq!(count(&app.store, "SELECT count(*) FROM journal_entry"), 0);
}

/// Notes written before the journal existed become its entries the next time the workspace is opened: with the
/// time they were written, their text and what they were about, each move audited; reasons for closing or
/// reopening stay notes; a file attached to a moved note is attached to its entry.
#[test]
fn notes_become_journal_entries_when_the_workspace_is_opened() {
    use assay::domain::Value;
    use assay::store::Store;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("old.db");
    let (engagement, risk, note_with_file) = {
        let mut store = Store::open(&path, "Amina").expect("open");
        let engagement = store
            .write(|w| w.insert(Table::Engagement, &[("name", Value::text("Payroll")), ("phase", Value::text("pre"))]))
            .expect("engagement");
        let risk = store
            .write(|w| {
                w.insert(Table::Risk, &[("engagement_id", Value::Int(engagement)), ("title", Value::text("Lock-in"))])
            })
            .expect("risk");
        let note = |target: Option<(&str, i64)>, text: &str, at: &str| {
            vec![
                ("engagement_id", Value::Int(engagement)),
                ("target_table", Value::from(target.map(|t| t.0))),
                ("target_id", Value::from(target.map(|t| t.1))),
                ("text", Value::text(text)),
                ("created_at", Value::text(at)),
            ]
        };
        let ids = store
            .write(|w| {
                let a =
                    w.insert(Table::Note, &note(None, "Kick-off held with the focal point", "2026-03-02T09:15:00Z"))?;
                let b =
                    w.insert(Table::Note, &note(Some(("risk", risk)), "Exit plan not tested", "2026-03-03T10:00:00Z"))?;
                w.insert(
                    Table::Note,
                    &note(Some(("engagement", engagement)), "Reopened: audit", "2026-03-04T11:00:00Z"),
                )?;
                Ok((a, b))
            })
            .expect("notes");
        let file = dir.path().join("minutes.txt");
        std::fs::write(&file, b"minutes").expect("file");
        let mut src = assay::store::evidence::open_source(&file, 1 << 20).expect("source");
        store
            .write(|w| {
                assay::store::evidence::attach(
                    w,
                    &mut src,
                    assay::store::evidence::Attach { engagement, target: Some((Table::Note, ids.1)), caption: None },
                    &mut |_, _| {},
                )
            })
            .expect("attach");
        (engagement, risk, ids.1)
    };
    assert!(note_with_file > 0);

    let store = Store::open(&path, "Amina").expect("reopen");
    let entries = journal::list(store.conn(), engagement).expect("journal");
    type Seen<'a> = (&'a str, &'a str, Option<(Table, i64)>);
    let seen: Vec<Seen> = entries.iter().map(|e| (e.said_at.as_str(), e.text.as_str(), e.link)).collect();
    assert_eq!(
        seen,
        vec![
            ("2026-03-02T09:15:00Z", "Kick-off held with the focal point", None),
            ("2026-03-03T10:00:00Z", "Exit plan not tested", Some((Table::Risk, risk))),
        ]
    );
    // The reason for reopening stays a note, shown with the engagement's history.
    assert_eq!(count(&store, "SELECT count(*) FROM note"), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM note WHERE text = 'Reopened: audit'"), 1);
    // The file about the moved note is about its entry now.
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM evidence WHERE target_table = 'journal_entry' AND target_id = {}",
                entries[1].id
            )
        ),
        1
    );
    // Each move is in the history, and the history verifies.
    assert_eq!(count(&store, "SELECT count(*) FROM audit_log WHERE table_name = 'note' AND action = 'delete'"), 2);
    assert_clean(&store);
    drop(store);
    // Opening again moves nothing more.
    let store = Store::open(&path, "Amina").expect("third open");
    assert_eq!(journal::list(store.conn(), engagement).expect("journal").len(), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM audit_log WHERE table_name = 'note' AND action = 'delete'"), 2);
}

/// Each kind of record an entry links to shows its entries where the record is read: a team member's detail, an
/// asset's form, a checklist item's detail (a risk's and a provider's views are tested above and in detail.rs).
#[test]
fn a_member_an_asset_and_a_checklist_item_show_the_entries_linked_to_them() {
    let mut app = demo_without_journal(140, 60);
    let write = |app: &mut assay::app::App, text: &str| {
        press(app, KeyCode::Char('J'));
        keys(app, text);
        save(app);
        press(app, KeyCode::Esc);
        assert!(app.overlay.is_none(), "{text}");
    };
    // A team member: `i` on the Vetting tab reads them whole.
    press(&mut app, KeyCode::Char('5'));
    write(&mut app, "Badge returned on the last day");
    press(&mut app, KeyCode::Char('i'));
    let member = screen(&app);
    assert!(member.contains("Journal") && member.contains("Badge returned on the last day"), "{member}");
    press(&mut app, KeyCode::Esc);

    // An asset: its form (Enter) says what was said about it.
    press(&mut app, KeyCode::Char('6'));
    write(&mut app, "Laptop seen in the locked cabinet");
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("the asset's form") };
    assert!(f.intro.iter().any(|l| l.starts_with("Journal: 1 entry on it")), "{:?}", f.intro);
    assert!(f.intro.iter().any(|l| l.ends_with("Laptop seen in the locked cabinet")), "{:?}", f.intro);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());

    // A checklist item: its detail (Enter on the Workflow tab) lists the entries under the checklist's state.
    press(&mut app, KeyCode::Char('7'));
    write(&mut app, "Plan signed off by the steering board");
    press(&mut app, KeyCode::Enter);
    let item = screen(&app);
    assert!(item.contains("journal") && item.contains("Plan signed off by the steering board"), "{item}");
}

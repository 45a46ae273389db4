//! Evidence files from the workbench: `E` on any tab attaches a file to the record under the cursor through a path
//! field that completes folders and files; `F` on the Overview lists the engagement's files to find in, caption,
//! delete and undo. Bad paths are refused on the field, with the form kept as typed and nothing stored.

mod common;

use assay::app::{Context, Overlay, RiskPane, Tab};
use assay::store::Table;
use assay::store::evidence;
use common::workspace::{assert_clean, count};
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use sha2::{Digest, Sha256};

fn save(app: &mut assay::app::App) {
    press_mod(app, KeyCode::Char('s'), KeyModifiers::CONTROL);
}

fn toast_text(app: &assay::app::App) -> String {
    app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

fn form_field(app: &assay::app::App, key: &str) -> (String, Option<String>) {
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("a form is open") };
    let field = f.fields.iter().find(|x| x.spec.key == key).expect("field");
    (field.input.value().to_string(), field.error.clone())
}

/// A folder with photos in a subfolder, as a phone's export leaves them.
fn photos() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir(dir.path().join("site-visit")).expect("folder");
    std::fs::write(dir.path().join("site-visit").join("visitor-register.jpg"), b"JPEG bytes of the register")
        .expect("photo");
    std::fs::write(dir.path().join("site-visit").join("server-room.jpg"), b"JPEG bytes of the racks").expect("photo");
    std::fs::write(dir.path().join("signed-nda.pdf"), b"%PDF-1.7 signed").expect("pdf");
    let base = format!("{}/", dir.path().display());
    (dir, base)
}

#[test]
fn e_on_a_risk_attaches_a_file_whose_path_tab_completes() {
    let (_dir, base) = photos();
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('4'));
    let (risk, title) = app.pane::<RiskPane>().selected().map(|(r, _)| (r.id, r.title.clone())).expect("a risk");
    press(&mut app, KeyCode::Char('E'));
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("the attach form is open") };
    assert_eq!(f.title, format!("Attach evidence — to risk {title}"));
    assert_eq!(app.tab, Tab::Risks, "the file is attached without leaving the tab");

    // Tab completes as far as the names agree: "si" fits a folder and a file, so it shows both and adds nothing;
    // "sit" names the folder alone; then "v" one file in it.
    keys(&mut app, &format!("{base}si"));
    let shown = screen(&app);
    assert!(shown.contains("site-visit/") && shown.contains("signed-nda.pdf"), "offered:\n{shown}");
    keys(&mut app, "t");
    press(&mut app, KeyCode::Tab);
    assert_eq!(form_field(&app, "file").0, format!("{base}site-visit/"));
    let shown = screen(&app);
    assert!(shown.contains("visitor-register.jpg") && shown.contains("server-room.jpg"), "offered:\n{shown}");
    keys(&mut app, "v");
    press(&mut app, KeyCode::Tab);
    assert_eq!(form_field(&app, "file").0, format!("{base}site-visit/visitor-register.jpg"));
    // Nothing more to complete: Tab moves on to the caption.
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Visitor register at reception, 3 Dec");
    save(&mut app);
    assert!(app.overlay.is_none(), "saved and closed: {:?}", toast_text(&app));
    assert!(toast_text(&app).starts_with("Stored F-1 visitor-register.jpg"), "{}", toast_text(&app));

    let files = evidence::list(app.store.conn(), app.session.current_id()).expect("list");
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(f.target.as_ref().map(|t| (t.table, t.id)), Some((Table::Risk, risk)));
    assert_eq!(f.caption.as_deref(), Some("Visitor register at reception, 3 Dec"));
    let want: String = Sha256::digest(b"JPEG bytes of the register").iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(f.sha256, want);
    assert!(f.stored, "the content is in the workspace");
    assert_clean(&app.store);
}

#[test]
fn the_overview_lists_the_files_to_find_caption_delete_and_undo() {
    let (_dir, base) = photos();
    let mut app = demo_app(120, 40);
    for (name, caption) in [("site-visit/server-room.jpg", "Racks"), ("signed-nda.pdf", "NDA of the account manager")] {
        press(&mut app, KeyCode::Char('E'));
        keys(&mut app, &format!("{base}{name}"));
        press(&mut app, KeyCode::Tab);
        keys(&mut app, caption);
        save(&mut app);
        assert!(app.overlay.is_none(), "{}", toast_text(&app));
    }
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('F'));
    assert_eq!(app.context(), Context::Evidence);
    let listed = screen(&app);
    assert!(listed.contains("Evidence files — 2 files"), "{listed}");
    assert!(listed.contains("server-room.jpg — Racks") && listed.contains("signed-nda.pdf"), "{listed}");

    // Find narrows the list and says so in the title.
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "nda");
    press(&mut app, KeyCode::Enter);
    let found = screen(&app);
    assert!(found.contains("1 of 2 shown") && !found.contains("server-room"), "{found}");

    // e edits the caption of the file selected, audited.
    press(&mut app, KeyCode::Char('e'));
    press_mod(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    keys(&mut app, "Signed NDA");
    save(&mut app);
    assert_eq!(count(&app.store, "SELECT count(*) FROM evidence WHERE caption = 'Signed NDA'"), 1);

    // d asks, then deletes; u brings it back with its content.
    press(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(count(&app.store, "SELECT count(*) FROM evidence"), 1);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(count(&app.store, "SELECT count(*) FROM evidence"), 2);
    assert!(evidence::list(app.store.conn(), None).expect("list").iter().all(|f| f.stored));
    assert_clean(&app.store);

    // Esc clears the find, then leaves the list.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Evidence);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Overview);
}

#[test]
fn a_bad_path_is_refused_on_its_field_with_the_form_kept_and_nothing_stored() {
    let (_dir, base) = photos();
    let mut app = demo_app(120, 40);
    app.evidence_limit = 20;
    for (typed, says) in [
        (format!("{base}site-visit/missing.jpg"), "no such file"),
        (format!("{base}site-visit"), "folder"),
        (format!("{base}site-visit/visitor-register.jpg"), "over the limit"),
    ] {
        press(&mut app, KeyCode::Char('E'));
        // The caption first (Shift-Tab wraps round to it), then the path, then save from the path field.
        press(&mut app, KeyCode::BackTab);
        keys(&mut app, "A caption that must not be lost");
        press(&mut app, KeyCode::BackTab);
        keys(&mut app, &typed);
        save(&mut app);
        let (value, error) = form_field(&app, "file");
        assert_eq!(value, typed, "the path stays as typed");
        let error = error.expect("the field says what is wrong");
        assert!(error.contains(says), "{typed}: {error}");
        let Some(Overlay::Form(f)) = &app.overlay else { panic!("kept") };
        assert_eq!(f.value_of("caption"), Some("A caption that must not be lost"));
        assert_eq!(count(&app.store, "SELECT count(*) FROM evidence"), 0);
        app.overlay = None;
    }
    assert_eq!(count(&app.store, "SELECT count(*) FROM evidence_content"), 0);
}

#[test]
fn a_tilde_path_starts_at_the_home_folder() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('E'));
    keys(&mut app, "~/surely-no-such-file-here.jpg");
    save(&mut app);
    let (_, error) = form_field(&app, "file");
    let home = directories::BaseDirs::new().map(|b| b.home_dir().display().to_string()).unwrap_or_default();
    let error = error.expect("refused");
    assert!(error.starts_with(&home) && error.contains("no such file"), "{error}");
}

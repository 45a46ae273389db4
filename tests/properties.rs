//! Property tests: every parser of outside input (config, keymap, field values, dates, lookup queries) and the
//! whole state machine under random keys — no input makes assay panic.

mod common;

use assay::app::form::Form;
use assay::app::input::TextInput;
use assay::app::{Action, Key, Keymap};
use assay::catalog::search::{self, Filters};
use assay::domain::{Engagement, FieldKind, FieldSpec, Value};
use common::today;
use common::workspace::{count, demo_store, export_json};
use proptest::prelude::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const KINDS: &[FieldKind] = &[
    FieldKind::Text { max: 10 },
    FieldKind::LongText,
    FieldKind::Date,
    FieldKind::Number { min: 0, max: 5 },
    FieldKind::Enum(&["pre", "during", "post"]),
    FieldKind::YesNo,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn field_values_parse_or_explain_and_round_trip(input in "\\PC{0,40}", k in 0..KINDS.len(), required: bool) {
        let mut spec = FieldSpec::new("f", "Field", KINDS[k]);
        spec.required = required;
        match spec.parse(&input, today()) {
            Ok(v) => {
                // What was accepted is shown back and accepted again as the same value.
                let shown = spec.display(&v);
                prop_assert_eq!(spec.parse(&shown, today()), Ok(v));
            }
            Err(msg) => prop_assert!(!msg.is_empty()),
        }
    }

    #[test]
    fn dates_never_panic(input in "[-+0-9tTdayo/ ]{0,24}") {
        let _ = assay::domain::fields::parse_date(&input, today());
    }

    #[test]
    fn key_names_never_panic(input in "\\PC{0,20}") {
        if let Ok(k) = Key::parse(&input) {
            prop_assert!(!k.to_string().is_empty());
        }
    }

    #[test]
    fn keymaps_and_configs_never_panic(input in "\\PC{0,300}") {
        let _ = Keymap::parse(&input);
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("config.toml");
        std::fs::write(&p, &input).expect("write");
        if let Ok(cfg) = assay::config::Config::load(&p) {
            let mut km = Keymap::default_map();
            let _ = km.apply_overrides(&cfg.keys);
        }
    }

    #[test]
    fn configs_of_arbitrary_bytes_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("config.toml");
        std::fs::write(&p, &bytes).expect("write");
        if let Err(e) = assay::config::Config::load(&p) {
            prop_assert!(e.contains("config.toml"));
        }
    }

    #[test]
    fn lookup_queries_never_panic(query in "\\PC{0,60}") {
        let opts = search::Options { prefix_last: true };
        let hits = search::rank_with(&query, &Filters::default(), opts);
        for h in hits.iter().take(5) {
            let title = &assay::catalog::catalog().items[h.index].title;
            for c in search::highlights(title, &h.matched) {
                prop_assert!(c < title.chars().count());
            }
        }
    }

    #[test]
    fn text_input_keeps_its_cursor_in_bounds(ops in proptest::collection::vec((0u8..7, any::<char>()), 0..80)) {
        let mut t = TextInput::new("héllo");
        for (op, c) in ops {
            match op {
                0 => t.insert(c),
                1 => t.backspace(),
                2 => t.delete(),
                3 => t.left(),
                4 => t.right(),
                5 => t.home(),
                _ => t.end(),
            }
            prop_assert!(t.cursor() <= t.value().chars().count());
        }
    }

    #[test]
    fn a_long_text_keeps_exactly_what_may_be_typed(chars in proptest::collection::vec(any::<char>(), 0..60)) {
        let text: String = chars.into_iter().collect();
        let spec = [FieldSpec::new("note", "Note", FieldKind::LongText)];
        let mut f = Form::new("Note", (), &spec, &[]);
        f.paste(&text);
        let kept: String = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .chars()
            .filter(|c| assay::widgets::editor::allowed(*c))
            .collect();
        prop_assert_eq!(f.value_of("note"), Some(kept.as_str()));
        prop_assert!(!kept.chars().any(|c| c != '\n' && assay::visible::is_unsafe(c)), "nothing kept drives a terminal");
    }

    #[test]
    fn forms_survive_any_typing(ops in proptest::collection::vec((0u8..6, any::<char>()), 0..60)) {
        let mut f = Form::new("New", (), Engagement::FIELDS, &Engagement::defaults());
        for (op, c) in ops {
            match op {
                0 => f.type_char(c),
                1 => f.next_field(),
                2 => f.prev_field(),
                3 => f.left(),
                4 => f.right(),
                _ => f.edit(TextInput::backspace),
            }
        }
        if let Some(values) = f.validate(today()) {
            prop_assert!(values.iter().any(|(k, v)| *k == "name" && !matches!(v, Value::Null)));
        }
    }
}

/// Keys a person might press anywhere, weighted toward the ones that open, move and save.
fn key_for(n: u32) -> KeyEvent {
    let plain = |c| KeyEvent::new(c, KeyModifiers::NONE);
    match n % 46 {
        // A journal entry from wherever the cursor is, and the journal listed.
        44 => plain(KeyCode::Char('J')),
        45 => plain(KeyCode::Char('i')),
        // Deletes (y answers yes), undo and redo, and saving a form from any field, often enough to interleave.
        40 => plain(KeyCode::Char('u')),
        41 => KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
        42 => plain(KeyCode::Char('y')),
        43 => KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
        0 => plain(KeyCode::Enter),
        1 => plain(KeyCode::Esc),
        2 => plain(KeyCode::Tab),
        3 => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        4 => plain(KeyCode::Up),
        5 => plain(KeyCode::Down),
        6 => plain(KeyCode::Left),
        7 => plain(KeyCode::Right),
        8 => plain(KeyCode::PageDown),
        9 => plain(KeyCode::Backspace),
        10 => KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL),
        11 => plain(KeyCode::F(2)),
        12 => plain(KeyCode::Char(' ')),
        13 => plain(KeyCode::Char('ü')),
        14 => plain(KeyCode::Char('日')),
        n => plain(KeyCode::Char(b"12345aedpnfvrmshxAHgG-+=?/jkl0"[(n as usize) % 30] as char)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The whole workbench under random keys and sizes: no panic, and the database stays consistent with its
    /// history (every write went through the audited path).
    #[test]
    fn the_workbench_survives_random_keys(keys in proptest::collection::vec(any::<u32>(), 1..400), sizes in proptest::collection::vec((1u16..200, 1u16..70), 1..6)) {
        let mut app = common::demo_app(100, 30);
        for (i, k) in keys.iter().enumerate() {
            if app.should_quit {
                break;
            }
            let ev = key_for(*k);
            if ev.code == KeyCode::Char('q') {
                continue;
            }
            if let Some(action) = app.action_for_key(ev) {
                if action == Action::Quit {
                    continue;
                }
                assay::tui::dispatch(&mut app, action).expect("update");
            }
            if i % 37 == 0 {
                let (w, h) = sizes[i % sizes.len()];
                app.update(Action::Resize(w, h)).expect("resize");
                let _ = common::render(&app);
            }
        }
        let _ = common::render(&app);
        let report = assay::store::verify::verify(app.store.conn()).expect("verify");
        prop_assert!(report.is_clean(), "{:?}", report.findings);
    }
}

/// A small demo engagement's bundle, as exported.
fn sample_bundle() -> String {
    export_json(&demo_store(), Some(&[1]), false)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary text as a bundle: refused with a message, never a panic.
    #[test]
    fn bundles_of_arbitrary_text_are_refused_cleanly(text in "\\PC{0,400}") {
        if let Err(e) = assay::store::bundle::parse(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    /// A real bundle with bytes changed, cut short or spliced: either it still imports in full, or nothing at all is
    /// written — the audit log and every table stay as they were. (The target holds the same demo, so a bundle that
    /// reads the same after the damage imports as nothing to do.)
    #[test]
    fn damaged_bundles_change_nothing(cuts in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6), truncate in any::<prop::sample::Index>(), do_truncate: bool) {
        let mut bytes = sample_bundle().into_bytes();
        for (at, b) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if do_truncate {
            let n = truncate.index(bytes.len());
            bytes.truncate(n);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut target = demo_store();
        let before = count(&target, "SELECT count(*) FROM audit_log");
        let result = assay::store::bundle::parse(&text)
            .and_then(|(engs, _)| assay::store::bundle::restore(&mut target, &engs, &mut |_, _| {}));
        match result {
            // A change that leaves the same bundle (a space made a tab between values) imports as nothing to do.
            Ok(done) if done.added + done.updated == 0 => {
                prop_assert_eq!(count(&target, "SELECT count(*) FROM audit_log"), before)
            }
            Ok(_) => prop_assert!(count(&target, "SELECT count(*) FROM audit_log") > before),
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
                prop_assert_eq!(count(&target, "SELECT count(*) FROM audit_log"), before);
            }
        }
        let report = assay::store::verify::verify(target.conn()).expect("verify");
        prop_assert!(report.is_clean(), "{:?}", report.findings);
    }

    /// Arbitrary bytes as a CSV register: refused naming the place, or imported whole; never a panic, never a half
    /// import.
    #[test]
    fn csv_imports_of_arbitrary_bytes_are_all_or_nothing(bytes in proptest::collection::vec(any::<u8>(), 0..300), reg in 0usize..3, header in 0usize..3) {
        use assay::store::registers::{self, Register};
        let heads = ["id,title,likelihood,impact_c,impact_i,impact_a\n", "id,name,role,provider\n", "id,tag,description,kind\n"];
        let mut input = heads[header].as_bytes().to_vec();
        input.extend(bytes);
        let mut store = demo_store();
        let before = count(&store, "SELECT count(*) FROM audit_log");
        if let Ok(table) = assay::interchange::read_csv(&input, "fuzz.csv") {
            let r = registers::import(&mut store, 1, Register::ALL[reg], &table, "fuzz.csv", today(), &mut |_, _| {});
            if let Err(e) = r {
                prop_assert!(!e.to_string().is_empty());
                prop_assert_eq!(count(&store, "SELECT count(*) FROM audit_log"), before);
            }
        }
    }

    /// Arbitrary bytes as a workbook: refused with a message.
    #[test]
    fn xlsx_files_of_arbitrary_bytes_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("fuzz.xlsx");
        std::fs::write(&p, &bytes).expect("write");
        if let Err(e) = assay::interchange::read_xlsx(&p) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

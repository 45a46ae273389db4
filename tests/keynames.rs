//! Every key name on screen comes from the keymap: remapped keys show as remapped in the hints, titles, empty-list
//! texts and messages of the router and of the panes.

mod common;

use std::collections::BTreeMap;

use assay::app::{Action, Keymap, Tab};
use common::{empty_app, keys, screen};

fn remapped() -> Keymap {
    let mut km = Keymap::default_map();
    let o = |pairs: &[(&str, &[&str])]| -> BTreeMap<String, Vec<String>> {
        pairs.iter().map(|(a, k)| (a.to_string(), k.iter().map(|s| s.to_string()).collect())).collect()
    };
    let overrides = BTreeMap::from([
        ("help".to_string(), o(&[("cancel", &["ctrl-w"]), ("scroll_down", &["ctrl-n"])])),
        ("form".to_string(), o(&[("submit", &["ctrl-s"])])),
        ("risks".to_string(), o(&[("add", &["n"]), ("add_from_catalog", &["ctrl-k"])])),
        ("picker".to_string(), o(&[("submit", &["ctrl-o"])])),
    ]);
    km.apply_overrides(&overrides).expect("overrides apply");
    km
}

#[test]
fn remapped_keys_show_in_the_router_and_in_the_panes() {
    let mut app = empty_app(120, 40);
    app.keymap = remapped();

    // The start screen names the key that saves the first form.
    let start = screen(&app);
    assert!(start.contains("then Ctrl-S again"), "{start}");
    assert!(!start.contains("then Enter again"), "{start}");

    // The help's title names its own scroll and close keys.
    app.update(Action::Help).expect("help");
    let help = screen(&app);
    assert!(help.contains("Ctrl-N/k scroll · Ctrl-W close"), "{help}");
    assert!(!help.contains("Esc close"), "{help}");
    app.update(Action::Cancel).expect("close help");

    // The message that Help gives over a form names the form's keys.
    app.update(Action::NewEngagement).expect("new engagement");
    app.update(Action::Help).expect("help over a form");
    let form = screen(&app);
    assert!(form.contains("Ctrl-S saves"), "{form}");
    assert!(!form.contains("Enter saves"), "{form}");

    // A pane's empty register names the pane's remapped keys.
    keys(&mut app, "Harbour");
    app.update(Action::Submit).expect("save");
    app.update(Action::Tab4).expect("risks");
    assert_eq!(app.tab, Tab::Risks);
    let risks = screen(&app);
    assert!(risks.contains("n adds your own, Ctrl-K takes one from the catalog"), "{risks}");
    assert!(!risks.contains("a adds your own"), "{risks}");

    // The catalog picker names its remapped choose key.
    app.update(Action::AddFromCatalog).expect("picker");
    let picker = screen(&app);
    assert!(picker.contains("Ctrl-O chooses · Esc closes"), "{picker}");
    assert!(!picker.contains("Enter chooses"), "{picker}");
}

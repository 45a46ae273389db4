//! Colours that fit the terminal: the theme is fitted to 24-bit, 256 or 16 colours, and on every depth the
//! rendered screen uses only colours that depth has, with the selection and the risk bands still standing out.

mod common;

use assay::domain::risk::Band;
use assay::theme::{ColorDepth, Env, Theme};
use ratatui::style::Color;

fn env(colorterm: Option<&str>, term: Option<&str>, no_color: bool) -> Env {
    Env { no_color, colorterm: colorterm.map(String::from), term: term.map(String::from) }
}

#[test]
fn the_depth_comes_from_the_environment_unless_the_config_forces_one() {
    let d = |e: &Env| ColorDepth::detect(e);
    assert_eq!(d(&env(Some("truecolor"), Some("xterm-256color"), false)), ColorDepth::TrueColor);
    assert_eq!(d(&env(Some("24bit"), Some("linux"), false)), ColorDepth::TrueColor);
    assert_eq!(d(&env(None, Some("xterm-256color"), false)), ColorDepth::Ansi256);
    assert_eq!(d(&env(None, Some("screen-256color"), false)), ColorDepth::Ansi256);
    assert_eq!(d(&env(None, Some("linux"), false)), ColorDepth::Ansi16);
    assert_eq!(d(&env(None, Some("xterm"), false)), ColorDepth::Ansi16);
    assert_eq!(d(&env(None, None, false)), ColorDepth::Ansi16);
    assert_eq!(d(&env(None, Some("dumb"), false)), ColorDepth::None);
    assert_eq!(d(&env(Some("truecolor"), None, true)), ColorDepth::None, "NO_COLOR wins");

    let linux = env(None, Some("linux"), false);
    assert_eq!(ColorDepth::choose(Some("truecolor"), &linux), Ok(ColorDepth::TrueColor));
    assert_eq!(ColorDepth::choose(Some("256"), &linux), Ok(ColorDepth::Ansi256));
    assert_eq!(ColorDepth::choose(Some("auto"), &linux), Ok(ColorDepth::Ansi16));
    assert_eq!(ColorDepth::choose(Some("16"), &env(None, None, true)), Ok(ColorDepth::None), "NO_COLOR wins");
    assert!(ColorDepth::choose(Some("65k"), &linux).expect_err("unknown").contains("auto, truecolor, 256 or 16"));
}

#[test]
fn a_malformed_colors_setting_is_refused_at_start_with_its_name() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("c.toml"), "colors = \"65k\"\n").expect("write");
    let out = common::bin::assay(dir.path(), &["--db", "w.db", "--config", "c.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::bin::stderr(&out);
    assert!(err.contains("unknown colors \"65k\""), "{err}");
}

/// Whether a colour exists at a depth.
fn fits(c: Color, depth: ColorDepth) -> bool {
    match (c, depth) {
        (Color::Reset, _) => true,
        (_, ColorDepth::None) => false,
        (Color::Rgb(..), ColorDepth::TrueColor) => true,
        (Color::Rgb(..), _) => false,
        (Color::Indexed(_), ColorDepth::Ansi16) => false,
        _ => true,
    }
}

/// The Risks tab of the small demo, rendered with the theme fitted to `depth`.
fn risks_screen(depth: ColorDepth) -> (assay::app::App, ratatui::buffer::Buffer) {
    let mut app = common::demo_app(140, 44);
    app.theme = Theme::for_depth(depth);
    common::press(&mut app, ratatui::crossterm::event::KeyCode::Char('4'));
    let t = common::render(&app);
    let buf = t.backend().buffer().clone();
    (app, buf)
}

#[test]
fn every_rendered_colour_fits_the_depth_and_the_selection_and_bands_stay_visible() {
    for depth in [ColorDepth::TrueColor, ColorDepth::Ansi256, ColorDepth::Ansi16, ColorDepth::None] {
        let (app, buf) = risks_screen(depth);
        for cell in buf.content() {
            assert!(fits(cell.fg, depth) && fits(cell.bg, depth), "{depth:?}: {:?} on {:?}", cell.fg, cell.bg);
        }
        let t = app.theme;
        // The selected row is drawn with the selection style, and it differs from the plain background.
        let selected_cells = buf.content().iter().filter(|c| c.bg == t.selected.bg.unwrap_or(Color::Reset)).count();
        if depth == ColorDepth::None {
            assert!(t.selected.add_modifier.contains(ratatui::style::Modifier::REVERSED));
        } else {
            assert!(t.selected.bg.is_some_and(|bg| bg != Color::Reset), "{depth:?}: the selection has a background");
            assert!(selected_cells > 20, "{depth:?}: the selected row is on screen ({selected_cells} cells)");
            // The four bands keep four different backgrounds, none of them the selection's.
            let bgs: Vec<Option<Color>> =
                [Band::Low, Band::Medium, Band::High, Band::Critical].iter().map(|b| t.band(*b).bg).collect();
            for (i, a) in bgs.iter().enumerate() {
                assert!(a.is_some() && *a != t.selected.bg, "{depth:?}: band {i}");
                assert!(!bgs[i + 1..].contains(a), "{depth:?}: two bands share a background");
            }
            let band_cells = buf.content().iter().filter(|c| Some(c.bg) == t.band(Band::High).bg).count();
            assert!(band_cells > 0, "{depth:?}: High band cells are drawn in the High colour");
        }
    }
    // 16 colours: the selection is a dark background a Linux console can show, with light text on it.
    let (app, _) = risks_screen(ColorDepth::Ansi16);
    assert_eq!(app.theme.selected.bg, Some(Color::Blue));
    assert_eq!(app.theme.selected.fg, Some(Color::White));
    // 256 colours: 24-bit values become palette entries.
    let t256 = Theme::for_depth(ColorDepth::Ansi256);
    assert!(matches!(t256.selected.bg, Some(Color::Indexed(_))));
    assert!(matches!(t256.band_high.bg, Some(Color::Indexed(208 | 214))), "{:?}", t256.band_high.bg);
}

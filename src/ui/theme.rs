//! Colours and emphasis, from one place. With `NO_COLOR` set, everything falls back to bold, reverse and
//! underline, so meaning never rests on colour alone.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::risk::Band;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub color: bool,
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub header: Style,
    pub selected: Style,
    pub border: Style,
    pub border_focus: Style,
    pub key: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub highlight: Style,
    pub status: Style,
    /// Risk bands, Low to Critical (always drawn with the band's letter too).
    pub band_low: Style,
    pub band_medium: Style,
    pub band_high: Style,
    pub band_critical: Style,
}

impl Theme {
    pub fn colored() -> Theme {
        Theme {
            color: true,
            base: Style::new(),
            dim: Style::new().fg(Color::DarkGray),
            title: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            tab: Style::new().fg(Color::Gray),
            tab_active: Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD),
            header: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: Style::new().bg(Color::Rgb(40, 60, 90)).add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::DarkGray),
            border_focus: Style::new().fg(Color::Cyan),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            highlight: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            status: Style::new().bg(Color::Rgb(30, 30, 40)),
            band_low: Style::new().fg(Color::Black).bg(Color::Green),
            band_medium: Style::new().fg(Color::Black).bg(Color::Yellow),
            band_high: Style::new().fg(Color::Black).bg(Color::Rgb(255, 135, 0)),
            band_critical: Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    pub fn plain() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            color: false,
            base: Style::new(),
            dim: Style::new(),
            title: bold,
            tab: Style::new(),
            tab_active: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            header: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            border: Style::new(),
            border_focus: bold,
            key: bold,
            ok: Style::new(),
            warn: bold,
            error: bold,
            highlight: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            status: Style::new(),
            band_low: Style::new(),
            band_medium: Style::new(),
            band_high: bold,
            band_critical: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    /// The style of a risk band.
    pub fn band(&self, band: Band) -> Style {
        match band {
            Band::Low => self.band_low,
            Band::Medium => self.band_medium,
            Band::High => self.band_high,
            Band::Critical => self.band_critical,
        }
    }

    /// The theme for this environment: plain when `NO_COLOR` is set to anything non-empty.
    pub fn from_env() -> Theme {
        Theme::choose(None).unwrap_or_else(|_| Theme::colored())
    }

    /// The theme the config names (`color` or `plain`); `NO_COLOR` overrides it.
    pub fn choose(configured: Option<&str>) -> Result<Theme, String> {
        let configured = match configured {
            None | Some("color") | Some("colour") => Theme::colored(),
            Some("plain") => Theme::plain(),
            Some(other) => return Err(format!("unknown theme \"{other}\" (color or plain)")),
        };
        Ok(match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::plain(),
            _ => configured,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn config_names_the_theme() {
        assert!(!Theme::choose(Some("plain")).expect("plain").color);
        assert!(Theme::choose(Some("neon")).expect_err("unknown").contains("color or plain"));
        assert!(Theme::choose(None).is_ok());
    }
}

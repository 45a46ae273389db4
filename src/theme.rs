//! Colours and emphasis, from one place. With `NO_COLOR` set, everything falls back to bold, reverse and
//! underline, so meaning never rests on colour alone. The colours are fitted to what the terminal can show:
//! 24-bit where `COLORTERM` says so, the 256-colour palette where `TERM` does, and otherwise the 16 standard
//! colours, chosen so that the selection and the risk bands stay visible on a plain console.

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

    /// The coloured theme fitted to a colour depth (`None`: the plain theme).
    pub fn for_depth(depth: ColorDepth) -> Theme {
        let full = Theme::colored();
        match depth {
            ColorDepth::None => Theme::plain(),
            ColorDepth::TrueColor => full,
            ColorDepth::Ansi256 => full.map(to_256),
            ColorDepth::Ansi16 => Theme {
                // Dark blue-grey and orange have no near match among 16 colours; pick pairs that stay legible
                // (and distinct from the bands) on a Linux console, whose backgrounds are the 8 dark colours.
                selected: Style::new().fg(Color::White).bg(Color::Blue).add_modifier(Modifier::BOLD),
                status: Style::new().fg(Color::White).bg(Color::Black),
                band_high: Style::new().fg(Color::White).bg(Color::Magenta).add_modifier(Modifier::BOLD),
                ..full.map(to_16)
            },
        }
    }

    /// Every colour of every style passed through `f`.
    fn map(self, f: fn(Color) -> Color) -> Theme {
        let m = |s: Style| Style { fg: s.fg.map(f), bg: s.bg.map(f), ..s };
        Theme {
            color: self.color,
            base: m(self.base),
            dim: m(self.dim),
            title: m(self.title),
            tab: m(self.tab),
            tab_active: m(self.tab_active),
            header: m(self.header),
            selected: m(self.selected),
            border: m(self.border),
            border_focus: m(self.border_focus),
            key: m(self.key),
            ok: m(self.ok),
            warn: m(self.warn),
            error: m(self.error),
            highlight: m(self.highlight),
            status: m(self.status),
            band_low: m(self.band_low),
            band_medium: m(self.band_medium),
            band_high: m(self.band_high),
            band_critical: m(self.band_critical),
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

    /// The theme for this environment: plain when `NO_COLOR` is set to anything non-empty, otherwise fitted
    /// to the colours the terminal reports.
    pub fn from_env() -> Theme {
        Theme::choose(None).unwrap_or_else(|_| Theme::colored())
    }

    /// The theme the config names (`color` or `plain`), at the colour depth the terminal reports; `NO_COLOR`
    /// overrides it.
    pub fn choose(configured: Option<&str>) -> Result<Theme, String> {
        Theme::choose_with(configured, None)
    }

    /// [`Theme::choose`], with the config's `colors` setting (`auto`, `truecolor`, `256`, `16`) forcing a depth.
    pub fn choose_with(configured: Option<&str>, colors: Option<&str>) -> Result<Theme, String> {
        let depth = ColorDepth::choose(colors, &Env::current())?;
        Ok(match configured {
            None | Some("color") | Some("colour") => Theme::for_depth(depth),
            Some("plain") => Theme::plain(),
            Some(other) => return Err(format!("unknown theme \"{other}\" (color or plain)")),
        })
    }
}

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    TrueColor,
    /// The xterm 256-colour palette (`TERM` ending in `256color`).
    Ansi256,
    /// The 16 standard colours (a Linux console, `TERM=xterm`, anything unknown).
    Ansi16,
    /// No colour: `NO_COLOR`, or a `dumb` terminal.
    None,
}

/// What the environment says about the terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    pub no_color: bool,
    pub colorterm: Option<String>,
    pub term: Option<String>,
}

impl Env {
    pub fn current() -> Env {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Env { no_color: var("NO_COLOR").is_some(), colorterm: var("COLORTERM"), term: var("TERM") }
    }
}

impl ColorDepth {
    /// The depth the environment reports.
    pub fn detect(env: &Env) -> ColorDepth {
        if env.no_color {
            return ColorDepth::None;
        }
        let colorterm = env.colorterm.as_deref().unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        let term = env.term.as_deref().unwrap_or("").to_ascii_lowercase();
        if term == "dumb" {
            ColorDepth::None
        } else if term.contains("256color") || term.contains("direct") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }

    /// The config's setting if it forces a depth, else what the environment reports; `NO_COLOR` wins over both.
    pub fn choose(setting: Option<&str>, env: &Env) -> Result<ColorDepth, String> {
        let forced = match setting.map(str::to_ascii_lowercase).as_deref() {
            None | Some("auto") => None,
            Some("truecolor") | Some("24bit") => Some(ColorDepth::TrueColor),
            Some("256") => Some(ColorDepth::Ansi256),
            Some("16") => Some(ColorDepth::Ansi16),
            Some(other) => return Err(format!("unknown colors \"{other}\" (auto, truecolor, 256 or 16)")),
        };
        Ok(match (env.no_color, forced) {
            (true, _) => ColorDepth::None,
            (false, Some(d)) => d,
            (false, None) => ColorDepth::detect(env),
        })
    }
}

/// The nearest colour of the xterm 256-colour palette (its 6×6×6 cube or its grey ramp) to a 24-bit colour.
fn to_256(c: Color) -> Color {
    let Color::Rgb(r, g, b) = c else { return c };
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let level = |v: u8| (0..6).min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs()).unwrap_or(0);
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let avg = (u16::from(r) + u16::from(g) + u16::from(b)) / 3;
    let grey_i = ((avg.saturating_sub(8)) / 10).min(23) as u8;
    let grey = 8 + 10 * grey_i;
    let dist = |(x, y, z): (u8, u8, u8)| {
        let d = |p: u8, q: u8| (i32::from(p) - i32::from(q)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    if dist((grey, grey, grey)) < dist(cube) {
        Color::Indexed(232 + grey_i)
    } else {
        Color::Indexed(16 + 36 * ri as u8 + 6 * gi as u8 + bi as u8)
    }
}

/// The nearest of the 16 standard colours to a 24-bit or palette colour (named colours stay as they are).
fn to_16(c: Color) -> Color {
    let (r, g, b) = match c {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) if i >= 16 => match to_rgb(i) {
            Some(rgb) => rgb,
            None => return c,
        },
        _ => return c,
    };
    const NAMED: [(Color, (u8, u8, u8)); 16] = [
        (Color::Black, (0, 0, 0)),
        (Color::Red, (205, 0, 0)),
        (Color::Green, (0, 205, 0)),
        (Color::Yellow, (205, 205, 0)),
        (Color::Blue, (0, 0, 238)),
        (Color::Magenta, (205, 0, 205)),
        (Color::Cyan, (0, 205, 205)),
        (Color::Gray, (229, 229, 229)),
        (Color::DarkGray, (127, 127, 127)),
        (Color::LightRed, (255, 0, 0)),
        (Color::LightGreen, (0, 255, 0)),
        (Color::LightYellow, (255, 255, 0)),
        (Color::LightBlue, (92, 92, 255)),
        (Color::LightMagenta, (255, 0, 255)),
        (Color::LightCyan, (0, 255, 255)),
        (Color::White, (255, 255, 255)),
    ];
    let d = |p: u8, q: u8| (i32::from(p) - i32::from(q)).pow(2);
    NAMED.iter().min_by_key(|(_, (x, y, z))| d(*x, r) + d(*y, g) + d(*z, b)).map_or(c, |(n, _)| *n)
}

/// The 24-bit value of a colour of the 256-colour palette beyond the first 16.
fn to_rgb(i: u8) -> Option<(u8, u8, u8)> {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        16..=231 => {
            let n = i - 16;
            Some((LEVELS[usize::from(n / 36)], LEVELS[usize::from(n / 6 % 6)], LEVELS[usize::from(n % 6)]))
        }
        232..=255 => {
            let v = 8 + 10 * (i - 232);
            Some((v, v, v))
        }
        _ => None,
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

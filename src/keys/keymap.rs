//! Key bindings: the embedded default table plus the user's overrides. The same table feeds the help overlay and
//! the status-line hints, so help never drifts from behaviour.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::Action;

/// Where a key is pressed; each has its own bindings.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Context {
    Global,
    Start,
    List,
    Overview,
    ImportPreview,
    Providers,
    Criteria,
    Grid,
    Scoring,
    Risks,
    Matrix,
    Picker,
    Form,
    Filter,
    Confirm,
    Help,
    Lookup,
    LookupDetail,
    History,
    Conflicts,
    Detail,
    Journal,
    Evidence,
    Workflow,
    Vetting,
    VettingMember,
    Roster,
    RoleConflicts,
    Assets,
    Access,
    CloseOut,
}

impl Context {
    /// The heading of this context in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Start => "Start screen",
            Context::List => "Lists",
            Context::Overview => "Overview",
            Context::ImportPreview => "Overview: import preview",
            Context::Providers => "Scorecard: providers",
            Context::Criteria => "Scorecard: criteria",
            Context::Grid => "Scorecard: score grid",
            Context::Scoring => "Scorecard: score mode",
            Context::Risks => "Risk register",
            Context::Matrix => "Risk matrix",
            Context::Picker => "Pick from the catalog",
            Context::Form => "Forms",
            Context::Filter => "Filter",
            Context::Confirm => "Dialogs",
            Context::Help => "Help",
            Context::Lookup => "Lookup",
            Context::LookupDetail => "Lookup: an item",
            Context::History => "History of a record",
            Context::Conflicts => "Team conflicts",
            Context::Detail => "A record, read only",
            Context::Journal => "Interview journal",
            Context::Evidence => "Evidence files",
            Context::Workflow => "Workflow checklists",
            Context::Vetting => "Vetting: checks grid",
            Context::VettingMember => "Vetting: a member",
            Context::Roster => "Vetting: roster changes",
            Context::RoleConflicts => "Vetting: role conflicts",
            Context::Assets => "Assets handed over",
            Context::Access => "Access grants",
            Context::CloseOut => "Exit close-out",
        }
    }

    /// Whether unbound printable keys are typed into a text field in this context.
    pub fn takes_text(self) -> bool {
        matches!(self, Context::Form | Context::Filter | Context::Lookup | Context::Picker)
    }
}

/// One key with its modifiers, as written in the keymap (`ctrl-k`, `G`, `pagedown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    /// The key of a terminal event; shift is folded into the character (or into BackTab).
    pub fn from_event(ev: KeyEvent) -> Key {
        let code = match ev.code {
            KeyCode::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            KeyCode::Char(c) if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::Char(c.to_ascii_uppercase()),
            c => c,
        };
        Key { code, ctrl: ev.modifiers.contains(KeyModifiers::CONTROL), alt: ev.modifiers.contains(KeyModifiers::ALT) }
    }

    pub fn parse(s: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            other => return Err(format!("unknown key \"{other}\"")),
        };
        Ok(Key { code, ctrl, alt })
    }

    /// A key a plain text field would take as typed text.
    pub fn printable(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            _ => f.write_str("?"),
        }
    }
}

/// One binding as the help shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub desc: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    keys: Vec<String>,
    action: Action,
    desc: String,
}

/// The key table, by context (`Keymap::default()` binds no key).
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    contexts: BTreeMap<Context, Vec<Binding>>,
}

/// The default key table, embedded in the binary.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// The default key table as JSON, converted from `DEFAULT_KEYMAP` at build time (see build.rs): read at every start,
/// before the first frame, where parsing the TOML took as long as reading the workspace.
const COMPILED_KEYMAP: &str = include_str!(concat!(env!("OUT_DIR"), "/keymap.json"));

impl Keymap {
    /// The default table.
    pub fn default_map() -> Keymap {
        // The embedded table is checked by a test, so this cannot fail in a released build.
        serde_json::from_str(COMPILED_KEYMAP)
            .map_err(|e| e.to_string())
            .and_then(Keymap::from_raw)
            .unwrap_or_else(|_| Keymap { contexts: BTreeMap::new() })
    }

    pub fn parse(text: &str) -> Result<Keymap, String> {
        Keymap::from_raw(toml::from_str(text).map_err(|e| e.to_string())?)
    }

    fn from_raw(raw: BTreeMap<String, Vec<RawBinding>>) -> Result<Keymap, String> {
        let mut contexts = BTreeMap::new();
        for (name, bindings) in raw {
            let ctx: Context = name.parse().map_err(|_| format!("unknown key context \"{name}\""))?;
            let list = bindings
                .into_iter()
                .map(|b| {
                    let keys = b.keys.iter().map(|k| Key::parse(k)).collect::<Result<Vec<_>, _>>()?;
                    Ok(Binding { keys, action: b.action, desc: b.desc })
                })
                .collect::<Result<Vec<_>, String>>()?;
            contexts.insert(ctx, list);
        }
        Ok(Keymap { contexts })
    }

    /// Applies user overrides: for each context, an action name and the keys that should now trigger it. The keys
    /// are taken away from whatever other action of that context had them.
    pub fn apply_overrides(
        &mut self,
        overrides: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    ) -> Result<(), String> {
        for (ctx_name, actions) in overrides {
            let ctx: Context = ctx_name.parse().map_err(|_| format!("unknown key context \"{ctx_name}\""))?;
            let list = self.contexts.entry(ctx).or_default();
            for (action_name, keys) in actions {
                let action: Action = serde_json::from_value(serde_json::Value::String(action_name.clone()))
                    .map_err(|_| format!("unknown action \"{action_name}\" in [keys.{ctx_name}]"))?;
                let keys = keys.iter().map(|k| Key::parse(k)).collect::<Result<Vec<_>, _>>()?;
                for b in list.iter_mut() {
                    b.keys.retain(|k| !keys.contains(k));
                }
                match list.iter_mut().find(|b| b.action == action) {
                    Some(b) => b.keys = keys,
                    None => list.push(Binding { keys, desc: action_name.replace('_', " "), action }),
                }
            }
        }
        Ok(())
    }

    /// The action a key triggers in a context, if any.
    pub fn lookup(&self, ctx: Context, key: Key) -> Option<&Action> {
        self.contexts.get(&ctx)?.iter().find(|b| b.keys.contains(&key)).map(|b| &b.action)
    }

    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.contexts.get(&ctx).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The line of the help overlay where the section of `ctx` starts. The help lists every context with bindings
    /// in order, each as a heading and one line per binding, with a blank line between sections (`ui::help::lines`).
    pub fn help_line(&self, ctx: Context) -> usize {
        use strum::IntoEnumIterator;
        let mut line = 0;
        for c in Context::iter() {
            let n = self.bindings(c).len();
            if n == 0 {
                continue;
            }
            if line > 0 {
                line += 1;
            }
            if c == ctx {
                return line;
            }
            line += 1 + n;
        }
        0
    }

    /// How many lines the help overlay has (see [`Keymap::help_line`]).
    pub fn help_len(&self) -> usize {
        use strum::IntoEnumIterator;
        let sections: Vec<usize> = Context::iter().map(|c| self.bindings(c).len()).filter(|n| *n > 0).collect();
        sections.iter().map(|n| n + 1).sum::<usize>() + sections.len().saturating_sub(1)
    }

    /// The first key bound to an action in a context, for hints.
    pub fn key_for(&self, ctx: Context, action: &Action) -> Option<Key> {
        self.bindings(ctx).iter().find(|b| &b.action == action).and_then(|b| b.keys.first().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn default_keymap_parses_and_every_context_has_bindings() {
        let km = Keymap::parse(DEFAULT_KEYMAP).expect("default keymap parses");
        for ctx in Context::iter() {
            assert!(!km.bindings(ctx).is_empty(), "{ctx:?} has no bindings");
        }
    }

    #[test]
    fn the_compiled_key_table_is_the_toml_one() {
        let (compiled, parsed) = (Keymap::default_map(), Keymap::parse(DEFAULT_KEYMAP).expect("parses"));
        for ctx in Context::iter() {
            assert!(!compiled.bindings(ctx).is_empty(), "{ctx:?}");
            assert_eq!(compiled.bindings(ctx), parsed.bindings(ctx), "{ctx:?}");
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let km = Keymap::default_map();
        for ctx in Context::iter() {
            let mut seen = Vec::new();
            for b in km.bindings(ctx) {
                for k in &b.keys {
                    assert!(!seen.contains(k), "{k} bound twice in {ctx:?}");
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn keys_parse_and_print() {
        assert_eq!(Key::parse("ctrl-k").map(|k| k.to_string()), Ok("Ctrl-K".into()));
        assert_eq!(Key::parse("G").map(|k| k.code), Ok(KeyCode::Char('G')));
        assert_eq!(Key::parse("pagedown").map(|k| k.to_string()), Ok("PgDn".into()));
        assert!(Key::parse("hyper-x").is_err());
        let shifted = Key::from_event(KeyEvent::new(KeyCode::Char('g'), KeyModifiers::SHIFT));
        assert_eq!(shifted, Key::parse("G").expect("G"));
    }

    #[test]
    fn overrides_move_keys() {
        let mut km = Keymap::default_map();
        let mut o = BTreeMap::new();
        o.insert(
            "list".to_string(),
            BTreeMap::from([("next_row".to_string(), vec!["ctrl-n".to_string(), "n".to_string()])]),
        );
        km.apply_overrides(&o).expect("override applies");
        let n = Key::parse("n").expect("n");
        assert_eq!(km.lookup(Context::List, n), Some(&Action::NextRow));
        assert_eq!(km.lookup(Context::List, Key::parse("j").expect("j")), None);
        let bad = BTreeMap::from([("list".to_string(), BTreeMap::from([("fly".to_string(), vec!["x".to_string()])]))]);
        assert!(km.apply_overrides(&bad).is_err());
    }
}

//! The one generic form: built from an entity's field list, validated field by field.

use chrono::NaiveDate;

use super::editor::{Edit, Editor};
use super::input::TextInput;
use crate::domain::{DateStyle, FieldKind, FieldSpec, Value};

/// How many offered names are shown under a field at once.
pub const MATCHES: usize = 6;

/// One field being edited.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub spec: FieldSpec,
    /// The field's text. A long-text field is edited in its `editor`, and this holds a copy of what it has.
    pub input: TextInput,
    /// The multi-line editor of a long-text field (none for the others).
    pub editor: Option<Editor>,
    pub error: Option<String>,
    /// The letters typed so far into a choice field, to pick the one option they start.
    pub typed: String,
    /// Whether the user has edited the field; typing into an untouched number replaces what was filled in.
    pub touched: bool,
    /// Names offered as the field is typed into (people); typed text that matches none is kept.
    pub choices: Vec<String>,
}

/// A form over a list of fields, with the focus on one of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Form<P> {
    pub title: String,
    /// What saving the form does.
    pub purpose: P,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Whether anything was typed since the form opened.
    pub dirty: bool,
    /// Lines shown above the fields (what the form is about).
    pub intro: Vec<String>,
    /// The text of every field when the form opened, to tell a real change from typing undone.
    initial: Vec<String>,
    /// The offered name chosen with the arrows, if any (an index into [`Form::matches`]).
    pub pick: Option<usize>,
    /// How date fields show their dates and take typed ones.
    pub dates: DateStyle,
}

impl<P> Form<P> {
    /// A form over `specs`, filled with `values` (in the same order; missing ones are blank).
    pub fn new(title: impl Into<String>, purpose: P, specs: &[FieldSpec], values: &[Value]) -> Self {
        let fields: Vec<FormField> = specs
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let v = values.get(i).cloned().unwrap_or(Value::Null);
                let text = match (spec.kind, &v) {
                    (FieldKind::YesNo, v) => spec.display(v),
                    (_, v) => v.to_string(),
                };
                let editor = (spec.kind == FieldKind::LongText).then(|| Editor::new(&text));
                FormField {
                    spec: *spec,
                    input: TextInput::new(text),
                    editor,
                    error: None,
                    typed: String::new(),
                    touched: false,
                    choices: Vec::new(),
                }
            })
            .collect();
        let initial = fields.iter().map(|f| f.input.value().to_string()).collect();
        Form {
            title: title.into(),
            purpose,
            fields,
            focus: 0,
            dirty: false,
            intro: Vec::new(),
            initial,
            pick: None,
            dates: DateStyle::Iso,
        }
    }

    /// Whether the user changed any field since the form opened (typing that was undone does not count).
    /// The same form with its purpose wrapped (a pane's intent in the router's purpose).
    pub fn map<Q>(self, f: impl FnOnce(P) -> Q) -> Form<Q> {
        Form {
            title: self.title,
            purpose: f(self.purpose),
            fields: self.fields,
            focus: self.focus,
            dirty: self.dirty,
            intro: self.intro,
            initial: self.initial,
            pick: self.pick,
            dates: self.dates,
        }
    }

    /// Shows and takes dates in `style`: the date fields filled in are shown in it (which is not a change).
    pub fn use_dates(&mut self, style: DateStyle) {
        self.dates = style;
        for (f, initial) in self.fields.iter_mut().zip(self.initial.iter_mut()) {
            if f.spec.kind == FieldKind::Date {
                let shown = style.show(f.input.value());
                if shown != f.input.value() {
                    f.input.set(shown.clone());
                    *initial = shown;
                }
            }
        }
    }

    /// Offers `names` in the field `key` as it is typed into (a one-line text field only).
    pub fn offer(&mut self, key: &str, names: Vec<String>) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.spec.key == key && f.spec.kind.is_one_line_text()) {
            f.choices = names;
        }
    }

    /// The offered names that contain what the focused field holds (any case), at most [`MATCHES`], leaving out
    /// the one it already says. None while the field is empty.
    pub fn matches(&self) -> Vec<&str> {
        let Some(f) = self.focused() else { return Vec::new() };
        let typed = f.input.value().trim().to_lowercase();
        if typed.is_empty() || f.choices.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<&str> = Vec::new();
        // Names that start with the text first, then those that contain it.
        for starts in [true, false] {
            for name in &f.choices {
                let lower = name.to_lowercase();
                let fits = if starts {
                    lower.starts_with(&typed)
                } else {
                    !lower.starts_with(&typed) && lower.contains(&typed)
                };
                if fits && lower != typed && !out.contains(&name.as_str()) && out.len() < MATCHES {
                    out.push(name);
                }
            }
        }
        out
    }

    /// Offers, under a path field with the focus, the files and folders that complete what it holds.
    pub fn refresh_paths(&mut self) {
        if let Some(f) = self.focused_mut()
            && f.spec.kind == FieldKind::Path
        {
            f.choices = super::paths::completions(f.input.value().trim_start());
        }
    }

    /// Tab in a path field: completes the path as far as the files and folders it could name agree, or takes the
    /// one it names. False when that adds nothing (Tab then moves on to the next field).
    pub fn complete_path(&mut self) -> bool {
        let Some(f) = self.focused() else { return false };
        if f.spec.kind != FieldKind::Path {
            return false;
        }
        let typed = f.input.value().trim_start().to_string();
        let fits: Vec<String> = super::paths::completions(&typed);
        let longer = super::paths::common_start(&fits);
        if fits.is_empty() || longer.chars().count() <= typed.chars().count() {
            return false;
        }
        self.edit(|input| input.set(&longer));
        self.dirty = true;
        self.refresh_paths();
        true
    }

    /// Moves the choice down the offered names; false when none are offered (the key then moves the focus).
    pub fn pick_down(&mut self) -> bool {
        let n = self.matches().len();
        if n == 0 {
            return false;
        }
        self.pick = Some(self.pick.map_or(0, |p| (p + 1).min(n - 1)));
        true
    }

    /// Moves the choice up; from the first name back to the text typed. False when no name is chosen.
    pub fn pick_up(&mut self) -> bool {
        match self.pick {
            None => false,
            Some(0) => {
                self.pick = None;
                true
            }
            Some(p) => {
                self.pick = Some(p - 1);
                true
            }
        }
    }

    /// Puts the chosen name in the field; false when none is chosen.
    pub fn take_pick(&mut self) -> bool {
        let Some(name) = self.pick.and_then(|p| self.matches().get(p).map(|s| s.to_string())) else {
            self.pick = None;
            return false;
        };
        self.pick = None;
        self.edit(|input| input.set(&name));
        true
    }

    /// Lets go of the chosen name, keeping the text typed; false when none was chosen.
    pub fn drop_pick(&mut self) -> bool {
        self.pick.take().is_some()
    }

    pub fn changed(&self) -> bool {
        self.dirty && self.fields.iter().zip(&self.initial).any(|(f, v)| f.input.value() != v)
    }

    pub fn focused(&self) -> Option<&FormField> {
        self.fields.get(self.focus)
    }

    fn focused_mut(&mut self) -> Option<&mut FormField> {
        self.fields.get_mut(self.focus)
    }

    pub fn focus_key(&mut self, key: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.spec.key == key) {
            self.focus = i;
        }
    }

    pub fn next_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    /// Types a character. In a choice field the letters typed pick the one option they start (`po` → post when
    /// `p` alone fits both pre and post); letters that fit several options pick nothing and say what to type next.
    pub fn type_char(&mut self, c: char) {
        let Some(f) = self.focused_mut() else { return };
        f.error = None;
        match f.spec.kind {
            FieldKind::Enum(_) if c == ' ' => {
                f.typed.clear();
                cycle(f, 1);
            }
            FieldKind::Enum(options) => pick_by_letters(f, options, c),
            FieldKind::YesNo => match c.to_ascii_lowercase() {
                'y' => f.input.set("yes"),
                'n' => f.input.set("no"),
                ' ' => cycle(f, 1),
                _ => {}
            },
            FieldKind::Number { .. } if !f.touched => {
                // The number filled in (often 0) is a default, not a prefix: the first digit replaces it.
                f.input.clear();
                f.input.insert(c);
            }
            _ => match &mut f.editor {
                Some(e) => {
                    if e.insert(c) {
                        f.sync();
                    } else {
                        f.error = Some(CONTROL_REFUSED.into());
                    }
                }
                None => f.input.insert(c),
            },
        }
        f.touched = true;
        self.dirty = true;
    }

    /// Starts a new line in a multi-line field; false (and nothing done) in any other.
    pub fn newline(&mut self) -> bool {
        let Some(f) = self.focused_mut() else { return false };
        let Some(e) = &mut f.editor else { return false };
        e.insert('\n');
        f.sync();
        f.error = None;
        f.touched = true;
        self.dirty = true;
        true
    }

    /// Moves the cursor a line up in a multi-line field; false when there is no line above (or no such field).
    pub fn line_up(&mut self) -> bool {
        self.focused_mut().and_then(|f| f.editor.as_mut()).is_some_and(Editor::up)
    }

    /// Moves the cursor a line down in a multi-line field; false when there is no line below (or no such field).
    pub fn line_down(&mut self) -> bool {
        self.focused_mut().and_then(|f| f.editor.as_mut()).is_some_and(Editor::down)
    }

    /// Pastes text into the focused field: as it is into a multi-line field, its line breaks included; on one
    /// line (line breaks and tabs as spaces) into any other. Control characters are left out, and the field says
    /// so.
    pub fn paste(&mut self, text: &str) {
        let Some(f) = self.focused_mut() else { return };
        if let Some(e) = &mut f.editor {
            let refused = e.paste(text);
            f.sync();
            f.error = (refused > 0).then(|| CONTROL_REFUSED.to_string());
            f.touched = true;
            self.dirty = true;
            return;
        }
        let one_line = text.replace("\r\n", " ");
        let refused = one_line.chars().filter(|c| !single_line_ok(*c)).count();
        for c in one_line.chars() {
            match c {
                '\n' | '\r' | '\t' => self.type_char(' '),
                c if single_line_ok(c) => self.type_char(c),
                _ => {}
            }
        }
        if refused > 0
            && let Some(f) = self.focused_mut()
        {
            f.error = Some(CONTROL_REFUSED.into());
        }
    }

    /// Applies an editing key to the focused text field (choice fields ignore them).
    pub fn apply(&mut self, edit: Edit) {
        let Some(f) = self.focused_mut() else { return };
        if is_choice(f.spec.kind) {
            return;
        }
        match &mut f.editor {
            Some(e) => {
                e.apply(edit);
                f.sync();
            }
            None => f.input.apply(edit),
        }
        f.touched = true;
        f.error = None;
        self.dirty = true;
    }

    /// Left arrow: cursor left, or the previous option of a choice field.
    pub fn left(&mut self) {
        if let Some(f) = self.focused_mut() {
            if is_choice(f.spec.kind) {
                f.typed.clear();
                cycle(f, -1);
                self.dirty = true;
            } else if let Some(e) = &mut f.editor {
                e.left();
                f.touched = true;
            } else {
                f.input.left();
                f.touched = true;
            }
        }
    }

    /// Right arrow: cursor right, or the next option of a choice field.
    pub fn right(&mut self) {
        if let Some(f) = self.focused_mut() {
            if is_choice(f.spec.kind) {
                f.typed.clear();
                cycle(f, 1);
                self.dirty = true;
            } else if let Some(e) = &mut f.editor {
                e.right();
                f.touched = true;
            } else {
                f.input.right();
                f.touched = true;
            }
        }
    }

    pub fn edit(&mut self, op: impl FnOnce(&mut TextInput)) {
        if let Some(f) = self.focused_mut()
            && !is_choice(f.spec.kind)
        {
            op(&mut f.input);
            if f.editor.is_some() {
                f.editor = Some(Editor::new(f.input.value()));
            }
            f.touched = true;
            f.error = None;
            self.dirty = true;
        }
    }

    /// Checks every field; on success returns the values keyed by column, otherwise marks the fields in error and
    /// moves the focus to the first of them.
    pub fn validate(&mut self, today: NaiveDate) -> Option<Vec<(&'static str, Value)>> {
        let mut out = Vec::with_capacity(self.fields.len());
        let mut first_error = None;
        for (i, f) in self.fields.iter_mut().enumerate() {
            let parsed = if f.spec.kind == FieldKind::Date {
                self.dates.read(f.input.value()).and_then(|iso| f.spec.parse(&iso, today)).map_err(|e| {
                    if self.dates == DateStyle::DayFirst && e.starts_with("a date as YYYY-MM-DD") {
                        "a date as DD/MM/YYYY or YYYY-MM-DD (or t for today, +30 for in 30 days)".to_string()
                    } else {
                        e
                    }
                })
            } else {
                f.spec.parse(f.input.value(), today)
            };
            match parsed {
                Ok(v) => {
                    f.error = None;
                    out.push((f.spec.key, v));
                }
                Err(e) => {
                    f.error = Some(e);
                    first_error.get_or_insert(i);
                }
            }
        }
        match first_error {
            Some(i) => {
                self.focus = i;
                None
            }
            None => Some(out),
        }
    }

    /// Marks a field in error (a check across fields failed) and moves the focus to it.
    pub fn mark_error(&mut self, key: &str, message: impl Into<String>) {
        if let Some(i) = self.fields.iter().position(|f| f.spec.key == key) {
            self.fields[i].error = Some(message.into());
            self.focus = i;
        }
    }

    /// The current text of a field, by key.
    pub fn value_of(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.spec.key == key).map(|f| f.input.value())
    }
}

/// What a field says when typed or pasted text held control characters, which are left out.
const CONTROL_REFUSED: &str = "control characters are not taken: they were left out";

/// Whether a pasted character is kept in a one-line field (line breaks and tabs become spaces there).
fn single_line_ok(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t') || !crate::visible::is_unsafe(c)
}

impl FormField {
    /// Copies the editor's text into `input`, which validation and the change check read.
    fn sync(&mut self) {
        if let Some(e) = &self.editor {
            self.input.set(e.value());
        }
    }
}

/// Adds a letter to what was typed into a choice field and picks the option it now names, if only one.
fn pick_by_letters(f: &mut FormField, options: &[&str], c: char) {
    let lc = c.to_lowercase().to_string();
    let fits = |prefix: &str| -> Vec<&str> { options.iter().copied().filter(|o| o.starts_with(prefix)).collect() };
    let mut prefix = format!("{}{lc}", f.typed);
    let mut hits = fits(&prefix);
    if hits.is_empty() {
        prefix = lc;
        hits = fits(&prefix);
    }
    let exact = hits.iter().copied().find(|o| *o == prefix);
    match (hits.as_slice(), exact) {
        ([], _) => {
            f.typed.clear();
            f.error = Some(format!("no option starts with “{prefix}”"));
        }
        ([only], _) => {
            f.input.set(*only);
            f.typed = prefix;
        }
        (_, Some(o)) => {
            f.input.set(o);
            f.typed = prefix;
        }
        (several, None) => {
            let names: Vec<String> = several.iter().map(|o| o.replace('_', " ")).collect();
            f.error = Some(format!("“{prefix}” fits {}: type the next letter, or ← →", names.join(" and ")));
            f.typed = prefix;
        }
    }
}

fn is_choice(kind: FieldKind) -> bool {
    matches!(kind, FieldKind::Enum(_) | FieldKind::YesNo)
}

fn cycle(f: &mut FormField, step: isize) {
    let options: &[&str] = match f.spec.kind {
        FieldKind::Enum(o) => o,
        FieldKind::YesNo => &["yes", "no"],
        _ => return,
    };
    if options.is_empty() {
        return;
    }
    let n = options.len() as isize;
    let next = match options.iter().position(|o| *o == f.input.value()) {
        Some(i) => (i as isize + step).rem_euclid(n),
        None if step > 0 => 0,
        None => n - 1,
    };
    f.input.set(options[next as usize]);
    f.error = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Engagement;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn validation_marks_fields_and_moves_focus() {
        let mut f = Form::new("New", (), Engagement::FIELDS, &Engagement::defaults());
        f.focus_key("start_date");
        for c in "31/12".chars() {
            f.type_char(c);
        }
        f.focus = 0;
        assert!(f.validate(today()).is_none());
        assert_eq!(f.focus, 0, "name is required and comes first");
        assert_eq!(f.fields[0].error.as_deref(), Some("Name is required"));
        assert!(f.fields.iter().any(|x| x.spec.key == "start_date" && x.error.is_some()));
        f.type_char('X');
        f.focus_key("start_date");
        f.edit(TextInput::clear);
        f.type_char('t');
        let values = f.validate(today()).expect("valid now");
        assert!(values.contains(&("name", Value::text("X"))));
        assert!(values.contains(&("start_date", Value::text("2026-11-23"))));
        assert!(values.contains(&("phase", Value::text("pre"))));
    }

    #[test]
    fn letters_pick_an_option_only_when_one_fits() {
        // Failed before: `s` picked "shortlisted" before "selected", so a quick `s` chose the wrong status.
        let mut f = Form::new("Status", (), crate::domain::Provider::DECISION_FIELDS, &[Value::text("candidate")]);
        f.type_char('s');
        assert_eq!(f.fields[0].input.value(), "candidate", "ambiguous: nothing picked");
        assert!(
            f.fields[0].error.as_deref().is_some_and(|e| e.contains("shortlisted and selected")),
            "and it says what to type next"
        );
        f.type_char('e');
        assert_eq!(f.fields[0].input.value(), "selected");
        f.type_char('s');
        f.type_char('h');
        assert_eq!(f.fields[0].input.value(), "shortlisted");
        f.type_char('r');
        assert_eq!(f.fields[0].input.value(), "rejected", "a whole option is typed over afresh");
        f.type_char('z');
        assert_eq!(f.fields[0].input.value(), "rejected", "a letter that fits nothing is ignored");
    }

    #[test]
    fn choice_fields_cycle_and_jump_by_letter() {
        let mut f = Form::new("Phase", (), &Engagement::FIELDS[5..6], &[Value::text("pre")]);
        f.right();
        assert_eq!(f.fields[0].input.value(), "during");
        f.left();
        f.left();
        assert_eq!(f.fields[0].input.value(), "post");
        f.type_char('d');
        assert_eq!(f.fields[0].input.value(), "during");
        // `p` fits pre and post: it picks neither and says so; the next letter decides.
        f.type_char('p');
        assert_eq!(f.fields[0].input.value(), "during");
        assert!(f.fields[0].error.as_deref().is_some_and(|e| e.contains("pre and post")));
        f.type_char('o');
        assert_eq!(f.fields[0].input.value(), "post");
        assert_eq!(f.fields[0].error, None);
        f.type_char('p');
        f.type_char('r');
        assert_eq!(f.fields[0].input.value(), "pre");
        f.edit(TextInput::clear); // ignored on a choice
        assert_eq!(f.fields[0].input.value(), "pre");
    }
}

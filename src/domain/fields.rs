//! Field declarations: each entity lists its fields once, and the one generic form and table work from it.

use chrono::NaiveDate;

use super::Value;

/// What kind of value a field holds, which decides how it is edited and validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    /// One line of text, at most this many characters.
    Text { max: usize },
    /// Free text that may run long (descriptions, plans): several lines, edited in a text area.
    LongText,
    /// A calendar date, `YYYY-MM-DD`; `t` or `today` stands for today.
    Date,
    /// A whole number within bounds.
    Number { min: i64, max: i64 },
    /// One of a fixed list of values (stored as given).
    Enum(&'static [&'static str]),
    /// Yes or no (stored as 1 or 0).
    YesNo,
    /// The path of a file or folder on this computer: one line, with the files and folders that complete it
    /// offered as it is typed.
    Path,
}

impl FieldKind {
    /// Whether the field is one line of free text (where names may be offered as it is typed).
    pub fn is_one_line_text(self) -> bool {
        matches!(self, FieldKind::Text { .. })
    }
}

/// One field of an entity, declared once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    /// Column name in the store.
    pub key: &'static str,
    /// Label shown to the user.
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

impl FieldSpec {
    pub const fn new(key: &'static str, label: &'static str, kind: FieldKind) -> Self {
        Self { key, label, kind, required: false }
    }

    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Turns what the user typed into a stored value, or says what is wrong with it.
    pub fn parse(&self, input: &str, today: NaiveDate) -> Result<Value, String> {
        let s = input.trim();
        if s.is_empty() {
            return match self.kind {
                FieldKind::YesNo => Ok(Value::Int(0)),
                _ if self.required => Err(format!("{} is required", self.label)),
                _ => Ok(Value::Null),
            };
        }
        match self.kind {
            FieldKind::Text { max } => at_most(s, max),
            FieldKind::LongText => at_most(s, LONG_TEXT_MAX),
            FieldKind::Path => at_most(s, PATH_MAX),
            FieldKind::Date => parse_date(s, today).map(|d| Value::Text(d.to_string())),
            FieldKind::Number { min, max } => match s.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Value::Int(n)),
                Ok(_) => Err(format!("a whole number from {min} to {max}")),
                Err(_) => Err(format!("a whole number from {min} to {max}")),
            },
            FieldKind::Enum(options) => options
                .iter()
                .find(|o| o.eq_ignore_ascii_case(s))
                .map(|o| Value::text(*o))
                .ok_or_else(|| choices(options)),
            FieldKind::YesNo => match s.to_ascii_lowercase().as_str() {
                "yes" | "y" | "1" | "true" => Ok(Value::Int(1)),
                "no" | "n" | "0" | "false" => Ok(Value::Int(0)),
                _ => Err("yes or no".into()),
            },
        }
    }

    /// Turns a cell of an imported file into a stored value: the rules of [`parse`](Self::parse), except that a
    /// date must be written out as `YYYY-MM-DD` (`t`, `today` and day offsets are a typing aid in forms only: in a
    /// file they would mean a different day depending on when it is imported).
    pub fn parse_imported(&self, input: &str, today: NaiveDate) -> Result<Value, String> {
        let s = input.trim();
        if self.kind == FieldKind::Date && !s.is_empty() && !is_iso_date(s) {
            return Err(format!(
                "a date as YYYY-MM-DD, not \"{}\" (t, today and +30 are shorthands for typing in a form, not for a \
                 file)",
                s.chars().take(40).collect::<String>()
            ));
        }
        self.parse(input, today)
    }

    /// The text a user edits for a stored value.
    pub fn display(&self, v: &Value) -> String {
        match (self.kind, v) {
            (FieldKind::YesNo, v) => if v.as_i64() == Some(1) { "yes" } else { "no" }.to_string(),
            (_, v) => v.to_string(),
        }
    }
}

/// The text as a value, or what is wrong when it has more than `max` characters.
fn at_most(s: &str, max: usize) -> Result<Value, String> {
    let n = s.chars().count();
    if n > max { Err(format!("at most {max} characters ({n} given)")) } else { Ok(Value::text(s)) }
}

/// The longest path a path field takes.
pub const PATH_MAX: usize = 4_096;

/// The longest text a long-text field takes: generous, but bounded so a stray paste cannot bloat a workspace.
pub const LONG_TEXT_MAX: usize = 20_000;

/// Whether the text is a date written out in full, `YYYY-MM-DD` (four-digit year, two-digit month and day).
/// The field of `fields` whose key is `key`; a key the list does not have fails to compile where it is used in a
/// constant.
pub const fn field_in(fields: &[FieldSpec], key: &str) -> FieldSpec {
    let mut i = 0;
    while i < fields.len() {
        if fields[i].key.len() == key.len() {
            let (a, b) = (fields[i].key.as_bytes(), key.as_bytes());
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return fields[i];
            }
        }
        i += 1;
    }
    panic!("field_in: no field with this key")
}

/// The stored values of an optional choice as a form offers them: a blank first ("not given"), then `values`.
/// `M` is one more than the number of values; anything else fails to compile.
pub const fn blank_first<const M: usize>(values: &[&'static str]) -> [&'static str; M] {
    assert!(values.len() + 1 == M, "blank_first: M must be one more than the number of values");
    let mut out = [""; M];
    let mut i = 0;
    while i < values.len() {
        out[i + 1] = values[i];
        i += 1;
    }
    out
}

pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
        && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// A day-first date, `DD/MM/YYYY` or `DD.MM.YYYY` (one or two digits for the day and the month), as `YYYY-MM-DD`.
/// A year of two digits is refused rather than guessed.
pub fn day_first_date(s: &str) -> Result<String, String> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['/', '.']).collect();
    let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [d, m, y] if digits(d) && digits(m) && digits(y) && d.len() <= 2 && m.len() <= 2 && y.len() == 4 => {
            let (d, m, y) = (d.parse().unwrap_or(0), m.parse().unwrap_or(0), y.parse().unwrap_or(0));
            NaiveDate::from_ymd_opt(y, m, d)
                .map(|d| d.to_string())
                .ok_or_else(|| format!("\"{s}\" is not a date (DD/MM/YYYY)"))
        }
        [_, _, y] if digits(y) && y.len() < 4 => {
            Err(format!("\"{s}\" has a year of {} digits: write the year in full (DD/MM/YYYY)", y.len()))
        }
        _ => Err(format!("a date as DD/MM/YYYY, DD.MM.YYYY or YYYY-MM-DD, not \"{s}\"")),
    }
}

/// How the workbench shows dates and how forms take them (the config's `date_format`): `YYYY-MM-DD` (the
/// default, and what is stored), or day first, `DD/MM/YYYY`. ISO dates are taken in every style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    #[default]
    Iso,
    DayFirst,
}

impl DateStyle {
    /// The style a config value names: `iso` or `dmy`.
    pub fn from_config(s: &str) -> Result<DateStyle, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "iso" | "yyyy-mm-dd" => Ok(DateStyle::Iso),
            "dmy" | "dd/mm/yyyy" => Ok(DateStyle::DayFirst),
            other => Err(format!("date_format: \"{other}\" is not a date format (iso or dmy)")),
        }
    }

    /// A stored date (or a text that starts with one) as this style shows it; any other text as it is.
    pub fn show(self, stored: &str) -> String {
        match (self, stored.get(..10)) {
            (DateStyle::DayFirst, Some(date)) if is_iso_date(date) => {
                format!("{}/{}/{}{}", &date[8..10], &date[5..7], &date[..4], &stored[10..])
            }
            _ => stored.to_string(),
        }
    }

    /// A date typed in this style, as the form's parser takes it: a day-first date becomes `YYYY-MM-DD`; ISO dates
    /// and the shorthands (`t`, `+30`) pass as they are.
    pub fn read(self, typed: &str) -> Result<String, String> {
        let s = typed.trim();
        if self == DateStyle::Iso || s.is_empty() || is_iso_date(s) || !s.contains(['/', '.']) {
            return Ok(s.to_string());
        }
        day_first_date(s)
    }

    /// The hint under a date field.
    pub fn hint(self) -> &'static str {
        match self {
            DateStyle::Iso => "YYYY-MM-DD · t today · +30 in 30 days",
            DateStyle::DayFirst => "DD/MM/YYYY (or YYYY-MM-DD) · t today · +30 in 30 days",
        }
    }
}

/// A stored date (`YYYY-MM-DD`) as a date, or none. The stored form is read directly, without chrono's format
/// parser: the overview's counts read every asset's and check's dates before the first frame. Anything else takes
/// chrono's `%Y-%m-%d`, so the result is the same for every text.
pub fn iso_day(s: &str) -> Option<NaiveDate> {
    if let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = s.as_bytes()
        && [y0, y1, y2, y3, m0, m1, d0, d1].iter().all(u8::is_ascii_digit)
    {
        let n = |bytes: &[u8]| bytes.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        let year = i32::try_from(n(&[y0, y1, y2, y3])).ok()?;
        return NaiveDate::from_ymd_opt(year, n(&[m0, m1]), n(&[d0, d1]));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Parses `YYYY-MM-DD`, or `t`/`today`, or a day offset like `+30` or `-7` from today.
pub fn parse_date(s: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("t") || s.eq_ignore_ascii_case("today") {
        return Ok(today);
    }
    let offset = match s.as_bytes().first() {
        Some(b'+') => s[1..].parse::<i64>().ok(),
        Some(b'-') => s[1..].parse::<i64>().ok().map(|d| -d),
        _ => None,
    };
    if let Some(days) = offset {
        return chrono::Duration::try_days(days)
            .and_then(|d| today.checked_add_signed(d))
            .ok_or_else(|| "date out of range".to_string());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| "a date as YYYY-MM-DD (or t for today, +30 for in 30 days)".into())
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Whether a text cell would be read as a formula, or is one guarded already (`'` before such a character), so
/// that a guard added on export always comes off on import and nothing else does.
fn needs_formula_guard(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A text value as a CSV cell: with a `'` in front when a spreadsheet would take it for a formula.
pub fn guard_formula(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_formula_guard(s) { std::borrow::Cow::Owned(format!("'{s}")) } else { std::borrow::Cow::Borrowed(s) }
}

/// A text cell as imported: the `'` that [`guard_formula`] adds comes off (only a `'` followed by a formula
/// character, or by another such guard); any other text is kept as it is.
pub fn unguard_formula(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_formula_guard(rest) => rest,
        _ => s,
    }
}

/// The message for a value that is none of `options`: the options by name, and "or left blank" when blank is one
/// of them (never an empty name in the list).
pub fn choices(options: &[&str]) -> String {
    let named: Vec<&str> = options.iter().copied().filter(|o| !o.is_empty()).collect();
    let blank = if named.len() < options.len() { ", or left blank" } else { "" };
    format!("one of {}{blank}", named.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_stored_date_reads_as_chrono_reads_it(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9+ -]{0,12}|[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,3}") {
            proptest::prop_assert_eq!(iso_day(&s), NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok(), "{}", s);
        }
    }

    #[test]
    fn formula_guard_round_trips() {
        for s in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'=x", "''+y", "'plain", "plain", "", "a=b", "'"] {
            assert_eq!(unguard_formula(&guard_formula(s)), s, "{s:?}");
        }
        assert_eq!(guard_formula("=1+1"), "'=1+1");
        assert_eq!(guard_formula("Acme"), "Acme");
        assert_eq!(unguard_formula("'plain"), "'plain");
        assert_eq!(unguard_formula("'-3"), "-3");
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
    }

    #[test]
    fn required_text_rejects_blank() {
        let f = FieldSpec::new("name", "Name", FieldKind::Text { max: 10 }).required();
        assert_eq!(f.parse("  ", today()), Err("Name is required".into()));
        assert_eq!(f.parse(" Acme ", today()), Ok(Value::text("Acme")));
        assert!(f.parse("12345678901", today()).is_err());
    }

    #[test]
    fn text_length_counts_characters_not_bytes() {
        let f = FieldSpec::new("name", "Name", FieldKind::Text { max: 4 });
        assert_eq!(f.parse("Ünïç", today()), Ok(Value::text("Ünïç")));
    }

    #[test]
    fn dates_accept_shortcuts() {
        let f = FieldSpec::new("d", "Date", FieldKind::Date);
        assert_eq!(f.parse("t", today()), Ok(Value::text("2026-11-23")));
        assert_eq!(f.parse("+30", today()), Ok(Value::text("2026-12-23")));
        assert_eq!(f.parse("-23", today()), Ok(Value::text("2026-10-31")));
        assert_eq!(f.parse("2027-02-28", today()), Ok(Value::text("2027-02-28")));
        assert!(f.parse("2027-02-30", today()).is_err());
        assert_eq!(f.parse("", today()), Ok(Value::Null));
    }

    #[test]
    fn imported_dates_must_be_written_out() {
        let f = FieldSpec::new("d", "Date", FieldKind::Date);
        for shorthand in ["t", "today", "+30", "-7", "+50000000", "2027-2-3", "02/03/2027"] {
            assert!(f.parse_imported(shorthand, today()).is_err(), "{shorthand}");
        }
        assert_eq!(f.parse_imported("2027-02-28", today()), Ok(Value::text("2027-02-28")));
        assert_eq!(f.parse_imported("", today()), Ok(Value::Null));
    }

    #[test]
    fn numbers_are_bounded() {
        let f = FieldSpec::new("l", "Likelihood", FieldKind::Number { min: 1, max: 5 });
        assert_eq!(f.parse("3", today()), Ok(Value::Int(3)));
        assert!(f.parse("0", today()).is_err());
        assert!(f.parse("x", today()).is_err());
    }

    #[test]
    fn enums_match_case_insensitively_and_store_canonical() {
        let f = FieldSpec::new("p", "Phase", FieldKind::Enum(&["pre", "during", "post"]));
        assert_eq!(f.parse("DURING", today()), Ok(Value::text("during")));
        assert_eq!(f.parse("later", today()), Err("one of pre, during, post".into()));
        let t = FieldSpec::new("treatment", "Treatment", FieldKind::Enum(&["", "modify", "retain"]));
        assert_eq!(t.parse("fix", today()), Err("one of modify, retain, or left blank".into()));
    }

    #[test]
    fn yes_no_defaults_to_no() {
        let f = FieldSpec::new("a", "Agrees", FieldKind::YesNo);
        assert_eq!(f.parse("", today()), Ok(Value::Int(0)));
        assert_eq!(f.parse("y", today()), Ok(Value::Int(1)));
        assert_eq!(f.display(&Value::Int(1)), "yes");
    }
}

//! Field declarations: each entity lists its fields once, and the one generic form and table work from it.

use chrono::NaiveDate;

use super::Value;

/// What kind of value a field holds, which decides how it is edited and validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    /// One line of text, at most this many characters.
    Text { max: usize },
    /// Free text that may run long (descriptions, plans); edited on one line, shown wrapped.
    LongText,
    /// A calendar date, `YYYY-MM-DD`; `t` or `today` stands for today.
    Date,
    /// A whole number within bounds.
    Number { min: i64, max: i64 },
    /// One of a fixed list of values (stored as given).
    Enum(&'static [&'static str]),
    /// Yes or no (stored as 1 or 0).
    YesNo,
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
            FieldKind::Text { max } => {
                let n = s.chars().count();
                if n > max { Err(format!("at most {max} characters ({n} given)")) } else { Ok(Value::text(s)) }
            }
            FieldKind::LongText => {
                let n = s.chars().count();
                if n > LONG_TEXT_MAX {
                    Err(format!("at most {LONG_TEXT_MAX} characters ({n} given)"))
                } else {
                    Ok(Value::text(s))
                }
            }
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

    /// The text a user edits for a stored value.
    pub fn display(&self, v: &Value) -> String {
        match (self.kind, v) {
            (FieldKind::YesNo, v) => if v.as_i64() == Some(1) { "yes" } else { "no" }.to_string(),
            (_, v) => v.to_string(),
        }
    }
}

/// The longest text a long-text field takes: generous, but bounded so a stray paste cannot bloat a workspace.
pub const LONG_TEXT_MAX: usize = 20_000;

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

//! A recorded row read back: the values the history's JSON gives a row, read straight from the JSON, and whether a
//! stored value reads as the text the history gives it. The replay of `verify` reads every insert of the workspace
//! this way.

use std::borrow::Cow;
use std::fmt;

use rusqlite::types::ValueRef;

use crate::domain::Value;

/// The text a stored value shows; `None` for null.
pub(super) fn text_of(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// One value of a recorded row, read straight from the history's JSON as the text the row would show, borrowed
/// from the JSON when it holds no escapes: without building a JSON tree or a map first (the replay reads every
/// insert of the workspace).
struct Cell<'a>(Option<Cow<'a, str>>);

impl<'de> serde::Deserialize<'de> for Cell<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cell<'de>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Cell<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Cell<'de>, E> {
                Ok(Cell(None))
            }
            fn visit_none<E>(self) -> Result<Cell<'de>, E> {
                Ok(Cell(None))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v))))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Cell<'de>, E> {
                Ok(Cell(json_text(&serde_json::Value::from(v)).map(Cow::Owned)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, a: A) -> Result<Cell<'de>, A::Error> {
                let v: serde_json::Value =
                    serde::Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(a))?;
                Ok(Cell(json_text(&v).map(Cow::Owned)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, a: A) -> Result<Cell<'de>, A::Error> {
                let v: serde_json::Value =
                    serde::Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(a))?;
                Ok(Cell(json_text(&v).map(Cow::Owned)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A key of a recorded row's JSON, borrowed when it holds no escapes.
#[derive(serde::Deserialize)]
struct Key<'a>(#[serde(borrow)] Cow<'a, str>);

/// The values a recorded row's JSON gives the table's columns, by column: `None` for a column it does not mention
/// (which then holds the schema's default), `Some(None)` for null. Fields that are not columns are skipped; JSON
/// that is not an object of fields mentions none.
pub(super) type Recorded<'a> = Vec<Option<Option<Cow<'a, str>>>>;

pub(super) fn recorded<'a>(json: &'a str, cols: &[String]) -> Recorded<'a> {
    struct Fields<'c>(&'c [String]);
    impl<'de> serde::de::DeserializeSeed<'de> for Fields<'_> {
        type Value = Recorded<'de>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Recorded<'de>, D::Error> {
            struct V<'c>(&'c [String]);
            impl<'de> serde::de::Visitor<'de> for V<'_> {
                type Value = Recorded<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object of fields")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Recorded<'de>, A::Error> {
                    let mut out: Recorded<'de> = vec![None; self.0.len()];
                    while let Some(Key(k)) = a.next_key()? {
                        match self.0.iter().position(|c| *c == k) {
                            // A field given twice keeps its last value, as a map of the JSON would.
                            Some(i) => out[i] = Some(a.next_value::<Cell<'de>>()?.0),
                            None => {
                                a.next_value::<serde::de::IgnoredAny>()?;
                            }
                        }
                    }
                    Ok(out)
                }
            }
            d.deserialize_map(V(self.0))
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    match serde::de::DeserializeSeed::deserialize(Fields(cols), &mut de).and_then(|out| de.end().map(|()| out)) {
        Ok(out) => out,
        Err(_) => vec![None; cols.len()],
    }
}

/// Whether a stored value reads as `expected`, the text the history gives it (`None`: null), compared without
/// building the stored value's text: the same answer as comparing `text_of` of the value read as a [`Value`].
pub(super) fn reads_as(v: ValueRef<'_>, expected: Option<&str>, buf: &mut String) -> bool {
    use std::fmt::Write;
    let Some(e) = expected else { return matches!(v, ValueRef::Null) };
    match v {
        ValueRef::Null => false,
        ValueRef::Integer(i) => {
            buf.clear();
            let _ = write!(buf, "{i}");
            buf == e
        }
        ValueRef::Real(r) => {
            buf.clear();
            let _ = write!(buf, "{}", Value::Real(r));
            buf == e
        }
        // A row's UUID (16 bytes) reads as its usual text form.
        ValueRef::Blob(b) if b.len() == 16 => {
            let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
            uuid::Uuid::from_slice(b).is_ok_and(|u| u.hyphenated().encode_lower(&mut text) == e)
        }
        ValueRef::Text(t) | ValueRef::Blob(t) => match std::str::from_utf8(t) {
            Ok(s) => s == e,
            Err(_) => String::from_utf8_lossy(t) == e,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::types::FromSql;

    /// The replay compares stored values without building their text; the answer must be the one the text gives.
    #[test]
    fn a_stored_value_reads_as_its_text() {
        let uuid = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let values: Vec<ValueRef<'_>> = vec![
            ValueRef::Null,
            ValueRef::Integer(42),
            ValueRef::Integer(-7),
            ValueRef::Real(2.5),
            ValueRef::Real(3.0),
            ValueRef::Text(b""),
            ValueRef::Text(b"plain"),
            ValueRef::Text(b"caf\xc3\xa9"),
            ValueRef::Text(b"bad \xff byte"),
            ValueRef::Blob(uuid.as_bytes()),
            ValueRef::Blob(b"short"),
        ];
        let expected = [
            None,
            Some("42"),
            Some("-7"),
            Some("2.5"),
            Some("3"),
            Some(""),
            Some("plain"),
            Some("café"),
            Some("bad \u{fffd} byte"),
            Some("01234567-89ab-cdef-0123-456789abcdef"),
            Some("short"),
            Some("042"),
            Some("3.0"),
        ];
        let mut buf = String::new();
        for v in &values {
            let text = text_of(&Value::column_result(*v).expect("value"));
            for e in expected {
                assert_eq!(reads_as(*v, e, &mut buf), text.as_deref() == e, "{v:?} against {e:?}");
            }
        }
    }

    /// The fields of a recorded row, read without a map: the same values a map of the JSON gives, by column.
    #[test]
    fn recorded_fields_by_column() {
        let cols: Vec<String> = ["id", "name", "size", "note", "flag", "tags"].iter().map(|s| s.to_string()).collect();
        let got = recorded(
            r#"{"name":"a \"quoted\" name","size":12,"note":null,"other":[1,2],"flag":true,"tags":["x"],"size":13}"#,
            &cols,
        );
        let want: Vec<Option<Option<&str>>> = vec![
            None,
            Some(Some(r#"a "quoted" name"#)),
            Some(Some("13")),
            Some(None),
            Some(Some("true")),
            Some(Some(r#"["x"]"#)),
        ];
        assert_eq!(got.iter().map(|v| v.as_ref().map(|v| v.as_deref())).collect::<Vec<_>>(), want);
        // Not an object of fields, or not JSON at all: nothing is recorded (every column keeps its default).
        for bad in ["", "[1]", "{\"name\":", "{\"name\":\"a\"} trailing"] {
            assert!(recorded(bad, &cols).iter().all(Option::is_none), "{bad}");
        }
    }
}

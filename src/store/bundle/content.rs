//! The content of evidence files in a bundle, carried only when asked (`assay export --with-evidence`): each file
//! once, under its SHA-256, in base64, in the member `evidence_content`. Written by streaming each file from the
//! workspace through a base64 encoder, so memory stays that of one chunk whatever the files' size; read back by
//! decoding in chunks straight into the workspace, each file checked against its SHA-256 and size before anything
//! is kept.

use std::io::{self, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rusqlite::{Connection, params};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::ImportError;
use crate::store::evidence::{self, Content, ReadError};

/// One file's content as a bundle carries it. The base64 text is borrowed from the bundle's own text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentIn<'a> {
    pub sha256: String,
    pub size: u64,
    #[serde(borrow)]
    pub base64: &'a str,
}

/// What was written: how many files, and how many bytes of content.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
}

/// Base64 characters decoded at a time: a multiple of 4 (whole groups), about 256 KB of content.
const DECODE_CHUNK: usize = 4 * 65_536;

/// Writes `bundle_json` (a bundle as [`super::Bundle::to_json`] gives it) with the member `evidence_content` added:
/// the content of every evidence file of the engagements `engagements` (all when None) whose content the workspace
/// holds, each once. Content that no longer hashes to what was recorded stops the export.
pub fn write_with_content(
    conn: &Connection,
    bundle_json: &str,
    engagements: Option<&[i64]>,
    out: &mut dyn Write,
) -> io::Result<Written> {
    let body = bundle_json.trim_end();
    let Some(open) = body.strip_suffix('}') else {
        return Err(io::Error::other("the bundle's text does not end its object"));
    };
    out.write_all(open.trim_end().as_bytes())?;
    out.write_all(b",\n  \"evidence_content\": [")?;
    let mut done = Written::default();
    for (sha256, size) in held(conn, engagements).map_err(io::Error::other)? {
        if done.files > 0 {
            out.write_all(b",")?;
        }
        write!(out, "\n    {{\n      \"sha256\": \"{sha256}\",\n      \"size\": {size},\n      \"base64\": \"")?;
        let content = {
            let mut encoder = base64::write::EncoderWriter::new(&mut *out, &STANDARD);
            let read = evidence::read_content(conn, &sha256, size, &mut |chunk| encoder.write_all(chunk));
            encoder.finish()?;
            read
        };
        match content {
            Ok(Content::Intact) => {}
            Ok(other) => {
                return Err(io::Error::other(format!(
                    "the stored content of {sha256} is not what was recorded ({other:?}); run `assay verify`"
                )));
            }
            Err(ReadError::Write(e)) => return Err(e),
            Err(ReadError::Sqlite(e)) => return Err(io::Error::other(e)),
        }
        out.write_all(b"\"\n    }")?;
        done.files += 1;
        done.bytes += size;
    }
    out.write_all(if done.files > 0 { b"\n  ]\n}\n" } else { b"]\n}\n" })?;
    Ok(done)
}

/// The (SHA-256, size) of each file of the engagements whose content is stored, each once, in a fixed order.
fn held(conn: &Connection, engagements: Option<&[i64]>) -> rusqlite::Result<Vec<(String, u64)>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT e.sha256, c.size FROM evidence e JOIN evidence_content c ON c.sha256 = e.sha256
         WHERE ?1 IS NULL OR e.engagement_id IN (SELECT value FROM json_each(?1)) ORDER BY e.sha256",
    )?;
    let filter = engagements.map(|ids| serde_json::to_string(ids).unwrap_or_default());
    stmt.query_map([filter], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?.collect()
}

/// Checks each file's content against its SHA-256 and size, and that some evidence record of the bundle names it
/// (`named`), decoding in chunks without keeping the content. One line says what is wrong with the first that fails.
pub fn check(contents: &[ContentIn<'_>], named: &[String]) -> Result<(), ImportError> {
    for (i, c) in contents.iter().enumerate() {
        let place = format!("evidence_content[{i}]");
        let fail = |message: String| ImportError { place: place.clone(), message };
        if c.sha256.len() != 64 || !c.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(fail(format!(
                "\"{}\" is not a SHA-256 in lower-case hex",
                c.sha256.chars().take(80).collect::<String>()
            )));
        }
        if !named.contains(&c.sha256) {
            return Err(fail(format!("no evidence file of the bundle has the SHA-256 {}", c.sha256)));
        }
        if contents[..i].iter().any(|o| o.sha256 == c.sha256) {
            return Err(fail(format!("the content of {} is given twice", c.sha256)));
        }
        let mut hasher = Sha256::new();
        let size = decode(c.base64, &mut |chunk| {
            hasher.update(chunk);
            Ok(())
        })
        .map_err(|e| fail(format!("its base64 does not decode: {e}")))?;
        if size != c.size {
            return Err(fail(format!("it holds {size} bytes, not the {} it says", c.size)));
        }
        let found: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        if found != c.sha256 {
            return Err(fail(format!("its content hashes to {found}, not to the {} it is given under", c.sha256)));
        }
    }
    Ok(())
}

/// Stores the content of each file the workspace does not hold yet, in the transaction of `conn`, decoding in
/// chunks into a blob of its size. Returns how many were stored.
pub fn store(conn: &Connection, contents: &[ContentIn<'_>]) -> rusqlite::Result<usize> {
    let mut stored = 0;
    for c in contents {
        let held: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM evidence_content WHERE sha256 = ?1)")?
            .query_row([&c.sha256], |r| r.get(0))?;
        if held {
            continue;
        }
        let len =
            i32::try_from(c.size).map_err(|_| rusqlite::Error::ToSqlConversionFailure("file too large".into()))?;
        conn.prepare_cached("INSERT INTO evidence_content (sha256, size, data) VALUES (?1, ?2, zeroblob(?3))")?
            .execute(params![c.sha256, i64::from(len), len])?;
        if c.size > 0 {
            let row = conn.last_insert_rowid();
            let mut blob = conn.blob_open(rusqlite::MAIN_DB, "evidence_content", "data", row, false)?;
            let mut at = 0usize;
            decode(c.base64, &mut |chunk| {
                blob.write_at(chunk, at).map_err(|e| e.to_string())?;
                at += chunk.len();
                Ok(())
            })
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
        }
        stored += 1;
    }
    Ok(stored)
}

/// Decodes base64 in chunks, handing each decoded chunk to `each`; returns the bytes decoded.
fn decode(text: &str, each: &mut dyn FnMut(&[u8]) -> Result<(), String>) -> Result<u64, String> {
    let bytes = text.as_bytes();
    let mut buf = Vec::with_capacity(DECODE_CHUNK / 4 * 3);
    let mut total = 0u64;
    for piece in bytes.chunks(DECODE_CHUNK) {
        buf.clear();
        STANDARD.decode_vec(piece, &mut buf).map_err(|e| e.to_string())?;
        each(&buf)?;
        total += buf.len() as u64;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_in_chunks_gives_back_every_byte() {
        let data: Vec<u8> = (0..(DECODE_CHUNK * 2 + 7)).map(|i| (i * 31 % 251) as u8).collect();
        let text = STANDARD.encode(&data);
        let mut back = Vec::new();
        let n = decode(&text, &mut |c| {
            back.extend_from_slice(c);
            Ok(())
        })
        .expect("decodes");
        assert_eq!(n as usize, data.len());
        assert_eq!(back, data);
        assert!(decode("not*base64", &mut |_| Ok(())).is_err());
    }
}

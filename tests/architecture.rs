//! The layer rules of ARCHITECTURE.md, checked on the sources: which module may import which, where SQL may be
//! written, and how long a file may grow. Each rule is also shown failing on a fixture, so a rule that could never
//! fail cannot pass unnoticed.

use std::path::{Path, PathBuf};

/// The longest a source file may be.
const MAX_LINES: usize = 800;

/// The layers, each with the modules (paths under `src/`) it must never import.
const RULES: &[(&str, &[&str])] = &[
    ("domain", &["store", "app", "ui", "commands", "tui", "report", "widgets", "keys", "theme"]),
    ("catalog", &["store", "app", "ui", "commands", "tui", "report", "widgets"]),
    ("store", &["app", "ui", "commands", "tui", "widgets", "keys", "theme"]),
    ("keys", &["store", "app", "ui", "commands", "tui", "widgets"]),
    ("theme", &["store", "app", "ui", "commands", "tui", "widgets"]),
    ("text", &["store", "app", "ui", "commands", "tui", "widgets"]),
    ("widgets", &["store", "app", "ui", "commands", "tui", "report"]),
    ("report", &["app", "ui", "commands", "tui", "widgets"]),
    ("team", &["app", "ui", "commands", "tui", "widgets", "keys", "theme", "report"]),
    ("app", &["ui", "commands", "tui"]),
    ("ui", &["store", "commands", "tui"]),
];

/// Where a file's imports are checked against: its first path segment under `src/` (a file `src/x.rs` is layer x).
fn layer_of(rel: &Path) -> String {
    let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

/// Every `crate::<module>` (or `assay::<module>`) path a source text names, outside comments.
fn imported_modules(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in code_lines(src) {
        for prefix in ["crate::", "assay::"] {
            let mut rest = line.as_str();
            while let Some(i) = rest.find(prefix) {
                let tail = &rest[i + prefix.len()..];
                let name: String = tail.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push(name.clone());
                }
                // `crate::{a, b}`
                if let Some(group) = tail.strip_prefix('{') {
                    let inner: String = group.chars().take_while(|c| *c != '}').collect();
                    out.extend(inner.split(',').map(|s| s.trim().split("::").next().unwrap_or("").to_string()));
                }
                rest = &tail[name.len().max(1).min(tail.len())..];
            }
        }
    }
    out
}

/// The lines of a source text with `//` comments taken off (doc comments name other layers freely).
fn code_lines(src: &str) -> Vec<String> {
    src.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("//") { String::new() } else { l.to_string() }
        })
        .collect()
}

/// The layer rules a file breaks: "layer imports module".
fn layer_violations(rel: &Path, src: &str) -> Vec<String> {
    let layer = layer_of(rel);
    let Some((_, forbidden)) = RULES.iter().find(|(l, _)| *l == layer) else { return Vec::new() };
    let mut out: Vec<String> = imported_modules(src)
        .into_iter()
        .filter(|m| forbidden.contains(&m.as_str()))
        .map(|m| format!("{}: {layer} imports {m}", rel.display()))
        .collect();
    out.dedup();
    out
}

/// SQL written in a string literal: a statement keyword followed by the words that make it a statement. Interface
/// words ("Select a provider", "Delete risk") are not SQL.
fn sql_in_literals(src: &str) -> Vec<String> {
    let statement = regex::Regex::new(
        r#"(?x)"[^"]*?\b(
            SELECT\s+[\w*(),.\s]+?\s+FROM\s |
            INSERT\s+INTO\s |
            UPDATE\s+\w+\s+SET\s |
            DELETE\s+FROM\s |
            CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)\s |
            PRAGMA\s+\w+ |
            ALTER\s+TABLE\s
        )"#,
    )
    .expect("regex");
    code_lines(src).iter().filter(|l| statement.is_match(l)).map(|l| l.trim().to_string()).collect()
}

fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                out.push((path.strip_prefix(&root).expect("under src").to_path_buf(), text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn no_layer_imports_one_above_it() {
    let broken: Vec<String> = sources().iter().flat_map(|(rel, src)| layer_violations(rel, src)).collect();
    assert!(broken.is_empty(), "layer rules broken:\n{}", broken.join("\n"));
}

#[test]
fn commands_reach_the_workbench_only_through_tui_start() {
    let broken: Vec<String> = sources()
        .iter()
        .filter(|(rel, _)| layer_of(rel) == "commands")
        .flat_map(|(rel, src)| {
            imported_modules(src)
                .into_iter()
                .filter(|m| m == "ui" || m == "app" || m == "widgets")
                .map(move |m| format!("{}: commands imports {m}", rel.display()))
        })
        .collect();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn sql_is_written_only_in_the_store() {
    let broken: Vec<String> = sources()
        .iter()
        .filter(|(rel, _)| layer_of(rel) != "store")
        .flat_map(|(rel, src)| sql_in_literals(src).into_iter().map(move |l| format!("{}: {l}", rel.display())))
        .collect();
    assert!(broken.is_empty(), "SQL outside src/store:\n{}", broken.join("\n"));
}

#[test]
fn no_source_file_is_over_the_limit() {
    let long: Vec<String> = sources()
        .iter()
        .map(|(rel, src)| (rel, src.lines().count()))
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(rel, n)| format!("{}: {n} lines", rel.display()))
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines:\n{}", long.join("\n"));
}

/// The rules catch a deliberate violation of each kind.
#[test]
fn the_rules_fail_on_a_violation() {
    let domain = "use crate::store::Store;\nfn f() {}\n";
    assert_eq!(layer_violations(Path::new("domain/risk.rs"), domain), vec!["domain/risk.rs: domain imports store"]);
    let grouped = "use crate::{domain::Risk, app::App};\n";
    assert_eq!(layer_violations(Path::new("store/x.rs"), grouped), vec!["store/x.rs: store imports app"]);
    let ui = "    let s = crate::store::risks::list(conn, 1);\n";
    assert_eq!(layer_violations(Path::new("ui/mod.rs"), ui), vec!["ui/mod.rs: ui imports store"]);
    let app = "use crate::commands::report;\n";
    assert_eq!(layer_violations(Path::new("app/panes/x/mod.rs"), app).len(), 1);
    assert_eq!(sql_in_literals(r#"conn.execute("DELETE FROM risk WHERE id = ?1", [id])"#).len(), 1);
    assert_eq!(sql_in_literals(r#"let q = "SELECT id, name FROM engagement ORDER BY name";"#).len(), 1);
    assert_eq!(sql_in_literals(r#"conn.execute_batch("PRAGMA foreign_keys = ON")"#).len(), 1);
    assert_eq!(sql_in_literals(r#"w.execute("UPDATE risk SET title = ?1", [t])"#).len(), 1);
}

/// Interface words that are also SQL keywords, and layers named in comments, are not violations.
#[test]
fn the_rules_leave_interface_words_and_comments_alone() {
    for label in [
        r#"cx.confirm("Delete risk", "Delete the risk “x” with its treatment?", Ask::Delete(1));"#,
        r#"let hint = "Select a provider from the list, then update its status";"#,
        r#"toast("Insert mode: type to add; select all with Ctrl-A");"#,
        r#"let t = "Create an engagement first";"#,
        r#"format!("Update the table of {} providers", n)"#,
    ] {
        assert!(sql_in_literals(label).is_empty(), "not SQL: {label}");
    }
    let commented = "//! Unlike crate::store, this module draws.\n/// See crate::app::App.\nfn f() {}\n";
    assert!(layer_violations(Path::new("domain/x.rs"), commented).is_empty());
}

/// Platform calls outside the one module that owns them: `std::os::unix`, `std::os::windows` or `libc::` in code
/// (comments and the unit tests at a file's end aside) of any file but `private_fs.rs`.
fn platform_calls(rel: &Path, src: &str) -> Vec<String> {
    if rel == Path::new("private_fs.rs") {
        return Vec::new();
    }
    let code = src.split("#[cfg(test)]").next().unwrap_or_default();
    let code = code.split("#[cfg(all(test, unix))]").next().unwrap_or_default();
    code_lines(code)
        .iter()
        .filter(|l| ["std::os::unix", "std::os::windows", "libc::"].iter().any(|p| l.contains(p)))
        .map(|l| format!("{}: {}", rel.display(), l.trim()))
        .collect()
}

#[test]
fn only_private_fs_touches_platform_apis() {
    let found: Vec<String> = sources().iter().flat_map(|(rel, src)| platform_calls(rel, src)).collect();
    assert!(found.is_empty(), "platform calls outside src/private_fs.rs:\n{}", found.join("\n"));
    // Each kind of call is caught elsewhere, and left alone in private_fs.rs and in comments.
    let planted = "use std::os::unix::fs::PermissionsExt;\nfn f() { g(libc::O_NOFOLLOW); }\n";
    assert_eq!(platform_calls(Path::new("store/lock.rs"), planted).len(), 2);
    let windows = "    use std::os::windows::fs::OpenOptionsExt;\n";
    assert_eq!(platform_calls(Path::new("commands/mod.rs"), windows).len(), 1);
    assert!(platform_calls(Path::new("private_fs.rs"), planted).is_empty());
    let commented = "//! Unlike std::os::unix, this is portable.\nfn f() {}\n";
    assert!(platform_calls(Path::new("store/x.rs"), commented).is_empty());
}

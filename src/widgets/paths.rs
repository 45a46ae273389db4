//! Paths typed into a form: `~` for the home folder, and the files and folders that complete what is typed, read
//! from the disk as it is typed (Tab completes as far as they agree, the arrows choose one).

use std::path::PathBuf;

/// The most entries of one folder read to offer completions: a folder of a hundred thousand files still answers at
/// once, offering the first ones read.
const MOST_READ: usize = 5_000;

/// Whether `c` ends a folder's name in a typed path.
fn is_separator(c: char) -> bool {
    c == '/' || (cfg!(windows) && c == '\\')
}

/// The path the text names: `~` or `~/…` starts at the home folder; anything else is taken as typed (a relative
/// path from the folder assay was started in).
pub fn expand(typed: &str) -> PathBuf {
    let typed = typed.trim();
    let home = || directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    if typed == "~" {
        if let Some(h) = home() {
            return h;
        }
    } else if let Some(rest) = typed.strip_prefix("~/").or_else(|| typed.strip_prefix("~\\").filter(|_| cfg!(windows)))
        && let Some(h) = home()
    {
        return h.join(rest);
    }
    PathBuf::from(typed)
}

/// The files and folders whose path starts with `typed`, each written as it would be typed (folders end in `/`),
/// sorted by name. Hidden ones are offered only once a `.` is typed. Empty when the folder cannot be read.
pub fn completions(typed: &str) -> Vec<String> {
    let (folder, start) = match typed.rfind(is_separator) {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    };
    let dir = if folder.is_empty() { PathBuf::from(".") } else { expand(folder) };
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .take(MOST_READ)
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            if name.starts_with('.') && !start.starts_with('.') {
                return None;
            }
            if !name.to_lowercase().starts_with(&start.to_lowercase()) {
                return None;
            }
            // A link to a folder is offered as a folder.
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some(format!("{folder}{name}{}", if is_dir { "/" } else { "" }))
        })
        .collect();
    out.sort();
    out
}

/// The longest text every one of `names` starts with (by characters).
pub fn common_start(names: &[String]) -> String {
    let Some(first) = names.first() else { return String::new() };
    let mut end = first.len();
    for n in &names[1..] {
        let shared = first
            .char_indices()
            .zip(n.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8());
        end = end.min(shared);
    }
    first[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_list_what_starts_with_the_typed_name_folders_marked() {
        let dir = tempfile::tempdir().expect("test file");
        std::fs::create_dir(dir.path().join("photos")).expect("test file");
        std::fs::write(dir.path().join("photo-register.jpg"), b"x").expect("test file");
        std::fs::write(dir.path().join("policy.pdf"), b"x").expect("test file");
        std::fs::write(dir.path().join(".hidden"), b"x").expect("test file");
        let base = format!("{}/", dir.path().display());
        assert_eq!(
            completions(&format!("{base}pho")),
            vec![format!("{base}photo-register.jpg"), format!("{base}photos/")]
        );
        assert_eq!(completions(&format!("{base}.")), vec![format!("{base}.hidden")]);
        assert_eq!(completions(&base).len(), 3, "hidden files are left out until a dot is typed");
        assert!(completions(&format!("{base}nothing/x")).is_empty());
    }

    #[test]
    fn the_common_start_stops_where_names_part() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(common_start(&names(&["/a/photo-1.jpg", "/a/photo-2.jpg", "/a/photos/"])), "/a/photo");
        assert_eq!(common_start(&names(&["/a/é1", "/a/é2"])), "/a/é");
        assert_eq!(common_start(&names(&["/a/only"])), "/a/only");
        assert_eq!(common_start(&[]), "");
    }

    #[test]
    fn a_tilde_starts_at_home() {
        if let Some(home) = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()) {
            assert_eq!(expand("~/x.pdf"), home.join("x.pdf"));
            assert_eq!(expand("~"), home);
        }
        assert_eq!(expand("a/~b"), PathBuf::from("a/~b"));
    }
}

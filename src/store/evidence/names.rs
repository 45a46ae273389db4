//! What people see of a file and what a folder accepts: its size in words, its media type from its extension, and
//! a name safe to create anywhere.

/// A size as people read it: bytes, KB, MB or GB (of 1024).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1024 {
        return format!("{bytes} byte{}", if bytes == 1 { "" } else { "s" });
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = UNITS[0];
    for u in &UNITS[1..] {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    if v < 10.0 && v.fract() != 0.0 { format!("{v:.1} {unit}") } else { format!("{v:.0} {unit}") }
}

/// The media type a file's name suggests, from its extension; `application/octet-stream` when unknown.
pub fn media_type(name: &str) -> &'static str {
    let ext = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => return "application/octet-stream",
    };
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "tif" | "tiff" => "image/tiff",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "json" => "application/json",
        "yaml" | "yml" => "application/yaml",
        "rtf" => "application/rtf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "eml" => "message/rfc822",
        "msg" => "application/vnd.ms-outlook",
        "zip" => "application/zip",
        "7z" => "application/x-7z-compressed",
        "gz" => "application/gzip",
        "tar" => "application/x-tar",
        "pcap" => "application/vnd.tcpdump.pcap",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// A file name safe to create in any folder on any system: no path separators, no `..`, no control characters,
/// none of the characters Windows refuses, not a name Windows reserves, at most 200 bytes (the extension kept).
/// `fallback` stands in for a name left empty.
pub fn safe_name(name: &str, fallback: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() || crate::visible::is_unsafe(c) => '_',
            c => c,
        })
        .collect();
    // Leading dots would hide the file (or make `..`); trailing dots and spaces Windows drops.
    s = s.trim_start_matches(['.', ' ']).trim_end_matches(['.', ' ']).to_string();
    if s.is_empty() {
        s = fallback.to_string();
    }
    let stem = s.split('.').next().unwrap_or("").to_ascii_uppercase();
    const RESERVED: &[&str] = &["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];
    let numbered = |p: &str| {
        stem.strip_prefix(p).is_some_and(|d| d.len() == 1 && d.chars().all(|c| c.is_ascii_digit() || "¹²³".contains(c)))
    };
    if RESERVED.contains(&stem.as_str()) || numbered("COM") || numbered("LPT") {
        s.insert(0, '_');
    }
    const MAX: usize = 200;
    if s.len() > MAX {
        let (stem, ext) = match s.rsplit_once('.') {
            Some((a, b)) if b.len() <= 16 && !a.is_empty() => (a.to_string(), format!(".{b}")),
            _ => (s.clone(), String::new()),
        };
        let mut cut = MAX - ext.len();
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        s = format!("{}{ext}", &stem[..cut]);
    }
    s
}

/// The name with a number before its extension: `scan (2).pdf`, for a name already taken.
pub fn numbered_name(name: &str, n: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_come_from_the_extension() {
        assert_eq!(media_type("scan.PDF"), "application/pdf");
        assert_eq!(media_type("photo.jpeg"), "image/jpeg");
        assert_eq!(media_type("notes"), "application/octet-stream");
        assert_eq!(media_type(".bashrc"), "application/octet-stream");
        assert_eq!(media_type("dump.bin"), "application/octet-stream");
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd", "F-1"), "_.._etc_passwd");
        assert_eq!(safe_name("..", "F-1"), "F-1");
        assert_eq!(safe_name("a\u{1b}[2Jb.txt", "F-1"), "a_[2Jb.txt");
        assert_eq!(safe_name("C:\\x\\y.pdf", "F-1"), "C__x_y.pdf");
        assert_eq!(safe_name("con.txt", "F-1"), "_con.txt");
        assert_eq!(safe_name("report. ", "F-1"), "report");
        assert_eq!(safe_name("\u{202e}gpj.exe", "F-1"), "_gpj.exe");
        let long = format!("{}.pdf", "é".repeat(300));
        let safe = safe_name(&long, "F-1");
        assert!(safe.len() <= 200 && safe.ends_with(".pdf"), "{safe}");
        assert_eq!(numbered_name("scan.pdf", 2), "scan (2).pdf");
        assert_eq!(numbered_name("README", 3), "README (3)");
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(1), "1 byte");
        assert_eq!(human_size(1000), "1000 bytes");
        assert_eq!(human_size(50 * crate::store::evidence::MB), "50 MB");
        assert_eq!(human_size(1536), "1.5 KB");
    }
}

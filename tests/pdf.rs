//! The PDF report and asset form: read back with a PDF text extractor (and with poppler's `pdftotext` when the
//! machine has it), hostile text, the characters no font has, the command line's refusals and exit codes, and the
//! workbench's report key writing the PDF off the event loop.

mod common;

use assay::commands::report::resolve;
use assay::report::{self, Block, Format, Record, Report, Section, assets, build};
use common::bin::{arg, assay, demo_file, stderr};
use common::workspace::demo_store;
use common::{NOW, app_on, today};

/// The text of each page of a PDF, as an extractor reads it.
fn pages(bytes: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(bytes).expect("the PDF reads back")
}

/// Text with its runs of white space made single spaces (an extractor breaks lines where the layout did).
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn demo_report() -> Report {
    let store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    build(store.conn(), &e, today(), "tester", false).expect("report")
}

#[test]
fn the_pdf_report_of_the_demo_has_its_sections_contents_and_marking_on_every_page() {
    let r = demo_report();
    let pdf = report::pdf::report(&r).expect("pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"), "a PDF");
    let text = pages(&pdf.bytes);
    assert_eq!(text.len(), pdf.pages, "the extractor finds as many pages as were laid out");
    assert!((4..=12).contains(&pdf.pages), "the small demo's first engagement fits in a few pages: {}", pdf.pages);
    assert!(pdf.missing.is_empty(), "the demo's names are all in the bundled font: {:?}", pdf.missing);
    let all = squeeze(&text.join("\n"));
    for (n, s) in r.sections.iter().enumerate() {
        assert!(all.contains(&squeeze(&format!("{}. {}", n + 1, s.title))), "missing section heading {s:?}");
    }
    // The contents, on the first page, give each section's page.
    let first = squeeze(&text[0]);
    assert!(first.contains("Contents"), "{first}");
    let mut starts = Vec::new();
    for (n, s) in r.sections.iter().enumerate() {
        let heading = squeeze(&format!("{}. {}", n + 1, s.title));
        // The first page names every section in its contents; a section starting there names itself again.
        let page = text
            .iter()
            .enumerate()
            .position(|(i, p)| squeeze(p).matches(&heading).count() > usize::from(i == 0))
            .expect("section found")
            + 1;
        assert!(
            first.contains(&format!("{} {page}", squeeze(&s.title))),
            "the contents give page {page} for {:?}: {first}",
            s.title
        );
        starts.push((s.title.clone(), page));
    }
    // The report proper, to its sign-off, takes at most six A4 pages; the appendices follow it.
    let page_of = |title: &str| starts.iter().find(|(t, _)| t == title).map(|(_, p)| *p).expect(title);
    assert!(page_of("Sign-off") <= 6, "the report proper ends on page {}: {starts:?}", page_of("Sign-off"));
    assert!(page_of(report::FIRST_APPENDIX) > page_of("Sign-off"), "{starts:?}");
    // The running header and footer: the classification and the page number on every page.
    assert_eq!(r.classification, "Confidential");
    for (i, p) in text.iter().enumerate() {
        assert!(p.matches("Confidential").count() >= 2, "page {}: marking in header and footer: {p}", i + 1);
        assert!(squeeze(p).contains(&format!("Page {} of {}", i + 1, pdf.pages)), "page {}: {p}", i + 1);
    }
    // A4 portrait.
    let doc = pdf_extract::Document::load_mem(&pdf.bytes).expect("lopdf");
    for (_, id) in doc.get_pages() {
        let page = doc.get_object(id).and_then(|o| o.as_dict()).expect("page");
        let media = page.get(b"MediaBox").and_then(|m| m.as_array()).expect("media box");
        let w = media[2].as_float().expect("w") - media[0].as_float().expect("x");
        let h = media[3].as_float().expect("h") - media[1].as_float().expect("y");
        assert!((w - 595.3).abs() < 0.5 && (h - 841.9).abs() < 0.5, "A4: {w} × {h}");
    }
    // Each section is a bookmark in the viewer's side panel.
    let outlines = doc.catalog().and_then(|c| c.get(b"Outlines")).and_then(|o| o.as_reference()).expect("bookmarks");
    let outlines = doc.get_object(outlines).and_then(|o| o.as_dict()).expect("outline dictionary");
    assert_eq!(outlines.get(b"Count").and_then(|c| c.as_i64()).expect("count"), r.sections.len() as i64);
    // `Format::Pdf` as text is the same pages as laid out.
    assert_eq!(report::written(&r, Format::Pdf).split('\u{c}').count(), pdf.pages);
}

/// A report of the given sections, to try what the demo does not hold.
fn report_of(title: &str, sections: Vec<Section>) -> Report {
    Report {
        title: title.to_string(),
        meta: "Prepared for a test.".into(),
        classification: "Restricted".into(),
        engagement: Record { reference: "E-1".into(), uuid: "01970000-0000-7000-8000-000000000001".into() },
        sections,
    }
}

#[test]
fn a_long_table_breaks_across_pages_with_its_header_row_on_each() {
    let rows: Vec<Vec<String>> = (1..=240)
        .map(|i| vec![format!("R-{i}"), format!("Risk number {i} of the long register"), i.to_string()])
        .collect();
    let r = report_of(
        "Long",
        vec![Section {
            title: "Register".into(),
            blocks: vec![Block::Table {
                headers: vec!["Ref".into(), "Headline title".into(), "Score".into()],
                rows,
                numeric: vec![false, false, true],
                records: vec![],
            }],
        }],
    );
    let pdf = report::pdf::report(&r).expect("pdf");
    let text = pages(&pdf.bytes);
    assert!(pdf.pages >= 5, "240 rows take several pages: {}", pdf.pages);
    // Every page after the contents carries the table's header row, and every row is there once.
    for (i, p) in text.iter().enumerate().skip(1) {
        assert!(p.contains("Headline title"), "page {} repeats the header row: {p}", i + 1);
        assert!(p.matches("Restricted").count() >= 2, "page {}: {p}", i + 1);
    }
    let all = text.join("\n");
    for i in [1, 77, 160, 240] {
        assert_eq!(all.matches(&format!("Risk number {i} of")).count(), 1, "row {i}");
    }
}

#[test]
fn hostile_text_is_printed_as_it_is_and_never_read_as_markup() {
    let hostile = [
        "#set page(width: 1pt) *bold* _em_ $x^2$ [link] \\ @ref <label> `code` \"quoted\"",
        "{{ }} % & ~ ^ | = + - // /* */ #let x = 1",
        "Evil\u{1b}]52;c;aGk=\u{7} \u{202e}gpj.exe",
    ];
    let mut blocks: Vec<Block> = hostile.iter().map(|h| Block::Para(h.to_string())).collect();
    blocks.push(Block::Facts(vec![(hostile[0].into(), hostile[1].into())]));
    blocks.push(Block::Table {
        headers: vec![hostile[1].into(), "B".into()],
        rows: vec![vec![hostile[0].into(), "\u{05e9}\u{05dc}\u{05d5}\u{05dd} مرحبا".into()]],
        numeric: vec![false, true],
        records: vec![],
    });
    blocks.push(Block::Verdict(hostile[0].into()));
    blocks.push(Block::Heading("Heading #with [brackets]".into()));
    let r = report_of(hostile[0], vec![Section { title: hostile[1].into(), blocks }]);
    let pdf = report::pdf::report(&r).expect("hostile text lays out");
    let all = squeeze(&pages(&pdf.bytes).join("\n"));
    assert!(all.contains(&squeeze(hostile[0])), "{all}");
    assert!(all.contains(&squeeze(hostile[1])), "{all}");
    assert!(all.contains("Heading #with [brackets]"), "{all}");
    // Control and bidirectional characters are left out; the rest of the text stays.
    assert!(all.contains("Evil]52;c;aGk= gpj.exe"), "{all}");
    assert!(!all.contains('\u{1b}') && !all.contains('\u{202e}'), "{all:?}");
}

#[test]
fn a_character_no_font_has_is_named_not_dropped() {
    let r = report_of(
        "Glyphs",
        vec![Section { title: "Names".into(), blocks: vec![Block::Para("Zoë Łukasz \u{10fffd} ok".into())] }],
    );
    let pdf = report::pdf::report(&r).expect("pdf");
    assert_eq!(pdf.missing, vec!['\u{10fffd}'], "the one character no font has");
    let warning = pdf.warning().expect("a warning");
    assert!(warning.contains("U+10FFFD") && warning.contains("1 character"), "{warning}");
    let all = squeeze(&pages(&pdf.bytes).join("\n"));
    assert!(all.contains("Zoë Łukasz"), "{all}");
}

#[test]
fn the_asset_form_pdf_is_landscape_one_table_per_state_with_its_marking() {
    let store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    let form = assets::gather(store.conn(), &e, today(), "tester").expect("form");
    let pdf = report::pdf::asset_form(&form).expect("pdf");
    let text = pages(&pdf.bytes);
    assert_eq!(text.len(), pdf.pages);
    let all = squeeze(&text.join("\n"));
    assert!(all.contains("Asset tracking form"), "{all}");
    for state in ["With the provider (", "Returned ("] {
        assert!(all.contains(state), "a table for {state}: {all}");
    }
    for (i, p) in text.iter().enumerate() {
        assert!(p.matches("Confidential").count() >= 2, "page {}: {p}", i + 1);
        assert!(squeeze(p).contains(&format!("Page {} of {}", i + 1, pdf.pages)), "page {}: {p}", i + 1);
    }
    for (a, _) in &form.assets {
        assert!(all.contains(&a.tag), "asset {} is on the form", a.tag);
    }
    let doc = pdf_extract::Document::load_mem(&pdf.bytes).expect("lopdf");
    let (_, id) = doc.get_pages().into_iter().next().expect("a page");
    let media = doc.get_object(id).and_then(|o| o.as_dict()).and_then(|d| d.get(b"MediaBox")).expect("box");
    let media = media.as_array().expect("array");
    assert!(media[2].as_float().expect("w") > media[3].as_float().expect("h"), "landscape");
}

#[test]
fn the_command_line_writes_the_pdf_owner_only_or_to_a_pipe() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_file(dir.path(), "w.db");
    let out = dir.path().join("r.pdf");
    let o = assay(dir.path(), &["--db", arg(&db), "report", "1", "--format", "pdf", "--out", arg(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote the report of E-1") && stderr(&o).contains("pages)"), "{}", stderr(&o));
    let bytes = std::fs::read(&out).expect("written");
    assert!(bytes.starts_with(b"%PDF-"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "owner only");
    }
    // Standard output that is not a terminal (here a pipe) gets the PDF itself.
    let o = assay(dir.path(), &["--db", arg(&db), "report", "1", "--format", "pdf"]);
    assert!(o.status.success() && o.stdout.starts_with(b"%PDF-"), "{}", stderr(&o));
    // The asset form too, by subcommand and by the word after the options.
    let form = dir.path().join("a.pdf");
    let o = assay(dir.path(), &["--db", arg(&db), "report", "assets", "1", "--format", "pdf", "--out", arg(&form)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&form).expect("form").starts_with(b"%PDF-"));
    let o = assay(dir.path(), &["report", "--db", arg(&db), "--format", "pdf", "assets", "1"]);
    assert!(o.status.success() && o.stdout.starts_with(b"%PDF-"), "{}", stderr(&o));
    // A folder that is not there: a clear message, exit 1, nothing half-written.
    let o = assay(dir.path(), &["--db", arg(&db), "report", "1", "--format", "pdf", "--out", "no/such/r.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!dir.path().join("no").exists());
    // An engagement that is not there: exit 3, as for every format.
    let o = assay(dir.path(), &["--db", arg(&db), "report", "E-99", "--format", "pdf", "--out", arg(&out)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

#[test]
fn the_command_line_names_the_characters_no_font_has() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_file(dir.path(), "w.db");
    {
        let conn = rusqlite::Connection::open(&db).expect("sqlite");
        conn.execute("UPDATE engagement SET name = name || ' \u{10fffd}' WHERE id = 1", []).expect("rename");
    }
    let out = dir.path().join("r.pdf");
    let o = assay(dir.path(), &["--db", arg(&db), "report", "1", "--format", "pdf", "--out", arg(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("assay: warning: no font has a glyph for 1 character") && stderr(&o).contains("U+10FFFD"),
        "{}",
        stderr(&o)
    );
}

/// Run in a terminal (a tmux pane), `--format pdf` without `--out` is refused with exit 2 and nothing printed.
#[test]
fn a_pdf_is_never_printed_on_a_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_file(dir.path(), "w.db");
    let script = dir.path().join("run.sh");
    std::fs::write(
        &script,
        format!(
            "{} --db {} report 1 --format pdf; echo \"exit=$?\"; sleep 30\n",
            env!("CARGO_BIN_EXE_assay"),
            arg(&db)
        ),
    )
    .expect("script");
    let socket = format!("assay-pdf-{}", std::process::id());
    let status = std::process::Command::new("tmux")
        .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "20"])
        .args(["-e", &format!("ASSAY_CONFIG={}", dir.path().join("none.toml").display())])
        .arg(format!("bash {}", arg(&script)))
        .status()
        .expect("tmux must be installed for the end-to-end tests");
    assert!(status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let screen = loop {
        let out =
            std::process::Command::new("tmux").args(["-L", &socket, "capture-pane", "-p"]).output().expect("tmux");
        let s = String::from_utf8_lossy(&out.stdout).into_owned();
        if s.contains("exit=") || std::time::Instant::now() > deadline {
            break s;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let _ = std::process::Command::new("tmux").args(["-L", &socket, "kill-server"]).status();
    assert!(screen.contains("exit=2"), "{screen}");
    assert!(screen.contains("a PDF is not printed on a terminal") && screen.contains("--out FILE"), "{screen}");
    assert!(!screen.contains("%PDF"), "{screen}");
}

/// poppler's `pdftotext`, the extractor most PDF tooling uses, reads the report's headings and markings too.
#[test]
fn pdftotext_reads_the_report_when_installed() {
    let dir = tempfile::tempdir().expect("dir");
    let r = demo_report();
    let pdf = report::pdf::report(&r).expect("pdf");
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, &pdf.bytes).expect("write");
    let out = match std::process::Command::new("pdftotext").args(["-layout", arg(&path), "-"]).output() {
        Ok(o) => o,
        Err(_) => {
            eprintln!("SKIPPED: pdftotext (poppler-utils) is not installed; the PDF was read with pdf-extract only");
            return;
        }
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let pages: Vec<&str> = text.trim_end_matches('\u{c}').split('\u{c}').collect();
    assert_eq!(pages.len(), pdf.pages, "pdftotext counts the same pages");
    for s in &r.sections {
        assert!(squeeze(&text).contains(&squeeze(&s.title)), "{}", s.title);
    }
    for p in &pages {
        assert!(p.matches("Confidential").count() >= 2, "{p}");
    }
}

/// The Overview's report key writes the PDF beside the Markdown and HTML, as a long task.
#[test]
fn the_report_key_writes_the_pdf_too() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = assay::store::Store::open(&dir.path().join("w.db"), "tester").expect("store");
    store.set_fixed_now(Some(NOW));
    common::workspace::add_demo(&mut store);
    let mut app = app_on(store, 120, 40);
    app.reports_dir = dir.path().join("reports");
    app.update(assay::app::Action::Tab2).expect("overview");
    common::keys(&mut app, "R");
    assert!(app.work.is_some(), "written as a long task");
    common::finish_work(&mut app);
    let pdf = std::fs::read_dir(dir.path().join("reports"))
        .expect("reports")
        .map(|f| f.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .expect("a PDF");
    assert!(pages(&std::fs::read(&pdf).expect("read")).len() >= 4);
    let screen = common::screen(&app);
    assert!(screen.contains("Report written") && screen.contains("PDF pages"), "{screen}");
}

/// A cell longer than a page goes on over the next pages, under the header row again, losing nothing; a header
/// taller than a page does not keep making pages.
#[test]
fn a_row_longer_than_a_page_goes_on_over_the_next() {
    let long: String = (1..=2500).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    let r = report_of(
        "Long cell",
        vec![Section {
            title: "Notes".into(),
            blocks: vec![
                Block::Table {
                    headers: vec!["Ref".into(), "Note".into()],
                    rows: vec![vec!["N-1".into(), long.clone()], vec!["N-2".into(), "short".into()]],
                    numeric: vec![false, false],
                    records: vec![],
                },
                Block::Table {
                    headers: vec![long.clone(), "B".into()],
                    rows: vec![vec!["x".into(), "y".into()]],
                    numeric: vec![false, false],
                    records: vec![],
                },
            ],
        }],
    );
    let pdf = report::pdf::report(&r).expect("pdf");
    let text = pages(&pdf.bytes);
    assert!(pdf.pages >= 3 && pdf.pages < 40, "{}", pdf.pages);
    let words: std::collections::HashSet<String> =
        text.iter().flat_map(|p| p.split_whitespace().map(str::to_string).collect::<Vec<_>>()).collect();
    for i in [1, 600, 1250, 2500] {
        assert!(words.contains(&format!("w{i}")), "w{i} is in the PDF");
    }
    assert!(words.contains("short"));
}

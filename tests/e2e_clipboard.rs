//! End to end: in the real binary under tmux, `y` on a risk puts its summary on the clipboard through OSC 52, which
//! tmux (with `set-clipboard on`) keeps as its paste buffer; a find narrows the register first.

mod tmux;

use tmux::Tmux;

#[test]
fn find_a_risk_then_copy_it_to_the_clipboard() {
    let (_dir, _db, t) = Tmux::start_fresh("clipboard");
    t.tmux(&["set-option", "-g", "set-clipboard", "on"]);
    t.create_first_engagement("Managed SOC");
    t.send(&["4"]);
    t.wait_for("No risks yet");
    for (title, likelihood) in [("Provider analysts can read mailboxes", "4"), ("Backups stored offshore", "2")] {
        t.send(&["a"]);
        t.wait_for("New risk");
        t.type_text(title);
        t.send(&["Tab", "Tab"]);
        t.type_text(likelihood);
        t.send(&["Tab", "C-u"]);
        t.type_text("5");
        t.send(&["Enter"]);
        t.wait_for(title);
    }

    // Find narrows the register to the risk typed; the title says how many are shown.
    t.send(&["f"]);
    t.type_text("mailbox");
    t.wait_for("find “mailbox▏”: 1 of 2 shown");
    t.send(&["Enter"]);
    t.wait_gone("Backups stored offshore");

    t.send(&["y"]);
    t.wait_for("Copied risk “Provider analysts can read mailboxes” to the clipboard");
    let start = std::time::Instant::now();
    let mut buffer = String::new();
    while start.elapsed() < std::time::Duration::from_secs(10) {
        buffer = t.tmux(&["show-buffer"]);
        if !buffer.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(buffer.starts_with("Provider analysts can read mailboxes\n"), "clipboard: {buffer:?}");
    assert!(buffer.contains("likelihood 4"), "clipboard: {buffer:?}");
    // Nothing of the escape reached the screen.
    assert!(!t.capture().contains("52;c;"));
}

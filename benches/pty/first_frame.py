#!/usr/bin/env python3
"""What the user waits for: the release binary started in a pseudo-terminal, timed from exec to its first
complete frame, against a blank ratatui app built from the same crates (benches/pty/blank.rs).

A frame is complete when ratatui has written its last cell and set the cursor (every draw ends with
ESC[?25l, or ESC[?25h and a cursor position when a text field has the cursor), so the time is taken at that
byte, read from the terminal's side of the pty exactly as a terminal would read it.

usage: python3 benches/pty/first_frame.py [--runs 20] [--sizes small,large] [--with-backups] [--no-build]
                                           [--scaling] [--verify] [--baseline OLD_ASSAY_BINARY]
                                           [--baseline-work DIR]

--sizes huge generates the huge demo first (500 engagements; several minutes and about 1.4 GB, kept under
target/pty-bench/, or under $ASSAY_BENCH_WORK when set). --scaling also times, on each size, switching to the
busiest pane (Assets, 6) and one keystroke of the lookup (the last letter of "return of assets"), key to
complete frame. --verify also runs `assay verify` on each size as a whole process (no terminal) and prints its
wall time, CPU time and peak resident memory, as the kernel accounts them for the finished child (the figures
`/usr/bin/time -v` prints), and with --baseline the baseline's verify beside it, run for run.
--baseline-work DIR gives the baseline demos of its own, made by the baseline binary in DIR when missing: for a
baseline whose schema is older than this build's (this build would upgrade a shared demo, which the older one then
refuses to open), so each side starts on the workspace its own version writes.
Beside the medians, each start is set against the blank app's start (and the baseline's) of the same round, and the
median of those differences is printed with its 95 % bootstrap interval and whether it is within the goal of 5 ms
above the blank app: the medians' difference moves with the machine's load, the paired one much less.
Without --with-backups the workbench runs with `backups = 0` so that the figure is the start path alone; with it,
with the default config. Huge: python3 benches/pty/first_frame.py --sizes huge --scaling --verify --runs 10
"""

import argparse
import fcntl
import os
import pty
import random
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
WORK = os.environ.get("ASSAY_BENCH_WORK", os.path.join(TARGET, "pty-bench"))
COLS, ROWS = 160, 48
ENTER_ALT = b"\x1b[?1049h"
HIDE = b"\x1b[?25l"
SHOW = b"\x1b[?25h"


def frame_end(buf, start):
    """The offset just past the first frame end at or after `start`, or None."""
    best = None
    i = buf.find(HIDE, start)
    if i >= 0:
        best = i + len(HIDE)
    j = buf.find(SHOW, start)
    if j >= 0 and (best is None or j < best):
        # ESC[?25h then the cursor position ESC[row;colH.
        k = buf.find(b"H", j + len(SHOW))
        if k >= 0:
            best = k + 1
    return best


class Session:
    """One program in a fresh pty of COLS x ROWS, with its own session and controlling terminal."""

    def __init__(self, argv, env):
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            # The child's terminal has the benchmark's size before the program can ask for it.
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd, self.buf = pid, fd, b""

    def read_until(self, pred, timeout=60.0):
        deadline = time.perf_counter() + timeout
        while True:
            r = pred(self.buf)
            if r is not None:
                return r, time.perf_counter()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(self.buf[-400:])
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise EOFError(self.buf[-400:].decode("utf-8", "replace"))
                self.buf += chunk

    def drain(self, quiet=0.15):
        while select.select([self.fd], [], [], quiet)[0]:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.buf += chunk

    def first_frame(self):
        def done(b):
            a = b.find(ENTER_ALT)
            return None if a < 0 else frame_end(b, a)

        end, t = self.read_until(done)
        self.mark = end
        return (t - self.t0) * 1000

    def key_to_frame(self, keys, min_bytes=25):
        """Sends keys and times until the frame answering them is complete: the first frame end after more
        than `min_bytes` of output (a timer tick's redraw with nothing changed writes 25 bytes: colour and
        attribute resets and the cursor)."""
        self.drain()
        start = len(self.buf)
        t0 = time.perf_counter()
        os.write(self.fd, keys)

        def done(b):
            prev = start
            while True:
                e = frame_end(b, prev)
                if e is None:
                    return None
                if e - prev > min_bytes:
                    return e
                prev = e

        _, t = self.read_until(done)
        return (t - t0) * 1000

    def quit(self):
        try:
            os.write(self.fd, b"\x1b")
            time.sleep(0.02)
            os.write(self.fd, b"q")
        except OSError:
            pass
        deadline = time.time() + 10
        self.cpu = None
        while time.time() < deadline:
            try:
                done, _, usage = os.wait4(self.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                self.cpu = (usage.ru_utime + usage.ru_stime) * 1000
                break
            try:
                if select.select([self.fd], [], [], 0.05)[0]:
                    os.read(self.fd, 65536)
            except OSError:
                pass
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def whole_process(argv, env):
    """Runs argv to its end with no terminal; its wall milliseconds, peak resident MB, exit code and CPU ms."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, (usage.ru_utime + usage.ru_stime) * 1000


def paired(a, b, resamples=4000):
    """The median of the run-by-run differences a[i] - b[i] (runs of one round, so that both met the same load), with
    its 95 % percentile bootstrap interval; a fixed seed, so that the same runs give the same interval."""
    d = [x - y for x, y in zip(a, b)]
    rng = random.Random(20)
    meds = sorted(statistics.median(rng.choices(d, k=len(d))) for _ in range(resamples))
    return statistics.median(d), meds[int(0.025 * resamples)], meds[int(0.975 * resamples) - 1]


GOAL_MS = 5.0


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--sizes", default="small,large")
    ap.add_argument("--with-backups", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--scaling", action="store_true")
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--baseline", metavar="BIN", help="another assay binary (e.g. a copy of an older build) to time "
                    "side by side on the same demos")
    ap.add_argument("--baseline-work", metavar="DIR", help="where the baseline's own demos are (made by it if missing)")
    args = ap.parse_args()
    sizes = [s for s in args.sizes.split(",") if s]

    if not args.no_build:
        run(["cargo", "build", "--release", "--bin", "assay", "--example", "blank"], cwd=ROOT)
    assay = os.path.join(TARGET, "release", "assay")
    blank = os.path.join(TARGET, "release", "examples", "blank")
    os.makedirs(WORK, exist_ok=True)
    config = os.path.join(WORK, "config.toml")
    with open(config, "w") as f:
        f.write("" if args.with_backups else "backups = 0\n")
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", ASSAY_CONFIG=config, LANG="C.UTF-8")
    env.pop("NO_COLOR", None)

    targets = [("blank ratatui app", [blank])]
    for size in sizes:
        db = os.path.join(WORK, f"demo-{size}.db")
        if not os.path.exists(db):
            run([assay, "demo", "--size", size, "--out", db], env=env)
        targets.append((f"assay, {size} demo", [assay, "--db", db]))
        if args.baseline:
            bdb = db
            if args.baseline_work:
                os.makedirs(args.baseline_work, exist_ok=True)
                bdb = os.path.join(args.baseline_work, f"demo-{size}.db")
                if not os.path.exists(bdb):
                    run([args.baseline, "demo", "--size", size, "--out", bdb], env=env)
            targets.append((f"baseline, {size} demo", [args.baseline, "--db", bdb]))

    # Round-robin, so that a change in the machine's load falls on every target alike; each round in its own order
    # (shuffled with a fixed seed), so that no target always follows the same one (whose exit, page cache and CPU
    # state it would otherwise always meet).
    results = {name: [] for name, _ in targets}
    cpu = {name: [] for name, _ in targets}
    order = random.Random(48)
    for _ in range(args.runs):
        for name, argv in order.sample(targets, len(targets)):
            s = Session(argv, env)
            try:
                results[name].append(s.first_frame())
            finally:
                s.quit()
            if s.cpu is not None:
                cpu[name].append(s.cpu)

    base = statistics.median(results["blank ratatui app"])
    print(f"\nstart to first complete frame, {COLS}x{ROWS} pty, median of {args.runs}"
          f"{'' if args.with_backups else ', backups = 0'}")
    print(f"{'':28} {'median':>9} {'min':>9} {'max':>9} {'ratio':>7} {'difference':>11} {'CPU, whole run':>15}")
    for name, times in results.items():
        m = statistics.median(times)
        c = f"{statistics.median(cpu[name]):12.1f}ms" if cpu[name] else ""
        print(f"{name:28} {m:8.1f}ms {min(times):8.1f}ms {max(times):8.1f}ms {m / base:6.2f}x {m - base:+10.1f}ms {c}")
    print("(CPU: user + system time of the whole process, start to exit, median; steadier than wall time on a"
          " busy machine)")
    # The difference of the medians above moves with the machine's load from one batch to the next; the difference
    # run by run, within each round, is the figure the goal is about, given with how far it can be trusted.
    print(f"\nrun by run: each start against the other's start in the same round, median of the {args.runs}"
          " differences and its 95 % bootstrap interval")
    blank_runs = results["blank ratatui app"]
    for name, times in results.items():
        if name.startswith("assay"):
            m, lo, hi = paired(times, blank_runs)
            verdict = ("within the goal" if hi <= GOAL_MS else "over the goal" if lo > GOAL_MS
                       else "not decided by these runs")
            print(f"{name + ' - blank':40} {m:+7.1f}ms  ({lo:+.1f} to {hi:+.1f})   "
                  f"goal <= +{GOAL_MS:.0f} ms: {verdict}")
            old = results.get(name.replace("assay", "baseline", 1))
            if old:
                m, lo, hi = paired(times, old)
                print(f"{name + ' - baseline':40} {m:+7.1f}ms  ({lo:+.1f} to {hi:+.1f})")

    if args.scaling:
        print(f"\nkeystroke to complete frame, median of {args.runs}")
        for name, argv in [t for t in targets[1:] if not t[0].startswith("baseline")]:
            pane, look = [], []
            for _ in range(args.runs):
                s = Session(argv, env)
                try:
                    s.first_frame()
                    pane.append(s.key_to_frame(b"6"))
                    s.key_to_frame(b"/")
                    s.key_to_frame(b"return of asset")
                    look.append(s.key_to_frame(b"s"))
                finally:
                    s.quit()
            print(f"{name:28} Assets tab {statistics.median(pane):6.1f}ms   lookup keystroke "
                  f"{statistics.median(look):6.1f}ms")

    if args.verify:
        print(f"\nassay verify, whole process, median of {args.runs} (peak memory: the largest run)")
        for size in sizes:
            db = os.path.join(WORK, f"demo-{size}.db")
            sides = [("assay verify, " + size + " demo", assay, db)]
            if args.baseline:
                bdb = os.path.join(args.baseline_work, f"demo-{size}.db") if args.baseline_work else db
                sides.append(("baseline verify, " + size + " demo", args.baseline, bdb))
            # Round-robin, as above, so that both sides meet the same load.
            runs = {name: [] for name, _, _ in sides}
            for _ in range(args.runs):
                for name, binary, path in sides:
                    runs[name].append(whole_process([binary, "verify", "--db", path], env))
            for name, rs in runs.items():
                walls = [r[0] for r in rs]
                codes = sorted({r[2] for r in rs})
                print(f"{name:28} {statistics.median(walls):8.0f}ms (min {min(walls):.0f}, "
                      f"max {max(walls):.0f})   CPU {statistics.median(r[3] for r in rs):8.0f}ms   "
                      f"peak {max(r[1] for r in rs):6.1f} MB   exit {codes}")

if __name__ == "__main__":
    main()

//! Long tasks off the event loop: one mechanism for every task that could keep the screen from answering (writing
//! a report, exporting a bundle, the automatic backup).
//!
//! A [`Job`] runs a function on a thread of its own. The function is handed a [`Control`] through which it reports
//! its progress (a fraction and a word) and learns whether it was asked to stop; it opens its own read-only store
//! connection where it needs one, since a SQLite connection belongs to one thread. Its return value is the job's
//! result. The event loop polls the job between events and never waits for it, so the user keeps reading and
//! moving meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;

/// How far a job has come: a fraction from 0 to 1 and a word or two saying what it is doing.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub fraction: f32,
    pub word: String,
}

/// What a running job holds: the way to report progress and to learn that it should stop.
pub struct Control {
    progress: Sender<Progress>,
    stop: Arc<AtomicBool>,
}

impl Control {
    /// Reports progress; `fraction` is kept within 0 to 1.
    pub fn progress(&self, fraction: f32, word: impl Into<String>) {
        // The job may outlive the one watching it (the workbench quit): nobody to tell then.
        let _ = self.progress.send(Progress { fraction: fraction.clamp(0.0, 1.0), word: word.into() });
    }

    /// Whether the job was asked to stop. A job checks it between its steps and returns early when it is set.
    pub fn cancelled(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// The stop flag itself, for code that takes one (such as the backup).
    pub fn stop_flag(&self) -> &AtomicBool {
        &self.stop
    }
}

/// The usual result of a task the user started: the message to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    /// It did its work; the message says what and where.
    Done(String),
    /// It failed; the message says why.
    Failed(String),
    /// It stopped because it was asked to, leaving nothing half-written.
    Cancelled,
}

/// What a poll of a job finds.
#[derive(Debug, PartialEq)]
pub enum Poll<T> {
    /// Still running; `true` when its progress moved since the last poll.
    Running(bool),
    /// Finished with this result.
    Done(T),
    /// Ended without a result: its thread could not start or panicked.
    Lost,
}

/// A task running on its own thread.
pub struct Job<T> {
    label: String,
    stop: Arc<AtomicBool>,
    progress: Receiver<Progress>,
    result: Receiver<T>,
    handle: Option<JoinHandle<()>>,
    latest: Progress,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `task` on a thread of its own. `label` names it on screen until its first progress report.
    pub fn spawn(label: impl Into<String>, task: impl FnOnce(&Control) -> T + Send + 'static) -> Job<T> {
        let (mut job, control, done) = Job::parts(label.into());
        job.handle = std::thread::Builder::new()
            .name("assay-job".into())
            .spawn(move || {
                let _ = done.send(task(&control));
            })
            .ok();
        job
    }
}

impl<T> Job<T> {
    /// Runs `task` here and now, for work that cannot leave this thread (a workspace held only in memory has no
    /// second connection to read it from). The result is there at the first poll, like that of a job that ended.
    pub fn inline(label: impl Into<String>, task: impl FnOnce(&Control) -> T) -> Job<T> {
        let (job, control, done) = Job::parts(label.into());
        let _ = done.send(task(&control));
        job
    }

    fn parts(label: String) -> (Job<T>, Control, Sender<T>) {
        let stop = Arc::new(AtomicBool::new(false));
        let (ptx, prx) = mpsc::channel();
        let (rtx, rrx) = mpsc::channel();
        let latest = Progress { fraction: 0.0, word: label.clone() };
        let job = Job { label, stop: Arc::clone(&stop), progress: prx, result: rrx, handle: None, latest };
        (job, Control { progress: ptx, stop }, rtx)
    }

    /// What the job was started as.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The latest progress polled.
    pub fn progress(&self) -> &Progress {
        &self.latest
    }

    /// Asks the job to stop; it does at its next check.
    pub fn cancel(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Whether the job was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Takes in the progress reported since the last poll, and the result once it is there. Never waits.
    pub fn poll(&mut self) -> Poll<T> {
        let mut moved = false;
        while let Ok(p) = self.progress.try_recv() {
            moved |= p != self.latest;
            self.latest = p;
        }
        match self.result.try_recv() {
            Ok(r) => {
                self.join();
                Poll::Done(r)
            }
            Err(TryRecvError::Empty) => Poll::Running(moved),
            Err(TryRecvError::Disconnected) => {
                self.join();
                Poll::Lost
            }
        }
    }

    /// Waits for the job to end, without asking it to stop, and returns its result if it has one.
    pub fn wait(mut self) -> Option<T> {
        self.join();
        self.result.try_recv().ok()
    }

    /// Asks the job to stop, waits for it, and returns its result if it has one.
    pub fn finish(self) -> Option<T> {
        self.cancel();
        self.wait()
    }

    fn join(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl<T> Drop for Job<T> {
    /// A job dropped while it runs (the workbench quitting) is asked to stop and waited for, so that it never
    /// ends half-way through a file.
    fn drop(&mut self) {
        self.cancel();
        self.join();
    }
}

/// Spawns `f` on a thread asked to run beside the caller, on a CPU other than the caller's, for work meant to be
/// done while the caller goes on. A scheduler that packs threads onto as few CPUs as it can (as on the 2-core
/// virtual machine of the start-up benchmark) places a new thread on its parent's CPU, where it runs only once the
/// busy parent's time slice ends, 3–4 ms later, when the parent no longer needed it beside; timed there in a small C
/// program, a thread asked to run elsewhere starts within 0.1–0.2 ms. The caller yields once, so that the new
/// thread can make the request at once and move; where new threads already start elsewhere, the yield returns at
/// once. The thread keeps that request for its short life; with one CPU allowed, nothing is asked.
pub fn spawn_beside<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> std::thread::JoinHandle<T> {
    #[cfg(target_os = "linux")]
    {
        let here = rustix::thread::sched_getcpu();
        let handle = std::thread::spawn(move || {
            if let Ok(mut set) = rustix::thread::sched_getaffinity(None)
                && set.count() > 1
                && set.is_set(here)
            {
                set.unset(here);
                let _ = rustix::thread::sched_setaffinity(None, &set);
            }
            f()
        });
        rustix::thread::sched_yield();
        handle
    }
    #[cfg(not(target_os = "linux"))]
    std::thread::spawn(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn until_done<T>(job: &mut Job<T>) -> Poll<T> {
        let start = Instant::now();
        loop {
            match job.poll() {
                Poll::Running(_) if start.elapsed() < Duration::from_secs(10) => {
                    std::thread::sleep(Duration::from_millis(2))
                }
                other => return other,
            }
        }
    }

    #[test]
    fn a_job_reports_progress_and_stops_when_cancelled() {
        let mut job = Job::spawn("Counting", |c: &Control| {
            let start = Instant::now();
            let mut steps = 0u32;
            while start.elapsed() < Duration::from_secs(10) {
                if c.cancelled() {
                    return (Finished::Cancelled, steps);
                }
                steps += 1;
                c.progress(0.4, "Counting sheep");
                std::thread::sleep(Duration::from_millis(1));
            }
            (Finished::Done("never cancelled".into()), steps)
        });
        assert_eq!(job.progress().word, "Counting", "the label shows until the first report");
        let start = Instant::now();
        while job.progress().word != "Counting sheep" && start.elapsed() < Duration::from_secs(10) {
            assert!(matches!(job.poll(), Poll::Running(_)), "still running");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(job.progress(), &Progress { fraction: 0.4, word: "Counting sheep".into() });
        job.cancel();
        assert!(job.is_cancelled());
        match until_done(&mut job) {
            Poll::Done((finished, steps)) => {
                assert_eq!(finished, Finished::Cancelled, "it stopped at its next check");
                assert!(steps >= 1);
            }
            _ => panic!("the job ended with its result"),
        }
    }

    #[test]
    fn progress_is_kept_within_bounds_and_a_lost_job_is_told_apart() {
        let mut job = Job::spawn("Going", |c: &Control| {
            c.progress(7.0, "Over");
            Finished::Done("ok".into())
        });
        assert_eq!(until_done(&mut job), Poll::Done(Finished::Done("ok".into())));
        assert_eq!(job.progress().fraction, 1.0);

        let mut lost: Job<Finished> = Job::spawn("Falling", |_| panic!("deliberately lost"));
        assert_eq!(until_done(&mut lost), Poll::Lost);
    }

    #[test]
    fn an_inline_job_has_its_result_at_the_first_poll() {
        let mut job = Job::inline("Here", |c: &Control| {
            c.progress(0.5, "Half");
            21 * 2
        });
        assert_eq!(job.poll(), Poll::Done(42));
        assert_eq!(job.progress().word, "Half");
    }

    #[test]
    fn finishing_asks_the_job_to_stop_and_waits_for_it() {
        let job = Job::spawn("Waiting", |c: &Control| {
            let start = Instant::now();
            while !c.cancelled() && start.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(1));
            }
            c.cancelled()
        });
        assert_eq!(job.finish(), Some(true));
    }

    /// A helper thread runs its work and hands back its result; on Linux, where more than one CPU is allowed, it
    /// asks for every allowed CPU but one (the caller's), so that it does not wait for the caller's CPU.
    #[test]
    fn a_helper_thread_asks_to_run_beside_the_caller() {
        let (result, helper_allowed) = spawn_beside(|| (6 * 7, allowed_cpus())).join().expect("the helper ran");
        assert_eq!(result, 42);
        let allowed = allowed_cpus();
        if cfg!(target_os = "linux") && allowed > 1 {
            assert_eq!(helper_allowed, allowed - 1, "the helper leaves out the caller's CPU");
        } else {
            assert_eq!(helper_allowed, allowed, "with one CPU allowed, or off Linux, nothing is asked");
        }
    }

    /// How many CPUs the calling thread may run on (1 where that cannot be read).
    fn allowed_cpus() -> u32 {
        #[cfg(target_os = "linux")]
        return rustix::thread::sched_getaffinity(None).map_or(1, |s| s.count());
        #[cfg(not(target_os = "linux"))]
        1
    }
}

//! The progress bar on standard error: shown only when standard error is a terminal and
//! `--quiet` is not given, so pipes, files and CI logs stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Counts finished replicas; a no-op when hidden.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn new(replicas: u64, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(replicas), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{bar:30} {pos}/{len} replicas, {elapsed} (~{eta} left) {msg}",
        )
        .expect("a valid progress template");
        bar.set_style(style);
        Progress(Some(bar))
    }

    /// One more replica finished (called from worker threads).
    pub fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// A note beside the bar, e.g. which point just finished.
    pub fn note(&self, text: String) {
        if let Some(bar) = &self.0 {
            bar.set_message(text);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

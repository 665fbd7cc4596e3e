//! `--output FILE`'s journal, `FILE.journal`: written before a study runs (or, with
//! `--resume FILE`, read back, checked against this run and continued), appended one line
//! per finished point, and removed once FILE holds the finished output.
//!
//! Appending costs one point's line, so a study of many points costs linear time in them
//! (rewriting a whole report after every point cost quadratic time). Deliberately knows
//! nothing of reports: the lines are `sweep::journal`'s, the replay goes to the caller.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::cli::CliError;
use crate::experiment::{Job, ReplicaResult};
use crate::sweep::{JournalHeader, JournalRecord, RunIdentity, Study};

/// A journal being appended to; stops writing (with one warning) after a failed write.
pub struct Journal {
    path: PathBuf,
    file: Option<File>,
    quiet: bool,
}

/// `FILE.journal`, beside the output.
pub fn journal_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> CliError {
    CliError::Other(anyhow::anyhow!("cannot {what} {}: {e}", path.display()))
}

fn note(quiet: bool, text: String) {
    if !quiet {
        eprintln!("note: {text}");
    }
}

/// What a study about to run needs to journal itself.
pub struct Plan<'a> {
    pub output: &'a Path,
    pub resume: bool,
    pub study: &'a Study,
    pub run: RunIdentity<'a>,
    pub quiet: bool,
}

impl Journal {
    /// Starts the journal of `plan`, or continues the one its `--resume` names: every
    /// finished point it holds goes to `replay` in grid order. Returns the journal and the
    /// number of points already finished.
    pub fn open(
        plan: &Plan,
        replay: impl FnMut(usize, Vec<(Job, ReplicaResult)>),
    ) -> Result<(Journal, usize), CliError> {
        let path = journal_path(plan.output);
        let header = JournalHeader::new(plan.study, plan.run);
        // `create_new`: two runs started at once must not truncate each other's journal.
        match OpenOptions::new().append(true).create_new(true).open(&path) {
            Ok(file) => {
                if plan.resume {
                    let why = format!(
                        "no journal {}: starting from the first point",
                        path.display()
                    );
                    note(plan.quiet, why);
                }
                lock(&file, &path)?;
                return Journal::start(path, file, &header, plan.quiet);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_error(&path, "create", e)),
        }
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| io_error(&path, "append to", e))?;
        lock(&file, &path)?;
        if !plan.resume {
            return Err(CliError::Invalid(format!(
                "{} holds the journal of an interrupted run writing {o}: continue it with --resume {o} (and the same arguments), or delete it to start over",
                path.display(),
                o = plan.output.display()
            )));
        }
        Journal::resume(path, file, &header, plan, replay)
    }

    /// Continues the journal in `file` (locked): its complete records are replayed, an
    /// unfinished last line is cut off, and appends go after the last complete record.
    fn resume(
        path: PathBuf,
        file: File,
        header: &JournalHeader,
        plan: &Plan,
        mut replay: impl FnMut(usize, Vec<(Job, ReplicaResult)>),
    ) -> Result<(Journal, usize), CliError> {
        let Some((valid_len, done)) = read(&path, header, plan, &mut replay)? else {
            let why = format!(
                "{} has no complete header: starting from the first point",
                path.display()
            );
            note(plan.quiet, why);
            file.set_len(0).map_err(|e| io_error(&path, "write", e))?;
            return Journal::start(path, file, header, plan.quiet);
        };
        file.set_len(valid_len)
            .map_err(|e| io_error(&path, "append to", e))?;
        let total = plan.study.points.len();
        let why = format!(
            "resuming from {}: {done} of {total} points already finished",
            path.display()
        );
        note(plan.quiet, why);
        let journal = Journal {
            path,
            file: Some(file),
            quiet: plan.quiet,
        };
        Ok((journal, done))
    }

    /// A new journal in `file`: its header line first.
    fn start(
        path: PathBuf,
        mut file: File,
        header: &JournalHeader,
        quiet: bool,
    ) -> Result<(Journal, usize), CliError> {
        file.write_all(header.line().as_bytes())
            .map_err(|e| io_error(&path, "write", e))?;
        let file = Some(file);
        Ok((Journal { path, file, quiet }, 0))
    }

    /// Appends finished point `point` (one write, so that a killed process leaves at
    /// most one unfinished line).
    pub fn append(&mut self, point: usize, results: &[(Job, ReplicaResult)]) {
        let Some(file) = &mut self.file else { return };
        let line = JournalRecord::line_of(point, results);
        if let Err(e) = file.write_all(line.as_bytes()) {
            if !self.quiet {
                eprintln!(
                    "warning: cannot append to {}: {e}; the run goes on, but could only be resumed from point {point}",
                    self.path.display()
                );
            }
            self.file = None;
        }
    }

    /// The output is written: the journal has served.
    pub fn finish(self) -> Result<(), CliError> {
        drop(self.file);
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(io_error(&self.path, "remove", e))
            }
            _ => Ok(()),
        }
    }
}

/// Holds the journal for this run: a second run resuming it at the same time would
/// interleave their points. Where the file system cannot lock, the run goes on.
fn lock(file: &File, path: &Path) -> Result<(), CliError> {
    match file.try_lock() {
        Err(std::fs::TryLockError::WouldBlock) => Err(CliError::Invalid(format!(
            "{} is in use by another servsim run writing the same output; wait for it to end",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Reads journal `path` (header checked against this run's `header`), replaying each
/// complete record; the byte length of the complete lines and the points they finished,
/// or `None` when not even the header is complete. A last line without its newline is
/// left out (with a note): it is the point being written when the run was killed.
fn read(
    path: &Path,
    header: &JournalHeader,
    plan: &Plan,
    replay: &mut impl FnMut(usize, Vec<(Job, ReplicaResult)>),
) -> Result<Option<(u64, usize)>, CliError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| io_error(path, "read", e))?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut next_line = |line: &mut Vec<u8>| -> Result<bool, CliError> {
        line.clear();
        reader
            .read_until(b'\n', line)
            .map_err(|e| io_error(path, "read", e))?;
        Ok(line.last() == Some(&b'\n'))
    };
    if !next_line(&mut line)? {
        return Ok(None);
    }
    let journal = JournalHeader::parse(&name, &line)?;
    if let Some(why) = header.difference(&journal) {
        return Err(CliError::Invalid(format!(
            "--resume {}: {name} is the journal of another run: {why}; resume with the same scenario and arguments, or delete {name} to start over",
            plan.output.display()
        )));
    }
    let mut valid_len = line.len() as u64;
    let mut done = 0;
    while next_line(&mut line)? {
        let results = JournalRecord::decode(&name, done + 2, &line, plan.study, done, &plan.run)?;
        replay(done, results);
        valid_len += line.len() as u64;
        done += 1;
    }
    if !line.is_empty() {
        note(
            plan.quiet,
            format!(
                "{name}: left out its unfinished last line ({} bytes, the point being written when the run stopped)",
                line.len()
            ),
        );
    }
    Ok(Some((valid_len, done)))
}

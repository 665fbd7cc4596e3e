//! Where bytes go: standard output (a closed pipe ends quietly), `--output` and `--plot`
//! files (written whole through a rename), and warnings on standard error.
//!
//! Deliberately renders nothing: it writes what `report` made.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, CommonArgs};
use crate::experiment::PlatformSummary;
use crate::scenario::Scenario;

impl CommonArgs {
    /// Warnings on standard error for each platform that is unstable, overloaded at the
    /// workload's peak, or completed too few requests to read (`at`: which grid point).
    pub(super) fn warn_unstable(&self, platforms: &[PlatformSummary], at: &str) {
        if self.quiet {
            return;
        }
        let mut stderr = std::io::stderr().lock();
        for p in platforms {
            let name = &p.name;
            // A closed standard error must not turn a warning into a panic.
            if let Some(why) = &p.instability {
                let _ = writeln!(stderr, "warning: {at}platform {name} is unstable: {why}");
            }
            if let Some(peak) = &p.overloaded_at_peak {
                let _ = writeln!(
                    stderr,
                    "warning: {at}platform {name} is overloaded at peak: {peak}"
                );
            }
            if let Some(why) = &p.few_completed {
                let _ = writeln!(stderr, "warning: {at}platform {name}: {why}");
            }
        }
    }
}

/// Writes a drawn plot (or reports why it could not be drawn).
pub(super) fn write_plot(
    path: &Path,
    svg: Result<String, String>,
    c: &CommonArgs,
) -> Result<(), CliError> {
    let svg = svg.map_err(|e| CliError::Other(anyhow::anyhow!("{}: {e}", path.display())))?;
    write_atomically(path, svg.as_bytes())?;
    if !c.quiet {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Writes output to `--output` or standard output.
pub(super) fn emit(text: &str, c: &CommonArgs) -> Result<(), CliError> {
    match &c.output {
        Some(path) => {
            write_atomically(path, text.as_bytes())?;
            if !c.quiet {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        None => write_stdout(text),
    }
}

/// Writes a file through a temporary sibling and a rename, so readers never see half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".servsim-tmp");
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if written.is_err() {
        // Best effort: the error names the file the user asked for, not this sibling.
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(|e| CliError::Other(anyhow::anyhow!("cannot write {}: {e}", path.display())))
}

/// Writes to standard output; a closed pipe (`servsim run | head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(CliError::Other(anyhow::anyhow!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// A warning on standard error for each setting of `scenario` that is valid but serves
/// nothing, named like an error: `FILE: JSON path: why`.
pub(super) fn warn_scenario(scenario: &Scenario, file: &str) {
    warn_scenarios(std::slice::from_ref(scenario), file);
}

/// The settings that are valid but serve badly (`Scenario::warnings`) of a scenario or of
/// each point of a grid: each warning once, naming the grid points it holds at when it
/// does not hold at all of them.
pub(super) fn warn_scenarios(points: &[Scenario], file: &str) {
    let mut seen: Vec<((String, String), Vec<usize>)> = Vec::new();
    for (i, s) in points.iter().enumerate() {
        for w in s.warnings() {
            match seen.iter_mut().find(|(k, _)| *k == w) {
                Some((_, at)) => at.push(i),
                None => seen.push((w, vec![i])),
            }
        }
    }
    let mut stderr = std::io::stderr().lock();
    for ((path, why), at) in seen {
        let at = match at.len() {
            n if n == points.len() => String::new(),
            1 => format!(" (at grid point {})", at[0]),
            _ => {
                let list: Vec<String> = at.iter().map(usize::to_string).collect();
                format!(" (at grid points {})", list.join(", "))
            }
        };
        // A closed standard error must not turn a warning into a panic.
        let _ = writeln!(stderr, "warning: {file}: {path}: {why}{at}");
    }
}

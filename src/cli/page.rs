//! What an HTML page says about where it came from: the command line (without the flags
//! that cannot change the figures, so the page does not depend on them), the scenario file
//! as read, and the latency target.

use std::path::Path;

use super::CliError;
use crate::experiment::SloTargets;
use crate::report::html::{Page, Slo};
use crate::scenario::{DEFAULT_ORIGIN, DEFAULT_SCENARIO, Scenario, read_file};

/// Flags that change where output goes, what else is written or how fast it comes, but
/// not a single figure; the first ones take a value.
const WITH_VALUE: [&str; 4] = ["--threads", "--output", "--resume", "--plot"];
const WITHOUT_VALUE: [&str; 2] = ["--quiet", "--force"];

/// `servsim` and its arguments, shell-quoted, without the flags of `WITH_VALUE` and
/// `WITHOUT_VALUE`.
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    let mut kept = vec!["servsim".to_string()];
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let flag = arg.split_once('=').map_or(arg.as_str(), |(f, _)| f);
        if WITH_VALUE.contains(&flag) {
            if !arg.contains('=') {
                args.next();
            }
        } else if !WITHOUT_VALUE.contains(&flag) {
            kept.push(arg);
        }
    }
    // Only a NUL byte cannot be quoted, and no argument holds one.
    shlex::try_join(kept.iter().map(String::as_str)).unwrap_or_else(|_| kept.join(" "))
}

/// The page of a command on `scenario`, loaded from `path` (or the embedded default),
/// aiming at the `--slo-*` targets `flags`, each over the scenario's `slo` of its kind.
pub fn page(path: Option<&Path>, scenario: &Scenario, flags: SloTargets) -> Result<Page, CliError> {
    let (scenario_file, scenario_text) = match path {
        None => (DEFAULT_ORIGIN.to_string(), DEFAULT_SCENARIO.to_string()),
        Some(p) => {
            let bytes = read_file(p).map_err(|e| CliError::Invalid(e.to_string()))?;
            (
                p.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        }
    };
    Ok(page_of(scenario_file, scenario_text, scenario, flags))
}

/// Where the targets come from, as the page names them.
fn slo_source(flags: SloTargets, scenario: &Scenario) -> Option<Slo> {
    let targets = flags.over(&scenario.slo);
    if !targets.is_set() {
        return None;
    }
    let given: Vec<&str> = [
        ("--slo-p99", flags.latency_p99_s),
        ("--slo-ttft-p99", flags.ttft_p99_s),
        ("--slo-tpot-p99", flags.tpot_p99_s),
    ]
    .iter()
    .filter_map(|(flag, v)| v.map(|_| *flag))
    .collect();
    let from_scenario =
        SloTargets::default().over(&scenario.slo) != SloTargets::default() && targets != flags;
    let source = match (given.is_empty(), from_scenario) {
        (true, _) => "the scenario's slo".to_string(),
        (false, false) => given.join(", "),
        (false, true) => format!("{} and the scenario's slo", given.join(", ")),
    };
    Some(Slo {
        latency_s: targets.latency_p99_s,
        source,
    })
}

/// The page of a command on `scenario`, read from `scenario_file` as `scenario_text`.
pub fn page_of(
    scenario_file: String,
    scenario_text: String,
    scenario: &Scenario,
    flags: SloTargets,
) -> Page {
    let slo = slo_source(flags, scenario);
    let args = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    Page {
        command_line: command_line(args),
        left_out: WITH_VALUE
            .iter()
            .chain(&WITHOUT_VALUE)
            .map(|f| f.to_string())
            .collect(),
        scenario_file,
        scenario_text,
        description: scenario.description.clone(),
        slo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(args: &[&str]) -> String {
        command_line(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn the_command_line_leaves_out_flags_that_change_no_figure() {
        assert_eq!(
            line(&[
                "run",
                "a.json",
                "--threads",
                "4",
                "--format",
                "html",
                "--output=r.html",
                "--quiet"
            ]),
            "servsim run a.json --format html"
        );
        assert_eq!(
            line(&[
                "sweep",
                "s.json",
                "--plot",
                "p.svg",
                "--force",
                "--threads=2",
                "--seeds",
                "3"
            ]),
            "servsim sweep s.json --seeds 3"
        );
    }

    #[test]
    fn the_command_line_quotes_what_a_shell_would_split() {
        assert_eq!(
            line(&["run", "my scenario.json", "--format", "html"]),
            "servsim run 'my scenario.json' --format html"
        );
    }
}

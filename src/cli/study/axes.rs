//! The grid axes of `sweep`: each `--param PATH` with the `--values` or `--range` that
//! follows it, paired by position on the command line, and the parameters they give.
//!
//! Deliberately builds no study: `sweep::Study` applies and validates the values.

use clap::{Arg, ArgAction, ArgMatches, Args};

use super::invalid;
use crate::cli::CliError;
use crate::sweep::{Param, ParamPath, Range, parse_values};

/// `--param PATH` each followed by its `--values a,b,…` or `--range start:end:step`, in
/// command-line order (clap's derive cannot pair repeated flags, so this reads positions).
#[derive(Clone, Debug, Default)]
pub(super) struct Axes(Vec<(String, AxisValues)>);

#[derive(Clone, Debug)]
enum AxisValues {
    List(String),
    Range(String),
}

impl clap::FromArgMatches for Axes {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags: Vec<(usize, &str, String)> = Vec::new();
        for id in ["param", "values", "range"] {
            if let (Some(vals), Some(at)) = (m.get_many::<String>(id), m.indices_of(id)) {
                flags.extend(at.zip(vals).map(|(i, v)| (i, id, v.clone())));
            }
        }
        flags.sort_by_key(|f| f.0);
        let bad = |msg: String| {
            clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, format!("{msg}\n"))
        };
        let mut axes = Vec::new();
        let mut it = flags.into_iter().peekable();
        while let Some((_, id, text)) = it.next() {
            if id != "param" {
                return Err(bad(format!(
                    "--{id} {text} must follow the --param it belongs to"
                )));
            }
            match it.next() {
                Some((_, "values", v)) => axes.push((text, AxisValues::List(v))),
                Some((_, "range", v)) => axes.push((text, AxisValues::Range(v))),
                _ => {
                    return Err(bad(format!(
                        "--param {text} needs --values a,b,… or --range start:end:step right after it"
                    )));
                }
            }
        }
        Ok(Axes(axes))
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl Args for Axes {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.arg(
            Arg::new("param")
                .long("param")
                .value_name("PATH")
                .action(ArgAction::Append)
                .required(true)
                .help("Dotted path into the scenario JSON (workload.rate_profile.windows.0.end_h, platforms[0].min_containers); repeat for a grid"),
        )
        .arg(
            Arg::new("values")
                .long("values")
                .value_name("A,B,…")
                .action(ArgAction::Append)
                .allow_hyphen_values(true)
                .help("Values of the preceding --param (JSON numbers, booleans or strings like 30s)"),
        )
        .arg(
            Arg::new("range")
                .long("range")
                .value_name("START:END:STEP")
                .action(ArgAction::Append)
                .allow_hyphen_values(true)
                .help("Values START + i × STEP up to END of the preceding --param"),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

pub(super) fn params(axes: &Axes) -> Result<Vec<Param>, CliError> {
    axes.0
        .iter()
        .map(|(path, values)| {
            let path = ParamPath::parse(path).map_err(invalid)?;
            let values = match values {
                AxisValues::List(v) => {
                    parse_values(v).map_err(|e| invalid(format!("--values {v}: {e}")))?
                }
                AxisValues::Range(r) => Range::parse(r, None)
                    .and_then(|r| r.values())
                    .map_err(|e| invalid(format!("--range {r}: {e}")))?,
            };
            Ok(Param { path, values })
        })
        .collect()
}

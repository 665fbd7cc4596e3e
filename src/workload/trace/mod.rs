//! Recorded arrivals (docs/semantics.md#arrivals): `csv`, `azure_llm` and `azure_functions_2019` traces,
//! streamed from disk (never loaded whole) and replayed with `time_scale`, `repeat` and
//! `start_s` (docs/semantics.md#arrivals).
//!
//! A trace is read twice: once when the scenario is loaded, a streaming pass that checks
//! every line (so a bad line is an input error before anything runs) and records what
//! the replay needs to know in advance (count, span, mean demand); then lazily by each
//! replica. Deliberately does not resolve paths: `scenario` hands it an absolute or
//! already-resolved one.

mod bins;
mod file;
mod functions;
mod records;
mod stream;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::time::SimDuration;
use crate::workload::service::Demand;
pub use bins::{ArrivalBins, BinCounter};
pub use functions::{FunctionFilter, MINUTES, WithinMinute};
pub use records::RecordFormat;
use records::RecordReader;
pub use stream::TraceStream;

/// A problem with a trace file; every variant names the file, and the line when there is
/// one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
    #[error("{file}:{line}: {message}")]
    Line {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

impl TraceError {
    fn io(path: &Path, e: &std::io::Error) -> TraceError {
        TraceError::Io {
            file: path.display().to_string(),
            message: e.to_string(),
        }
    }

    fn line(path: &Path, line: u64, message: impl Into<String>) -> TraceError {
        TraceError::Line {
            file: path.display().to_string(),
            line,
            message: message.into(),
        }
    }

    fn file(path: &Path, message: impl Into<String>) -> TraceError {
        TraceError::File {
            file: path.display().to_string(),
            message: message.into(),
        }
    }
}

/// A trace format and its options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    Records(RecordFormat),
    AzureFunctions2019 {
        within_minute: WithinMinute,
        filter: FunctionFilter,
    },
}

/// How many times a trace is played.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// This many plays in all (1: once).
    Times(u64),
    /// Until the horizon.
    Forever,
}

/// What the validating pass learnt about a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceSummary {
    /// Requests in one play (for per-minute counts: their sum).
    pub requests: u64,
    /// From the first record to the last (unscaled); a day for per-minute counts.
    pub span: SimDuration,
    /// Mean recorded `service_s`, when records carry one.
    pub mean_service_s: Option<f64>,
    /// Mean recorded (context, output) tokens, for `azure_llm`.
    pub mean_tokens: Option<(f64, f64)>,
    /// The first record with no tokens in a column (line, column), for `azure_llm`: a
    /// `tokens` service cannot serve it.
    pub zero_tokens: Option<(u64, &'static str)>,
    /// Per-minute totals of the matching rows, for `azure_functions_2019`.
    pub minute_totals: Option<Arc<[u64]>>,
    /// Arrivals per bin of one play, unscaled (docs/semantics.md#overloaded-at-peak).
    pub bins: ArrivalBins,
}

/// A validated trace, ready to replay.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceSpec {
    pub path: PathBuf,
    pub format: TraceFormat,
    /// Multiplies times (0.5 replays twice as fast).
    pub time_scale: f64,
    pub repeat: Repeat,
    /// When the first record (or minute 1) arrives.
    pub start: SimDuration,
    pub summary: TraceSummary,
}

impl TraceSpec {
    /// Reads the whole file once, checking every line.
    pub fn summarize(path: &Path, format: &TraceFormat) -> Result<TraceSummary, TraceError> {
        match format {
            TraceFormat::Records(f) => summarize_records(path, *f),
            TraceFormat::AzureFunctions2019 { filter, .. } => {
                let totals = functions::minute_totals(path, filter)?;
                let Some(requests) = totals.iter().try_fold(0u64, |a, &c| a.checked_add(c)) else {
                    return Err(TraceError::file(
                        path,
                        "expected per-minute counts that add up to less than 2^64, found more",
                    ));
                };
                if requests == 0 {
                    return Err(TraceError::file(
                        path,
                        "expected invocations in the rows the filter keeps, found none",
                    ));
                }
                Ok(TraceSummary {
                    requests,
                    span: SimDuration::from_secs(86_400),
                    mean_service_s: None,
                    mean_tokens: None,
                    zero_tokens: None,
                    bins: ArrivalBins {
                        width: SimDuration::from_secs(60),
                        counts: totals.clone(),
                    },
                    minute_totals: Some(totals),
                })
            }
        }
    }

    /// Why the trace cannot be repeated, if it cannot (one record, or all at one instant:
    /// the replay period would be zero).
    pub fn repeat_problem(&self) -> Option<String> {
        let s = &self.summary;
        if s.minute_totals.is_none() && (s.requests < 2 || s.span.0 == 0) {
            return Some(format!(
                "expected a trace that spans some time to repeat, found {} record{} spanning 0 s",
                s.requests,
                if s.requests == 1 { "" } else { "s" }
            ));
        }
        // Plays one period apart: a period that rounds to 0 ns would replay forever at
        // one instant.
        (self.period().0 == 0).then(|| {
            format!(
                "expected a time_scale that leaves a replay period of at least 1 ns to repeat, found time_scale {} (period {} s before scaling)",
                self.time_scale,
                s.span.as_secs_f64()
            )
        })
    }

    /// The shift between two plays, scaled: the span plus the mean inter-arrival time
    /// (docs/semantics.md#arrivals); a day for per-minute counts.
    pub fn period(&self) -> SimDuration {
        let s = &self.summary;
        let unscaled = if s.minute_totals.is_some() || s.requests < 2 {
            s.span.as_secs_f64()
        } else {
            s.span.as_secs_f64() * (1.0 + 1.0 / (s.requests - 1) as f64)
        };
        SimDuration::from_secs_f64(unscaled * self.time_scale)
    }

    /// Requests per second while the trace plays (one play over its period).
    pub fn rate_per_s(&self) -> f64 {
        let period_s = self.period().as_secs_f64();
        if period_s > 0.0 {
            self.summary.requests as f64 / period_s
        } else {
            self.summary.requests as f64
        }
    }

    /// Whether every record brings its own service time.
    pub fn has_service(&self) -> bool {
        self.summary.mean_service_s.is_some()
    }

    /// Whether records bring token counts (priced by an `llm` service).
    pub fn has_tokens(&self) -> bool {
        self.summary.mean_tokens.is_some()
    }
}

fn summarize_records(path: &Path, format: RecordFormat) -> Result<TraceSummary, TraceError> {
    let mut reader = RecordReader::open(path, format)?;
    let (mut n, mut last) = (0u64, SimDuration::ZERO);
    let (mut service_s, mut context, mut output) = (0.0, 0.0, 0.0);
    let mut zero_tokens = None;
    let mut bins = BinCounter::default();
    while let Some(r) = reader.next_record()? {
        n += 1;
        last = r.offset;
        bins.add(r.offset);
        match r.demand {
            Demand::Service(d) => service_s += d.as_secs_f64(),
            Demand::Tokens {
                context: c,
                output: o,
            } => {
                context += c as f64;
                output += o as f64;
                if zero_tokens.is_none() && (c == 0 || o == 0) {
                    let column = if c == 0 {
                        "ContextTokens"
                    } else {
                        "GeneratedTokens"
                    };
                    zero_tokens = Some((r.line, column));
                }
            }
            Demand::Draw => {}
        }
    }
    if n == 0 {
        return Err(TraceError::file(
            path,
            "expected at least one record after the header, found none",
        ));
    }
    let per = |x: f64| x / n as f64;
    Ok(TraceSummary {
        requests: n,
        span: last,
        mean_service_s: reader.has_service().then(|| per(service_s)),
        mean_tokens: (format == RecordFormat::AzureLlm).then(|| (per(context), per(output))),
        zero_tokens,
        minute_totals: None,
        bins: bins.finish(),
    })
}

//! Reading `csv` and `azure_llm` traces record by record through a buffered CSV reader,
//! reusing one record buffer, so that replaying a trace allocates nothing per request.
//! The same reader serves the validating pass at load time and every replay, so a run
//! replays exactly what was checked.

use std::path::Path;

use chrono::NaiveDateTime;
use csv::ByteRecord;

use super::TraceError;
use super::file::{TraceFile, csv_error, open_csv};
use crate::time::SimDuration;
use crate::workload::service::Demand;

/// The two per-request formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFormat {
    /// `timestamp_s[,service_s]`.
    Csv,
    /// `TIMESTAMP,ContextTokens,GeneratedTokens`.
    AzureLlm,
}

const AZURE_TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f";

/// Where each field sits, from the header.
#[derive(Clone, Copy, Debug)]
enum Layout {
    Csv {
        time: usize,
        service: Option<usize>,
    },
    AzureLlm {
        time: usize,
        context: usize,
        output: usize,
    },
}

impl Layout {
    fn width(&self) -> usize {
        match self {
            Layout::Csv { service, .. } => 1 + service.is_some() as usize,
            Layout::AzureLlm { .. } => 3,
        }
    }

    fn of(format: RecordFormat, header: &ByteRecord) -> Result<Layout, String> {
        let names: Vec<&[u8]> = header.iter().collect();
        let find = |name: &str| names.iter().position(|n| *n == name.as_bytes());
        let (expected, layout) = match format {
            RecordFormat::Csv => (
                "timestamp_s and optionally service_s",
                find("timestamp_s").map(|time| Layout::Csv {
                    time,
                    service: find("service_s"),
                }),
            ),
            RecordFormat::AzureLlm => (
                "TIMESTAMP, ContextTokens and GeneratedTokens",
                match (
                    find("TIMESTAMP"),
                    find("ContextTokens"),
                    find("GeneratedTokens"),
                ) {
                    (Some(time), Some(context), Some(output)) => Some(Layout::AzureLlm {
                        time,
                        context,
                        output,
                    }),
                    _ => None,
                },
            ),
        };
        match layout {
            Some(l) if l.width() == names.len() => Ok(l),
            _ => {
                let found = names
                    .iter()
                    .map(|n| String::from_utf8_lossy(n))
                    .collect::<Vec<_>>()
                    .join(",");
                // A binary file's "header" can be kilobytes of garbage: show its start.
                let shown: String = found.chars().take(60).collect();
                let more = if shown.len() < found.len() { "…" } else { "" };
                Err(format!(
                    "expected a header with the columns {expected}, found \"{shown}{more}\""
                ))
            }
        }
    }
}

/// A timestamp as recorded: seconds (csv) or nanoseconds since 1970 (azure_llm).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
enum Clock {
    Seconds(f64),
    Nanos(i64),
}

impl Clock {
    fn since(self, first: Clock) -> SimDuration {
        match (self, first) {
            (Clock::Nanos(t), Clock::Nanos(f)) => SimDuration(t.abs_diff(f)),
            (Clock::Seconds(t), Clock::Seconds(f)) => SimDuration::from_secs_f64(t - f),
            _ => unreachable!("one trace has one clock"),
        }
    }
}

impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Clock::Seconds(s) => write!(f, "{s}"),
            Clock::Nanos(ns) => {
                let t = chrono::DateTime::from_timestamp_nanos(*ns).naive_utc();
                write!(f, "{}", t.format(AZURE_TIME_FORMAT))
            }
        }
    }
}

/// One parsed record: its offset from the first record and what it needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record {
    pub line: u64,
    pub offset: SimDuration,
    pub demand: Demand,
}

/// A trace file being read, header checked.
pub struct RecordReader {
    path: std::path::PathBuf,
    reader: csv::Reader<TraceFile>,
    record: ByteRecord,
    layout: Layout,
    first: Option<Clock>,
    previous: Option<(Clock, u64)>,
}

impl RecordReader {
    pub fn open(path: &Path, format: RecordFormat) -> Result<RecordReader, TraceError> {
        let (reader, header) = open_csv(path)?;
        let layout = Layout::of(format, &header).map_err(|m| TraceError::line(path, 1, m))?;
        Ok(RecordReader {
            path: path.to_path_buf(),
            reader,
            record: ByteRecord::new(),
            layout,
            first: None,
            previous: None,
        })
    }

    /// Whether records carry their own service time (`service_s`).
    pub fn has_service(&self) -> bool {
        matches!(
            self.layout,
            Layout::Csv {
                service: Some(_),
                ..
            }
        )
    }

    /// The next record, or `None` at the end of the file.
    #[inline]
    pub fn next_record(&mut self) -> Result<Option<Record>, TraceError> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| csv_error(&self.path, e))?;
        if !more {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let (clock, demand) = self
            .parse(line)
            .map_err(|m| TraceError::line(&self.path, line, m))?;
        let first = *self.first.get_or_insert(clock);
        Ok(Some(Record {
            line,
            offset: clock.since(first),
            demand,
        }))
    }

    fn parse(&mut self, line: u64) -> Result<(Clock, Demand), String> {
        let (clock, demand) = self.fields()?;
        if let Some((prev, prev_line)) = self.previous
            && clock < prev
        {
            return Err(format!(
                "expected timestamps in non-decreasing order, found {clock} after {prev} (line {prev_line})"
            ));
        }
        self.previous = Some((clock, line));
        Ok((clock, demand))
    }

    /// The current record's time and demand.
    fn fields(&self) -> Result<(Clock, Demand), String> {
        let width = self.layout.width();
        if self.record.len() != width {
            return Err(format!(
                "expected {width} fields, found {}",
                self.record.len()
            ));
        }
        let field = |i: usize| std::str::from_utf8(&self.record[i]).unwrap_or("<not UTF-8>");
        Ok(match self.layout {
            Layout::Csv { time, service } => {
                let t = seconds(field(time), "timestamp_s", f64::MIN)?;
                let demand = match service {
                    Some(i) => {
                        let s = seconds(field(i), "service_s", 0.0)?;
                        Demand::Service(SimDuration::from_secs_f64(s))
                    }
                    None => Demand::Draw,
                };
                (Clock::Seconds(t), demand)
            }
            Layout::AzureLlm {
                time,
                context,
                output,
            } => {
                let t = azure_time(field(time))?;
                let demand = Demand::Tokens {
                    context: tokens(field(context), "ContextTokens")?,
                    output: tokens(field(output), "GeneratedTokens")?,
                };
                (Clock::Nanos(t), demand)
            }
        })
    }
}

fn seconds(s: &str, column: &str, min: f64) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= min => Ok(x),
        _ if min == 0.0 => Err(format!(
            "expected seconds ≥ 0 in column {column}, found \"{s}\""
        )),
        _ => Err(format!(
            "expected a number of seconds in column {column}, found \"{s}\""
        )),
    }
}

fn tokens(s: &str, column: &str) -> Result<u32, String> {
    s.parse::<u32>().map_err(|_| {
        format!("expected a whole number of tokens ≥ 0 in column {column}, found \"{s}\"")
    })
}

/// `2023-11-16 18:15:46.6805900` → nanoseconds since 1970 (UTC; the zone is irrelevant,
/// only differences are used).
fn azure_time(s: &str) -> Result<i64, String> {
    fixed_layout_time(s)
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, AZURE_TIME_FORMAT)
                .ok()
                .and_then(|t| t.and_utc().timestamp_nanos_opt())
        })
        .ok_or_else(|| {
            format!("expected a timestamp like 2023-11-16 18:15:46.6805900 in column TIMESTAMP, found \"{s}\"")
        })
}

/// The layout every Azure trace uses, read by position: interpreting the format string
/// for each of millions of records was most of a replay's cost. The calendar checks stay
/// chrono's; anything else falls back to the general parser.
fn fixed_layout_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let punctuation = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if b.len() < 19 || punctuation.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let digits = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + (c - b'0') as u32)
        })
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            digits(20, b.len())? * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    let date =
        chrono::NaiveDate::from_ymd_opt(digits(0, 4)? as i32, digits(5, 7)?, digits(8, 10)?)?;
    let time = chrono::NaiveTime::from_hms_nano_opt(
        digits(11, 13)?,
        digits(14, 16)?,
        digits(17, 19)?,
        nanos,
    )?;
    NaiveDateTime::new(date, time)
        .and_utc()
        .timestamp_nanos_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_timestamps_parse_to_exact_nanoseconds() {
        let a = azure_time("2023-11-16 18:15:46.6805900").unwrap();
        let b = azure_time("2023-11-16 19:14:08.4025270").unwrap();
        assert_eq!(b - a, 3_501_721_937_000);
        assert_eq!(azure_time("2023-11-16 18:15:46").unwrap(), a - 680_590_000);
        for bad in [
            "2023-11-16",
            "2023-13-01 00:00:00",
            "18:15:46.68",
            "2023-02-30 01:00:00",
            "",
        ] {
            assert!(azure_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn clocks_print_as_they_were_written() {
        let t = azure_time("2023-11-16 18:15:46.6805900").unwrap();
        assert_eq!(Clock::Nanos(t).to_string(), "2023-11-16 18:15:46.680590");
        assert_eq!(Clock::Seconds(2.5).to_string(), "2.5");
    }
}

//! The Azure Functions 2019 trace (`invocations_per_function_md.anon.dNN.csv`): one row
//! per function, `HashOwner,HashApp,HashFunction,Trigger,1..1440` invocation counts per
//! minute of the day. Rows are functions, not times, so the validating pass sums the
//! matching rows into 1440 per-minute totals (O(1440) memory, the file is streamed once)
//! and replays spread each minute's count within the minute.

use std::path::Path;
use std::sync::Arc;

use csv::ByteRecord;
use rand_distr::{Distribution, Exp1};

use super::TraceError;
use super::file::{csv_error, open_csv};
use crate::random::SimRng;
use crate::workload::dist::unit;

pub const MINUTES: usize = 1440;
const KEYS: [&str; 4] = ["HashOwner", "HashApp", "HashFunction", "Trigger"];

/// How a minute's invocations are placed within it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithinMinute {
    /// The minute's count at independent uniform instants (a Poisson process conditioned
    /// on the recorded count): the count is kept exactly.
    Uniform,
    /// A Poisson process at the minute's count per minute: the count is only the mean.
    Poisson,
    /// Evenly spaced from the minute's start (timer-like).
    Equidistant,
}

/// Which rows are replayed: every given field must match (absent fields match all).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionFilter {
    pub owner: Option<String>,
    pub app: Option<String>,
    pub function: Option<String>,
    pub trigger: Option<String>,
}

impl FunctionFilter {
    fn matches(&self, row: &ByteRecord) -> bool {
        [&self.owner, &self.app, &self.function, &self.trigger]
            .iter()
            .enumerate()
            .all(|(i, want)| want.as_ref().is_none_or(|w| w.as_bytes() == &row[i]))
    }
}

/// Sums the per-minute counts of the rows that match `filter`, checking every line.
pub fn minute_totals(path: &Path, filter: &FunctionFilter) -> Result<Arc<[u64]>, TraceError> {
    let (mut reader, mut row) = open_csv(path)?;
    check_header(&row).map_err(|m| TraceError::line(path, 1, m))?;
    let mut totals = vec![0u64; MINUTES];
    while reader
        .read_byte_record(&mut row)
        .map_err(|e| csv_error(path, e))?
    {
        let line = row.position().map_or(0, |p| p.line());
        add_row(&row, filter, &mut totals).map_err(|m| TraceError::line(path, line, m))?;
    }
    Ok(totals.into())
}

fn check_header(row: &ByteRecord) -> Result<(), String> {
    let ok = row.len() == KEYS.len() + MINUTES
        && KEYS.iter().zip(row.iter()).all(|(k, f)| k.as_bytes() == f)
        && (1..=MINUTES)
            .zip(row.iter().skip(KEYS.len()))
            .all(|(m, f)| m.to_string().as_bytes() == f);
    if ok {
        return Ok(());
    }
    let shown: Vec<String> = row
        .iter()
        .take(6)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    Err(format!(
        "expected the header HashOwner,HashApp,HashFunction,Trigger,1,2,…,1440, found \"{}{}\" ({} columns)",
        shown.join(","),
        if row.len() > 6 { ",…" } else { "" },
        row.len()
    ))
}

fn add_row(row: &ByteRecord, filter: &FunctionFilter, totals: &mut [u64]) -> Result<(), String> {
    if row.len() != KEYS.len() + MINUTES {
        return Err(format!(
            "expected {} fields, found {}",
            KEYS.len() + MINUTES,
            row.len()
        ));
    }
    let keep = filter.matches(row);
    for (minute, field) in row.iter().skip(KEYS.len()).enumerate() {
        let count = std::str::from_utf8(field)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| {
                format!(
                    "expected a whole number ≥ 0 of invocations in column {}, found \"{}\"",
                    minute + 1,
                    String::from_utf8_lossy(field)
                )
            })?;
        if keep {
            totals[minute] = totals[minute].saturating_add(count);
        }
    }
    Ok(())
}

/// Spreads per-minute counts over a day; seconds from the day's start.
pub struct MinuteSpreader {
    totals: Arc<[u64]>,
    mode: WithinMinute,
    minute: usize,
    /// Arrivals of this minute already placed.
    placed: u64,
    /// Position within the minute: a fraction (uniform) or seconds (Poisson).
    position: f64,
}

impl MinuteSpreader {
    pub fn new(totals: Arc<[u64]>, mode: WithinMinute) -> MinuteSpreader {
        MinuteSpreader {
            totals,
            mode,
            minute: 0,
            placed: 0,
            position: 0.0,
        }
    }

    /// The next instant of the day, or `None` after its last minute.
    #[inline]
    pub fn next_s(&mut self, rng: &mut SimRng) -> Option<f64> {
        loop {
            let count = *self.totals.get(self.minute)?;
            let start = self.minute as f64 * 60.0;
            if let Some(x) = self.within(count, rng) {
                return Some(start + x);
            }
            self.minute += 1;
            self.placed = 0;
            self.position = 0.0;
        }
    }

    /// The next offset within the current minute, if it has one more.
    fn within(&mut self, count: u64, rng: &mut SimRng) -> Option<f64> {
        match self.mode {
            WithinMinute::Uniform | WithinMinute::Equidistant if self.placed >= count => None,
            WithinMinute::Equidistant => {
                self.placed += 1;
                Some(60.0 * (self.placed - 1) as f64 / count as f64)
            }
            WithinMinute::Uniform => {
                // The smallest of the k uniforms still to place, above the last one:
                // sorted uniforms one at a time, without storing them.
                let k = (count - self.placed) as f64;
                let v = 1.0 - unit(rng); // in (0, 1]
                self.position += (1.0 - self.position) * (1.0 - v.powf(1.0 / k));
                self.placed += 1;
                Some(60.0 * self.position)
            }
            WithinMinute::Poisson if count == 0 => None,
            WithinMinute::Poisson => {
                let e: f64 = Exp1.sample(rng);
                self.position += e * 60.0 / count as f64;
                (self.position < 60.0).then_some(self.position)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Stream, stream_rng};

    fn day(counts: &[(usize, u64)]) -> Arc<[u64]> {
        let mut v = vec![0u64; MINUTES];
        for (m, c) in counts {
            v[*m] = *c;
        }
        v.into()
    }

    fn spread(totals: Arc<[u64]>, mode: WithinMinute, seed: u64) -> Vec<f64> {
        let mut rng = stream_rng(seed, 0, Stream::Arrivals, 0);
        let mut s = MinuteSpreader::new(totals, mode);
        std::iter::from_fn(|| s.next_s(&mut rng)).collect()
    }

    #[test]
    fn uniform_keeps_every_minute_count_and_sorts_within_it() {
        let ts = spread(
            day(&[(0, 3), (2, 1000), (1439, 2)]),
            WithinMinute::Uniform,
            1,
        );
        assert_eq!(ts.len(), 1005);
        assert!(ts.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(
            ts.iter().filter(|t| (120.0..180.0).contains(*t)).count(),
            1000
        );
        assert!(ts[1003] >= 1439.0 * 60.0 && ts[1004] < 86_400.0);
        // 1000 uniform instants in [120, 180): mean 150, sd of the mean 17.3/sqrt(1000).
        let mean = ts[3..1003].iter().sum::<f64>() / 1000.0;
        assert!((mean - 150.0).abs() < 4.0 * 0.55, "mean {mean}");
    }

    #[test]
    fn equidistant_spaces_the_minute_evenly() {
        let ts = spread(day(&[(1, 4)]), WithinMinute::Equidistant, 1);
        assert_eq!(ts, vec![60.0, 75.0, 90.0, 105.0]);
    }

    #[test]
    fn poisson_takes_the_count_as_the_mean() {
        let totals = day(&(0..MINUTES).map(|m| (m, 100)).collect::<Vec<_>>());
        let ts = spread(totals, WithinMinute::Poisson, 3);
        // 144,000 expected, Poisson sd 379.
        assert!(
            (ts.len() as f64 - 144_000.0).abs() < 4.0 * 379.5,
            "{}",
            ts.len()
        );
        let per_minute = |m: usize| ts.iter().filter(|t| (**t / 60.0) as usize == m).count();
        assert!(
            (0..5).any(|m| per_minute(m) != 100),
            "counts vary under poisson"
        );
    }
}

//! Replaying a validated trace: plays follow each other one period apart, each reading
//! the file afresh (or spreading the per-minute totals), with times scaled and shifted.

use super::functions::MinuteSpreader;
use super::records::RecordReader;
use super::{Repeat, TraceError, TraceFormat, TraceSpec};
use crate::random::SimRng;
use crate::time::{SimDuration, SimTime};
use crate::workload::service::Demand;

enum Play {
    /// Not opened yet (opening happens on the first pull, so creating a stream cannot fail).
    Pending,
    Records(RecordReader),
    Minutes(MinuteSpreader),
}

/// The running replay of one trace.
pub struct TraceStream {
    spec: TraceSpec,
    period: SimDuration,
    /// Index of the current play.
    play: u64,
    state: Play,
}

impl TraceStream {
    pub fn new(spec: TraceSpec) -> TraceStream {
        TraceStream {
            period: spec.period(),
            spec,
            play: 0,
            state: Play::Pending,
        }
    }

    /// The next arrival instant and what it needs, `Ok(None)` after the last play.
    #[inline]
    pub fn next_arrival(
        &mut self,
        rng: &mut SimRng,
    ) -> Result<Option<(SimTime, Demand)>, TraceError> {
        loop {
            if let Some((offset, demand)) = self.next_in_play(rng)? {
                let at = self
                    .period
                    .0
                    .checked_mul(self.play)
                    .and_then(|shift| shift.checked_add(self.spec.start.0))
                    .and_then(|t| t.checked_add(offset.0));
                return Ok(at.map(|t| (SimTime(t), demand)));
            }
            self.play += 1;
            let more = match self.spec.repeat {
                Repeat::Times(n) => self.play < n,
                Repeat::Forever => true,
            };
            if !more {
                return Ok(None);
            }
            self.state = Play::Pending;
        }
    }

    /// The next scaled offset within the current play.
    fn next_in_play(
        &mut self,
        rng: &mut SimRng,
    ) -> Result<Option<(SimDuration, Demand)>, TraceError> {
        if let Play::Pending = self.state {
            self.state = match &self.spec.format {
                TraceFormat::Records(f) => Play::Records(RecordReader::open(&self.spec.path, *f)?),
                TraceFormat::AzureFunctions2019 { within_minute, .. } => {
                    let totals = self
                        .spec
                        .summary
                        .minute_totals
                        .clone()
                        .expect("validated per-minute totals");
                    Play::Minutes(MinuteSpreader::new(totals, *within_minute))
                }
            };
        }
        let scale = self.spec.time_scale;
        Ok(match &mut self.state {
            Play::Records(r) => r.next_record()?.map(|rec| {
                let offset = if scale == 1.0 {
                    rec.offset
                } else {
                    SimDuration::from_secs_f64(rec.offset.as_secs_f64() * scale)
                };
                (offset, rec.demand)
            }),
            Play::Minutes(m) => m
                .next_s(rng)
                .map(|s| (SimDuration::from_secs_f64(s * scale), Demand::Draw)),
            Play::Pending => unreachable!("opened above"),
        })
    }
}

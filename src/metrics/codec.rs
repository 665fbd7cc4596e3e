//! The portable form of a `DurationHistogram`: HdrHistogram's V2 encoding (lossless) in
//! base64, beside the exact nanosecond sum. Shards carry histograms this way so that
//! merging them gives the same percentiles as an unsharded run.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};

use super::DurationHistogram;

/// What a histogram looks like inside a shard file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HistogramRecord {
    /// Exact sum of the recorded durations, in nanoseconds, as a decimal string (u128).
    sum_ns: String,
    /// HdrHistogram V2 encoding of the microsecond counts, base64.
    hdr_v2: String,
}

impl From<DurationHistogram> for HistogramRecord {
    fn from(mut h: DurationHistogram) -> HistogramRecord {
        h.flush();
        let mut bytes = Vec::new();
        V2Serializer::new()
            .serialize(&h.hist, &mut bytes)
            .expect("V2 encoding into memory cannot fail for a u64 histogram");
        HistogramRecord {
            sum_ns: h.sum_ns.to_string(),
            hdr_v2: STANDARD.encode(bytes),
        }
    }
}

impl TryFrom<HistogramRecord> for DurationHistogram {
    type Error = String;

    fn try_from(r: HistogramRecord) -> Result<DurationHistogram, String> {
        let sum_ns = r.sum_ns.parse::<u128>().map_err(|_| {
            format!(
                "expected a whole number of nanoseconds, found {:?}",
                r.sum_ns
            )
        })?;
        let bytes = STANDARD
            .decode(r.hdr_v2.as_bytes())
            .map_err(|e| format!("expected base64 HdrHistogram V2 data: {e}"))?;
        let mut hist = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|e| format!("expected an HdrHistogram V2 encoding: {e:?}"))?;
        hist.auto(true);
        Ok(DurationHistogram::from_parts(hist, sum_ns))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    #[test]
    fn a_histogram_survives_the_round_trip_exactly() {
        let mut h = DurationHistogram::default();
        for i in 1..5_000u64 {
            h.record(SimDuration(i * i * 7_919));
        }
        h.record(SimDuration(7_200 * 1_000_000_000)); // beyond the initial hour: resized
        h.flush();
        let json = serde_json::to_string(&h).unwrap();
        let back: DurationHistogram = serde_json::from_str(&json).unwrap();
        assert_eq!(back.sum_ns, h.sum_ns);
        assert_eq!(back.hist, h.hist);
        for q in [0.0, 0.5, 0.99, 0.999, 1.0] {
            assert_eq!(back.quantile_s(q), h.quantile_s(q));
        }
        assert_eq!(back.max_s(), h.max_s());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let bad = r#"{"sum_ns": "12", "hdr_v2": "bm90IGEgaGlzdG9ncmFt"}"#;
        assert!(serde_json::from_str::<DurationHistogram>(bad).is_err());
        let bad = r#"{"sum_ns": "x", "hdr_v2": ""}"#;
        assert!(serde_json::from_str::<DurationHistogram>(bad).is_err());
    }
}

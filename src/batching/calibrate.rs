//! Fits the four step-time coefficients to measurements of a real server by non-negative
//! least squares (docs/semantics.md#continuous-batching).
//!
//! Knows nothing of files or printing: it takes `Measurements` and returns the fit with its
//! error per row. Each row is one closed-loop benchmark run: `concurrency` clients, each
//! sending its next request (`context_tokens` in, `output_tokens` out) when the last one
//! completes, as `vllm bench serve --max-concurrency C` does. In the steady state of such a
//! run (`benchmark` reproduces it on the engine) each client cycles through one prefill step
//! and `output − 1` decode steps, the clients spread evenly over the cycle's phases, so a
//! row implies two mean step times that are linear in the coefficients (`features`): its
//! TTFT and its TPOT, each fitted where the row gives it. The fit minimises their relative
//! errors, so that fast TPOT rows weigh as much as slow TTFT rows.

use super::StepTimeSecs;
use super::measurements::{CalibrationError, Measurement, Measurements};
use super::nnls::{dot, full_rank, nnls};

/// The fitted coefficients and how well they reproduce each row.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub step_time: StepTimeSecs,
    pub rows: Vec<RowFit>,
    /// Root-mean-square relative error over every fitted step time.
    pub rms_relative_error: f64,
    /// Whether the rows determine all four coefficients; when not, other coefficients fit
    /// them as well (vary concurrency, context and output lengths across rows).
    pub determined: bool,
}

/// How some coefficients reproduce one row: the predicted TTFT and TPOT, and their errors
/// relative to the measurements the row gives (`None` where it gives none; TPOT is `None`
/// for one output token).
#[derive(Clone, Debug, PartialEq)]
pub struct RowFit {
    pub line: u64,
    pub ttft_s: f64,
    pub ttft_relative_error: Option<f64>,
    pub tpot_s: Option<f64>,
    pub tpot_relative_error: Option<f64>,
}

/// Fits `base_s, per_prefill_token_s, per_decode_seq_s, per_kv_token_s` to `csv_text`.
pub fn calibrate(csv_text: &str) -> Result<Fit, CalibrationError> {
    Measurements::parse(csv_text)?.fit()
}

impl Measurements {
    /// The non-negative least-squares fit of the four coefficients.
    pub fn fit(&self) -> Result<Fit, CalibrationError> {
        let (mut a, mut y) = (Vec::new(), Vec::new());
        for r in &self.rows {
            let (ttft, tpot) = features(r);
            let measured = [(Some(ttft), r.ttft_s), (tpot, r.tpot_s)];
            for (f, m) in measured {
                if let (Some(f), Some(m)) = (f, m) {
                    a.push(f.map(|v| v / m));
                    y.push(1.0);
                }
            }
        }
        if a.len() < 4 {
            return Err(CalibrationError::TooFew { equations: a.len() });
        }
        let x = nnls(&a, &y);
        let step_time = StepTimeSecs {
            base_s: x[0],
            per_prefill_token_s: x[1],
            per_decode_seq_s: x[2],
            per_kv_token_s: x[3],
        };
        let (rows, rms_relative_error) = self.evaluate(&step_time);
        Ok(Fit {
            step_time,
            rows,
            rms_relative_error,
            determined: full_rank(&a),
        })
    }

    /// What `step_time` predicts for each row, and the root-mean-square relative error
    /// over every step time.
    pub fn evaluate(&self, step_time: &StepTimeSecs) -> (Vec<RowFit>, f64) {
        let x = [
            step_time.base_s,
            step_time.per_prefill_token_s,
            step_time.per_decode_seq_s,
            step_time.per_kv_token_s,
        ];
        let rows: Vec<RowFit> = self
            .rows
            .iter()
            .map(|r| {
                let (ttft, tpot) = features(r);
                let (ttft_s, tpot_s) = (dot(&ttft, &x), tpot.map(|f| dot(&f, &x)));
                RowFit {
                    line: r.line,
                    ttft_s,
                    ttft_relative_error: r.ttft_s.map(|m| ttft_s / m - 1.0),
                    tpot_s,
                    tpot_relative_error: tpot_s.zip(r.tpot_s).map(|(t, m)| t / m - 1.0),
                }
            })
            .collect();
        let errs: Vec<f64> = rows
            .iter()
            .flat_map(|f| {
                f.ttft_relative_error
                    .into_iter()
                    .chain(f.tpot_relative_error)
            })
            .collect();
        let rms = (errs.iter().map(|e| e * e).sum::<f64>() / errs.len().max(1) as f64).sqrt();
        (rows, rms)
    }
}

/// Multipliers of (base, per prefill token, per decoding sequence, per KV token) in the
/// row's mean TTFT step and mean TPOT step.
///
/// C clients share the `out` phases of a cycle as evenly as possible; y = C − 1 − z of the
/// others are in a phase different from a given client's (z: the mean number sharing it,
/// 0 when C ≤ out). For two clients in different phases, their offsets from each other add
/// up to `out`, so across clients the mean offset of the others is out·y/2 in total.
/// - TTFT step: the client's prompt and the z that share its phase prefill (P = ctx·(C −
///   y)); the y others decode (D = y) at KV ctx + their offset (K = C·ctx + out·y/2).
/// - TPOT, over the client's `out − 1` decode steps: each of the y others prefills exactly
///   once in them, decodes in the rest, and its KV runs over every offset but the one it had
///   at the client's TTFT step; the z in phase decode throughout. Per step: P =
///   y·ctx/(out − 1), D = C − y/(out − 1), K = C·(ctx + out/2) − out·y / (2(out − 1)).
fn features(r: &Measurement) -> ([f64; 4], Option<[f64; 4]>) {
    let (c, ctx, out) = (
        r.concurrency as f64,
        r.context_tokens as f64,
        r.output_tokens as f64,
    );
    let y = c - 1.0 - sharing_phase(r.concurrency, r.output_tokens);
    let ttft = [1.0, ctx * (c - y), y, c * ctx + out * y / 2.0];
    let tpot = (r.output_tokens > 1).then(|| {
        let w = out - 1.0;
        [
            1.0,
            y * ctx / w,
            c - y / w,
            c * (ctx + out / 2.0) - out * y / (2.0 * w),
        ]
    });
    (ttft, tpot)
}

/// The mean number of other clients in a client's phase when `c` clients spread as evenly
/// as possible over `out` phases: Σ over phases of n(n − 1), over c.
fn sharing_phase(c: u64, out: u64) -> f64 {
    let (q, r) = (c / out, c % out);
    let pairs = r * (q + 1) * q + (out - r) * q * q.saturating_sub(1);
    pairs as f64 / c as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUE: StepTimeSecs = StepTimeSecs {
        base_s: 0.005,
        per_prefill_token_s: 3.2e-5,
        per_decode_seq_s: 6.0e-5,
        per_kv_token_s: 2.4e-8,
    };

    /// The row a server with the `TRUE` coefficients would measure.
    fn row(c: u64, ctx: u64, out: u64) -> String {
        let r = Measurement {
            line: 0,
            concurrency: c,
            context_tokens: ctx,
            output_tokens: out,
            ttft_s: Some(1.0),
            tpot_s: Some(1.0),
        };
        let x = [
            TRUE.base_s,
            TRUE.per_prefill_token_s,
            TRUE.per_decode_seq_s,
            TRUE.per_kv_token_s,
        ];
        let (ttft, tpot) = features(&r);
        format!(
            "{c},{ctx},{out},{},{}\n",
            dot(&ttft, &x),
            dot(&tpot.unwrap(), &x)
        )
    }

    #[test]
    fn fitting_rows_priced_by_the_model_recovers_the_coefficients() {
        let mut csv = String::from("concurrency,context_tokens,output_tokens,ttft_s,tpot_s\n");
        for (c, ctx, out) in [
            (1, 128, 128),
            (8, 1024, 256),
            (32, 512, 512),
            (64, 2048, 128),
            (128, 256, 1024),
        ] {
            csv += &row(c, ctx, out);
        }
        let fit = calibrate(&csv).unwrap();
        let close = |a: f64, b: f64| ((a - b) / b).abs() < 1e-9;
        let s = fit.step_time;
        assert!(close(s.base_s, TRUE.base_s), "{s:?}");
        assert!(close(s.per_prefill_token_s, TRUE.per_prefill_token_s));
        assert!(close(s.per_decode_seq_s, TRUE.per_decode_seq_s));
        assert!(close(s.per_kv_token_s, TRUE.per_kv_token_s));
        assert!(fit.rms_relative_error < 1e-9);
        assert!(fit.determined);
        assert_eq!(
            fit.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 4, 5, 6]
        );
    }

    #[test]
    fn one_client_prefills_alone_then_decodes_alone() {
        let r = Measurement {
            line: 2,
            concurrency: 1,
            context_tokens: 100,
            output_tokens: 11,
            ttft_s: Some(1.0),
            tpot_s: Some(1.0),
        };
        // KV after the decode steps: 101 … 110, mean 105.5 = ctx + out/2.
        assert_eq!(
            features(&r),
            ([1.0, 100.0, 0.0, 100.0], Some([1.0, 0.0, 1.0, 105.5]))
        );
    }

    #[test]
    fn clients_beyond_the_cycle_length_share_phases_evenly() {
        // 5 clients over 2 phases: 3 and 2, Σ n(n − 1) = 6 + 2 = 8, mean 8/5.
        assert_eq!(sharing_phase(5, 2), 1.6);
        assert_eq!(sharing_phase(4, 8), 0.0);
        assert_eq!(sharing_phase(3, 1), 2.0);
    }

    #[test]
    fn rows_at_one_concurrency_and_length_do_not_determine_the_fit() {
        let csv = "concurrency,context_tokens,output_tokens,ttft_s,tpot_s\n\
                   4,128,64,0.01,0.005\n4,128,64,0.011,0.0052\n4,128,64,0.0105,0.0051\n";
        let fit = calibrate(csv).unwrap();
        assert!(!fit.determined);
    }

    #[test]
    fn the_example_file_fits_its_known_configuration_within_its_noise() {
        // docs/calibration-example.csv: H100 × llama-3.1-8b roofline, bench_serve runs of the
        // guide's protocol, means jittered by up to ±2%. The concurrency-1 runs pin base and
        // prefill; decode and KV share the TPOT steps, so the noise moves them more.
        let fit = calibrate(include_str!("../../docs/calibration-example.csv")).unwrap();
        let d = crate::batching::EngineConfig::from_catalog(
            "H100",
            "llama-3.1-8b",
            1,
            &crate::batching::EngineParams::default(),
            8_192,
            256,
        )
        .unwrap();
        let (want, s) = (d.step_time.as_secs(), fit.step_time);
        let off = |g: f64, w: f64| (g / w - 1.0).abs();
        assert!(fit.determined && fit.rms_relative_error < 0.02, "{fit:?}");
        assert!(off(s.base_s, want.base_s) < 0.02, "{s:?}");
        assert!(
            off(s.per_prefill_token_s, want.per_prefill_token_s) < 0.02,
            "{s:?}"
        );
        assert!(
            off(s.per_decode_seq_s, want.per_decode_seq_s) < 0.15,
            "{s:?}"
        );
        assert!(off(s.per_kv_token_s, want.per_kv_token_s) < 0.1, "{s:?}");
    }

    #[test]
    fn too_few_step_times_is_an_error_naming_the_count() {
        let csv = "concurrency,context_tokens,output_tokens,ttft_s,tpot_s\n1,128,128,0.05,0.01\n\
                   8,128,512,,0.009\n";
        assert_eq!(
            calibrate(csv).unwrap_err().to_string(),
            "too few rows: they give 3 step times (each row its ttft_s and its tpot_s, where \
             given); at least 4 are needed to fit 4 coefficients"
        );
    }
}

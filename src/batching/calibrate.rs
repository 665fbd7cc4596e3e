//! Fits the four step-time coefficients to measurements of a real server by non-negative
//! least squares (docs/semantics.md#continuous-batching).
//!
//! Knows nothing of files or printing: it takes CSV text and returns the fit with its error
//! per row. Each row (one benchmark run at a fixed concurrency) implies two steady-state
//! steps: the TTFT step prefills one prompt of `context_tokens` beside `concurrency − 1`
//! decoders, and the TPOT step decodes `concurrency` sequences whose KV length averages
//! `context_tokens + output_tokens / 2` (the mean of context + j over the j = 1 … output − 1
//! decode steps). The fit minimises the relative error of those step times, so that fast
//! TPOT rows weigh as much as slow TTFT rows.

use super::StepTimeSecs;

/// The fitted coefficients and how well they reproduce each row.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub step_time: StepTimeSecs,
    pub rows: Vec<RowFit>,
    /// Root-mean-square relative error over every fitted step time.
    pub rms_relative_error: f64,
}

/// One measurement row: the line it was on and the fit's relative error on its TTFT and TPOT
/// (`None` for TPOT when the row has one output token).
#[derive(Clone, Debug, PartialEq)]
pub struct RowFit {
    pub line: u64,
    pub ttft_relative_error: f64,
    pub tpot_relative_error: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error("line 1: missing column {column:?} (expected {COLUMNS})")]
    MissingColumn { column: &'static str },
    #[error("line {line}: {column} must be {expected}, found {found:?}")]
    Field {
        line: u64,
        column: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error(
        "the measurements give {equations} step times; at least 4 are needed to fit 4 coefficients"
    )]
    TooFew { equations: usize },
}

const COLUMNS: &str = "concurrency, context_tokens, output_tokens, ttft_s, tpot_s";
const NAMES: [&str; 5] = [
    "concurrency",
    "context_tokens",
    "output_tokens",
    "ttft_s",
    "tpot_s",
];

/// One parsed row.
struct Row {
    line: u64,
    concurrency: f64,
    context: f64,
    output: f64,
    ttft_s: f64,
    tpot_s: f64,
}

/// Fits `base_s, per_prefill_token_s, per_decode_seq_s, per_kv_token_s` to `csv_text`.
pub fn calibrate(csv_text: &str) -> Result<Fit, CalibrationError> {
    let rows = parse(csv_text)?;
    let (mut a, mut y) = (Vec::new(), Vec::new());
    for r in &rows {
        let (ttft, tpot) = features(r);
        a.push(ttft.map(|v| v / r.ttft_s));
        y.push(1.0);
        if let Some(t) = tpot {
            a.push(t.map(|v| v / r.tpot_s));
            y.push(1.0);
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
    let rel = |f: [f64; 4], measured: f64| dot(&f, &x) / measured - 1.0;
    let fits: Vec<RowFit> = rows
        .iter()
        .map(|r| {
            let (ttft, tpot) = features(r);
            RowFit {
                line: r.line,
                ttft_relative_error: rel(ttft, r.ttft_s),
                tpot_relative_error: tpot.map(|f| rel(f, r.tpot_s)),
            }
        })
        .collect();
    let errs: Vec<f64> = fits
        .iter()
        .flat_map(|f| std::iter::once(f.ttft_relative_error).chain(f.tpot_relative_error))
        .collect();
    let rms = (errs.iter().map(|e| e * e).sum::<f64>() / errs.len() as f64).sqrt();
    Ok(Fit {
        step_time,
        rows: fits,
        rms_relative_error: rms,
    })
}

/// (P, D, K) multipliers of the four coefficients for the row's TTFT and TPOT steps.
fn features(r: &Row) -> ([f64; 4], Option<[f64; 4]>) {
    let others = r.concurrency - 1.0;
    let kv_decoding = r.context + r.output / 2.0;
    let ttft = [1.0, r.context, others, r.context + others * kv_decoding];
    let tpot = (r.output > 1.0).then_some([1.0, 0.0, r.concurrency, r.concurrency * kv_decoding]);
    (ttft, tpot)
}

fn parse(text: &str) -> Result<Vec<Row>, CalibrationError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| CalibrationError::Csv {
        line: e.position().map_or(1, |p| p.line()),
        message: e.to_string(),
    };
    let header = reader.headers().map_err(csv_err)?.clone();
    let mut index = [0usize; 5];
    for (slot, column) in index.iter_mut().zip(NAMES) {
        *slot = header
            .iter()
            .position(|h| h == column)
            .ok_or(CalibrationError::MissingColumn { column })?;
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_err)?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize, integer: bool| -> Result<f64, CalibrationError> {
            let raw = record.get(index[i]).unwrap_or("");
            let v: Option<f64> = raw.parse().ok();
            match v {
                Some(v) if v.is_finite() && v > 0.0 && (!integer || v.fract() == 0.0) => Ok(v),
                _ => Err(CalibrationError::Field {
                    line,
                    column: NAMES[i],
                    expected: if integer {
                        "a whole number ≥ 1"
                    } else {
                        "a positive number of seconds"
                    },
                    found: raw.to_string(),
                }),
            }
        };
        rows.push(Row {
            line,
            concurrency: field(0, true)?,
            context: field(1, true)?,
            output: field(2, true)?,
            ttft_s: field(3, false)?,
            tpot_s: field(4, false)?,
        });
    }
    Ok(rows)
}

fn dot(a: &[f64; 4], b: &[f64; 4]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Non-negative least squares over four unknowns, exactly: the optimum is the unconstrained
/// least-squares solution on its own support, so trying all 16 supports and keeping the best
/// feasible one finds it (no iteration, no tolerance on a stopping rule). Columns are scaled
/// to unit norm first because the coefficients span eight orders of magnitude.
fn nnls(a: &[[f64; 4]], y: &[f64]) -> [f64; 4] {
    let mut scale = [0.0f64; 4];
    for row in a {
        for (s, v) in scale.iter_mut().zip(row) {
            *s += v * v;
        }
    }
    let scale = scale.map(|s| if s > 0.0 { s.sqrt() } else { 1.0 });
    let scaled: Vec<[f64; 4]> = a
        .iter()
        .map(|r| std::array::from_fn(|j| r[j] / scale[j]))
        .collect();
    let mut best = ([0.0; 4], y.iter().map(|v| v * v).sum::<f64>());
    for support in 1u32..16 {
        let Some(x) = least_squares_on(&scaled, y, support) else {
            continue;
        };
        if x.iter().all(|&v| v >= 0.0) {
            let r: f64 = scaled
                .iter()
                .zip(y)
                .map(|(row, yi)| (dot(row, &x) - yi).powi(2))
                .sum();
            if r < best.1 {
                best = (x, r);
            }
        }
    }
    std::array::from_fn(|j| best.0[j] / scale[j])
}

/// Least squares restricted to the columns in `support` (a bit set), by the normal equations;
/// `None` when those columns are linearly dependent.
fn least_squares_on(a: &[[f64; 4]], y: &[f64], support: u32) -> Option<[f64; 4]> {
    let cols: Vec<usize> = (0..4).filter(|j| support & (1 << j) != 0).collect();
    let n = cols.len();
    let mut m = vec![vec![0.0f64; n + 1]; n];
    for (row, yi) in a.iter().zip(y) {
        for (i, &ci) in cols.iter().enumerate() {
            for (k, &ck) in cols.iter().enumerate() {
                m[i][k] += row[ci] * row[ck];
            }
            m[i][n] += row[ci] * yi;
        }
    }
    let z = solve(m)?;
    let mut x = [0.0; 4];
    for (v, &c) in z.iter().zip(&cols) {
        x[c] = *v;
    }
    Some(x)
}

/// Gaussian elimination with partial pivoting on an augmented n × (n + 1) matrix.
fn solve(mut m: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let n = m.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() < 1e-12 {
            return None;
        }
        m.swap(c, p);
        let pivot = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..n).map(|i| m[i][n] / m[i][i]).collect())
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
    fn row(c: u32, ctx: u32, out: u32) -> String {
        let r = Row {
            line: 0,
            concurrency: c as f64,
            context: ctx as f64,
            output: out as f64,
            ttft_s: 1.0,
            tpot_s: 1.0,
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
    fn calibrating_on_simulated_measurements_recovers_the_coefficients() {
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
        assert!(
            close(fit.step_time.base_s, TRUE.base_s),
            "{:?}",
            fit.step_time
        );
        assert!(close(
            fit.step_time.per_prefill_token_s,
            TRUE.per_prefill_token_s
        ));
        assert!(close(fit.step_time.per_decode_seq_s, TRUE.per_decode_seq_s));
        assert!(close(fit.step_time.per_kv_token_s, TRUE.per_kv_token_s));
        assert!(fit.rms_relative_error < 1e-9);
        assert_eq!(
            fit.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 4, 5, 6]
        );
    }

    #[test]
    fn the_example_file_fits_with_small_error_and_no_negative_coefficient() {
        let fit = calibrate(include_str!("../../docs/calibration-example.csv")).unwrap();
        let s = fit.step_time;
        for v in [
            s.base_s,
            s.per_prefill_token_s,
            s.per_decode_seq_s,
            s.per_kv_token_s,
        ] {
            assert!(v >= 0.0, "{s:?}");
        }
        assert!(fit.rms_relative_error < 0.1, "{}", fit.rms_relative_error);
    }

    #[test]
    fn nnls_clamps_a_coefficient_that_least_squares_would_make_negative() {
        // y = 2·a0 − 1·a1 exactly; with a1 ≥ 0 forced, the best is a1 = 0.
        let a = [
            [1.0, 1.0, 0.0, 0.0],
            [1.0, 2.0, 0.0, 0.0],
            [1.0, 3.0, 0.0, 0.0],
        ];
        let x = nnls(&a, &[1.0, 0.0, -1.0]);
        assert_eq!(x[1], 0.0);
        assert!((x[0] - 0.0).abs() < 1e-12, "{x:?}");
    }

    #[test]
    fn bad_rows_are_errors_naming_the_line_column_and_value() {
        let csv = "concurrency,context_tokens,output_tokens,ttft_s,tpot_s\n1,128,128,0.05,0.005\n2,12.5,128,0.05,0.005\n";
        assert_eq!(
            calibrate(csv).unwrap_err().to_string(),
            "line 3: context_tokens must be a whole number ≥ 1, found \"12.5\""
        );
        let csv = "concurrency,context_tokens,output_tokens,ttft_s\n";
        assert_eq!(
            calibrate(csv).unwrap_err().to_string(),
            "line 1: missing column \"tpot_s\" (expected concurrency, context_tokens, output_tokens, ttft_s, tpot_s)"
        );
        let csv = "concurrency,context_tokens,output_tokens,ttft_s,tpot_s\n1,128,128,0.05,-1\n";
        assert_eq!(
            calibrate(csv).unwrap_err().to_string(),
            "line 2: tpot_s must be a positive number of seconds, found \"-1\""
        );
    }
}

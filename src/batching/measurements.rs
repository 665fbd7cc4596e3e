//! The measurements `calibrate` fits: benchmark runs read from CSV text, every value
//! checked, every problem naming its line and column.
//!
//! Knows nothing of files or of the fit.

/// The measurements of a CSV file, parsed and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurements {
    pub rows: Vec<Measurement>,
}

/// One benchmark run as the file gives it. A run may leave either mean empty, to fit only
/// the other (a TTFT measured while the clients' prefills crowd each other is not the
/// steady state; see docs/guide.md#calibrate-from-your-own-benchmark).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    /// Line of the file (1 is the header, unless comments come first).
    pub line: u64,
    pub concurrency: u64,
    pub context_tokens: u64,
    pub output_tokens: u64,
    /// Mean time to first token, seconds.
    pub ttft_s: Option<f64>,
    /// Mean time per output token after the first, seconds.
    pub tpot_s: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error("line {line}: missing column {column:?} (expected {COLUMNS})")]
    MissingColumn { line: u64, column: &'static str },
    #[error("line {line}: {column} must be {expected}, found {found:?}")]
    Field {
        line: u64,
        column: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("line {line}: ttft_s and tpot_s are both empty; give at least one")]
    NoTimes { line: u64 },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error(
        "too few rows: they give {equations} step times (each row its ttft_s and its \
         tpot_s, where given); at least 4 are needed to fit 4 coefficients"
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

impl Measurements {
    /// Reads CSV text with a header naming at least the five columns (in any order; other
    /// columns are ignored; lines starting with `#` are comments).
    pub fn parse(csv_text: &str) -> Result<Measurements, CalibrationError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(csv_text.as_bytes());
        let header = reader.headers().map_err(csv_error)?.clone();
        // The header is the first line that is not a comment (csv does not say where).
        let line = csv_text
            .lines()
            .position(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map_or(1, |i| i as u64 + 1);
        let mut index = [0usize; 5];
        for (slot, column) in index.iter_mut().zip(NAMES) {
            *slot = header
                .iter()
                .position(|h| h == column)
                .ok_or(CalibrationError::MissingColumn { line, column })?;
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, |p| p.line());
            let fields: [&str; 5] = index.map(|i| record.get(i).unwrap_or(""));
            rows.push(row(line, fields)?);
        }
        Ok(Measurements { rows })
    }
}

fn csv_error(e: csv::Error) -> CalibrationError {
    CalibrationError::Csv {
        line: e.position().map_or(1, |p| p.line()),
        message: match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("expected {expected_len} fields as in the header, found {len}"),
            csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
            _ => e.to_string(),
        },
    }
}

/// One record's five fields, in `NAMES` order.
fn row(line: u64, fields: [&str; 5]) -> Result<Measurement, CalibrationError> {
    let bad = |i: usize, expected| CalibrationError::Field {
        line,
        column: NAMES[i],
        expected,
        found: fields[i].to_string(),
    };
    let count = |i: usize| match fields[i].parse::<f64>() {
        // Token counts up to 2^53 stay exact in f64; no benchmark comes near.
        Ok(v) if v >= 1.0 && v.fract() == 0.0 && v < 9e15 => Ok(v as u64),
        _ => Err(bad(i, "a whole number ≥ 1")),
    };
    let seconds = |i: usize| match fields[i] {
        "" => Ok(None),
        raw => match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Ok(Some(v)),
            _ => Err(bad(i, "a positive number of seconds, or empty")),
        },
    };
    let m = Measurement {
        line,
        concurrency: count(0)?,
        context_tokens: count(1)?,
        output_tokens: count(2)?,
        ttft_s: seconds(3)?,
        tpot_s: seconds(4)?,
    };
    if m.output_tokens == 1 && m.tpot_s.is_some() {
        return Err(bad(
            4,
            "empty when output_tokens is 1 (no token follows the first)",
        ));
    }
    if m.ttft_s.is_none() && m.tpot_s.is_none() {
        return Err(CalibrationError::NoTimes { line });
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "concurrency,context_tokens,output_tokens,ttft_s,tpot_s\n";

    fn error(body: &str) -> String {
        Measurements::parse(&format!("{HEADER}{body}"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn bad_rows_are_errors_naming_the_line_column_and_value() {
        assert_eq!(
            error("1,128,128,0.05,0.005\n2,12.5,128,0.05,0.005\n"),
            "line 3: context_tokens must be a whole number ≥ 1, found \"12.5\""
        );
        assert_eq!(
            error("1,128,128,0.05,-1\n"),
            "line 2: tpot_s must be a positive number of seconds, or empty, found \"-1\""
        );
        assert_eq!(
            error("1,128,128,0.05\n"),
            "line 2: expected 5 fields as in the header, found 4"
        );
        assert_eq!(
            error("1,128,1,0.05,0.01\n"),
            "line 2: tpot_s must be empty when output_tokens is 1 (no token follows the \
             first), found \"0.01\""
        );
        assert_eq!(
            error("4,128,64,,\n"),
            "line 2: ttft_s and tpot_s are both empty; give at least one"
        );
        let missing =
            Measurements::parse("# note\nconcurrency,context_tokens,output_tokens,ttft_s\n");
        assert_eq!(
            missing.unwrap_err().to_string(),
            "line 2: missing column \"tpot_s\" (expected concurrency, context_tokens, \
             output_tokens, ttft_s, tpot_s)"
        );
    }

    #[test]
    fn columns_come_in_any_order_beside_others_and_either_time_may_be_empty() {
        let m = Measurements::parse(
            "# comment\nmodel,tpot_s,ttft_s,output_tokens,context_tokens,concurrency\n\
             x, 0.006 ,,512,128,32\ny,,0.02,16,2048,1\n",
        )
        .unwrap();
        assert_eq!(
            m.rows,
            [
                Measurement {
                    line: 3,
                    concurrency: 32,
                    context_tokens: 128,
                    output_tokens: 512,
                    ttft_s: None,
                    tpot_s: Some(0.006),
                },
                Measurement {
                    line: 4,
                    concurrency: 1,
                    context_tokens: 2048,
                    output_tokens: 16,
                    ttft_s: Some(0.02),
                    tpot_s: None,
                },
            ]
        );
    }
}

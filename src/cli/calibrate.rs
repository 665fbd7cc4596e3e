//! `servsim calibrate MEASURED.csv`: fits `engine.step_time` to a real server's benchmark
//! runs and prints it with the fit's error per row, beside the roofline of a catalog GPU ×
//! model when one is named (docs/semantics.md#continuous-batching).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{CliError, write_stdout};
use crate::batching::{
    EngineParams, GpuSpec, Measurements, ModelSpec, RowFit, StepTime, StepTimeError, StepTimeSecs,
    derive,
};
use crate::report::{
    CalibrationReport, Coefficients, Predicted, RooflineReport, RowReport, calibration_json,
    calibration_table,
};

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Benchmark runs as CSV: columns concurrency, context_tokens, output_tokens, ttft_s,
    /// tpot_s (means in seconds), one row per closed-loop run at a fixed concurrency.
    measured: PathBuf,
    /// Catalog GPU whose roofline coefficients to show beside the fit (with --model).
    #[arg(long, requires = "model")]
    gpu: Option<String>,
    /// Catalog model for the roofline (with --gpu), e.g. llama-3.1-8b or llama-3.1-8b-fp8.
    #[arg(long, requires = "gpu")]
    model: Option<String>,
    /// GPUs the engine spans, for the roofline.
    #[arg(long, value_name = "N", requires = "gpu",
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    tensor_parallel: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CalibrateFormat::Table)]
    format: CalibrateFormat,
    /// No warnings on standard error.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CalibrateFormat {
    Table,
    Json,
}

/// vLLM's default `max_num_batched_tokens`: a prompt above it is prefilled in chunks.
const VLLM_DEFAULT_BUDGET: u64 = 8_192;

pub fn calibrate_command(args: CalibrateArgs) -> Result<(), CliError> {
    let file = args.measured.display().to_string();
    let invalid = |msg: String| CliError::Invalid(format!("{file}: {msg}"));
    let bytes = std::fs::read(&args.measured).map_err(|e| invalid(format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| invalid("not UTF-8 text".into()))?;
    let measurements = Measurements::parse(&text).map_err(|e| invalid(e.to_string()))?;
    let (report, warnings) = fitted(&file, &measurements)?;
    let roofline = match (&args.gpu, &args.model) {
        (Some(g), Some(m)) => Some(roofline(
            g,
            m,
            args.tensor_parallel.unwrap_or(1),
            &measurements,
        )?),
        _ => None,
    };
    let report = CalibrationReport { roofline, ..report };
    if !args.quiet {
        let mut stderr = std::io::stderr().lock();
        for w in warnings {
            // A closed standard error must not turn a warning into a panic.
            let _ = writeln!(stderr, "warning: {w}");
        }
    }
    write_stdout(&match args.format {
        CalibrateFormat::Table => calibration_table(&report),
        CalibrateFormat::Json => calibration_json(&report),
    })
}

/// The fit as the engine will hold it (rounded to the picosecond, with a base of at least
/// 1 ns), its error on each row, and warnings about what the rows leave uncertain.
fn fitted(
    file: &str,
    measurements: &Measurements,
) -> Result<(CalibrationReport, Vec<String>), CliError> {
    let invalid = |msg: String| CliError::Invalid(format!("{file}: {msg}"));
    let fit = measurements.fit().map_err(|e| invalid(e.to_string()))?;
    let mut warnings = Vec::new();
    if !fit.determined {
        warnings.push(format!(
            "{file}: the rows do not determine all four coefficients (other values fit them \
             as well): add runs at other concurrencies and prompt and output lengths"
        ));
    }
    warnings.extend(crowded_ttft(file, measurements));
    warnings.extend(chunked_rows(file, measurements));
    let mut secs = fit.step_time;
    if secs.base_s < 1e-9 {
        warnings.push(format!(
            "{file}: the fit puts base_s at {} s; it is printed as 1e-9, the least a scenario \
             accepts (runs at concurrency 1 with short prompts pin it down)",
            secs.base_s
        ));
        secs.base_s = 1e-9;
    }
    let rounded = StepTime::from_secs(&secs)
        .map_err(|e| invalid(too_large(e)))?
        .as_secs();
    let (rows, rms) = measurements.evaluate(&rounded);
    let report = CalibrationReport {
        file: file.to_string(),
        step_time: rounded.into(),
        rms_relative_error: rms,
        determined: fit.determined,
        rows: measurements
            .rows
            .iter()
            .zip(&rows)
            .map(|(m, f)| RowReport {
                line: m.line,
                concurrency: m.concurrency,
                context_tokens: m.context_tokens,
                output_tokens: m.output_tokens,
                ttft_s: m.ttft_s,
                tpot_s: m.tpot_s,
                fitted: predicted(f),
            })
            .collect(),
        roofline: None,
    };
    Ok((report, warnings))
}

fn predicted(f: &RowFit) -> Predicted {
    Predicted {
        ttft_s: f.ttft_s,
        ttft_relative_error: f.ttft_relative_error,
        tpot_s: f.tpot_s,
        tpot_relative_error: f.tpot_relative_error,
    }
}

/// A fitted coefficient that a scenario would refuse; seconds measured in milliseconds is
/// the usual cause.
fn too_large(e: StepTimeError) -> String {
    match e {
        StepTimeError::Coefficient { field, value } => format!(
            "the fit gives {field} = {value} s, above the 1 s a scenario accepts: are ttft_s \
             and tpot_s in seconds?"
        ),
        other => other.to_string(),
    }
}

/// TTFT measured with other clients: how their prompts crowd the first steps depends on how
/// the benchmark starts, which the steady state the fit assumes does not describe.
fn crowded_ttft(file: &str, m: &Measurements) -> Option<String> {
    let lines: Vec<String> = m
        .rows
        .iter()
        .filter(|r| r.ttft_s.is_some() && r.concurrency > 1)
        .map(|r| r.line.to_string())
        .collect();
    (!lines.is_empty()).then(|| {
        format!(
            "{file}: line{} {} give{} ttft_s at concurrency above 1, where the clients' prompts \
             crowd the first steps of a run; the fit assumes the steady state, so leave these \
             empty unless the run is long and its lengths vary (docs/guide.md, \
             \"Calibrate from your own benchmark\")",
            if lines.len() == 1 { "" } else { "s" },
            lines.join(", "),
            if lines.len() == 1 { "s" } else { "" },
        )
    })
}

/// Rows whose prompts a default vLLM server would prefill over several steps, which the
/// model (one prefill step per request) does not describe.
fn chunked_rows(file: &str, m: &Measurements) -> Vec<String> {
    m.rows
        .iter()
        .filter_map(|r| {
            let prompts = r.concurrency.div_ceil(r.output_tokens);
            let tokens = prompts * r.context_tokens + (r.concurrency - prompts);
            (tokens > VLLM_DEFAULT_BUDGET).then(|| {
                format!(
                    "{file}:{}: a step of this run holds {tokens} tokens, above vLLM's default \
                     max_num_batched_tokens of {VLLM_DEFAULT_BUDGET}; if the server split its \
                     prompts over several steps, the fit overstates per_prefill_token_s",
                    r.line
                )
            })
        })
        .collect()
}

fn roofline(
    gpu: &str,
    model: &str,
    tensor_parallel: u32,
    measurements: &Measurements,
) -> Result<RooflineReport, CliError> {
    let g = GpuSpec::from_catalog(gpu).ok_or_else(|| {
        let names: Vec<&str> = crate::catalog::gpus()
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        CliError::Invalid(format!(
            "--gpu: unknown GPU {gpu:?}: expected one of {}",
            names.join(", ")
        ))
    })?;
    let m = ModelSpec::from_catalog(model).ok_or_else(|| {
        CliError::Invalid(format!(
            "--model: unknown model {model:?}: expected one of {}",
            crate::catalog::model_names().join(", ")
        ))
    })?;
    let params = EngineParams::default();
    let d =
        derive(&g, &m, tensor_parallel, &params).map_err(|e| CliError::Invalid(e.to_string()))?;
    let secs: StepTimeSecs = d.step_time.as_secs();
    let (rows, rms) = measurements.evaluate(&secs);
    Ok(RooflineReport {
        gpu: g.name,
        model: m.name,
        tensor_parallel,
        mfu: params.mfu,
        mbu: params.mbu,
        step_overhead_s: params.step_overhead_s,
        kv_capacity_tokens: d.kv_capacity_tokens,
        step_time: Coefficients::from(secs),
        rms_relative_error: rms,
        rows: rows.iter().map(predicted).collect(),
    })
}

//! Sweeps that lose nothing (docs/guide.md#resume-an-interrupted-sweep): `--output FILE`
//! journals each finished point in FILE.journal, `--resume FILE` continues a killed run
//! into the bytes of an uninterrupted one, and a journal of another run is refused.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::*;

const WINDOW: &str = "platforms.0.scaledown_window_s";

/// `sweep FILE --param scaledown --values 2,5,30,60 --seeds 2 --slo-p99 4` and `extra`.
fn sweep_args<'a>(path: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let base = [
        "sweep",
        s(path),
        "--param",
        WINDOW,
        "--values",
        "2,5,30,60",
        "--seeds",
        "2",
        "--slo-p99",
        "4",
    ];
    [&base[..], extra].concat()
}

fn journal_of(out: &Path) -> PathBuf {
    PathBuf::from(format!("{}.journal", out.display()))
}

/// Runs `args` writing to `out`, a folder, so that the final write fails (exit 1) and
/// the journal, complete with every point, stays; then removes the folder.
fn complete_journal(args: &[&str], out: &Path) -> Vec<u8> {
    std::fs::create_dir(out).unwrap();
    let run = servsim()
        .args(args)
        .args(["--output", s(out), "--quiet"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!("cannot write {}", out.display())),
        "{stderr}"
    );
    let tmp = PathBuf::from(format!("{}.servsim-tmp", out.display()));
    assert!(!tmp.exists(), "a failed write leaves no temporary file");
    std::fs::remove_dir(out).unwrap();
    std::fs::read(journal_of(out)).expect("the journal outlives a failed final write")
}

/// Runs `args` with `--resume out`, expects success, returns (output file, stderr).
fn resumed(args: &[&str], out: &Path) -> (String, String) {
    let run = servsim()
        .args(args)
        .args(["--resume", s(out)])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stderr}");
    assert!(
        !journal_of(out).exists(),
        "a finished run removes its journal"
    );
    (std::fs::read_to_string(out).unwrap(), stderr)
}

/// Byte offsets just past each newline.
fn line_ends(bytes: &[u8]) -> Vec<usize> {
    let ends = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n');
    ends.map(|(i, _)| i + 1).collect()
}

#[test]
fn output_files_hold_exactly_what_standard_output_shows_for_every_format() {
    let (dir, path) = scenario_file(&small_scenario());
    for format in ["table", "json", "csv", "markdown", "html"] {
        let args = sweep_args(&path, &["--format", format, "--quiet"]);
        let out = dir.path().join(format!("sweep.{format}"));
        stdout_of(&[&args[..], &["--output", s(&out)]].concat());
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            stdout_of(&args),
            "--format {format}"
        );
        assert!(!journal_of(&out).exists(), "--format {format}");
    }
}

#[test]
fn a_complete_journal_resumes_into_the_output_without_running_a_point() {
    let (dir, path) = scenario_file(&small_scenario());
    let out = dir.path().join("sweep.csv");
    let args = sweep_args(&path, &["--format", "csv"]);
    let journal = complete_journal(&args, &out);
    assert_eq!(line_ends(&journal).len(), 1 + 4, "a header and four points");
    assert_eq!(journal.last(), Some(&b'\n'));
    let (text, stderr) = resumed(&args, &out);
    assert_eq!(text, stdout_of(&[&args[..], &["--quiet"]].concat()));
    assert!(
        stderr.contains("4 of 4 points already finished"),
        "{stderr}"
    );
}

#[test]
fn a_journal_cut_mid_record_drops_that_record_and_reruns_the_point() {
    let (dir, path) = scenario_file(&small_scenario());
    let out = dir.path().join("sweep.json");
    let args = sweep_args(&path, &["--format", "json"]);
    let journal = complete_journal(&args, &out);
    let ends = line_ends(&journal);
    // Points 0 and 1 whole, point 2 cut halfway through its line: a run killed while
    // writing it.
    let cut = (ends[2] + ends[3]) / 2;
    std::fs::write(journal_of(&out), &journal[..cut]).unwrap();
    let (text, stderr) = resumed(&args, &out);
    assert_eq!(text, stdout_of(&[&args[..], &["--quiet"]].concat()));
    assert!(
        stderr.contains(&format!(
            "left out its unfinished last line ({} bytes",
            cut - ends[2]
        )) && stderr.contains("2 of 4 points already finished"),
        "{stderr}"
    );
    // A header cut short holds nothing: the run starts from the first point.
    std::fs::write(journal_of(&out), &journal[..ends[0] - 1]).unwrap();
    let (again, stderr) = resumed(&args, &out);
    assert_eq!(again, text);
    assert!(stderr.contains("has no complete header"), "{stderr}");
}

#[test]
fn resume_without_a_journal_runs_the_whole_sweep() {
    let (dir, path) = scenario_file(&small_scenario());
    let out = dir.path().join("sweep.md");
    let args = sweep_args(&path, &["--format", "markdown"]);
    let (text, stderr) = resumed(&args, &out);
    assert_eq!(text, stdout_of(&[&args[..], &["--quiet"]].concat()));
    assert!(stderr.contains("starting from the first point"), "{stderr}");
}

#[test]
fn a_journal_of_other_arguments_is_refused_naming_what_differs() {
    let (dir, path) = scenario_file(&small_scenario());
    let out = dir.path().join("sweep.json");
    let args = sweep_args(&path, &[]);
    complete_journal(&args, &out);
    let refused = |extra: &[&str], needle: &str| {
        let e = rejected(&[extra, &["--resume", s(&out)]].concat());
        assert!(
            e.contains(&format!(
                "--resume {}: {} is the journal of another run: {needle}; resume with the same scenario and arguments, or delete",
                out.display(),
                journal_of(&out).display()
            )),
            "{e}"
        );
    };
    let seeds: Vec<&str> = args
        .iter()
        .map(|a| if *a == "2" { "3" } else { a })
        .collect();
    refused(
        &seeds,
        "--seeds: the journal's run has --seeds 2, this one has --seeds 3",
    );
    refused(
        &[&args[..], &["--seed", "9"]].concat(),
        "--seed: the journal's run has --seed 7, this one has --seed 9",
    );
    let values: Vec<&str> = args
        .iter()
        .map(|a| if *a == "2,5,30,60" { "2,5,31,60" } else { a })
        .collect();
    refused(
        &values,
        &format!(
            "values of --param {WINDOW}: the journal's run has 4 values, this one has 4; value 2 is 30 there and 31 here"
        ),
    );
    refused(
        &[&args[..], &["--shard", "1/2"]].concat(),
        "shard: the journal's run has no --shard, this one has --shard 1/2",
    );
    let mut other = small_scenario();
    other["platforms"][1]["usd_per_hour"] = 2.5.into();
    std::fs::write(&path, serde_json::to_vec_pretty(&other).unwrap()).unwrap();
    refused(
        &args,
        "scenario platforms[1].usd_per_hour: the journal's run has 2.0, this one has 2.5",
    );
    // The journal is left as it was, and a run without --resume will not overwrite it.
    std::fs::write(&path, serde_json::to_vec_pretty(&small_scenario()).unwrap()).unwrap();
    let e = rejected(&[&args[..], &["--output", s(&out)]].concat());
    assert!(
        e.contains(&format!(
            "{} holds the journal of an interrupted run writing {o}: continue it with --resume {o}",
            journal_of(&out).display(),
            o = out.display()
        )),
        "{e}"
    );
    let (text, _) = resumed(&args, &out);
    assert_eq!(text, stdout_of(&[&args[..], &["--quiet"]].concat()));
}

#[test]
fn a_damaged_record_before_the_last_line_is_an_error_naming_its_line() {
    let (dir, path) = scenario_file(&small_scenario());
    let out = dir.path().join("sweep.json");
    let args = sweep_args(&path, &[]);
    let journal = complete_journal(&args, &out);
    let ends = line_ends(&journal);
    let mut damaged = journal[..ends[1]].to_vec();
    damaged.extend_from_slice(&journal[ends[2]..]); // point 1 is missing
    std::fs::write(journal_of(&out), &damaged).unwrap();
    let e = rejected(&[&args[..], &["--resume", s(&out)]].concat());
    assert!(
        e.contains(&format!(
            "{} line 3: expected the record of point 1, found point 2",
            journal_of(&out).display()
        )),
        "{e}"
    );
    std::fs::write(journal_of(&out), "{\"not\": \"a journal\"}\n").unwrap();
    let e = rejected(&[&args[..], &["--resume", s(&out)]].concat());
    assert!(
        e.contains("line 1: expected the header of a servsim journal"),
        "{e}"
    );
}

#[test]
fn a_resumed_shard_merges_into_the_unsharded_sweep() {
    let (dir, path) = scenario_file(&small_scenario());
    let args = sweep_args(&path, &[]);
    let mut parts = Vec::new();
    for k in 1..=2 {
        let part = dir.path().join(format!("part-{k}.json"));
        let k_of_2 = format!("{k}/2");
        let shard = [&args[..], &["--shard", &k_of_2]].concat();
        let journal = complete_journal(&shard, &part);
        let ends = line_ends(&journal);
        std::fs::write(journal_of(&part), &journal[..ends[2] + 10]).unwrap();
        let (text, _) = resumed(&[&shard[..], &["--format", "json"]].concat(), &part);
        assert_eq!(text, stdout_of(&[&shard[..], &["--quiet"]].concat()));
        parts.push(part);
    }
    let merged = stdout_of(&["merge", s(&parts[0]), s(&parts[1]), "--format", "csv"]);
    assert_eq!(
        merged,
        stdout_of(&[&args[..], &["--format", "csv", "--quiet"]].concat())
    );
}

#[test]
fn shards_accept_format_json_and_send_other_formats_to_merge() {
    let (_dir, path) = scenario_file(&small_scenario());
    let shard = sweep_args(&path, &["--shard", "1/2", "--quiet"]);
    let part = stdout_of(&shard);
    assert_eq!(
        stdout_of(&[&shard[..], &["--format", "json"]].concat()),
        part
    );
    let header: Value = serde_json::from_str(&part).unwrap();
    assert_eq!(header["servsim_shard"], 1);
    let run = ["run", s(&path), "--seeds", "2", "--shard", "2/2"];
    assert_eq!(
        stdout_of(&[&run[..], &["--format", "json"]].concat()),
        stdout_of(&run)
    );
    for format in ["table", "csv", "markdown", "html"] {
        let e = rejected(&[&shard[..], &["--format", format]].concat());
        assert!(
            e.contains(&format!(
                "--format {format}: a shard writes its partial result as JSON, for servsim merge; give --format {format} to merge instead"
            )),
            "{e}"
        );
    }
}

#[test]
fn a_resumed_breakeven_gives_the_uninterrupted_bytes() {
    let (dir, path) = scenario_file(&small_scenario());
    let out = dir.path().join("breakeven.csv");
    let args = breakeven_args(
        &path,
        "workload.arrivals.rate_per_s",
        "0.01:0.2",
        ["serverless", "dedicated"],
        &["--points", "5", "--seeds", "2", "--format", "csv"],
    );
    let journal = complete_journal(&args, &out);
    let ends = line_ends(&journal);
    std::fs::write(journal_of(&out), &journal[..ends[3] - 1]).unwrap();
    let (text, stderr) = resumed(&args, &out);
    assert_eq!(text, stdout_of(&[&args[..], &["--quiet"]].concat()));
    assert!(
        stderr.contains("2 of 5 points already finished"),
        "{stderr}"
    );
}

/// A scenario whose points take tens of milliseconds each, so that a run can be caught
/// between its first and its last.
fn slow_scenario() -> Value {
    let mut v = small_scenario();
    v["workload"]["arrivals"]["rate_per_s"] = 20.into();
    v["workload"]["service"]["value_s"] = 0.01.into();
    v
}

#[test]
fn a_sweep_killed_mid_run_resumes_into_the_bytes_of_an_uninterrupted_one() {
    let (dir, path) = scenario_file(&slow_scenario());
    let out = dir.path().join("sweep.json");
    let points = 40;
    let args = [
        "sweep",
        s(&path),
        "--param",
        WINDOW,
        "--range",
        "1:40:1",
        "--seeds",
        "2",
        "--threads",
        "1",
        "--format",
        "json",
        "--quiet",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_servsim"))
        .args(args)
        .args(["--output", s(&out)])
        .spawn()
        .unwrap();
    // Kill it (SIGKILL) once the journal holds its header and a first point.
    let start = Instant::now();
    let journal = journal_of(&out);
    while std::fs::read(&journal).map_or(0, |j| line_ends(&j).len()) < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no point finished"
        );
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended early");
        std::thread::sleep(Duration::from_millis(2));
    }
    // While it runs, its journal is its own.
    let e = rejected(&[&args[..], &["--resume", s(&out)]].concat());
    assert!(
        e.contains(&format!(
            "{} is in use by another servsim run writing the same output",
            journal.display()
        )),
        "{e}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = line_ends(&std::fs::read(&journal).unwrap()).len() - 1;
    assert!(
        (1..points).contains(&kept) && !out.exists(),
        "{kept} of {points} points kept"
    );
    let (text, stderr) = resumed(&args, &out);
    assert!(
        stderr.is_empty(),
        "--quiet leaves standard error empty: {stderr}"
    );
    assert_eq!(text, stdout_of(&args));
}

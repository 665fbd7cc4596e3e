//! Command-line behaviour: exit codes, formats, determinism.

use crate::support::*;

#[test]
fn run_without_a_file_prints_the_side_by_side_table() {
    let out = servsim().args(["run", "--seeds", "2"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "continuous-inference",
        "modal-article",
        "spheron-on-demand",
        "spheron-spot",
        "2,843.42",
        "1,728.00",
        "576.00",
    ] {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
}

#[test]
fn a_closed_stdout_pipe_exits_quietly_with_0() {
    // The read end is closed before servsim writes its table.
    let out = output_with_closed_stdout(&["run", "--seeds", "1"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "nothing on stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn output_file_gets_the_same_bytes_as_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.json");
    let scenario = project_dir().join("scenarios/burst-batch.json");
    let stdout = servsim()
        .arg("run")
        .arg(&scenario)
        .args(["--format", "json", "--seeds", "1"])
        .output()
        .unwrap()
        .stdout;
    let out = servsim()
        .arg("run")
        .arg(&scenario)
        .args(["--format", "json", "--seeds", "1", "--quiet", "--output"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "--quiet and --output print nothing"
    );
    assert_eq!(std::fs::read(&file).unwrap(), stdout);
}

#[test]
fn the_command_line_definition_is_consistent() {
    // clap's own checks (conflicting names, defaults outside their value sets, arguments
    // that conflict with themselves …) run only on demand.
    use clap::CommandFactory;
    servsim::cli::Cli::command().debug_assert();
}

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

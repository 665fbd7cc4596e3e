//! `docs/scenarios.md` is the committed output of `servsim schema --format markdown`: a key
//! added to a scenario table without regenerating the page fails here.

use crate::support::*;

const REGENERATE: &str = "cargo run --release -- schema --format markdown > docs/scenarios.md";

#[test]
fn the_committed_scenario_reference_is_what_the_key_tables_generate() {
    let out = servsim()
        .args(["schema", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(out.status.success(), "schema --format markdown failed");
    let generated = String::from_utf8(out.stdout).expect("the reference is UTF-8");
    assert_eq!(generated, servsim::scenario::reference());
    let path = project_dir().join("docs/scenarios.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale (or missing): regenerate it with `{REGENERATE}`",
        path.display()
    );
}

#[test]
fn the_reference_lists_every_key_with_its_type_unit_and_default() {
    let page = servsim::scenario::reference();
    for row in [
        "| `scaledown_window_s` | duration > 0 | s | `60` |",
        "| `usd_per_hour` | number ≥ 0 | USD per hour | *required* |",
        "| `seeds` | whole number ≥ 1 | — | `8` |",
    ] {
        assert!(
            page.contains(row),
            "the reference has no row starting {row:?}"
        );
    }
}

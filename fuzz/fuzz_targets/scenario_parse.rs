//! Any bytes given to the scenario loader give a scenario or an error, never a panic; a
//! scenario's load estimates are finite, and a small one runs with every request
//! accounted for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use servsim::experiment::{load, run_replica};
use servsim::platform::PlatformModel;
use servsim::scenario::Scenario;

/// Few enough containers and GPUs to create in microseconds.
fn small(m: &PlatformModel) -> bool {
    let pool = |c: &servsim::platform::ServerlessConfig| c.min_containers + c.buffer_containers <= 64;
    match m {
        PlatformModel::Serverless(c) => pool(c),
        PlatformModel::Dedicated(d) => d.gpus() <= 64,
        PlatformModel::Hybrid(h) => pool(&h.overflow) && h.base.gpus() <= 64,
    }
}

fuzz_target!(|data: &[u8]| {
    let s = match Scenario::from_slice(data, "fuzz.json") {
        Ok(s) => s,
        Err(e) => {
            // Every error renders and names the file.
            assert!(e.to_string().contains("fuzz.json"));
            return;
        }
    };
    let mut events = 0.0;
    for p in &s.platforms {
        let e = load::expected_events(&s, p);
        assert!(e.is_finite() && e >= 0.0, "{}: {e} expected events", p.name);
        events += e;
        let _ = load::overload(&s, p);
    }
    if events > 2_000.0 || !s.platforms.iter().all(|p| small(&p.model)) {
        return;
    }
    for p in &s.platforms {
        let r = run_replica(&s, p, 1, 0);
        let counts = r.outcome.recorder.counts;
        assert!(counts.is_conserved(), "{}: {counts:?}", p.name);
        assert!(r.bill.total_usd >= 0.0, "{}: {:?}", p.name, r.bill);
    }
});

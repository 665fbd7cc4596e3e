//! The Azure LLM conversation trace (replayed back to back) served three ways on two H100s,
//! for the continuous-batching performance targets (docs/performance.md#continuous-batching).
//! Shared by `benches/batching.rs` and `benches/batching_side_by_side.rs`.
//!
//! - `llm`: `scenarios/azure-llm-trace.json`'s `spheron-2x-h100` platform, a full servsim
//!   replica in which each request holds one of 8 slots per GPU for a fixed time priced from
//!   its token counts.
//! - `tokens`: `scenarios/azure-llm-trace-tokens.json`'s `spheron-2x-h100` platform, the
//!   same full replica (fleet, dispatch, metrics, billing) with a continuous-batching engine
//!   per GPU (Llama-3.1-8B BF16, roofline step times, max_num_seqs 256, 8192-token budget).
//! - `engines`: the engines alone, without the platform: the same arrivals, with the same
//!   token counts, dispatched to the least-loaded of two `BatchEngine`s (ties to the
//!   first), each woken at its own next event; latency, TTFT and TPOT recorded into
//!   servsim's histograms.

use servsim::batching::{BatchEngine, Completion, EngineConfig, EngineParams, Request};
use servsim::experiment::run_replica;
use servsim::metrics::DurationHistogram;
use servsim::platform::PlatformOutcome;
use servsim::random::{Seeds, Stream};
use servsim::scenario::Scenario;
use servsim::time::{NANOS_PER_DAY, SimDuration, SimTime};
use servsim::workload::{ArrivalStream, Demand};

/// A shipped Azure trace scenario (`azure-llm-trace` or `azure-llm-trace-tokens`) with its
/// horizon set to `days`.
pub fn azure_scenario(name: &str, days: u64) -> Scenario {
    let path = format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let mut s = Scenario::from_file(path.as_ref()).expect("the shipped scenario is valid");
    s.horizon = SimDuration(days * NANOS_PER_DAY);
    s
}

/// One replica of the scenario's two-H100 dedicated platform (the `llm` or `tokens` side,
/// whichever service the scenario has).
pub fn two_h100(s: &Scenario) -> PlatformOutcome {
    let p = s
        .platforms
        .iter()
        .find(|p| p.name == "spheron-2x-h100")
        .expect("the scenario has the two-H100 platform");
    run_replica(s, p, s.seed, 0).outcome
}

/// What the `engines` run measured (and a checksum so the work cannot be optimised away).
#[derive(Debug, Default)]
pub struct TokensRun {
    pub arrived: u64,
    pub completed: u64,
    pub preemptions: u64,
    pub latency: DurationHistogram,
    pub ttft: DurationHistogram,
    pub tpot: DurationHistogram,
}

/// The same arrivals on two continuous-batching engines alone (see the module comment).
pub fn engines_two_h100(s: &Scenario) -> TokensRun {
    let cfg = EngineConfig::from_catalog(
        "H100",
        "llama-3.1-8b",
        1,
        &EngineParams::default(),
        8_192,
        256,
    )
    .expect("Llama-3.1-8B fits an H100");
    let horizon = SimTime(s.horizon.0);
    let process = s.workload.arrivals[0].clone();
    let rng = Seeds::new(s.seed, 0).rng(Stream::Arrivals, 0);
    let mut arrivals = ArrivalStream::new(process, None, rng);
    let mut engines = [BatchEngine::new(cfg), BatchEngine::new(cfg)];
    let mut wake: [Option<SimTime>; 2] = [None, None];
    let mut run = TokensRun::default();
    let mut done = Vec::new();
    let mut next = arrivals.next_arrival().filter(|a| a.at < horizon);
    loop {
        let (i, w) = match (wake[0], wake[1]) {
            (Some(a), Some(b)) if b < a => (1, Some(b)),
            (Some(a), _) => (0, Some(a)),
            (None, b) => (1, b),
        };
        // Completions at an instant come before arrivals at it (docs/semantics.md#event-order).
        match (w.filter(|&w| w <= horizon), next) {
            (Some(w), a) if a.is_none_or(|a| w <= a.at) => {
                engines[i].advance_into(w, &mut done);
                for c in done.drain(..) {
                    run.record(&c);
                }
                wake[i] = engines[i].next_event();
            }
            (_, Some(a)) => {
                let Demand::Tokens { context, output } = a.demand else {
                    panic!("the Azure trace records token counts");
                };
                let i = (engines[1].in_flight() < engines[0].in_flight()) as usize;
                let req = Request {
                    id: run.arrived,
                    context_tokens: context.max(1),
                    output_tokens: output.max(1),
                };
                engines[i]
                    .enqueue(req, a.at)
                    .expect("every trace request fits");
                wake[i] = engines[i].next_event();
                run.arrived += 1;
                next = arrivals.next_arrival().filter(|a| a.at < horizon);
            }
            (_, None) => break,
        }
    }
    run.preemptions = engines.iter().map(|e| e.accounting().preemptions).sum();
    for h in [&mut run.latency, &mut run.ttft, &mut run.tpot] {
        h.flush();
    }
    run
}

impl TokensRun {
    fn record(&mut self, c: &Completion) {
        self.completed += 1;
        self.latency.record(c.finish - c.arrival);
        self.ttft.record(c.first_token - c.arrival);
        if c.output_tokens > 1 {
            let per = (c.finish - c.first_token).0 / (c.output_tokens as u64 - 1);
            self.tpot.record(SimDuration(per));
        }
    }
}

//! The continuous-batching targets (docs/performance.md#continuous-batching), interleaved so
//! that both sides see the same machine load: each round simulates a day of the Azure
//! conversation trace on two H100s, a full servsim replica with the fixed-time `llm` service
//! and one with the `tokens` service (a continuous-batching engine per GPU), and reports each
//! round's ratio; then best and median.
//!
//! `cargo bench --bench batching_side_by_side -- 15` (rounds, default 9). A bench target
//! without criterion's harness: `cargo bench` adds `--bench` to the arguments; without it
//! (`cargo test --benches`) one round checks that everything runs.
//!
//! On a shared machine wall time includes waiting for a core, so each side is also timed by
//! the CPU time this thread spent running (Linux `/proc/thread-self/schedstat`), and the
//! summary uses it when it is available.
//!
//! With `memory tokens|llm|engines DAYS` it simulates one side for DAYS once and prints what
//! it did, for `/usr/bin/time -v` to measure peak memory against the horizon (`engines`: the
//! two engines alone, without the platform).

#[path = "common/azure_tokens.rs"]
mod azure_tokens;

use std::time::Instant;

/// Nanoseconds this thread has spent on a CPU, where Linux reports it.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Runs `f`, returning its result with (wall seconds, CPU seconds or wall if unknown).
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (t, c) = (Instant::now(), cpu_ns());
    let out = f();
    let wall = t.elapsed().as_secs_f64();
    let cpu = match (c, cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e9,
        _ => wall,
    };
    (out, wall, cpu)
}

use azure_tokens::{azure_scenario, engines_two_h100, two_h100};

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let benching = all.iter().any(|a| a == "--bench");
    let args: Vec<String> = all.into_iter().filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("memory") {
        return memory(&args[1..]);
    }
    let rounds: usize = match args.first() {
        Some(r) => r.parse().expect("ROUNDS is a count"),
        None if benching => 9,
        None => 1,
    };
    let (llm_s, tokens_s) = (
        azure_scenario("azure-llm-trace", 1),
        azure_scenario("azure-llm-trace-tokens", 1),
    );
    let (mut llm, mut tokens, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut requests = 0;
    for round in 0..rounds {
        let (a, lw, l) = timed(|| two_h100(&llm_s));
        let (b, kw, k) = timed(|| two_h100(&tokens_s));
        let n = a.recorder.counts.arrived;
        assert_eq!(
            b.recorder.counts.arrived, n,
            "both sides see the same arrivals"
        );
        requests = n;
        println!(
            "round {round}: llm {:.1} ms, tokens {:.1} ms of CPU ({:.2} M requests/s), ratio \
             {:.2}; wall {:.1} / {:.1} ms",
            l * 1e3,
            k * 1e3,
            n as f64 / k / 1e6,
            k / l,
            lw * 1e3,
            kw * 1e3
        );
        llm.push(l);
        tokens.push(k);
        ratios.push(k / l);
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2])
    };
    let ((lb, lm), (kb, km), (rb, rm)) = (stats(&mut llm), stats(&mut tokens), stats(&mut ratios));
    println!("{requests} requests a day");
    println!(
        "llm:    best {:.1} ms, median {:.1} ms ({:.1} ns/request)",
        lb * 1e3,
        lm * 1e3,
        lm * 1e9 / requests as f64
    );
    println!(
        "tokens: best {:.1} ms, median {:.1} ms ({:.1} ns/request, {:.2} M requests/s)",
        kb * 1e3,
        km * 1e3,
        km * 1e9 / requests as f64,
        requests as f64 / km / 1e6
    );
    println!(
        "tokens / llm: best round {rb:.2}, median round {rm:.2}; of medians {:.2}",
        km / lm
    );
}

fn memory(args: &[String]) {
    let [side, days] = args else {
        eprintln!("usage: batching_side_by_side memory tokens|llm|engines DAYS");
        std::process::exit(2);
    };
    let days: u64 = days.parse().expect("DAYS is a whole number");
    let t = Instant::now();
    match side.as_str() {
        "engines" => {
            let r = engines_two_h100(&azure_scenario("azure-llm-trace-tokens", days));
            println!(
                "engines, {days} d: {} arrived, {} completed, {} preemptions, ttft p99 {:.3} s, \
                 tpot p99 {:.4} s, in {:.2} s",
                r.arrived,
                r.completed,
                r.preemptions,
                r.ttft.quantile_s(0.99).unwrap_or(0.0),
                r.tpot.quantile_s(0.99).unwrap_or(0.0),
                t.elapsed().as_secs_f64()
            );
        }
        "tokens" | "llm" => {
            let name = match side.as_str() {
                "tokens" => "azure-llm-trace-tokens",
                _ => "azure-llm-trace",
            };
            let o = two_h100(&azure_scenario(name, days));
            let c = o.recorder.counts;
            println!(
                "{side}, {days} d: {} arrived, {} completed, latency p99 {:.3} s, in {:.2} s",
                c.arrived,
                c.completed,
                o.recorder.latency.quantile_s(0.99).unwrap_or(0.0),
                t.elapsed().as_secs_f64()
            );
        }
        other => panic!("unknown side {other}: expected tokens, llm or engines"),
    }
}

//! Tests of the engine against hand-worked closed forms, the naive stepper (`naive`) on
//! random small cases, and published H100 figures (docs/semantics.md#continuous-batching).

use proptest::prelude::*;

use super::naive;
use super::*;
use crate::time::SimTime;

const ST: StepTime = StepTime {
    base: 5_000_000,
    per_prefill_token: 30_000,
    per_decode_seq: 20_000,
    per_kv_token: 100,
};

fn cfg(kv: u64, budget: u32, seqs: u32) -> EngineConfig {
    EngineConfig::new(ST, kv, budget, seqs).unwrap()
}

fn req(id: u64, context_tokens: u32, output_tokens: u32) -> Request {
    Request {
        id,
        context_tokens,
        output_tokens,
    }
}

/// Drives the engine the way a platform does: wake at `next_event` until the next input,
/// `advance` to each input's time, then deliver it; `poll` = false only advances at inputs.
fn drive(
    cfg: EngineConfig,
    arrivals: &[(SimTime, Request)],
    aborts: &[(SimTime, u64)],
    poll: bool,
) -> (Vec<Completion>, Accounting) {
    let mut e = BatchEngine::new(cfg);
    let mut inputs: Vec<(SimTime, Option<Request>, u64)> = arrivals
        .iter()
        .map(|&(t, r)| (t, Some(r), r.id))
        .chain(aborts.iter().map(|&(t, id)| (t, None, id)))
        .collect();
    inputs.sort_by_key(|&(t, r, _)| (t, r.is_none()));
    let mut out = Vec::new();
    for (t, r, id) in inputs {
        while poll && let Some(w) = e.next_event().filter(|&w| w < t) {
            out.extend(e.advance(w));
        }
        out.extend(e.advance(t));
        match r {
            Some(r) => e.enqueue(r, t).unwrap(),
            None => e.abort(id, t),
        }
    }
    out.extend(e.drain());
    assert_eq!(e.in_flight(), 0);
    (out, *e.accounting())
}

fn at0(reqs: &[Request]) -> Vec<(SimTime, Request)> {
    reqs.iter().map(|&r| (SimTime::ZERO, r)).collect()
}

fn ns(ps: u128) -> SimTime {
    SimTime((ps / 1_000) as u64)
}

#[test]
fn one_request_alone_prefills_in_chunks_then_decodes_with_growing_kv() {
    let (ctx, out) = (20_000u64, 5u64);
    let (done, _) = drive(
        cfg(100_000, 8_192, 4),
        &at0(&[req(7, 20_000, 5)]),
        &[],
        true,
    );
    // Chunks of 8192, 8192, 3616; K is the prefix length after each chunk.
    let mut t = 0u128;
    for (p, k) in [(8_192, 8_192), (8_192, 16_384), (3_616, 20_000)] {
        t += ST.step_ps(p, 0, k);
    }
    let first = ns(t);
    for j in 1..out {
        t += ST.step_ps(0, 1, ctx + j);
    }
    assert_eq!(done.len(), 1);
    assert_eq!((done[0].first_token, done[0].finish), (first, ns(t)));
    assert_eq!(done[0].preemptions, 0);
}

#[test]
fn identical_requests_arriving_together_share_every_step() {
    let b = 4u64;
    let reqs: Vec<Request> = (0..b).map(|i| req(i, 10, 3)).collect();
    let (done, acc) = drive(cfg(1_000, 8_192, 8), &at0(&reqs), &[], true);
    let first = ST.step_ps(b * 10, 0, b * 10);
    let finish = first + ST.step_ps(0, b, b * 11) + ST.step_ps(0, b, b * 12);
    for c in &done {
        assert_eq!((c.first_token, c.finish), (ns(first), ns(finish)), "{c:?}");
    }
    assert_eq!(acc.steps, 3);
    assert_eq!(acc.output_tokens, 12);
    assert_eq!(acc.batch_size_mean(), 4.0);
}

#[test]
fn two_requests_that_cannot_both_finish_preempt_the_later_one() {
    // KV 12; each needs 5 + 6 − 1 = 10. Both admit (5 + 5), decode once (12 held), then the
    // next decode needs 2 with 0 free: B (admitted last) is preempted, A runs alone.
    let reqs = [req(0, 5, 6), req(1, 5, 6)];
    let (mut done, acc) = drive(cfg(12, 64, 4), &at0(&reqs), &[], true);
    done.sort_by_key(|c| c.id);
    let s1 = ST.step_ps(10, 0, 10);
    let s2 = ST.step_ps(0, 2, 12);
    // A decodes KV 7, 8, 9, 10 (emitted 3 … 6); B waits: its prompt 5 + 2 = 7 > free 5 − 1.
    let a_end = s1 + s2 + (7..=10).map(|k| ST.step_ps(0, 1, k)).sum::<u128>();
    // B re-prefills 7 tokens (emits token 3), then decodes KV 8, 9, 10 (tokens 4 … 6).
    let b_first = s1;
    let b_end = a_end + ST.step_ps(7, 0, 7) + (8..=10).map(|k| ST.step_ps(0, 1, k)).sum::<u128>();
    assert_eq!(
        (done[0].first_token, done[0].finish, done[0].preemptions),
        (ns(s1), ns(a_end), 0)
    );
    assert_eq!(
        (done[1].first_token, done[1].finish, done[1].preemptions),
        (ns(b_first), ns(b_end), 1)
    );
    assert_eq!(acc.preemptions, 1);
    assert_eq!(acc.prefill_tokens, 17);
}

#[test]
fn an_arrival_mid_step_waits_for_the_boundary() {
    let first = ST.step_ps(10, 0, 10);
    let arrivals = [(SimTime::ZERO, req(0, 10, 1)), (SimTime(1), req(1, 10, 1))];
    let (done, _) = drive(cfg(100, 64, 4), &arrivals, &[], true);
    assert_eq!(done[1].first_token, ns(first + first));
}

#[test]
fn an_aborted_waiting_request_never_runs_and_frees_its_place() {
    // One sequence at a time: request 1 waits behind 0 and is aborted before it starts.
    let arrivals = [
        (SimTime::ZERO, req(0, 10, 100)),
        (SimTime(1), req(1, 10, 100)),
        (SimTime(2), req(2, 10, 1)),
    ];
    let (done, _) = drive(cfg(1_000, 64, 1), &arrivals, &[(SimTime(3), 1)], true);
    assert_eq!(done.iter().map(|c| c.id).collect::<Vec<_>>(), [0, 2]);
}

#[test]
fn requests_that_can_never_fit_or_ask_for_nothing_are_refused() {
    let mut e = BatchEngine::new(cfg(100, 64, 4));
    assert_eq!(
        e.enqueue(req(3, 90, 12), SimTime::ZERO)
            .unwrap_err()
            .to_string(),
        "request 3 can never finish: it needs 101 KV tokens (context + output − 1) and the \
         engine holds 100"
    );
    assert!(e.enqueue(req(4, 0, 1), SimTime::ZERO).is_err());
    assert!(e.enqueue(req(5, 90, 11), SimTime::ZERO).is_ok());
}

#[test]
fn a_budget_below_the_batch_size_is_refused_as_vllm_does() {
    assert_eq!(
        EngineConfig::new(ST, 100, 8, 16).unwrap_err().to_string(),
        "max_batched_tokens must be at least max_num_seqs (every running sequence may decode \
         in one step), found 8 < 16"
    );
}

/// A random small case: step coefficients, limits, requests and aborts.
/// An engine, its arrivals and its aborts, each in time order.
type Case = (EngineConfig, Vec<(SimTime, Request)>, Vec<(SimTime, u64)>);

fn case() -> impl Strategy<Value = Case> {
    let coeffs = (1_000u64..40_000, 0u64..3_000, 0u64..3_000, 0u64..300);
    let reqs = prop::collection::vec(
        (0u64..120, 1u32..40, 1u32..30, any::<bool>(), 0u64..400),
        1..30,
    );
    (coeffs, 1u32..6, 0u32..40, 0u64..60, reqs).prop_map(|(c, seqs, extra, kv_extra, rs)| {
        let st = StepTime {
            base: c.0,
            per_prefill_token: c.1,
            per_decode_seq: c.2,
            per_kv_token: c.3,
        };
        let need = rs.iter().map(|r| (r.1 + r.2 - 1) as u64).max().unwrap();
        let cfg = EngineConfig::new(st, need + kv_extra, seqs + extra, seqs).unwrap();
        let (mut t, mut arrivals, mut aborts) = (0u64, Vec::new(), Vec::new());
        for (i, &(gap, ctx, out, abort, after)) in rs.iter().enumerate() {
            t += gap;
            arrivals.push((SimTime(t), req(i as u64, ctx, out)));
            if abort {
                aborts.push((SimTime(t + after), i as u64));
            }
        }
        aborts.sort_by_key(|a| a.0);
        (cfg, arrivals, aborts)
    })
}

fn by_id(mut v: Vec<Completion>) -> Vec<Completion> {
    v.sort_by_key(|c| c.id);
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]
    #[test]
    fn fast_engine_matches_the_naive_stepper_exactly((cfg, arrivals, aborts) in case()) {
        let (want, want_acc) = naive::simulate(&cfg, &arrivals, &aborts);
        for poll in [true, false] {
            let (got, acc) = drive(cfg, &arrivals, &aborts, poll);
            prop_assert_eq!(by_id(got), by_id(want.clone()));
            prop_assert_eq!(acc, want_acc);
        }
    }
}

mod roofline {
    use super::*;

    fn h100_8b_fp8(params: &EngineParams, seqs: u32) -> EngineConfig {
        EngineConfig::from_catalog("H100", "llama-3.1-8b-fp8", 1, params, 8_192, seqs).unwrap()
    }

    fn tpot_s(c: &Completion) -> f64 {
        (c.finish.0 - c.first_token.0) as f64 / 1e9 / (c.output_tokens - 1) as f64
    }

    #[test]
    fn llama_8b_fp8_on_one_h100_at_low_concurrency_decodes_in_4_to_7_ms() {
        // Lambda's vllm-benchmark: 10 concurrent short prompts, TPOT 5–6 ms.
        let reqs: Vec<Request> = (0..10).map(|i| req(i, 128, 256)).collect();
        let cfg = h100_8b_fp8(&EngineParams::default(), 256);
        let (done, _) = drive(cfg, &at0(&reqs), &[], true);
        eprintln!("tpot at 10 concurrent: {:.3} ms", tpot_s(&done[0]) * 1e3);
        for c in &done {
            let t = tpot_s(c);
            assert!((0.004..=0.007).contains(&t), "tpot {t}");
        }
    }

    /// Output tokens per second with `n` 1000-in/1000-out requests all queued at t = 0.
    fn saturated_tok_s(params: &EngineParams, seqs: u32) -> f64 {
        let reqs: Vec<Request> = (0..2_048).map(|i| req(i, 1_000, 1_000)).collect();
        let (done, acc) = drive(h100_8b_fp8(params, seqs), &at0(&reqs), &[], true);
        let end = done.iter().map(|c| c.finish).max().unwrap();
        acc.output_tokens as f64 / end.as_secs_f64()
    }

    #[test]
    fn saturating_1000_in_1000_out_throughput_is_within_1_5x_of_tensorrt_llm() {
        // TensorRT-LLM perf-overview, H100 FP8, Llama 3.1 8B TP1: 15,220 output tok/s. The
        // catalog's TFLOPS is the dense BF16 figure; FP8 GEMMs on Hopper run at twice it, so
        // an FP8 engine at 50% of its own peak is mfu 1.0 against the BF16 figure.
        let fp8 = EngineParams {
            mfu: 1.0,
            ..EngineParams::default()
        };
        let tok_s = saturated_tok_s(&fp8, 512);
        let ratio = 15_220.0 / tok_s;
        eprintln!("fp8-adjusted mfu, 512 seqs: {tok_s:.0} tok/s, published/simulated = {ratio:.2}");
        assert!((1.0 / 1.5..=1.5).contains(&ratio), "ratio {ratio}");
        let plain = saturated_tok_s(&EngineParams::default(), 256);
        eprintln!(
            "defaults, 256 seqs: {plain:.0} tok/s, ratio {:.2}",
            15_220.0 / plain
        );
        assert!(plain < tok_s);
    }
}

#[test]
fn the_random_cases_exercise_preemption_chunking_and_aborts() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut preempted, mut chunked, mut aborted) = (0, 0, 0);
    for _ in 0..500 {
        let (cfg, arrivals, aborts) = case().new_tree(&mut runner).unwrap().current();
        let (done, acc) = naive::simulate(&cfg, &arrivals, &aborts);
        preempted += (acc.preemptions > 0) as u32;
        chunked += arrivals
            .iter()
            .any(|(_, r)| r.context_tokens > cfg.max_batched_tokens) as u32;
        aborted += (done.len() < arrivals.len()) as u32;
    }
    assert!(
        preempted > 50 && chunked > 50 && aborted > 50,
        "{preempted} {chunked} {aborted}"
    );
}

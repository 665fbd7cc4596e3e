//! Service demand (docs/scenarios.md): the GPU time one request needs, from a distribution or
//! from the LLM token model service = ttft + prefill × context/1000 + per-token × output;
//! or, for a `tokens` service, the token counts a batching engine turns into time
//! (docs/semantics.md#continuous-batching).
//!
//! Deliberately knows nothing of where token counts come from: the request stream hands
//! in recorded counts (an `azure_llm` trace) or asks for a draw.

use super::dist::Dist;
use crate::batching::ModelSpec;
use crate::random::SimRng;
use crate::time::SimDuration;

/// What a request needs, as far as its arrival process knows: a draw from the
/// workload's `service`, or what a trace recorded. It lives here, beside what prices it,
/// and not with the arrival processes: they replay traces, so traces that needed them
/// for this type would make the two modules need each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Demand {
    /// Drawn from the workload's `service`.
    Draw,
    /// Recorded with the arrival (a `csv` trace's `service_s`).
    Service(SimDuration),
    /// Token counts recorded with the arrival (`azure_llm`), priced by the `llm` model.
    Tokens { context: u32, output: u32 },
}

/// The LLM token model (docs/scenarios.md `llm`).
#[derive(Clone, Debug)]
pub struct LlmModel {
    pub ttft_s: f64,
    pub per_output_token_s: f64,
    pub prefill_per_1k_tokens_s: f64,
    /// Token-count distributions, needed only for requests that do not record counts.
    pub context_tokens: Option<Dist>,
    pub output_tokens: Option<Dist>,
}

impl LlmModel {
    /// Seconds for a request with these token counts.
    #[inline]
    pub fn service_s(&self, context: f64, output: f64) -> f64 {
        self.ttft_s
            + self.prefill_per_1k_tokens_s * context / 1000.0
            + self.per_output_token_s * output
    }

    /// The service time of recorded counts, rounded to the nearest nanosecond.
    #[inline]
    pub fn service(&self, context: u32, output: u32) -> SimDuration {
        SimDuration::from_secs_f64(self.service_s(context as f64, output as f64))
    }

    /// Draws counts (rounded to integers ≥ 0, docs/semantics.md#arrivals), context first.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        let draw = |d: &Option<Dist>, rng: &mut SimRng| {
            d.as_ref()
                .expect("validated: token distributions exist when requests draw them")
                .sample_f64(rng)
                .round()
                .max(0.0)
        };
        let context = draw(&self.context_tokens, rng);
        let output = draw(&self.output_tokens, rng);
        SimDuration::from_secs_f64(self.service_s(context, output))
    }

    /// Mean service time of drawn counts (rounding to integers is ignored: it moves a
    /// mean of hundreds of tokens by well under one token).
    pub fn mean_s(&self) -> Option<f64> {
        Some(self.service_s(
            self.context_tokens.as_ref()?.mean(),
            self.output_tokens.as_ref()?.mean(),
        ))
    }
}

/// A `tokens` service: requests ask a model for tokens, and the platform's batching
/// engines decide how long that takes.
#[derive(Clone, Debug)]
pub struct TokensService {
    pub model: ModelSpec,
    /// Token-count distributions, needed only for requests that do not record counts.
    pub context_tokens: Option<Dist>,
    pub output_tokens: Option<Dist>,
}

impl TokensService {
    /// Draws counts, context first: rounded to integers, at least 1 (a request always has
    /// a prompt and emits a token), at most u32::MAX.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> (u32, u32) {
        let mut draw = |d: &Option<Dist>| {
            let x = d
                .as_ref()
                .expect("validated: token distributions exist when requests draw them")
                .sample_f64(rng)
                .round();
            x.clamp(1.0, u32::MAX as f64) as u32
        };
        let context = draw(&self.context_tokens);
        (context, draw(&self.output_tokens))
    }

    /// Mean drawn counts (the rounding and the floor of 1 are ignored), if both are drawn.
    pub fn mean_tokens(&self) -> Option<(f64, f64)> {
        Some((
            self.context_tokens.as_ref()?.mean().max(1.0),
            self.output_tokens.as_ref()?.mean().max(1.0),
        ))
    }
}

/// What a request draws when its arrival does not record its demand.
#[derive(Clone, Debug)]
pub enum Service {
    Dist(Dist),
    Llm(LlmModel),
    Tokens(TokensService),
}

impl Service {
    /// One demand. Durations come from the `service` stream, token counts from `tokens`,
    /// so that adding an LLM model never shifts other draws.
    #[inline]
    pub fn sample(&self, service: &mut SimRng, tokens: &mut SimRng) -> SimDuration {
        match self {
            Service::Dist(d) => d.sample(service),
            Service::Llm(m) => m.sample(tokens),
            Service::Tokens(t) => {
                let (context, output) = t.sample(tokens);
                super::Request::pack_tokens(context, output)
            }
        }
    }

    /// Mean demand of a draw (`None` for an LLM model without token distributions, and
    /// for a `tokens` service, whose time the platform's engines decide).
    pub fn mean_s(&self) -> Option<f64> {
        match self {
            Service::Dist(d) => Some(d.mean()),
            Service::Llm(m) => m.mean_s(),
            Service::Tokens(_) => None,
        }
    }
}

impl From<Dist> for Service {
    fn from(d: Dist) -> Service {
        Service::Dist(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Stream, stream_rng};

    #[test]
    fn the_token_model_adds_ttft_prefill_and_decode() {
        let m = LlmModel {
            ttft_s: 0.05,
            per_output_token_s: 0.006,
            prefill_per_1k_tokens_s: 0.02,
            context_tokens: Some(Dist::constant(1500.0)),
            output_tokens: Some(Dist::constant(200.4)),
        };
        // 0.05 + 0.02 × 1.5 + 0.006 × 200 (200.4 rounds to 200).
        let mut rng = stream_rng(1, 0, Stream::Tokens, 0);
        assert_eq!(m.sample(&mut rng), SimDuration::from_secs_f64(1.28));
        assert_eq!(m.service(1500, 200), SimDuration::from_secs_f64(1.28));
        assert!((m.mean_s().unwrap() - (0.05 + 0.03 + 0.006 * 200.4)).abs() < 1e-12);
    }

    #[test]
    fn tokens_draws_are_whole_at_least_one_and_context_comes_first() {
        let t = TokensService {
            model: crate::batching::ModelSpec::from_catalog("llama-3.1-8b").unwrap(),
            context_tokens: Some(Dist::uniform(0.0, 2.0)),
            output_tokens: Some(Dist::constant(7.4)),
        };
        let mut rng = stream_rng(3, 0, Stream::Tokens, 0);
        let mut seen = [0u32; 3];
        for _ in 0..30_000 {
            let (c, o) = t.sample(&mut rng);
            assert_eq!(o, 7);
            seen[c as usize] += 1;
        }
        // round(U[0,2]) is 0 a quarter of the time, 1 half, 2 a quarter; 0 becomes 1.
        assert_eq!(seen[0], 0);
        assert!(seen[1] > 21_500 && seen[1] < 23_500, "{seen:?}");
        assert_eq!(t.mean_tokens(), Some((1.0, 7.4)));
    }

    #[test]
    fn drawn_token_counts_are_whole_and_never_negative() {
        let m = LlmModel {
            ttft_s: 0.0,
            per_output_token_s: 1.0,
            prefill_per_1k_tokens_s: 0.0,
            context_tokens: Some(Dist::constant(0.0)),
            output_tokens: Some(Dist::uniform(0.0, 3.0)),
        };
        let mut rng = stream_rng(2, 0, Stream::Tokens, 0);
        let mut seen = [0u32; 4];
        for _ in 0..40_000 {
            let s = m.sample(&mut rng).as_secs_f64();
            assert_eq!(s, s.round(), "{s}");
            seen[s as usize] += 1;
        }
        // round(U[0,3]): 0 and 3 half as likely as 1 and 2.
        assert!(
            seen[0] > 5_000 && seen[0] < 8_300 && seen[1] > 12_000,
            "{seen:?}"
        );
    }
}

//! Fault injection: random (seeded), scripted through the handle, or asked for per request.
//!
//! Precedence for one request: the `x-sim-fault` header, then the first matching scripted
//! fault, then the random draw. Random draws use one seeded [`StdRng`], so a given seed and the
//! same request sequence give the same faults.
//!
//! # The `x-sim-fault` header
//!
//! | value                | effect                                                        |
//! |----------------------|---------------------------------------------------------------|
//! | `500`                | 500 with the operation's error body                           |
//! | `503`                | 503 with the operation's error body                           |
//! | `429`                | 429 with `Retry-After: 1`                                     |
//! | `429;retry-after=N`  | 429 with `Retry-After: N`                                     |
//! | `reset`              | the connection is closed before the request is processed      |
//! | `truncate`           | the real response, its body cut in half under the full `Content-Length`, then the connection closes |
//! | `malformed`          | the real status and headers, body replaced by broken JSON     |
//! | `latency=MS`         | the real response after `MS` milliseconds                     |
//! | `applied-then-500`   | the request is processed (a write is stored), then 500 is answered instead |
//! | `applied-then-reset` | the request is processed, then the connection is closed without a response |
//! | `applied-then-truncate` | the request is processed, then its response is cut off as for `truncate` |
//!
//! `500`, `503`, `429` and `reset` happen before the handler: nothing is stored. The
//! `applied-then-*` kinds (and `truncate`, `malformed`) happen after it: a write is stored and
//! only its answer is lost or replaced, which is how "did my write happen?" ambiguity arises
//! on real networks.
//!
//! An unparsable value is answered with 400 naming the `x-sim-fault` header.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::operation::Operation;

/// The request header that asks for a fault on that one request.
pub const FAULT_HEADER: &str = "x-sim-fault";

/// One injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Fault {
    /// 500 Internal Server Error with the operation's error body.
    InternalError,
    /// 503 Service Unavailable with the operation's error body.
    Unavailable,
    /// 429 Too Many Requests with `Retry-After` in seconds.
    TooManyRequests {
        /// Value of the `Retry-After` header.
        retry_after_secs: u64,
    },
    /// The normal answer, delayed.
    Latency {
        /// Added delay in milliseconds.
        ms: u64,
    },
    /// Close the connection without answering, before the request is processed.
    Reset,
    /// Send half the body under the full `Content-Length`, then close.
    Truncate,
    /// Keep status and headers, replace the body with broken JSON.
    Malformed,
    /// Process the request (a write is stored), then answer 500 with the operation's error
    /// body instead of the real response.
    AppliedThen500,
    /// Process the request (a write is stored), then close the connection without answering.
    AppliedThenReset,
    /// Process the request (a write is stored), then send half the body under the full
    /// `Content-Length` and close (the same as [`Fault::Truncate`], named for what it tests).
    AppliedThenTruncate,
}

impl Fault {
    /// Whether the handler runs before the fault strikes (a write is stored).
    pub fn after_handler(self) -> bool {
        matches!(
            self,
            Fault::Truncate
                | Fault::Malformed
                | Fault::AppliedThen500
                | Fault::AppliedThenReset
                | Fault::AppliedThenTruncate
        )
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::InternalError => f.write_str("500"),
            Fault::Unavailable => f.write_str("503"),
            Fault::TooManyRequests { retry_after_secs } => {
                write!(f, "429;retry-after={retry_after_secs}")
            }
            Fault::Latency { ms } => write!(f, "latency={ms}"),
            Fault::Reset => f.write_str("reset"),
            Fault::Truncate => f.write_str("truncate"),
            Fault::Malformed => f.write_str("malformed"),
            Fault::AppliedThen500 => f.write_str("applied-then-500"),
            Fault::AppliedThenReset => f.write_str("applied-then-reset"),
            Fault::AppliedThenTruncate => f.write_str("applied-then-truncate"),
        }
    }
}

/// A fault description that is not in the `x-sim-fault` syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "x-sim-fault: `{0}` is not a fault (expected 500, 503, 429, 429;retry-after=N, reset, truncate, malformed, latency=MS, applied-then-500, applied-then-reset or applied-then-truncate)"
)]
pub struct FaultParseError(pub String);

impl FromStr for Fault {
    type Err = FaultParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim().to_ascii_lowercase();
        let bad = || FaultParseError(s.to_owned());
        let fault = match text.as_str() {
            "500" => Fault::InternalError,
            "503" => Fault::Unavailable,
            "429" => Fault::TooManyRequests {
                retry_after_secs: 1,
            },
            "reset" => Fault::Reset,
            "truncate" => Fault::Truncate,
            "malformed" => Fault::Malformed,
            "applied-then-500" => Fault::AppliedThen500,
            "applied-then-reset" => Fault::AppliedThenReset,
            "applied-then-truncate" => Fault::AppliedThenTruncate,
            other => {
                if let Some(params) = other.strip_prefix("429;") {
                    let secs = params
                        .trim()
                        .strip_prefix("retry-after=")
                        .ok_or_else(bad)?
                        .trim()
                        .parse::<u64>()
                        .map_err(|_| bad())?;
                    Fault::TooManyRequests {
                        retry_after_secs: secs,
                    }
                } else if let Some(ms) = other.strip_prefix("latency=") {
                    Fault::Latency {
                        ms: ms.trim().parse::<u64>().map_err(|_| bad())?,
                    }
                } else {
                    return Err(bad());
                }
            }
        };
        Ok(fault)
    }
}

/// Probabilities (0.0–1.0) of each random fault, and the seed of the draw.
///
/// Each request draws once for latency (independently) and once for the rest: 500, 503, 429,
/// reset, truncate, malformed, applied-then-500, applied-then-reset and applied-then-truncate
/// share one draw, in that order, so their sum must stay ≤ 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FaultConfig {
    /// Probability of a 500.
    pub error_500: f64,
    /// Probability of a 503.
    pub error_503: f64,
    /// Probability of a 429.
    pub error_429: f64,
    /// `Retry-After` seconds on random 429s.
    pub retry_after_secs: u64,
    /// Probability of added latency.
    pub latency: f64,
    /// Added latency in milliseconds.
    pub latency_ms: u64,
    /// Probability of closing the connection without a response.
    pub reset: f64,
    /// Probability of a truncated body.
    pub truncate: f64,
    /// Probability of a malformed JSON body.
    pub malformed: f64,
    /// Probability of processing the request, then answering 500.
    pub applied_then_500: f64,
    /// Probability of processing the request, then closing the connection unanswered.
    pub applied_then_reset: f64,
    /// Probability of processing the request, then truncating its response.
    pub applied_then_truncate: f64,
    /// Seed of the random draw.
    pub seed: u64,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            error_500: 0.0,
            error_503: 0.0,
            error_429: 0.0,
            retry_after_secs: 1,
            latency: 0.0,
            latency_ms: 100,
            reset: 0.0,
            truncate: 0.0,
            malformed: 0.0,
            applied_then_500: 0.0,
            applied_then_reset: 0.0,
            applied_then_truncate: 0.0,
            seed: 0,
        }
    }
}

impl FaultConfig {
    /// Checks every probability is within 0.0–1.0 and the exclusive ones sum to ≤ 1.
    pub fn validate(&self) -> Result<(), String> {
        let named = [
            ("error_500", self.error_500),
            ("error_503", self.error_503),
            ("error_429", self.error_429),
            ("latency", self.latency),
            ("reset", self.reset),
            ("truncate", self.truncate),
            ("malformed", self.malformed),
            ("applied_then_500", self.applied_then_500),
            ("applied_then_reset", self.applied_then_reset),
            ("applied_then_truncate", self.applied_then_truncate),
        ];
        for (name, p) in named {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!(
                    "fault probability {name} must be within 0.0..=1.0, got {p}"
                ));
            }
        }
        let exclusive = self.exclusive();
        if exclusive > 1.0 + f64::EPSILON {
            return Err(format!(
                "fault probabilities 500+503+429+reset+truncate+malformed+applied-then-* must sum to at most 1.0, got {exclusive}"
            ));
        }
        Ok(())
    }

    fn exclusive(&self) -> f64 {
        self.error_500
            + self.error_503
            + self.error_429
            + self.reset
            + self.truncate
            + self.malformed
            + self.applied_then_500
            + self.applied_then_reset
            + self.applied_then_truncate
    }

    fn any(&self) -> bool {
        self.latency > 0.0 || self.exclusive() > 0.0
    }
}

/// "The next `remaining` requests to `operation` (or to any operation) fail with `fault`."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedFault {
    /// The operation it applies to; `None` for any classified request.
    pub operation: Option<Operation>,
    /// How many more requests it hits.
    pub remaining: u32,
    /// What happens to them.
    pub fault: Fault,
}

/// What the pipeline should do to one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FaultPlan {
    pub latency_ms: u64,
    pub fault: Option<Fault>,
}

#[derive(Debug)]
struct Inner {
    config: FaultConfig,
    rng: StdRng,
    scripted: VecDeque<ScriptedFault>,
}

/// Decides faults for requests.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    inner: Mutex<Inner>,
}

impl FaultInjector {
    pub fn new(config: FaultConfig) -> Self {
        let rng = StdRng::seed_from_u64(config.seed);
        FaultInjector {
            inner: Mutex::new(Inner {
                config,
                rng,
                scripted: VecDeque::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the random configuration and re-seeds the draw.
    pub fn set_config(&self, config: FaultConfig) {
        let mut inner = self.lock();
        inner.rng = StdRng::seed_from_u64(config.seed);
        inner.config = config;
    }

    pub fn config(&self) -> FaultConfig {
        self.lock().config.clone()
    }

    pub fn script(&self, scripted: ScriptedFault) {
        if scripted.remaining > 0 {
            self.lock().scripted.push_back(scripted);
        }
    }

    pub fn clear_scripts(&self) {
        self.lock().scripted.clear();
    }

    pub fn pending_scripts(&self) -> Vec<ScriptedFault> {
        self.lock().scripted.iter().cloned().collect()
    }

    /// The plan for one request to `op`, given its `x-sim-fault` header (already parsed).
    pub fn plan(&self, op: Operation, header: Option<Fault>) -> FaultPlan {
        if let Some(fault) = header {
            return single(fault);
        }
        let mut inner = self.lock();
        if let Some(pos) = inner
            .scripted
            .iter()
            .position(|s| s.operation.is_none_or(|o| o == op))
        {
            let fault = inner.scripted[pos].fault;
            inner.scripted[pos].remaining -= 1;
            if inner.scripted[pos].remaining == 0 {
                inner.scripted.remove(pos);
            }
            return single(fault);
        }
        if !inner.config.any() {
            return FaultPlan::default();
        }
        let config = inner.config.clone();
        let latency_draw: f64 = inner.rng.random();
        let draw: f64 = inner.rng.random();
        let latency_ms = if latency_draw < config.latency {
            config.latency_ms
        } else {
            0
        };
        let choices = [
            (config.error_500, Fault::InternalError),
            (config.error_503, Fault::Unavailable),
            (
                config.error_429,
                Fault::TooManyRequests {
                    retry_after_secs: config.retry_after_secs,
                },
            ),
            (config.reset, Fault::Reset),
            (config.truncate, Fault::Truncate),
            (config.malformed, Fault::Malformed),
            (config.applied_then_500, Fault::AppliedThen500),
            (config.applied_then_reset, Fault::AppliedThenReset),
            (config.applied_then_truncate, Fault::AppliedThenTruncate),
        ];
        let mut threshold = 0.0;
        let mut fault = None;
        for (p, f) in choices {
            threshold += p;
            if draw < threshold {
                fault = Some(f);
                break;
            }
        }
        FaultPlan { latency_ms, fault }
    }
}

fn single(fault: Fault) -> FaultPlan {
    match fault {
        Fault::Latency { ms } => FaultPlan {
            latency_ms: ms,
            fault: None,
        },
        other => FaultPlan {
            latency_ms: 0,
            fault: Some(other),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_syntax_round_trips() {
        for text in [
            "500",
            "503",
            "429;retry-after=7",
            "reset",
            "truncate",
            "malformed",
            "latency=250",
            "applied-then-500",
            "applied-then-reset",
            "applied-then-truncate",
        ] {
            let fault: Fault = text.parse().unwrap();
            assert_eq!(fault.to_string(), text);
        }
        assert_eq!(
            "429".parse::<Fault>().unwrap(),
            Fault::TooManyRequests {
                retry_after_secs: 1
            }
        );
        assert!("418".parse::<Fault>().is_err());
        assert!("429;retry-after=x".parse::<Fault>().is_err());
    }

    #[test]
    fn same_seed_same_faults() {
        let config = FaultConfig {
            error_503: 0.3,
            reset: 0.2,
            latency: 0.5,
            latency_ms: 5,
            seed: 42,
            ..FaultConfig::default()
        };
        let draw = || {
            let injector = FaultInjector::new(config.clone());
            (0..200)
                .map(|_| injector.plan(Operation::GetSkillManifest, None))
                .collect::<Vec<_>>()
        };
        let a = draw();
        assert_eq!(a, draw());
        let faults = a.iter().filter(|p| p.fault.is_some()).count();
        assert!(
            (60..140).contains(&faults),
            "about half should fail, got {faults}"
        );
    }

    #[test]
    fn scripts_apply_in_order_and_run_out() {
        let injector = FaultInjector::new(FaultConfig::default());
        injector.script(ScriptedFault {
            operation: Some(Operation::GetSkillStatus),
            remaining: 2,
            fault: Fault::Unavailable,
        });
        assert_eq!(injector.plan(Operation::GetSkillManifest, None).fault, None);
        assert_eq!(
            injector.plan(Operation::GetSkillStatus, None).fault,
            Some(Fault::Unavailable)
        );
        assert_eq!(
            injector.plan(Operation::GetSkillStatus, None).fault,
            Some(Fault::Unavailable)
        );
        assert_eq!(injector.plan(Operation::GetSkillStatus, None).fault, None);
    }
}

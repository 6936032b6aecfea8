//! Waiting for asynchronous work: skill builds, publications, discovery sessions.
//!
//! Each `wait_*` method polls with growing intervals until the work reaches a final state,
//! returns at once on `FAILED` (with the server's errors), and gives up after an overall
//! timeout with [`Error::WaitTimeout`]. A progress callback sees every poll.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::Error;

/// How to poll. Cheap to clone.
///
/// ```
/// use std::time::Duration;
/// use alexa_smapi::PollPolicy;
/// let p = PollPolicy::default().timeout(Duration::from_secs(120)).initial_interval(Duration::from_millis(100));
/// assert_eq!(p.timeout, Duration::from_secs(120));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PollPolicy {
    /// Wait before the second poll.
    pub initial_interval: Duration,
    /// Longest wait between polls.
    pub max_interval: Duration,
    /// Growth of the wait between polls.
    pub factor: f64,
    /// Give up after this long.
    pub timeout: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            factor: 1.5,
            timeout: Duration::from_secs(15 * 60),
        }
    }
}

impl PollPolicy {
    /// Sets [`initial_interval`](PollPolicy::initial_interval).
    pub fn initial_interval(mut self, d: Duration) -> Self {
        self.initial_interval = d;
        self
    }

    /// Sets [`max_interval`](PollPolicy::max_interval).
    pub fn max_interval(mut self, d: Duration) -> Self {
        self.max_interval = d;
        self
    }

    /// Sets [`timeout`](PollPolicy::timeout).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
}

/// What a progress callback is told after each poll.
#[derive(Clone, Debug)]
pub struct PollProgress<'a> {
    /// What is being waited for, for example `build of skill amzn1.ask.skill.…`.
    pub what: &'a str,
    /// Polls so far (1 after the first).
    pub polls: u32,
    /// Time since the wait started.
    pub elapsed: Duration,
    /// The state just seen, as the server names it (`IN_PROGRESS`, ...).
    pub state: &'a str,
}

/// A progress callback.
///
/// ```
/// use alexa_smapi::poll::Progress;
/// let p = Progress::new(|p| eprintln!("{}: {} after {:?}", p.what, p.state, p.elapsed));
/// # let _ = p;
/// ```
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(&PollProgress<'_>) + Send + Sync>);

impl Progress {
    /// Wraps a callback.
    pub fn new(f: impl Fn(&PollProgress<'_>) + Send + Sync + 'static) -> Self {
        Progress(Arc::new(f))
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// One poll's verdict.
pub(crate) enum Step<T> {
    /// Final and successful.
    Done(T),
    /// Not final; the state name.
    Pending(String),
}

/// Polls `check` until it returns `Done` or an error, or the policy's timeout passes.
pub(crate) async fn poll_until<T, F, Fut>(
    policy: &PollPolicy,
    what: &str,
    progress: Option<&Progress>,
    mut check: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Step<T>, Error>>,
{
    let started = Instant::now();
    let mut interval = policy.initial_interval;
    let mut polls = 0u32;
    loop {
        polls += 1;
        let step = check().await?;
        let state = match step {
            Step::Done(value) => return Ok(value),
            Step::Pending(state) => state,
        };
        let elapsed = started.elapsed();
        if let Some(progress) = progress {
            (progress.0)(&PollProgress {
                what,
                polls,
                elapsed,
                state: &state,
            });
        }
        tracing::debug!(what, polls, state = %state, "still waiting");
        if elapsed >= policy.timeout {
            return Err(Error::WaitTimeout {
                what: what.to_owned(),
                waited: elapsed,
                last_state: state,
            });
        }
        let wait = interval.min(policy.timeout.saturating_sub(elapsed));
        tokio::time::sleep(wait).await;
        interval = interval
            .mul_f64(policy.factor.max(1.0))
            .min(policy.max_interval);
    }
}

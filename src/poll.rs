//! Waiting for asynchronous work: skill builds, publications, discovery sessions.
//!
//! Each `wait_*` method polls with growing intervals until the work reaches a final state,
//! returns at once on `FAILED` (with the server's errors), and gives up after an overall
//! timeout with [`Error::WaitTimeout`]. A progress callback sees every poll.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

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

/// A wait for asynchronous work to finish; await it to get the final value `T`.
///
/// Returned by [`Skills::wait_until_built`](crate::api::Skills::wait_until_built)
/// ([`WaitBuilt`](crate::api::WaitBuilt)),
/// [`Publishing::wait_until_published`](crate::api::Publishing::wait_until_published)
/// ([`WaitPublished`](crate::api::WaitPublished)) and
/// [`Discovery::wait`](crate::api::Discovery::wait) ([`WaitDiscovery`](crate::api::WaitDiscovery)).
/// It starts with the client's [`PollPolicy`]; [`policy`](Wait::policy) and
/// [`progress`](Wait::progress) adjust it. Nothing is sent until it is awaited, and an invalid
/// ID ends the wait with [`Error::Validation`] before any request.
///
/// ```no_run
/// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
/// use std::time::Duration;
/// use alexa_smapi::PollPolicy;
/// use alexa_smapi::poll::Progress;
/// let status = smapi.skills().wait_until_built("amzn1.ask.skill.1")
///     .policy(PollPolicy::default().timeout(Duration::from_secs(300)))
///     .progress(Progress::new(|p| eprintln!("{}: {} (poll {})", p.what, p.state, p.polls)))
///     .await?;
/// # let _ = status; Ok(()) }
/// ```
#[must_use = "a wait does nothing until awaited"]
pub struct Wait<'a, T> {
    policy: PollPolicy,
    progress: Option<Progress>,
    what: String,
    input: Result<(), Error>,
    check: Check<'a, T>,
}

/// One poll of a [`Wait`]: ask the server once and judge the answer.
type Check<'a, T> = Box<dyn FnMut() -> BoxFuture<'a, Result<Step<T>, Error>> + Send + 'a>;

impl<'a, T> Wait<'a, T> {
    /// A wait for `what` (the progress and timeout text) that polls `check`. `input` is the
    /// result of validating the caller's IDs: an error is returned on await, before any poll.
    pub(crate) fn new<F, Fut>(
        policy: PollPolicy,
        what: String,
        input: Result<(), Error>,
        mut check: F,
    ) -> Self
    where
        F: FnMut() -> Fut + Send + 'a,
        Fut: Future<Output = Result<Step<T>, Error>> + Send + 'a,
    {
        Wait {
            policy,
            progress: None,
            what,
            input,
            check: Box::new(move || Box::pin(check())),
        }
    }

    /// Poll with this policy instead of the client's.
    pub fn policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Report every poll.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }
}

impl<T> fmt::Debug for Wait<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("what", &self.what)
            .field("policy", &self.policy)
            .field("progress", &self.progress)
            .finish_non_exhaustive()
    }
}

impl<'a, T: Send + 'a> IntoFuture for Wait<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'a, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        let Wait {
            policy,
            progress,
            what,
            input,
            check,
        } = self;
        Box::pin(async move {
            input?;
            poll_until(&policy, &what, progress.as_ref(), check).await
        })
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

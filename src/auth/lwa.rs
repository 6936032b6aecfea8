//! Login with Amazon (LWA) refresh-token grant, cached and refreshed single-flight.

use std::fmt;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use futures::future::BoxFuture;
use serde::Deserialize;
use tracing::Instrument;

use super::{Secret, TokenProvider};
use crate::Error;
use crate::redact::Redactor;
use crate::retry::{AttemptOutcome, Retrier, RetryPolicy, retry_after_of};

/// Default LWA host (the ASK CLI's `ASK_LWA_TOKEN_HOST` default).
pub const DEFAULT_LWA_TOKEN_HOST: &str = "https://api.amazon.com";
/// Path of the token endpoint under the LWA host.
pub const TOKEN_PATH: &str = "/auth/o2/token";

/// The LWA client (security profile) and the refresh token it issued.
///
/// `Debug` redacts the secret and the tokens.
///
/// ```
/// use alexa_smapi::auth::LwaCredentials;
/// let creds = LwaCredentials::new("amzn1.application-oa2-client.abc", "s3cr3t", "Atzr|r3fr3sh");
/// let shown = format!("{creds:?}");
/// assert!(!shown.contains("s3cr3t") && !shown.contains("r3fr3sh"));
/// ```
#[derive(Clone)]
pub struct LwaCredentials {
    client_id: String,
    client_secret: Secret,
    refresh_token: Secret,
    cached: Option<(Secret, DateTime<Utc>)>,
}

impl fmt::Debug for LwaCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LwaCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("refresh_token", &self.refresh_token)
            .field("cached_access_token", &self.cached.as_ref().map(|(t, _)| t))
            .finish()
    }
}

impl LwaCredentials {
    /// LWA client ID and secret, and a refresh token issued to that client.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
    ) -> Self {
        LwaCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: refresh_token.into(),
            cached: None,
        }
    }

    /// Starts from an access token obtained earlier (for example the ASK CLI's), used until
    /// `expires_at` minus the refresh margin.
    pub fn with_cached_access_token(mut self, token: Secret, expires_at: DateTime<Utc>) -> Self {
        self.cached = Some((token, expires_at));
        self
    }

    /// The LWA client ID (not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
}

#[derive(Clone)]
struct Cached {
    token: Secret,
    refresh_at: Instant,
}

/// Obtains access tokens with the LWA refresh-token grant.
///
/// - `POST {host}/auth/o2/token`, form-encoded `grant_type=refresh_token`, `client_id`,
///   `client_secret`, `refresh_token`;
/// - the token is cached until `expires_in` minus a margin (60 s by default, or half the
///   lifetime for short-lived tokens);
/// - `expires_in` is believed up to [`MAX_TOKEN_LIFETIME`] (any larger value is clamped);
/// - refreshes are single-flight, for success and for failure: any number of concurrent
///   callers wait for one request; when it fails, every waiter gets its error, and callers
///   arriving during a short back-off ([`with_failure_backoff`](Self::with_failure_backoff))
///   get it too, without a new request;
/// - after a 401 from SMAPI, the rejected token is dropped and one refresh is shared by
///   every request that saw it;
/// - transient failures of the token endpoint (transport errors, 429, 5xx) are retried by the
///   same engine and [`RetryPolicy`] as SMAPI requests, `Retry-After` honoured;
/// - the form is sent as a one-shot body and redirects are refused, so the client secret and
///   refresh token never go anywhere but the token endpoint; every message built from the
///   endpoint's answer passes through the redactor (secrets raw, URL-encoded, JSON-escaped).
///
/// Usually built for you by [`SmapiBuilder::lwa`](crate::SmapiBuilder::lwa).
pub struct LwaTokenProvider {
    http: reqwest::Client,
    token_url: reqwest::Url,
    client_id: String,
    client_secret: Secret,
    margin: Duration,
    retry: RetryPolicy,
    cache: RwLock<Option<Cached>>,
    // Holds the refresh token; whoever holds the lock is the one refreshing.
    refresh: tokio::sync::Mutex<Secret>,
    // The last refresh failure, shared by every caller until its back-off ends.
    failure: Mutex<Option<Failure>>,
    failure_backoff: Duration,
}

/// First back-off after a failed refresh (doubling with each further failure, at most 30 s).
pub const DEFAULT_FAILURE_BACKOFF: Duration = Duration::from_secs(1);

impl fmt::Debug for LwaTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LwaTokenProvider")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

impl LwaTokenProvider {
    /// A provider talking to the token endpoint of `lwa_host` (for example
    /// `https://api.amazon.com`) with `http`.
    pub fn new(
        http: reqwest::Client,
        lwa_host: &str,
        credentials: LwaCredentials,
    ) -> Result<Self, Error> {
        let base = reqwest::Url::parse(lwa_host).map_err(|e| Error::Config {
            message: format!(
                "LWA token host `{}` is not a URL: {e}",
                crate::client::strip_query(lwa_host)
            ),
            source: None,
        })?;
        let token_url = base.join(TOKEN_PATH).map_err(|e| Error::Config {
            message: format!(
                "LWA token host `{}`: {e}",
                crate::client::strip_query(lwa_host)
            ),
            source: None,
        })?;
        let margin = Duration::from_secs(60);
        let cached = credentials.cached.and_then(|(token, expires_at)| {
            let left = (expires_at - Utc::now()).to_std().ok()?;
            let left = left.min(MAX_TOKEN_LIFETIME).checked_sub(margin)?;
            Some(Cached {
                token,
                refresh_at: Instant::now().checked_add(left)?,
            })
        });
        Ok(LwaTokenProvider {
            http,
            token_url,
            client_id: credentials.client_id,
            client_secret: credentials.client_secret,
            margin,
            retry: RetryPolicy::default(),
            cache: RwLock::new(cached),
            refresh: tokio::sync::Mutex::new(credentials.refresh_token),
            failure: Mutex::new(None),
            failure_backoff: DEFAULT_FAILURE_BACKOFF,
        })
    }

    /// Refresh this long before the token's stated expiry (default 60 s). Tokens that live
    /// less than twice the margin are refreshed after half their lifetime.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Back-off after a failed refresh (default [`DEFAULT_FAILURE_BACKOFF`], doubling with
    /// each further failure up to 30 s): during it, every caller gets the failure at once
    /// instead of sending another request.
    pub fn with_failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_backoff = backoff;
        self
    }

    /// Retry policy for the token endpoint (default [`RetryPolicy::default`]).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The token endpoint URL.
    pub fn token_url(&self) -> &str {
        self.token_url.as_str()
    }

    fn fresh(&self) -> Option<Secret> {
        let guard = self.cache.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.token.clone())
    }

    fn store(&self, token: Secret, expires_in: Duration) {
        let expires_in = expires_in.min(MAX_TOKEN_LIFETIME);
        let lead = if expires_in > self.margin.saturating_mul(2) {
            self.margin
        } else {
            expires_in / 2
        };
        let now = Instant::now();
        let cached = Cached {
            token,
            refresh_at: now
                .checked_add(expires_in.saturating_sub(lead))
                .unwrap_or(now),
        };
        *self.cache.write().unwrap_or_else(|e| e.into_inner()) = Some(cached);
    }

    fn drop_if(&self, rejected: &Secret) {
        let mut guard = self.cache.write().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_some_and(|c| &c.token == rejected) {
            *guard = None;
        }
    }

    /// The shared failure of the last refresh, while its back-off lasts.
    fn recent_failure(&self) -> Option<Error> {
        let guard = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|f| Instant::now() < f.until)
            .map(|f| auth_error(f.message.clone()))
    }

    /// Remembers a failed refresh: every caller waiting for it, and every caller arriving
    /// during the back-off, gets this error instead of starting another request.
    fn remember_failure(&self, error: &Error) {
        let mut guard = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        let streak = guard.as_ref().map_or(0, |f| f.streak).saturating_add(1);
        let factor = 2u32.saturating_pow(streak.saturating_sub(1).min(16));
        let backoff = self
            .failure_backoff
            .saturating_mul(factor)
            .min(MAX_FAILURE_BACKOFF);
        *guard = Some(Failure {
            message: match error {
                Error::Auth { message, .. } => message.clone(),
                other => other.to_string(),
            },
            until: Instant::now()
                .checked_add(backoff)
                .unwrap_or_else(Instant::now),
            streak,
        });
    }

    fn forget_failure(&self) {
        *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// One refresh, single-flight: the caller holds the refresh lock. Success is cached for
    /// everyone; failure is shared with every waiter for a short back-off.
    async fn refresh_locked(&self, refresh_token: &mut Secret) -> Result<Secret, Error> {
        if let Some(shared) = self.recent_failure() {
            return Err(shared);
        }
        match self.fetch(refresh_token).await {
            Ok(token) => {
                self.forget_failure();
                Ok(token)
            }
            Err(e) => {
                self.remember_failure(&e);
                Err(e)
            }
        }
    }

    /// Exchanges the refresh token, retried by the crate's one retry engine (the token
    /// endpoint is safe to repeat; `Retry-After` honoured).
    async fn fetch(&self, refresh_token: &mut Secret) -> Result<Secret, Error> {
        let mut retrier = Retrier::new(&self.retry);
        loop {
            let attempt = retrier.begin();
            match self.fetch_once(refresh_token).await {
                Ok(token) => return Ok(token),
                Err(FetchError::Fatal(e)) => return Err(e),
                Err(FetchError::Transient {
                    error,
                    outcome,
                    retry_after,
                }) => match retrier.next_wait(outcome, true, retry_after) {
                    Some(delay) => {
                        tracing::debug!(
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            retry_after = retry_after.is_some(),
                            "LWA token request failed; retrying"
                        );
                        tokio::time::sleep(delay).await;
                    }
                    None => return Err(error),
                },
            }
        }
    }

    async fn fetch_once(&self, refresh_token: &mut Secret) -> Result<Secret, FetchError> {
        let redactor = Redactor::new([self.client_secret.expose(), refresh_token.expose()]);
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("refresh_token", refresh_token.expose()),
        ];
        let mut request = self
            .http
            .post(self.token_url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .build()
            .map_err(|e| {
                FetchError::Fatal(auth_error(format!(
                    "LWA token request could not be built: {}",
                    redactor.redact(&e.without_url().to_string())
                )))
            })?;
        // The form goes out as a one-shot body: a body that cannot be cloned is never re-sent
        // by a redirect (307/308), whatever the HTTP client's redirect policy.
        let form_bytes = request
            .body()
            .and_then(|b| b.as_bytes())
            .map(bytes::Bytes::copy_from_slice)
            .unwrap_or_default();
        request.headers_mut().insert(
            reqwest::header::CONTENT_LENGTH,
            reqwest::header::HeaderValue::from(form_bytes.len()),
        );
        *request.body_mut() = Some(reqwest::Body::wrap_stream(futures::stream::once(
            async move { Ok::<_, std::io::Error>(form_bytes) },
        )));
        let response = self.http.execute(request).await.map_err(|e| {
            let outcome = if e.is_connect() {
                AttemptOutcome::NotSent
            } else {
                AttemptOutcome::MaybeProcessed
            };
            FetchError::Transient {
                error: auth_error(format!(
                    "LWA token request failed: {}",
                    redactor.redact(&e.without_url().to_string())
                )),
                outcome,
                retry_after: None,
            }
        })?;
        let status = response.status();
        if status.is_redirection() {
            return Err(FetchError::Fatal(auth_error(format!(
                "LWA token endpoint answered a redirect ({}); not followed, so the client secret and refresh token go nowhere else",
                status.as_u16()
            ))));
        }
        let retry_after = retry_after_of(response.headers());
        let body = response.bytes().await.map_err(|e| FetchError::Transient {
            error: auth_error(format!(
                "LWA token response could not be read: {}",
                redactor.redact(&e.without_url().to_string())
            )),
            outcome: AttemptOutcome::MaybeProcessed,
            retry_after: None,
        })?;
        if status.is_success() {
            let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
                // serde's message can quote the body; say only where and what kind.
                FetchError::Fatal(auth_error(format!(
                    "LWA token response is not a token ({:?} error at line {} column {})",
                    e.classify(),
                    e.line(),
                    e.column()
                )))
            })?;
            if let Some(rotated) = parsed.refresh_token.filter(|r| !r.is_empty()) {
                *refresh_token = Secret::new(rotated);
            }
            let token = Secret::new(parsed.access_token);
            self.store(token.clone(), lifetime(parsed.expires_in));
            return Ok(token);
        }
        let detail: Option<TokenError> = serde_json::from_slice(&body).ok();
        let (code, description) = detail
            .map(|d| (d.error, d.error_description))
            .unwrap_or((None, None));
        let message = format!(
            "LWA token endpoint answered {}{}{}",
            status.as_u16(),
            code.map(|c| format!(" {c}")).unwrap_or_default(),
            description.map(|d| format!(": {d}")).unwrap_or_default()
        );
        // Never echo a secret, in any form, even if the server did.
        let error = auth_error(redactor.redact(&message).into_owned());
        match self.retry.status_outcome(status.as_u16()) {
            Some(outcome) => Err(FetchError::Transient {
                error,
                outcome,
                retry_after,
            }),
            None => Err(FetchError::Fatal(error)),
        }
    }
}

/// Longest token lifetime believed (`expires_in` is clamped to it): LWA's tokens live an
/// hour; a larger value, up to `u64::MAX`, must not overflow the clock.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Longest wait after repeated refresh failures before the next refresh attempt.
const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(30);

fn lifetime(expires_in: u64) -> Duration {
    Duration::from_secs(expires_in).min(MAX_TOKEN_LIFETIME)
}

fn auth_error(message: String) -> Error {
    Error::Auth {
        message,
        source: None,
    }
}

/// The last refresh failure, shared until `until`.
struct Failure {
    message: String,
    until: Instant,
    streak: u32,
}

enum FetchError {
    Transient {
        error: Error,
        outcome: AttemptOutcome,
        retry_after: Option<Duration>,
    },
    Fatal(Error),
}

impl TokenProvider for LwaTokenProvider {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        Box::pin(async move {
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
            if let Some(shared) = self.recent_failure() {
                return Err(shared);
            }
            let mut refresh = self.refresh.lock().await;
            // Someone else may have refreshed, or failed to, while we waited: single flight.
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
            self.refresh_locked(&mut refresh)
                .instrument(tracing::debug_span!("lwa.refresh"))
                .await
        })
    }

    fn token_now(&self) -> Option<Secret> {
        self.fresh()
    }

    fn refresh_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Option<Secret>, Error>> {
        Box::pin(async move {
            self.drop_if(rejected);
            let mut refresh = self.refresh.lock().await;
            if let Some(token) = self.fresh()
                && &token != rejected
            {
                return Ok(Some(token));
            }
            let token = self
                .refresh_locked(&mut refresh)
                .instrument(tracing::debug_span!("lwa.refresh", reason = "401"))
                .await?;
            Ok((&token != rejected).then_some(token))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(credentials: LwaCredentials) -> LwaTokenProvider {
        let http = crate::tls::http_client_builder()
            .build()
            .expect("client builds");
        LwaTokenProvider::new(http, "http://127.0.0.1:9", credentials).expect("provider")
    }

    fn credentials() -> LwaCredentials {
        LwaCredentials::new("client", "secret", "refresh")
    }

    /// How long from now the cached token is used before it is refreshed.
    fn cached_for(p: &LwaTokenProvider) -> Duration {
        let guard = p.cache.read().unwrap_or_else(|e| e.into_inner());
        let cached = guard.as_ref().expect("a token is cached");
        cached.refresh_at.saturating_duration_since(Instant::now())
    }

    /// The README's "`expires_in` clamped to a day": a token stated to live ten years, or
    /// `u64::MAX` seconds, is used for a day minus the margin, then refreshed. (The wire test
    /// `an_absurd_token_lifetime_is_clamped_not_a_panic` shows the clamped token is cached.)
    #[test]
    fn a_lifetime_beyond_a_day_is_cached_for_a_day() {
        // A day (as the README says it), minus the default 60 s margin.
        let day_less_margin = Duration::from_secs(24 * 60 * 60 - 60);
        for expires_in in [10 * 365 * 86_400, u64::MAX] {
            let p = provider(credentials());
            p.store(Secret::new("Atza|t"), lifetime(expires_in));
            let left = cached_for(&p);
            assert!(
                left <= day_less_margin && left > day_less_margin - Duration::from_secs(5),
                "expires_in {expires_in}: cached for {left:?}"
            );
            assert!(p.fresh().is_some(), "expires_in {expires_in}: not cached");
        }
        // An hour (LWA's real lifetime) is believed as stated.
        let p = provider(credentials());
        p.store(Secret::new("Atza|t"), lifetime(3600));
        let left = cached_for(&p);
        assert!(left <= Duration::from_secs(3540) && left > Duration::from_secs(3535));
        // A saved token "valid until the year 9999" is likewise used for a day at most.
        let p = provider(
            credentials()
                .with_cached_access_token(Secret::new("Atza|saved"), DateTime::<Utc>::MAX_UTC),
        );
        let left = cached_for(&p);
        assert!(
            left <= day_less_margin && left > day_less_margin - Duration::from_secs(5),
            "saved token cached for {left:?}"
        );
    }
}

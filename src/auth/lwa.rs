//! Login with Amazon (LWA) refresh-token grant, cached and refreshed single-flight.

use std::fmt;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Deserialize;
use tracing::Instrument;

use super::{Secret, TokenProvider};
use crate::Error;
use crate::retry::RetryPolicy;

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
/// - refreshes are single-flight: any number of concurrent callers wait for one request;
/// - after a 401 from SMAPI, the rejected token is dropped and one refresh is shared by
///   every request that saw it;
/// - transient failures of the token endpoint (transport errors, 429, 5xx) are retried with
///   the client's [`RetryPolicy`].
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
}

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
            message: format!("LWA token host `{lwa_host}` is not a URL: {e}"),
        })?;
        let token_url = base.join(TOKEN_PATH).map_err(|e| Error::Config {
            message: format!("LWA token host `{lwa_host}`: {e}"),
        })?;
        let margin = Duration::from_secs(60);
        let cached = credentials.cached.and_then(|(token, expires_at)| {
            let left = (expires_at - Utc::now()).to_std().ok()?;
            let left = left.checked_sub(margin)?;
            Some(Cached {
                token,
                refresh_at: Instant::now() + left,
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
        })
    }

    /// Refresh this long before the token's stated expiry (default 60 s). Tokens that live
    /// less than twice the margin are refreshed after half their lifetime.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
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
        let lead = if expires_in > self.margin * 2 {
            self.margin
        } else {
            expires_in / 2
        };
        let cached = Cached {
            token,
            refresh_at: Instant::now() + expires_in.saturating_sub(lead),
        };
        *self.cache.write().unwrap_or_else(|e| e.into_inner()) = Some(cached);
    }

    fn drop_if(&self, rejected: &Secret) {
        let mut guard = self.cache.write().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_some_and(|c| &c.token == rejected) {
            *guard = None;
        }
    }

    /// Exchanges the refresh token (caller holds the refresh lock).
    async fn fetch(&self, refresh_token: &mut Secret) -> Result<Secret, Error> {
        let started = Instant::now();
        let mut delays = self.retry.delays();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let outcome = self.fetch_once(refresh_token).await;
            let retryable = matches!(&outcome, Err(FetchError::Transient(_)));
            match outcome {
                Ok(token) => return Ok(token),
                Err(FetchError::Fatal(e)) => return Err(e),
                Err(FetchError::Transient(e)) => {
                    let next = if attempt < self.retry.max_attempts && retryable {
                        delays.next()
                    } else {
                        None
                    };
                    match next {
                        Some(delay) if started.elapsed() + delay <= self.retry.max_elapsed => {
                            tracing::debug!(
                                attempt,
                                delay_ms = delay.as_millis() as u64,
                                "LWA token request failed; retrying"
                            );
                            tokio::time::sleep(delay).await;
                        }
                        _ => return Err(e),
                    }
                }
            }
        }
    }

    async fn fetch_once(&self, refresh_token: &mut Secret) -> Result<Secret, FetchError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("refresh_token", refresh_token.expose()),
        ];
        let response = self
            .http
            .post(self.token_url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                FetchError::Transient(Error::Auth {
                    message: format!("LWA token request failed: {}", e.without_url()),
                })
            })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| {
            FetchError::Transient(Error::Auth {
                message: format!("LWA token response could not be read: {}", e.without_url()),
            })
        })?;
        if status.is_success() {
            let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
                FetchError::Fatal(Error::Auth {
                    message: format!("LWA token response is not a token: {e}"),
                })
            })?;
            if let Some(rotated) = parsed.refresh_token.filter(|r| !r.is_empty()) {
                *refresh_token = Secret::new(rotated);
            }
            let token = Secret::new(parsed.access_token);
            self.store(token.clone(), Duration::from_secs(parsed.expires_in));
            return Ok(token);
        }
        let detail: Option<TokenError> = serde_json::from_slice(&body).ok();
        let (code, description) = detail
            .map(|d| (d.error, d.error_description))
            .unwrap_or((None, None));
        let mut message = format!(
            "LWA token endpoint answered {}{}{}",
            status.as_u16(),
            code.map(|c| format!(" {c}")).unwrap_or_default(),
            description.map(|d| format!(": {d}")).unwrap_or_default()
        );
        // Never echo a secret, even if the server did.
        for secret in [self.client_secret.expose(), refresh_token.expose()] {
            if !secret.is_empty() && message.contains(secret) {
                message = message.replace(secret, "<redacted>");
            }
        }
        let error = Error::Auth { message };
        if status.as_u16() == 429 || status.is_server_error() {
            Err(FetchError::Transient(error))
        } else {
            Err(FetchError::Fatal(error))
        }
    }
}

enum FetchError {
    Transient(Error),
    Fatal(Error),
}

impl TokenProvider for LwaTokenProvider {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        Box::pin(async move {
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
            let mut refresh = self.refresh.lock().await;
            // Someone else may have refreshed while we waited: single flight.
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
            self.fetch(&mut refresh)
                .instrument(tracing::debug_span!("lwa.refresh"))
                .await
        })
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
                .fetch(&mut refresh)
                .instrument(tracing::debug_span!("lwa.refresh", reason = "401"))
                .await?;
            Ok((&token != rejected).then_some(token))
        })
    }
}

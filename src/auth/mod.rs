//! Authorisation: where the `Authorization: Bearer …` value of every request comes from.
//!
//! A [`TokenProvider`] hands the transport an access token for each request and, when SMAPI
//! answers 401, may supply a fresh one so the request is replayed once. Providers:
//! - [`StaticToken`]: one access token, used as is (it cannot be refreshed);
//! - [`LwaTokenProvider`]: Login with Amazon refresh-token grant, cached and refreshed
//!   single-flight;
//! - [`Credentials`]: what to build one of the above from, read from the environment
//!   ([`Credentials::from_env`]) or from the ASK CLI's `~/.ask/cli_config`
//!   ([`Credentials::from_ask_cli`]).
//!
//! Every secret is held in a [`Secret`], whose `Debug` prints `<redacted>` and which has no
//! `Display`.

mod ask_cli;
mod env;
mod lwa;
mod static_token;

use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

pub use ask_cli::AskCliProfile;
pub use env::EnvCredentials;
pub use lwa::{
    DEFAULT_FAILURE_BACKOFF, DEFAULT_LWA_TOKEN_HOST, LwaCredentials, LwaTokenProvider,
    MAX_TOKEN_LIFETIME, TOKEN_PATH,
};
pub use static_token::StaticToken;

use crate::Error;

/// A secret string (access token, refresh token, client secret).
///
/// `Debug` prints `Secret(<redacted>)`; there is no `Display`, so a secret cannot end up in a
/// log line or an error message by accident. The memory is wiped when the last clone is
/// dropped (`secrecy`); clones share one allocation.
///
/// ```
/// use alexa_smapi::auth::Secret;
/// let s = Secret::new("Atza|very-secret");
/// assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
/// assert_eq!(s.expose(), "Atza|very-secret");
/// ```
#[derive(Clone)]
pub struct Secret(Arc<SecretString>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::new(SecretString::from(value.into())))
    }

    /// The secret itself. Call only where it must go on the wire.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

/// Supplies access tokens to the transport.
///
/// Implementations must be cheap to call concurrently: [`token`](TokenProvider::token) runs
/// before every request. Return errors as [`Error::Auth`] (never put a secret in them).
///
/// ```
/// use alexa_smapi::auth::{Secret, TokenProvider};
/// use futures::future::BoxFuture;
///
/// /// Reads the token from a vault on every call (illustration).
/// struct Vault;
/// impl TokenProvider for Vault {
///     fn token(&self) -> BoxFuture<'_, Result<Secret, alexa_smapi::Error>> {
///         Box::pin(async { Ok(Secret::new("Atza|from-vault")) })
///     }
/// }
/// let smapi = alexa_smapi::Smapi::builder().token_provider(Vault).build()?;
/// # Ok::<(), alexa_smapi::Error>(())
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// The access token to send now.
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>>;

    /// The token to send now when it is at hand without waiting (no I/O, no lock held for
    /// long); `None` (the default) when [`token`](TokenProvider::token) must be asked. The
    /// transport tries this first, so a provider whose token is usually ready saves a boxed
    /// future per request. When it answers `Some`, the answer must be what `token` would give.
    ///
    /// ```
    /// use alexa_smapi::auth::{StaticToken, TokenProvider};
    /// assert_eq!(StaticToken::new("Atza|t").token_now().unwrap().expose(), "Atza|t");
    /// ```
    fn token_now(&self) -> Option<Secret> {
        None
    }

    /// SMAPI answered 401 to a request sent with `rejected`. Return a different, fresh token
    /// to replay the request once, or `None` to give up (the default: the 401 is returned).
    ///
    /// Called concurrently by every request that saw the 401; a refreshing provider should
    /// refresh once and hand the new token to all of them.
    fn refresh_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Option<Secret>, Error>> {
        let _ = rejected;
        Box::pin(async { Ok(None) })
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        (**self).token()
    }

    fn token_now(&self) -> Option<Secret> {
        (**self).token_now()
    }

    fn refresh_after_rejection<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Option<Secret>, Error>> {
        (**self).refresh_after_rejection(rejected)
    }
}

/// Where a client's access tokens come from, before any network call is made.
///
/// Build one directly, or read it from the environment or the ASK CLI's configuration, and
/// hand it to [`SmapiBuilder::credentials`](crate::SmapiBuilder::credentials).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// A fixed access token (it will stop working when it expires).
    AccessToken(Secret),
    /// A Login with Amazon client and refresh token: access tokens are obtained and renewed.
    Lwa(LwaCredentials),
}

impl Credentials {
    /// Reads credentials from the process environment the way the ASK CLI names them:
    /// `ASK_REFRESH_TOKEN` with `ASK_CLIENT_ID` and `ASK_CLIENT_SECRET` (preferred), else
    /// `ASK_ACCESS_TOKEN`. See [`EnvCredentials`] for the details and a testable variant.
    pub fn from_env() -> Result<Self, Error> {
        Ok(EnvCredentials::from_env()?.credentials)
    }

    /// Reads the ASK CLI profile `profile` (or `default`) from `~/.ask/cli_config`; see
    /// [`AskCliProfile`].
    pub fn from_ask_cli(profile: Option<&str>) -> Result<Self, Error> {
        AskCliProfile::load_default(profile)?.credentials_from_env()
    }
}

impl From<LwaCredentials> for Credentials {
    fn from(value: LwaCredentials) -> Self {
        Credentials::Lwa(value)
    }
}

impl From<Secret> for Credentials {
    fn from(value: Secret) -> Self {
        Credentials::AccessToken(value)
    }
}

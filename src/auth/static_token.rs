//! A fixed access token.

use futures::future::BoxFuture;

use super::{Secret, TokenProvider};
use crate::Error;

/// Sends the same access token with every request. It is never refreshed: once it expires,
/// requests fail with [`Error::Unauthorized`].
///
/// ```
/// use alexa_smapi::auth::StaticToken;
/// let provider = StaticToken::new("Atza|token");
/// assert!(format!("{provider:?}").contains("<redacted>"));
/// ```
#[derive(Clone, Debug)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// A provider that always answers `token`.
    pub fn new(token: impl Into<Secret>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn token_now(&self) -> Option<Secret> {
        Some(self.0.clone())
    }
}

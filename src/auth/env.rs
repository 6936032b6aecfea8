//! Credentials from environment variables, named as the ASK CLI names them.

use super::{Credentials, LwaCredentials, Secret};
use crate::Error;

/// Access token used as is.
pub const ASK_ACCESS_TOKEN: &str = "ASK_ACCESS_TOKEN";
/// LWA refresh token.
pub const ASK_REFRESH_TOKEN: &str = "ASK_REFRESH_TOKEN";
/// LWA client ID (security profile) that issued the refresh token.
pub const ASK_CLIENT_ID: &str = "ASK_CLIENT_ID";
/// LWA client secret of that security profile.
pub const ASK_CLIENT_SECRET: &str = "ASK_CLIENT_SECRET";
/// Vendor (developer account) ID.
pub const ASK_VENDOR_ID: &str = "ASK_VENDOR_ID";

/// Credentials and vendor read from environment variables.
///
/// Rules: when `ASK_REFRESH_TOKEN` is set, `ASK_CLIENT_ID` and `ASK_CLIENT_SECRET` must be
/// too, and access tokens are obtained from Login with Amazon; otherwise `ASK_ACCESS_TOKEN`
/// is used as a fixed token. `ASK_VENDOR_ID` is optional. Empty values count as unset.
///
/// [`from_lookup`](EnvCredentials::from_lookup) takes the lookup as a closure, so tests need
/// not touch the process environment:
///
/// ```
/// use alexa_smapi::auth::{Credentials, EnvCredentials};
/// let env = [("ASK_ACCESS_TOKEN", "Atza|abc"), ("ASK_VENDOR_ID", "M1VENDOR")];
/// let found = EnvCredentials::from_lookup(|name| {
///     env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
/// })?;
/// assert!(matches!(found.credentials, Credentials::AccessToken(_)));
/// assert_eq!(found.vendor_id.as_deref(), Some("M1VENDOR"));
/// # Ok::<(), alexa_smapi::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct EnvCredentials {
    /// The credentials found.
    pub credentials: Credentials,
    /// `ASK_VENDOR_ID`, when set.
    pub vendor_id: Option<String>,
}

impl EnvCredentials {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` (name → value).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let vendor_id = get(ASK_VENDOR_ID);
        if let Some(refresh) = get(ASK_REFRESH_TOKEN) {
            let missing: Vec<&str> = [ASK_CLIENT_ID, ASK_CLIENT_SECRET]
                .into_iter()
                .filter(|name| get(name).is_none())
                .collect();
            if let (Some(id), Some(secret)) = (get(ASK_CLIENT_ID), get(ASK_CLIENT_SECRET)) {
                return Ok(EnvCredentials {
                    credentials: Credentials::Lwa(LwaCredentials::new(id, secret, refresh)),
                    vendor_id,
                });
            }
            return Err(Error::config(format!(
                "{ASK_REFRESH_TOKEN} is set but {} is not: a refresh token needs the LWA client that issued it",
                missing.join(" and ")
            )));
        }
        if let Some(token) = get(ASK_ACCESS_TOKEN) {
            return Ok(EnvCredentials {
                credentials: Credentials::AccessToken(Secret::new(token)),
                vendor_id,
            });
        }
        Err(Error::config(format!(
            "no credentials in the environment: set {ASK_REFRESH_TOKEN} (with {ASK_CLIENT_ID} and {ASK_CLIENT_SECRET}) or {ASK_ACCESS_TOKEN}"
        )))
    }
}

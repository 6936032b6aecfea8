//! [`Smapi`], the client services hold, and its builder.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::Error;
use crate::api::{Discovery, Publishing, ResourceSchemas, Skills};
use crate::auth::{
    Credentials, EnvCredentials, LwaCredentials, LwaTokenProvider, Secret, StaticToken,
    TokenProvider,
};
use crate::generated;
use crate::poll::PollPolicy;
use crate::retry::RetryPolicy;
use crate::transport::Transport;

/// Default SMAPI base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.amazonalexa.com";
/// Environment variable overriding the SMAPI base URL (ASK CLI name).
pub const ENV_SMAPI_BASE_URL: &str = "ASK_SMAPI_SERVER_BASE_URL";
/// Environment variable overriding the Login with Amazon host (ASK CLI name).
pub const ENV_LWA_TOKEN_HOST: &str = "ASK_LWA_TOKEN_HOST";

/// A Discovery Session region. The Discovery Session page routes each organisation to the
/// host of its country's region.
///
/// ```
/// use alexa_smapi::Region;
/// assert_eq!(Region::for_country("de"), Some(Region::Eu));
/// assert_eq!(Region::for_country("JP"), Some(Region::Fe));
/// assert_eq!(Region::for_country("BR"), None);
/// assert_eq!(Region::Eu.default_base_url(), "https://api.eu.amazonalexa.com");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    /// North America: CA, US. `https://api.amazonalexa.com`.
    Na,
    /// Europe: DE, ES, FR, IT, UK. `https://api.eu.amazonalexa.com`.
    Eu,
    /// Far East: JP. `https://api.fe.amazonalexa.com`.
    Fe,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 3] = [Region::Na, Region::Eu, Region::Fe];

    /// The region serving organisations of `country` (ISO 3166 alpha-2, case-insensitive),
    /// per the page's table (CA, US → NA; DE, ES, FR, IT, UK → EU; JP → FE). `GB`, the ISO
    /// code of the UK, is accepted too.
    pub fn for_country(country: &str) -> Option<Region> {
        match country.trim().to_ascii_uppercase().as_str() {
            "CA" | "US" => Some(Region::Na),
            "DE" | "ES" | "FR" | "IT" | "UK" | "GB" => Some(Region::Eu),
            "JP" => Some(Region::Fe),
            _ => None,
        }
    }

    /// Amazon's host for this region.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Region::Na => "https://api.amazonalexa.com",
            Region::Eu => "https://api.eu.amazonalexa.com",
            Region::Fe => "https://api.fe.amazonalexa.com",
        }
    }

    /// Short name: `NA`, `EU`, `FE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Na => "NA",
            Region::Eu => "EU",
            Region::Fe => "FE",
        }
    }

    fn index(self) -> usize {
        match self {
            Region::Na => 0,
            Region::Eu => 1,
            Region::Fe => 2,
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) struct Inner {
    pub(crate) raw: generated::Client,
    pub(crate) discovery: [generated::Client; 3],
    pub(crate) http: reqwest::Client,
    pub(crate) plain: reqwest::Client,
    pub(crate) transport: Transport,
    pub(crate) allow_insecure_http: bool,
    pub(crate) poll: PollPolicy,
    pub(crate) vendor_id: Option<String>,
    pub(crate) schema_cache: crate::api::resource_schema::Cache,
}

/// The SMAPI client. `Clone + Send + Sync`; clones share one connection pool, token cache
/// and configuration (an `Arc`), so clone it freely into tasks.
///
/// ```no_run
/// use alexa_smapi::{Smapi, Stage};
/// # async fn demo() -> Result<(), alexa_smapi::Error> {
/// let smapi = Smapi::from_env()?; // ASK_REFRESH_TOKEN + ASK_CLIENT_ID/SECRET, or ASK_ACCESS_TOKEN
/// let m = smapi.skills().manifest("amzn1.ask.skill.1", Stage::Development).await?;
/// println!("ETag {:?}", m.etag);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Smapi {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Smapi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smapi")
            .field("base_url", &self.inner.raw.baseurl)
            .field("transport", &self.inner.transport)
            .field("vendor_id", &self.inner.vendor_id)
            .finish_non_exhaustive()
    }
}

impl Smapi {
    /// A builder with Amazon's endpoints, the default retry and poll policies, and no
    /// credentials.
    pub fn builder() -> SmapiBuilder {
        SmapiBuilder::default()
    }

    /// A client configured from the environment, as the ASK CLI reads it: credentials
    /// ([`EnvCredentials`]), `ASK_VENDOR_ID`, and the `ASK_SMAPI_SERVER_BASE_URL` /
    /// `ASK_LWA_TOKEN_HOST` overrides.
    pub fn from_env() -> Result<Smapi, Error> {
        SmapiBuilder::from_lookup(|name| std::env::var(name).ok())?.build()
    }

    /// The raw generated client, for anything the wrapper does not cover. It shares this
    /// client's transport: same authorisation, retries and tracing.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), Box<dyn std::error::Error>> {
    /// let status = smapi.raw().get_skill_status().skill_id("amzn1.ask.skill.1").send().await?;
    /// println!("{:?}", status.into_inner().manifest);
    /// # Ok(()) }
    /// ```
    pub fn raw(&self) -> &generated::Client {
        &self.inner.raw
    }

    /// The raw generated client bound to the Discovery Session host of `region`.
    pub fn raw_discovery(&self, region: Region) -> &generated::Client {
        &self.inner.discovery[region.index()]
    }

    /// Skill Operations: create, read, update, list, delete, build status.
    pub fn skills(&self) -> Skills<'_> {
        Skills::new(self)
    }

    /// Skill Publishing: submit, status, unpublish.
    pub fn publishing(&self) -> Publishing<'_> {
        Publishing::new(self)
    }

    /// Discovery Session, on the host of `region`.
    pub fn discovery(&self, region: Region) -> Discovery<'_> {
        Discovery::new(self, region)
    }

    /// Resource Schema: download schemas and validate manifests locally.
    pub fn resource_schema(&self) -> ResourceSchemas<'_> {
        ResourceSchemas::new(self)
    }

    /// The vendor ID configured (builder, `ASK_VENDOR_ID` or ASK CLI profile), if any.
    pub fn vendor_id(&self) -> Option<&str> {
        self.inner.vendor_id.as_deref()
    }

    /// The SMAPI base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.raw.baseurl
    }

    /// The base URL used for the Discovery Session operations of `region`.
    pub fn discovery_base_url(&self, region: Region) -> &str {
        &self.inner.discovery[region.index()].baseurl
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        self.inner.transport.retry_policy()
    }

    /// The default poll policy of the `wait_*` methods.
    pub fn poll_policy(&self) -> &PollPolicy {
        &self.inner.poll
    }

    /// A raw client like [`raw`](Smapi::raw) with a different retry policy (used for creates
    /// that opt in to unsafe retries).
    pub(crate) fn raw_with_retry(&self, retry: RetryPolicy) -> generated::Client {
        generated::Client::new_with_client(
            &self.inner.raw.baseurl,
            self.inner.http.clone(),
            self.inner.transport.clone().with_retry_policy(retry),
        )
    }

    /// Checks a URL the client is about to fetch against the plain-HTTP rule.
    pub(crate) fn check_url(&self, what: &str, url: &str) -> Result<reqwest::Url, Error> {
        check_url(what, url, self.inner.allow_insecure_http)
    }
}

/// Configures a [`Smapi`].
///
/// ```
/// use std::time::Duration;
/// use alexa_smapi::{Region, RetryPolicy, Smapi};
/// let smapi = Smapi::builder()
///     .access_token("Atza|token")
///     .timeout(Duration::from_secs(20))
///     .user_agent("my-service/1.2")
///     .retry_policy(RetryPolicy::default().max_attempts(4))
///     .discovery_base_url(Region::Eu, "https://api.eu.amazonalexa.com")
///     .build()?;
/// assert_eq!(smapi.base_url(), "https://api.amazonalexa.com");
/// // Plain HTTP only to loopback, unless explicitly allowed:
/// assert!(Smapi::builder().access_token("t").base_url("http://example.com").build().is_err());
/// assert!(Smapi::builder().access_token("t").base_url("http://127.0.0.1:8080").build().is_ok());
/// # Ok::<(), alexa_smapi::Error>(())
/// ```
///
/// Nothing here touches process-wide state: the clients it builds carry their own TLS
/// configuration (see [`http_client_builder`](crate::http_client_builder)).
pub struct SmapiBuilder {
    base_url: Option<String>,
    discovery: [Option<String>; 3],
    lwa_host: Option<String>,
    credentials: Option<Credentials>,
    provider: Option<Arc<dyn TokenProvider>>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    poll: Option<PollPolicy>,
    allow_insecure_http: bool,
    unauthenticated: bool,
    vendor_id: Option<String>,
    refresh_margin: Option<Duration>,
}

impl Default for SmapiBuilder {
    /// Same as [`Smapi::builder`].
    fn default() -> Self {
        SmapiBuilder {
            base_url: None,
            discovery: [None, None, None],
            lwa_host: None,
            credentials: None,
            provider: None,
            http: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            retry: None,
            poll: None,
            allow_insecure_http: false,
            unauthenticated: false,
            vendor_id: None,
            refresh_margin: None,
        }
    }
}

impl fmt::Debug for SmapiBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmapiBuilder")
            .field("base_url", &self.base_url)
            .field("discovery", &self.discovery)
            .field("lwa_host", &self.lwa_host)
            .field("credentials", &self.credentials)
            .field("vendor_id", &self.vendor_id)
            .finish_non_exhaustive()
    }
}

impl SmapiBuilder {
    /// A builder filled from environment variables read through `lookup`: credentials
    /// ([`EnvCredentials::from_lookup`]), `ASK_VENDOR_ID`, `ASK_SMAPI_SERVER_BASE_URL` and
    /// `ASK_LWA_TOKEN_HOST`.
    ///
    /// ```
    /// use alexa_smapi::SmapiBuilder;
    /// let vars = [("ASK_ACCESS_TOKEN", "Atza|x"), ("ASK_SMAPI_SERVER_BASE_URL", "http://127.0.0.1:9")];
    /// let smapi = SmapiBuilder::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))?
    ///     .build()?;
    /// assert_eq!(smapi.base_url(), "http://127.0.0.1:9");
    /// # Ok::<(), alexa_smapi::Error>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<SmapiBuilder, Error> {
        let env = EnvCredentials::from_lookup(&lookup)?;
        let mut builder = SmapiBuilder::default()
            .credentials(env.credentials)
            .env_overrides_with(&lookup);
        builder.vendor_id = env.vendor_id;
        Ok(builder)
    }

    /// Applies `ASK_SMAPI_SERVER_BASE_URL` and `ASK_LWA_TOKEN_HOST` from the process
    /// environment, when set.
    pub fn env_overrides(self) -> Self {
        self.env_overrides_with(|name| std::env::var(name).ok())
    }

    /// Applies `ASK_SMAPI_SERVER_BASE_URL` and `ASK_LWA_TOKEN_HOST` read through `lookup`.
    pub fn env_overrides_with(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        if let Some(url) = lookup(ENV_SMAPI_BASE_URL).filter(|v| !v.is_empty()) {
            self.base_url = Some(url);
        }
        if let Some(host) = lookup(ENV_LWA_TOKEN_HOST).filter(|v| !v.is_empty()) {
            self.lwa_host = Some(host);
        }
        self
    }

    /// SMAPI base URL (default `https://api.amazonalexa.com`). Unless set separately, the
    /// Discovery Session operations of every region go there too.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Base URL of the Discovery Session operations of `region` (default: Amazon's regional
    /// host, or the [`base_url`](SmapiBuilder::base_url) when that was overridden).
    pub fn discovery_base_url(mut self, region: Region, url: impl Into<String>) -> Self {
        self.discovery[region.index()] = Some(url.into());
        self
    }

    /// Login with Amazon host (default `https://api.amazon.com`); the token endpoint is
    /// `{host}/auth/o2/token`.
    pub fn lwa_token_host(mut self, host: impl Into<String>) -> Self {
        self.lwa_host = Some(host.into());
        self
    }

    /// Authorise with a fixed access token.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::AccessToken(token.into()));
        self
    }

    /// Authorise with Login with Amazon refresh-token credentials.
    pub fn lwa(mut self, credentials: LwaCredentials) -> Self {
        self.credentials = Some(Credentials::Lwa(credentials));
        self
    }

    /// Authorise with `credentials` (from [`Credentials::from_env`], the ASK CLI, ...).
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = Some(credentials.into());
        self
    }

    /// Authorise with your own [`TokenProvider`] (takes precedence over credentials).
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    /// Refresh LWA tokens this long before they expire (default 60 s).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// Use this `reqwest::Client` for SMAPI and LWA requests (its own timeouts and user agent
    /// then apply; [`timeout`](SmapiBuilder::timeout) and friends are ignored for it).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Timeout of one attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// `User-Agent` header (default `alexa-smapi/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Poll policy of the `wait_*` methods (default [`PollPolicy::default`]).
    pub fn poll_policy(mut self, poll: PollPolicy) -> Self {
        self.poll = Some(poll);
        self
    }

    /// Allow plain `http://` to hosts other than loopback (off by default: tokens would travel
    /// in clear text).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Build a client that sends no `Authorization` header. Without this (or credentials, or a
    /// token provider), [`build`](SmapiBuilder::build) fails with [`Error::Config`] instead of
    /// building a client whose every request would be refused with 401.
    ///
    /// ```
    /// use alexa_smapi::{Error, Smapi};
    /// let e = Smapi::builder().base_url("http://127.0.0.1:9").build().unwrap_err();
    /// assert!(matches!(e, Error::Config { .. }));
    /// assert!(Smapi::builder().base_url("http://127.0.0.1:9").unauthenticated().build().is_ok());
    /// ```
    pub fn unauthenticated(mut self) -> Self {
        self.unauthenticated = true;
        self
    }

    /// The vendor ID of every call that needs one (create, list and list by IDs, resource
    /// schemas) unless the handle names another (`smapi.skills().vendor_id(..)`); readable
    /// with [`Smapi::vendor_id`]. Without one, such calls fail with [`Error::Validation`] for
    /// `vendorId` before sending.
    pub fn vendor_id(mut self, vendor_id: impl Into<String>) -> Self {
        self.vendor_id = Some(vendor_id.into());
        self
    }

    /// Builds the client. Fails with [`Error::Config`] on an unusable URL, plain HTTP to a
    /// non-loopback host, no credentials (unless [`unauthenticated`](SmapiBuilder::unauthenticated)),
    /// or an HTTP client that cannot be built.
    pub fn build(self) -> Result<Smapi, Error> {
        if self.provider.is_none() && self.credentials.is_none() && !self.unauthenticated {
            return Err(Error::config(
                "no credentials: set access_token, lwa, credentials or token_provider \
                 (or Smapi::from_env), or ask for an unauthenticated client with .unauthenticated()",
            ));
        }
        let insecure = self.allow_insecure_http;
        let base_overridden = self.base_url.is_some();
        let base = check_url(
            "base URL",
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            insecure,
        )?;
        let base = base.as_str().trim_end_matches('/').to_owned();
        let lwa_host = self
            .lwa_host
            .clone()
            .unwrap_or_else(|| crate::auth::DEFAULT_LWA_TOKEN_HOST.to_owned());
        check_url("LWA token host", &lwa_host, insecure)?;

        let timeout = self.timeout.unwrap_or(Duration::from_secs(30));
        let connect_timeout = self.connect_timeout.unwrap_or(Duration::from_secs(10));
        let user_agent = self
            .user_agent
            .clone()
            .unwrap_or_else(|| concat!("alexa-smapi/", env!("CARGO_PKG_VERSION")).to_owned());
        // Presigned URLs: a separate client that never carries SMAPI credentials and never
        // follows a redirect.
        let plain = http_client(timeout, connect_timeout, &user_agent, false)?;
        // The LWA token endpoint: never a redirect (the form carries the client secret and
        // refresh token); the caller's own client when they gave one.
        let lwa_http = self.http.clone().unwrap_or_else(|| plain.clone());
        let http = match self.http {
            Some(client) => client,
            None => http_client(timeout, connect_timeout, &user_agent, true)?,
        };

        let retry = self.retry.unwrap_or_default();
        let provider: Option<Arc<dyn TokenProvider>> = match (self.provider, self.credentials) {
            (Some(provider), _) => Some(provider),
            (None, Some(Credentials::AccessToken(token))) => {
                Some(Arc::new(StaticToken::new(token)))
            }
            (None, Some(Credentials::Lwa(creds))) => {
                let mut lwa = LwaTokenProvider::new(lwa_http, &lwa_host, creds)?
                    .with_retry_policy(retry.clone());
                if let Some(margin) = self.refresh_margin {
                    lwa = lwa.with_refresh_margin(margin);
                }
                Some(Arc::new(lwa))
            }
            (None, None) => None,
        };
        let transport = match provider {
            Some(p) => Transport::with_token_provider(p),
            None => Transport::unauthenticated(),
        }
        .with_retry_policy(retry);

        let mut discovery_urls = Vec::with_capacity(3);
        for region in Region::ALL {
            let url = match &self.discovery[region.index()] {
                Some(url) => url.clone(),
                None if base_overridden => base.clone(),
                None => region.default_base_url().to_owned(),
            };
            let url = check_url("discovery base URL", &url, insecure)?;
            discovery_urls.push(url.as_str().trim_end_matches('/').to_owned());
        }
        let raw_for =
            |url: &str| generated::Client::new_with_client(url, http.clone(), transport.clone());
        let discovery = [
            raw_for(&discovery_urls[0]),
            raw_for(&discovery_urls[1]),
            raw_for(&discovery_urls[2]),
        ];
        Ok(Smapi {
            inner: Arc::new(Inner {
                raw: raw_for(&base),
                discovery,
                http,
                plain,
                transport,
                allow_insecure_http: insecure,
                poll: self.poll.unwrap_or_default(),
                vendor_id: self.vendor_id,
                schema_cache: Default::default(),
            }),
        })
    }
}

fn http_client(
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: &str,
    follow_redirects: bool,
) -> Result<reqwest::Client, Error> {
    let redirects = if follow_redirects {
        reqwest::redirect::Policy::limited(5)
    } else {
        reqwest::redirect::Policy::none()
    };
    crate::tls::http_client_builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .user_agent(user_agent)
        .redirect(redirects)
        .build()
        .map_err(|e| Error::config_from(format!("cannot build the HTTP client: {e}"), e))
}

/// Parses `url` and applies the transport-security rule: `https`, or `http` to loopback
/// (`127.0.0.0/8`, `::1`, `localhost`), or `http` anywhere when `allow_insecure`.
pub(crate) fn check_url(
    what: &str,
    url: &str,
    allow_insecure: bool,
) -> Result<reqwest::Url, Error> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        Error::config_from(
            format!("{what} `{}` is not a URL: {e}", strip_query(url)),
            e,
        )
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if allow_insecure || is_loopback(&parsed) => Ok(parsed),
        "http" => Err(Error::config(format!(
            "{what} `{}` uses plain http to a non-loopback host; use https or allow_insecure_http(true)",
            strip_query(url)
        ))),
        other => Err(Error::config(format!(
            "{what} `{}`: unsupported scheme `{other}`",
            strip_query(url)
        ))),
    }
}

/// A URL as shown in a configuration error: without its query and fragment (a presigned
/// signature) and without any `user:password@` part.
pub(crate) fn strip_query(url: &str) -> std::borrow::Cow<'_, str> {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let host_and_path = &rest[at + 1..];
            std::borrow::Cow::Owned(match scheme {
                Some(scheme) => format!("{scheme}://<redacted>@{host_and_path}"),
                None => format!("<redacted>@{host_and_path}"),
            })
        }
        None => std::borrow::Cow::Borrowed(url),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod shown_url_tests {
    #[test]
    fn credentials_in_a_url_are_never_shown() {
        assert_eq!(
            super::strip_query("https://u:p4ss@host/x?X-Amz-Signature=s"),
            "https://<redacted>@host/x"
        );
        assert_eq!(super::strip_query("https://host/a@b"), "https://host/a@b");
        let e = super::check_url("base URL", "ftp://u:p4ss@host/", false).unwrap_err();
        assert!(!e.to_string().contains("p4ss"), "{e}");
    }
}

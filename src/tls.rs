//! The crate's one TLS stack: rustls with the `ring` crypto provider.
//!
//! reqwest is built with its `rustls-no-provider` feature (so aws-lc never enters the build),
//! which means rustls has no crypto provider until one is installed process-wide, and building
//! any `reqwest::Client` before that panics. [`ensure_crypto_provider`] installs `ring` and is
//! the only place the crate does so; every public path that leads to a client being built
//! (each [`Transport`](crate::transport::Transport) constructor, the [`Smapi`](crate::Smapi)
//! builder, [`http_client_builder`]) calls it first.

use std::sync::Once;

/// Installs rustls' `ring` provider as the process-wide default, once.
///
/// A provider the application installed first is kept: installing then fails, which is fine,
/// because all that matters is that some provider is in place.
pub(crate) fn ensure_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        if rustls::crypto::ring::default_provider()
            .install_default()
            .is_err()
        {
            tracing::debug!("a rustls crypto provider was already installed; keeping it");
        }
    });
}

/// A `reqwest::ClientBuilder` that can be built, for use with the raw client
/// ([`generated::Client::new_with_client`](crate::generated::Client::new_with_client)) or
/// [`SmapiBuilder::http_client`](crate::SmapiBuilder::http_client) when you want your own
/// reqwest settings (proxy, timeouts, user agent, ...).
///
/// Why it exists: this crate enables reqwest's `rustls-no-provider` feature and uses rustls
/// with the `ring` provider, so a process has no TLS crypto provider until one is installed,
/// and `reqwest::Client::new()` or `reqwest::Client::builder().build()` panics before then.
/// This function installs `ring` process-wide first (once; a provider your application
/// installed earlier is kept) and then returns `reqwest::Client::builder()`.
///
/// Constructing a [`Transport`](crate::transport::Transport) or calling
/// [`Smapi::builder`](crate::Smapi::builder) installs the provider too, so a
/// `reqwest::Client` built after either is also fine; this function makes the order
/// irrelevant.
///
/// ```
/// use std::time::Duration;
/// use alexa_smapi::generated::Client;
/// use alexa_smapi::transport::Transport;
///
/// let http = alexa_smapi::http_client_builder()
///     .timeout(Duration::from_secs(20))
///     .user_agent("my-service/1.2")
///     .build()?;
/// let raw = Client::new_with_client(
///     "https://api.amazonalexa.com",
///     http,
///     Transport::with_access_token("Atza|token"),
/// );
/// # let _ = raw;
/// # Ok::<(), reqwest::Error>(())
/// ```
pub fn http_client_builder() -> reqwest::ClientBuilder {
    ensure_crypto_provider();
    reqwest::Client::builder()
}

//! `alexa-smapi-sim`: run the SMAPI + Login with Amazon simulator from the command line.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use alexa_smapi_sim::{FaultConfig, SimConfig, SimulatorBuilder};
use clap::Parser;

const AFTER_HELP: &str = "\
ENDPOINTS (all on one port)
  POST /auth/o2/token                       Login with Amazon (grant_type=refresh_token)
  /v1/skills...                             skill operations and publishing
  /v1/skills/resourceSchema/{resource}      resource schema (URL points at /_presigned/...)
  /v1/discoverySessions...                  discovery sessions
  GET /_sim/counters, POST /_sim/reset, GET /_sim/health   admin (no auth)

REGIONS (discovery sessions)
  A path prefix /na, /eu or /fe before /v1/... selects the region (base URL
  http://127.0.0.1:PORT/eu talks to EU). Without a prefix the Host header decides:
  api.eu.amazonalexa.com = EU, api.fe.amazonalexa.com = FE, anything else = NA.
  A session is visible only in the region that created it.

PER-REQUEST FAULTS
  Send the header x-sim-fault with one of: 500, 503, 429, 429;retry-after=N, reset,
  truncate, malformed, latency=MS.

The seeded credentials are fake simulator values; they are printed on start.

LOGS
  One line per request on stderr at level info. --log LEVEL (error, warn, info, debug,
  trace, or a tracing filter such as warn,alexa_smapi_sim::request=info) changes it; without
  --log, RUST_LOG is used; --quiet shows warnings and errors only. Colour only when stderr
  is a terminal and NO_COLOR is unset or empty.";

/// Stateful local simulator of Amazon's Alexa Skill Management API (SMAPI) and Login with
/// Amazon, for tests and local development.
#[derive(Debug, Parser)]
#[command(name = "alexa-smapi-sim", version, about, after_help = AFTER_HELP)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 4010)]
    port: u16,

    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,

    /// LWA client ID accepted at /auth/o2/token.
    #[arg(long, default_value = alexa_smapi_sim::DEFAULT_CLIENT_ID)]
    client_id: String,

    /// LWA client secret accepted at /auth/o2/token.
    #[arg(long, default_value = alexa_smapi_sim::DEFAULT_CLIENT_SECRET)]
    client_secret: String,

    /// Extra refresh token and the vendor it acts for, as TOKEN=VENDOR_ID (repeatable). The
    /// seeded token Atzr|sim-refresh-token (vendor M1SIMVENDOR0001) is always accepted.
    #[arg(long = "refresh-token", value_name = "TOKEN=VENDOR_ID", value_parser = parse_refresh_token)]
    refresh_tokens: Vec<(String, String)>,

    /// Access-token lifetime in seconds (expires_in).
    #[arg(long, default_value_t = 3600)]
    token_ttl_secs: u64,

    /// How long a skill build stays IN_PROGRESS, in milliseconds.
    #[arg(long, default_value_t = 200)]
    build_delay_ms: u64,

    /// How long a publication stays IN_PROGRESS, in milliseconds.
    #[arg(long, default_value_t = 200)]
    publication_delay_ms: u64,

    /// How long a discovery session stays IN_PROGRESS, in milliseconds.
    #[arg(long, default_value_t = 200)]
    discovery_delay_ms: u64,

    /// Requests per second allowed per access token (429 with Retry-After beyond); off when
    /// absent.
    #[arg(long, value_name = "PER_SECOND")]
    rate_limit: Option<u32>,

    /// Lifetime of presigned schema URLs, in seconds.
    #[arg(long, default_value_t = 600)]
    schema_url_ttl_secs: u64,

    /// Persist state to FILE (atomic write-then-rename after every change) and load it on
    /// start.
    #[arg(long = "state", value_name = "FILE")]
    state: Option<PathBuf>,

    /// Probability (0-1) of answering 500.
    #[arg(long, default_value_t = 0.0)]
    fault_500: f64,

    /// Probability (0-1) of answering 503.
    #[arg(long, default_value_t = 0.0)]
    fault_503: f64,

    /// Probability (0-1) of answering 429.
    #[arg(long, default_value_t = 0.0)]
    fault_429: f64,

    /// Retry-After seconds on random 429s.
    #[arg(long, default_value_t = 1)]
    fault_retry_after_secs: u64,

    /// Probability (0-1) of added latency.
    #[arg(long, default_value_t = 0.0)]
    fault_latency: f64,

    /// The added latency, in milliseconds.
    #[arg(long, default_value_t = 100)]
    fault_latency_ms: u64,

    /// Probability (0-1) of closing the connection before the request is processed.
    #[arg(long, default_value_t = 0.0)]
    fault_reset: f64,

    /// Probability (0-1) of processing the request, then answering 500.
    #[arg(long, default_value_t = 0.0)]
    fault_applied_then_500: f64,

    /// Probability (0-1) of processing the request, then closing the connection unanswered.
    #[arg(long, default_value_t = 0.0)]
    fault_applied_then_reset: f64,

    /// Probability (0-1) of processing the request, then truncating its response.
    #[arg(long, default_value_t = 0.0)]
    fault_applied_then_truncate: f64,

    /// Probability (0-1) of a truncated body (half the bytes under the full Content-Length).
    #[arg(long, default_value_t = 0.0)]
    fault_truncate: f64,

    /// Probability (0-1) of a malformed JSON body.
    #[arg(long, default_value_t = 0.0)]
    fault_malformed: f64,

    /// Seed of the random fault draw (same seed and request order, same faults).
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Log level or tracing filter (error, warn, info, debug, trace); default info, or
    /// RUST_LOG when set.
    #[arg(long, value_name = "LEVEL", conflicts_with = "quiet")]
    log: Option<String>,

    /// Only warnings and errors (no per-request lines).
    #[arg(long, short = 'q')]
    quiet: bool,
}

fn parse_refresh_token(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((token, vendor)) if !token.is_empty() && !vendor.is_empty() => {
            Ok((token.to_owned(), vendor.to_owned()))
        }
        _ => Err("expected TOKEN=VENDOR_ID with both parts non-empty".to_owned()),
    }
}

impl Args {
    fn into_config(self) -> SimConfig {
        let mut config = SimConfig {
            bind: SocketAddr::new(self.host, self.port),
            client_id: self.client_id,
            client_secret: self.client_secret,
            access_token_ttl: Duration::from_secs(self.token_ttl_secs),
            build_delay: Duration::from_millis(self.build_delay_ms),
            publication_delay: Duration::from_millis(self.publication_delay_ms),
            discovery_delay: Duration::from_millis(self.discovery_delay_ms),
            rate_limit: self.rate_limit,
            faults: FaultConfig {
                error_500: self.fault_500,
                error_503: self.fault_503,
                error_429: self.fault_429,
                retry_after_secs: self.fault_retry_after_secs,
                latency: self.fault_latency,
                latency_ms: self.fault_latency_ms,
                reset: self.fault_reset,
                truncate: self.fault_truncate,
                malformed: self.fault_malformed,
                applied_then_500: self.fault_applied_then_500,
                applied_then_reset: self.fault_applied_then_reset,
                applied_then_truncate: self.fault_applied_then_truncate,
                seed: self.seed,
            },
            state_file: self.state,
            schema_url_ttl: Duration::from_secs(self.schema_url_ttl_secs),
            ..SimConfig::default()
        };
        config.refresh_tokens.extend(self.refresh_tokens);
        config
    }
}

/// Whether log lines may carry ANSI colour: only on a terminal, and never with `NO_COLOR`
/// set to a non-empty value (<https://no-color.org>).
fn colour(stderr_is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Installs the log subscriber; an unparsable `--log` is an error naming the value.
fn init_logs(args: &Args) -> Result<(), String> {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = if args.quiet {
        EnvFilter::new("warn")
    } else if let Some(level) = &args.log {
        EnvFilter::try_new(level)
            .map_err(|e| format!("--log `{level}` is not a level or filter: {e}"))?
    } else {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR"),
        ))
        .with_writer(std::io::stderr)
        .init();
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(e) = init_logs(&args) {
        eprintln!("alexa-smapi-sim: {e}");
        return ExitCode::from(2);
    }
    let default_secret = args.client_secret == alexa_smapi_sim::DEFAULT_CLIENT_SECRET;
    let config = args.into_config();
    let refresh_tokens = config.refresh_tokens.clone();
    let handle = match SimulatorBuilder::from_config(config).start().await {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("alexa-smapi-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("alexa-smapi-sim listening on {}", handle.url());
    println!("  SMAPI base URL : {}", handle.url());
    println!("  LWA token URL  : {}", handle.token_url());
    println!("  client_id      : {}", handle.client_id());
    if default_secret {
        println!("  client_secret  : {}", handle.client_secret());
    } else {
        println!("  client_secret  : (as given with --client-secret)");
    }
    for (token, vendor) in &refresh_tokens {
        if token == alexa_smapi_sim::DEFAULT_REFRESH_TOKEN {
            println!("  refresh_token  : {token}  (vendorId {vendor})");
        } else {
            println!("  refresh_token  : (given with --refresh-token, vendorId {vendor})");
        }
    }
    if let Some(path) = handle.state_file() {
        println!("  state file     : {}", path.display());
    }
    match handle.run_until_signal().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("alexa-smapi-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::colour;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some("".into())));
        assert!(!colour(true, Some("1".into())));
        assert!(!colour(false, None));
    }
}

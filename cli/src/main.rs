//! `smapi`: Amazon's Alexa Skill Management API from the shell, over the `alexa-smapi`
//! client (never its raw generated layer). See `smapi --help` and the README's "From the
//! shell" section.

mod args;
mod commands;
mod credentials;
mod error;
mod exit;
mod input;
mod output;
mod progress;
mod sim;
mod smapi;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use crate::args::{Cli, Command, OutputFormat, SchemaCommand};
use crate::error::CliError;
use crate::exit::Exit;
use crate::output::Printer;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version end here too (exit 0); a wrong command line exits 2.
            let _ = e.print();
            let exit = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            };
            return ExitCode::from(exit.code());
        }
    };
    if cli.global.debug {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "alexa_smapi=debug,alexa_smapi_cli=debug",
            ))
            .try_init();
    }
    let printer = Printer::new(cli.global.output);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return report(
                &printer,
                &CliError::Sim(format!("cannot start the runtime: {e}")),
            );
        }
    };
    match runtime.block_on(run(cli, &printer)) {
        Ok(()) => ExitCode::from(Exit::Success.code()),
        Err(e) => report(&printer, &e),
    }
}

/// Prints the error on stderr (JSON when stdout gets JSON) and returns its exit code.
fn report(printer: &Printer, error: &CliError) -> ExitCode {
    let mut err = std::io::stderr().lock();
    let _ = if printer.format() == OutputFormat::Json {
        writeln!(err, "{}", error.to_json())
    } else {
        write!(err, "{}", error.to_text())
    };
    ExitCode::from(error.exit().code())
}

async fn run(cli: Cli, printer: &Printer) -> Result<(), CliError> {
    let global = cli.global;
    // Commands that need no client.
    match &cli.command {
        Command::SampleManifest(a) => {
            let json = commands::sample_manifest(&a.name, &a.locale);
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &json).map_err(std::io::Error::other)?;
            writeln!(out)?;
            return Ok(());
        }
        Command::Completions(a) => {
            clap_complete::generate(
                a.shell,
                &mut Cli::command(),
                "smapi",
                &mut std::io::stdout(),
            );
            return Ok(());
        }
        Command::Schema(SchemaCommand::Validate(a)) if a.schema_file.is_some() => {
            let file = input::manifest("FILE", &a.file)?;
            let schema =
                input::schema(a.schema_file.as_deref().unwrap_or(std::path::Path::new("")))?;
            let report = smapi::validate_offline(&schema, &file.manifest)?;
            return commands::print_validation(printer, &report);
        }
        _ => {}
    }

    let lookup = |name: &str| std::env::var(name).ok();
    let wait_timeout = seconds("--wait-timeout", global.wait_timeout)?;
    let first_poll = global
        .poll_interval
        .map(|s| seconds("--poll-interval", s))
        .transpose()?;

    let (builder, sim) = if global.sim {
        let state = global
            .sim_state
            .clone()
            .unwrap_or_else(|| sim::default_state_file(&lookup));
        let sim = sim::InProcess::start(state).await?;
        let first_poll = first_poll.or(Some(Duration::from_millis(100)));
        (sim.builder(), Some((sim, first_poll)))
    } else {
        let found = credentials::find(global.profile.as_deref(), &lookup)?;
        tracing::debug!(source = ?found.source, vendor = ?found.vendor_id, "credentials found");
        (found.builder, None)
    };
    let first_poll = sim.as_ref().and_then(|(_, p)| *p).or(first_poll);
    let smapi = builder
        .retry_policy(alexa_smapi::RetryPolicy::default().max_attempts(global.max_attempts))
        .build()
        .map_err(CliError::read)?;
    let reporter = (!global.quiet).then(progress::Reporter::for_stderr);
    let session = smapi::Session {
        smapi,
        vendor_id: global.vendor_id.clone(),
        poll: smapi::poll_policy(wait_timeout, first_poll),
        progress: reporter.as_ref().map(|r| r.progress.clone()),
    };
    let result = commands::run(&session, cli.command, printer).await;
    if let Some(r) = &reporter {
        r.finish();
    }
    drop(session);
    if let Some((sim, _)) = sim {
        sim.stop().await?;
    }
    result
}

fn seconds(what: &str, value: f64) -> Result<Duration, CliError> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| CliError::input(what, format!("must be a number of seconds, got {value}")))
}

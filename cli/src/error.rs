//! What can end a command unsuccessfully, its exit code, and how it is reported on stderr.

use serde_json::{Value, json};

use crate::exit::Exit;

/// Whether the request that failed was a write (its outcome may be unknown) or a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// A read, or a wait's poll: safe to repeat.
    Read,
    /// A create, update, delete, publish, unpublish or discovery request.
    Write,
}

/// Everything that can make a command fail.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The client (or the server through it) reported an error.
    #[error("{error}")]
    Smapi {
        /// The client's error.
        error: alexa_smapi::Error,
        /// What kind of request it came from.
        call: Call,
    },
    /// A local input (file, option value) is unusable; nothing was sent.
    #[error("invalid {what}: {message}")]
    Input {
        /// Which input (`--manifest`, `--patch`, ...).
        what: String,
        /// What is wrong with it.
        message: String,
    },
    /// No credentials could be found.
    #[error("no credentials: {0}")]
    Credentials(String),
    /// A JSON Patch `test` operation failed against the current manifest; nothing was written.
    #[error("patch does not apply: {0}")]
    PatchTestFailed(String),
    /// `schema validate` found violations (they were printed).
    #[error("the manifest breaks the schema ({count} violation(s))")]
    SchemaViolations {
        /// How many.
        count: usize,
    },
    /// The in-process simulator could not start or save its state.
    #[error("simulator: {0}")]
    Sim(String),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    /// An error of the client on a read.
    pub fn read(error: alexa_smapi::Error) -> Self {
        CliError::Smapi {
            error,
            call: Call::Read,
        }
    }

    /// An error of the client on a write.
    pub fn write(error: alexa_smapi::Error) -> Self {
        CliError::Smapi {
            error,
            call: Call::Write,
        }
    }

    /// An unusable local input.
    pub fn input(what: impl Into<String>, message: impl Into<String>) -> Self {
        CliError::Input {
            what: what.into(),
            message: message.into(),
        }
    }

    /// The exit code this error ends the command with.
    pub fn exit(&self) -> Exit {
        match self {
            CliError::Smapi { error, call } => crate::smapi::classify(error, *call),
            CliError::Input { .. } | CliError::SchemaViolations { .. } => Exit::Validation,
            CliError::Credentials(_) => Exit::Unauthorized,
            CliError::PatchTestFailed(_) => Exit::PreconditionFailed,
            CliError::Sim(_) | CliError::Output(_) => Exit::Failure,
        }
    }

    /// The error as the JSON object printed on stderr in JSON mode:
    /// `{"error": {"exit", "exitCode", "message", "operation", "status", "code", "violations"}}`.
    pub fn to_json(&self) -> Value {
        let exit = self.exit();
        let mut report = json!({
            "exit": exit.name(),
            "exitCode": exit.code(),
            "message": self.to_string(),
        });
        if let CliError::Smapi { error, .. } = self {
            let details = crate::smapi::details(error);
            let fields = [
                ("operation", details.operation.map(Value::from)),
                ("status", details.status.map(Value::from)),
                ("code", details.code.map(Value::from)),
                ("serverMessage", details.server_message.map(Value::from)),
                ("advice", details.advice.map(Value::from)),
            ];
            for (key, value) in fields {
                if let Some(value) = value {
                    report[key] = value;
                }
            }
            if !details.violations.is_empty() {
                report["violations"] = Value::from(details.violations);
            }
        }
        json!({ "error": report })
    }

    /// The error as lines for a person.
    pub fn to_text(&self) -> String {
        let mut out = format!("error: {self}\n");
        if let CliError::Smapi { error, .. } = self {
            let d = crate::smapi::details(error);
            if let Some(op) = d.operation {
                out.push_str(&format!("  operation: {op}\n"));
            }
            if let Some(status) = d.status {
                out.push_str(&format!("  status:    {status}\n"));
            }
            if let Some(code) = &d.code {
                out.push_str(&format!("  code:      {code}\n"));
            }
            if let Some(message) = &d.server_message {
                out.push_str(&format!("  message:   {message}\n"));
            }
            for v in &d.violations {
                out.push_str(&format!(
                    "  violation: {}\n",
                    crate::smapi::violation_line(v)
                ));
            }
            if let Some(advice) = d.advice {
                out.push_str(&format!("  advice:    {advice}\n"));
            }
        }
        let exit = self.exit();
        out.push_str(&format!("  exit:      {} ({})\n", exit.code(), exit.name()));
        out
    }
}

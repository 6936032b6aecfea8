//! Progress of `--wait`, on stderr: a spinner on a terminal, one plain line per poll otherwise
//! (CI logs), nothing with `--quiet`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use alexa_smapi::poll::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// A reporter for the library's polls, and the spinner to clear at the end (if any).
pub struct Reporter {
    /// Handed to every wait.
    pub progress: Progress,
    spinner: Option<ProgressBar>,
}

impl Reporter {
    /// A spinner when stderr is a terminal, plain lines otherwise.
    pub fn for_stderr() -> Self {
        if std::io::stderr().is_terminal() {
            let spinner = ProgressBar::new_spinner();
            spinner.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            spinner.enable_steady_tick(Duration::from_millis(100));
            let bar = spinner.clone();
            let progress = Progress::new(move |p| {
                bar.set_message(format!("waiting for {}: {}", p.what, p.state));
            });
            Reporter {
                progress,
                spinner: Some(spinner),
            }
        } else {
            let progress = Progress::new(|p| {
                let _ = writeln!(
                    std::io::stderr(),
                    "waiting for {}: {} after {:.1}s (poll {})",
                    p.what,
                    p.state,
                    p.elapsed.as_secs_f64(),
                    p.polls
                );
            });
            Reporter {
                progress,
                spinner: None,
            }
        }
    }

    /// Clears the spinner.
    pub fn finish(&self) {
        if let Some(s) = &self.spinner {
            s.finish_and_clear();
        }
    }
}

//! Progress reports for long runs. The command line installs a spinner on standard error (shown
//! only on a terminal); the library reports the stage it is in and never depends on whether anyone
//! listens, so results are the same with or without it.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;
use std::time::Duration;

static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Starts a spinner with elapsed time on standard error (hidden when it is not a terminal).
pub fn start(prefix: &str) {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix} [{elapsed}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(prefix.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    if let Ok(mut b) = BAR.lock() {
        *b = Some(bar);
    }
}

/// Starts a bar of `len` items, with the number done and the time left.
pub fn start_counted(prefix: &str, len: u64) {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} ({eta} left) {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(prefix.to_string());
    if let Ok(mut b) = BAR.lock() {
        *b = Some(bar);
    }
}

/// Reports the current stage, e.g. `T2: quadrature of the transverse exponent`.
pub fn stage(msg: &str) {
    if let Ok(b) = BAR.lock() {
        if let Some(bar) = b.as_ref() {
            bar.set_message(msg.to_string());
        }
    }
}

/// Advances a counted bar by one.
pub fn advance() {
    if let Ok(b) = BAR.lock() {
        if let Some(bar) = b.as_ref() {
            bar.inc(1);
        }
    }
}

/// Removes the bar.
pub fn finish() {
    if let Ok(mut b) = BAR.lock() {
        if let Some(bar) = b.take() {
            bar.finish_and_clear();
        }
    }
}

/// Prints a line on standard output without tearing the bar.
pub fn out(line: &str) {
    with_bar_suspended(|| println!("{line}"));
}

/// Prints a line on standard error without tearing the bar.
pub fn err(line: &str) {
    with_bar_suspended(|| eprintln!("{line}"));
}

fn with_bar_suspended(f: impl FnOnce()) {
    let bar = BAR.lock().ok().and_then(|b| b.clone());
    match bar {
        Some(bar) => bar.suspend(f),
        None => f(),
    }
}

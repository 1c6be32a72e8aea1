//! Choice of arithmetic, and precision escalation.
//!
//! A proof task is written once, generic over [`Arith`]; [`run_at`] runs it in the arithmetic the
//! user chose. When the answer is undecided, [`run_escalating`] retries at higher MPFR precision
//! (inari intervals → 128 → 256 → … bits) up to a cap, and reports the arithmetic that decided it.

use crate::arith::{Arith, Interval, MpfrInterval};
use std::fmt;

/// The arithmetic of a run: `f64` estimates, inari intervals, or MPFR intervals at a precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithChoice {
    F64,
    Interval,
    Mpfr(u32),
}

/// Default cap of precision escalation, in bits.
pub const DEFAULT_MAX_BITS: u32 = 2048;
/// Largest precision a run may use, in bits: certificates stay readable by the kernel in seconds
/// (its exact arithmetic grows with the length of the numbers).
pub const MAX_RUN_BITS: u32 = 4096;

impl ArithChoice {
    /// Parses `interval`, `f64` or `mpfr:BITS` (24 <= BITS <= 65536).
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "interval" => Ok(ArithChoice::Interval),
            "f64" => Ok(ArithChoice::F64),
            _ => {
                let bits = s.strip_prefix("mpfr:").ok_or_else(|| {
                    format!("unknown arithmetic `{s}` (expected interval, f64 or mpfr:BITS)")
                })?;
                let b: u32 = bits
                    .parse()
                    .map_err(|_| format!("`{s}`: BITS must be an integer, e.g. mpfr:128"))?;
                if !(crate::arith::mpfr::MIN_PREC..=MAX_RUN_BITS).contains(&b) {
                    return Err(format!(
                        "`{s}`: BITS must be between {} and {MAX_RUN_BITS}",
                        crate::arith::mpfr::MIN_PREC
                    ));
                }
                Ok(ArithChoice::Mpfr(b))
            }
        }
    }

    pub fn bits(&self) -> u32 {
        match self {
            ArithChoice::F64 | ArithChoice::Interval => 53,
            ArithChoice::Mpfr(b) => *b,
        }
    }

    /// Whether verdicts may rest on this arithmetic (everything but `f64`).
    pub fn is_rigorous(&self) -> bool {
        !matches!(self, ArithChoice::F64)
    }

    /// The next rung of the escalation ladder below `cap` bits, if any.
    pub fn escalate(&self, cap: u32) -> Option<ArithChoice> {
        let next = match self {
            ArithChoice::F64 => return None,
            ArithChoice::Interval => 128,
            ArithChoice::Mpfr(b) => b.saturating_mul(2),
        };
        (next <= cap).then_some(ArithChoice::Mpfr(next))
    }
}

impl fmt::Display for ArithChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArithChoice::F64 => write!(f, "f64"),
            ArithChoice::Interval => write!(f, "interval"),
            ArithChoice::Mpfr(b) => write!(f, "mpfr:{b}"),
        }
    }
}

/// A computation written once for every arithmetic.
pub trait Task {
    type Output;
    fn run<S: Arith>(&self, unit: &S) -> Self::Output;
}

/// Outputs that can say whether they are settled, for escalation.
pub trait Decided {
    fn decided(&self) -> bool;
}

/// Runs `task` in the chosen arithmetic.
pub fn run_at<T: Task>(choice: ArithChoice, task: &T) -> T::Output {
    match choice {
        ArithChoice::F64 => task.run(&1.0f64),
        ArithChoice::Interval => {
            task.run(&Interval::try_from((1.0, 1.0)).unwrap_or(Interval::ENTIRE))
        }
        ArithChoice::Mpfr(b) => task.run(&MpfrInterval::unit(b)),
    }
}

/// Runs `task`, escalating the precision while the output is undecided and the cap allows.
pub fn run_escalating<T: Task>(start: ArithChoice, cap: u32, task: &T) -> (T::Output, ArithChoice)
where
    T::Output: Decided,
{
    let mut choice = start;
    loop {
        let out = run_at(choice, task);
        if out.decided() {
            return (out, choice);
        }
        match choice.escalate(cap) {
            Some(next) => {
                crate::progress::stage(&format!("undecided in {choice}; retrying in {next}"));
                choice = next
            }
            None => return (out, choice),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_escalates() {
        assert_eq!(
            ArithChoice::parse("mpfr:128").unwrap(),
            ArithChoice::Mpfr(128)
        );
        assert!(ArithChoice::parse("mpfr:abc").is_err());
        assert!(ArithChoice::parse("mpfr:5").is_err());
        assert!(ArithChoice::parse("double").is_err());
        assert_eq!(
            ArithChoice::Interval.escalate(4096),
            Some(ArithChoice::Mpfr(128))
        );
        assert_eq!(ArithChoice::Mpfr(1024).escalate(1024), None);
        assert_eq!(ArithChoice::F64.escalate(4096), None);
    }
}

//! Scalar arithmetics, behind one layered trait.
//!
//! A map, a loss or a gradient is written once, generic over these traits, and runs in:
//!
//! | type | kind | guarantee |
//! | --- | --- | --- |
//! | `f64` | estimate | none: comparisons on it are always [`Tri::Unknown`] |
//! | [`inari::Interval`] | enclosure, 53 bits | outward rounding (IEEE 1788) |
//! | [`MpfrInterval`] | enclosure, any precision | two MPFR endpoints rounded outward |
//! | [`Q`] | exact rational | exact ring and field operations |
//! | [`RatInterval`] | enclosure with exact rational endpoints | exact ring operations; elementary functions enclosed by series with remainder bounds (the kernel's arithmetic) |
//! | [`Poly`] | exact multivariate polynomial | exact ring operations (symbolic evaluation of polynomial maps) |
//!
//! The layers: [`Ring`] (ring operations and exact rational constants; every type), [`Field`]
//! (division), [`Elementary`] (sqrt, ln, exp, cos, sin, acos, acosh, pi; not the exact types), and
//! [`Enclosure`] (rigorous three-valued comparisons and exact endpoints). Constants are always built
//! from a value of the same type (`x.constant(&q)`), so an MPFR value's precision carries through
//! a computation without any global state.

pub mod dual;
pub mod exact;
mod float;
mod inari_impl;
pub mod jet;
pub mod mpfr;
pub mod poly;
pub mod ratinterval;
mod rational;
pub mod second_order;

use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Neg, Sub};

pub use exact::{format_exact, parse_q, q_frac, q_int, Q};
pub use inari::Interval;
pub use mpfr::MpfrInterval;
pub use poly::Poly;
pub use ratinterval::RatInterval;
pub use second_order::{FirstOrder, SecondOrder};

/// The answer of a comparison between enclosures: decided either way, or not decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
    pub fn is_true(self) -> bool {
        self == Tri::True
    }
    pub fn is_false(self) -> bool {
        self == Tri::False
    }
    pub fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }
    pub fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// Ring operations and exact rational constants. Enclosing types round outward; `f64` rounds to nearest.
pub trait Ring:
    Clone
    + Debug
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + for<'a> Add<&'a Self, Output = Self>
    + for<'a> Sub<&'a Self, Output = Self>
    + for<'a> Mul<&'a Self, Output = Self>
{
    /// The rational `q` in the arithmetic of `self` (same precision): exact when representable,
    /// otherwise enclosed (enclosing types) or rounded to nearest (`f64`).
    fn constant(&self, q: &Q) -> Self;

    /// `self²`. Enclosing types return the tight range (never below zero).
    fn sqr(&self) -> Self {
        self.clone() * self
    }

    fn int(&self, n: i64) -> Self {
        self.constant(&q_int(n))
    }

    /// Rounds an enclosure outward to a bounded size. The identity for every type but
    /// [`RatInterval`], whose exact endpoints may otherwise grow without limit in long computations.
    fn tidy(self) -> Self {
        self
    }

    /// `self^n` by repeated squaring (tight for even powers of enclosures, since squares use [`Ring::sqr`]).
    fn powi(&self, n: u32) -> Self {
        match n {
            0 => self.int(1),
            1 => self.clone(),
            _ => {
                let h = self.powi(n / 2).sqr();
                if n % 2 == 1 {
                    h * self
                } else {
                    h
                }
            }
        }
    }
}

/// Division.
pub trait Field: Ring + Div<Output = Self> + for<'a> Div<&'a Self, Output = Self> {
    fn recip(&self) -> Self {
        self.int(1) / self
    }
}

/// Elementary functions, rounded outward in every enclosing type. Outside a function's domain an
/// enclosing type returns an unbounded enclosure, whose comparisons are all [`Tri::Unknown`].
pub trait Elementary: Field {
    fn sqrt(&self) -> Self;
    fn ln(&self) -> Self;
    fn exp(&self) -> Self;
    fn cos(&self) -> Self;
    fn sin(&self) -> Self;
    /// Inverse hyperbolic cosine, defined on `[1, ∞)`.
    fn acosh(&self) -> Self;
    /// Inverse cosine, defined on `[−1, 1]`, with values in `[0, π]`.
    fn acos(&self) -> Self;
    /// The constant π.
    fn pi(&self) -> Self;
    /// Hyperbolic tangent. The default `1 − 2/(e^{2x} + 1)` uses `x` once, so on an enclosure it is
    /// as tight as its rounded operations; types with a native `tanh` override it.
    fn tanh(&self) -> Self {
        let e = (self.clone() * &self.int(2)).exp();
        self.int(1) - self.int(2) / (e + self.int(1))
    }
}

/// Rigorous comparisons. For an enclosing type every answer that is not [`Tri::Unknown`] is proved
/// for every pair of real numbers in the two enclosures. `f64` implements it as "never decided".
pub trait Enclosure: Ring {
    /// The exact endpoints, or `None` when `self` bounds nothing (an `f64` estimate, an overflow).
    fn bounds(&self) -> Option<(Q, Q)>;

    /// The enclosure of `[lo, hi]` at the precision of `self`, rounded outward.
    #[allow(clippy::wrong_self_convention)] // `self` supplies the precision
    fn from_bounds(&self, lo: &Q, hi: &Q) -> Self;

    /// The smallest enclosure of this type that contains both.
    fn hull(&self, other: &Self) -> Self;

    /// A representable point near the middle, as a degenerate enclosure.
    fn midpoint(&self) -> Self;

    /// `|x|` for every x.
    fn abs(&self) -> Self;

    /// Approximate middle, for display and for steering searches; never for a verdict.
    fn mid_f64(&self) -> f64;

    /// Binary64 bounds rounded outward (`lo <= every value <= hi`), or `None` when `self` bounds
    /// nothing. Cheaper than [`Enclosure::bounds`] where the endpoints are floating-point numbers.
    fn bounds_f64(&self) -> Option<(f64, f64)> {
        let (lo, hi) = self.bounds()?;
        Some((
            exact::q_to_f64_directed(&lo, false),
            exact::q_to_f64_directed(&hi, true),
        ))
    }

    /// Approximate width, for display and for steering searches; never for a verdict.
    fn width_f64(&self) -> f64;

    /// `x < y` for every x in `self` and y in `other`.
    fn lt(&self, other: &Self) -> Tri {
        match (self.bounds(), other.bounds()) {
            (Some((a, b)), Some((c, d))) => {
                if b < c {
                    Tri::True
                } else if a >= d {
                    Tri::False
                } else {
                    Tri::Unknown
                }
            }
            _ => Tri::Unknown,
        }
    }

    /// `x <= y` for every x in `self` and y in `other`.
    fn le(&self, other: &Self) -> Tri {
        !other.lt(self)
    }

    fn gt(&self, other: &Self) -> Tri {
        other.lt(self)
    }

    fn ge(&self, other: &Self) -> Tri {
        !self.lt(other)
    }

    /// Whether `self ⊆ other` (true only when proved).
    fn subset(&self, other: &Self) -> bool {
        match (self.bounds(), other.bounds()) {
            (Some((a, b)), Some((c, d))) => c <= a && b <= d,
            _ => false,
        }
    }

    /// Whether `self` lies in the interior of `other` (true only when proved).
    fn interior(&self, other: &Self) -> bool {
        match (self.bounds(), other.bounds()) {
            (Some((a, b)), Some((c, d))) => c < a && b < d,
            _ => false,
        }
    }

    /// Whether the two share no point (true only when proved).
    fn disjoint(&self, other: &Self) -> bool {
        match (self.bounds(), other.bounds()) {
            (Some((a, b)), Some((c, d))) => b < c || d < a,
            _ => false,
        }
    }

    /// `self + [−r, r]`, rounded outward (for ε-inflation; `r >= 0` is any binary64 number).
    fn widen(&self, r: f64) -> Self;

    /// Whether `q` is in `self` (true only when proved).
    fn contains_q(&self, q: &Q) -> bool {
        match self.bounds() {
            Some((a, b)) => a <= *q && *q <= b,
            None => false,
        }
    }
}

/// An arithmetic in which a computation can be run from scratch: how to make its unit value.
/// Precision-carrying types take the precision from here.
pub trait Arith: Enclosure + Elementary {
    /// A short name for reports, e.g. `interval` or `mpfr:128`.
    fn arith_name(&self) -> String;
    /// Working precision in bits (53 for `f64` and inari intervals).
    fn precision(&self) -> u32;
}

/// Componentwise interval-vector helpers for the methods.
pub fn hull_all<S: Enclosure>(xs: &[S], ys: &[S]) -> Vec<S> {
    xs.iter().zip(ys).map(|(a, b)| a.hull(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tri_logic() {
        assert_eq!(Tri::True.and(Tri::Unknown), Tri::Unknown);
        assert_eq!(Tri::False.and(Tri::Unknown), Tri::False);
        assert_eq!(Tri::True.or(Tri::Unknown), Tri::True);
        assert_eq!(!Tri::Unknown, Tri::Unknown);
    }
}

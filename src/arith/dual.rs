//! Forward-mode automatic differentiation: `Dual<S, N>` carries a value and its gradient with respect
//! to `N` seeded inputs, in any arithmetic `S`. Evaluated on enclosures of a box, it encloses the
//! Jacobian of a map over the whole box (the derivative rules are exact identities, applied in `S`).
//! Constants come from `S::constant`, so no `f64` constant can leak into an enclosure.

use super::exact::Q;
use super::{Elementary, Field, Ring};
use std::ops::{Add, Div, Mul, Neg, Sub};

#[derive(Clone, Debug)]
pub struct Dual<S, const N: usize> {
    pub v: S,
    pub d: [S; N],
}

impl<S: Ring, const N: usize> Dual<S, N> {
    /// The input variable number `i` with value `v`.
    pub fn var(v: S, i: usize) -> Self {
        let d = std::array::from_fn(|j| if i == j { v.int(1) } else { v.int(0) });
        Dual { v, d }
    }

    /// A value with zero derivative.
    pub fn cst(v: S) -> Self {
        let d = std::array::from_fn(|_| v.int(0));
        Dual { v, d }
    }

    /// Seeds every coordinate of `x` as an independent variable.
    pub fn seed(x: &[S; N]) -> [Self; N] {
        std::array::from_fn(|i| Self::var(x[i].clone(), i))
    }

    /// `f(v)` with derivative `f'(v)·d` (chain rule).
    fn chain(&self, v: S, fprime: &S) -> Self {
        Dual {
            v,
            d: std::array::from_fn(|i| fprime.clone() * &self.d[i]),
        }
    }
}

/// The values and the Jacobian (row `i` = gradient of output `i`) of a map evaluated on duals.
pub fn jacobian<S: Ring, const N: usize, const M: usize>(
    y: &[Dual<S, N>; M],
) -> ([S; M], [[S; N]; M]) {
    (
        std::array::from_fn(|i| y[i].v.clone()),
        std::array::from_fn(|i| y[i].d.clone()),
    )
}

impl<S: Ring, const N: usize> Add for Dual<S, N> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        self + &o
    }
}
impl<'a, S: Ring, const N: usize> Add<&'a Dual<S, N>> for Dual<S, N> {
    type Output = Self;
    fn add(self, o: &'a Self) -> Self {
        let Dual { v, d } = self;
        let mut it = o.d.iter();
        let d = d.map(|x| match it.next() {
            Some(y) => x + y,
            None => x,
        });
        Dual { v: v + &o.v, d }
    }
}
impl<S: Ring, const N: usize> Sub for Dual<S, N> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        self - &o
    }
}
impl<'a, S: Ring, const N: usize> Sub<&'a Dual<S, N>> for Dual<S, N> {
    type Output = Self;
    fn sub(self, o: &'a Self) -> Self {
        let Dual { v, d } = self;
        let mut it = o.d.iter();
        let d = d.map(|x| match it.next() {
            Some(y) => x - y,
            None => x,
        });
        Dual { v: v - &o.v, d }
    }
}

impl<S: Ring, const N: usize> Mul for Dual<S, N> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        self * &o
    }
}
#[allow(clippy::suspicious_arithmetic_impl)] // the product rule
impl<'a, S: Ring, const N: usize> Mul<&'a Dual<S, N>> for Dual<S, N> {
    type Output = Self;
    fn mul(self, o: &'a Self) -> Self {
        let d = std::array::from_fn(|i| self.d[i].clone() * &o.v + &(self.v.clone() * &o.d[i]));
        Dual {
            v: self.v * &o.v,
            d,
        }
    }
}
impl<S: Field, const N: usize> Div for Dual<S, N> {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        self / &o
    }
}
#[allow(clippy::suspicious_arithmetic_impl)] // the quotient rule
impl<'a, S: Field, const N: usize> Div<&'a Dual<S, N>> for Dual<S, N> {
    type Output = Self;
    fn div(self, o: &'a Self) -> Self {
        let q = self.v.clone() / &o.v;
        let d = std::array::from_fn(|i| (self.d[i].clone() - &(q.clone() * &o.d[i])) / &o.v);
        Dual { v: q, d }
    }
}
impl<S: Ring, const N: usize> Neg for Dual<S, N> {
    type Output = Self;
    fn neg(self) -> Self {
        Dual {
            v: -self.v,
            d: self.d.map(|x| -x),
        }
    }
}

impl<S: Ring, const N: usize> Ring for Dual<S, N> {
    fn constant(&self, q: &Q) -> Self {
        Self::cst(self.v.constant(q))
    }
    fn sqr(&self) -> Self {
        let two_v = self.v.clone() * &self.v.int(2);
        self.chain(self.v.sqr(), &two_v)
    }
    fn tidy(self) -> Self {
        Dual {
            v: self.v.tidy(),
            d: self.d.map(|x| x.tidy()),
        }
    }
}

impl<S: Field, const N: usize> Field for Dual<S, N> {}

impl<S: Elementary, const N: usize> Elementary for Dual<S, N> {
    fn sqrt(&self) -> Self {
        let s = self.v.sqrt();
        let fp = (s.clone() * &s.int(2)).recip();
        self.chain(s, &fp)
    }
    fn ln(&self) -> Self {
        self.chain(self.v.ln(), &self.v.recip())
    }
    fn exp(&self) -> Self {
        let e = self.v.exp();
        self.chain(e.clone(), &e)
    }
    fn cos(&self) -> Self {
        self.chain(self.v.cos(), &-self.v.sin())
    }
    fn sin(&self) -> Self {
        self.chain(self.v.sin(), &self.v.cos())
    }
    fn acosh(&self) -> Self {
        let fp = (self.v.sqr() - self.v.int(1)).sqrt().recip();
        self.chain(self.v.acosh(), &fp)
    }
    fn acos(&self) -> Self {
        let fp = -(self.v.int(1) - self.v.sqr()).sqrt().recip();
        self.chain(self.v.acos(), &fp)
    }
    fn pi(&self) -> Self {
        Self::cst(self.v.pi())
    }
    fn tanh(&self) -> Self {
        let t = self.v.tanh();
        let fp = self.v.int(1) - t.sqr();
        self.chain(t, &fp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::exact::{q_frac, q_int};

    #[test]
    fn derivative_of_cubic_is_exact_over_rationals() {
        let x = Dual::<Q, 1>::var(q_frac(1, 2), 0);
        let mu = x.constant(&q_frac(6, 5));
        let one = x.int(1);
        let y = (one + &mu) * &x - mu * &x.powi(3);
        // f'(x) = 1 + μ - 3μx² = 1 + 6/5 - 18/20 = 13/10.
        assert_eq!(y.d[0], q_frac(13, 10));
        assert_eq!(
            y.v,
            q_frac(1, 2) * q_frac(11, 5) - q_frac(6, 5) * q_frac(1, 8)
        );
        let _ = q_int(0);
    }
}

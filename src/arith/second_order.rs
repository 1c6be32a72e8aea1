//! Sparse forward-mode automatic differentiation: [`SecondOrder<S>`]
//! carries a value, its gradient and its Hessian with respect to any number of seeded inputs, in any
//! arithmetic `S`.
//!
//! A loss written once over the scalar traits, evaluated on `SecondOrder<S>` inputs, gives its
//! gradient and Hessian in `S`: estimates in `f64`, enclosures over a whole box in intervals and MPFR
//! intervals, exact values over the rationals. The rules are exact identities applied in `S`
//! (`(ab)'' = a''b + 2a'⊗b' + ab''`, `f(u)'' = f'(u)u'' + f''(u)u'⊗u'`), and every constant comes
//! from `S::constant`, so no binary float enters an enclosure.
//!
//! Storage is sparse: the gradient is a list of `(index, value)` sorted by index, the Hessian the
//! upper triangle `(i, j, value)`, `i ≤ j`, sorted lexicographically. A loss that is a sum of terms
//! each touching a few parameters (the units of a network) then costs what its terms touch; only a
//! product of two dense gradients (the square of a residual) fills the Hessian. [`FirstOrder<S>`]
//! carries the gradient alone, for when the Hessian is not needed.

use super::exact::Q;
use super::{Elementary, Field, Ring};
use std::ops::{Add, Div, Mul, Neg, Sub};

#[derive(Clone, Debug)]
pub struct SecondOrder<S> {
    pub v: S,
    /// Nonzero gradient entries `(i, ∂_i)`, sorted by `i`.
    pub g: Vec<(u32, S)>,
    /// Nonzero upper Hessian entries `(i, j, ∂_i∂_j)` with `i ≤ j`, sorted.
    pub h: Vec<(u32, u32, S)>,
}

/// Merges two sorted sparse lists, combining equal keys with `both` and mapping lone entries with
/// `left` and `right`.
fn merge<K: Ord + Copy, S>(
    a: Vec<(K, S)>,
    b: &[(K, S)],
    both: impl Fn(S, &S) -> S,
    right: impl Fn(&S) -> S,
) -> Vec<(K, S)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut bi = b.iter().peekable();
    for (k, x) in a {
        while let Some((kb, y)) = bi.peek() {
            if *kb < k {
                out.push((*kb, right(y)));
                bi.next();
            } else {
                break;
            }
        }
        match bi.peek() {
            Some((kb, y)) if *kb == k => {
                out.push((k, both(x, y)));
                bi.next();
            }
            _ => out.push((k, x)),
        }
    }
    out.extend(bi.map(|(k, y)| (*k, right(y))));
    out
}

fn to_pairs<S>(h: Vec<(u32, u32, S)>) -> Vec<((u32, u32), S)> {
    h.into_iter().map(|(i, j, x)| ((i, j), x)).collect()
}

fn from_pairs<S>(h: Vec<((u32, u32), S)>) -> Vec<(u32, u32, S)> {
    h.into_iter().map(|((i, j), x)| (i, j, x)).collect()
}

/// The upper triangle of `a ⊗ b + b ⊗ a`, sorted, with equal entries summed.
fn symmetric_outer<S: Ring>(a: &[(u32, S)], b: &[(u32, S)]) -> Vec<((u32, u32), S)> {
    let mut terms: Vec<((u32, u32), S)> = Vec::with_capacity(a.len() * b.len() * 2);
    for (i, x) in a {
        for (j, y) in b {
            let p = x.clone() * y;
            if i == j {
                terms.push(((*i, *j), p.clone() + &p));
            } else {
                terms.push(((*i.min(j), *i.max(j)), p));
            }
        }
    }
    sum_sorted(terms)
}

/// The upper triangle of `a ⊗ a`, sorted.
fn self_outer<S: Ring>(a: &[(u32, S)]) -> Vec<((u32, u32), S)> {
    let mut out = Vec::with_capacity(a.len() * (a.len() + 1) / 2);
    for (k, (i, x)) in a.iter().enumerate() {
        for (j, y) in &a[k..] {
            out.push(((*i, *j), x.clone() * y));
        }
    }
    out
}

/// Sorts by key (stably, so the summation order is deterministic) and sums equal keys.
fn sum_sorted<S: Ring>(mut terms: Vec<((u32, u32), S)>) -> Vec<((u32, u32), S)> {
    terms.sort_by_key(|t| t.0);
    let mut out: Vec<((u32, u32), S)> = Vec::with_capacity(terms.len());
    for (k, x) in terms {
        match out.last_mut() {
            Some((kl, y)) if *kl == k => *y = y.clone() + &x,
            _ => out.push((k, x)),
        }
    }
    out
}

fn scale_g<S: Ring>(g: &[(u32, S)], c: &S) -> Vec<(u32, S)> {
    g.iter().map(|(i, x)| (*i, x.clone() * c)).collect()
}

fn scale_h<S: Ring>(h: &[(u32, u32, S)], c: &S) -> Vec<((u32, u32), S)> {
    h.iter()
        .map(|(i, j, x)| ((*i, *j), x.clone() * c))
        .collect()
}

impl<S: Ring> SecondOrder<S> {
    /// Input variable number `i` with value `v`.
    pub fn var(v: S, i: usize) -> Self {
        let one = v.int(1);
        SecondOrder {
            v,
            g: vec![(i as u32, one)],
            h: vec![],
        }
    }

    /// A value with zero derivatives.
    pub fn cst(v: S) -> Self {
        SecondOrder {
            v,
            g: vec![],
            h: vec![],
        }
    }

    /// Seeds every coordinate of `x` as an independent variable.
    pub fn seed(x: &[S]) -> Vec<Self> {
        x.iter()
            .enumerate()
            .map(|(i, v)| Self::var(v.clone(), i))
            .collect()
    }

    /// `f(u)` from `f(v)`, `f'(v)` and `f''(v)`.
    pub fn chain(&self, fv: S, d1: &S, d2: &S) -> Self {
        let g = scale_g(&self.g, d1);
        let h = merge(
            scale_h(&self.h, d1),
            &scale_h_pairs(self_outer(&self.g), d2),
            |x, y| x + y,
            |y| y.clone(),
        );
        SecondOrder {
            v: fv,
            g,
            h: from_pairs(h),
        }
    }

    /// The dense gradient of length `n`.
    pub fn gradient(&self, n: usize) -> Vec<S> {
        let mut out = vec![self.v.int(0); n];
        for (i, x) in &self.g {
            out[*i as usize] = x.clone();
        }
        out
    }

    /// The dense symmetric Hessian, `n×n` row-major.
    pub fn hessian(&self, n: usize) -> Vec<S> {
        let mut out = vec![self.v.int(0); n * n];
        for (i, j, x) in &self.h {
            let (i, j) = (*i as usize, *j as usize);
            out[i * n + j] = x.clone();
            out[j * n + i] = x.clone();
        }
        out
    }

    fn map(&self, f: impl Fn(&S) -> S) -> Self {
        SecondOrder {
            v: f(&self.v),
            g: self.g.iter().map(|(i, x)| (*i, f(x))).collect(),
            h: self.h.iter().map(|(i, j, x)| (*i, *j, f(x))).collect(),
        }
    }
}

fn scale_h_pairs<S: Ring>(h: Vec<((u32, u32), S)>, c: &S) -> Vec<((u32, u32), S)> {
    h.into_iter().map(|(k, x)| (k, x * c)).collect()
}

impl<S: Ring> Add for SecondOrder<S> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        self + &o
    }
}
impl<'a, S: Ring> Add<&'a SecondOrder<S>> for SecondOrder<S> {
    type Output = Self;
    fn add(self, o: &'a Self) -> Self {
        let h = merge(
            to_pairs(self.h),
            &o.h.iter()
                .map(|(i, j, x)| ((*i, *j), x.clone()))
                .collect::<Vec<_>>(),
            |x, y| x + y,
            |y| y.clone(),
        );
        SecondOrder {
            v: self.v + &o.v,
            g: merge(self.g, &o.g, |x, y| x + y, |y| y.clone()),
            h: from_pairs(h),
        }
    }
}
impl<S: Ring> Sub for SecondOrder<S> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        self - &o
    }
}
impl<'a, S: Ring> Sub<&'a SecondOrder<S>> for SecondOrder<S> {
    type Output = Self;
    fn sub(self, o: &'a Self) -> Self {
        let h = merge(
            to_pairs(self.h),
            &o.h.iter()
                .map(|(i, j, x)| ((*i, *j), x.clone()))
                .collect::<Vec<_>>(),
            |x, y| x - y,
            |y| -y.clone(),
        );
        SecondOrder {
            v: self.v - &o.v,
            g: merge(self.g, &o.g, |x, y| x - y, |y| -y.clone()),
            h: from_pairs(h),
        }
    }
}
impl<S: Ring> Mul for SecondOrder<S> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        self * &o
    }
}
#[allow(clippy::suspicious_arithmetic_impl)] // the product rule
impl<'a, S: Ring> Mul<&'a SecondOrder<S>> for SecondOrder<S> {
    type Output = Self;
    fn mul(self, o: &'a Self) -> Self {
        let g = merge(
            scale_g(&self.g, &o.v),
            &scale_g(&o.g, &self.v),
            |x, y| x + y,
            |y| y.clone(),
        );
        let h = merge(
            scale_h(&self.h, &o.v),
            &scale_h(&o.h, &self.v),
            |x, y| x + y,
            |y| y.clone(),
        );
        let h = merge(
            h,
            &symmetric_outer(&self.g, &o.g),
            |x, y| x + y,
            |y| y.clone(),
        );
        SecondOrder {
            v: self.v * &o.v,
            g,
            h: from_pairs(h),
        }
    }
}
impl<S: Field> Div for SecondOrder<S> {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        self / &o
    }
}
#[allow(clippy::suspicious_arithmetic_impl)] // a/b = a·(1/b)
impl<'a, S: Field> Div<&'a SecondOrder<S>> for SecondOrder<S> {
    type Output = Self;
    fn div(self, o: &'a Self) -> Self {
        self * &o.recip()
    }
}
impl<S: Ring> Neg for SecondOrder<S> {
    type Output = Self;
    fn neg(self) -> Self {
        self.map(|x| -x.clone())
    }
}

impl<S: Ring> Ring for SecondOrder<S> {
    fn constant(&self, q: &Q) -> Self {
        Self::cst(self.v.constant(q))
    }
    fn sqr(&self) -> Self {
        let two = self.v.int(2);
        self.chain(self.v.sqr(), &(self.v.clone() * &two), &two)
    }
    fn tidy(self) -> Self {
        SecondOrder {
            v: self.v.tidy(),
            g: self.g.into_iter().map(|(i, x)| (i, x.tidy())).collect(),
            h: self
                .h
                .into_iter()
                .map(|(i, j, x)| (i, j, x.tidy()))
                .collect(),
        }
    }
}

impl<S: Field> Field for SecondOrder<S> {
    fn recip(&self) -> Self {
        let r = self.v.recip();
        let r2 = r.sqr();
        let d2 = r2.clone() * &r * &self.v.int(2);
        self.chain(r, &-r2, &d2)
    }
}

impl<S: Elementary> Elementary for SecondOrder<S> {
    fn sqrt(&self) -> Self {
        let s = self.v.sqrt();
        let d1 = (s.clone() * &s.int(2)).recip();
        // (√v)'' = −1/(4 v^{3/2}) = −d1/(2v)
        let d2 = -(d1.clone() / &(self.v.clone() * &self.v.int(2)));
        self.chain(s, &d1, &d2)
    }
    fn ln(&self) -> Self {
        let r = self.v.recip();
        let d2 = -r.sqr();
        self.chain(self.v.ln(), &r, &d2)
    }
    fn exp(&self) -> Self {
        let e = self.v.exp();
        self.chain(e.clone(), &e, &e)
    }
    fn cos(&self) -> Self {
        let c = self.v.cos();
        self.chain(c.clone(), &-self.v.sin(), &-c)
    }
    fn sin(&self) -> Self {
        let s = self.v.sin();
        self.chain(s.clone(), &self.v.cos(), &-s)
    }
    fn acosh(&self) -> Self {
        // acosh' = (v² − 1)^{-1/2}, acosh'' = −v (v² − 1)^{-3/2}
        let w = self.v.sqr() - self.v.int(1);
        let d1 = w.sqrt().recip();
        let d2 = -(self.v.clone() * &d1 / &w);
        self.chain(self.v.acosh(), &d1, &d2)
    }
    fn acos(&self) -> Self {
        // acos' = −(1 − v²)^{-1/2}, acos'' = −v (1 − v²)^{-3/2}
        let w = self.v.int(1) - self.v.sqr();
        let r = w.sqrt().recip();
        let d2 = -(self.v.clone() * &r / &w);
        self.chain(self.v.acos(), &-r, &d2)
    }
    fn pi(&self) -> Self {
        Self::cst(self.v.pi())
    }
    fn tanh(&self) -> Self {
        // tanh' = 1 − t², tanh'' = −2t(1 − t²)
        let t = self.v.tanh();
        let d1 = self.v.int(1) - t.sqr();
        let d2 = -(t.clone() * &d1 * &self.v.int(2));
        self.chain(t, &d1, &d2)
    }
}

/// First-order sparse forward mode: a value and its gradient, for gradients alone (a Krawczyk
/// centre, a kernel's `∇L(m)`) at a fraction of the cost of [`SecondOrder`].
#[derive(Clone, Debug)]
pub struct FirstOrder<S> {
    pub v: S,
    /// Nonzero gradient entries `(i, ∂_i)`, sorted by `i`.
    pub g: Vec<(u32, S)>,
}

impl<S: Ring> FirstOrder<S> {
    /// Seeds every coordinate of `x` as an independent variable.
    pub fn seed(x: &[S]) -> Vec<Self> {
        x.iter()
            .enumerate()
            .map(|(i, v)| FirstOrder {
                v: v.clone(),
                g: vec![(i as u32, v.int(1))],
            })
            .collect()
    }

    /// `f(u)` from `f(v)` and `f'(v)`.
    pub fn chain(&self, fv: S, d1: &S) -> Self {
        FirstOrder {
            v: fv,
            g: scale_g(&self.g, d1),
        }
    }

    /// The dense gradient of length `n`.
    pub fn gradient(&self, n: usize) -> Vec<S> {
        let mut out = vec![self.v.int(0); n];
        for (i, x) in &self.g {
            out[*i as usize] = x.clone();
        }
        out
    }
}

impl<S: Ring> Add for FirstOrder<S> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        self + &o
    }
}
impl<'a, S: Ring> Add<&'a FirstOrder<S>> for FirstOrder<S> {
    type Output = Self;
    fn add(self, o: &'a Self) -> Self {
        FirstOrder {
            v: self.v + &o.v,
            g: merge(self.g, &o.g, |x, y| x + y, |y| y.clone()),
        }
    }
}
impl<S: Ring> Sub for FirstOrder<S> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        self - &o
    }
}
impl<'a, S: Ring> Sub<&'a FirstOrder<S>> for FirstOrder<S> {
    type Output = Self;
    fn sub(self, o: &'a Self) -> Self {
        FirstOrder {
            v: self.v - &o.v,
            g: merge(self.g, &o.g, |x, y| x - y, |y| -y.clone()),
        }
    }
}
impl<S: Ring> Mul for FirstOrder<S> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        self * &o
    }
}
#[allow(clippy::suspicious_arithmetic_impl)] // the product rule
impl<'a, S: Ring> Mul<&'a FirstOrder<S>> for FirstOrder<S> {
    type Output = Self;
    fn mul(self, o: &'a Self) -> Self {
        let g = merge(
            scale_g(&self.g, &o.v),
            &scale_g(&o.g, &self.v),
            |x, y| x + y,
            |y| y.clone(),
        );
        FirstOrder {
            v: self.v * &o.v,
            g,
        }
    }
}
impl<S: Field> Div for FirstOrder<S> {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        self / &o
    }
}
#[allow(clippy::suspicious_arithmetic_impl)] // a/b = a·(1/b)
impl<'a, S: Field> Div<&'a FirstOrder<S>> for FirstOrder<S> {
    type Output = Self;
    fn div(self, o: &'a Self) -> Self {
        self * &o.recip()
    }
}
impl<S: Ring> Neg for FirstOrder<S> {
    type Output = Self;
    fn neg(self) -> Self {
        FirstOrder {
            v: -self.v,
            g: self.g.into_iter().map(|(i, x)| (i, -x)).collect(),
        }
    }
}

impl<S: Ring> Ring for FirstOrder<S> {
    fn constant(&self, q: &Q) -> Self {
        FirstOrder {
            v: self.v.constant(q),
            g: vec![],
        }
    }
    fn sqr(&self) -> Self {
        self.chain(self.v.sqr(), &(self.v.clone() * &self.v.int(2)))
    }
    fn tidy(self) -> Self {
        FirstOrder {
            v: self.v.tidy(),
            g: self.g.into_iter().map(|(i, x)| (i, x.tidy())).collect(),
        }
    }
}

impl<S: Field> Field for FirstOrder<S> {
    fn recip(&self) -> Self {
        let r = self.v.recip();
        let d1 = -r.sqr();
        self.chain(r, &d1)
    }
}

impl<S: Elementary> Elementary for FirstOrder<S> {
    fn sqrt(&self) -> Self {
        let s = self.v.sqrt();
        let d1 = (s.clone() * &s.int(2)).recip();
        self.chain(s, &d1)
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
        let d1 = (self.v.sqr() - self.v.int(1)).sqrt().recip();
        self.chain(self.v.acosh(), &d1)
    }
    fn acos(&self) -> Self {
        let d1 = -(self.v.int(1) - self.v.sqr()).sqrt().recip();
        self.chain(self.v.acos(), &d1)
    }
    fn pi(&self) -> Self {
        FirstOrder {
            v: self.v.pi(),
            g: vec![],
        }
    }
    fn tanh(&self) -> Self {
        let t = self.v.tanh();
        let d1 = self.v.int(1) - t.sqr();
        self.chain(t, &d1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::exact::{q_frac, q_int};

    #[test]
    fn polynomial_derivatives_are_exact_over_rationals() {
        // f(x, y, z) = x²y + 3yz − z³ at (1/2, −2, 3).
        let x = SecondOrder::seed(&[q_frac(1, 2), q_int(-2), q_int(3)]);
        let three = x[0].int(3);
        let f = x[0].sqr() * &x[1] + three * &x[1] * &x[2] - x[2].powi(3);
        assert_eq!(f.v, q_frac(-1, 2) - q_int(18) - q_int(27));
        // ∇f = (2xy, x² + 3z, 3y − 3z²)
        assert_eq!(
            f.gradient(3),
            vec![q_int(-2), q_frac(1, 4) + q_int(9), q_int(-6) - q_int(27)]
        );
        // ∇²f = [[2y, 2x, 0], [2x, 0, 3], [0, 3, −6z]]
        assert_eq!(
            f.hessian(3),
            vec![
                q_int(-4),
                q_int(1),
                q_int(0),
                q_int(1),
                q_int(0),
                q_int(3),
                q_int(0),
                q_int(3),
                q_int(-18)
            ]
        );
    }

    #[test]
    fn first_order_agrees_with_second_order() {
        let x = [q_frac(1, 3), q_int(-2)];
        let f = |v: &[SecondOrder<Q>]| (v[0].clone() * &v[1]).sqr() / (v[1].sqr() + v[0].int(1));
        let g = |v: &[FirstOrder<Q>]| (v[0].clone() * &v[1]).sqr() / (v[1].sqr() + v[0].int(1));
        let (a, b) = (f(&SecondOrder::seed(&x)), g(&FirstOrder::seed(&x)));
        assert_eq!(a.v, b.v);
        assert_eq!(a.gradient(2), b.gradient(2));
    }

    #[test]
    fn quotient_rule_over_rationals() {
        // f = x/y at (3, 2): ∂x = 1/y, ∂y = −x/y², ∂xx = 0, ∂xy = −1/y², ∂yy = 2x/y³.
        let v = SecondOrder::seed(&[q_int(3), q_int(2)]);
        let f = v[0].clone() / &v[1];
        assert_eq!(f.v, q_frac(3, 2));
        assert_eq!(f.gradient(2), vec![q_frac(1, 2), q_frac(-3, 4)]);
        assert_eq!(
            f.hessian(2),
            vec![q_int(0), q_frac(-1, 4), q_frac(-1, 4), q_frac(3, 4)]
        );
    }
}

//! Truncated Taylor series ("jets") in one variable, in any arithmetic: `c[k] = f^(k)(t)/k!`.
//!
//! Evaluated at a point, a jet gives the Taylor coefficients there; evaluated with an interval as
//! its base value, it encloses `f^(k)(ξ)/k!` for every ξ in the interval, because each recurrence
//! below is an exact identity between Taylor coefficients at every point. Rigorous quadrature uses
//! both (see `methods::quadrature`).

use super::exact::Q;
use super::{Elementary, Field, Ring};
use std::ops::{Add, Div, Mul, Neg, Sub};

#[derive(Clone, Debug)]
pub struct Jet<S> {
    pub c: Vec<S>,
}

impl<S: Ring> Jet<S> {
    /// The independent variable `t` at base value `t0`, to order `order`.
    pub fn var(t0: S, order: usize) -> Self {
        let mut c = vec![t0.int(0); order + 1];
        if order >= 1 {
            c[1] = t0.int(1);
        }
        c[0] = t0;
        Jet { c }
    }

    pub fn order(&self) -> usize {
        self.c.len() - 1
    }

    fn cst_like(&self, v: S) -> Self {
        let mut c = vec![v.int(0); self.c.len()];
        c[0] = v;
        Jet { c }
    }

    fn k(&self, k: usize) -> S {
        self.c[0].int(k as i64)
    }
}

fn zip<S: Ring>(a: &Jet<S>, b: &Jet<S>, f: impl Fn(&S, &S) -> S) -> Jet<S> {
    Jet {
        c: a.c.iter().zip(&b.c).map(|(x, y)| f(x, y).tidy()).collect(),
    }
}

fn mul_j<S: Ring>(a: &Jet<S>, b: &Jet<S>) -> Jet<S> {
    let n = a.c.len().min(b.c.len());
    let c = (0..n)
        .map(|k| {
            let mut s = a.c[0].clone() * &b.c[k];
            for j in 1..=k {
                s = s + &(a.c[j].clone() * &b.c[k - j]);
            }
            s.tidy()
        })
        .collect();
    Jet { c }
}

impl<S: Ring> Add for Jet<S> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        zip(&self, &o, |x, y| x.clone() + y)
    }
}
impl<'a, S: Ring> Add<&'a Jet<S>> for Jet<S> {
    type Output = Self;
    fn add(self, o: &'a Self) -> Self {
        zip(&self, o, |x, y| x.clone() + y)
    }
}
impl<S: Ring> Sub for Jet<S> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        zip(&self, &o, |x, y| x.clone() - y)
    }
}
impl<'a, S: Ring> Sub<&'a Jet<S>> for Jet<S> {
    type Output = Self;
    fn sub(self, o: &'a Self) -> Self {
        zip(&self, o, |x, y| x.clone() - y)
    }
}
impl<S: Ring> Mul for Jet<S> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        mul_j(&self, &o)
    }
}
impl<'a, S: Ring> Mul<&'a Jet<S>> for Jet<S> {
    type Output = Self;
    fn mul(self, o: &'a Self) -> Self {
        mul_j(&self, o)
    }
}
impl<S: Ring> Neg for Jet<S> {
    type Output = Self;
    fn neg(self) -> Self {
        Jet {
            c: self.c.into_iter().map(|x| -x).collect(),
        }
    }
}

#[allow(clippy::needless_range_loop)] // index recurrences read as the formulas
fn div_j<S: Field>(a: &Jet<S>, b: &Jet<S>) -> Jet<S> {
    // h = a/b: h_k = (a_k - sum_{j<k} h_j b_{k-j}) / b_0.
    let n = a.c.len().min(b.c.len());
    let mut h: Vec<S> = Vec::with_capacity(n);
    for k in 0..n {
        let mut s = a.c[k].clone();
        for j in 0..k {
            s = s - &(h[j].clone() * &b.c[k - j]);
        }
        h.push((s / &b.c[0]).tidy());
    }
    Jet { c: h }
}

impl<S: Field> Div for Jet<S> {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        div_j(&self, &o)
    }
}
impl<'a, S: Field> Div<&'a Jet<S>> for Jet<S> {
    type Output = Self;
    fn div(self, o: &'a Self) -> Self {
        div_j(&self, o)
    }
}

impl<S: Ring> Ring for Jet<S> {
    fn constant(&self, q: &Q) -> Self {
        self.cst_like(self.c[0].constant(q))
    }
    fn sqr(&self) -> Self {
        // Use the tight square for the base value; the rest is the Cauchy product.
        let mut r = mul_j(self, self);
        r.c[0] = self.c[0].sqr();
        r
    }
    fn tidy(self) -> Self {
        Jet {
            c: self.c.into_iter().map(|x| x.tidy()).collect(),
        }
    }
}

impl<S: Field> Field for Jet<S> {}

impl<S: Elementary> Jet<S> {
    /// Joint recurrence for sin and cos of a jet.
    fn sin_cos(&self) -> (Self, Self) {
        let n = self.c.len();
        let mut s = vec![self.c[0].sin()];
        let mut c = vec![self.c[0].cos()];
        for k in 1..n {
            let mut sk = self.c[0].int(0);
            let mut ck = self.c[0].int(0);
            for j in 1..=k {
                let jf = self.c[j].clone() * &self.k(j);
                sk = sk + &(jf.clone() * &c[k - j]);
                ck = ck - &(jf * &s[k - j]);
            }
            s.push((sk / &self.k(k)).tidy());
            c.push((ck / &self.k(k)).tidy());
        }
        (Jet { c: s }, Jet { c })
    }
}

#[allow(clippy::needless_range_loop)] // index recurrences read as the formulas
impl<S: Elementary> Elementary for Jet<S> {
    fn sqrt(&self) -> Self {
        let n = self.c.len();
        let mut h = vec![self.c[0].sqrt()];
        let two_h0 = h[0].clone() * &h[0].int(2);
        for k in 1..n {
            let mut s = self.c[k].clone();
            for j in 1..k {
                s = s - &(h[j].clone() * &h[k - j]);
            }
            h.push((s / &two_h0).tidy());
        }
        Jet { c: h }
    }
    fn ln(&self) -> Self {
        let n = self.c.len();
        let mut h = vec![self.c[0].ln()];
        for k in 1..n {
            let mut s = self.c[k].clone() * &self.k(k);
            for j in 1..k {
                s = s - &(h[j].clone() * &self.k(j) * &self.c[k - j]);
            }
            h.push((s / &(self.c[0].clone() * &self.k(k))).tidy());
        }
        Jet { c: h }
    }
    fn exp(&self) -> Self {
        let n = self.c.len();
        let mut h = vec![self.c[0].exp()];
        for k in 1..n {
            let mut s = self.c[0].int(0);
            for j in 1..=k {
                s = s + &(self.c[j].clone() * &self.k(j) * &h[k - j]);
            }
            h.push((s / &self.k(k)).tidy());
        }
        Jet { c: h }
    }
    fn cos(&self) -> Self {
        self.sin_cos().1
    }
    fn sin(&self) -> Self {
        self.sin_cos().0
    }
    fn acosh(&self) -> Self {
        // acosh x = ln(x + sqrt(x² - 1)); the base value uses the direct enclosure.
        let inner = self.clone() + &(self.sqr() - self.int(1)).sqrt();
        let mut r = inner.ln();
        r.c[0] = self.c[0].acosh();
        r
    }
    fn acos(&self) -> Self {
        // h = acos x: h'·s = −x' with s = sqrt(1 − x²), so
        // k h_k s_0 = −k x_k − Σ_{j=1}^{k−1} j h_j s_{k−j}.
        let n = self.c.len();
        let s = (self.int(1) - self.sqr()).sqrt();
        let mut h = vec![self.c[0].acos()];
        for k in 1..n {
            let mut t = -(self.c[k].clone() * &self.k(k));
            for j in 1..k {
                t = t - &(h[j].clone() * &self.k(j) * &s.c[k - j]);
            }
            h.push((t / &(s.c[0].clone() * &self.k(k))).tidy());
        }
        Jet { c: h }
    }
    fn pi(&self) -> Self {
        self.cst_like(self.c[0].pi())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::exact::{q_frac, q_int};

    #[test]
    fn exp_series_coefficients() {
        // exp(t) at t = 0: coefficients 1/k!.
        let t = Jet::var(0.0f64, 6);
        let e = t.exp();
        for (k, c) in e.c.iter().enumerate() {
            let fact: f64 = (1..=k).map(|i| i as f64).product();
            assert!((c - 1.0 / fact).abs() < 1e-15);
        }
    }

    #[test]
    fn rational_division_is_exact() {
        // 1/(1 - t) = sum t^k.
        let t = Jet::var(q_int(0), 5);
        let one = t.int(1);
        let g = one.clone() / (one - t);
        assert!(g.c.iter().all(|c| *c == q_int(1)));
        let _ = q_frac(1, 2);
    }

    #[test]
    fn sin_cos_and_ln() {
        let t = Jet::var(0.5f64, 4);
        let (s, c) = t.sin_cos();
        assert!((s.c[1] - 0.5f64.cos()).abs() < 1e-15);
        assert!((c.c[2] + 0.5f64.cos() / 2.0).abs() < 1e-15);
        let l = t.ln();
        assert!((l.c[2] + 2.0).abs() < 1e-12);
    }
}

//! `Poly`: multivariate polynomials with exact rational coefficients.
//!
//! A polynomial map written generically over [`Ring`] and evaluated on `Poly::var(i)` arguments
//! expands itself symbolically, exactly. That is how identities such as `Φ∘F = Φ·m` are proved:
//! both sides are expanded and their difference must be the zero polynomial, coefficient by
//! coefficient. Algebraic relations such as `c² + s² = 1` or `σ² = 2` are applied by
//! [`Poly::reduce`], which rewrites every power `x_i^k` with `k >= 2` using `x_i² = g`.

use super::exact::{format_exact, Q};
use super::Ring;
use num_traits::{One, Zero};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Add, Mul, Neg, Sub};

#[derive(Clone, PartialEq, Eq)]
pub struct Poly {
    nvars: usize,
    /// Exponent vector -> nonzero coefficient.
    terms: BTreeMap<Vec<u32>, Q>,
}

impl Poly {
    pub fn zero(nvars: usize) -> Self {
        Poly {
            nvars,
            terms: BTreeMap::new(),
        }
    }

    pub fn constant_q(nvars: usize, q: &Q) -> Self {
        let mut p = Self::zero(nvars);
        if !q.is_zero() {
            p.terms.insert(vec![0; nvars], q.clone());
        }
        p
    }

    /// The variable `x_i` in a ring of `nvars` variables.
    pub fn var(i: usize, nvars: usize) -> Self {
        let mut e = vec![0; nvars];
        e[i] = 1;
        let mut p = Self::zero(nvars);
        p.terms.insert(e, Q::one());
        p
    }

    /// All `nvars` variables, in order.
    pub fn vars(nvars: usize) -> Vec<Self> {
        (0..nvars).map(|i| Self::var(i, nvars)).collect()
    }

    pub fn nvars(&self) -> usize {
        self.nvars
    }

    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn num_terms(&self) -> usize {
        self.terms.len()
    }

    pub fn terms(&self) -> impl Iterator<Item = (&Vec<u32>, &Q)> {
        self.terms.iter()
    }

    fn add_term(&mut self, e: Vec<u32>, c: Q) {
        if c.is_zero() {
            return;
        }
        let remove = {
            let entry = self.terms.entry(e.clone()).or_insert_with(Q::zero);
            *entry += c;
            entry.is_zero()
        };
        if remove {
            self.terms.remove(&e);
        }
    }

    fn width(&self, o: &Self) -> usize {
        self.nvars.max(o.nvars)
    }

    fn padded(e: &[u32], n: usize) -> Vec<u32> {
        let mut v = e.to_vec();
        v.resize(n, 0);
        v
    }

    /// Partial derivative with respect to `x_i`.
    pub fn derivative(&self, i: usize) -> Self {
        let mut p = Self::zero(self.nvars);
        for (e, c) in &self.terms {
            if e[i] > 0 {
                let mut f = e.clone();
                f[i] -= 1;
                p.add_term(f, c * Q::from_integer(e[i].into()));
            }
        }
        p
    }

    /// The polynomial with the given terms (exponent vectors of length `nvars`; zero coefficients
    /// are dropped, repeated exponents must not occur).
    pub fn from_terms(nvars: usize, terms: impl IntoIterator<Item = (Vec<u32>, Q)>) -> Self {
        Poly {
            nvars,
            terms: terms
                .into_iter()
                .filter(|(e, c)| e.len() == nvars && !c.is_zero())
                .collect(),
        }
    }

    /// Rewrites every `x_i^k`, `k >= 2`, with the relation `x_i² = g` until no such power remains.
    /// `g` must have degree below 2 in `x_i`. The result is the normal form modulo the relation.
    pub fn reduce(&self, i: usize, g: &Poly) -> Poly {
        let mut out = Self::zero(self.nvars);
        let mut work: Vec<(Vec<u32>, Q)> = self
            .terms
            .iter()
            .map(|(e, c)| (e.clone(), c.clone()))
            .collect();
        while let Some((e, c)) = work.pop() {
            if e[i] < 2 {
                out.add_term(e, c);
                continue;
            }
            let mut base = e.clone();
            base[i] -= 2;
            for (ge, gc) in &g.terms {
                let ge = Self::padded(ge, self.nvars);
                let f: Vec<u32> = base.iter().zip(&ge).map(|(a, b)| a + b).collect();
                work.push((f, &c * gc));
            }
        }
        out
    }

    /// The normal form modulo relations `x_var² = value` (applied in turn until nothing changes).
    pub fn normal_form(&self, relations: &[(usize, Poly)]) -> Poly {
        let mut p = self.clone();
        loop {
            let before = p.clone();
            for (var, value) in relations {
                p = p.reduce(*var, value);
            }
            if p == before {
                return p;
            }
        }
    }

    /// Substitutes `x_i := value` (another polynomial in the same variables).
    pub fn substitute(&self, i: usize, value: &Poly) -> Poly {
        let n = self.nvars;
        let mut out = Self::zero(n);
        for (e, c) in &self.terms {
            let mut base = e.clone();
            let k = base[i];
            base[i] = 0;
            let mut mono = Self::zero(n);
            mono.terms.insert(base, c.clone());
            out = out + mono * value.powi(k);
        }
        out
    }

    /// Exact value at a rational point.
    pub fn eval(&self, x: &[Q]) -> Q {
        let mut s = Q::zero();
        for (e, c) in &self.terms {
            let mut t = c.clone();
            for (xi, k) in x.iter().zip(e) {
                for _ in 0..*k {
                    t *= xi;
                }
            }
            s += t;
        }
        s
    }
}

impl fmt::Debug for Poly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Poly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.terms.is_empty() {
            return write!(f, "0");
        }
        let mut first = true;
        for (e, c) in self.terms.iter().rev() {
            if !first {
                write!(f, " + ")?;
            }
            first = false;
            write!(f, "{}", format_exact(c))?;
            for (i, k) in e.iter().enumerate() {
                match k {
                    0 => {}
                    1 => write!(f, "*x{i}")?,
                    _ => write!(f, "*x{i}^{k}")?,
                }
            }
        }
        Ok(())
    }
}

fn add_p(a: &Poly, b: &Poly) -> Poly {
    let n = a.width(b);
    let mut p = Poly::zero(n);
    for (e, c) in a.terms.iter().chain(b.terms.iter()) {
        p.add_term(Poly::padded(e, n), c.clone());
    }
    p
}

fn neg_p(a: &Poly) -> Poly {
    Poly {
        nvars: a.nvars,
        terms: a.terms.iter().map(|(e, c)| (e.clone(), -c)).collect(),
    }
}

fn mul_p(a: &Poly, b: &Poly) -> Poly {
    let n = a.width(b);
    let mut p = Poly::zero(n);
    for (ea, ca) in &a.terms {
        let ea = Poly::padded(ea, n);
        for (eb, cb) in &b.terms {
            let e: Vec<u32> = ea
                .iter()
                .zip(Poly::padded(eb, n))
                .map(|(x, y)| x + y)
                .collect();
            p.add_term(e, ca * cb);
        }
    }
    p
}

macro_rules! binop {
    ($tr:ident, $m:ident, $f:expr) => {
        impl $tr for Poly {
            type Output = Poly;
            fn $m(self, o: Poly) -> Poly {
                $f(&self, &o)
            }
        }
        impl<'a> $tr<&'a Poly> for Poly {
            type Output = Poly;
            fn $m(self, o: &'a Poly) -> Poly {
                $f(&self, o)
            }
        }
        impl<'a> $tr<&'a Poly> for &'a Poly {
            type Output = Poly;
            fn $m(self, o: &'a Poly) -> Poly {
                $f(self, o)
            }
        }
    };
}

binop!(Add, add, add_p);
binop!(Sub, sub, |a: &Poly, b: &Poly| add_p(a, &neg_p(b)));
binop!(Mul, mul, mul_p);

impl Neg for Poly {
    type Output = Poly;
    fn neg(self) -> Poly {
        neg_p(&self)
    }
}

impl Ring for Poly {
    fn constant(&self, q: &Q) -> Self {
        Poly::constant_q(self.nvars, q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::exact::{q_frac, q_int};

    #[test]
    fn expands_and_cancels() {
        let v = Poly::vars(2);
        let (x, y) = (&v[0], &v[1]);
        let lhs = (x.clone() + y).sqr();
        let rhs = x.sqr() + x.clone() * y * &x.int(2) + y.sqr();
        assert!((lhs - rhs).is_zero());
    }

    #[test]
    fn reduces_modulo_circle() {
        // cos 3θ = 4c³ - 3c and c(1 - 2(c² - s²)) = -cos 3θ on c² + s² = 1.
        let v = Poly::vars(2);
        let (c, s) = (&v[0], &v[1]);
        let one = c.int(1);
        let lhs = c.clone() * (one.clone() - (c.sqr() - s.sqr()) * &c.int(2));
        let cos3 = c.powi(3) * &c.int(4) - c.clone() * &c.int(3);
        let rel = one - s.sqr(); // c² = 1 - s²
        assert!((lhs + cos3).reduce(0, &rel).is_zero());
    }

    #[test]
    fn derivative_and_eval() {
        let v = Poly::vars(1);
        let p = v[0].powi(3) * &v[0].constant(&q_frac(1, 3)) - v[0].clone();
        assert_eq!(p.derivative(0).eval(&[q_int(2)]), q_int(3));
        let sub = p.substitute(0, &v[0].int(3));
        assert_eq!(sub.eval(&[q_int(0)]), q_int(6));
    }
}

//! A two-layer tanh network `f(x) = Σ_j v_j tanh(w_j·x + b_j) + c` on a fixed data set, with the
//! mean squared loss and weight decay: `L_λ(θ) = (1/(2n)) Σ_i (f(x_i) − y_i)² + (λ/2)‖θ‖²`.
//!
//! Parameters are ordered as in `theorems.md` (paper 7, K3): `W` (hidden×d, row-major), `b`
//! (hidden), `v` (hidden), `c`. The loss is written once, generic over [`Elementary`]: on
//! [`crate::arith::SecondOrder`] values it gives the gradient and Hessian, in whatever arithmetic
//! the caller chooses.
//!
//! Data come from seeds through SplitMix64 (`theorems.md` §0.3, primitive 7), in integer arithmetic:
//! `x_i = (2u − 1, 2u − 1)` with `u = (next >> 11)·2⁻⁵³`, exact dyadics. The targets
//! `y_i = sin(πx_{i1})·cos(πx_{i2}/2)` are the binary64 numbers nearest to the exact values, fixed by
//! an enclosure that rounds to one binary64 number at both ends, so engine and kernel agree on
//! the data bit for bit without trusting any libm.

use crate::arith::exact::{q_from_f64, q_to_f64_directed, Q};
use crate::arith::{q_frac, Elementary, Enclosure, Ring};
pub use crate::spec::random::SplitMix64;
use num_traits::Zero;

/// Input dimension of the data.
pub const INPUT_DIM: usize = 2;

/// The binary64 number nearest to `q` (ties to even), exactly, as a rational.
pub fn nearest_binary64(q: &Q) -> Option<Q> {
    let lo = q_from_f64(q_to_f64_directed(q, false))?;
    let hi = q_from_f64(q_to_f64_directed(q, true))?;
    if lo == hi {
        return Some(lo);
    }
    let (dl, dh) = (q.clone() - &lo, hi.clone() - q);
    Some(match dl.cmp(&dh) {
        std::cmp::Ordering::Less => lo,
        std::cmp::Ordering::Greater => hi,
        std::cmp::Ordering::Equal => {
            // The even one has a zero last mantissa bit.
            let l = crate::arith::exact::q_to_f64(&lo);
            if l.to_bits() & 1 == 0 {
                lo
            } else {
                hi
            }
        }
    })
}

/// The input points of data seed `seed`: `n` points `(2u − 1, 2u − 1)`, exact.
pub fn inputs(seed: u64, n: usize) -> Vec<[Q; INPUT_DIM]> {
    let mut rng = SplitMix64(seed);
    let two = Q::from_integer(2.into());
    let one = Q::from_integer(1.into());
    (0..n)
        .map(|_| {
            let a = rng.uniform() * &two - &one;
            let b = rng.uniform() * &two - &one;
            [a, b]
        })
        .collect()
}

/// The target at `x`, `sin(πx₁)·cos(πx₂/2)` rounded to the nearest binary64 number, evaluated in
/// the arithmetic of `unit`; `None` when the enclosure is too wide to decide the rounding.
pub fn target<T: Elementary + Enclosure>(unit: &T, x: &[Q; INPUT_DIM]) -> Option<Q> {
    let pi = unit.pi();
    let s = (pi.clone() * &unit.constant(&x[0])).sin();
    let c = (pi * &unit.constant(&(x[1].clone() * q_frac(1, 2)))).cos();
    let (lo, hi) = (s * &c).bounds()?;
    let (a, b) = (nearest_binary64(&lo)?, nearest_binary64(&hi)?);
    (a == b).then_some(a)
}

/// The data and constants of a loss in one arithmetic, built once per run (hot loops do not
/// convert rationals).
#[derive(Clone, Debug)]
pub struct Constants<T> {
    pub xs: Vec<[T; INPUT_DIM]>,
    pub ys: Vec<T>,
    /// `1/n`.
    pub inv_n: T,
    /// `λ`.
    pub lambda: T,
    lambda_is_zero: bool,
}

/// The network and its data.
#[derive(Clone, Debug)]
pub struct Mlp {
    pub hidden: usize,
    pub xs: Vec<[Q; INPUT_DIM]>,
    pub ys: Vec<Q>,
}

impl Mlp {
    /// Number of parameters, `hidden·(d + 2) + 1`.
    pub fn dim(&self) -> usize {
        self.hidden * (INPUT_DIM + 2) + 1
    }

    /// The data and `λ` in the arithmetic of `unit`.
    pub fn constants<T: Ring>(&self, unit: &T, lambda: &Q) -> Constants<T> {
        Constants {
            xs: self
                .xs
                .iter()
                .map(|x| std::array::from_fn(|k| unit.constant(&x[k])))
                .collect(),
            ys: self.ys.iter().map(|y| unit.constant(y)).collect(),
            inv_n: unit.constant(&q_frac(1, self.xs.len().max(1) as i64)),
            lambda: unit.constant(lambda),
            lambda_is_zero: lambda.is_zero(),
        }
    }

    /// The hidden pre-activations `z_j = w_j·x + b_j` and the output `f(x)` minus the target.
    fn forward<T: Elementary>(&self, theta: &[T], x: &[T; INPUT_DIM], y: &T) -> (Vec<T>, T) {
        let h = self.hidden;
        let (w, rest) = theta.split_at(h * INPUT_DIM);
        let (b, rest) = rest.split_at(h);
        let (v, c) = rest.split_at(h);
        let mut f = c[0].clone() - y;
        let mut act = Vec::with_capacity(h);
        for j in 0..h {
            let mut z = b[j].clone();
            for (k, xk) in x.iter().enumerate() {
                z = z + &(w[j * INPUT_DIM + k].clone() * xk);
            }
            let t = z.tanh();
            f = (f + &(v[j].clone() * &t)).tidy();
            act.push(t);
        }
        (act, f)
    }

    /// `L(θ) = (1/(2n)) Σ (f(x_i) − y_i)²`.
    pub fn loss<T: Elementary>(&self, k: &Constants<T>, theta: &[T]) -> T {
        let mut total = theta[0].int(0);
        for (x, y) in k.xs.iter().zip(&k.ys) {
            let (_, e) = self.forward(theta, x, y);
            total = (total + &e.sqr()).tidy();
        }
        total * &k.inv_n * &theta[0].constant(&q_frac(1, 2))
    }

    /// `L_λ(θ) = L(θ) + (λ/2)‖θ‖²`.
    pub fn decayed_loss<T: Elementary>(&self, k: &Constants<T>, theta: &[T]) -> T {
        let mut loss = self.loss(k, theta);
        if !k.lambda_is_zero {
            let mut sq = theta[0].int(0);
            for t in theta {
                sq = sq + &t.sqr();
            }
            loss = loss + &(sq * &k.lambda * &theta[0].constant(&q_frac(1, 2)));
        }
        loss
    }

    /// `∇L_λ(θ)` by backpropagation, for the engine's gradient-descent search, where second-order
    /// automatic differentiation of [`Self::decayed_loss`] would cost a Hessian per step. Certified
    /// quantities never use it; a test checks it against the automatic derivative.
    pub fn decayed_gradient<T: Elementary>(&self, k: &Constants<T>, theta: &[T]) -> Vec<T> {
        let h = self.hidden;
        let one = theta[0].int(1);
        let v = &theta[h * (INPUT_DIM + 1)..h * (INPUT_DIM + 2)];
        let mut grad: Vec<T> = theta.iter().map(|t| t.clone() * &k.lambda).collect();
        for (x, y) in k.xs.iter().zip(&k.ys) {
            let (act, f) = self.forward(theta, x, y);
            // ∂/∂θ of (f − y)²/(2n) is (f − y)/n · ∂f/∂θ.
            let e = f * &k.inv_n;
            for (j, t) in act.iter().enumerate() {
                let dz = e.clone() * &v[j] * &(one.clone() - t.sqr());
                for (kk, xk) in x.iter().enumerate() {
                    let i = j * INPUT_DIM + kk;
                    grad[i] = grad[i].clone() + &(dz.clone() * xk);
                }
                let ib = h * INPUT_DIM + j;
                grad[ib] = grad[ib].clone() + &dz;
                let iv = h * (INPUT_DIM + 1) + j;
                grad[iv] = grad[iv].clone() + &(e.clone() * t);
            }
            let ic = theta.len() - 1;
            grad[ic] = grad[ic].clone() + &e;
        }
        grad
    }
}

/// `L_λ` of a network as an objective for [`crate::methods::stationary`]-style searches: the
/// loss with its data, in whatever arithmetic it is evaluated.
#[derive(Clone, Debug)]
pub struct DecayedLoss<'a> {
    pub mlp: &'a Mlp,
    pub lambda: Q,
}

impl DecayedLoss<'_> {
    pub fn dim(&self) -> usize {
        self.mlp.dim()
    }
    pub fn value<T: Elementary>(&self, theta: &[T]) -> T {
        let k = self.mlp.constants(&theta[0], &self.lambda);
        self.mlp.decayed_loss(&k, theta)
    }
}

//! Paper 3 (`bradley-terry-metric`): triplet data, the Bradley–Terry logistic loss and the spectral
//! matrix, written once over the scalar traits (theorems.md, Paper 3 (b)).
//!
//! A triplet `t = (i, j, k)` with label `y_t = ±1` has the design matrix
//! `A_t = p pᵀ − q qᵀ`, `p = x_i − x_k`, `q = x_i − x_j`; for `U ∈ R^{d×r}` (row-major) the score is
//! `⟨UUᵀ, A_t⟩ = ‖Uᵀp‖² − ‖Uᵀq‖²` and the loss `ℓ(U) = (1/n) Σ_t ln(1 + exp(−y_t ⟨UUᵀ, A_t⟩))`.

use super::random::SplitMix64;
use crate::arith::exact::{q_from_f64, Q};
use crate::arith::{q_int, Elementary, Ring};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};

/// One labelled triplet query: "is item `i` closer to `j` (`y = +1`) or to `k` (`y = −1`)?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Triplet {
    pub i: usize,
    pub j: usize,
    pub k: usize,
    pub y: i8,
}

/// Items (`m×d`, row-major, exact) and labelled triplets.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub dim: usize,
    pub items: Vec<Q>,
    pub triplets: Vec<Triplet>,
}

/// Draws an instance as `p3_gd.py` does (primitive 7): `m·d` normals item after item, then per
/// triplet three uniforms `⌊m u⌋` redrawn together until pairwise distinct, and one uniform `u`
/// with `y = +1` iff `u < σ(⟨M*, A_t⟩)`, all in binary64. `truth` is `M*` (`d×d`, row-major).
/// The result is data, fixed afterwards: nothing certified depends on the rounding of this draw.
pub fn generate(dim: usize, truth: &[f64], items: usize, triplets: usize, seed: u64) -> Data {
    let mut rng = SplitMix64(seed);
    let x: Vec<f64> = (0..items * dim).map(|_| rng.normal_f64()).collect();
    let mut out = Vec::with_capacity(triplets);
    for _ in 0..triplets {
        let (i, j, k) = loop {
            let (i, j, k) = (rng.index(items), rng.index(items), rng.index(items));
            if i != j && j != k && i != k {
                break (i, j, k);
            }
        };
        let p: Vec<f64> = (0..dim).map(|a| x[i * dim + a] - x[k * dim + a]).collect();
        let q: Vec<f64> = (0..dim).map(|a| x[i * dim + a] - x[j * dim + a]).collect();
        let mut s = 0.0;
        for a in 0..dim {
            for b in 0..dim {
                s += truth[a * dim + b] * (p[a] * p[b] - q[a] * q[b]);
            }
        }
        let y = if rng.uniform_f64() < 1.0 / (1.0 + (-s).exp()) {
            1
        } else {
            -1
        };
        out.push(Triplet { i, j, k, y });
    }
    Data {
        dim,
        items: x
            .iter()
            .map(|v| q_from_f64(*v).unwrap_or_default())
            .collect(),
        triplets: out,
    }
}

impl Data {
    pub fn n(&self) -> usize {
        self.triplets.len()
    }

    /// `(p, q)` of triplet `t`, exactly.
    pub fn arms(&self, t: &Triplet) -> (Vec<Q>, Vec<Q>) {
        let d = self.dim;
        let x = |a: usize, b: usize| &self.items[a * d + b];
        (
            (0..d).map(|a| x(t.i, a) - x(t.k, a)).collect(),
            (0..d).map(|a| x(t.i, a) - x(t.j, a)).collect(),
        )
    }

    /// Every triplet's arms, exactly.
    pub fn all_arms(&self) -> Vec<(Vec<Q>, Vec<Q>)> {
        self.triplets.iter().map(|t| self.arms(t)).collect()
    }

    /// The items as integers over one common denominator `D` (the lcm of theirs): `(D, D·x)`.
    fn scaled_items(&self) -> (BigInt, Vec<BigInt>) {
        let den = self
            .items
            .iter()
            .fold(BigInt::one(), |acc, v| acc.lcm(v.denom()));
        let ints = self
            .items
            .iter()
            .map(|v| v.numer() * (&den / v.denom()))
            .collect();
        (den, ints)
    }

    /// `(D·p, D·q)` of every triplet, integers, and `D`.
    #[allow(clippy::type_complexity)]
    fn scaled_arms(&self) -> (BigInt, Vec<(Vec<BigInt>, Vec<BigInt>)>) {
        let (den, x) = self.scaled_items();
        let d = self.dim;
        let arms = self
            .triplets
            .iter()
            .map(|t| {
                (
                    (0..d).map(|a| &x[t.i * d + a] - &x[t.k * d + a]).collect(),
                    (0..d).map(|a| &x[t.i * d + a] - &x[t.j * d + a]).collect(),
                )
            })
            .collect();
        (den, arms)
    }

    /// `⟨M, A_t⟩ = pᵀMp − qᵀMq` for each triplet, exactly (`m` is `d×d`, row-major), by integer
    /// arithmetic over the common denominators of the items and of `M`.
    pub fn inner_products(&self, m: &[Q]) -> Vec<Q> {
        let d = self.dim;
        let (den, arms) = self.scaled_arms();
        let e = m.iter().fold(BigInt::one(), |acc, v| acc.lcm(v.denom()));
        let mi: Vec<BigInt> = m.iter().map(|v| v.numer() * (&e / v.denom())).collect();
        let scale = &e * &den * &den;
        let quad = |v: &[BigInt]| {
            let mut s = BigInt::zero();
            for a in 0..d {
                for b in 0..d {
                    s += &mi[a * d + b] * &v[a] * &v[b];
                }
            }
            s
        };
        arms.iter()
            .map(|(p, q)| Q::new(quad(p) - quad(q), scale.clone()))
            .collect()
    }

    /// `(1/(6n)) Σ_t y_t A_t`, exactly (`d×d`, row-major): the spectral-initialisation matrix,
    /// summed in integers over the items' common denominator.
    pub fn spectral_matrix(&self) -> Vec<Q> {
        let d = self.dim;
        let (den, arms) = self.scaled_arms();
        let mut s = vec![BigInt::zero(); d * d];
        for (t, (p, q)) in self.triplets.iter().zip(&arms) {
            for a in 0..d {
                for b in a..d {
                    let v = &p[a] * &p[b] - &q[a] * &q[b];
                    if t.y > 0 {
                        s[a * d + b] += v;
                    } else {
                        s[a * d + b] -= v;
                    }
                }
            }
        }
        let scale = &den * &den * BigInt::from(6 * self.n() as i64);
        let mut out = vec![Q::zero(); d * d];
        for a in 0..d {
            for b in a..d {
                let v = Q::new(s[a * d + b].clone(), scale.clone());
                out[b * d + a] = v.clone();
                out[a * d + b] = v;
            }
        }
        out
    }
}

/// `⟨UUᵀ, A⟩ = ‖Uᵀp‖² − ‖Uᵀq‖²` for `U` (`d×r`, row-major) and arms converted to the arithmetic.
pub fn score<T: Ring>(u: &[T], r: usize, p: &[T], q: &[T]) -> T {
    let mut s = u[0].int(0);
    for c in 0..r {
        let (mut up, mut uq) = (u[0].int(0), u[0].int(0));
        for a in 0..p.len() {
            up = up + &(u[a * r + c].clone() * &p[a]);
            uq = uq + &(u[a * r + c].clone() * &q[a]);
        }
        s = s + &up.sqr() - &uq.sqr();
    }
    s
}

/// The empirical loss `ℓ(U) = (1/n) Σ_t ln(1 + exp(−y_t ⟨UUᵀ, A_t⟩))` with the arms of the data.
#[derive(Clone, Debug)]
pub struct BtLoss {
    pub dim: usize,
    pub rank: usize,
    pub arms: Vec<(Vec<Q>, Vec<Q>)>,
    pub labels: Vec<i8>,
}

impl BtLoss {
    pub fn new(data: &Data, rank: usize) -> Self {
        BtLoss {
            dim: data.dim,
            rank,
            arms: data.all_arms(),
            labels: data.triplets.iter().map(|t| t.y).collect(),
        }
    }

    /// The number of parameters, `d·r`.
    pub fn dim(&self) -> usize {
        self.dim * self.rank
    }

    /// The arms in the arithmetic of `unit`, for repeated evaluations.
    pub fn arms_in<T: Ring>(&self, unit: &T) -> Vec<(Vec<T>, Vec<T>)> {
        self.arms
            .iter()
            .map(|(p, q)| {
                (
                    p.iter().map(|v| unit.constant(v)).collect(),
                    q.iter().map(|v| unit.constant(v)).collect(),
                )
            })
            .collect()
    }

    /// `ℓ(U)` with arms already converted by [`Self::arms_in`].
    pub fn value_with<T: Elementary>(&self, arms: &[(Vec<T>, Vec<T>)], u: &[T]) -> T {
        let one = u[0].int(1);
        let mut sum = u[0].int(0);
        for ((p, q), y) in arms.iter().zip(&self.labels) {
            let s = score(u, self.rank, p, q);
            let z = if *y > 0 { -s } else { s };
            sum = sum + &(z.exp() + &one).ln();
        }
        sum * &u[0].constant(&Q::new(1.into(), (self.labels.len() as i64).into()))
    }

    /// `∇ℓ(U)` (row-major `d×r`) in closed form, `−(2/n) Σ_t y_t σ(−y_t s_t) A_t U`, with arms
    /// already converted: the same function as the derivative of [`Self::value_with`], at a
    /// fraction of the cost of automatic differentiation.
    pub fn gradient_with<T: Elementary>(&self, arms: &[(Vec<T>, Vec<T>)], u: &[T]) -> Vec<T> {
        let (d, r) = (self.dim, self.rank);
        let mut g = vec![u[0].int(0); d * r];
        for ((p, q), y) in arms.iter().zip(&self.labels) {
            let (pu, qu, coef) = self.term(p, q, *y, u);
            for a in 0..d {
                for c in 0..r {
                    let w = p[a].clone() * &pu[c] - &(q[a].clone() * &qu[c]);
                    g[a * r + c] = g[a * r + c].clone() + &(coef.0.clone() * &w);
                }
            }
        }
        let scale = u[0].constant(&Q::new(2.into(), (self.labels.len() as i64).into()));
        g.into_iter().map(|v| v * &scale).collect()
    }

    /// `∇²ℓ(U)` (`dr×dr`, indices `a·r + c`) in closed form:
    /// `(1/n) Σ_t [4 σ(z)(1 − σ(z)) W_ac W_be + 2 δ_ce (−y_t σ(z)) A_ab]`, `z = −y_t s_t`, `W = A_t U`.
    pub fn hessian_with<T: Elementary>(&self, arms: &[(Vec<T>, Vec<T>)], u: &[T]) -> Vec<T> {
        let (d, r) = (self.dim, self.rank);
        let n = d * r;
        let mut h = vec![u[0].int(0); n * n];
        let (two, four) = (u[0].int(2), u[0].int(4));
        for ((p, q), y) in arms.iter().zip(&self.labels) {
            let (pu, qu, (coef, sig)) = self.term(p, q, *y, u);
            let phi = sig.clone() * &(u[0].int(1) - &sig) * &four;
            let coef2 = coef * &two;
            let w: Vec<T> = (0..n)
                .map(|k| p[k / r].clone() * &pu[k % r] - &(q[k / r].clone() * &qu[k % r]))
                .collect();
            for i in 0..n {
                for j in i..n {
                    let mut v = phi.clone() * &w[i] * &w[j];
                    if i % r == j % r {
                        let (a, b) = (i / r, j / r);
                        let ab = p[a].clone() * &p[b] - &(q[a].clone() * &q[b]);
                        v = v + &(coef2.clone() * &ab);
                    }
                    h[i * n + j] = h[i * n + j].clone() + &v;
                }
            }
        }
        let scale = u[0].constant(&Q::new(1.into(), (self.labels.len() as i64).into()));
        for i in 0..n {
            for j in i..n {
                let v = h[i * n + j].clone() * &scale;
                h[j * n + i] = v.clone();
                h[i * n + j] = v;
            }
        }
        h
    }

    /// `(Uᵀp, Uᵀq, (−y σ(z), σ(z)))` for one triplet, `z = −y⟨UUᵀ, A⟩`.
    fn term<T: Elementary>(&self, p: &[T], q: &[T], y: i8, u: &[T]) -> (Vec<T>, Vec<T>, (T, T)) {
        let (d, r) = (self.dim, self.rank);
        let dot = |v: &[T], c: usize| {
            (0..d).fold(u[0].int(0), |acc, a| acc + &(u[a * r + c].clone() * &v[a]))
        };
        let pu: Vec<T> = (0..r).map(|c| dot(p, c)).collect();
        let qu: Vec<T> = (0..r).map(|c| dot(q, c)).collect();
        let s = pu
            .iter()
            .zip(&qu)
            .fold(u[0].int(0), |acc, (a, b)| acc + &a.sqr() - &b.sqr());
        let z = if y > 0 { -s } else { s };
        let sig = u[0].int(1) / &((-z).exp() + &u[0].int(1));
        let coef = if y > 0 { -sig.clone() } else { sig.clone() };
        (pu, qu, (coef, sig))
    }

    /// `ℓ(U)` in the arithmetic of `u`.
    pub fn value<T: Elementary>(&self, u: &[T]) -> T {
        let arms = self.arms_in(&u[0]);
        self.value_with(&arms, u)
    }
}

/// `min_t y_t ⟨UUᵀ, A_t⟩` for a rational `U`, exactly: positive means that `U` separates the labels.
pub fn min_margin(data: &Data, u: &[Q], rank: usize) -> Option<Q> {
    data.triplets
        .iter()
        .zip(data.all_arms())
        .map(|(t, (p, q))| score(u, rank, &p, &q) * q_int(t.y as i64))
        .min()
}

/// `t·A − B` for square matrices of the same size.
pub fn scaled_minus(t: &Q, a: &[Q], b: &[Q]) -> Vec<Q> {
    a.iter().zip(b).map(|(x, y)| t * x - y).collect()
}

/// The determinant of a square rational matrix (`n×n`, row-major), by exact elimination.
pub fn determinant(m: &[Q], n: usize) -> Q {
    let mut a = m.to_vec();
    let mut det = q_int(1);
    for c in 0..n {
        let Some(p) = (c..n).find(|&r| !a[r * n + c].is_zero()) else {
            return Q::zero();
        };
        if p != c {
            for k in 0..n {
                a.swap(p * n + k, c * n + k);
            }
            det = -det;
        }
        let piv = a[c * n + c].clone();
        det *= &piv;
        for r in c + 1..n {
            let f = &a[r * n + c] / &piv;
            if f.is_zero() {
                continue;
            }
            for k in c..n {
                let v = &f * &a[c * n + k];
                a[r * n + k] -= v;
            }
        }
    }
    det
}

/// `‖UUᵀ − M‖_F` for `U` (`d×r`).
pub fn distance_to<S: Elementary>(u: &[S], r: usize, m: &[Q]) -> S {
    let d = u.len() / r;
    let mut s = u[0].int(0);
    for a in 0..d {
        for b in 0..d {
            let mut x = u[0].constant(&m[a * d + b]) * &u[0].int(-1);
            for c in 0..r {
                x = x + &(u[a * r + c].clone() * &u[b * r + c]);
            }
            s = s + &x.sqr();
        }
    }
    s.sqrt()
}

/// `max(|1 − ημ|, |1 − ηL|)` over `μ ∈ [μ_lo, μ_hi]`, `L ∈ [L_lo, L_hi]`, as an exact interval.
pub fn local_rate(eta: &Q, mu: (&Q, &Q), l: (&Q, &Q)) -> (Q, Q) {
    let one = q_int(1);
    let abs_range = |a: Q, b: Q| -> (Q, Q) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        if lo >= Q::zero() {
            (lo, hi)
        } else if hi <= Q::zero() {
            (-hi, -lo)
        } else {
            (Q::zero(), if -lo.clone() > hi { -lo } else { hi })
        }
    };
    let (a_lo, a_hi) = abs_range(&one - eta * mu.0, &one - eta * mu.1);
    let (b_lo, b_hi) = abs_range(&one - eta * l.0, &one - eta * l.1);
    (a_lo.max(b_lo), a_hi.max(b_hi))
}

/// One GD step on a box by the mean-value form: `F(X) ⊆ F(m) + (I − η H)(X − m)` for `F(U) = U −
/// η∇ℓ(U)`, `m` the midpoint of `X` (exact), and `H` an enclosure of `∇²ℓ` over a box holding `X`.
pub fn gd_box_step<T: Elementary>(
    loss: &BtLoss,
    arms: &[(Vec<T>, Vec<T>)],
    eta: &T,
    x: &[T],
    m: &[T],
    hull_hessian: &[T],
) -> Vec<T> {
    let n = x.len();
    let g = loss.gradient_with(arms, m);
    (0..n)
        .map(|i| {
            let mut y = m[i].clone() - &(eta.clone() * &g[i]);
            for j in 0..n {
                let mut jij = eta.clone() * &hull_hessian[i * n + j] * &eta.int(-1);
                if i == j {
                    jij = jij + &eta.int(1);
                }
                y = y + &(jij * &(x[j].clone() - &m[j]));
            }
            y
        })
        .collect()
}

/// `‖UUᵀ − VVᵀ‖_F` for `U`, `V` (`d×r`).
pub fn gap<S: Elementary>(u: &[S], v: &[S], r: usize) -> S {
    let d = u.len() / r;
    let mut s = u[0].int(0);
    for a in 0..d {
        for b in 0..d {
            let mut x = u[0].int(0);
            for c in 0..r {
                x = x + &(u[a * r + c].clone() * &u[b * r + c])
                    - &(v[a * r + c].clone() * &v[b * r + c]);
            }
            s = s + &x.sqr();
        }
    }
    s.sqrt()
}

/// The point of `R^{d×r}` (row-major) with the gauge-fixed coordinates `fixed` (ascending) set
/// to `values` and the others taken in order from `theta`: the parametrisation of a slice.
pub fn embed<T: Clone>(theta: &[T], fixed: &[usize], values: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(theta.len() + fixed.len());
    let (mut free, mut k) = (theta.iter(), 0);
    while out.len() < theta.len() + fixed.len() {
        match fixed.get(k) {
            Some(&p) if p == out.len() => {
                let Some(v) = values.get(k) else { break };
                out.push(v.clone());
                k += 1;
            }
            _ => match free.next() {
                Some(v) => out.push(v.clone()),
                None => break,
            },
        }
    }
    out
}

/// The rows and columns of `h` (`n×n`, row-major) that are not in `fixed`: the Hessian of the loss
/// restricted to the slice.
pub fn restrict<T: Clone>(h: &[T], n: usize, fixed: &[usize]) -> Vec<T> {
    let keep: Vec<usize> = (0..n).filter(|i| !fixed.contains(i)).collect();
    keep.iter()
        .flat_map(|&i| keep.iter().map(move |&j| h[i * n + j].clone()))
        .collect()
}

//! Paper 8 (inductive matrix completion): the instance and the projected-GD step.
//!
//! **The instance, exactly.** The side matrix `X` (`n1×a`) holds binary64 numbers: entry
//! `X[i,k-1]` is the binary64 rounding of the midpoint of a 256-bit MPFR enclosure of
//! `√(2/n1)·cos(π(i+½)k/n1)` (DCT-II columns `k = 1..a`; exact zeros stay zero). These binary64
//! values *are* the instance: `X` is orthonormal only up to rounding, which nothing certified uses.
//! `Y` is built the same way. With side-information angle `θ > 0` the algorithm sees
//! `X̃ = cos θ·X + sin θ·X⊥` (`X⊥` = DCT columns `a+1..2a`, combined in MPFR and rounded once),
//! while the truth stays `L* = XΘ*Yᵀ`. `Θ* = Σ_k s_k p_k q_kᵀ` with `p_k, q_k` columns of the Cayley
//! matrices of `S_P[i,j] = ±1/4` (+ above the diagonal) and `S_Q[i,j] = (j−i)/12` (exact rationals).
//! SplitMix64(seed): `n1·n2` uniforms in row-major order, `(i,j) ∈ Ω` iff `u < p` (exact); then one
//! binary64 normal per `(i,j) ∈ Ω`, row-major, and `ε_ij = σ·z` exactly.
//!
//! **Reference truth.** `Θ_ref = X̃ᵀL*Y` and `Δ = L* − X̃Θ_refYᵀ` (so `Θ_ref = Θ*`, `Δ = 0` when
//! `θ = 0`): the observations are `M_Ω = 𝒜(Θ_ref) + (Δ + ε)_Ω` exactly, with `𝒜(Θ) = P_Ω(X̃ΘYᵀ)`.

use super::deep_mf::cayley;
use super::random::SplitMix64;
use crate::arith::exact::{bigint_from_rug, rug_from_q};
use crate::arith::exact::{q_from_f64, q_to_f64, Q};
use crate::arith::{q_frac, q_int, Elementary, Enclosure, MpfrInterval, Ring};
use num_traits::Zero;
use rug::Rational as R;

fn to_r(v: &[Q]) -> Vec<R> {
    v.iter().map(rug_from_q).collect()
}

fn from_r(r: &R) -> Q {
    Q::new(bigint_from_rug(r.numer()), bigint_from_rug(r.denom()))
}

/// What defines an instance.
#[derive(Clone, Debug)]
pub struct Setup {
    pub n1: usize,
    pub n2: usize,
    pub a: usize,
    pub b: usize,
    /// The singular values `s_k` of `Θ*` (its rank r is their number).
    pub spectrum: Vec<Q>,
    pub p: Q,
    pub sigma: Q,
    pub seed: u64,
    /// The angle θ of the side information out of the true subspace (0: exact side information).
    pub angle: Q,
}

/// The data of an instance, exactly.
#[derive(Clone, Debug)]
pub struct Data {
    pub n1: usize,
    pub n2: usize,
    pub a: usize,
    pub b: usize,
    /// The side matrices the algorithm uses, `n1×a` and `n2×b` row-major.
    pub x: Vec<Q>,
    pub y: Vec<Q>,
    pub theta_star: Vec<Q>,
    pub theta_ref: Vec<Q>,
    /// Ω in row-major order, and on it ε, Δ and the observations M.
    pub omega: Vec<(usize, usize)>,
    pub eps: Vec<Q>,
    pub delta: Vec<Q>,
    pub m: Vec<Q>,
    /// `ν² = ‖Δ‖_F²` over all `n1·n2` entries.
    pub nu_sq: Q,
}

const DCT_BITS: u32 = 256;

/// `√(2/n)·cos(π(i+½)k/n)` enclosed at 256 bits.
fn dct_encl(n: usize, i: usize, k: usize) -> MpfrInterval {
    let u = MpfrInterval::unit(DCT_BITS);
    let arg = u.pi() * u.constant(&q_frac((2 * i as i64 + 1) * k as i64, 2 * n as i64));
    u.constant(&q_frac(2, n as i64)).sqrt() * arg.cos()
}

/// The binary64 rounding of the midpoint of an enclosure; 0 when the enclosure holds 0 or is
/// unbounded (never for the DCT entries, which lie in [−1, 1]). Engine and kernel both build the side
/// matrix with this function, so it defines the data; it is not an enclosure of anything.
fn to_binary64(x: &MpfrInterval) -> Q {
    let Some((lo, hi)) = x.bounds() else {
        return Q::zero();
    };
    if lo <= Q::zero() && hi >= Q::zero() {
        return Q::zero();
    }
    q_from_f64(q_to_f64(&((lo + hi) / q_int(2)))).unwrap_or_default()
}

/// The side matrix: DCT-II columns `1..=cols` of length n, rotated by `angle` towards columns
/// `cols+1..=2·cols`, in binary64 (row-major `n×cols`).
pub fn side_matrix(n: usize, cols: usize, angle: &Q) -> Vec<Q> {
    let u = MpfrInterval::unit(DCT_BITS);
    let th = u.constant(angle);
    let (c, s) = (th.cos(), th.sin());
    (0..n * cols)
        .map(|idx| {
            let (i, k) = (idx / cols, idx % cols + 1);
            if angle.is_zero() {
                to_binary64(&dct_encl(n, i, k))
            } else {
                to_binary64(&(c.clone() * dct_encl(n, i, k) + s.clone() * dct_encl(n, i, k + cols)))
            }
        })
        .collect()
}

/// `Θ* = Σ_k s_k p_k q_kᵀ` (`a×b`), from the Cayley matrices of `S_P` and `S_Q`.
pub fn theta_star(a: usize, b: usize, spectrum: &[Q]) -> Vec<Q> {
    let sp: Vec<Q> = (0..a * a)
        .map(|k| match (k / a).cmp(&(k % a)) {
            std::cmp::Ordering::Less => q_frac(1, 4),
            std::cmp::Ordering::Greater => q_frac(-1, 4),
            std::cmp::Ordering::Equal => Q::zero(),
        })
        .collect();
    let sq: Vec<Q> = (0..b * b)
        .map(|k| q_frac((k % b) as i64 - (k / b) as i64, 12))
        .collect();
    let (pm, qm) = (cayley(&sp, a), cayley(&sq, b));
    let mut t = vec![Q::zero(); a * b];
    for (k, s) in spectrum.iter().enumerate() {
        for i in 0..a {
            for j in 0..b {
                t[i * b + j] += s * &pm[i * a + k] * &qm[j * b + k];
            }
        }
    }
    t
}

/// `Ω` from the first `n1·n2` uniforms of SplitMix64(seed), and the generator after them.
pub fn sample_omega(n1: usize, n2: usize, p: &Q, seed: u64) -> (Vec<(usize, usize)>, SplitMix64) {
    let mut rng = SplitMix64(seed);
    let omega = (0..n1 * n2)
        .filter_map(|idx| (rng.uniform() < *p).then_some((idx / n2, idx % n2)))
        .collect();
    (omega, rng)
}

/// `uᵀ Θ v` for `Θ` (`a×b` row-major), in GMP rationals.
fn bilinear(u: &[R], theta: &[R], v: &[R]) -> R {
    let b = v.len();
    let mut s = R::new();
    for (k, uk) in u.iter().enumerate() {
        if uk.is_zero() {
            continue;
        }
        let mut t = R::new();
        for (l, vl) in v.iter().enumerate() {
            t += R::from(&theta[k * b + l] * vl);
        }
        s += t * uk;
    }
    s
}

/// `PᵀQ` for `n×c` row-major P, Q, in GMP rationals.
fn cross_gram(p: &[R], q: &[R], n: usize, c: usize) -> Vec<R> {
    let mut g = vec![R::new(); c * c];
    for i in 0..c {
        for j in 0..c {
            for r in 0..n {
                g[i * c + j] += R::from(&p[r * c + i] * &q[r * c + j]);
            }
        }
    }
    g
}

/// `A·B` for `m×k` and `k×n` row-major matrices, in GMP rationals.
fn mat_mul_r(a: &[R], b: &[R], m: usize, k: usize, n: usize) -> Vec<R> {
    let mut out = vec![R::new(); m * n];
    for i in 0..m {
        for l in 0..k {
            for j in 0..n {
                out[i * n + j] += R::from(&a[i * k + l] * &b[l * n + j]);
            }
        }
    }
    out
}

impl Setup {
    /// Builds the instance exactly.
    pub fn build(&self) -> Data {
        let (n1, n2, a, b) = (self.n1, self.n2, self.a, self.b);
        let x_true = side_matrix(n1, a, &Q::zero());
        let y = side_matrix(n2, b, &Q::zero());
        let x = if self.angle.is_zero() {
            x_true.clone()
        } else {
            side_matrix(n1, a, &self.angle)
        };
        let theta_star = theta_star(a, b, &self.spectrum);
        let (xr, xtr, yr, tsr) = (to_r(&x), to_r(&x_true), to_r(&y), to_r(&theta_star));
        // Θ_ref = X̃ᵀ L* Y = (X̃ᵀX) Θ* (YᵀY).
        let tref = if self.angle.is_zero() {
            tsr.clone()
        } else {
            let t1 = mat_mul_r(&cross_gram(&xr, &xtr, n1, a), &tsr, a, a, b);
            mat_mul_r(&t1, &cross_gram(&yr, &yr, n2, b), a, b, b)
        };
        let lstar =
            |i: usize, j: usize| bilinear(&xtr[i * a..(i + 1) * a], &tsr, &yr[j * b..(j + 1) * b]);
        let delta_of = |i: usize, j: usize| -> R {
            if self.angle.is_zero() {
                R::new()
            } else {
                lstar(i, j) - bilinear(&xr[i * a..(i + 1) * a], &tref, &yr[j * b..(j + 1) * b])
            }
        };
        let (omega, mut rng) = sample_omega(n1, n2, &self.p, self.seed);
        let eps: Vec<Q> = omega
            .iter()
            .map(|_| &self.sigma * q_from_f64(rng.normal_f64()).unwrap_or_default())
            .collect();
        let mut nu_sq = R::new();
        if !self.angle.is_zero() {
            for i in 0..n1 {
                for j in 0..n2 {
                    nu_sq += delta_of(i, j).square();
                }
            }
        }
        let delta: Vec<Q> = omega
            .iter()
            .map(|&(i, j)| from_r(&delta_of(i, j)))
            .collect();
        let m = omega
            .iter()
            .zip(&eps)
            .map(|(&(i, j), e)| from_r(&(lstar(i, j) + rug_from_q(e))))
            .collect();
        Data {
            n1,
            n2,
            a,
            b,
            x,
            y,
            theta_star,
            theta_ref: tref.iter().map(from_r).collect(),
            omega,
            eps,
            delta,
            m,
            nu_sq: from_r(&nu_sq),
        }
    }
}

impl Data {
    /// The rows `x_i ⊗ y_j` of the matrix of 𝒜 (Θ vectorised row-major), one per element of Ω.
    fn op_rows(&self) -> Vec<Vec<R>> {
        let (xr, yr) = (to_r(&self.x), to_r(&self.y));
        self.omega
            .iter()
            .map(|&(i, j)| {
                let mut r = Vec::with_capacity(self.a * self.b);
                for k in 0..self.a {
                    for l in 0..self.b {
                        r.push(R::from(&xr[i * self.a + k] * &yr[j * self.b + l]));
                    }
                }
                r
            })
            .collect()
    }

    /// The Gram matrix `𝒜*𝒜` (`ab×ab`, row-major), exactly.
    pub fn gram(&self) -> Vec<Q> {
        let n = self.a * self.b;
        let mut g = vec![R::new(); n * n];
        for r in self.op_rows() {
            for s in 0..n {
                if r[s].is_zero() {
                    continue;
                }
                for t in s..n {
                    g[s * n + t] += R::from(&r[s] * &r[t]);
                }
            }
        }
        let mut out = vec![Q::zero(); n * n];
        for s in 0..n {
            for t in s..n {
                let v = from_r(&g[s * n + t]);
                out[t * n + s] = v.clone();
                out[s * n + t] = v;
            }
        }
        out
    }

    /// `𝒜*v` for `v` on Ω, exactly.
    pub fn adjoint(&self, v: &[Q]) -> Vec<Q> {
        let n = self.a * self.b;
        let mut out = vec![R::new(); n];
        for (row, vw) in self.op_rows().iter().zip(to_r(v)) {
            for (s, r) in row.iter().enumerate() {
                out[s] += R::from(&vw * r);
            }
        }
        out.iter().map(from_r).collect()
    }

    /// `𝒜(Θ) − M_Ω`, exactly.
    pub fn residual_q(&self, theta: &[Q]) -> Vec<Q> {
        let (a, b) = (self.a, self.b);
        let (xr, yr, tr) = (to_r(&self.x), to_r(&self.y), to_r(theta));
        self.omega
            .iter()
            .zip(&self.m)
            .map(|(&(i, j), m)| {
                from_r(
                    &(bilinear(&xr[i * a..(i + 1) * a], &tr, &yr[j * b..(j + 1) * b])
                        - rug_from_q(m)),
                )
            })
            .collect()
    }
}

/// `‖G⁻¹ v‖²` exactly; `None` when G is singular. G and v are scaled to integers (G = Gᵢ/d_G,
/// v = vᵢ/d_v) and solved by fraction-free Gauss–Jordan elimination (Bareiss–Montante): every
/// division is exact, the left block ends as det(Gᵢ)·I and the right column as det(Gᵢ)·Gᵢ⁻¹vᵢ,
/// so no rational (and no gcd) appears until the final quotient.
pub fn solve_norm_sq(g: &[Q], v: &[Q]) -> Option<Q> {
    use rug::Integer as Z;
    let n = v.len();
    let lcm_of = |xs: &[Q]| {
        xs.iter()
            .fold(Z::from(1), |l, x| l.lcm(&Z::from(rug_from_q(x).denom())))
    };
    let (dg, dv) = (lcm_of(&g[..n * n]), lcm_of(v));
    let scaled = |x: &Q, d: &Z| -> Z {
        let r = rug_from_q(x);
        let (num, den) = r.into_numer_denom();
        num * Z::from(d / &den)
    };
    let mut m: Vec<Vec<Z>> = (0..n)
        .map(|i| {
            let mut row: Vec<Z> = g[i * n..(i + 1) * n]
                .iter()
                .map(|x| scaled(x, &dg))
                .collect();
            row.push(scaled(&v[i], &dv));
            row
        })
        .collect();
    let mut prev = Z::from(1);
    for k in 0..n {
        let p = (k..n).find(|&r| m[r][k] != 0)?;
        m.swap(p, k);
        let pivot_row = m[k].clone();
        for (i, row) in m.iter_mut().enumerate() {
            if i == k {
                continue;
            }
            let f = row[k].clone();
            for j in (0..=n).filter(|&j| j != k) {
                let t = Z::from(&pivot_row[k] * &row[j]) - Z::from(&f * &pivot_row[j]);
                let (q, r) = t.div_rem(prev.clone());
                if r != 0 {
                    return None; // impossible for integer input (Sylvester's identity)
                }
                row[j] = q;
            }
            row[k] = Z::new();
        }
        prev = pivot_row[k].clone();
    }
    // Gᵢ⁻¹vᵢ = column/det, and G⁻¹v = (d_G/d_v)·Gᵢ⁻¹vᵢ.
    let sum_sq = m
        .iter()
        .fold(Z::new(), |acc, row| acc + Z::from(row[n].square_ref()));
    let num = sum_sq * Z::from(dg.square_ref());
    let den = Z::from(prev.square_ref()) * Z::from(dv.square_ref());
    Some(from_r(&R::from((num, den))))
}

/// One step of gradient descent on `f(U,V) = (1/(2p))‖P_Ω(XUVᵀYᵀ − M)‖² + (1/8)‖UᵀU − VᵀV‖²`
/// (the projection Π_C is the identity while the iterates stay in C, which is certified apart),
/// in any ring. The state is `(U, V)` row-major, `U` (`a×r`) first.
pub struct Pgd<T> {
    a: usize,
    b: usize,
    r: usize,
    n1: usize,
    x: Vec<T>,
    y: Vec<T>,
    omega: Vec<(usize, usize)>,
    m: Vec<T>,
    /// `𝒜*𝒜` and `𝒜*M_Ω`, exact: `XᵀP_Ω(XΘYᵀ − M)Y = mat(G vec Θ − c)`, which keeps enclosures
    /// tight (the sum over Ω is done once, exactly).
    gram: Vec<T>,
    rhs: Vec<T>,
    inv_p: T,
    eta: T,
    half: T,
}

impl<T: Ring> Pgd<T> {
    /// `gram` = [`Data::gram`] (passed in: it is exact and costly).
    pub fn new(unit: &T, d: &Data, gram: &[Q], r: usize, p: &Q, eta: &Q) -> Self {
        let c = |v: &[Q]| v.iter().map(|q| unit.constant(q)).collect::<Vec<T>>();
        Pgd {
            a: d.a,
            b: d.b,
            r,
            n1: d.n1,
            x: c(&d.x),
            y: c(&d.y),
            omega: d.omega.clone(),
            m: c(&d.m),
            gram: c(gram),
            rhs: c(&d.adjoint(&d.m)),
            inv_p: unit.constant(&(q_int(1) / p)),
            eta: unit.constant(eta),
            half: unit.constant(&q_frac(1, 2)),
        }
    }

    pub fn dim(&self) -> usize {
        (self.a + self.b) * self.r
    }

    /// `Θ = UVᵀ` (`a×b` row-major).
    pub fn theta(&self, s: &[T]) -> Vec<T> {
        let (a, b, r) = (self.a, self.b, self.r);
        let (u, v) = s.split_at(a * r);
        let mut t = Vec::with_capacity(a * b);
        for i in 0..a {
            for j in 0..b {
                let mut acc = u[i * r].clone() * &v[j * r];
                for k in 1..r {
                    acc = acc + &(u[i * r + k].clone() * &v[j * r + k]);
                }
                t.push(acc);
            }
        }
        t
    }

    /// `𝒜(Θ) − M_Ω`, on Ω in order.
    pub fn residuals(&self, theta: &[T]) -> Vec<T> {
        let (a, b) = (self.a, self.b);
        let xt: Vec<T> = (0..self.n1 * b)
            .map(|idx| {
                let (i, l) = (idx / b, idx % b);
                let mut acc = self.x[i * a].clone() * &theta[l];
                for k in 1..a {
                    acc = acc + &(self.x[i * a + k].clone() * &theta[k * b + l]);
                }
                acc
            })
            .collect();
        self.omega
            .iter()
            .zip(&self.m)
            .map(|(&(i, j), m)| {
                let mut acc = xt[i * b].clone() * &self.y[j * b];
                for l in 1..b {
                    acc = acc + &(xt[i * b + l].clone() * &self.y[j * b + l]);
                }
                acc - m
            })
            .collect()
    }

    /// One gradient step.
    pub fn step(&self, s: &[T]) -> Vec<T> {
        let (a, b, r) = (self.a, self.b, self.r);
        let zero = self.half.int(0);
        let theta = self.theta(s);
        let n = a * b;
        let w: Vec<T> = (0..n)
            .map(|i| {
                let mut acc = zero.clone() - &self.rhs[i];
                for (j, t) in theta.iter().enumerate() {
                    acc = acc + &(self.gram[i * n + j].clone() * t);
                }
                acc
            })
            .collect();
        let (u, v) = s.split_at(a * r);
        // D = UᵀU − VᵀV.
        let mut dm = vec![zero.clone(); r * r];
        for p in 0..r {
            for q in 0..r {
                let mut acc = zero.clone();
                for i in 0..a {
                    acc = acc + &(u[i * r + p].clone() * &u[i * r + q]);
                }
                for j in 0..b {
                    acc = acc - &(v[j * r + p].clone() * &v[j * r + q]);
                }
                dm[p * r + q] = acc;
            }
        }
        let mut out = Vec::with_capacity(s.len());
        for i in 0..a {
            for q in 0..r {
                let mut wv = zero.clone();
                for j in 0..b {
                    wv = wv + &(w[i * b + j].clone() * &v[j * r + q]);
                }
                let mut ud = zero.clone();
                for p in 0..r {
                    ud = ud + &(u[i * r + p].clone() * &dm[p * r + q]);
                }
                let g = wv * &self.inv_p + &(ud * &self.half);
                out.push(u[i * r + q].clone() - &(g * &self.eta));
            }
        }
        for j in 0..b {
            for q in 0..r {
                let mut wu = zero.clone();
                for i in 0..a {
                    wu = wu + &(w[i * b + j].clone() * &u[i * r + q]);
                }
                let mut vd = zero.clone();
                for p in 0..r {
                    vd = vd + &(v[j * r + p].clone() * &dm[p * r + q]);
                }
                let g = wu * &self.inv_p - &(vd * &self.half);
                out.push(v[j * r + q].clone() - &(g * &self.eta));
            }
        }
        out
    }

    /// `‖U‖_F²` and `‖V‖_F²`.
    pub fn factor_norms_sq(&self, s: &[T]) -> (T, T) {
        let (u, v) = s.split_at(self.a * self.r);
        (sum_sq(u), sum_sq(v))
    }
}

/// `Σ x²` (squares tight on enclosures).
pub fn sum_sq<T: Ring>(x: &[T]) -> T {
    let mut acc = x[0].sqr();
    for t in &x[1..] {
        acc = acc + &t.sqr();
    }
    acc
}

/// `‖x − y‖₂`.
pub fn dist<T: Elementary>(x: &[T], y: &[T]) -> T {
    let d: Vec<T> = x.iter().zip(y).map(|(p, q)| p.clone() - q).collect();
    sum_sq(&d).sqrt()
}

/// `‖x‖₂`.
pub fn norm<T: Elementary>(x: &[T]) -> T {
    sum_sq(x).sqrt()
}

/// The quantities of the run that claims are made of, from the iterate boxes.
pub struct Quantities<S> {
    /// `e_k`, k = 0..=K.
    pub e: Vec<S>,
    /// `‖Θ_{k+1} − Θ_k‖_F`, k = 0..K.
    pub d: Vec<S>,
    /// `max(‖U_k‖_F², ‖V_k‖_F²)` over k = 1..=K, as a hull.
    pub factor_sq: Option<S>,
}

/// `e_k`, the step lengths and the factor norms over a chain of boxes (engine and kernel alike).
pub fn quantities<S: Elementary + Enclosure>(
    pgd: &Pgd<S>,
    boxes: &[Vec<S>],
    theta_ref: &[S],
) -> Quantities<S> {
    let thetas: Vec<Vec<S>> = boxes.iter().map(|b| pgd.theta(b)).collect();
    let e = thetas.iter().map(|t| dist(t, theta_ref)).collect();
    let d = thetas.windows(2).map(|w| dist(&w[1], &w[0])).collect();
    let mut factor_sq: Option<S> = None;
    for b in &boxes[1..] {
        let (nu, nv) = pgd.factor_norms_sq(b);
        let m = nu.hull(&nv);
        factor_sq = Some(match factor_sq {
            Some(f) => f.hull(&m),
            None => m,
        });
    }
    Quantities { e, d, factor_sq }
}

/// The enclosures behind the I2 claims.
pub struct I2Values<S> {
    pub res: S,
    pub eps: S,
    pub nu: S,
    pub bound: S,
    pub pinv: S,
}

/// The I2 bounds at the iterate box `last` (shared with the kernel): `σ_lo` is a certified lower
/// bound of σ_min(𝒜), `gram` the exact `𝒜*𝒜`. The pseudo-inverse parts are exact rational solves.
pub fn i2_values<S: Elementary + Enclosure>(
    pgd: &Pgd<S>,
    d: &Data,
    last: &[S],
    unit: &S,
    sigma_lo: &Q,
    gram: &[Q],
) -> I2Values<S> {
    let theta = pgd.theta(last);
    let res = norm(&pgd.residuals(&theta));
    let eps_sq: Q = d.eps.iter().map(|e| e * e).sum();
    let eps = unit.constant(&eps_sq).sqrt();
    let nu = unit.constant(&d.nu_sq).sqrt();
    let s = unit.constant(sigma_lo);
    let bound = (res.clone() + &eps + &nu) / &s;
    // Θ_mid: the exact midpoint of the Θ box; its radius in Frobenius norm.
    let mids: Vec<Q> = theta
        .iter()
        .map(|t| {
            t.bounds()
                .map(|(l, h)| (l + h) / q_int(2))
                .unwrap_or_default()
        })
        .collect();
    let mid_s: Vec<S> = mids.iter().map(|q| unit.constant(q)).collect();
    let rad = dist(&theta, &mid_s);
    let pinv_part = |v: &[Q]| -> S {
        match solve_norm_sq(gram, &d.adjoint(v)) {
            Some(q) => unit.constant(&q).sqrt(),
            None => unit.int(1) / &unit.int(0),
        }
    };
    let pinv = pinv_part(&d.residual_q(&mids)) + &rad + &pinv_part(&d.eps) + &(nu.clone() / &s);
    I2Values {
        res,
        eps,
        nu,
        bound,
        pinv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `‖G⁻¹v‖²` by plain rational Gaussian elimination, as an independent reference.
    fn reference(g: &[Q], v: &[Q]) -> Option<Q> {
        let n = v.len();
        let mut m: Vec<Vec<Q>> = (0..n)
            .map(|i| {
                g[i * n..(i + 1) * n]
                    .iter()
                    .chain([&v[i]])
                    .cloned()
                    .collect()
            })
            .collect();
        for c in 0..n {
            let p = (c..n).find(|&r| !m[r][c].is_zero())?;
            m.swap(p, c);
            let pivot_row = m[c].clone();
            for (r, row) in m.iter_mut().enumerate() {
                if r != c {
                    let f = &row[c] / &pivot_row[c];
                    for (x, pv) in row.iter_mut().zip(&pivot_row) {
                        *x -= &f * pv;
                    }
                }
            }
        }
        Some((0..n).map(|i| (&m[i][n] / &m[i][i]).pow(2)).sum())
    }

    #[test]
    fn fraction_free_solve_agrees_with_rational_elimination() {
        let mut rng = SplitMix64(7);
        for trial in 0..200 {
            let n = 1 + trial % 6;
            let entry = |rng: &mut SplitMix64| {
                let num = rng.index(21) as i64 - 10;
                let den = 1 + rng.index(if trial % 3 == 0 { 1 } else { 12 }) as i64;
                q_frac(num, den)
            };
            let mut g: Vec<Q> = (0..n * n).map(|_| entry(&mut rng)).collect();
            if trial % 10 == 0 && n > 1 {
                // a singular matrix: the last row repeats the first
                for j in 0..n {
                    g[(n - 1) * n + j] = g[j].clone();
                }
            }
            let v: Vec<Q> = (0..n).map(|_| entry(&mut rng)).collect();
            assert_eq!(solve_norm_sq(&g, &v), reference(&g, &v), "trial {trial}");
        }
    }
}

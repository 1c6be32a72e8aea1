//! Paper 1 (`deep-matrix-factorization`): the formulas of the certified statement, shared by the
//! engine and the kernel. The model is derived in `theorems.md` (Paper 1 (b)), not taken from the
//! paper, whose full text was not available.
//!
//! GD with step η on `½‖W_N⋯W_1 − Ã‖_F²` from `W_j(0) = αI`, `Ã = A + E` symmetric, reduces on the
//! eigenvalues λ̃ of Ã to the scalar map `g(w; λ) = w − η w^{N−1}(w^N − λ)` (Lemma R). Gradient-flow
//! time `T_GF(λ; α^N → x₁) = ∫_α^{x₁^{1/N}} dw / (w^{N−1}(λ − w^N))` (the substitution `x = w^N` of
//! the `x`-form in theorems.md).

use super::Dynamics;
use crate::arith::exact::Q;
use crate::arith::{q_frac, q_int, Elementary, Enclosure, Field, Ring};
use num_traits::{Signed, Zero};

/// The scalar map `g(w; λ) = w − η w^{N−1}(w^N − λ)` with exact η, λ and depth N ≥ 2.
#[derive(Clone, Debug)]
pub struct ScalarGd {
    pub depth: u32,
    pub eta: Q,
    pub lambda: Q,
}

impl Dynamics<1> for ScalarGd {
    fn name(&self) -> &'static str {
        "deep_mf_scalar"
    }
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T> {
        vec![unit.constant(&self.eta), unit.constant(&self.lambda)]
    }
    fn apply<T: Ring>(&self, c: &[T], x: &[T; 1]) -> [T; 1] {
        let w = &x[0];
        let p = w.powi(self.depth - 1);
        let xn = p.clone() * w;
        [w.clone() - &(c[0].clone() * &(p * &(xn - &c[1])))]
    }
}

/// The integrand of `T_GF` in the variable `w = x^{1/N}`: `1/(w^{N−1}(λ − w^N))`.
pub fn tgf_integrand<T: Field>(depth: u32, lambda: &Q, w: &T) -> T {
    let p = w.powi(depth - 1);
    let xn = p.clone() * w;
    (p * &(w.constant(lambda) - &xn)).recip()
}

/// `λ^{2−2/N}`, enclosed (λ > 0).
pub fn curvature_power<T: Elementary>(depth: u32, lambda: &Q, unit: &T) -> T {
    let e = q_int(2) - q_frac(2, depth as i64);
    (unit.constant(&e) * &unit.constant(lambda).ln()).exp()
}

/// The slow-down factor of GD against gradient flow in the hitting bound:
/// `c(λ) = (1 + ηλ^{2−2/N})^{N−1}` (theorems.md writes Λ for λ; both are valid, λ is the oracle's).
pub fn hit_factor<T: Elementary>(depth: u32, eta: &Q, lambda: &Q, unit: &T) -> T {
    (unit.int(1) + &(unit.constant(eta) * &curvature_power(depth, lambda, unit))).powi(depth - 1)
}

/// The number of contraction steps in C4 after the hitting time, before `ceil` and clamping at 0:
/// `ln(ε/(N(1 − q^{1/N}))) / ln(1 − ηN(θλ⁻)^{2−2/N})` with `q = θλ⁻/λ⁺` (λ⁻ = λ⁺ without
/// perturbation, where this is theorems.md's formula).
pub fn c4_tail<T: Elementary>(
    depth: u32,
    eta: &Q,
    theta: &Q,
    eps: &Q,
    lam_lo: &Q,
    lam_hi: &Q,
    unit: &T,
) -> T {
    let n = unit.int(depth as i64);
    let q = unit.constant(&(theta * lam_lo / lam_hi));
    let root = (q.ln() / &n).exp();
    let a = unit.constant(eps) / &(n.clone() * &(unit.int(1) - &root));
    let rho =
        unit.int(1) - &(unit.constant(eta) * &n * &curvature_power(depth, &(theta * lam_lo), unit));
    a.ln() / &rho.ln()
}

/// `Λ = max(|λ_1|, |λ_n|) + e`: a bound of every |λ̃_i| by Weyl (spectrum sorted descending).
pub fn lambda_max(spectrum: &[Q], e: &Q) -> Q {
    let a = spectrum.first().map(|x| x.abs()).unwrap_or_default();
    let b = spectrum.last().map(|x| x.abs()).unwrap_or_default();
    (if a > b { a } else { b }) + e
}

/// `(ηN)^N λ^{2N−2}`: the N-th power of `ηNλ^{2−2/N}`, so `≤ 1` is the step condition, exactly.
pub fn step_condition_power(depth: u32, eta: &Q, lambda: &Q) -> Q {
    let en = eta * q_int(depth as i64);
    en.pow(depth as i32) * lambda.pow(2 * depth as i32 - 2)
}

/// The largest δ for which the escape bound holds: `λ(N−1)/(2N−1)` (where `w^{N−1}(λ − w^N)` is
/// increasing in w).
pub fn delta_threshold(depth: u32, lambda: &Q) -> Q {
    lambda * q_frac(depth as i64 - 1, 2 * depth as i64 - 1)
}

pub use crate::spec::random::SplitMix64;

/// A rational orthogonal `n×n` matrix (row-major), the Cayley transform `Q = (I − S)(I + S)^{-1}`
/// of the skew-symmetric S with `S_ij = (z mod 9 − 4)/8` for i < j, z drawn from SplitMix64(seed)
/// row by row. Exact: `QQᵀ = I`.
pub fn cayley_basis(n: usize, seed: u64) -> Vec<Q> {
    let mut rng = SplitMix64(seed);
    let mut s = vec![Q::zero(); n * n];
    for i in 0..n {
        for j in i + 1..n {
            let v = q_frac((rng.next_u64() % 9) as i64 - 4, 8);
            s[i * n + j] = v.clone();
            s[j * n + i] = -v;
        }
    }
    cayley(&s, n)
}

/// The Cayley transform `Q = (I − S)(I + S)^{-1}` of a rational skew-symmetric `n×n` matrix S
/// (row-major): exactly orthogonal.
pub fn cayley(s: &[Q], n: usize) -> Vec<Q> {
    let id = |i: usize, j: usize| if i == j { q_int(1) } else { Q::zero() };
    let plus: Vec<Q> = (0..n * n).map(|k| id(k / n, k % n) + &s[k]).collect();
    let minus: Vec<Q> = (0..n * n).map(|k| id(k / n, k % n) - &s[k]).collect();
    // (I + S)^{-1} by Gauss–Jordan; I + S is invertible (its eigenvalues are 1 + iμ).
    let mut m = plus;
    let mut inv: Vec<Q> = (0..n * n).map(|k| id(k / n, k % n)).collect();
    for c in 0..n {
        let p = (c..n).find(|&r| !m[r * n + c].is_zero()).unwrap_or(c);
        if p != c {
            for k in 0..n {
                m.swap(p * n + k, c * n + k);
                inv.swap(p * n + k, c * n + k);
            }
        }
        let piv = m[c * n + c].clone();
        if piv.is_zero() {
            continue;
        }
        for k in 0..n {
            m[c * n + k] /= &piv;
            inv[c * n + k] /= &piv;
        }
        for r in 0..n {
            let f = m[r * n + c].clone();
            if r == c || f.is_zero() {
                continue;
            }
            for k in 0..n {
                let (a, b) = (m[c * n + k].clone(), inv[c * n + k].clone());
                m[r * n + k] -= &f * a;
                inv[r * n + k] -= &f * b;
            }
        }
    }
    mat_mul(&minus, &inv, n)
}

/// `A = Q diag(λ) Qᵀ`, exactly.
pub fn target(basis: &[Q], spectrum: &[Q]) -> Vec<Q> {
    let n = spectrum.len();
    let mut a = vec![Q::zero(); n * n];
    for i in 0..n {
        for j in i..n {
            let mut v = Q::zero();
            for (k, l) in spectrum.iter().enumerate() {
                v += &basis[i * n + k] * &basis[j * n + k] * l;
            }
            a[j * n + i] = v.clone();
            a[i * n + j] = v;
        }
    }
    a
}

/// `C = AB` for `n×n` row-major matrices in any ring (entries tidied).
pub fn mat_mul<T: Ring>(a: &[T], b: &[T], n: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(n * n);
    for i in 0..n {
        for k in 0..n {
            let mut s = a[i * n].clone() * &b[k];
            for j in 1..n {
                s = s + &(a[i * n + j].clone() * &b[j * n + k]);
            }
            out.push(s.tidy());
        }
    }
    out
}

pub fn transpose<T: Clone>(a: &[T], n: usize) -> Vec<T> {
    (0..n * n).map(|k| a[(k % n) * n + k / n].clone()).collect()
}

/// One step of GD on `½‖W_N⋯W_1 − Ã‖_F²`:
/// `W_j ← W_j − η (W_N⋯W_{j+1})ᵀ (W_N⋯W_1 − Ã) (W_{j−1}⋯W_1)ᵀ`, all factors updated at once.
pub fn matrix_gd_step<T: Ring>(ws: &[Vec<T>], target: &[T], eta: &T, n: usize) -> Vec<Vec<T>> {
    let depth = ws.len();
    // prefix[j] = W_j⋯W_1 (prefix[0] = None for I); suffix[j] = W_N⋯W_{j+1}.
    let mut prefix: Vec<Option<Vec<T>>> = vec![None];
    for w in ws {
        let next = match prefix.last().and_then(|p| p.as_ref()) {
            None => w.clone(),
            Some(p) => mat_mul(w, p, n),
        };
        prefix.push(Some(next));
    }
    let mut suffix: Vec<Option<Vec<T>>> = vec![None; depth + 1];
    for j in (0..depth).rev() {
        suffix[j] = Some(match &suffix[j + 1] {
            None => ws[j].clone(),
            Some(s) => mat_mul(s, &ws[j], n),
        });
    }
    let product = prefix[depth].clone().unwrap_or_default();
    let r: Vec<T> = product
        .iter()
        .zip(target)
        .map(|(p, t)| (p.clone() - t).tidy())
        .collect();
    (0..depth)
        .map(|j| {
            // Factor j (0-based): left (W_N⋯W_{j+2})ᵀ = suffix[j+1]ᵀ, right (W_j⋯W_1)ᵀ = prefix[j]ᵀ.
            let mut g = r.clone();
            if let Some(s) = &suffix[j + 1] {
                g = mat_mul(&transpose(s, n), &g, n);
            }
            if let Some(p) = &prefix[j] {
                g = mat_mul(&g, &transpose(p, n), n);
            }
            ws[j]
                .iter()
                .zip(&g)
                .map(|(w, gi)| (w.clone() - &(eta.clone() * gi)).tidy())
                .collect()
        })
        .collect()
}

/// The product `W_N⋯W_1`.
pub fn product<T: Ring>(ws: &[Vec<T>], n: usize) -> Vec<T> {
    let mut p = ws[0].clone();
    for w in &ws[1..] {
        p = mat_mul(w, &p, n);
    }
    p
}

/// The largest of `|x|` over enclosures: `[max lo|x|, max hi|x|]`; `None` if one is unbounded.
pub fn max_abs<T: Enclosure>(xs: impl IntoIterator<Item = T>) -> Option<T> {
    let mut best: Option<(Q, Q, T)> = None;
    for x in xs {
        let (lo, hi) = x.abs().bounds()?;
        best = Some(match best {
            None => (lo, hi, x),
            Some((a, b, u)) => (if lo > a { lo } else { a }, if hi > b { hi } else { b }, u),
        });
    }
    best.map(|(a, b, u)| u.from_bounds(&a, &b))
}

/// Whether the symmetric `m` (row-major `n×n`, exact) is positive semidefinite: symmetric
/// elimination without pivoting, where a zero pivot with a nonzero column below proves an
/// indefinite 2×2 principal minor (`det = −b² < 0`), and a negative pivot a negative eigenvalue.
pub fn is_psd(m: &[Q], n: usize) -> bool {
    let mut a = m.to_vec();
    for k in 0..n {
        let p = a[k * n + k].clone();
        if p.is_negative() {
            return false;
        }
        if p.is_zero() {
            if (k + 1..n).any(|i| !a[i * n + k].is_zero()) {
                return false;
            }
            continue;
        }
        for i in k + 1..n {
            let f = &a[i * n + k] / &p;
            if f.is_zero() {
                continue;
            }
            for j in k + 1..n {
                let d = &f * &a[k * n + j];
                a[i * n + j] -= d;
            }
        }
    }
    true
}

/// Whether `‖E‖₂ ≤ e` for the symmetric `E`: `eI − E` and `eI + E` are positive semidefinite.
pub fn spectral_norm_at_most(e_mat: &[Q], n: usize, e: &Q) -> bool {
    let shifted = |sign: i64| -> Vec<Q> {
        (0..n * n)
            .map(|k| {
                let d = if k / n == k % n { e.clone() } else { Q::zero() };
                d - q_int(sign) * &e_mat[k]
            })
            .collect()
    };
    is_psd(&shifted(1), n) && is_psd(&shifted(-1), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cayley_basis_is_orthogonal() {
        for n in [1, 2, 4, 7] {
            let q = cayley_basis(n, 3);
            let qqt = mat_mul(&q, &transpose(&q, n), n);
            for (k, v) in qqt.iter().enumerate() {
                let want = if k / n == k % n { q_int(1) } else { Q::zero() };
                assert_eq!(*v, want, "n = {n}");
            }
        }
    }

    #[test]
    fn splitmix_matches_the_reference() {
        assert_eq!(SplitMix64(0).next_u64(), 0xe220a8397b1dcdaf);
    }

    #[test]
    fn psd_and_norm_checks() {
        let e = vec![q_int(0), q_int(1), q_int(1), q_int(0)]; // eigenvalues ±1
        assert!(spectral_norm_at_most(&e, 2, &q_int(1)));
        assert!(!spectral_norm_at_most(&e, 2, &q_frac(99, 100)));
        assert!(!is_psd(&[q_int(0), q_int(1), q_int(1), q_int(5)], 2));
    }

    #[test]
    fn matrix_gd_keeps_factors_equal_in_exact_arithmetic() {
        let n = 3;
        let basis = cayley_basis(n, 1);
        let a = target(&basis, &[q_int(2), q_frac(1, 2), q_frac(-1, 4)]);
        let alpha = q_frac(1, 2);
        let w0: Vec<Q> = (0..n * n)
            .map(|k| {
                if k / n == k % n {
                    alpha.clone()
                } else {
                    Q::zero()
                }
            })
            .collect();
        let mut ws = vec![w0.clone(), w0.clone(), w0];
        for _ in 0..2 {
            ws = matrix_gd_step(&ws, &a, &q_frac(1, 10), n);
        }
        assert_eq!(ws[0], ws[1]);
        assert_eq!(ws[1], ws[2]);
    }
}

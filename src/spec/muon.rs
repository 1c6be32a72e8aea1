//! Paper 6 (Huang, Luo, Chen, arXiv 2605.19619): Muon's Newton–Schulz orthogonalisation and
//! MiMuon's branch, as formulas (see `theorems.md`, Paper 6, and `proofs/muon.md`).
//!
//! One Newton–Schulz step is `X ↦ aX + (bA + cA²)X`, `A = XXᵀ`; on singular values it is the odd
//! quintic `p(σ) = aσ + bσ³ + cσ⁵`. Muon applies it five times; MiMuon steps along `UVᵀ` when the
//! least gap between distinct singular values of the momentum exceeds τ, else along the momentum.

use super::Dynamics;
use crate::arith::exact::format_exact;
use crate::arith::{q_frac, q_int, Elementary, Enclosure, RatInterval, Ring, Q};
use num_traits::{One, Zero};

/// The Newton–Schulz quintic `p(σ) = aσ + bσ³ + cσ⁵` on one singular value.
#[derive(Clone, Debug)]
pub struct NsPoly {
    pub a: Q,
    pub b: Q,
    pub c: Q,
}

impl NsPoly {
    /// Keller Jordan's coefficients `(3.4445, −4.7750, 2.0315)`, exactly.
    pub fn jordan() -> Self {
        NsPoly {
            a: Q::new(34445.into(), 10000.into()),
            b: Q::new((-4775).into(), 1000.into()),
            c: Q::new(20315.into(), 10000.into()),
        }
    }
}

impl Dynamics<1> for NsPoly {
    fn name(&self) -> &'static str {
        "newton_schulz_quintic"
    }
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T> {
        vec![
            unit.constant(&self.a),
            unit.constant(&self.b),
            unit.constant(&self.c),
        ]
    }
    fn apply<T: Ring>(&self, c: &[T], x: &[T; 1]) -> [T; 1] {
        let s2 = x[0].sqr().tidy();
        // Horner in σ²: σ(a + σ²(b + cσ²)); `tidy` bounds exact endpoints over long compositions.
        let inner = c[0].clone() + &(s2.clone() * &(c[1].clone() + &(s2 * &c[2])));
        [(x[0].clone() * &inner.tidy()).tidy()]
    }
}

/// `p^{∘k}(σ)` in any ring.
pub fn ns_iterate<T: Ring>(p: &NsPoly, sigma: &T, k: usize) -> T {
    let c = p.constants(sigma);
    let mut x = [sigma.clone()];
    for _ in 0..k {
        x = p.apply(&c, &x);
    }
    let [y] = x;
    y
}

/// `AB` for row-major `m×k` and `k×n` matrices in any ring.
pub fn mat_mul<T: Ring>(a: &[T], b: &[T], m: usize, k: usize, n: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let mut s = a[i * k].clone() * &b[j];
            for l in 1..k {
                s = s + &(a[i * k + l].clone() * &b[l * n + j]);
            }
            out.push(s);
        }
    }
    out
}

/// The transpose of a row-major `m×n` matrix.
pub fn transpose<T: Clone>(a: &[T], m: usize, n: usize) -> Vec<T> {
    (0..n * m).map(|k| a[(k % m) * n + k / m].clone()).collect()
}

/// One Newton–Schulz step `aX + (bA + cA²)X` with `A = XXᵀ`, for a row-major `m×n` matrix X.
pub fn ns_step<T: Ring>(p: &NsPoly, x: &[T], m: usize, n: usize) -> Vec<T> {
    let c = p.constants(&x[0]);
    let a = mat_mul(x, &transpose(x, m, n), m, n, m);
    let a2 = mat_mul(&a, &a, m, m, m);
    let bmat: Vec<T> = a
        .iter()
        .zip(&a2)
        .map(|(u, v)| u.clone() * &c[1] + &(v.clone() * &c[2]))
        .collect();
    let bx = mat_mul(&bmat, x, m, m, n);
    x.iter()
        .zip(&bx)
        .map(|(u, v)| u.clone() * &c[0] + v)
        .collect()
}

/// `U diag(d) Vᵀ` for square row-major `n×n` U, V.
pub fn compose_svd<T: Ring>(u: &[T], d: &[T], v: &[T], n: usize) -> Vec<T> {
    let ud: Vec<T> = (0..n * n).map(|k| u[k].clone() * &d[k % n]).collect();
    mat_mul(&ud, &transpose(v, n, n), n, n, n)
}

/// M1's algebra, exactly: for the given U, V, `NS(U diag(σ) Vᵀ) = U diag(p(σ)) Vᵀ` as a polynomial
/// identity in σ ∈ Rⁿ. Both sides have degree at most 5 in each σᵢ, so agreement on the grid
/// `{0, …, 5}ⁿ` proves the identity (a polynomial of degree ≤ 5 in each variable vanishing on a
/// 6-point tensor grid is zero). Returns the number of grid points checked, or the first failing σ.
pub fn ns_identity_on_grid(p: &NsPoly, u: &[Q], v: &[Q], n: usize) -> Result<usize, Vec<Q>> {
    let total = 6usize.pow(n as u32);
    for idx in 0..total {
        let sigma: Vec<Q> = (0..n)
            .map(|i| q_int(((idx / 6usize.pow(i as u32)) % 6) as i64))
            .collect();
        let x = compose_svd(u, &sigma, v, n);
        let lhs = ns_step(p, &x, n, n);
        let ps: Vec<Q> = sigma.iter().map(|s| ns_iterate(p, s, 1)).collect();
        if lhs != compose_svd(u, &ps, v, n) {
            return Err(sigma);
        }
    }
    Ok(total)
}

/// The Gram matrix `MᵀM` (`n×n`) of a row-major `m×n` matrix, or `MMᵀ` when `m < n`: the smaller
/// one, whose eigenvalues are the squared singular values. Returns it and its order.
pub fn small_gram(mat: &[Q], m: usize, n: usize) -> (Vec<Q>, usize) {
    let t = transpose(mat, m, n);
    if m >= n {
        (mat_mul(&t, mat, n, m, n), n)
    } else {
        (mat_mul(mat, &t, m, n, m), m)
    }
}

/// The characteristic polynomial `det(tI − G)` of an `n×n` matrix, coefficients from `t⁰` up
/// (Faddeev–LeVerrier, exact).
pub fn char_poly(g: &[Q], n: usize) -> Vec<Q> {
    let mut coeffs = vec![Q::zero(); n + 1];
    coeffs[n] = Q::one();
    let mut m = vec![Q::zero(); n * n];
    for k in 1..=n {
        // M_k = G M_{k−1} + c_{n−k+1} I, c_{n−k} = −tr(G M_k)/k.
        for i in 0..n {
            m[i * n + i] += &coeffs[n - k + 1];
        }
        let gm = mat_mul(g, &m, n, n, n);
        let tr = (0..n).fold(Q::zero(), |s, i| s + &gm[i * n + i]);
        coeffs[n - k] = -tr / q_int(k as i64);
        m = gm;
    }
    coeffs
}

fn trim(p: &mut Vec<Q>) {
    while p.len() > 1 && p.last().is_some_and(|c| c.is_zero()) {
        p.pop();
    }
    if p.is_empty() {
        p.push(Q::zero());
    }
}

fn poly_rem(a: &[Q], b: &[Q]) -> Vec<Q> {
    let mut r = a.to_vec();
    let lead = b.last().cloned().unwrap_or_else(Q::one);
    if b.iter().all(|c| c.is_zero()) {
        return r;
    }
    while r.len() >= b.len() && !(r.len() == 1 && r[0].is_zero()) {
        let f = r.last().cloned().unwrap_or_default() / &lead;
        let shift = r.len() - b.len();
        for (i, c) in b.iter().enumerate() {
            r[shift + i] -= &f * c;
        }
        r.pop();
        if r.is_empty() {
            break;
        }
        trim(&mut r);
    }
    trim(&mut r);
    r
}

/// Whether the symmetric `g` has a repeated nonzero eigenvalue: `gcd(χ, χ')`, with the factors `t`
/// removed, has positive degree. Exact.
pub fn has_repeated_nonzero_eigenvalue(g: &[Q], n: usize) -> bool {
    let chi = char_poly(g, n);
    let deriv: Vec<Q> = (1..chi.len()).map(|i| &chi[i] * q_int(i as i64)).collect();
    let (mut a, mut b) = (chi, deriv);
    trim(&mut b);
    while !(b.len() == 1 && b[0].is_zero()) {
        let r = poly_rem(&a, &b);
        a = b;
        b = r;
    }
    // a = gcd; strip the root 0.
    while a.len() > 1 && a[0].is_zero() {
        a.remove(0);
    }
    a.len() > 1
}

/// The leading principal minors of an `n×n` matrix, exactly (Sylvester: a symmetric matrix is
/// positive definite iff all are positive).
pub fn leading_minors(g: &[Q], n: usize) -> Vec<Q> {
    let mut m = g.to_vec();
    let mut out = Vec::with_capacity(n);
    let mut det = Q::one();
    for c in 0..n {
        let piv = m[c * n + c].clone();
        det *= &piv;
        out.push(det.clone());
        if piv.is_zero() {
            // Later minors are then computed without this pivot: report the rest as zero.
            out.extend((c + 1..n).map(|_| Q::zero()));
            return out;
        }
        for r in c + 1..n {
            let f = m[r * n + c].clone() / &piv;
            for k in c..n {
                let v = m[c * n + k].clone();
                m[r * n + k] -= &f * v;
            }
        }
    }
    out
}

/// Whether the symmetric `g − tI` is positive definite, exactly.
pub fn positive_definite_above(g: &[Q], n: usize, t: &Q) -> bool {
    let mut s = g.to_vec();
    for i in 0..n {
        s[i * n + i] -= t;
    }
    leading_minors(&s, n).iter().all(|d| *d > Q::zero())
}

/// The squared Frobenius norm, exactly.
pub fn frobenius_sq(a: &[Q]) -> Q {
    a.iter().fold(Q::zero(), |s, x| s + x * x)
}

/// The Rayleigh quotient `‖Mv‖²/‖v‖²` of `MᵀM` (an upper bound of `σ_min(M)²` for any v ≠ 0).
pub fn rayleigh_sq(mat: &[Q], m: usize, n: usize, v: &[Q]) -> Option<Q> {
    let mv = mat_mul(mat, v, m, n, 1);
    let vv = frobenius_sq(v);
    if vv.is_zero() {
        None
    } else {
        Some(frobenius_sq(&mv) / vv)
    }
}

/// The a-posteriori bound on the polar factor of C (see `proofs/muon.md`, M3): with
/// `f ≥ ‖(C − Cᵀ)/2‖_F`, `s ≥ ‖(C + Cᵀ)/2‖_F`, and `(C + Cᵀ)/2 − tI` positive definite, set
/// `h = t − f` and `H = s + f`; if `h > 0` and `2fH < h²`, then `‖polar(C) − I‖_F ≤ 2f/h`.
/// Returns that bound, or `None` when the conditions fail.
pub fn polar_defect_bound(t: &Q, f: &Q, s: &Q) -> Option<Q> {
    let h = t - f;
    let big = s + f;
    let two = q_int(2);
    if h > Q::zero() && &two * f * &big < &h * &h {
        Some(two * f / h)
    } else {
        None
    }
}

/// The symmetric and skew parts `(C + Cᵀ)/2`, `(C − Cᵀ)/2` of a square matrix.
pub fn sym_skew(c: &[Q], n: usize) -> (Vec<Q>, Vec<Q>) {
    let half = Q::new(1.into(), 2.into());
    let ct = transpose(c, n, n);
    let sym = c.iter().zip(&ct).map(|(x, y)| (x + y) * &half).collect();
    let skew = c.iter().zip(&ct).map(|(x, y)| (x - y) * &half).collect();
    (sym, skew)
}

/// The least gap `min_{i<j} |σᵢ − σⱼ|` over the sorted (descending) positive singular values: the
/// least difference of neighbours. `None` with fewer than two.
pub fn least_gap(sorted_desc: &[f64]) -> Option<f64> {
    sorted_desc
        .windows(2)
        .map(|w| w[0] - w[1])
        .fold(None, |m: Option<f64>, g| Some(m.map_or(g, |m| m.min(g))))
}

/// The M3 pair `A = U diag(σ) Vᵀ`, `B = A + E` with `E = ε·U K Vᵀ`,
/// `K = (3/5)e_i e_jᵀ − (4/5)e_j e_iᵀ` (so `‖E‖_F = ε` exactly); U, V are the Cayley transforms of
/// `S_U[i,j] = ±su` (+ above the diagonal) and `S_V[i,j] = (j − i)·sv`. Row-major `n×n`.
pub fn polar_pair(sigma: &[Q], su: &Q, sv: &Q, eps: &Q, plane: (usize, usize)) -> (Vec<Q>, Vec<Q>) {
    let n = sigma.len();
    let mut s_u = vec![Q::zero(); n * n];
    let mut s_v = vec![Q::zero(); n * n];
    for i in 0..n {
        for j in 0..n {
            s_u[i * n + j] = match i.cmp(&j) {
                std::cmp::Ordering::Less => su.clone(),
                std::cmp::Ordering::Greater => -su.clone(),
                std::cmp::Ordering::Equal => Q::zero(),
            };
            s_v[i * n + j] = sv * q_int(j as i64 - i as i64);
        }
    }
    let u = super::deep_mf::cayley(&s_u, n);
    let v = super::deep_mf::cayley(&s_v, n);
    let a = compose_svd(&u, sigma, &v, n);
    let mut k = vec![Q::zero(); n * n];
    k[plane.0 * n + plane.1] = Q::new(3.into(), 5.into());
    k[plane.1 * n + plane.0] = Q::new((-4).into(), 5.into());
    let uk = mat_mul(&u, &k, n, n, n);
    let e = mat_mul(&uk, &transpose(&v, n, n), n, n, n);
    let b = a.iter().zip(&e).map(|(x, y)| x + eps * y).collect();
    (a, b)
}

/// The orthogonal candidate of the polar factor from a skew-symmetric `S`: `R·cayley(S)` with
/// `R = diag(−1, 1, …, 1)` when `reflect` (for `det A < 0`), exactly orthogonal.
pub fn polar_candidate(skew: &[Q], n: usize, reflect: bool) -> Vec<Q> {
    let mut q = super::deep_mf::cayley(skew, n);
    if reflect {
        for x in q.iter_mut().take(n) {
            *x = -x.clone();
        }
    }
    q
}

/// Whether a row-major square matrix is exactly skew-symmetric.
pub fn is_skew(s: &[Q], n: usize) -> bool {
    (0..n).all(|i| (0..n).all(|j| s[i * n + j] == -s[j * n + i].clone()))
}

/// The exact determinant (by elimination).
pub fn determinant(a: &[Q], n: usize) -> Q {
    let mut m = a.to_vec();
    let mut det = Q::one();
    for c in 0..n {
        let Some(p) = (c..n).find(|&r| !m[r * n + c].is_zero()) else {
            return Q::zero();
        };
        if p != c {
            for k in 0..n {
                m.swap(p * n + k, c * n + k);
            }
            det = -det;
        }
        let piv = m[c * n + c].clone();
        det *= &piv;
        for r in c + 1..n {
            let f = m[r * n + c].clone() / &piv;
            for k in c..n {
                let v = m[c * n + k].clone();
                m[r * n + k] -= &f * v;
            }
        }
    }
    det
}

/// The orthogonal matrices of M1's identity check: the Cayley U, V of the G3 construction.
pub fn identity_basis() -> (Vec<Q>, Vec<Q>) {
    let n = 3;
    let mut s_u = vec![Q::zero(); n * n];
    let mut s_v = vec![Q::zero(); n * n];
    for i in 0..n {
        for j in 0..n {
            if i != j {
                s_u[i * n + j] = if i < j { q_frac(1, 4) } else { q_frac(-1, 4) };
            }
            s_v[i * n + j] = q_frac(j as i64 - i as i64, 12);
        }
    }
    (
        crate::spec::deep_mf::cayley(&s_u, n),
        crate::spec::deep_mf::cayley(&s_v, n),
    )
}

/// The number of zero eigenvalues of a symmetric matrix: the multiplicity of the root 0 of χ.
pub fn zero_eigenvalues(chi: &[Q]) -> usize {
    chi.iter().take_while(|c| c.is_zero()).count()
}

/// `√[lo, hi]` (lo clamped at 0) with 128-bit outward rounding.
pub fn sqrt_interval(lo: &Q, hi: &Q) -> RatInterval {
    let lo = if *lo < Q::zero() {
        Q::zero()
    } else {
        lo.clone()
    };
    RatInterval::new(lo, hi.clone(), 128).sqrt()
}

/// The enclosure of the least neighbour gap of the singular values from eigenvalue brackets of the
/// Gram matrix (ascending, nonzero eigenvalues only).
pub fn gap_from_brackets(brackets: &[(Q, Q)]) -> Option<RatInterval> {
    let sig: Vec<RatInterval> = brackets.iter().map(|(l, h)| sqrt_interval(l, h)).collect();
    let mut gap: Option<RatInterval> = None;
    for w in sig.windows(2) {
        let d = w[1].clone() - &w[0];
        let (dl, dh) = d.bounds()?;
        let dl = if dl < Q::zero() { Q::zero() } else { dl };
        let d = RatInterval::new(dl, dh, 128);
        gap = Some(match gap {
            None => d,
            Some(g) => {
                let (gl, gh) = g.bounds()?;
                let (dl, dh) = d.bounds()?;
                RatInterval::new(gl.min(dl), gh.min(dh), 128)
            }
        });
    }
    gap
}

/// `‖polar(M) − Q‖_F ≤ d` from a polar witness, exactly (see [`polar_defect_bound`]).
pub fn polar_defect(
    a: &[Q],
    n: usize,
    skew: &[Q],
    reflect: bool,
    t: &Q,
) -> Result<(Vec<Q>, Q), String> {
    if skew.len() != n * n || !is_skew(skew, n) {
        return Err("the witness matrix is not skew-symmetric".into());
    }
    let q = polar_candidate(skew, n, reflect);
    let c = mat_mul(&transpose(&q, n, n), a, n, n, n);
    let (sym, sk) = sym_skew(&c, n);
    if !positive_definite_above(&sym, n, t) {
        return Err(format!(
            "sym(Q^T M) - tI is not positive definite at t = {}",
            format_exact(t)
        ));
    }
    let f = sqrt_interval(&frobenius_sq(&sk), &frobenius_sq(&sk));
    let s = sqrt_interval(&frobenius_sq(&sym), &frobenius_sq(&sym));
    let (Some(f), Some(s)) = (f.hi().cloned(), s.hi().cloned()) else {
        return Err("a norm is unbounded".into());
    };
    let d = polar_defect_bound(t, &f, &s)
        .ok_or("the a-posteriori conditions t - f > 0, 2f(s + f) < (t - f)^2 fail")?;
    Ok((q, d))
}

/// `σ_min(M)` enclosed from a Rayleigh witness, exactly.
pub fn sigma_min_from(m: &[Q], n: usize, t: &Q, v: &[Q]) -> Result<RatInterval, String> {
    let g = mat_mul(&transpose(m, n, n), m, n, n, n);
    if *t < Q::zero() || !positive_definite_above(&g, n, t) {
        return Err(format!(
            "M^T M - tI is not positive definite at t = {} >= 0",
            format_exact(t)
        ));
    }
    if v.len() != n {
        return Err("the Rayleigh vector has the wrong length".into());
    }
    let r = rayleigh_sq(m, n, n, v).ok_or("the Rayleigh vector is zero")?;
    Ok(sqrt_interval(t, &r))
}

/// The M3 quantities from exact polar candidates and σ_min enclosures: the ratio
/// `‖polar(B) − polar(A)‖_F/‖E‖_F` and `ratio·(σ_min(A) + σ_min(B))/2`.
pub fn m3_quantities(
    qa: &[Q],
    da: &Q,
    qb: &[Q],
    db: &Q,
    e: &[Q],
    smin_a: &RatInterval,
    smin_b: &RatInterval,
) -> Option<(RatInterval, RatInterval)> {
    let dq: Vec<Q> = qb.iter().zip(qa).map(|(x, y)| x - y).collect();
    let nq = sqrt_interval(&frobenius_sq(&dq), &frobenius_sq(&dq));
    let ne = sqrt_interval(&frobenius_sq(e), &frobenius_sq(e));
    let (nl, nh) = nq.bounds()?;
    let d = da + db;
    let lo = nl - &d;
    let lo = if lo < Q::zero() { Q::zero() } else { lo };
    let num = RatInterval::new(lo, nh + &d, 128);
    if ne.lo().is_none_or(|l| *l <= Q::zero()) {
        return None;
    }
    let ratio = num / &ne;
    let li = ratio.clone() * &(smin_a.clone() + smin_b) / &RatInterval::point(q_int(2), 128);
    Some((ratio, li))
}

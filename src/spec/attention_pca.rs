//! Paper 9 (Maulen-Soto, Boyer, arXiv 2605.18315): attention-based PCA. Model derived in
//! `theorems.md` from the abstract, not taken from the paper's full text.
//!
//! Tokens `q ~ N(0, Σ)`, a rank-one key–query product `vvᵀ`, identity values: the infinite-prompt
//! attention output is `(vᵀq)Σv`, and its reconstruction loss is
//! `ℓ(v) = E‖q − (vᵀq)Σv‖² = tr Σ − 2vᵀΣ²v + (vᵀΣv)(vᵀΣ²v)`, with
//! `∇ℓ = −4Σ²v + 2Σv(vᵀΣ²v) + 2Σ²v(vᵀΣv)` and
//! `∇²ℓ = −4Σ² + 2(vᵀΣ²v)Σ + 2(vᵀΣv)Σ² + 4(Σv)(Σ²v)ᵀ + 4(Σ²v)(Σv)ᵀ`.
//! GD is `v ← v − η∇ℓ(v)`.

use super::deep_mf::{is_psd, mat_mul};
use super::random::SplitMix64;
use super::two_factor::Identity;
use super::Dynamics;
use crate::arith::{q_int, Poly, Ring, SecondOrder, Q};
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;

/// The loss `ℓ` of a symmetric `n×n` matrix Σ (row-major, exact).
#[derive(Clone, Debug)]
pub struct AttentionLoss {
    pub n: usize,
    pub sigma: Vec<Q>,
    pub sigma2: Vec<Q>,
}

impl AttentionLoss {
    pub fn new(n: usize, sigma: Vec<Q>) -> Self {
        let sigma2 = mat_mul(&sigma, &sigma, n);
        AttentionLoss { n, sigma, sigma2 }
    }

    /// `(Σ, Σ²)` in the arithmetic of `unit`.
    pub fn constants<T: Ring>(&self, unit: &T) -> (Vec<T>, Vec<T>) {
        (
            self.sigma.iter().map(|q| unit.constant(q)).collect(),
            self.sigma2.iter().map(|q| unit.constant(q)).collect(),
        )
    }

    pub fn trace(&self) -> Q {
        (0..self.n).fold(Q::zero(), |acc, i| acc + &self.sigma[i * self.n + i])
    }

    /// `ℓ(v)` in closed form.
    pub fn value<T: Ring>(&self, v: &[T]) -> T {
        let (s, s2) = self.constants(&v[0]);
        let (sv, s2v) = (mat_vec(&s, v), mat_vec(&s2, v));
        let (a, b) = (dot(v, &s2v), dot(v, &sv));
        v[0].constant(&self.trace()) - &(a.clone() * &v[0].int(2)) + &(b * &a)
    }

    /// `E‖q − (vᵀq)Σv‖²` expanded term by term with the second moment `E[qqᵀ] = Σ`:
    /// `E‖q‖² − 2E[(vᵀq)(qᵀw)] + E[(vᵀq)²]‖w‖²`, `w = Σv`.
    pub fn reconstruction_loss<T: Ring>(&self, v: &[T]) -> T {
        let (s, _) = self.constants(&v[0]);
        let w = mat_vec(&s, v);
        let second_moment = |x: &[T], y: &[T]| dot(x, &mat_vec(&s, y));
        v[0].constant(&self.trace()) - &(second_moment(v, &w) * &v[0].int(2))
            + &(second_moment(v, v) * &dot(&w, &w))
    }

    /// `∇ℓ(v)` by its closed form.
    pub fn gradient<T: Ring>(&self, c: &(Vec<T>, Vec<T>), v: &[T]) -> Vec<T> {
        let (sv, s2v) = (mat_vec(&c.0, v), mat_vec(&c.1, v));
        let (a, b) = (dot(v, &s2v), dot(v, &sv));
        let two = v[0].int(2);
        (0..self.n)
            .map(|i| {
                (sv[i].clone() * &a + &(s2v[i].clone() * &b) - &(s2v[i].clone() * &two)) * &two
            })
            .collect()
    }

    /// `∇²ℓ(v)`, row-major, by its closed form.
    pub fn hessian<T: Ring>(&self, c: &(Vec<T>, Vec<T>), v: &[T]) -> Vec<T> {
        let n = self.n;
        let (sv, s2v) = (mat_vec(&c.0, v), mat_vec(&c.1, v));
        let (a, b) = (dot(v, &s2v), dot(v, &sv));
        let (two, four) = (v[0].int(2), v[0].int(4));
        let mut h = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                let k = i * n + j;
                let diag = (c.0[k].clone() * &a + &(c.1[k].clone() * &b)) * &two
                    - &(c.1[k].clone() * &four);
                let outer = (sv[i].clone() * &s2v[j] + &(s2v[i].clone() * &sv[j])) * &four;
                h.push(diag + &outer);
            }
        }
        h
    }
}

fn mat_vec<T: Ring>(m: &[T], v: &[T]) -> Vec<T> {
    let n = v.len();
    (0..n)
        .map(|i| {
            (1..n).fold(m[i * n].clone() * &v[0], |acc, j| {
                acc + &(m[i * n + j].clone() * &v[j])
            })
        })
        .collect()
}

fn dot<T: Ring>(x: &[T], y: &[T]) -> T {
    (1..x.len()).fold(x[0].clone() * &y[0], |acc, i| acc + &(x[i].clone() * &y[i]))
}

/// GD on `ℓ` with step η, in dimension `N`.
#[derive(Clone, Debug)]
pub struct AttentionGd<const N: usize> {
    pub loss: AttentionLoss,
    pub eta: Q,
}

impl<const N: usize> Dynamics<N> for AttentionGd<N> {
    fn name(&self) -> &'static str {
        "attention_gd"
    }
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T> {
        let (s, s2) = self.loss.constants(unit);
        let mut c = vec![unit.constant(&self.eta)];
        c.extend(s);
        c.extend(s2);
        c
    }
    fn apply<T: Ring>(&self, c: &[T], x: &[T; N]) -> [T; N] {
        let nn = N * N;
        let pair = (c[1..1 + nn].to_vec(), c[1 + nn..1 + 2 * nn].to_vec());
        let g = self.loss.gradient(&pair, x);
        std::array::from_fn(|i| x[i].clone() - &(g[i].clone() * &c[0]))
    }
}

/// Claim ids of the critical-point identities, by the index j of `u_j` (at most 12).
pub const CRITICAL_IDS: [&str; 12] = [
    "P2.critical.1",
    "P2.critical.2",
    "P2.critical.3",
    "P2.critical.4",
    "P2.critical.5",
    "P2.critical.6",
    "P2.critical.7",
    "P2.critical.8",
    "P2.critical.9",
    "P2.critical.10",
    "P2.critical.11",
    "P2.critical.12",
];

/// Orders of the P1 power series checked exactly: `E[⟨w,x⟩^k]` for `k <= P1_ORDER` and
/// `E[⟨w,x⟩^(k+1) x]` for `k <= P1_ORDER`.
pub const P1_ORDER: u32 = 6;

/// The exact expectation of a polynomial `p` over `x ~ N(0, Σ)`, where `x` is the first `n`
/// variables of `p` (the others are parameters), by linearity and the moments of [`gaussian_moment`].
pub fn gaussian_expectation(p: &Poly, sigma: &[Q], n: usize) -> Poly {
    use num_bigint::BigInt;
    let nv = p.nvars();
    let mut memo = BTreeMap::new();
    // Sums kept as unreduced fractions (numerator, denominator): with integer data no gcd is taken
    // until the end.
    let mut acc: BTreeMap<Vec<u32>, (BigInt, BigInt)> = BTreeMap::new();
    for (e, c) in p.terms() {
        let m = gaussian_moment(&e[..n], sigma, n, &mut memo);
        if m.is_zero() {
            continue;
        }
        let t = c * &m;
        let mut key = vec![0; n];
        key.extend_from_slice(&e[n..]);
        let (tn, td) = (t.numer().clone(), t.denom().clone());
        match acc.get_mut(&key) {
            Some((an, ad)) if *ad == td => *an += tn,
            Some((an, ad)) => {
                *an = &*an * &td + tn * &*ad;
                *ad *= td;
            }
            None => {
                acc.insert(key, (tn, td));
            }
        }
    }
    Poly::from_terms(nv, acc.into_iter().map(|(k, (a, b))| (k, Q::new(a, b))))
}

/// `E[x^α]` for `x ~ N(0, Σ)`, exactly, by Isserlis' recursion (Gaussian integration by parts):
/// `E[x_a x^β] = Σ_b Σ_ab β_b E[x^(β − e_b)]`, `E[1] = 1`, odd moments 0. `memo` caches moments.
pub fn gaussian_moment(
    alpha: &[u32],
    sigma: &[Q],
    n: usize,
    memo: &mut BTreeMap<Vec<u32>, Q>,
) -> Q {
    let degree: u32 = alpha.iter().sum();
    if degree == 0 {
        return q_int(1);
    }
    if degree % 2 == 1 {
        return Q::zero();
    }
    if let Some(v) = memo.get(alpha) {
        return v.clone();
    }
    let Some(a) = alpha.iter().position(|&k| k > 0) else {
        return q_int(1);
    };
    let mut rest = alpha.to_vec();
    rest[a] -= 1;
    let mut total = Q::zero();
    for b in 0..n {
        if rest[b] == 0 || sigma[a * n + b].is_zero() {
            continue;
        }
        let mut r = rest.clone();
        r[b] -= 1;
        total += &sigma[a * n + b] * q_int(rest[b] as i64) * gaussian_moment(&r, sigma, n, memo);
    }
    memo.insert(alpha.to_vec(), total.clone());
    total
}

/// The identities of P1 (the infinite-prompt limit) for `x ~ N(0, Σ)`, as polynomials in a free
/// `w ∈ Rⁿ`, with every expectation computed exactly by [`gaussian_expectation`] (variables
/// `x_0..x_{n−1}`, then `w_0..w_{n−1}`; evaluated for the integer multiple `D·Σ`, equivalently):
/// - `P1.mgf`: `E[⟨w,x⟩^k] = (k − 1)!!·(wᵀΣw)^(k/2)` for even k, 0 for odd k (k <= [`P1_ORDER`]):
///   the Taylor coefficients of `E[e^{t⟨w,x⟩}] = exp(½t²wᵀΣw)`;
/// - `P1.softmax`: `E[⟨w,x⟩^(k+1) x] = (k + 1)·Σw·E[⟨w,x⟩^k]` (k <= [`P1_ORDER`]): the coefficients of
///   `E[e^{t⟨w,x⟩}x] = tΣw·E[e^{t⟨w,x⟩}]`, so softmax attention's limit `E[e^{⟨w,x⟩}x]/E[e^{⟨w,x⟩}]`
///   is `Σw`; k = 0 is `E[⟨w,x⟩x] = Σw`, linear attention's limit.
pub fn p1_identities(loss: &AttentionLoss) -> Vec<Identity> {
    let n = loss.n;
    // Both identities are homogeneous in Σ (each side of order k has degree ⌈k/2⌉ in Σ), so they
    // hold for Σ iff they hold for the integer matrix D·Σ, D the lcm of Σ's denominators; integer
    // coefficients keep the exact arithmetic free of large gcds.
    let d = loss
        .sigma
        .iter()
        .fold(num_bigint::BigInt::from(1), |acc, q| {
            num_integer::Integer::lcm(&acc, q.denom())
        });
    let sigma: Vec<Q> = loss
        .sigma
        .iter()
        .map(|q| q * Q::from_integer(d.clone()))
        .collect();
    let vars = Poly::vars(2 * n);
    let (x, w) = (&vars[..n], &vars[n..]);
    let y = dot(w, x);
    let c: Vec<Poly> = sigma.iter().map(|q| vars[0].constant(q)).collect();
    let sw = mat_vec(&c, w);
    let s = dot(w, &sw);
    let e = |p: &Poly| gaussian_expectation(p, &sigma, n);
    let mut mgf = vec![];
    let mut softmax = vec![];
    let mut yk = vars[0].int(1); // ⟨w,x⟩^k
    let mut double_fact = Q::from_integer(1.into()); // (k − 1)!! for even k
    for k in 0..=P1_ORDER {
        let moment = e(&yk);
        let closed = if k % 2 == 0 {
            if k >= 2 {
                double_fact *= Q::from_integer((k as i64 - 1).into());
            }
            s.powi(k / 2) * &vars[0].constant(&double_fact)
        } else {
            Poly::zero(2 * n)
        };
        mgf.push(moment.clone() - &closed);
        let yk1 = yk.clone() * &y;
        for i in 0..n {
            let lhs = e(&(yk1.clone() * &x[i]));
            let rhs = sw[i].clone() * &moment * &vars[0].int(k as i64 + 1);
            softmax.push(lhs - &rhs);
        }
        yk = yk1;
    }
    vec![
        Identity {
            id: "P1.mgf",
            statement: format!("x ~ N(0, Σ): E[⟨w,x⟩^k] = (k − 1)!!(wᵀΣw)^(k/2) for even k, 0 for odd k, k ≤ {P1_ORDER}, as polynomials in w (exact Gaussian expectations by Wick's theorem): the Taylor coefficients of E[e^(t⟨w,x⟩)] = exp(½t²wᵀΣw)"),
            differences: mgf,
            relations: vec![],
        },
        Identity {
            id: "P1.softmax",
            statement: format!("x ~ N(0, Σ): E[⟨w,x⟩^(k+1) x] = (k + 1)·Σw·E[⟨w,x⟩^k] for k ≤ {P1_ORDER}, as polynomials in w (Wick): the coefficients through t^{} of E[e^(t⟨w,x⟩)x] = tΣw·E[e^(t⟨w,x⟩)], hence E[e^(⟨w,x⟩)x]/E[e^(⟨w,x⟩)] = Σw (softmax limit; all orders by Stein's lemma) and E[⟨w,x⟩x] = Σw (k = 0, linear limit); with w = v(vᵀq) both attentions output (vᵀq)Σv", P1_ORDER + 1),
            differences: softmax,
            relations: vec![],
        },
    ]
}

/// The identities of P2 for every Σ: the closed-form loss, gradient and Hessian.
pub fn identities(loss: &AttentionLoss) -> Vec<Identity> {
    let n = loss.n;
    let v = Poly::vars(n);
    let c = loss.constants(&v[0]);
    let ad = loss.value(&SecondOrder::seed(&v));
    let (g_ad, h_ad) = (ad.gradient(n), ad.hessian(n));
    let (g, h) = (loss.gradient(&c, &v), loss.hessian(&c, &v));
    vec![
        Identity {
            id: "P2.loss",
            statement: "E‖q − (vᵀq)Σv‖² (expanded with E[qqᵀ] = Σ) = tr Σ − 2vᵀΣ²v + (vᵀΣv)(vᵀΣ²v) as polynomials in v".into(),
            differences: vec![loss.reconstruction_loss(&v) - loss.value(&v)],
            relations: vec![],
        },
        Identity {
            id: "P2.gradient",
            statement: "∇ℓ (differentiated automatically) = −4Σ²v + 2Σv(vᵀΣ²v) + 2Σ²v(vᵀΣv)".into(),
            differences: g_ad.into_iter().zip(g).map(|(a, b)| a - b).collect(),
            relations: vec![],
        },
        Identity {
            id: "P2.hessian",
            statement: "∇²ℓ (differentiated automatically) = −4Σ² + 2(vᵀΣ²v)Σ + 2(vᵀΣv)Σ² + 4(Σv)(Σ²v)ᵀ + 4(Σ²v)(Σv)ᵀ".into(),
            differences: h_ad.into_iter().zip(h).map(|(a, b)| a - b).collect(),
            relations: vec![],
        },
    ]
}

/// The critical-point identities of P2 for `Σ = U diag(λ) Uᵀ` with `U` exactly orthogonal
/// (row-major, eigenvectors as columns): for each j, with `s² = 1/λ_j`, `∇ℓ(s·u_j) = 0`,
/// `ℓ(s·u_j) = tr Σ − λ_j`, and `∇²ℓ(s·u_j)·u_i = h_ij·u_i` with `h_jj = 8λ_j²` and
/// `h_ij = 2λ_i(λ_j − λ_i)`. `None` entries for `λ_j <= 0` or j beyond 12.
pub fn critical_identities(loss: &AttentionLoss, basis: &[Q], spectrum: &[Q]) -> Vec<Identity> {
    let n = loss.n;
    let mut out = vec![];
    for (j, lj) in spectrum.iter().enumerate().take(CRITICAL_IDS.len()) {
        if !lj.is_positive() {
            continue;
        }
        let s = Poly::var(0, 1);
        let col = |k: usize| -> Vec<Q> { (0..n).map(|r| basis[r * n + k].clone()).collect() };
        let uj = col(j);
        let v: Vec<Poly> = uj.iter().map(|x| s.constant(x) * &s).collect();
        let c = loss.constants(&s);
        let mut diffs = loss.gradient(&c, &v);
        diffs.push(loss.value(&v) - s.constant(&(loss.trace() - lj)));
        let h = loss.hessian(&c, &v);
        for (i, li) in spectrum.iter().enumerate() {
            let hij = if i == j {
                q_int(8) * lj * lj
            } else {
                q_int(2) * li * (lj.clone() - li)
            };
            let ui = col(i);
            for r in 0..n {
                let hu = (0..n).fold(s.int(0), |acc, k| {
                    acc + &(h[r * n + k].clone() * &s.constant(&ui[k]))
                });
                diffs.push(hu - s.constant(&(hij.clone() * &ui[r])));
            }
        }
        out.push(Identity {
            id: CRITICAL_IDS[j],
            statement: format!(
                "with s² = 1/λ_{0}: ∇ℓ(s·u_{0}) = 0, ℓ(s·u_{0}) = tr Σ − λ_{0}, and ∇²ℓ(s·u_{0}) has eigenvectors u_i with eigenvalues 8λ_{0}² (i = {0}) and 2λ_i(λ_{0} − λ_i) (i ≠ {0})",
                j + 1
            ),
            differences: diffs,
            relations: vec![(0, s.constant(&(q_int(1) / lj)))],
        });
    }
    out
}

/// The cubic step on the top axis: for a unit eigenvector `u` of Σ with eigenvalue λ,
/// `F(t·u) = ((1 + μ)t − μλt³)·u` with `μ = 4ηλ²`, i.e. `s = √λ·t` follows paper 5's cubic
/// `s ↦ (1 + μ)s − μs³` (an identity in t).
pub fn axis_identity(loss: &AttentionLoss, eta: &Q, u: &[Q], lambda: &Q) -> Identity {
    let t = Poly::var(0, 1);
    let v: Vec<Poly> = u.iter().map(|x| t.constant(x) * &t).collect();
    let c = loss.constants(&t);
    let g = loss.gradient(&c, &v);
    let mu = q_int(4) * eta * lambda * lambda;
    let cubic = t.constant(&(q_int(1) + &mu)) * &t - t.constant(&(mu * lambda)) * &t.powi(3);
    Identity {
        id: "P3.axis_reduction",
        statement: "GD on the top axis: F(t·u_1) = ((1 + μ)t − μλ_1t³)·u_1 with μ = 4ηλ_1², so s = √λ_1·t follows the cubic s ↦ (1 + μ)s − μs³ (paper 5's balanced cubic); its claims follow, prefixed P3.axis.".into(),
        differences: v
            .iter()
            .zip(&g)
            .zip(u)
            .map(|((vi, gi), ui)| vi.clone() - &(gi.clone() * &t.constant(eta)) - cubic.clone() * &t.constant(ui))
            .collect(),
        relations: vec![],
    }
}

/// The Hessian eigenvalues at `u_j/√λ_j` (P2): `8λ_j²` and `2λ_i(λ_j − λ_i)`, i ≠ j.
pub fn hessian_spectrum_at(spectrum: &[Q], j: usize) -> Vec<Q> {
    let lj = &spectrum[j];
    spectrum
        .iter()
        .enumerate()
        .map(|(i, li)| {
            if i == j {
                q_int(8) * lj * lj
            } else {
                q_int(2) * li * (lj.clone() - li)
            }
        })
        .collect()
}

/// The local rate of GD at `u_1/√λ_1` (P3): `max_i |1 − η h_i|` over the Hessian eigenvalues,
/// i.e. `max(|1 − 8ηλ_1²|, max_{i≥2} |1 − 2ηλ_i(λ_1 − λ_i)|)`; `spectrum` is sorted descending.
pub fn local_rate(spectrum: &[Q], eta: &Q) -> Q {
    hessian_spectrum_at(spectrum, 0)
        .iter()
        .map(|h| (q_int(1) - eta * h).abs())
        .fold(Q::zero(), |m, x| if x > m { x } else { m })
}

/// `Σ = U diag(λ) Uᵀ`, exactly.
pub fn rotated_diagonal(basis: &[Q], spectrum: &[Q]) -> Vec<Q> {
    super::deep_mf::target(basis, spectrum)
}

/// The rank of an `r×c` rational matrix (Gaussian elimination, exact).
pub fn rank(m: &[Q], rows: usize, cols: usize) -> usize {
    let mut a = m.to_vec();
    let mut r = 0;
    for col in 0..cols {
        let Some(p) = (r..rows).find(|&i| !a[i * cols + col].is_zero()) else {
            continue;
        };
        for k in 0..cols {
            a.swap(p * cols + k, r * cols + k);
        }
        for i in r + 1..rows {
            let f = &a[i * cols + col] / &a[r * cols + col];
            if f.is_zero() {
                continue;
            }
            for k in col..cols {
                let d = &f * &a[r * cols + k];
                a[i * cols + k] -= d;
            }
        }
        r += 1;
    }
    r
}

/// Whether `t` is the largest eigenvalue of the symmetric Σ with multiplicity at least 2, so
/// that `λ_1 = λ_2 = t`: `tI − Σ` is positive semidefinite and `rank(Σ − tI) <= n − 2`.
pub fn top_eigenvalue_is_multiple(sigma: &[Q], n: usize, t: &Q) -> bool {
    let shifted: Vec<Q> = (0..n * n)
        .map(|k| {
            let d = if k / n == k % n { t.clone() } else { Q::zero() };
            d - &sigma[k]
        })
        .collect();
    n >= 2 && is_psd(&shifted, n) && rank(&shifted, n, n) + 2 <= n
}

/// `L` prompt tokens `x_t = U diag(√λ) z_t` (P4, theorems.md Q3), each `z_t` `n` standard
/// normals of SplitMix64(seed) drawn token after token (primitive 7), evaluated in binary64 in a
/// fixed order: `y_k = fl(fl(√λ_k)·z_k)`, `x_i = fl(Σ_k fl(U_ik)·y_k)` summed over k in order
/// (for `U = I` simply `x_i = y_i`). The tokens are then exact binary64 data.
pub fn tokens(basis: Option<&[Q]>, spectrum: &[Q], count: usize, seed: u64) -> Vec<Vec<f64>> {
    let n = spectrum.len();
    let roots: Vec<f64> = spectrum
        .iter()
        .map(|l| crate::arith::exact::q_to_f64(l).sqrt())
        .collect();
    let u: Option<Vec<f64>> = basis.map(|b| b.iter().map(crate::arith::exact::q_to_f64).collect());
    let mut rng = SplitMix64(seed);
    (0..count)
        .map(|_| {
            let y: Vec<f64> = roots.iter().map(|r| r * rng.normal_f64()).collect();
            match &u {
                None => y,
                Some(u) => (0..n)
                    .map(|i| (0..n).fold(0.0, |acc, k| acc + u[i * n + k] * y[k]))
                    .collect(),
            }
        })
        .collect()
}

/// `Σ̂_L = (1/L)Σ_t x_t x_tᵀ` (no centring), exactly from the binary64 tokens; `None` if a token
/// is not finite.
pub fn sample_covariance(tokens: &[Vec<f64>]) -> Option<Vec<Q>> {
    let n = tokens.first()?.len();
    let mut s = vec![Q::zero(); n * n];
    for x in tokens {
        let xq: Vec<Q> = x
            .iter()
            .map(|v| crate::arith::exact::q_from_f64(*v))
            .collect::<Option<_>>()?;
        for i in 0..n {
            for j in i..n {
                s[i * n + j] += &xq[i] * &xq[j];
            }
        }
    }
    let l = q_int(tokens.len() as i64);
    for i in 0..n {
        for j in i..n {
            let v = s[i * n + j].clone() / &l;
            s[j * n + i] = v.clone();
            s[i * n + j] = v;
        }
    }
    Some(s)
}

/// `Σ_i max|X_i − T_i|²` over two boxes: an upper bound of `‖x − t‖²` for x ∈ X, t ∈ T.
pub fn distance_sq_upper(x: &[(Q, Q)], t: &[(Q, Q)]) -> Q {
    x.iter().zip(t).fold(Q::zero(), |acc, (a, b)| {
        let d = max_q(a.1.clone() - &b.0, b.1.clone() - &a.0);
        acc + &d * &d
    })
}

/// `Σ_i min|T_i|²`: a lower bound of `‖t‖²` over the box T.
pub fn norm_sq_lower(t: &[(Q, Q)]) -> Q {
    t.iter().fold(Q::zero(), |acc, (lo, hi)| {
        let m = if lo.is_positive() {
            lo.clone()
        } else if hi.is_negative() {
            -hi.clone()
        } else {
            Q::zero()
        };
        acc + &m * &m
    })
}

/// Whether `s = √S` satisfies `s(2 + s) <= ε` (then also `s² <= ε`): `ε − S >= 0` and
/// `4S <= (ε − S)²`.
pub fn alignment_holds(s_sq: &Q, eps: &Q) -> bool {
    let d = eps.clone() - s_sq;
    !d.is_negative() && q_int(4) * s_sq <= &d * &d
}

/// `ρ^{2j}·D/N`: the bound of `‖v_{K+j} − v*‖²/‖v*‖²`.
pub fn relative_distance_sq(rho: &Q, j: usize, d: &Q, nrm: &Q) -> Q {
    let mut p = q_int(1);
    let mut base = rho.clone() * rho;
    let mut e = j;
    while e > 0 {
        if e & 1 == 1 {
            p *= &base;
        }
        base = base.clone() * &base;
        e >>= 1;
    }
    p * d / nrm
}

/// `sin∠(a, b)` for vectors in the boxes `a`, `b`.
pub fn sine_between<S: crate::arith::Elementary + crate::arith::Enclosure>(a: &[S], b: &[S]) -> S {
    let dot = a
        .iter()
        .zip(b)
        .fold(a[0].int(0), |acc, (x, y)| acc + &(x.clone() * y));
    let na = a.iter().fold(a[0].int(0), |acc, x| acc + &x.sqr());
    let nb = b.iter().fold(a[0].int(0), |acc, x| acc + &x.sqr());
    let s2 = a[0].int(1) - &(dot.sqr() / &(na * &nb));
    let s2 = match s2.bounds() {
        Some((lo, hi)) if lo.is_negative() => s2.from_bounds(&Q::zero(), &max_q(hi, Q::zero())),
        _ => s2,
    };
    s2.sqrt()
}

fn max_q(a: Q, b: Q) -> Q {
    if a > b {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::q_frac;
    use crate::methods::identity::identity_holds;

    fn q1() -> Vec<Q> {
        vec![q_int(3), q_frac(3, 2), q_int(1), q_frac(1, 2), q_frac(1, 5)]
    }

    #[test]
    fn identities_hold_for_a_rotated_diagonal_and_fail_when_perturbed() {
        let spec = q1();
        let basis = super::super::deep_mf::cayley_basis(5, 7);
        let loss = AttentionLoss::new(5, rotated_diagonal(&basis, &spec));
        for id in identities(&loss)
            .iter()
            .chain(&critical_identities(&loss, &basis, &spec))
        {
            assert!(identity_holds(&id.differences, &id.relations), "{}", id.id);
        }
        // The critical points of a wrong spectrum are not critical.
        let mut wrong = spec.clone();
        wrong[0] = q_frac(31, 10);
        let bad = critical_identities(&loss, &basis, &wrong);
        assert!(!identity_holds(&bad[0].differences, &bad[0].relations));
    }

    #[test]
    fn q1_local_rate_is_0_9776() {
        assert_eq!(local_rate(&q1(), &q_frac(1, 50)), q_frac(9776, 10000));
    }

    #[test]
    fn multiple_top_eigenvalue_is_detected_exactly() {
        let d = |v: &[i64]| {
            let n = v.len();
            (0..n * n)
                .map(|k| {
                    if k / n == k % n {
                        q_int(v[k / n])
                    } else {
                        Q::zero()
                    }
                })
                .collect::<Vec<_>>()
        };
        assert!(top_eigenvalue_is_multiple(&d(&[2, 2, 1]), 3, &q_int(2)));
        assert!(!top_eigenvalue_is_multiple(&d(&[3, 2, 1]), 3, &q_int(3)));
        assert!(!top_eigenvalue_is_multiple(&d(&[2, 2, 1]), 3, &q_int(1)));
    }
}

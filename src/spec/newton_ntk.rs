//! Paper 4 (`newton-ntk`): the two-layer ReLU NTK, its Gram matrix on equispaced circle points, and a
//! small tanh network for regularised Newton.
//!
//! - `Θ(x, x') = (1/(2π))[‖x‖‖x'‖ sin φ + 2(π − φ)⟨x, x'⟩]`, `φ = arccos(⟨x, x'⟩/(‖x‖‖x'‖))`
//!   (both layers trained, standard parametrisation; for unit vectors `(sin φ + 2(π − φ)cos φ)/(2π)`).
//! - Circle points `x_j = (cos t_j, sin t_j, 1)/√2` (with bias) or `(cos t_j, sin t_j)` (without),
//!   `t_j = 2πj/M`. Their Gram matrix is circulant with first row `c_j = Θ(x_0, x_j)` and eigenvalues
//!   `κ_k = Σ_j c_j cos(2πjk/M)` (`proofs/newton-ntk.md`).
//! - Without bias, `κ_k = A_k/(2π) + B_k` with `A_k, B_k` in the cyclotomic field `Q(ζ_N)`,
//!   `N = lcm(M, 4)`: [`exact_parts_no_bias`] computes them exactly, so `κ_k = 0` can be proved.
//! - The network `f(x) = Σ_j v_j tanh(w_j·x)` (width `h`, inputs in `R^d`), loss `½Σ_i (f(x_i) − y_i)²`,
//!   parameters ordered `W` (h×d row-major) then `v`.

use crate::arith::exact::{q_int, Q};
use crate::arith::{q_frac, Elementary, Enclosure};
use num_traits::{One, Zero};

/// Clamps an enclosure of a cosine to `[−1, 1]` (the true value lies there by Cauchy–Schwarz).
fn clamp_unit<T: Enclosure>(u: T) -> T {
    match u.bounds() {
        Some((a, b)) if a < -Q::one() || b > Q::one() => {
            let lo = if a < -Q::one() { -Q::one() } else { a };
            let hi = if b > Q::one() { Q::one() } else { b };
            if lo <= hi {
                u.from_bounds(&lo, &hi)
            } else {
                u.from_bounds(&-Q::one(), &Q::one())
            }
        }
        _ => u,
    }
}

/// `Θ` of two unit vectors with inner product `u`: `(sin φ + 2(π − φ)u)/(2π)`, `φ = arccos u`.
pub fn ntk_unit<T: Elementary + Enclosure>(u: &T) -> T {
    let u = clamp_unit(u.clone());
    let pi = u.pi();
    let phi = u.acos();
    let sin = (u.int(1) - u.sqr()).sqrt();
    (sin + (pi.clone() - phi) * &u * &u.int(2)) / (pi * &u.int(2))
}

/// `Θ(x, x')` of two nonzero vectors given `⟨x, x'⟩` and `‖x‖²‖x'‖²`; `diagonal` when `x = x'`
/// (then `Θ = ‖x‖²` exactly).
pub fn ntk<T: Elementary + Enclosure>(dot: &T, norms_sq: &T, diagonal: bool) -> T {
    if diagonal {
        return dot.clone();
    }
    let r = norms_sq.sqrt();
    ntk_unit(&(dot.clone() / &r)) * &r
}

/// `cos(2πa/M)` in the arithmetic of `unit`, with `a` reduced modulo `M`.
pub fn cos_frac<T: Elementary>(unit: &T, a: usize, m: usize) -> T {
    let a = a % m;
    if a == 0 {
        return unit.int(1);
    }
    (unit.pi() * &unit.constant(&q_frac(2 * a as i64, m as i64))).cos()
}

/// `sin(2πa/M)`, `a` reduced modulo `M`.
pub fn sin_frac<T: Elementary>(unit: &T, a: usize, m: usize) -> T {
    let a = a % m;
    if a == 0 {
        return unit.int(0);
    }
    (unit.pi() * &unit.constant(&q_frac(2 * a as i64, m as i64))).sin()
}

/// The first row `c_j = Θ(x_0, x_j)` of the circle Gram matrix (`c_0 = 1`).
pub fn circle_row<T: Elementary + Enclosure>(unit: &T, m: usize, bias: bool) -> Vec<T> {
    (0..m)
        .map(|j| {
            if j == 0 {
                return unit.int(1);
            }
            let c = cos_frac(unit, j, m);
            // ⟨x_0, x_j⟩ = (cos t_j + 1)/2 with bias, cos t_j without.
            let u = if bias {
                (c + unit.int(1)) * &unit.constant(&q_frac(1, 2))
            } else {
                c
            };
            ntk_unit(&u)
        })
        .collect()
}

/// `κ_k = Σ_j c_j cos(2πjk/M)`, the eigenvalue of the circulant matrix with first row `row` at
/// frequency `k`.
pub fn circulant_eigenvalue<T: Elementary>(row: &[T], k: usize) -> T {
    let m = row.len();
    let mut s = row[0].int(0);
    for (j, c) in row.iter().enumerate() {
        s = s + &(c.clone() * &cos_frac(&row[0], j * k, m));
    }
    s
}

/// The circle points as vectors in the arithmetic of `unit`.
pub fn circle_points<T: Elementary>(unit: &T, m: usize, bias: bool) -> Vec<Vec<T>> {
    let s = if bias {
        unit.constant(&q_frac(1, 2)).sqrt()
    } else {
        unit.int(1)
    };
    (0..m)
        .map(|j| {
            let mut x = vec![cos_frac(unit, j, m) * &s, sin_frac(unit, j, m) * &s];
            if bias {
                x.push(s.clone());
            }
            x
        })
        .collect()
}

/// The NTK Gram matrix (row-major) of exact points, each nonzero.
pub fn gram<T: Elementary + Enclosure>(unit: &T, points: &[Vec<Q>]) -> Vec<T> {
    let n = points.len();
    let dot = |a: &[Q], b: &[Q]| -> Q { a.iter().zip(b).map(|(x, y)| x.clone() * y).sum() };
    let sq: Vec<Q> = points.iter().map(|p| dot(p, p)).collect();
    let mut g = vec![unit.int(0); n * n];
    for i in 0..n {
        for j in i..n {
            let d = unit.constant(&dot(&points[i], &points[j]));
            let v = ntk(&d, &unit.constant(&(sq[i].clone() * &sq[j])), i == j);
            g[i * n + j] = v.clone();
            g[j * n + i] = v;
        }
    }
    g
}

/// The derived quantities from enclosures of `κ_min`, `κ_max`: NNTK minimum and maximum, the Newton
/// rate `1 − α·ν_min`, the GD rate `(κ_max − κ_min)/(κ_max + κ_min)` and `ln(Newton)/ln(GD)`.
/// Engine and kernel evaluate it on their enclosures of `κ_min`, `κ_max`.
pub fn derived<T: Elementary>(kmin: &T, kmax: &T, lambda: &Q, alpha: &Q) -> [T; 5] {
    let lam = kmin.constant(lambda);
    // κ/(κ + λ) = 1 − λ/(κ + λ): one occurrence of κ, so tight on an enclosure.
    let nu_min = kmin.int(1) - lam.clone() / &(kmin.clone() + &lam);
    let nu_max = kmax.int(1) - lam.clone() / &(kmax.clone() + &lam);
    let newton = kmin.int(1) - kmin.constant(alpha) * &nu_min;
    // (K − k)/(K + k) = 1 − 2/(K/k + 1): one occurrence of each.
    let gd = kmin.int(1) - kmin.int(2) / &(kmax.clone() / kmin + &kmin.int(1));
    let ratio = newton.ln() / &gd.ln();
    [nu_min, nu_max, newton, gd, ratio]
}

// ---- Exact arithmetic in the cyclotomic field Q(ζ_N), for the circle without bias.

/// A polynomial over Q, lowest coefficient first.
pub type QPoly = Vec<Q>;

fn trim(mut p: QPoly) -> QPoly {
    while p.last().is_some_and(Zero::is_zero) {
        p.pop();
    }
    p
}

/// The remainder of `a` divided by the monic `b`.
pub fn poly_rem(a: &[Q], b: &[Q]) -> QPoly {
    let mut r = trim(a.to_vec());
    let db = b.len() - 1;
    while r.len() > db {
        let c = r[r.len() - 1].clone();
        let shift = r.len() - 1 - db;
        for (i, bi) in b.iter().enumerate() {
            r[shift + i] = r[shift + i].clone() - c.clone() * bi;
        }
        r = trim(r);
    }
    r
}

fn poly_div_exact(a: &[Q], b: &[Q]) -> QPoly {
    let mut r = trim(a.to_vec());
    let db = b.len() - 1;
    let mut q = vec![Q::zero(); r.len().saturating_sub(db)];
    while r.len() > db {
        let c = r[r.len() - 1].clone() / &b[db];
        let shift = r.len() - 1 - db;
        q[shift] = c.clone();
        for (i, bi) in b.iter().enumerate() {
            r[shift + i] = r[shift + i].clone() - c.clone() * bi;
        }
        r = trim(r);
    }
    q
}

/// The cyclotomic polynomial `Φ_n`, from `z^n − 1 = Π_{d | n} Φ_d`.
pub fn cyclotomic(n: usize) -> QPoly {
    fn go(n: usize, memo: &mut std::collections::BTreeMap<usize, QPoly>) -> QPoly {
        if let Some(p) = memo.get(&n) {
            return p.clone();
        }
        let mut p = vec![Q::zero(); n + 1];
        p[0] = -Q::one();
        p[n] = Q::one();
        for d in (1..n).filter(|d| n % d == 0) {
            p = poly_div_exact(&p, &go(d, memo));
        }
        memo.insert(n, p.clone());
        p
    }
    go(n, &mut Default::default())
}

/// An element of `Q[z]/(z^N − 1)`, coefficients of `1, z, …, z^{N−1}`; it is zero in `Q(ζ_N)`
/// iff its remainder by `Φ_N` is zero ([`is_zero_in_field`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Cyclo(pub Vec<Q>);

impl Cyclo {
    pub fn zero(n: usize) -> Self {
        Cyclo(vec![Q::zero(); n])
    }
    /// `c·ζ^e`.
    pub fn monomial(n: usize, e: usize, c: Q) -> Self {
        let mut v = Self::zero(n);
        v.0[e % n] = c;
        v
    }
    /// `self += c·o`, touching only the nonzero coefficients of `o`.
    pub fn add_scaled(&mut self, o: &Self, c: &Q) {
        for (x, y) in self.0.iter_mut().zip(&o.0) {
            if !y.is_zero() {
                *x += y.clone() * c;
            }
        }
    }
    pub fn add(&self, o: &Self) -> Self {
        Cyclo(
            self.0
                .iter()
                .zip(&o.0)
                .map(|(a, b)| a.clone() + b)
                .collect(),
        )
    }
    pub fn scale(&self, c: &Q) -> Self {
        Cyclo(self.0.iter().map(|a| a.clone() * c).collect())
    }
    pub fn mul(&self, o: &Self) -> Self {
        let n = self.0.len();
        let mut r = Self::zero(n);
        for (i, a) in self.0.iter().enumerate().filter(|(_, a)| !a.is_zero()) {
            for (j, b) in o.0.iter().enumerate().filter(|(_, b)| !b.is_zero()) {
                r.0[(i + j) % n] = r.0[(i + j) % n].clone() + a.clone() * b;
            }
        }
        r
    }
}

/// Whether `x` is zero in `Q(ζ_N)` (`Φ_N` is the minimal polynomial of `ζ_N`).
pub fn is_zero_in_field(x: &Cyclo) -> bool {
    poly_rem(&x.0, &cyclotomic(x.0.len())).is_empty()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `N = lcm(M, 4)`: `ζ_N` gives every `cos(2πa/M)`, `sin(2πa/M)` and `i = ζ_N^{N/4}`.
pub fn field_order(m: usize) -> usize {
    m * 4 / gcd(m, 4)
}

/// `cos(2πa/M) = (ζ^e + ζ^{−e})/2` with `e = aN/M`.
pub fn cyclo_cos(m: usize, a: usize) -> Cyclo {
    let n = field_order(m);
    let e = (a % m) * (n / m);
    let h = q_frac(1, 2);
    Cyclo::monomial(n, e, h.clone()).add(&Cyclo::monomial(n, n - e, h))
}

/// `sin(2πa/M) = (ζ^e − ζ^{−e})/(2i)`, `1/i = ζ^{3N/4}`.
pub fn cyclo_sin(m: usize, a: usize) -> Cyclo {
    let n = field_order(m);
    let e = (a % m) * (n / m);
    let d = Cyclo::monomial(n, e, q_frac(1, 2)).add(&Cyclo::monomial(n, n - e, q_frac(-1, 2)));
    d.mul(&Cyclo::monomial(n, 3 * n / 4, Q::one()))
}

/// For the circle without bias, `κ_k = A_k/(2π) + B_k` exactly, with
/// `A_k = Σ_j sin φ_j cos(2πjk/M)`, `B_k = Σ_j (1 − 2r_j) cos t_j cos(2πjk/M)`,
/// `φ_j = 2πr_j`, `r_j = min(j, M − j)/M` (so `π − φ_j = π(1 − 2r_j)`). The products are expanded
/// by `sin α cos β = (sin(α + β) + sin(α − β))/2` and `cos α cos β = (cos(α + β) + cos(α − β))/2`
/// into coefficients of `sin(2πa/M)`, `cos(2πa/M)`, then written in `Q(ζ_N)`.
pub fn exact_parts_no_bias(m: usize, k: usize) -> (Cyclo, Cyclo) {
    let n = field_order(m);
    let half = q_frac(1, 2);
    let (mut sin_c, mut cos_c) = (vec![Q::zero(); m], vec![Q::zero(); m]);
    for j in 0..m {
        let r = j.min(m - j);
        let jk = (j * k) % m;
        for a in [(r + jk) % m, (r + m - jk) % m] {
            sin_c[a] += &half;
        }
        let w = (Q::one() - q_frac(2 * r as i64, m as i64)) * &half;
        for a in [(j + jk) % m, (j + m - jk) % m] {
            cos_c[a] += &w;
        }
    }
    let (mut a, mut b) = (Cyclo::zero(n), Cyclo::zero(n));
    for t in 0..m {
        if !sin_c[t].is_zero() {
            a.add_scaled(&cyclo_sin(m, t), &sin_c[t]);
        }
        if !cos_c[t].is_zero() {
            b.add_scaled(&cyclo_cos(m, t), &cos_c[t]);
        }
    }
    (a, b)
}

/// Whether `κ_k = 0` exactly for the circle without bias: `A_k = B_k = 0` (π is transcendental, so
/// `A_k + 2πB_k = 0` with algebraic `A_k, B_k` forces both to vanish).
pub fn kappa_vanishes_no_bias(m: usize, k: usize) -> bool {
    let (a, b) = exact_parts_no_bias(m, k);
    is_zero_in_field(&a) && is_zero_in_field(&b)
}

// ---- The tanh network of N3.

/// A width-`h` tanh network without output bias on fixed inputs and targets.
#[derive(Clone, Debug)]
pub struct TanhNet {
    pub width: usize,
    pub input_dim: usize,
    pub targets: Vec<Q>,
}

impl TanhNet {
    pub fn dim(&self) -> usize {
        self.width * (self.input_dim + 1)
    }

    /// `L(θ) = ½ Σ_i (f(x_i) − y_i)²`, `f(x) = Σ_j v_j tanh(w_j·x)`.
    pub fn loss<T: Elementary>(&self, xs: &[Vec<T>], theta: &[T]) -> T {
        let (h, d) = (self.width, self.input_dim);
        let (w, v) = theta.split_at(h * d);
        let mut total = theta[0].int(0);
        for (x, y) in xs.iter().zip(&self.targets) {
            let mut f = -theta[0].constant(y);
            for j in 0..h {
                let mut z = theta[0].int(0);
                for (k, xk) in x.iter().enumerate() {
                    z = z + &(w[j * d + k].clone() * xk);
                }
                f = (f + &(v[j].clone() * &z.tanh())).tidy();
            }
            total = (total + &f.sqr()).tidy();
        }
        total * &theta[0].constant(&q_frac(1, 2))
    }
}

/// The tanh network on the `M` circle points (N3): the loss of [`TanhNet`] with the inputs
/// evaluated in the arithmetic of `θ`.
#[derive(Clone, Debug)]
pub struct CircleNet {
    pub net: TanhNet,
    pub points: usize,
    pub bias: bool,
}

impl CircleNet {
    pub fn new(width: usize, points: usize, bias: bool, target_seed: u64) -> Self {
        CircleNet {
            net: TanhNet {
                width,
                input_dim: if bias { 3 } else { 2 },
                targets: seeded_targets(target_seed, points),
            },
            points,
            bias,
        }
    }
    pub fn dim(&self) -> usize {
        self.net.dim()
    }
    pub fn value<T: Elementary>(&self, theta: &[T]) -> T {
        let xs = circle_points(&theta[0], self.points, self.bias);
        self.net.loss(&xs, theta)
    }
}

/// Targets `y_i = 2u − 1` from SplitMix64 seed `seed` (exact dyadics).
pub fn seeded_targets(seed: u64, m: usize) -> Vec<Q> {
    let mut rng = crate::spec::random::SplitMix64(seed);
    (0..m)
        .map(|_| rng.uniform() * q_int(2) - Q::one())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::Interval;

    #[test]
    fn circle_spectra_match_the_oracle() {
        let unit = Interval::try_from((1.0, 1.0)).unwrap();
        let row = circle_row(&unit, 16, true);
        let k0 = circulant_eigenvalue(&row, 0);
        assert!(k0.inf() > 8.2804 && k0.sup() < 8.2806, "{k0:?}");
        let row = circle_row(&unit, 16, false);
        let k3 = circulant_eigenvalue(&row, 3);
        assert!(
            k3.inf() < 0.0 && k3.sup() > 0.0 && k3.wid() < 1e-7,
            "{k3:?}"
        );
    }

    #[test]
    fn odd_frequencies_vanish_exactly_without_bias() {
        let zero: Vec<usize> = (0..=8).filter(|&k| kappa_vanishes_no_bias(16, k)).collect();
        assert_eq!(zero, vec![3, 5, 7]);
        assert_eq!(cyclotomic(16).len(), 9);
    }
}

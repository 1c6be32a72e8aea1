//! Paper 10 (Kassing & Kruse, arXiv 2605.14663): the test functions of the asymptotic-rate theorem,
//! their GD maps and the formulas evaluated at the limit. Model derived in `theorems.md` (the
//! Morse–Bott picture of local PL), not taken from the paper's full text.
//!
//! Families (γ > 0 the step, θ₀ the start):
//! - `product`: `f(a, b) = ½(ab − 1)²`, minimisers `S = {ab = 1}`, normal Hessian eigenvalue
//!   `w = a² + b² = √(4 + q²)` with `q = a² − b²`; GD is paper 5's [`ProductMap`] with μ = γ.
//! - `valley`: `f(x, y, z) = ½(1 + x²)y² + (b/2)z²`, `S = {y = z = 0}` (the x-axis), normal
//!   eigenvalues `1 + x²` (direction y) and `b` (direction z).
//! - `quartic`: `f(x) = c·x⁴/4`, `S = {0}`, where the Hessian vanishes: local PL fails.
//!
//! At a limit θ∞ ∈ S with normal eigenvalues `λ_min ≤ … ≤ λ_max`, the rate of `‖θ_n − θ∞‖` is
//! `ρ* = max_i |1 − γλ_i| = max(|1 − γλ_min|, |1 − γλ_max|)` (the maximum of a convex function of
//! λ sits at an end), the rate of `f − f*` is `ρ*²`, and the PL-only bound is
//! `1 − γλ_min(2 − γλ_max)`.
//!
//! [`ProductMap`]: super::two_factor::ProductMap

use super::two_factor::{residual, sum_of_squares, Identity, ProductMap};
use super::Dynamics;
use crate::arith::{q_frac, q_int, Elementary, Enclosure, Field, Poly, Ring, Q};

/// The test function of an instance, with its coefficient.
#[derive(Clone, Debug, PartialEq)]
pub enum Family {
    Product,
    Valley { b: Q },
    Quartic { c: Q },
}

impl Family {
    /// The family's name, which is also the name of its GD map in orbit witnesses.
    pub fn name(&self) -> &'static str {
        match self {
            Family::Product => "product",
            Family::Valley { .. } => "valley",
            Family::Quartic { .. } => "quartic",
        }
    }

    /// The dimension of θ.
    pub fn dim(&self) -> usize {
        match self {
            Family::Product => 2,
            Family::Valley { .. } => 3,
            Family::Quartic { .. } => 1,
        }
    }

    /// The ids of the claims that enclose the limit's coordinates.
    pub fn coordinate_ids(&self) -> &'static [&'static str] {
        match self {
            Family::Product => &["G1.limit.a", "G1.limit.b"],
            _ => &["G1.limit.x"],
        }
    }

    /// The exact identities of the family.
    pub fn identities(&self, gamma: &Q) -> Vec<Identity> {
        match self {
            Family::Product => product_identities(gamma),
            Family::Valley { b } => valley_identities(gamma, b),
            Family::Quartic { c } => quartic_identities(gamma, c),
        }
    }

    /// Whether θ₀ lies on the minimiser set S (then it is a fixed point of GD).
    pub fn start_in_s(&self, theta0: &[Q]) -> bool {
        let zero = q_int(0);
        match self {
            Family::Product => &theta0[0] * &theta0[1] == q_int(1),
            Family::Valley { .. } => theta0[1] == zero && theta0[2] == zero,
            Family::Quartic { .. } => theta0[0] == zero,
        }
    }

    /// Whether GD from θ₀ provably fails to converge because of an uncoupled mode: the valley's
    /// `z_n = z₀(1 − γb)^n` with `z₀ ≠ 0` and `|1 − γb| ≥ 1`.
    pub fn z_diverges(&self, gamma: &Q, theta0: &[Q]) -> bool {
        match self {
            Family::Valley { b } => {
                let f = q_int(1) - gamma * b;
                theta0[2] != q_int(0) && (f >= q_int(1) || f <= q_int(-1))
            }
            _ => false,
        }
    }

    /// Whether the start excites every normal mode, so that the f-ratios tend to ρ*² itself
    /// (otherwise only `≤ ρ*²` holds): always for `product` off S, `y₀ ≠ 0 ≠ z₀` for `valley`.
    pub fn generic_start(&self, theta0: &[Q]) -> bool {
        match self {
            Family::Valley { .. } => theta0[1] != q_int(0) && theta0[2] != q_int(0),
            _ => true,
        }
    }

    /// At a start on S (θ∞ = θ₀): `(λ_min, λ_max, μ_PL near θ∞, the limit's coordinates)`, exactly.
    pub fn limit_on_s(&self, theta0: &[Q]) -> (Q, Q, Q, Vec<Q>) {
        match self {
            Family::Product => {
                let w = &theta0[0] * &theta0[0] + &theta0[1] * &theta0[1];
                (w.clone(), w.clone(), w, theta0.to_vec())
            }
            Family::Valley { b } => {
                let l = q_int(1) + &theta0[0] * &theta0[0];
                let (lo, hi) = if l <= *b {
                    (l, b.clone())
                } else {
                    (b.clone(), l)
                };
                (lo.clone(), hi, lo, vec![theta0[0].clone()])
            }
            Family::Quartic { .. } => (q_int(0), q_int(0), q_int(0), vec![q_int(0)]),
        }
    }

    /// λ_max at the start's reference minimiser, recorded as information only: for `product` the
    /// minimiser the gradient flow from θ₀ reaches (it keeps `q = a² − b²`, so `λ = √(4 + q₀²)`),
    /// for `valley` the projection `(x₀, 0, 0)`, `max(1 + x₀², b)`; none for `quartic`.
    pub fn start_lambda<T: Elementary>(&self, theta0: &[Q], unit: &T) -> Option<T> {
        match self {
            Family::Product => {
                let q0 = &theta0[0] * &theta0[0] - &theta0[1] * &theta0[1];
                Some(super::two_factor::sharpness_at_minimiser(
                    &unit.constant(&q0),
                ))
            }
            Family::Valley { b } => {
                let l = q_int(1) + &theta0[0] * &theta0[0];
                Some(unit.constant(if l >= *b { &l } else { b }))
            }
            Family::Quartic { .. } => None,
        }
    }
}

/// GD on the valley `½(1 + x²)y² + (b/2)z²`: `x' = x − γxy²`, `y' = y(1 − γ(1 + x²))`,
/// `z' = z(1 − γb)`.
#[derive(Clone, Debug)]
pub struct ValleyMap {
    pub gamma: Q,
    pub b: Q,
}

impl Dynamics<3> for ValleyMap {
    fn name(&self) -> &'static str {
        "valley"
    }
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T> {
        vec![
            unit.constant(&self.gamma),
            unit.constant(&(q_int(1) - &self.gamma * &self.b)),
        ]
    }
    fn apply<T: Ring>(&self, c: &[T], v: &[T; 3]) -> [T; 3] {
        let (x, y, z) = (&v[0], &v[1], &v[2]);
        let x2 = x.sqr();
        [
            x.clone() - &(x.clone() * &y.sqr() * &c[0]),
            y.clone() - &(y.clone() * &(x2 + &x.int(1)) * &c[0]),
            z.clone() * &c[1],
        ]
    }
}

/// GD on the quartic `c·x⁴/4`: `x' = x − γcx³`.
#[derive(Clone, Debug)]
pub struct QuarticMap {
    pub gamma: Q,
    pub c: Q,
}

impl Dynamics<1> for QuarticMap {
    fn name(&self) -> &'static str {
        "quartic"
    }
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T> {
        vec![unit.constant(&(&self.gamma * &self.c))]
    }
    fn apply<T: Ring>(&self, c: &[T], v: &[T; 1]) -> [T; 1] {
        let x = &v[0];
        [x.clone() - &(x.sqr() * x * &c[0])]
    }
}

/// The product map of the `product` family (paper 5's map with μ = γ).
pub fn product_map(gamma: &Q) -> ProductMap {
    ProductMap { mu: gamma.clone() }
}

/// `½(1 + x²)y² + (b/2)z²`.
pub fn valley_loss<T: Ring>(b: &Q, v: &[T; 3]) -> T {
    let half = v[0].constant(&q_frac(1, 2));
    (v[0].sqr() + &v[0].int(1)) * &v[1].sqr() * &half
        + &(v[2].sqr() * &v[0].constant(&(b / q_int(2))))
}

/// `c·x⁴/4`.
pub fn quartic_loss<T: Ring>(c: &Q, v: &[T; 1]) -> T {
    v[0].sqr().sqr() * &v[0].constant(&(c / q_int(4)))
}

/// The y-mode factor of the valley, `y'/y = 1 − γ(1 + x²)`.
pub fn valley_y_factor<T: Ring>(gamma: &Q, x: &T) -> T {
    x.int(1) - (x.sqr() + &x.int(1)) * &x.constant(gamma)
}

/// `1 − γλ`, the factor of a normal mode with Hessian eigenvalue λ.
pub fn mode_factor<T: Ring>(gamma: &Q, lambda: &T) -> T {
    lambda.int(1) - lambda.clone() * &lambda.constant(gamma)
}

/// The enclosure of `max(x, y)` over `x ∈ a`, `y ∈ b` (unbounded if either is).
pub fn enclosure_max<T: Enclosure>(a: &T, b: &T) -> T {
    match (a.bounds(), b.bounds()) {
        (Some((al, ah)), Some((bl, bh))) => a.from_bounds(&al.max(bl), &ah.max(bh)),
        (None, _) => a.clone(),
        (_, None) => b.clone(),
    }
}

/// The enclosure of `min(x, y)` over `x ∈ a`, `y ∈ b` (unbounded if either is).
pub fn enclosure_min<T: Enclosure>(a: &T, b: &T) -> T {
    match (a.bounds(), b.bounds()) {
        (Some((al, ah)), Some((bl, bh))) => a.from_bounds(&al.min(bl), &ah.min(bh)),
        (None, _) => a.clone(),
        (_, None) => b.clone(),
    }
}

/// `ρ* = max(|1 − γλ_min|, |1 − γλ_max|)`.
pub fn rate<T: Enclosure>(gamma: &Q, lambda_min: &T, lambda_max: &T) -> T {
    enclosure_max(
        &mode_factor(gamma, lambda_min).abs(),
        &mode_factor(gamma, lambda_max).abs(),
    )
}

/// The PL-only f-rate bound `1 − γμ(2 − γL)` with `μ = λ_min` and `L = λ_max` at the limit.
pub fn pl_only_rate<T: Ring>(gamma: &Q, lambda_min: &T, lambda_max: &T) -> T {
    let g = lambda_min.constant(gamma);
    lambda_min.int(1) - lambda_min.clone() * &g * &(lambda_min.int(2) - lambda_max.clone() * &g)
}

/// The point `(a∞, b∞)` of the minimiser curve `ab = 1` with imbalance `q` (`a² − b² = q`), on the
/// branch `a, b > 0` (`positive`) or `a, b < 0`. Uses `a² = (w + q)/2`, `b² = 2/(w + q)` when
/// `q ≥ 0` (and the mirror form when `q ≤ 0`), which does not cancel for large `|q|`.
pub fn product_limit_point<T: Elementary + Enclosure>(q: &T, positive: bool) -> [T; 2] {
    let w = (q.sqr() + &q.int(4)).sqrt();
    let two = q.int(2);
    let q_nonneg = q.bounds().is_some_and(|(lo, _)| lo >= q_int(0));
    let q_nonpos = q.bounds().is_some_and(|(_, hi)| hi <= q_int(0));
    let (a2, b2) = if q_nonneg {
        let s = w + q;
        (s.clone() / &two, two / &s)
    } else if q_nonpos {
        let s = w - q;
        (two.clone() / &s, s / &two)
    } else {
        ((w.clone() + q) / &two, (w - q) / &two)
    };
    let (a, b) = (a2.sqrt(), b2.sqrt());
    if positive {
        [a, b]
    } else {
        [-a, -b]
    }
}

/// `f(θ_{n+1})/f(θ_n)` for the product family at θ_n = (a, b): the square of the residual factor
/// `1 − γw + γ²rp` (`w = a² + b²`, `r = ab − 1`, `p = ab`), which holds whenever `r ≠ 0`.
pub fn product_ratio<T: Ring>(gamma: &Q, v: &[T; 2]) -> T {
    let r = residual(v);
    let p = r.clone() + &r.int(1);
    let g = v[0].constant(gamma);
    let g2 = v[0].constant(&(gamma * gamma));
    (v[0].int(1) - sum_of_squares(v) * &g + &(r * &p * &g2)).sqr()
}

/// `f(θ_{n+1})/f(θ_n)` for the valley at θ_n = (x, y, z), written by modes: with
/// `u = (1 + x²)y²`, `v = bz²`, `α = (1 + x'²)(1 − γ(1 + x²))²/(1 + x²)` (`x' = x(1 − γy²)`) and
/// `β = (1 − γb)²`, the ratio is `(αu + βv)/(u + v)`; it is α when `z = 0` (z inactive) and β when
/// `y = 0` (y inactive). At least one mode must be active.
pub fn valley_ratio<T: Field>(gamma: &Q, b: &Q, v: &[T; 3], y_active: bool, z_active: bool) -> T {
    let (x, y, z) = (&v[0], &v[1], &v[2]);
    let one = x.int(1);
    let beta = x.constant(&((q_int(1) - gamma * b) * (q_int(1) - gamma * b)));
    let x2p1 = x.sqr() + &one;
    let xn = x.clone() * &(one.clone() - y.sqr() * &x.constant(gamma));
    let alpha = (xn.sqr() + &one) * &valley_y_factor(gamma, x).sqr() / &x2p1;
    match (y_active, z_active) {
        (true, false) => alpha,
        (false, _) => beta,
        (true, true) => {
            let u = x2p1 * &y.sqr();
            let w = z.sqr() * &x.constant(b);
            (alpha * &u + &(beta * &w)) / &(u + &w)
        }
    }
}

/// `f(x_{n+1})/f(x_n) = (1 − γcx²)⁴` for the quartic (x ≠ 0).
pub fn quartic_ratio<T: Ring>(gamma: &Q, c: &Q, x: &T) -> T {
    (x.int(1) - x.sqr() * &x.constant(&(gamma * c))).sqr().sqr()
}

/// The constants of the quartic's sublinear law for `0 < u₀ = γcx₀² < 1`: every step raises
/// `1/x_n²` by an amount in `[2γc, C]`, `C = γc(2 − u₀)/(1 − u₀)²`.
pub fn quartic_sublinear_constants(gamma: &Q, c: &Q, x0: &Q) -> Option<(Q, Q)> {
    let u0 = gamma * c * x0 * x0;
    if u0 <= q_int(0) || u0 >= q_int(1) {
        return None;
    }
    let gc = gamma * c;
    let one_minus = q_int(1) - &u0;
    Some((
        q_int(2) * &gc,
        gc * (q_int(2) - &u0) / (&one_minus * &one_minus),
    ))
}

fn gd_identity<const N: usize, M: Dynamics<N>>(
    map: &M,
    loss: impl Fn(&[Poly; N]) -> Poly,
    gamma: &Q,
) -> Identity {
    let v = Poly::vars(N);
    let x: [Poly; N] = std::array::from_fn(|i| v[i].clone());
    let fx = map.eval(&x);
    let l = loss(&x);
    let g = x[0].constant(gamma);
    Identity {
        id: "G1.identity.gd_map",
        statement: "the map is GD on f: F(θ) = θ − γ∇f(θ)".into(),
        differences: (0..N)
            .map(|i| fx[i].clone() - &(x[i].clone() - l.derivative(i) * &g))
            .collect(),
        relations: vec![],
    }
}

fn grad_sq_half<const N: usize>(l: &Poly) -> Poly {
    let mut s = Poly::zero(N);
    for i in 0..N {
        s = s + &l.derivative(i).sqr();
    }
    s * &Poly::constant_q(N, &q_frac(1, 2))
}

/// The exact identities of the `product` family.
pub fn product_identities(gamma: &Q) -> Vec<Identity> {
    let map = product_map(gamma);
    let v = Poly::vars(2);
    let x = [v[0].clone(), v[1].clone()];
    let l = super::two_factor::loss(&x);
    let one = x[0].int(1);
    let r = residual(&x);
    let p = x[0].clone() * &x[1];
    let w = sum_of_squares(&x);
    let h = |i: usize, j: usize| l.derivative(i).derivative(j);
    let fx = map.eval(&x);
    let g = x[0].constant(gamma);
    let g2 = x[0].constant(&(gamma * gamma));
    let q = super::two_factor::imbalance(&x);
    vec![
        gd_identity(&map, |x: &[Poly; 2]| super::two_factor::loss(x), gamma),
        Identity {
            id: "G1.identity.pl",
            statement: "½‖∇f‖² = w·(f − f*) with w = a² + b² and f* = 0: PL holds on a set B with μ_PL(B) = inf_B w".into(),
            differences: vec![grad_sq_half::<2>(&l) - w.clone() * &l],
            relations: vec![],
        },
        Identity {
            id: "G1.identity.hessian",
            statement: "∇²f has trace a² + b² and determinant −(p − 1)(3p − 1): at a minimiser (p = ab = 1) its eigenvalues are 0 (along S) and the normal eigenvalue w = a² + b² = √(4 + q²)".into(),
            differences: vec![
                h(0, 0) + &h(1, 1) - &w,
                h(0, 0) * &h(1, 1) - h(0, 1) * &h(1, 0)
                    + &((p.clone() - &one) * &(p.clone() * &x[0].int(3) - &one)),
            ],
            relations: vec![],
        },
        Identity {
            id: "G1.identity.reduced",
            statement: "r∘F = r·(1 − γw + γ²rp) and q∘F = q·(1 − γ²r²) with r = ab − 1, q = a² − b²".into(),
            differences: vec![
                residual(&fx) - r.clone() * &(one.clone() - w * &g + &(r.clone() * &p * &g2)),
                super::two_factor::imbalance(&fx) - q * &(one - r.sqr() * &g2),
            ],
            relations: vec![],
        },
    ]
}

/// The exact identities of the `valley` family.
pub fn valley_identities(gamma: &Q, b: &Q) -> Vec<Identity> {
    let map = ValleyMap {
        gamma: gamma.clone(),
        b: b.clone(),
    };
    let v = Poly::vars(3);
    let x = [v[0].clone(), v[1].clone(), v[2].clone()];
    let l = valley_loss(b, &x);
    let one = x[0].int(1);
    let half = x[0].constant(&q_frac(1, 2));
    let x2p1 = x[0].sqr() + &one;
    let g1 = x2p1.clone() * &x[1].sqr() * &half;
    let g2 = x[2].sqr() * &x[0].constant(&(b / q_int(2)));
    let h = |i: usize, j: usize| l.derivative(i).derivative(j);
    let bq = x[0].constant(b);
    let zero = Poly::zero(3);
    let expected = [
        [
            x[1].sqr(),
            x[0].clone() * &x[1] * &x[0].int(2),
            zero.clone(),
        ],
        [
            x[0].clone() * &x[1] * &x[0].int(2),
            x2p1.clone(),
            zero.clone(),
        ],
        [zero.clone(), zero, bq.clone()],
    ];
    let mut hess = vec![];
    for (i, row) in expected.iter().enumerate() {
        for (j, e) in row.iter().enumerate().skip(i) {
            hess.push(h(i, j) - e);
        }
    }
    vec![
        gd_identity(&map, |x: &[Poly; 3]| valley_loss(b, x), gamma),
        Identity {
            id: "G1.identity.pl",
            statement: "½‖∇f‖² = (1 + x²)·½(1 + x²)y² + b·(b/2)z² + ½x²y⁴ ≥ min(1 + x², b)·(f − f*): PL holds with μ_PL(B) = inf_B min(1 + x², b) ≥ min(1, b)".into(),
            differences: vec![
                grad_sq_half::<3>(&l)
                    - x2p1 * &g1
                    - bq * &g2
                    - x[0].sqr() * &x[1].sqr().sqr() * &half,
            ],
            relations: vec![],
        },
        Identity {
            id: "G1.identity.hessian",
            statement: "∇²f = [[y², 2xy, 0], [2xy, 1 + x², 0], [0, 0, b]]: on S = {y = z = 0} its eigenvalues are 0 (along S) and the normal eigenvalues 1 + x² and b".into(),
            differences: hess,
            relations: vec![],
        },
    ]
}

/// The exact identities of the `quartic` family.
pub fn quartic_identities(gamma: &Q, c: &Q) -> Vec<Identity> {
    let map = QuarticMap {
        gamma: gamma.clone(),
        c: c.clone(),
    };
    let x = [Poly::var(0, 1)];
    let l = quartic_loss(c, &x);
    vec![
        gd_identity(&map, |x: &[Poly; 1]| quartic_loss(c, x), gamma),
        Identity {
            id: "G1.identity.pl",
            statement: "½f'(x)² = 2c·x²·(f − f*): the best PL constant on a neighbourhood U of 0 is inf_U 2cx² = 0, so local PL fails".into(),
            differences: vec![grad_sq_half::<1>(&l) - x[0].sqr() * &x[0].constant(&(q_int(2) * c)) * &l],
            relations: vec![],
        },
        Identity {
            id: "G1.identity.hessian",
            statement: "f''(x) = 3c·x²: the Hessian at the minimiser 0 is 0".into(),
            differences: vec![l.derivative(0).derivative(0) - x[0].sqr() * &x[0].constant(&(q_int(3) * c))],
            relations: vec![],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::identity::identity_holds;

    #[test]
    fn identities_hold() {
        for g in [q_frac(1, 10), q_frac(1, 4), q_frac(7, 3)] {
            for i in product_identities(&g)
                .into_iter()
                .chain(valley_identities(&g, &q_int(4)))
                .chain(quartic_identities(&g, &q_frac(3, 2)))
            {
                assert!(identity_holds(&i.differences, &i.relations), "{}", i.id);
            }
        }
    }

    #[test]
    fn limit_point_lies_on_the_curve() {
        use crate::arith::MpfrInterval;
        let q = MpfrInterval::unit(128).constant(&q_frac(896, 100));
        let [a, b] = product_limit_point(&q, true);
        let p = a.clone() * &b;
        assert!(p.contains_q(&q_int(1)) && (a.sqr() - b.sqr()).width_f64() < 1e-30);
    }
}

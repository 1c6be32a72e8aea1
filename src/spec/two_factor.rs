//! Paper 5 (Balasubramanian, arXiv 2605.21292): the two-factor product map and the quantities of
//! its theorem. Model derived in `theorems.md`, not taken from the paper's full text.
//!
//! State `(a, b)`, loss `L = ½(ab − 1)²`, GD with effective step μ:
//! `F_μ(a, b) = (a − μ b r, b − μ a r)` with `r = ab − 1`. Coordinates: `p = ab`, `q = a² − b²`,
//! `w = a² + b²`, `s = a + b`, `d = a − b`. Balanced slice `a = b = x`: `f_μ(x) = (1+μ)x − μx³`.
//! Chebyshev ellipse: `Φ_μ = μ s²/(4(2+μ)) + μ d²/(4(2−μ)) − 1`, with `Φ∘F = Φ·m`,
//! `m = 1 + μ² p(p − 1)`.

use super::Dynamics;
use crate::arith::{q_frac, q_int, Elementary, Poly, Ring, Q};

/// The balanced cubic `f_μ(x) = (1 + μ)x − μx³`.
#[derive(Clone, Debug)]
pub struct Cubic {
    pub mu: Q,
}

impl Dynamics<1> for Cubic {
    fn name(&self) -> &'static str {
        "cubic"
    }
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T> {
        vec![
            unit.constant(&(q_int(1) + &self.mu)),
            unit.constant(&self.mu),
        ]
    }
    fn apply<T: Ring>(&self, c: &[T], x: &[T; 1]) -> [T; 1] {
        let x = &x[0];
        [x.clone() * &c[0] - x.sqr() * x * &c[1]]
    }
}

/// The GD map of `½(ab − 1)²`: `F_μ(a, b) = (a − μ b r, b − μ a r)`, `r = ab − 1`.
#[derive(Clone, Debug)]
pub struct ProductMap {
    pub mu: Q,
}

impl Dynamics<2> for ProductMap {
    fn name(&self) -> &'static str {
        "product"
    }
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T> {
        vec![unit.constant(&self.mu)]
    }
    fn apply<T: Ring>(&self, c: &[T], x: &[T; 2]) -> [T; 2] {
        let (a, b) = (&x[0], &x[1]);
        let mu_r = (a.clone() * b - a.int(1)) * &c[0];
        [
            a.clone() - &(b.clone() * &mu_r),
            b.clone() - &(a.clone() * &mu_r),
        ]
    }
}

/// Derivative of the cubic, `f_μ'(x) = 1 + μ − 3μx²`.
pub fn cubic_derivative<T: Ring>(mu: &Q, x: &T) -> T {
    x.constant(&(q_int(1) + mu)) - x.sqr() * &x.constant(&(q_int(3) * mu))
}

/// Loss `L(a, b) = ½(ab − 1)²`.
pub fn loss<T: Ring>(x: &[T; 2]) -> T {
    residual(x).sqr() * &x[0].constant(&q_frac(1, 2))
}

/// Residual `r = ab − 1`.
pub fn residual<T: Ring>(x: &[T; 2]) -> T {
    x[0].clone() * &x[1] - x[0].int(1)
}

/// Imbalance `q = a² − b²`.
pub fn imbalance<T: Ring>(x: &[T; 2]) -> T {
    x[0].sqr() - x[1].sqr()
}

/// `w = a² + b²`, the sharpness (largest Hessian eigenvalue) at a minimiser.
pub fn sum_of_squares<T: Ring>(x: &[T; 2]) -> T {
    x[0].sqr() + x[1].sqr()
}

/// The ellipse function `Φ_μ(a, b) = μ(a+b)²/(4(2+μ)) + μ(a−b)²/(4(2−μ)) − 1` (requires μ ≠ ±2).
pub fn ellipse_phi<T: Ring>(mu: &Q, x: &[T; 2]) -> T {
    let cs = mu / (q_int(4) * (q_int(2) + mu));
    let cd = mu / (q_int(4) * (q_int(2) - mu));
    let s = x[0].clone() + &x[1];
    let d = x[0].clone() - &x[1];
    s.sqr() * &x[0].constant(&cs) + &(d.sqr() * &x[0].constant(&cd)) - x[0].int(1)
}

/// The invariance factor `m(a, b) = 1 + μ² p(p − 1)`, `p = ab`.
pub fn ellipse_factor<T: Ring>(mu: &Q, x: &[T; 2]) -> T {
    let p = x[0].clone() * &x[1];
    x[0].int(1) + &((p.clone() - p.int(1)) * &p * &x[0].constant(&(mu * mu)))
}

/// Transverse factor of the imbalance along the balanced slice, `1 − μ²(x² − 1)²`.
pub fn transverse_factor<T: Ring>(mu: &Q, x: &T) -> T {
    x.int(1) - (x.sqr() - x.int(1)).sqr() * &x.constant(&(mu * mu))
}

/// The factor of the residual in reduced coordinates, `r' = r · (1 − μw + μ² r p)` with `p = 1 + r`
/// and `w = sqrt(4p² + q²)` (`= a² + b²`).
pub fn residual_factor<T: Elementary>(mu: &Q, r: &T, q: &T) -> T {
    let p = r.clone() + &r.int(1);
    let w = (p.sqr() * &r.int(4) + &q.sqr()).sqrt();
    r.int(1) - &(w * &r.constant(mu)) + &(r.clone() * &p * &r.constant(&(mu * mu)))
}

/// The sharpness at the minimiser reached with imbalance `q`: `sqrt(4 + q²)`.
pub fn sharpness_at_minimiser<T: Elementary>(q: &T) -> T {
    (q.sqr() + q.int(4)).sqrt()
}

/// The argument of the logarithm in the transverse exponent, at `t ∈ [0, 1]` (θ = πt):
/// `1 + 2μ cos πt + 4 cos² πt`, written in the centred form `4(c + μ/4)² + 1 − μ²/4` whose
/// enclosures stay above `1 − μ²/4 > 0` (the plain form loses that to the dependency problem).
pub fn transverse_integrand<T: Elementary>(mu: &Q, t: &T) -> T {
    let c = (t.pi() * t).cos();
    (c + &t.constant(&(mu / q_int(4)))).sqr() * &t.int(4)
        + &t.constant(&(q_int(1) - mu * mu / q_int(4)))
}

/// The integrand `ln(1 + 2μ cos πt + 4 cos² πt)`; `λ_⊥(μ) = ∫_0^1` of it.
pub fn transverse_log_integrand<T: Elementary>(mu: &Q, t: &T) -> T {
    transverse_integrand(mu, t).ln()
}

/// The closed form `λ_⊥(μ) = arccosh((1 + sqrt(25 − 4μ²))/4)`.
pub fn transverse_closed_form<T: Elementary>(mu: &Q, unit: &T) -> T {
    let inner = unit.constant(&(q_int(25) - q_int(4) * mu * mu)).sqrt() + &unit.int(1);
    (inner * &unit.constant(&q_frac(1, 4))).acosh()
}

/// `x*² = (2 + μ)/μ`: the square of the endpoint of the invariant interval `[−x*, x*]`.
pub fn invariant_endpoint_sq(mu: &Q) -> Q {
    (q_int(2) + mu) / mu
}

/// The 2-cycle quartic `Q(x) = μ²x⁴ − μ(1+μ)x² + 1`, whose roots are the points of the
/// non-symmetric balanced 2-cycle: `f(f(x)) − x = μ x (x² − 1)(μx² − 2 − μ) Q(x)`.
pub fn two_cycle_quartic<T: Ring>(mu: &Q, x: &T) -> T {
    let x2 = x.sqr();
    x2.sqr() * &x.constant(&(mu * mu)) - x2 * &x.constant(&(mu * (q_int(1) + mu))) + &x.int(1)
}

/// The predicted position of the 2-cycle's in-slice multiplier `7 − 4μ − 2μ²`, as a relation and
/// its value(s): in (−1, 1) when μ² + 2μ < 4 (μ < √5 − 1, attracting), below −1 otherwise.
pub fn cycle2_multiplier_bound(mu: &Q) -> Option<(&'static str, Q, Q)> {
    if mu * mu + q_int(2) * mu < q_int(4) {
        Some(("in_open", q_int(-1), q_int(1)))
    } else {
        Some(("<", q_int(-1), q_int(-1)))
    }
}

/// The predicted position of the 2-cycle's transverse multiplier `3 − 2μ`: in (−1, 1) for μ < 2,
/// below −1 for μ > 2; at μ = 2 it is exactly −1 and no strict bound applies (`None`).
pub fn cycle2_transverse_bound(mu: &Q) -> Option<(&'static str, Q, Q)> {
    let two = q_int(2);
    if *mu < two {
        Some(("in_open", q_int(-1), q_int(1)))
    } else if *mu > two {
        Some(("<", q_int(-1), q_int(-1)))
    } else {
        None
    }
}

/// An exact polynomial identity of the theorem: every polynomial in `differences` is zero modulo
/// the relations `x_var² = value`.
#[derive(Clone, Debug)]
pub struct Identity {
    pub id: &'static str,
    pub statement: String,
    pub differences: Vec<Poly>,
    pub relations: Vec<(usize, Poly)>,
}

fn c<T: Ring>(x: &T, q: Q) -> T {
    x.constant(&q)
}

/// The identities that hold for every μ (T0), and those of T1/T2 that apply to this μ.
pub fn identities(mu: &Q) -> Vec<Identity> {
    let mut out = vec![];
    let map = ProductMap { mu: mu.clone() };
    let v = Poly::vars(2);
    let x = [v[0].clone(), v[1].clone()];
    let (a, b) = (&x[0], &x[1]);
    let fx = map.eval(&x);
    let one = a.int(1);
    let r = residual(&x);
    let p = a.clone() * b;
    let mu_p = c(a, mu.clone());
    let mu2 = c(a, mu * mu);
    out.push(Identity {
        id: "T0.imbalance",
        statement: "q∘F = q·(1 − μ²r²) with q = a² − b², r = ab − 1".into(),
        differences: vec![imbalance(&fx) - imbalance(&x) * &(one.clone() - r.sqr() * &mu2)],
        relations: vec![],
    });
    out.push(Identity {
        id: "T0.residual",
        statement: "r∘F = r·(1 − μw + μ²rp) with w = a² + b², p = ab".into(),
        differences: vec![
            residual(&fx)
                - r.clone()
                    * &(one.clone() - sum_of_squares(&x) * &mu_p + &(r.clone() * &p * &mu2)),
        ],
        relations: vec![],
    });
    let s_ = a.clone() + b;
    let d_ = a.clone() - b;
    out.push(Identity {
        id: "T0.sum_difference",
        statement: "s∘F = s·(1 − μr) and d∘F = d·(1 + μr) with s = a + b, d = a − b".into(),
        differences: vec![
            (fx[0].clone() + &fx[1]) - s_.clone() * &(one.clone() - r.clone() * &mu_p),
            (fx[0].clone() - &fx[1]) - d_.clone() * &(one.clone() + &(r.clone() * &mu_p)),
        ],
        relations: vec![],
    });
    let xx = [a.clone(), a.clone()];
    let f1 = Cubic { mu: mu.clone() }.eval(std::array::from_ref(a));
    let fxx = map.eval(&xx);
    out.push(Identity {
        id: "T0.balanced_slice",
        statement: "F(x, x) = (f(x), f(x)) with f(x) = (1 + μ)x − μx³".into(),
        differences: vec![fxx[0].clone() - &f1[0], fxx[1].clone() - &f1[0]],
        relations: vec![],
    });
    let l = loss(&x);
    let h = [
        [l.derivative(0).derivative(0), l.derivative(0).derivative(1)],
        [l.derivative(1).derivative(0), l.derivative(1).derivative(1)],
    ];
    let trace = h[0][0].clone() + &h[1][1];
    let det = h[0][0].clone() * &h[1][1] - h[0][1].clone() * &h[1][0];
    out.push(Identity {
        id: "T0.hessian",
        statement: "∇²L has trace a² + b² and determinant −(p − 1)(3p − 1): at a minimiser (p = 1) its eigenvalues are {0, a² + b²}".into(),
        differences: vec![
            trace - sum_of_squares(&x),
            det + (p.clone() - &one) * &(p.clone() * &c(a, q_int(3)) - &one),
        ],
        relations: vec![],
    });
    // The cubic on one variable.
    let y = Poly::var(0, 1);
    let f = |t: &Poly| Cubic { mu: mu.clone() }.eval(std::array::from_ref(t))[0].clone();
    let fy = f(&y);
    let oney = y.int(1);
    out.push(Identity {
        id: "T1.cubic_fixed_points",
        statement: "f(x) − x = μ x (1 − x)(1 + x)".into(),
        differences: vec![
            fy.clone()
                - &y
                - y.clone() * &(oney.clone() - &y) * &(oney.clone() + &y) * &c(&y, mu.clone()),
        ],
        relations: vec![],
    });
    out.push(Identity {
        id: "T1.cycle2_factorization",
        statement: "f(f(x)) − x = μ x (x² − 1)(μx² − 2 − μ)·(μ²x⁴ − μ(1 + μ)x² + 1)".into(),
        differences: vec![
            f(&fy)
                - &y
                - y.clone()
                    * &(y.sqr() - &oney)
                    * &(y.sqr() * &c(&y, mu.clone()) - &c(&y, q_int(2) + mu))
                    * &two_cycle_quartic(mu, &y)
                    * &c(&y, mu.clone()),
        ],
        relations: vec![],
    });
    // Vieta on the roots u, v of μ²t² − μ(1+μ)t + 1: u + v = (1+μ)/μ, uv = 1/μ².
    let u = Poly::var(0, 1);
    let e1 = (q_int(1) + mu) / mu;
    let e2 = q_int(1) / (mu * mu);
    let vv = c(&u, e1.clone()) - &u;
    let fp = |t: &Poly| c(t, q_int(1) + mu) - t.clone() * &c(t, q_int(3) * mu);
    let tf = |t: &Poly| t.int(1) - (t.clone() - &t.int(1)).sqr() * &c(t, mu * mu);
    out.push(Identity {
        id: "T1.cycle2_multipliers",
        statement: "if x², y² are the two roots of μ²t² − μ(1 + μ)t + 1, then f'(x)f'(y) = 7 − 4μ − 2μ² and (1 − μ²(x² − 1)²)(1 − μ²(y² − 1)²) = 3 − 2μ".into(),
        differences: vec![
            fp(&u) * &fp(&vv) - c(&u, q_int(7) - q_int(4) * mu - q_int(2) * mu * mu),
            tf(&u) * &tf(&vv) - c(&u, q_int(3) - q_int(2) * mu),
        ],
        relations: vec![(0, c(&u, e1) * &u - c(&u, e2))],
    });
    if *mu == q_int(2) {
        // Variables (σ, y) with σ² = 2.
        let w = Poly::vars(2);
        let (sg, yy) = (&w[0], &w[1]);
        let lhs = Cubic { mu: mu.clone() }.eval(&[sg.clone() * yy])[0].clone();
        let rhs = sg.clone() * &(yy.clone() * &c(yy, q_int(3)) - yy.powi(3) * &c(yy, q_int(4)));
        out.push(Identity {
            id: "T1.chebyshev_conjugacy",
            statement: "μ = 2: f(√2·y) = √2·(3y − 4y³) = −√2·T₃(y)".into(),
            differences: vec![lhs - rhs],
            relations: vec![(0, sg.int(2))],
        });
    }
    if *mu < q_int(2) {
        out.push(Identity {
            id: "T2.invariance",
            statement: "Φ∘F = Φ·m with m = 1 + μ²p(p − 1): the ellipse {Φ = 0}, its interior and its exterior are forward-invariant when m > 0".into(),
            differences: vec![ellipse_phi(mu, &fx) - ellipse_phi(mu, &x) * &ellipse_factor(mu, &x)],
            relations: vec![],
        });
        let half = c(a, q_frac(1, 2));
        out.push(Identity {
            id: "T2.factor_square",
            statement: "m − (1 − μ²/4) = μ²(p − 1/2)² ≥ 0".into(),
            differences: vec![
                ellipse_factor(mu, &x)
                    - c(a, q_int(1) - mu * mu / q_int(4))
                    - (p.clone() - &half).sqr() * &mu2,
            ],
            relations: vec![],
        });
        // Variables (σ, δ, c, s): γ = ((σc + δs)/2, (σc − δs)/2), σ² = 4(2+μ)/μ, δ² = 4(2−μ)/μ, c² = 1 − s².
        let g = Poly::vars(4);
        let (sg, dl, cc, ss) = (&g[0], &g[1], &g[2], &g[3]);
        let halfg = c(sg, q_frac(1, 2));
        let gamma = |cv: &Poly, sv: &Poly| {
            [
                (sg.clone() * cv + &(dl.clone() * sv)) * &halfg,
                (sg.clone() * cv - &(dl.clone() * sv)) * &halfg,
            ]
        };
        let cos3 = cc.powi(3) * &c(cc, q_int(4)) - cc.clone() * &c(cc, q_int(3));
        let sin3 = ss.clone() * &c(ss, q_int(3)) - ss.powi(3) * &c(ss, q_int(4));
        let image = map.eval(&gamma(cc, ss));
        // γ(π − 3θ) has cosine −cos 3θ and sine sin 3θ.
        let target = gamma(&-cos3, &sin3);
        let rels = vec![
            (0, c(sg, q_int(4) * (q_int(2) + mu) / mu)),
            (1, c(sg, q_int(4) * (q_int(2) - mu) / mu)),
            (2, sg.int(1) - ss.sqr()),
        ];
        out.push(Identity {
            id: "T2.angle_map",
            statement: "on the ellipse, with s = 2√((2+μ)/μ) cos θ and d = 2√((2−μ)/μ) sin θ, F acts as θ ↦ π − 3θ".into(),
            differences: vec![image[0].clone() - &target[0], image[1].clone() - &target[1]],
            relations: rels.clone(),
        });
        let at = gamma(cc, ss);
        let rels_fixed = vec![
            rels[0].clone(),
            rels[1].clone(),
            (2, c(sg, q_frac(1, 2))),
            (3, c(sg, q_frac(1, 2))),
        ];
        out.push(Identity {
            id: "T2.minimisers_on_ellipse",
            statement: format!(
                "at θ = π/4 + kπ/2 (c² = s² = 1/2) the points of the ellipse are minimisers (r = 0) with sharpness a² + b² = 4/μ = {}",
                crate::arith::format_exact(&(q_int(4) / mu))
            ),
            differences: vec![residual(&at), sum_of_squares(&at) - c(sg, q_int(4) / mu)],
            relations: rels_fixed,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_identity_holds_for_sample_steps() {
        for mu in [
            q_frac(3, 2),
            q_frac(6, 5),
            q_frac(1, 3),
            q_int(2),
            q_frac(11, 5),
            q_frac(19, 10),
        ] {
            for id in identities(&mu) {
                for d in &id.differences {
                    assert!(
                        d.normal_form(&id.relations).is_zero(),
                        "{} fails at mu = {mu}: {}",
                        id.id,
                        d.normal_form(&id.relations)
                    );
                }
            }
        }
    }

    #[test]
    fn product_map_restricts_to_the_cubic() {
        let mu = q_frac(6, 5);
        let v = Poly::vars(1);
        let both = ProductMap { mu: mu.clone() }.eval(&[v[0].clone(), v[0].clone()]);
        let f = Cubic { mu }.eval(&[v[0].clone()]);
        assert!((both[0].clone() - &f[0]).is_zero());
        assert!((both[1].clone() - &f[0]).is_zero());
    }
}

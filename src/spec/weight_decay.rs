//! Paper 7 (Kolic, Saether, Beneventano, Poggio, arXiv 2605.16622): gradient descent with weight
//! decay. Model derived in `theorems.md` from the abstract, not taken from the paper's full text.
//!
//! GD with coupled weight decay λ and step η, `θ' = θ − η(∇L(θ) + λθ)`, is GD on
//! `L_λ = L + (λ/2)‖θ‖²`; at a stationary point its Jacobian is `I − η(∇²L + λI)`.
//!
//! The two-factor toy: `L = ½(ab − 1)²`, `F(a, b) = (a − η(br + λa), b − η(ar + λb))`, `r = ab − 1`.
//! With `s² = 1 − λ` its minimisers are `±(s, s)`; on the balanced slice `x = s·z` it is the cubic
//! of paper 5 with `μ_eff = η(1 − λ)`.
//!
//! The homogeneous test loss `½(θ₁⋯θ_N)²` (degree `k = 2N`) checks the Euler identity of W3.

use super::two_factor::{residual, Cubic, Identity};
use super::Dynamics;
use crate::arith::{q_int, Poly, Ring, SecondOrder, Q};

/// GD with coupled weight decay on `½(ab − 1)²`.
#[derive(Clone, Debug)]
pub struct DecayedProductMap {
    pub eta: Q,
    pub lambda: Q,
}

impl Dynamics<2> for DecayedProductMap {
    fn name(&self) -> &'static str {
        "decayed_product"
    }
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T> {
        vec![
            unit.constant(&self.eta),
            unit.constant(&(q_int(1) - &self.eta * &self.lambda)),
        ]
    }
    fn apply<T: Ring>(&self, c: &[T], x: &[T; 2]) -> [T; 2] {
        let (a, b) = (&x[0], &x[1]);
        let eta_r = (a.clone() * b - a.int(1)) * &c[0];
        [
            a.clone() * &c[1] - &(b.clone() * &eta_r),
            b.clone() * &c[1] - &(a.clone() * &eta_r),
        ]
    }
}

/// The effective step of the balanced slice, `μ_eff = η(1 − λ)`.
pub fn effective_step(eta: &Q, lambda: &Q) -> Q {
    eta * (q_int(1) - lambda)
}

/// `L_λ(a, b) = ½(ab − 1)² + (λ/2)(a² + b²)`.
pub fn decayed_loss<T: Ring>(lambda: &Q, x: &[T; 2]) -> T {
    let half = x[0].constant(&Q::new(1.into(), 2.into()));
    (residual(x).sqr() + &((x[0].sqr() + &x[1].sqr()) * &x[0].constant(lambda))) * &half
}

/// The Hessian of `L_λ` at `x`, row-major, by automatic differentiation.
pub fn decayed_hessian<T: Ring>(lambda: &Q, x: &[T; 2]) -> [T; 4] {
    let v = SecondOrder::seed(x);
    let l = decayed_loss(lambda, &[v[0].clone(), v[1].clone()]);
    let h = l.hessian(2);
    [h[0].clone(), h[1].clone(), h[2].clone(), h[3].clone()]
}

/// The eigenvalues `{2 − 3λ, λ}` of `∇²L` at the minimisers `±(s, s)` of `L_λ`, largest first
/// (for λ = 0: the balanced minimiser `(1, 1)` of the hyperbola of minimisers).
pub fn hessian_eigenvalues_at_minimiser(lambda: &Q) -> (Q, Q) {
    let (a, b) = (q_int(2) - q_int(3) * lambda, lambda.clone());
    if a >= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// The exact identities of the toy (W2) and of the homogeneous test loss (W3) of degree `2·depth`.
pub fn identities(eta: &Q, lambda: &Q, depth: usize) -> Vec<Identity> {
    let mut out = vec![];
    let map = DecayedProductMap {
        eta: eta.clone(),
        lambda: lambda.clone(),
    };
    let one = q_int(1);
    let c = |p: &Poly, q: Q| p.constant(&q);
    // (a, b)
    let v = Poly::vars(2);
    let x = [v[0].clone(), v[1].clone()];
    let fx = map.eval(&x);
    let r = residual(&x);
    let shrink = one.clone() - eta * lambda;
    let q_of = |y: &[Poly; 2]| y[0].sqr() - &y[1].sqr();
    out.push(Identity {
        id: "W2.imbalance",
        statement: "q∘F = ((1 − ηλ)² − η²r²)·q with q = a² − b², r = ab − 1".into(),
        differences: vec![
            q_of(&fx) - q_of(&x) * &(c(&r, shrink.clone() * &shrink) - r.sqr() * &c(&r, eta * eta)),
        ],
        relations: vec![],
    });
    // One variable s with s² = 1 − λ: the balanced stationary point and its Hessian.
    let s = Poly::var(0, 1);
    let s_rel = vec![(0usize, c(&s, one.clone() - lambda))];
    let ss = [s.clone(), s.clone()];
    let grad = SecondOrder::seed(&ss);
    let l = decayed_loss(lambda, &[grad[0].clone(), grad[1].clone()]);
    let (g, h) = (l.gradient(2), l.hessian(2));
    let zero = [s.int(0), s.int(0)];
    let z0 = SecondOrder::seed(&zero);
    let l0 = decayed_loss(lambda, &[z0[0].clone(), z0[1].clone()]);
    let (g0, h0) = (l0.gradient(2), l0.hessian(2));
    out.push(Identity {
        id: "W2.stationary",
        statement: "∇L_λ = 0 at the origin and at ±(s, s) with s² = 1 − λ".into(),
        differences: vec![g[0].clone(), g[1].clone(), g0[0].clone(), g0[1].clone()],
        relations: s_rel.clone(),
    });
    let off = one.clone() - q_int(2) * lambda;
    out.push(Identity {
        id: "W2.hessian",
        statement: "∇²L_λ(s, s) = [[1, 1 − 2λ], [1 − 2λ, 1]] (eigenvalues 2 − 2λ and 2λ); ∇²L_λ(0, 0) = [[λ, −1], [−1, λ]] (eigenvalues λ ± 1: a strict saddle for λ < 1)".into(),
        differences: vec![
            h[0].clone() - &c(&s, one.clone()),
            h[1].clone() - &c(&s, off.clone()),
            h[2].clone() - &c(&s, off),
            h[3].clone() - &c(&s, one.clone()),
            h0[0].clone() - &c(&s, lambda.clone()),
            h0[1].clone() + &c(&s, one.clone()),
            h0[2].clone() + &c(&s, one.clone()),
            h0[3].clone() - &c(&s, lambda.clone()),
        ],
        relations: s_rel,
    });
    // Variables (z, s), s² = 1 − λ: the balanced slice x = s·z.
    let w = Poly::vars(2);
    let (z, s2) = (&w[0], &w[1]);
    let xz = s2.clone() * z;
    let fz = map.eval(&[xz.clone(), xz]);
    let mu = effective_step(eta, lambda);
    let cubic = Cubic { mu }.eval(std::array::from_ref(z))[0].clone();
    out.push(Identity {
        id: "W2.balanced_slice",
        statement: "F(sz, sz) = (s·f(z), s·f(z)) with f(z) = (1 + μ_eff)z − μ_eff z³, μ_eff = η(1 − λ), s² = 1 − λ".into(),
        differences: vec![fz[0].clone() - s2.clone() * &cubic, fz[1].clone() - s2.clone() * &cubic],
        relations: vec![(1, c(s2, one.clone() - lambda))],
    });
    // W3: L_h = ½(θ₁⋯θ_N)², homogeneous of degree k = 2N.
    let n = depth;
    let th = Poly::vars(n + 1);
    let (theta, scale) = th.split_at(n);
    let lh = homogeneous_test_loss(theta);
    let k = 2 * n as i64;
    let euler = theta.iter().enumerate().fold(th[0].int(0), |acc, (i, t)| {
        acc + &(t.clone() * &lh.derivative(i))
    });
    let scaled: Vec<Poly> = theta.iter().map(|t| t.clone() * &scale[0]).collect();
    let h_at = |p: &[Poly]| {
        let v = SecondOrder::seed(p);
        homogeneous_test_loss(&v).hessian(n)
    };
    let (h_scaled, h_plain) = (h_at(&scaled), h_at(theta));
    let ck = scale[0].powi((k - 2) as u32);
    out.push(Identity {
        id: "W3.euler",
        statement: format!(
            "⟨∇L_h(θ), θ⟩ = {k}·L_h(θ) for the test loss L_h = ½(θ₁⋯θ_{n})², homogeneous of degree {k}"
        ),
        differences: vec![euler - lh.clone() * &c(&lh, q_int(k))],
        relations: vec![],
    });
    out.push(Identity {
        id: "W3.hessian_scaling",
        statement: format!(
            "∇²L_h(cθ) = c^{}·∇²L_h(θ): so for c > 0 the sharpness S(cθ) = c^{}·S(θ) and ⟨∇S(θ), θ⟩ = {}·S(θ)",
            k - 2,
            k - 2,
            k - 2
        ),
        differences: h_scaled
            .iter()
            .zip(&h_plain)
            .map(|(a, b)| a.clone() - b.clone() * &ck)
            .collect(),
        relations: vec![],
    });
    out
}

/// The homogeneous test loss `½(θ₁⋯θ_N)²`.
pub fn homogeneous_test_loss<T: Ring>(theta: &[T]) -> T {
    let p = theta[1..].iter().fold(theta[0].clone(), |acc, t| acc * t);
    p.sqr() * &theta[0].constant(&Q::new(1.into(), 2.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::q_frac;
    use crate::methods::identity::identity_holds;

    #[test]
    fn identities_hold_and_fail_when_perturbed() {
        for (eta, lam) in [
            (q_frac(11, 10), q_frac(1, 5)),
            (q_frac(1, 2), q_frac(1, 10)),
            (q_frac(11, 10), q_int(0)),
        ] {
            for id in identities(&eta, &lam, 3) {
                assert!(identity_holds(&id.differences, &id.relations), "{}", id.id);
            }
        }
        // A wrong effective step breaks the slice identity.
        let ids = identities(&q_frac(11, 10), &q_frac(1, 5), 2);
        let slice = ids.iter().find(|i| i.id == "W2.balanced_slice").unwrap();
        let wrong: Vec<Poly> = slice
            .differences
            .iter()
            .map(|d| d.clone() + &Poly::var(0, 2))
            .collect();
        assert!(!identity_holds(&wrong, &slice.relations));
    }
}

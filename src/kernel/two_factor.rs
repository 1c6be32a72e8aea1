//! The kernel's table for paper 5 (`two-factor-transformer`): for each claim id, what it states
//! (role and bound, as functions of μ), and how its witness is re-verified exactly.

use super::checks::{
    bits_of, check_identity, check_krawczyk, check_orbit, compose, conclude, iterate_jacobian,
    param, q, show, Expect, IBox,
};
use super::{ClaimCheck, Malformed};
use crate::arith::exact::Q;
use crate::arith::{q_frac, q_int, Enclosure, RatInterval, Ring};
use crate::certificate::{Certificate, Claim, Role, Witness};
use crate::spec::two_factor::*;
use std::cell::RefCell;
use std::collections::BTreeMap;

struct Ctx<'a> {
    cert: &'a Certificate,
    mu: Q,
    x0: Q,
    catapult: Option<[Q; 2]>,
    idents: Vec<Identity>,
    orbits: RefCell<BTreeMap<String, Result<Vec<IBox<2>>, String>>>,
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let mu =
        param(cert, "mu")?.ok_or_else(|| Malformed("instance parameter `mu` is missing".into()))?;
    if mu <= q_int(0) || mu > q_int(1000) {
        return Err(Malformed(format!(
            "instance parameter `mu` = {mu} is outside (0, 1000]"
        )));
    }
    let x0 = param(cert, "x0")?.unwrap_or_else(|| q_frac(1, 2));
    let catapult = match (param(cert, "catapult.a0")?, param(cert, "catapult.b0")?) {
        (Some(a), Some(b)) => Some([a, b]),
        _ => None,
    };
    let ctx = Ctx {
        cert,
        idents: identities(&mu),
        mu,
        x0,
        catapult,
        orbits: RefCell::new(BTreeMap::new()),
    };
    let groups: Vec<String> = match cert.instance.params.get("claims") {
        Some(g) => g.split(',').map(|x| x.trim().to_string()).collect(),
        None => ["T0", "T1", "T2", "T3", "T4"]
            .iter()
            .map(|x| x.to_string())
            .collect(),
    };
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .map(|c| {
            let r = check_claim(&ctx, c);
            ClaimCheck::of(c, r)
        })
        .collect();
    for id in required_claims(&ctx, &groups) {
        if cert.claim(id).is_none() {
            out.push(ClaimCheck::missing(id));
        }
    }
    Ok(out)
}

fn point(v: Q) -> Option<RatInterval> {
    Some(RatInterval::point(v, 64))
}

fn exact(
    role: Role,
    bound: Option<(&str, Q, Q)>,
    value: Option<Q>,
    what: impl Into<String>,
) -> Expect<'_> {
    Expect {
        role,
        bound,
        computed: value.and_then(point),
        what: what.into(),
    }
}

fn pt(rel: &str, v: Q) -> Option<(&str, Q, Q)> {
    Some((rel, v.clone(), v))
}

impl Ctx<'_> {
    fn referenced(&self, id: &str) -> Result<&Claim, String> {
        self.cert
            .claim(id)
            .ok_or_else(|| format!("uses claim `{id}`, which is not in the certificate"))
    }

    /// The verified Krawczyk boxes of claim `id` (dimension N, map `cubic` or `product`): the
    /// uniqueness box and the narrow box holding the point.
    fn krawczyk<const N: usize>(&self, id: &str) -> Result<(IBox<N>, IBox<N>), String> {
        let c = self.referenced(id)?;
        let Witness::Krawczyk {
            map,
            period,
            boxed,
            tight,
            center,
            preconditioner,
        } = &c.witness
        else {
            return Err(format!("claim `{id}` has no Krawczyk witness"));
        };
        let bits = bits_of(c);
        let expected_period = match id {
            "T1.cycle2" | "T3.cycle2.planar" => 2,
            "T1.cycle3" => 3,
            _ => return Err(format!("claim `{id}` is not a periodic point")),
        };
        if *period != expected_period {
            return Err(format!(
                "claim `{id}` must be of period {expected_period}, not {period}"
            ));
        }
        let mut out = vec![];
        for b in [boxed, tight] {
            let v: Vec<RatInterval> = match (map.as_str(), N) {
                ("cubic", 1) => check_krawczyk(
                    &Cubic {
                        mu: self.mu.clone(),
                    },
                    *period,
                    b,
                    center,
                    preconditioner,
                    bits,
                )?
                .to_vec(),
                ("product", 2) => check_krawczyk(
                    &ProductMap {
                        mu: self.mu.clone(),
                    },
                    *period,
                    b,
                    center,
                    preconditioner,
                    bits,
                )?
                .to_vec(),
                (m, _) => {
                    return Err(format!(
                        "claim `{id}`: map `{m}` is not a map of dimension {N}"
                    ))
                }
            };
            out.push(v);
        }
        let tight_box: IBox<N> = out
            .pop()
            .and_then(|v| v.try_into().ok())
            .ok_or("wrong dimension")?;
        let unique_box: IBox<N> = out
            .pop()
            .and_then(|v| v.try_into().ok())
            .ok_or("wrong dimension")?;
        if !(0..N).all(|i| tight_box[i].subset(&unique_box[i])) {
            return Err(format!(
                "claim `{id}`: the tight box is not inside the uniqueness box"
            ));
        }
        Ok((unique_box, tight_box))
    }

    /// The verified orbit of the product map from the catapult start (claim `T4.orbit`).
    fn catapult_orbit(&self) -> Result<Vec<IBox<2>>, String> {
        let id = "T4.orbit";
        if let Some(r) = self.orbits.borrow().get(id) {
            return r.clone();
        }
        let r = (|| {
            let c = self.referenced(id)?;
            let start = self
                .catapult
                .clone()
                .ok_or("the instance has no catapult start")?;
            let Witness::Orbit {
                map,
                start: recorded,
                boxes,
            } = &c.witness
            else {
                return Err("T4.orbit has no orbit witness".to_string());
            };
            if map != "product" {
                return Err(format!("T4.orbit: map `{map}`, expected `product`"));
            }
            check_orbit(
                &ProductMap {
                    mu: self.mu.clone(),
                },
                &start,
                recorded,
                boxes,
                bits_of(c),
            )
        })();
        self.orbits.borrow_mut().insert(id.into(), r.clone());
        r
    }
}

fn check_claim(ctx: &Ctx<'_>, c: &Claim) -> Result<String, String> {
    let mu = &ctx.mu;
    let two = q_int(2);
    let xs2 = invariant_endpoint_sq(mu);
    let bits = bits_of(c);
    let uses_of = |c: &Claim| -> Result<(String, Option<usize>), String> {
        match &c.witness {
            Witness::Uses { claim, step } => Ok((claim.clone(), *step)),
            _ => Err("expected a `uses` witness".into()),
        }
    };
    // Undecided claims without a witness assert nothing.
    if matches!(c.witness, Witness::None) {
        return conclude(
            c,
            Expect {
                role: c.role,
                bound: c.bound.as_ref().and_then(|b| {
                    b.value
                        .parse()
                        .ok()
                        .map(|(a, z)| (b.relation.as_str(), a, z))
                }),
                computed: None,
                what: String::new(),
            },
        );
    }
    let id = c.id.as_str();
    if let Some(ident) = ctx.idents.iter().find(|i| i.id == id) {
        return check_identity(c, ident);
    }
    applies(ctx, id)?;
    let need_exact = || {
        if matches!(c.witness, Witness::Exact) {
            Ok(())
        } else {
            Err("expected an `exact` witness".to_string())
        }
    };
    let e = match id {
        "T1.monotone" => {
            need_exact()?;
            if *mu > q_frac(1, 2) {
                return Err("applies to μ ≤ 1/2 only".into());
            }
            exact(
                Role::Conclusion,
                pt(">=", q_int(0)),
                Some(q_int(1) - q_int(2) * mu),
                "1 − 2μ, the minimum of f' on [0, 1]",
            )
        }
        "T1.fixed_point" => {
            need_exact()?;
            if !(*mu > q_frac(1, 2) && *mu < q_int(1)) {
                return Err("applies to 1/2 < μ < 1 only".into());
            }
            exact(
                Role::Conclusion,
                Some(("in_open", q_int(-1), q_int(0))),
                Some(q_int(1) - q_int(2) * mu),
                "f'(1) = 1 − 2μ",
            )
        }
        "T1.flip" => {
            need_exact()?;
            exact(
                Role::Conclusion,
                pt("=", q_int(-1)),
                Some(q_int(1) - q_int(2) * mu),
                "f'(1) = 1 − 2μ",
            )
        }
        "T1.invariant_interval" => {
            need_exact()?;
            if *mu > two {
                return Err("applies to μ ≤ 2 only".into());
            }
            let one_mu = q_int(1) + mu;
            exact(
                Role::Conclusion,
                pt(">=", q_int(0)),
                Some(q_int(27) * (q_int(2) + mu) - q_int(4) * &one_mu * &one_mu * &one_mu),
                "27(2+μ) − 4(1+μ)³",
            )
        }
        "T1.hyp.mu_at_most_2" => {
            need_exact()?;
            exact(Role::Hypothesis, pt("<=", two), Some(mu.clone()), "μ")
        }
        "T1.orbit_bounded" => {
            need_exact()?;
            if *mu > two {
                return Err("applies to μ ≤ 2 only".into());
            }
            exact(
                Role::Conclusion,
                pt("<=", xs2),
                Some(&ctx.x0 * &ctx.x0),
                "x_0²",
            )
        }
        "T1.escape" => match &c.witness {
            Witness::Exact => exact(
                Role::Conclusion,
                pt(">", xs2),
                Some(&ctx.x0 * &ctx.x0),
                "x_0²",
            ),
            Witness::Orbit { map, start, boxes } => {
                if map != "cubic" {
                    return Err(format!("map `{map}`, expected `cubic`"));
                }
                let orbit = check_orbit(
                    &Cubic { mu: mu.clone() },
                    std::array::from_ref(&ctx.x0),
                    start,
                    boxes,
                    bits,
                )?;
                let last = orbit[orbit.len() - 1][0].sqr();
                Expect {
                    role: Role::Conclusion,
                    bound: pt(">", xs2),
                    computed: Some(last),
                    what: format!("x_K² after {} verified steps", orbit.len() - 1),
                }
            }
            _ => return Err("expected an `exact` or `orbit` witness".into()),
        },
        "T1.cycle2" | "T1.cycle3" => {
            let (u, b) = ctx.krawczyk::<1>(id)?;
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(b[0].clone()),
                what: format!(
                    "Krawczyk: unique point of least period in {}, inside",
                    show(&u[0])
                ),
            }
        }
        "T1.cycle2.multiplier" | "T3.cycle2.transverse" | "T1.cycle2.closed_form" => {
            let (r, _) = uses_of(c)?;
            if r != "T1.cycle2" {
                return Err("must use T1.cycle2".into());
            }
            let x = ctx.krawczyk::<1>("T1.cycle2")?.1;
            let fx = compose(&Cubic { mu: mu.clone() }, &x, 1);
            match id {
                "T1.cycle2.multiplier" => Expect {
                    role: Role::Conclusion,
                    bound: cycle2_multiplier_bound(mu),
                    computed: Some(cubic_derivative(mu, &x[0]) * &cubic_derivative(mu, &fx[0])),
                    what: "f'(X)·f'(f(X))".into(),
                },
                "T3.cycle2.transverse" => Expect {
                    role: Role::Conclusion,
                    bound: cycle2_transverse_bound(mu),
                    computed: Some(transverse_factor(mu, &x[0]) * &transverse_factor(mu, &fx[0])),
                    what: "Π(1 − μ²(x² − 1)²) over X and f(X)".into(),
                },
                _ => {
                    let inside = x[0].gt(&x[0].int(0)).and(x[0].lt(&x[0].int(1))).is_true();
                    let ids = ["T1.cycle2_factorization", "T1.cycle2_multipliers"];
                    let idents_hold = ids.iter().all(|i| {
                        ctx.idents.iter().find(|x| x.id == *i).is_some_and(|x| {
                            x.differences
                                .iter()
                                .all(|d| d.normal_form(&x.relations).is_zero())
                        })
                    });
                    if !inside || !idents_hold {
                        return Err(
                            "needs the 2-cycle box inside (0, 1) and both 2-cycle identities"
                                .into(),
                        );
                    }
                    let v = q_int(7) - q_int(4) * mu - q_int(2) * mu * mu;
                    exact(
                        Role::Conclusion,
                        None,
                        Some(v),
                        "box in (0,1) ⇒ root of μ²x⁴ − μ(1+μ)x² + 1 ⇒ multiplier 7 − 4μ − 2μ²",
                    )
                }
            }
        }
        "T1.cycle3.multiplier" | "T3.cycle3.transverse" | "T1.chaos" => {
            let (r, _) = uses_of(c)?;
            if r != "T1.cycle3" {
                return Err("must use T1.cycle3".into());
            }
            let x = ctx.krawczyk::<1>("T1.cycle3")?.1;
            let map = Cubic { mu: mu.clone() };
            let orbit = [
                x[0].clone(),
                compose(&map, &x, 1)[0].clone(),
                compose(&map, &x, 2)[0].clone(),
            ];
            match id {
                "T1.cycle3.multiplier" => Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(
                        orbit
                            .iter()
                            .map(|v| cubic_derivative(mu, v))
                            .reduce(|a, b| a * &b)
                            .unwrap_or_default_interval(),
                    ),
                    what: "Π f'(f^i(X))".into(),
                },
                "T3.cycle3.transverse" => Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(
                        orbit
                            .iter()
                            .map(|v| transverse_factor(mu, v))
                            .reduce(|a, b| a * &b)
                            .unwrap_or_default_interval(),
                    ),
                    what: "Π(1 − μ²(x² − 1)²) along the 3-cycle".into(),
                },
                _ => {
                    let one_mu = q_int(1) + mu;
                    if *mu > two
                        || q_int(27) * (q_int(2) + mu) < q_int(4) * &one_mu * &one_mu * &one_mu
                    {
                        return Err("chaos on [−x*, x*] needs μ ≤ 2 (an invariant interval)".into());
                    }
                    Expect {
                        role: Role::Conclusion,
                        bound: pt("<=", xs2),
                        computed: Some(x[0].sqr()),
                        what: "X² for the period-3 box".into(),
                    }
                }
            }
        }
        "T2.hyp.mu_range" => {
            need_exact()?;
            exact(
                Role::Hypothesis,
                Some(("in_open", q_int(0), two)),
                Some(mu.clone()),
                "μ",
            )
        }
        "T2.hyp.factor_positive" => {
            need_exact()?;
            exact(
                Role::Hypothesis,
                pt(">", q_int(0)),
                Some(q_int(1) - mu * mu / q_int(4)),
                "1 − μ²/4",
            )
        }
        "T2.factor_lower_bound" => {
            need_exact()?;
            let sq = ctx
                .idents
                .iter()
                .find(|i| i.id == "T2.factor_square")
                .ok_or("needs μ < 2")?;
            if !sq
                .differences
                .iter()
                .all(|d| d.normal_form(&sq.relations).is_zero())
            {
                return Err("the identity m − (1 − μ²/4) = μ²(p − 1/2)² fails".into());
            }
            exact(
                Role::Conclusion,
                pt(">", q_int(0)),
                Some(q_int(1) - mu * mu / q_int(4)),
                "m ≥ 1 − μ²/4 (m − (1 − μ²/4) = μ²(p − 1/2)²)",
            )
        }
        "T2.transverse_exponent" => {
            let Witness::Quadrature {
                order,
                bits,
                breakpoints,
            } = &c.witness
            else {
                return Err("expected a quadrature witness".into());
            };
            if *mu >= two {
                return Err("needs μ < 2".into());
            }
            // Bounds on the kernel's work: at most the engine's largest quadrature.
            if breakpoints.len() < 2
                || breakpoints.len() > 2049
                || *order < 2
                || *order > 16
                || *bits < 64
                || *bits > 1024
            {
                return Err("quadrature parameters out of range (1..2048 pieces, order 2..16, bits 64..1024)".into());
            }
            let mut b = vec![];
            for s in breakpoints {
                b.push(q(s, "breakpoint")?);
            }
            if b[0] != q_int(0) || b[b.len() - 1] != q_int(1) || b.windows(2).any(|w| w[0] >= w[1])
            {
                return Err("breakpoints must increase strictly from 0 to 1".into());
            }
            let v = quadrature(mu, &b, *order as usize, *bits);
            Expect {
                role: Role::Conclusion,
                bound: pt(">", q_int(0)),
                computed: Some(v),
                what: format!("Taylor quadrature, {} pieces of order {order}", b.len() - 1),
            }
        }
        "T2.transverse_closed_form" => {
            let (r, _) = uses_of(c)?;
            if r != "T2.transverse_exponent" {
                return Err("must use T2.transverse_exponent".into());
            }
            let quad = ctx.referenced(&r)?;
            let (lo, hi) = quad
                .enclosure
                .as_ref()
                .ok_or("T2.transverse_exponent has no enclosure")?
                .parse()?;
            let unit = RatInterval::unit(bits);
            Expect {
                role: Role::Conclusion,
                bound: Some(("in", lo, hi)),
                computed: Some(transverse_closed_form(mu, &unit)),
                what: "arccosh((1 + √(25 − 4μ²))/4)".into(),
            }
        }
        "T3.fixed_point" => {
            need_exact()?;
            exact(
                Role::Conclusion,
                pt("=", q_int(1)),
                Some(q_int(1) - mu * mu * q_int(0)),
                "1 − μ²(1² − 1)²",
            )
        }
        "T3.symmetric_cycle" => {
            need_exact()?;
            let tf = q_int(1) - mu * mu * (&xs2 - q_int(1)) * (&xs2 - q_int(1));
            exact(
                Role::Conclusion,
                pt("=", q_int(9)),
                Some(&tf * &tf),
                "(1 − μ²(x*² − 1)²)²",
            )
        }
        "T3.cycle2.planar" => {
            let (u, b) = ctx.krawczyk::<2>(id)?;
            if b[0] != b[1] || u[0] != u[1] {
                return Err("the planar box must be swap-symmetric (X × X)".into());
            }
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(b[0].clone()),
                what: "planar Krawczyk box X × X".into(),
            }
        }
        "T3.cycle2.planar_transverse" => {
            let (r, _) = uses_of(c)?;
            if r != "T3.cycle2.planar" {
                return Err("must use T3.cycle2.planar".into());
            }
            let (u, x) = ctx.krawczyk::<2>("T3.cycle2.planar")?;
            if x[0] != x[1] || u[0] != u[1] {
                return Err("the planar box must be swap-symmetric (X × X)".into());
            }
            let j = iterate_jacobian(&ProductMap { mu: mu.clone() }, &x, 2);
            Expect {
                role: Role::Conclusion,
                bound: cycle2_transverse_bound(mu),
                computed: Some(j[0][0].clone() - &j[0][1]),
                what: "J₁₁ − J₁₂ of D(F²)(X × X)".into(),
            }
        }
        "T4.hyp.inside" => {
            need_exact()?;
            let start = ctx
                .catapult
                .clone()
                .ok_or("the instance has no catapult start")?;
            if *mu < two {
                exact(
                    Role::Hypothesis,
                    pt("<", q_int(0)),
                    Some(ellipse_phi(mu, &start)),
                    "Φ(a0, b0)",
                )
            } else {
                exact(Role::Hypothesis, pt("<", two), Some(mu.clone()), "μ")
            }
        }
        "T4.hyp.unstable_start" => {
            need_exact()?;
            let start = ctx
                .catapult
                .clone()
                .ok_or("the instance has no catapult start")?;
            exact(
                Role::Hypothesis,
                Some(("in_open", q_int(2) / mu, q_int(4) / mu)),
                Some(sum_of_squares(&start)),
                "a0² + b0²",
            )
        }
        "T4.orbit" => {
            let orbit = ctx.catapult_orbit()?;
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(loss(&orbit[orbit.len() - 1])),
                what: format!("L at the last of {} verified steps", orbit.len() - 1),
            }
        }
        "T4.loss_increase" => {
            let (r, step) = uses_of(c)?;
            if r != "T4.orbit" {
                return Err("must use T4.orbit".into());
            }
            let orbit = ctx.catapult_orbit()?;
            let k = step.ok_or("needs the step of the orbit")?;
            let b = orbit
                .get(k)
                .ok_or_else(|| format!("step {k} is beyond the orbit"))?;
            let start = ctx
                .catapult
                .clone()
                .ok_or("the instance has no catapult start")?;
            Expect {
                role: Role::Conclusion,
                bound: pt(">", loss(&start)),
                computed: Some(loss(b)),
                what: format!("L(X_{k})"),
            }
        }
        "T4.convergence" | "T4.final_sharpness" => {
            let w = if id == "T4.convergence" {
                c
            } else {
                let (r, _) = uses_of(c)?;
                if r != "T4.convergence" {
                    return Err("must use T4.convergence".into());
                }
                ctx.referenced(&r)?
            };
            let Witness::Contraction {
                orbit: o,
                r_bar,
                q_lo,
                q_hi,
                rho,
                delta,
            } = &w.witness
            else {
                return Err("T4.convergence has no contraction witness".into());
            };
            if o != "T4.orbit" {
                return Err("the contraction must continue T4.orbit".into());
            }
            let orbit = ctx.catapult_orbit()?;
            let (factor, q_all) = check_contraction(
                mu,
                &orbit[orbit.len() - 1],
                [r_bar, q_lo, q_hi, rho, delta],
                bits_of(w),
            )?;
            let one = q_int(1);
            if id == "T4.convergence" {
                Expect {
                    role: Role::Conclusion,
                    bound: pt("<", one),
                    computed: Some(factor),
                    what: "|1 − μw + μ²rp| over the invariant box".into(),
                }
            } else {
                Expect {
                    role: Role::Conclusion,
                    bound: pt("<", q_int(2) / mu),
                    computed: Some(sharpness_at_minimiser(&q_all)),
                    what: "√(4 + q∞²) with q∞ ∈ [q_lo, q_hi]·[1 − δ, 1]".into(),
                }
            }
        }
        other => {
            return Err(format!(
                "claim `{other}` is not part of this theorem for μ = {}",
                crate::arith::format_exact(mu)
            ))
        }
    };
    conclude(c, e)
}

/// The claims the theorem states for this instance and these claim groups; a certificate must hold
/// every one (undecided ones included), so that no claim can be dropped silently. This mirrors the
/// regimes of `applies` and of the engine; the period-3 claims are optional just above 1.44, where
/// no 3-cycle exists before μ₃ ≈ 1.45044.
fn required_claims(ctx: &Ctx<'_>, groups: &[String]) -> Vec<&'static str> {
    let mu = &ctx.mu;
    let (half, one, two) = (q_frac(1, 2), q_int(1), q_int(2));
    let has = |g: &str| groups.iter().any(|x| x == g);
    let mut r = vec![];
    if has("T0") {
        r.extend([
            "T0.imbalance",
            "T0.residual",
            "T0.sum_difference",
            "T0.balanced_slice",
            "T0.hessian",
        ]);
    }
    let cycle3 = *mu >= q_frac(14505, 10000);
    if has("T1") {
        r.push("T1.cubic_fixed_points");
        if *mu <= half {
            r.push("T1.monotone");
        } else if *mu < one {
            r.push("T1.fixed_point");
        } else if *mu == one {
            r.push("T1.flip");
        } else {
            r.extend([
                "T1.cycle2",
                "T1.cycle2.multiplier",
                "T1.cycle2.closed_form",
                "T1.cycle2_factorization",
                "T1.cycle2_multipliers",
            ]);
            if has("T3") {
                r.push("T3.cycle2.transverse");
            }
        }
        r.push(if *mu <= two {
            "T1.invariant_interval"
        } else {
            "T1.hyp.mu_at_most_2"
        });
        if *mu == two {
            r.push("T1.chebyshev_conjugacy");
        }
        if cycle3 {
            r.extend(["T1.cycle3", "T1.cycle3.multiplier"]);
            if has("T3") {
                r.push("T3.cycle3.transverse");
            }
            if *mu <= two {
                r.push("T1.chaos");
            }
        }
        let x0_inside = &ctx.x0 * &ctx.x0 <= invariant_endpoint_sq(mu);
        r.push(if x0_inside && *mu <= two {
            "T1.orbit_bounded"
        } else {
            "T1.escape"
        });
    }
    if has("T2") {
        r.extend(["T2.hyp.mu_range", "T2.hyp.factor_positive"]);
        if *mu < two {
            r.extend([
                "T2.invariance",
                "T2.factor_square",
                "T2.factor_lower_bound",
                "T2.angle_map",
                "T2.minimisers_on_ellipse",
                "T2.transverse_exponent",
                "T2.transverse_closed_form",
            ]);
        }
    }
    if has("T3") {
        r.extend(["T3.fixed_point", "T3.symmetric_cycle"]);
        if *mu > one {
            r.extend(["T3.cycle2.planar", "T3.cycle2.planar_transverse"]);
        }
    }
    if has("T4") {
        if let Some(start) = &ctx.catapult {
            r.push("T4.hyp.inside");
            if *mu < two {
                r.push("T4.hyp.unstable_start");
                let w0 = sum_of_squares(start);
                if ellipse_phi(mu, start) < q_int(0) && w0 > q_int(2) / mu && w0 < q_int(4) / mu {
                    r.extend([
                        "T4.orbit",
                        "T4.loss_increase",
                        "T4.convergence",
                        "T4.final_sharpness",
                    ]);
                }
            }
        }
    }
    r
}

/// Whether claim `id` belongs to the theorem on this instance: the regime in which the theorem
/// states it. Outside its regime a claim is rejected rather than judged, so that no certificate can
/// report the theorem VIOLATED by a statement the theorem does not make.
fn applies(ctx: &Ctx<'_>, id: &str) -> Result<(), String> {
    let mu = &ctx.mu;
    let (one, two) = (q_int(1), q_int(2));
    let x0_inside = &ctx.x0 * &ctx.x0 <= invariant_endpoint_sq(mu);
    let catapult_ok = || match &ctx.catapult {
        Some(start) => {
            let w0 = sum_of_squares(start);
            *mu < two
                && ellipse_phi(mu, start) < q_int(0)
                && w0 > q_int(2) / mu
                && w0 < q_int(4) / mu
        }
        None => false,
    };
    let ok = match id {
        "T1.flip" => *mu == one,
        "T1.hyp.mu_at_most_2" => *mu > two,
        "T1.orbit_bounded" => *mu <= two && x0_inside,
        "T1.escape" => !x0_inside || *mu > two,
        "T1.cycle2"
        | "T1.cycle2.multiplier"
        | "T1.cycle2.closed_form"
        | "T3.cycle2.transverse"
        | "T3.cycle2.planar"
        | "T3.cycle2.planar_transverse" => *mu > one,
        "T1.cycle3" | "T1.cycle3.multiplier" | "T3.cycle3.transverse" => *mu > q_frac(144, 100),
        "T1.chaos" => *mu > q_frac(144, 100) && *mu <= two,
        "T4.orbit" | "T4.loss_increase" | "T4.convergence" | "T4.final_sharpness" => catapult_ok(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "claim `{id}` is not stated by the theorem for this instance (μ = {})",
            crate::arith::format_exact(mu)
        ))
    }
}

trait OrInterval {
    fn unwrap_or_default_interval(self) -> RatInterval;
}

impl OrInterval for Option<RatInterval> {
    fn unwrap_or_default_interval(self) -> RatInterval {
        self.unwrap_or_else(|| RatInterval::invalid(64))
    }
}

/// The kernel's own Taylor quadrature of the transverse exponent, in exact rational intervals:
/// on each piece `[m − h, m + h]`, `Σ_{k<n even} 2 g_k(m) h^(k+1)/(k+1) + G_n·2h^(n+1)/(n+1)`, where
/// `g_k` are the Taylor coefficients at `m` and `G_n` encloses the order-`n` one over the piece.
fn quadrature(mu: &Q, breakpoints: &[Q], order: usize, bits: u32) -> RatInterval {
    use crate::arith::jet::Jet;
    let unit = RatInterval::unit(bits);
    let order = order.max(2) + order % 2;
    let mut total = unit.int(0);
    for w in breakpoints.windows(2) {
        let h = (&w[1] - &w[0]) / q_int(2);
        let mid = &w[0] + &h;
        let at_mid = transverse_log_integrand(mu, &Jet::var(RatInterval::point(mid, bits), order));
        let over = transverse_log_integrand(
            mu,
            &Jet::var(RatInterval::new(w[0].clone(), w[1].clone(), bits), order),
        );
        for k in (0..=order).step_by(2) {
            let coeff = if k < order {
                at_mid.c[k].clone()
            } else {
                over.c[order].clone()
            };
            let weight = h.pow(k as i32 + 1) * q_int(2) / q_int(k as i64 + 1);
            total = (total + &(coeff * &unit.constant(&weight))).tidy();
        }
    }
    total
}

/// Re-checks a contraction witness `[r̄, q_lo, q_hi, ρ, δ]` of the product map with step μ around
/// the box `last`: the box lies in `|r| ≤ r̄`, `q ∈ [q_lo, q_hi]`, and over the invariant box
/// `B = {|r| ≤ r̄, q ∈ [q_lo, q_hi]·[1 − δ, 1]}` the residual factor `|1 − μw + μ²rp|` is at most
/// ρ < 1 with `μ²r̄²/(1 − ρ²) ≤ δ < 1`. Then the orbit stays in B, `|r_k| ≤ ρ^k r̄`, and
/// `q_∞ ∈ q_K·[1 − δ, 1]`. Returns the enclosure of the factor over B and the box of q on B.
pub(crate) fn check_contraction(
    mu: &Q,
    last: &IBox<2>,
    witness: [&String; 5],
    bits: u32,
) -> Result<(RatInterval, RatInterval), String> {
    let [r_bar, q_lo, q_hi, rho, delta] = witness;
    let (r_bar, q_lo, q_hi, rho, delta) = (
        q(r_bar, "r_bar")?,
        q(q_lo, "q_lo")?,
        q(q_hi, "q_hi")?,
        q(rho, "rho")?,
        q(delta, "delta")?,
    );
    let r_box = RatInterval::new(-r_bar.clone(), r_bar.clone(), bits);
    let q_box = RatInterval::new(q_lo.clone(), q_hi.clone(), bits);
    if !residual(last).subset(&r_box) || !imbalance(last).subset(&q_box) {
        return Err(format!(
            "the last orbit box has r ∈ {}, q ∈ {}: not inside |r| ≤ r̄, q ∈ [q_lo, q_hi]",
            show(&residual(last)),
            show(&imbalance(last))
        ));
    }
    let one = q_int(1);
    let mu2r2 = mu * mu * &r_bar * &r_bar;
    if !(rho >= q_int(0)
        && rho < one
        && delta < one
        && delta >= q_int(0)
        && mu2r2 <= one
        && mu2r2.clone() / (q_int(1) - &rho * &rho) <= delta)
    {
        return Err("needs 0 <= ρ < 1, 0 <= δ < 1, μ²r̄² ≤ 1 and μ²r̄²/(1 − ρ²) ≤ δ".into());
    }
    let q_all = q_box * &RatInterval::new(one.clone() - &delta, one.clone(), bits);
    let factor = residual_factor(mu, &r_box, &q_all).abs();
    if !factor.le(&RatInterval::point(rho.clone(), bits)).is_true() {
        return Err(format!(
            "sup |1 − μw + μ²rp| over the box is {} > ρ",
            show(&factor)
        ));
    }
    Ok((factor, q_all))
}

/// Checks paper 5's claims embedded in another certificate under `prefix` (ids and `uses`
/// references prefixed), as paper 5's certificate for the cubic or product map at `mu`, from
/// `x0`, with claim groups `groups`; results carry the prefixed ids.
pub(crate) fn check_embedded(
    cert: &Certificate,
    prefix: &str,
    mu: &Q,
    x0: &Q,
    groups: &str,
) -> Result<Vec<ClaimCheck>, Malformed> {
    let strip = |s: &str| s.strip_prefix(prefix).map(str::to_string);
    let mut sub = cert.clone();
    sub.theorem.id = "two-factor-transformer".into();
    sub.instance.params = [
        ("mu".to_string(), crate::arith::format_exact(mu)),
        ("x0".to_string(), crate::arith::format_exact(x0)),
        ("claims".to_string(), groups.to_string()),
    ]
    .into_iter()
    .collect();
    sub.claims = cert
        .claims
        .iter()
        .filter_map(|c| {
            let mut c = c.clone();
            c.id = strip(&c.id)?;
            if let Witness::Uses { claim, .. } = &mut c.witness {
                *claim = strip(claim).unwrap_or_else(|| format!("(outside {prefix}){claim}"));
            }
            Some(c)
        })
        .collect();
    Ok(check(&sub)?
        .into_iter()
        .map(|mut r| {
            r.id = format!("{prefix}{}", r.id);
            r
        })
        .collect())
}

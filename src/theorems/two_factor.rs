//! Paper 5 (`two-factor-transformer`): large-step GD on the two-factor product `½(ab − 1)²`.
//!
//! **Statement certified** (derived in `theorems.md`; see `proofs/two-factor-transformer.md`): for a
//! rational step μ > 0,
//! - T0: the exact reduced dynamics of `F_μ(a, b) = (a − μbr, b − μar)`, `r = ab − 1`;
//! - T1: on the balanced slice `f_μ(x) = (1+μ)x − μx³`: monotone convergence for μ ≤ 1/2, the
//!   attracting fixed point for 1/2 < μ < 1, the 2-cycle (attracting for 1 < μ < √5 − 1) with its
//!   multiplier `7 − 4μ − 2μ²`, a period-3 orbit (Li–Yorke chaos) for μ ≳ 1.4504, the Chebyshev
//!   conjugacy at μ = 2, the invariant interval `[−x*, x*]` for μ ≤ 2 and escape outside it;
//! - T2 (0 < μ < 2): `Φ∘F = Φ·m` with `m ≥ 1 − μ²/4 > 0`, the dynamics θ ↦ π − 3θ on the ellipse,
//!   the transverse exponent `λ_⊥ = arccosh((1 + √(25 − 4μ²))/4)` against certified quadrature;
//! - T3: the transverse multipliers of the balanced cycles (`3 − 2μ` on the 2-cycle, 9 on `±x*`);
//! - T4: the catapult from a given start: a certified loss increase, then convergence to a minimiser
//!   whose sharpness is below `2/μ`.

use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{
    bound_q, box_display, claim, escalate, exact_claim, fmt_q, krawczyk_witness, orbit_witness,
    publish, spec_bound, undecided_all, uses, ClaimGroup, RunOptions, Theorem,
};
use crate::arith::dual::Dual;
use crate::arith::exact::{format_exact, q_from_f64, Q};
use crate::arith::{q_frac, q_int, Arith};
use crate::certificate::{Bound, Claim, Role, Witness};
use crate::methods::escalation::Task;
use crate::methods::identity::identity_holds;
use crate::methods::krawczyk::{
    compose, krawczyk_operator, prove_periodic_point, prove_periodic_point_from, PeriodicPoint,
};
use crate::methods::mean_value::{Orbit, Prepared};
use crate::methods::quadrature::integrate_adaptive;
use crate::spec::two_factor::*;
use crate::spec::Dynamics;

pub struct TwoFactorTransformer;

const GROUPS: &[&str] = &["T0", "T1", "T2", "T3", "T4"];

/// The default instance (C1), shipped in `certificates/instances/two-factor-transformer/`.
const DEFAULT_INSTANCE: &str =
    include_str!("../../certificates/instances/two-factor-transformer/c1.toml");

/// Where period-3 orbits of the cubic are expected (μ_3 ≈ 1.45044, numerically): from here on a
/// failed search is reported as UNDECIDED rather than skipped.
fn period3_expected(mu: &Q) -> bool {
    *mu >= q_frac(14505, 10000)
}

impl Theorem for TwoFactorTransformer {
    fn id(&self) -> &'static str {
        "two-factor-transformer"
    }
    fn title(&self) -> &'static str {
        "Large-step training dynamics of a two-factor linear transformer model (Balasubramanian, arXiv 2605.21292)"
    }
    fn statement(&self) -> &'static str {
        "GD with effective step mu on L(a,b) = (ab-1)^2/2: exact reduced dynamics (T0); the balanced cubic \
         f(x) = (1+mu)x - mu x^3 with its monotone, periodic, chaotic and escaping regimes (T1); for 0 < mu < 2 \
         the invariant Chebyshev ellipse Phi = 0 with Phi(F) = Phi*(1 + mu^2 p(p-1)), the angle map theta -> pi - 3 theta \
         and the transverse exponent arccosh((1 + sqrt(25 - 4mu^2))/4) (T2); transverse multipliers of balanced \
         cycles (T3); the catapult to a minimiser of sharpness below 2/mu (T4). Model derived from the abstract \
         (theorems.md), not from the paper's full text."
    }
    fn claim_groups(&self) -> &'static str {
        "T0 reduced dynamics; T1 balanced cubic; T2 Chebyshev ellipse; T3 transverse multipliers; T4 catapult"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec {
                key: "mu",
                kind: Kind::Rational { positive: true },
                default: None,
                required: true,
                help: "the effective step μ > 0, e.g. 6/5",
            },
            ParamSpec {
                key: "x0",
                kind: Kind::Rational { positive: false },
                default: Some("1/2"),
                required: false,
                help: "start of the balanced orbit",
            },
            ParamSpec {
                key: "catapult.a0",
                kind: Kind::Rational { positive: false },
                default: None,
                required: false,
                help: "catapult start a0 (with catapult.b0)",
            },
            ParamSpec {
                key: "catapult.b0",
                kind: Kind::Rational { positive: false },
                default: None,
                required: false,
                help: "catapult start b0 (with catapult.a0)",
            },
            ParamSpec {
                key: "max_steps",
                kind: Kind::Integer {
                    min: 1,
                    max: 1_000_000,
                },
                default: Some("5000"),
                required: false,
                help: "most GD steps in an orbit search",
            },
            ParamSpec {
                key: "claims",
                kind: Kind::Choices { allowed: GROUPS },
                default: Some("T0,T1,T2,T3,T4"),
                required: false,
                help: "claim groups to certify",
            },
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/two-factor-transformer/c1.toml",
            DEFAULT_INSTANCE,
        )
    }
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError> {
        let inst = Inst::from_params(params)?;
        Ok(certify(&inst, opts))
    }
}

/// A validated instance.
#[derive(Clone, Debug)]
pub struct Inst {
    pub mu: Q,
    pub x0: Q,
    pub catapult: Option<[Q; 2]>,
    pub max_steps: usize,
    pub groups: Vec<String>,
}

impl Inst {
    fn from_params(p: &Params) -> Result<Self, InputError> {
        let mu = p
            .q("mu")
            .cloned()
            .ok_or_else(|| p.error("mu", "missing required key"))?;
        if mu > q_int(1000) || mu < q_frac(1, 1_000_000_000_000) {
            return Err(p.error("mu", "must lie in [1e-12, 1000]"));
        }
        let big = q_int(1_000_000);
        for key in ["x0", "catapult.a0", "catapult.b0"] {
            if let Some(v) = p.q(key) {
                if *v > big || -v.clone() > big {
                    return Err(p.error(key, "must lie in [-1e6, 1e6]"));
                }
            }
        }
        let catapult = match (p.q("catapult.a0"), p.q("catapult.b0")) {
            (Some(a), Some(b)) => Some([a.clone(), b.clone()]),
            (None, None) => None,
            (Some(_), None) => {
                return Err(InputError::new(
                    p.source_of("catapult.a0"),
                    Some("catapult.b0"),
                    "missing: catapult.a0 is given, so catapult.b0 is required",
                ))
            }
            (None, Some(_)) => {
                return Err(InputError::new(
                    p.source_of("catapult.b0"),
                    Some("catapult.a0"),
                    "missing: catapult.b0 is given, so catapult.a0 is required",
                ))
            }
        };
        let groups: Vec<String> = p
            .list("claims")
            .map(|l| l.to_vec())
            .unwrap_or_else(|| GROUPS.iter().map(|s| s.to_string()).collect());
        if catapult.is_none() && groups.iter().all(|g| g == "T4") {
            return Err(p.error(
                "claims",
                "T4 (the catapult) needs a start: set catapult.a0 and catapult.b0",
            ));
        }
        Ok(Inst {
            mu,
            x0: p.q("x0").cloned().unwrap_or_else(|| q_frac(1, 2)),
            catapult,
            max_steps: p.int("max_steps").unwrap_or(5000) as usize,
            groups,
        })
    }

    fn wants(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

fn in_open(a: i64, b: i64) -> Option<Bound> {
    Some(Bound::new("in_open", &q_int(a), &q_int(b)))
}

/// Certifies every requested claim group.
pub fn certify(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let mut out = vec![];
    let idents = identities(&inst.mu);
    let ident_claim = |id: &str| -> Option<Claim> {
        let i = idents.iter().find(|i| i.id == id)?;
        let holds = identity_holds(&i.differences, &i.relations);
        Some(exact_claim(
            i.id,
            Role::Conclusion,
            i.statement.clone(),
            None,
            None,
            holds,
        ))
    };
    if inst.wants("T0") {
        crate::progress::stage("T0: exact identities");
        for id in [
            "T0.imbalance",
            "T0.residual",
            "T0.sum_difference",
            "T0.balanced_slice",
            "T0.hessian",
        ] {
            out.extend(ident_claim(id));
        }
    }
    if inst.wants("T1") {
        crate::progress::stage("T1: the balanced cubic (Krawczyk, orbits)");
        out.extend(t1_claims(inst, opts, &ident_claim));
    }
    if inst.wants("T2") {
        crate::progress::stage("T2: the ellipse (identities, quadrature)");
        out.extend(t2_claims(inst, opts, &ident_claim));
    }
    if inst.wants("T3") {
        crate::progress::stage("T3: transverse multipliers (planar Krawczyk)");
        out.extend(t3_claims(inst, opts, &ident_claim));
    }
    if inst.wants("T4") {
        if let Some(start) = &inst.catapult {
            crate::progress::stage("T4: the catapult orbit and its contraction box");
            out.extend(t4_claims(inst, start, opts));
        }
    }
    out
}

// ------------------------------------------------------------------------------------------------
// T1: the balanced cubic.

fn t1_claims(inst: &Inst, opts: &RunOptions, ident: &dyn Fn(&str) -> Option<Claim>) -> Vec<Claim> {
    let mu = &inst.mu;
    let mut out = vec![];
    let half = q_frac(1, 2);
    let one = q_int(1);
    let fp1 = q_int(1) - q_int(2) * mu; // f'(1)
    out.extend(ident("T1.cubic_fixed_points"));
    if *mu <= half {
        out.push(exact_claim(
            "T1.monotone",
            Role::Conclusion,
            "μ ≤ 1/2: min over [0,1] of f'(x) = 1 − 2μ ≥ 0 and f(x) > x on (0,1), so x_k increases to 1 for every x_0 in (0,1)",
            Some(&fp1),
            bound_q(">=", &q_int(0)),
            fp1 >= q_int(0),
        ));
    } else if *mu < one {
        out.push(exact_claim(
            "T1.fixed_point",
            Role::Conclusion,
            "1/2 < μ < 1: the fixed point 1 attracts with the oscillating multiplier f'(1) = 1 − 2μ in (−1, 0)",
            Some(&fp1),
            in_open(-1, 0),
            fp1 > q_int(-1) && fp1 < q_int(0),
        ));
    } else if *mu == one {
        out.push(exact_claim(
            "T1.flip",
            Role::Conclusion,
            "μ = 1: flip bifurcation, f'(1) = −1",
            Some(&fp1),
            bound_q("=", &q_int(-1)),
            fp1 == q_int(-1),
        ));
    } else {
        out.extend(escalate(
            opts,
            &Cycle2Task {
                mu: mu.clone(),
                transverse: inst.wants("T3"),
            },
        ));
        out.extend(ident("T1.cycle2_factorization"));
        out.extend(ident("T1.cycle2_multipliers"));
    }
    let xs2 = invariant_endpoint_sq(mu);
    let two = q_int(2);
    if *mu <= two {
        let margin = q_int(27) * (q_int(2) + mu)
            - q_int(4) * (q_int(1) + mu) * (q_int(1) + mu) * (q_int(1) + mu);
        out.push(exact_claim(
            "T1.invariant_interval",
            Role::Conclusion,
            format!(
                "[−x*, x*] with x*² = (2+μ)/μ = {} is forward-invariant: 27(2+μ) − 4(1+μ)³ ≥ 0",
                fmt_q(&xs2)
            ),
            Some(&margin),
            bound_q(">=", &q_int(0)),
            margin >= q_int(0),
        ));
    } else {
        out.push(exact_claim(
            "T1.hyp.mu_at_most_2",
            Role::Hypothesis,
            "the invariant interval [−x*, x*] needs μ ≤ 2",
            Some(mu),
            bound_q("<=", &two),
            false,
        ));
    }
    if *mu == two {
        out.extend(ident("T1.chebyshev_conjugacy"));
    }
    if *mu > q_frac(144, 100) {
        out.extend(escalate(
            opts,
            &Cycle3Task {
                mu: mu.clone(),
                transverse: inst.wants("T3"),
            },
        ));
    }
    // The balanced orbit from x0.
    let x0sq = &inst.x0 * &inst.x0;
    if x0sq > xs2 {
        out.push(exact_claim(
            "T1.escape",
            Role::Conclusion,
            format!("|x_0| > x*, hence |f(x)|/|x| = μx² − 1 − μ > 1 increases along the orbit and |x_k| → ∞ (x_0 = {})", fmt_q(&inst.x0)),
            Some(&x0sq),
            bound_q(">", &xs2),
            true,
        ));
    } else if *mu <= two {
        out.push(exact_claim(
            "T1.orbit_bounded",
            Role::Conclusion,
            format!(
                "x_0 = {} lies in the invariant [−x*, x*], so its orbit stays bounded",
                fmt_q(&inst.x0)
            ),
            Some(&x0sq),
            bound_q("<=", &xs2),
            true,
        ));
    } else {
        out.extend(escalate(
            opts,
            &EscapeTask {
                mu: mu.clone(),
                x0: inst.x0.clone(),
                max_steps: inst.max_steps,
            },
        ));
    }
    out
}

/// The balanced 2-cycle (μ > 1): Krawczyk for f², its multiplier and transverse multiplier.
struct Cycle2Task {
    mu: Q,
    /// Also the transverse multiplier (claim group T3).
    transverse: bool,
}

/// The point `x_-` of the balanced 2-cycle, `x_-² = (μ + 1 − √((μ−1)(μ+3)))/(2μ)`, evaluated in the
/// working arithmetic: a starting guess for Krawczyk that stays apart from the fixed point 1 even
/// when μ is within 10^-30 of 1 (the proof does not rely on the formula).
fn two_cycle_guess<S: Arith>(mu: &Q, unit: &S) -> S {
    let disc = unit.constant(&((mu - q_int(1)) * (mu + q_int(3)))).sqrt();
    ((unit.constant(&(mu + q_int(1))) - disc) / unit.constant(&(q_int(2) * mu))).sqrt()
}

impl Task for Cycle2Task {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let mu = &self.mu;
        let map = Cubic { mu: mu.clone() };
        let arith = unit.arith_name();
        let guess = two_cycle_guess(mu, unit);
        let proof = prove_periodic_point_from(&map, unit, 2, [guess.clone()]);
        let guess = guess.mid_f64();
        let attracting = mu * mu + q_int(2) * mu < q_int(4);
        let p = match proof {
            Ok(p) => p,
            Err(why) => {
                let why = format!("no Krawczyk box found for the 2-cycle near {guess:.6}: {why}");
                let mut ids = vec!["T1.cycle2", "T1.cycle2.multiplier", "T1.cycle2.closed_form"];
                if self.transverse {
                    ids.push("T3.cycle2.transverse");
                }
                return undecided_all(&ids, &why, &arith);
            }
        };
        let x = &p.boxed[0];
        let c = map.constants(unit);
        let fx = map.apply(&c, std::array::from_ref(x))[0].clone();
        let mult = cubic_derivative(mu, x) * &cubic_derivative(mu, &fx);
        let trans = transverse_factor(mu, x) * &transverse_factor(mu, &fx);
        let in_unit = x.gt(&unit.int(0)).and(x.lt(&unit.int(1))).is_true();
        let mut out = vec![claim(
            "T1.cycle2",
            Role::Conclusion,
            format!(
                "f has exactly one point x_- of least period 2 in the Krawczyk box {} (f(f(x)) − x, f(X) ∩ X = ∅), and it lies in this enclosure{}",
                box_display(&p.unique_box[0]),
                if in_unit { "; the box lies in (0, 1)" } else { "" }
            ),
            x.bounds(),
            None,
            &arith,
            krawczyk_witness("cubic", &p).unwrap_or(Witness::None),
        )];
        let mut m = claim(
            "T1.cycle2.multiplier",
            Role::Conclusion,
            format!(
                "multiplier f'(x_-)f'(x_+) of the 2-cycle: {}",
                if attracting {
                    "attracting (μ < √5 − 1)"
                } else {
                    "repelling, below −1 (μ > √5 − 1)"
                }
            ),
            publish(&mult),
            spec_bound(cycle2_multiplier_bound(mu)),
            &arith,
            uses("T1.cycle2"),
        );
        m.note = Some(format!(
            "closed form 7 − 4μ − 2μ² = {}",
            fmt_q(&(q_int(7) - q_int(4) * mu - q_int(2) * mu * mu))
        ));
        out.push(m);
        let mut t = claim(
            "T3.cycle2.transverse",
            Role::Conclusion,
            "transverse multiplier Π(1 − μ²(x_i² − 1)²) of the imbalance along the 2-cycle",
            publish(&trans),
            spec_bound(cycle2_transverse_bound(mu)),
            &arith,
            uses("T1.cycle2"),
        );
        t.note = Some(format!(
            "closed form 3 − 2μ = {}",
            fmt_q(&(q_int(3) - q_int(2) * mu))
        ));
        if self.transverse {
            out.push(t);
        }
        out.push(claim(
            "T1.cycle2.closed_form",
            Role::Conclusion,
            "the box lies in (0, 1), so x_- is a root of μ²x⁴ − μ(1+μ)x² + 1 and the multipliers are exactly 7 − 4μ − 2μ² and 3 − 2μ",
            if in_unit { Some((q_int(7) - q_int(4) * mu - q_int(2) * mu * mu, q_int(7) - q_int(4) * mu - q_int(2) * mu * mu)) } else { None },
            None,
            &arith,
            uses("T1.cycle2"),
        ));
        ClaimGroup(out)
    }
}

/// Period-3 orbits of the cubic: the smallest positive point that Krawczyk proves.
struct Cycle3Task {
    mu: Q,
    /// Also the transverse multiplier (claim group T3).
    transverse: bool,
}

/// Candidate zeros of f³(x) − x in (0, x*), found by sign changes on a grid, excluding the fixed
/// points 0 and 1.
fn period3_candidates(mu: f64) -> Vec<f64> {
    let f = |x: f64| (1.0 + mu) * x - mu * x * x * x;
    let g = |x: f64| f(f(f(x))) - x;
    let xs = ((2.0 + mu) / mu).sqrt();
    let n = 40_000;
    let mut out = vec![];
    let mut prev = (1e-9, g(1e-9));
    for i in 1..=n {
        let x = xs * i as f64 / n as f64;
        let gx = g(x);
        if prev.1 * gx < 0.0 || gx == 0.0 {
            let (mut lo, mut hi) = (prev.0, x);
            for _ in 0..80 {
                let mid = 0.5 * (lo + hi);
                if g(lo) * g(mid) <= 0.0 {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            let r = 0.5 * (lo + hi);
            if (r - 1.0).abs() > 1e-6 && r > 1e-6 {
                out.push(r);
            }
        }
        prev = (x, gx);
    }
    out
}

impl Task for Cycle3Task {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let mu = &self.mu;
        let map = Cubic { mu: mu.clone() };
        let arith = unit.arith_name();
        let expected = period3_expected(mu);
        let mut found = None;
        for g in period3_candidates(crate::arith::exact::q_to_f64(mu)) {
            if let Ok(p) = prove_periodic_point(&map, unit, 3, [g]) {
                found = Some(p);
                break;
            }
        }
        let Some(p) = found else {
            if !expected {
                return ClaimGroup(vec![]);
            }
            let mut ids = vec!["T1.cycle3", "T1.cycle3.multiplier"];
            if self.transverse {
                ids.push("T3.cycle3.transverse");
            }
            if *mu <= q_int(2) {
                ids.push("T1.chaos");
            }
            return undecided_all(
                &ids,
                "no period-3 orbit could be proved at this precision",
                &arith,
            );
        };
        let x = &p.boxed[0];
        let c = map.constants(unit);
        let orbit = [
            x.clone(),
            compose(&map, &c, &p.boxed, 1)[0].clone(),
            compose(&map, &c, &p.boxed, 2)[0].clone(),
        ];
        let mult = orbit
            .iter()
            .map(|v| cubic_derivative(mu, v))
            .reduce(|a, b| a * &b)
            .unwrap_or_else(|| unit.int(1));
        let trans = orbit
            .iter()
            .map(|v| transverse_factor(mu, v))
            .reduce(|a, b| a * &b)
            .unwrap_or_else(|| unit.int(1));
        let mut out = vec![
            claim(
                "T1.cycle3",
                Role::Conclusion,
                format!(
                    "f has exactly one point of least period 3 in the Krawczyk box {} (f³(x) − x, f(X) ∩ X = ∅), and it lies in this enclosure",
                    box_display(&p.unique_box[0])
                ),
                x.bounds(),
                None,
                &arith,
                krawczyk_witness("cubic", &p).unwrap_or(Witness::None),
            ),
            claim("T1.cycle3.multiplier", Role::Conclusion, "multiplier f'(x_1)f'(x_2)f'(x_3) of the 3-cycle", publish(&mult), None, &arith, uses("T1.cycle3")),
        ];
        if self.transverse {
            out.push(claim(
                "T3.cycle3.transverse",
                Role::Conclusion,
                "transverse multiplier Π(1 − μ²(x_i² − 1)²) along the 3-cycle",
                publish(&trans),
                None,
                &arith,
                uses("T1.cycle3"),
            ));
        }
        if *mu <= q_int(2) {
            let xs2 = invariant_endpoint_sq(mu);
            out.push(claim(
                "T1.chaos",
                Role::Conclusion,
                "the period-3 point lies in the invariant [−x*, x*] (x² ≤ x*²): period three implies Li–Yorke chaos and positive topological entropy there",
                publish(&x.sqr()),
                bound_q("<=", &xs2),
                &arith,
                uses("T1.cycle3"),
            ));
        }
        ClaimGroup(out)
    }
}

/// Escape of the balanced orbit from x0 when μ > 2: the first K with |x_K| > x*.
struct EscapeTask {
    mu: Q,
    x0: Q,
    max_steps: usize,
}

impl Task for EscapeTask {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let map = Cubic {
            mu: self.mu.clone(),
        };
        let arith = unit.arith_name();
        let xs2 = invariant_endpoint_sq(&self.mu);
        let xs2s = unit.constant(&xs2);
        let prep = Prepared::new(&map, unit);
        let x0 = [unit.constant(&self.x0)];
        let orbit = Orbit::iterate(&prep, x0, self.max_steps, |_, x| {
            x[0].sqr().gt(&xs2s).is_true()
        });
        let k = orbit.boxes.len() - 1;
        let last = orbit.last()[0].sqr();
        let escaped = last.gt(&xs2s).is_true();
        let statement = if escaped {
            format!("the orbit of x_0 = {} leaves [−x*, x*] at step K = {k} (x_K² > x*²), hence |x_k| → ∞", fmt_q(&self.x0))
        } else {
            format!(
                "no escape of x_0 = {} certified within {k} steps",
                fmt_q(&self.x0)
            )
        };
        let witness = orbit_witness("cubic", std::array::from_ref(&self.x0), &orbit);
        let enclosure = if escaped { publish(&last) } else { None };
        ClaimGroup(vec![claim(
            "T1.escape",
            Role::Conclusion,
            statement,
            enclosure,
            bound_q(">", &xs2),
            &arith,
            witness.unwrap_or(Witness::None),
        )])
    }
}

// ------------------------------------------------------------------------------------------------
// T2: the Chebyshev ellipse.

fn t2_claims(inst: &Inst, opts: &RunOptions, ident: &dyn Fn(&str) -> Option<Claim>) -> Vec<Claim> {
    let mu = &inst.mu;
    let two = q_int(2);
    let mut out = vec![exact_claim(
        "T2.hyp.mu_range",
        Role::Hypothesis,
        "0 < μ < 2, so that Φ_μ defines an ellipse",
        Some(mu),
        Some(Bound::new("in_open", &q_int(0), &two)),
        *mu > q_int(0) && *mu < two,
    )];
    let m_min = q_int(1) - mu * mu / q_int(4);
    out.push(exact_claim(
        "T2.hyp.factor_positive",
        Role::Hypothesis,
        "1 − μ²/4 > 0, the lower bound of the invariance factor m",
        Some(&m_min),
        bound_q(">", &q_int(0)),
        m_min > q_int(0),
    ));
    if *mu >= two {
        return out;
    }
    out.extend(ident("T2.invariance"));
    out.extend(ident("T2.factor_square"));
    out.push(exact_claim(
        "T2.factor_lower_bound",
        Role::Conclusion,
        format!("m ≥ 1 − μ²/4 = {} > 0, so the ellipse, its interior and its exterior are each forward-invariant; orbits inside stay bounded", fmt_q(&m_min)),
        Some(&m_min),
        bound_q(">", &q_int(0)),
        m_min > q_int(0),
    ));
    out.extend(ident("T2.angle_map"));
    out.extend(ident("T2.minimisers_on_ellipse"));
    out.extend(escalate(opts, &TransverseTask { mu: mu.clone() }));
    out
}

/// The transverse exponent by certified quadrature, and its closed form.
struct TransverseTask {
    mu: Q,
}

/// Quadrature parameters: Taylor order, target width, initial and largest numbers of pieces.
const QUAD_ORDER: usize = 12;
const QUAD_TOL: f64 = 1e-10;
const QUAD_INITIAL: u32 = 16;
const QUAD_MAX_PIECES: usize = 2048;

impl Task for TransverseTask {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let mu = &self.mu;
        let arith = unit.arith_name();
        let q = integrate_adaptive(
            unit,
            &q_int(0),
            &q_int(1),
            QUAD_ORDER,
            QUAD_TOL,
            QUAD_INITIAL,
            QUAD_MAX_PIECES,
            |t| transverse_log_integrand(mu, t),
        );
        let quad = q.value;
        let quad_pub = publish(&quad);
        let mut out = vec![claim(
            "T2.transverse_exponent",
            Role::Conclusion,
            "λ_⊥(μ) = ∫_0^1 ln(1 + 2μ cos πt + 4 cos² πt) dt > 0: the ellipse is transversely repelling for Lebesgue-almost every orbit on it",
            quad_pub.clone(),
            bound_q(">", &q_int(0)),
            &arith,
            Witness::Quadrature {
                order: QUAD_ORDER as u32,
                bits: (unit.precision() + 48).min(1024),
                breakpoints: q.breakpoints.iter().map(format_exact).collect(),
            },
        )];
        let cf = transverse_closed_form(mu, unit);
        let mut c = claim(
            "T2.transverse_closed_form",
            Role::Conclusion,
            "the closed form arccosh((1 + √(25 − 4μ²))/4) lies in the certified enclosure of the integral",
            publish(&cf),
            quad_pub.map(|(a, b)| Bound::new("in", &a, &b)),
            &arith,
            uses("T2.transverse_exponent"),
        );
        if *mu == q_frac(3, 2) {
            c.note = Some("at μ = 3/2 the closed form is arccosh(5/4) = ln 2".into());
        }
        out.push(c);
        ClaimGroup(out)
    }
}

// ------------------------------------------------------------------------------------------------
// T3: transverse multipliers.

fn t3_claims(inst: &Inst, opts: &RunOptions, _ident: &dyn Fn(&str) -> Option<Claim>) -> Vec<Claim> {
    let mu = &inst.mu;
    let mut out = vec![];
    out.push(exact_claim(
        "T3.fixed_point",
        Role::Conclusion,
        "at the balanced minimiser x = 1 the transverse factor 1 − μ²(x² − 1)² is 1 (neutral: the minimiser curve)",
        Some(&q_int(1)),
        bound_q("=", &q_int(1)),
        true,
    ));
    let xs2 = invariant_endpoint_sq(mu);
    let tf = q_int(1) - mu * mu * (&xs2 - q_int(1)) * (&xs2 - q_int(1));
    let mult = &tf * &tf;
    out.push(exact_claim(
        "T3.symmetric_cycle",
        Role::Conclusion,
        "along the symmetric 2-cycle ±x* the transverse multiplier is (1 − μ²(x*² − 1)²)² = 9: transversely repelling",
        Some(&mult),
        bound_q("=", &q_int(9)),
        mult == q_int(9),
    ));
    if *mu > q_int(1) {
        out.extend(escalate(opts, &PlanarCycle2Task { mu: mu.clone() }));
    }
    out
}

/// The balanced 2-cycle as a periodic orbit of the planar map, with a swap-symmetric Krawczyk box.
struct PlanarCycle2Task {
    mu: Q,
}

impl Task for PlanarCycle2Task {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let mu = &self.mu;
        let arith = unit.arith_name();
        let cubic = Cubic { mu: mu.clone() };
        let fail = |why: String| {
            undecided_all(
                &["T3.cycle2.planar", "T3.cycle2.planar_transverse"],
                &why,
                &arith,
            )
        };
        let Ok(p1) = prove_periodic_point_from(&cubic, unit, 2, [two_cycle_guess(mu, unit)]) else {
            return fail("the balanced 2-cycle could not be proved at this precision".into());
        };
        // Planar box X × X around (m, m), preconditioned by the symmetric f64 inverse of G'(m, m).
        let map = ProductMap { mu: mu.clone() };
        let c = map.constants(unit);
        let cd: Vec<Dual<S, 2>> = map.constants(&Dual::cst(unit.clone()));
        let m = p1.center[0].clone();
        let center = [m.clone(), m.clone()];
        let mut y = Dual::seed(&center);
        for _ in 0..2 {
            y = map.apply(&cd, &y);
        }
        let (_, j) = crate::arith::dual::jacobian(&y);
        let alpha = j[0][0].mid_f64() - 1.0;
        let beta = j[0][1].mid_f64();
        // [[α, β], [β, α]]⁻¹ = [[α, −β], [−β, α]] / (α² − β²).
        let det = alpha * alpha - beta * beta;
        if !det.is_finite() || det.abs() < 1e-300 {
            return fail("G' is singular at the 2-cycle".into());
        }
        let (ca, cb) = (alpha / det, -beta / det);
        let cq = [
            [
                q_from_f64(ca).unwrap_or_default(),
                q_from_f64(cb).unwrap_or_default(),
            ],
            [
                q_from_f64(cb).unwrap_or_default(),
                q_from_f64(ca).unwrap_or_default(),
            ],
        ];
        for scale in [2u32, 8, 64, 1024] {
            let Some((lo, hi)) = p1.boxed[0].bounds() else {
                break;
            };
            let r = (&hi - &lo) * q_int(scale as i64);
            let xi = unit.from_bounds(&(lo - &r), &(hi + &r));
            let x = [xi.clone(), xi.clone()];
            let k = krawczyk_operator(&map, &cd, &c, 2, &x, &center, &cq);
            if !(k[0].interior(&x[0]) && k[1].interior(&x[1])) {
                continue;
            }
            let fx = compose(&map, &c, &x, 1);
            if !(fx[0].disjoint(&x[0]) || fx[1].disjoint(&x[1])) {
                continue;
            }
            let mut yy = Dual::seed(&x);
            for _ in 0..2 {
                yy = map.apply(&cd, &yy);
            }
            let (_, jx) = crate::arith::dual::jacobian(&yy);
            let trans = jx[0][0].clone() - &jx[0][1];
            let proof = PeriodicPoint {
                period: 2,
                boxed: x.clone(),
                unique_box: x.clone(),
                center: center.clone(),
                preconditioner: cq.clone(),
            };
            let mut t = claim(
                "T3.cycle2.planar_transverse",
                Role::Conclusion,
                "transverse eigenvalue J₁₁ − J₁₂ of D(F²) at the balanced 2-cycle (eigenvector (1, −1))",
                publish(&trans),
                spec_bound(cycle2_transverse_bound(mu)),
                &arith,
                uses("T3.cycle2.planar"),
            );
            t.note = Some(format!(
                "closed form 3 − 2μ = {}",
                fmt_q(&(q_int(3) - q_int(2) * mu))
            ));
            return ClaimGroup(vec![
                claim(
                    "T3.cycle2.planar",
                    Role::Conclusion,
                    "F has exactly one point of least period 2 in the swap-symmetric box X × X; by symmetry it is balanced, (x_-, x_-)",
                    x[0].bounds(),
                    None,
                    &arith,
                    krawczyk_witness("product", &proof).unwrap_or(Witness::None),
                ),
                t,
            ]);
        }
        fail("no swap-symmetric Krawczyk box for the planar 2-cycle at this precision".into())
    }
}

// ------------------------------------------------------------------------------------------------
// T4: the catapult.

fn t4_claims(inst: &Inst, start: &[Q; 2], opts: &RunOptions) -> Vec<Claim> {
    let mu = &inst.mu;
    let two = q_int(2);
    let w0 = &start[0] * &start[0] + &start[1] * &start[1];
    let mut out = vec![];
    if *mu < two {
        let phi0 = ellipse_phi(mu, start);
        out.push(exact_claim(
            "T4.hyp.inside",
            Role::Hypothesis,
            "the start lies inside the ellipse (Φ < 0), so the whole orbit stays bounded",
            Some(&phi0),
            bound_q("<", &q_int(0)),
            phi0 < q_int(0),
        ));
    } else {
        out.push(exact_claim(
            "T4.hyp.inside",
            Role::Hypothesis,
            "the catapult needs μ < 2 (an ellipse)",
            Some(mu),
            bound_q("<", &two),
            false,
        ));
        return out;
    }
    out.push(exact_claim(
        "T4.hyp.unstable_start",
        Role::Hypothesis,
        format!("the start is at sharpness a² + b² between 2/μ and 4/μ (unstable, inside the ellipse): a² + b² = {}", fmt_q(&w0)),
        Some(&w0),
        Some(Bound::new("in_open", &(q_int(2) / mu), &(q_int(4) / mu))),
        w0 > q_int(2) / mu && w0 < q_int(4) / mu,
    ));
    if out
        .iter()
        .any(|c| c.verdict != crate::certificate::Verdict::Certified)
    {
        return out;
    }
    out.extend(escalate(
        opts,
        &CatapultTask {
            mu: mu.clone(),
            start: start.clone(),
            max_steps: inst.max_steps,
        },
    ));
    out
}

struct CatapultTask {
    mu: Q,
    start: [Q; 2],
    max_steps: usize,
}

/// An invariant contraction box of the reduced map around the last box of an orbit.
pub struct Contraction<S> {
    pub r_bar: Q,
    pub q_lo: Q,
    pub q_hi: Q,
    pub rho: Q,
    pub delta: Q,
    pub rho_enclosure: S,
    pub sharpness: S,
}

/// Tries to build the contraction box: `|r| ≤ r̄`, `q ∈ [q_lo, q_hi]·[1 − δ, 1]`, with
/// `sup |1 − μw + μ²rp| ≤ ρ < 1` over it and `μ²r̄²/(1 − ρ²) ≤ δ < 1`, `μr̄ ≤ 1`.
pub fn contraction<S: Arith>(mu: &Q, x: &[S; 2]) -> Option<Contraction<S>> {
    let unit = &x[0];
    let (rl, rh) = residual(x).bounds()?;
    let (q_lo, q_hi) = imbalance(x).bounds()?;
    let r_bar =
        crate::arith::ratinterval::round_rel(&(if -rl.clone() > rh { -rl } else { rh }), 40, true);
    let mu2r2 = mu * mu * &r_bar * &r_bar;
    if mu2r2 > q_frac(1, 4) {
        return None;
    }
    let mut delta = crate::arith::ratinterval::round_rel(&(q_int(4) * &mu2r2), 20, true);
    for _ in 0..6 {
        if delta >= q_int(1) {
            return None;
        }
        let r = unit.from_bounds(&-r_bar.clone(), &r_bar);
        let q = unit.from_bounds(&q_lo, &q_hi) * &unit.from_bounds(&(q_int(1) - &delta), &q_int(1));
        let factor = residual_factor(mu, &r, &q).abs();
        let (_, rho) = publish(&factor)?;
        if rho >= q_int(1) {
            return None;
        }
        let need = &mu2r2 / (q_int(1) - &rho * &rho);
        if need <= delta {
            let sharp = sharpness_at_minimiser(&q);
            return Some(Contraction {
                r_bar,
                q_lo,
                q_hi,
                rho,
                delta,
                rho_enclosure: factor,
                sharpness: sharp,
            });
        }
        delta = crate::arith::ratinterval::round_rel(&(q_int(2) * need), 20, true);
    }
    None
}

impl Task for CatapultTask {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let mu = &self.mu;
        let arith = unit.arith_name();
        let map = ProductMap { mu: mu.clone() };
        let prep = Prepared::new(&map, unit);
        let x0 = [unit.constant(&self.start[0]), unit.constant(&self.start[1])];
        let loss0 = loss(&self.start);
        let loss0s = unit.constant(&loss0);
        let mut rose = false;
        let mut found: Option<Contraction<S>> = None;
        let orbit = Orbit::iterate(&prep, x0, self.max_steps, |_, x| {
            let l = loss(x);
            if l.gt(&loss0s).is_true() {
                rose = true;
            }
            if rose && residual(x).width_f64().is_finite() && residual(x).mid_f64().abs() < 1e-3 {
                if let Some(c) = contraction(mu, x) {
                    found = Some(c);
                    return true;
                }
            }
            false
        });
        let k_final = orbit.boxes.len() - 1;
        let losses: Vec<S> = orbit.boxes.iter().map(|b| loss(b)).collect();
        let k_peak = (0..losses.len())
            .max_by(|&i, &j| {
                losses[i]
                    .mid_f64()
                    .partial_cmp(&losses[j].mid_f64())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or(0);
        let witness = orbit_witness("product", &self.start, &orbit).unwrap_or(Witness::None);
        let bounded = !matches!(witness, Witness::None);
        let mut out = vec![claim(
            "T4.orbit",
            Role::Conclusion,
            format!("enclosures of the GD orbit from ({}, {}) for {k_final} steps; the loss at the last step", fmt_q(&self.start[0]), fmt_q(&self.start[1])),
            if bounded { publish(&losses[k_final]) } else { None },
            None,
            &arith,
            witness,
        )];
        let mut inc = claim(
            "T4.loss_increase",
            Role::Conclusion,
            format!(
                "the loss rises above its initial value {}: L(x_{k_peak}) > L(x_0) (catapult)",
                crate::certificate::display_interval(&loss0, &loss0, 4)
            ),
            if bounded {
                publish(&losses[k_peak])
            } else {
                None
            },
            bound_q(">", &loss0),
            &arith,
            Witness::Uses {
                claim: "T4.orbit".into(),
                step: Some(k_peak),
            },
        );
        inc.note = Some(format!("peak at step {k_peak}"));
        out.push(inc);
        match found {
            Some(c) if bounded => {
                out.push(claim(
                    "T4.convergence",
                    Role::Conclusion,
                    format!(
                        "from step {k_final} the orbit stays in an invariant box where |r'| ≤ ρ|r| with ρ < 1: r_k → 0 geometrically and (a, b) converges to a minimiser"
                    ),
                    publish(&c.rho_enclosure),
                    bound_q("<", &q_int(1)),
                    &arith,
                    Witness::Contraction {
                        orbit: "T4.orbit".into(),
                        r_bar: format_exact(&c.r_bar),
                        q_lo: format_exact(&c.q_lo),
                        q_hi: format_exact(&c.q_hi),
                        rho: format_exact(&c.rho),
                        delta: format_exact(&c.delta),
                    },
                ));
                out.push(claim(
                    "T4.final_sharpness",
                    Role::Conclusion,
                    format!("the limit minimiser has sharpness √(4 + q∞²) below the stability threshold 2/μ = {}", fmt_q(&(q_int(2) / mu))),
                    publish(&c.sharpness),
                    bound_q("<", &(q_int(2) / mu)),
                    &arith,
                    uses("T4.convergence"),
                ));
            }
            _ => out.extend(
                undecided_all(
                    &["T4.convergence", "T4.final_sharpness"],
                    &format!(
                        "no invariant contraction box found within {} steps",
                        self.max_steps
                    ),
                    &arith,
                )
                .0,
            ),
        }
        ClaimGroup(out)
    }
}

//! Paper 10 (`pl-asymptotic-rate`): optimal asymptotic rates of GD under the local PL condition
//! (Kassing & Kruse, arXiv 2605.14663).
//!
//! **Statement certified** (derived in `theorems.md` from the Morse–Bott picture of local PL; see
//! `proofs/pl-asymptotic-rate.md`). For a rational step γ > 0, a rational start θ₀ and one of the
//! families `product` (`½(ab − 1)²`), `valley` (`½(1 + x²)y² + (b/2)z²`) and `quartic` (`c·x⁴/4`):
//! - G1: GD converges to a point θ∞ of the minimiser set S (certified by an invariant box that
//!   bounds the whole infinite tail), f satisfies local PL on that box (`μ_PL(B) > 0`), and at the
//!   limit `0 < γλ_max < 2` for the normal Hessian eigenvalues; then the asymptotic rate of
//!   `‖θ_n − θ∞‖` is `ρ* = max_i |1 − γλ_i(θ∞)|` and that of `f − f*` is `ρ*²`, enclosed from the
//!   tail bound on θ∞. Side by side: the PL-only bound `1 − γλ_min(2 − γλ_max)`. The hypotheses are
//!   evaluated at the limit; what the start would give is recorded as information only.
//! - ratio: the observed ratios `(f_{n+1} − f*)/(f_n − f*)`, certified in MPFR down to `f ≈ 1e-60`,
//!   lie in `[ρ*² − ε, ρ*² + ε]` (ρ*² re-certified from that orbit's own tail).
//! - G2 (product family) is an audit, not a claim of the certificate: `gdcert audit
//!   pl-asymptotic-rate` ([`audit`]) runs SGD with multiplicative noise `ξ = ε∇f`, `Var ε = s²`, and
//!   compares the per-trajectory exponent with `E log|1 − γ(1 + ε)w∞|` and the mean-square factor
//!   with `(1 − γw)² + γ²s²w²`; `certify` never produces it.
//!
//! The quartic is the failing family: its minimiser has a zero Hessian, local PL fails
//! (CONDITION_NOT_MET), and GD is certified sublinear.

pub mod audit;
pub mod sgd;

use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{
    bound_q, claim, exact_claim, fmt_q, orbit_witness, publish, uses, RunOptions, Theorem,
};
use crate::arith::exact::{format_exact, q_to_f64, Q};
use crate::arith::ratinterval::round_rel;
use crate::arith::{q_frac, q_int, Arith, Enclosure, Ring};
use crate::certificate::{display_interval, Bound, Claim, Role, Verdict, Witness};
use crate::methods::escalation::{run_at, run_escalating, ArithChoice, Decided, Task};
use crate::methods::identity::identity_holds;
use crate::methods::mean_value::{Orbit, Prepared};
use crate::spec::pl_rate::*;
use crate::spec::two_factor::{imbalance, loss as product_loss, residual};
use crate::spec::Dynamics;
use std::marker::PhantomData;

pub struct PlAsymptoticRate;

const GROUPS: &[&str] = &["G1", "ratio"];
const FAMILIES: &[&str] = &["product", "valley", "quartic"];

/// The default instance (R1), shipped in `certificates/instances/pl-asymptotic-rate/`.
const DEFAULT_INSTANCE: &str =
    include_str!("../../../certificates/instances/pl-asymptotic-rate/r1.toml");

/// Steps of the quartic's ratio orbit (it has no linear rate to reach a target with).
const QUARTIC_HORIZON: usize = 400;

impl Theorem for PlAsymptoticRate {
    fn id(&self) -> &'static str {
        "pl-asymptotic-rate"
    }
    fn title(&self) -> &'static str {
        "Optimal asymptotic rates for (stochastic) GD under the local PL condition (Kassing & Kruse, arXiv 2605.14663)"
    }
    fn statement(&self) -> &'static str {
        "GD theta' = theta - gamma grad f on a family with explicit minimiser set S (product (ab-1)^2/2, valley \
         (1+x^2)y^2/2 + b z^2/2, quartic c x^4/4): if GD converges to theta_inf in S (certified by an invariant \
         box bounding the whole tail), local PL holds there and 0 < gamma lambda_max < 2 at the limit, then \
         limsup ||theta_n - theta_inf||^(1/n) = rho* = max_i |1 - gamma lambda_i(theta_inf)| over the normal Hessian \
         eigenvalues and (f_n - f*)^(1/n) -> rho*^2 (G1), with the PL-only bound 1 - gamma lambda_min (2 - gamma \
         lambda_max) side by side; observed ratios (f_{n+1} - f*)/(f_n - f*) certified down to f ~ 1e-60 approach \
         rho*^2 (ratio). Model derived from the abstract (theorems.md), not \
         from the paper's full text."
    }
    fn claim_groups(&self) -> &'static str {
        "G1 asymptotic rate at the certified limit; ratio observed f-ratios in MPFR (G2 SGD: gdcert audit pl-asymptotic-rate)"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        let p = |key, kind, default, required, help| ParamSpec {
            key,
            kind,
            default,
            required,
            help,
        };
        let int = |min, max| Kind::Integer { min, max };
        vec![
            p("family", Kind::Choices { allowed: FAMILIES }, None, true,
              "the test function: product (½(ab − 1)²), valley (½(1 + x²)y² + (b/2)z²) or quartic (c·x⁴/4)"),
            p("gamma", Kind::Rational { positive: true }, None, true, "the GD step γ > 0, e.g. 0.1"),
            p("theta0", Kind::Rationals { min_len: 1, max_len: 3 }, None, true,
              "the start: [a0, b0] (product), [x0, y0, z0] (valley), [x0] (quartic)"),
            p("b", Kind::Rational { positive: true }, None, false, "the valley's coefficient b > 0"),
            p("c", Kind::Rational { positive: true }, None, false, "the quartic's coefficient c > 0"),
            p("max_steps", int(1, 50_000), Some("5000"), false, "most GD steps in an orbit search (long orbits make large certificates)"),
            p("claims", Kind::Choices { allowed: GROUPS }, Some("G1,ratio"), false,
              "claim groups: G1, ratio"),
            p("ratio.bits", int(64, 4096), Some("320"), false,
              "MPFR precision of the observed-ratio orbit (product, valley; the quartic uses the run's arithmetic)"),
            p("ratio.target", Kind::Rational { positive: true }, Some("1e-60"), false,
              "the ratio window ends where f − f* first falls to this value"),
            p("ratio.window", int(1, 64), Some("6"), false, "number of certified ratios before the target"),
            p("ratio.eps", Kind::Rational { positive: true }, Some("1e-20"), false,
              "half-width ε of the band [ρ*² − ε, ρ*² + ε]"),
            // The audit's keys have no schema default, so certificates do not record them.
            p("sgd.s", Kind::Rational { positive: true }, None, false,
              "audit G2: noise level s (ε ~ N(0, s²)); required by gdcert audit"),
            p("sgd.seed", int(0, i64::MAX), None, false, "audit G2: the first seed (default 0)"),
            p("sgd.runs", int(2, 100_000), None, false, "audit G2: the number of seeds, SGD runs (default 200)"),
            p("sgd.burn_in", int(0, 100_000), None, false, "audit G2: steps before the measured window, K0 (default 30)"),
            p("sgd.steps", int(1, 100_000), None, false, "audit G2: measured steps per run, K, the audit's size (default 300)"),
            p("sgd.tol_exponent", Kind::Rational { positive: true }, None, false,
              "audit G2: tolerance on the median of (observed − predicted) exponents (default 0.05)"),
            p("sgd.tol_mean_square", Kind::Rational { positive: true }, None, false,
              "audit G2: relative tolerance on the median mean-square factor (default 0.05)"),
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/pl-asymptotic-rate/r1.toml",
            DEFAULT_INSTANCE,
        )
    }
    fn auditor(&self) -> Option<&dyn crate::audit::Auditor> {
        Some(self)
    }
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError> {
        let inst = Inst::from_params(params)?;
        Ok(certify(&inst, opts))
    }
}

// ------------------------------------------------------------------------------------------------
// The instance.

/// Options of the observed-ratio group.
#[derive(Clone, Debug)]
pub struct RatioOpts {
    pub bits: u32,
    pub target: Q,
    pub window: usize,
    pub eps: Q,
}

/// Options of the SGD audit (`gdcert audit`; `certify` ignores them).
#[derive(Clone, Debug)]
pub struct SgdOpts {
    pub s: Q,
    pub seed: u64,
    pub runs: usize,
    pub burn_in: usize,
    pub steps: usize,
    pub tol_exponent: Q,
    pub tol_mean_square: Q,
}

/// A validated instance.
#[derive(Clone, Debug)]
pub struct Inst {
    pub family: Family,
    pub gamma: Q,
    pub theta0: Vec<Q>,
    pub max_steps: usize,
    pub groups: Vec<String>,
    pub ratio: RatioOpts,
}

impl Inst {
    fn from_params(p: &Params) -> Result<Self, InputError> {
        let names = p.list("family").unwrap_or(&[]);
        if names.len() != 1 {
            return Err(p.error(
                "family",
                format!("name exactly one family (one of: {})", FAMILIES.join(", ")),
            ));
        }
        let gamma = p
            .q("gamma")
            .cloned()
            .ok_or_else(|| p.error("gamma", "missing required key"))?;
        if gamma > q_int(1000) || gamma < q_frac(1, 1_000_000_000_000) {
            return Err(p.error("gamma", "must lie in [1e-12, 1000]"));
        }
        let coefficient = |key: &str, family: &str| -> Result<Q, InputError> {
            let v = p.q(key).cloned().ok_or_else(|| {
                p.error(
                    key,
                    format!("missing: family = \"{family}\" needs its coefficient `{key}` > 0"),
                )
            })?;
            if v > q_int(1_000_000) {
                return Err(p.error(key, "must lie in (0, 1e6]"));
            }
            Ok(v)
        };
        let reject = |key: &str, family: &str| -> Result<(), InputError> {
            match p.q(key) {
                Some(_) => Err(p.error(
                    key,
                    format!("the `{family}` family has no coefficient `{key}` (b belongs to valley, c to quartic)"),
                )),
                None => Ok(()),
            }
        };
        let (family, dim) = match names[0].as_str() {
            "product" => {
                reject("b", "product")?;
                reject("c", "product")?;
                (Family::Product, 2)
            }
            "valley" => {
                reject("c", "valley")?;
                (
                    Family::Valley {
                        b: coefficient("b", "valley")?,
                    },
                    3,
                )
            }
            _ => {
                reject("b", "quartic")?;
                (
                    Family::Quartic {
                        c: coefficient("c", "quartic")?,
                    },
                    1,
                )
            }
        };
        let theta0 = p
            .qs("theta0")
            .map(|v| v.to_vec())
            .ok_or_else(|| p.error("theta0", "missing required key"))?;
        if theta0.len() != dim {
            let shape = match dim {
                2 => "[a0, b0]",
                3 => "[x0, y0, z0]",
                _ => "[x0]",
            };
            return Err(p.error(
                "theta0",
                format!(
                    "family = \"{}\" has dimension {dim}: expected {shape}, got {} number{}",
                    names[0],
                    theta0.len(),
                    if theta0.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        let big = q_int(1_000_000);
        if theta0.iter().any(|v| *v > big || -v.clone() > big) {
            return Err(p.error("theta0", "every coordinate must lie in [-1e6, 1e6]"));
        }
        let groups: Vec<String> = p
            .list("claims")
            .map(|l| l.to_vec())
            .unwrap_or_else(|| vec!["G1".into(), "ratio".into()]);
        let int = |key: &str, default: i64| p.int(key).unwrap_or(default);
        let ratio = RatioOpts {
            bits: int("ratio.bits", 320) as u32,
            target: p
                .q("ratio.target")
                .cloned()
                .unwrap_or_else(|| crate::arith::parse_q("1e-60").unwrap_or_default()),
            window: int("ratio.window", 6) as usize,
            eps: p
                .q("ratio.eps")
                .cloned()
                .unwrap_or_else(|| crate::arith::parse_q("1e-20").unwrap_or_default()),
        };
        if ratio.target >= q_int(1) {
            return Err(p.error("ratio.target", "must lie in (0, 1)"));
        }
        if ratio.eps >= q_int(1) {
            return Err(p.error("ratio.eps", "must lie in (0, 1)"));
        }
        Ok(Inst {
            family,
            gamma,
            theta0,
            max_steps: int("max_steps", 5000) as usize,
            groups,
            ratio,
        })
    }

    fn wants(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

const RATE_IDS: [&str; 3] = ["G1.rate", "G1.rate_f", "G1.pl_only_rate"];

// ------------------------------------------------------------------------------------------------
// Certification.

/// Certifies every requested claim group.
pub fn certify(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let mut out = vec![];
    let in_s = inst.family.start_in_s(&inst.theta0);
    if inst.wants("G1") {
        crate::progress::stage("G1: identities");
        for i in inst.family.identities(&inst.gamma) {
            let holds = identity_holds(&i.differences, &i.relations);
            out.push(exact_claim(
                i.id,
                Role::Conclusion,
                i.statement,
                None,
                None,
                holds,
            ));
        }
    }
    match (&inst.family, in_s) {
        (_, true) => {
            if inst.wants("G1") {
                out.extend(exact_path(inst));
            }
        }
        (Family::Quartic { c }, false) => out.extend(quartic_claims(inst, c, opts)),
        (Family::Product, false) => {
            let fam = ProductFam {
                gamma: inst.gamma.clone(),
                start: [inst.theta0[0].clone(), inst.theta0[1].clone()],
            };
            out.extend(tail_family_claims(inst, &fam, opts));
        }
        (Family::Valley { b }, false) => {
            let fam = ValleyFam {
                gamma: inst.gamma.clone(),
                b: b.clone(),
                start: [
                    inst.theta0[0].clone(),
                    inst.theta0[1].clone(),
                    inst.theta0[2].clone(),
                ],
            };
            if inst.family.z_diverges(&inst.gamma, &inst.theta0) {
                if inst.wants("G1") {
                    out.extend(start_claims(inst, opts));
                    let f = q_int(1) - &inst.gamma * b;
                    let af = if f < q_int(0) { -f } else { f };
                    out.push(exact_claim(
                        "G1.hyp.convergence",
                        Role::Hypothesis,
                        format!(
                            "z_n = z0·(1 − γb)^n with z0 ≠ 0 and |1 − γb| = {} ≥ 1: GD does not converge to S",
                            fmt_q(&af)
                        ),
                        Some(&af),
                        bound_q("<", &q_int(1)),
                        false,
                    ));
                }
            } else {
                out.extend(tail_family_claims(inst, &fam, opts));
            }
        }
    }
    out
}

/// The output of a task: its claims, and whether more precision could change them.
struct Outcome {
    claims: Vec<Claim>,
    /// False when the enclosures blew up (a higher precision may decide more).
    settled: bool,
}

impl Decided for Outcome {
    fn decided(&self) -> bool {
        self.settled || self.claims.iter().all(|c| c.verdict != Verdict::Undecided)
    }
}

/// Runs a task from `start`, escalating precision while it is undecided for lack of precision.
fn escalate_from<T: Task<Output = Outcome>>(
    start: ArithChoice,
    opts: &RunOptions,
    task: &T,
) -> Vec<Claim> {
    if start.is_rigorous() {
        run_escalating(start, opts.max_bits.max(start.bits()), task)
            .0
            .claims
    } else {
        run_at(start, task).claims
    }
}

/// An undecided claim with its role, listed so that a certificate holds every claim it states.
fn undecided(id: &str, role: Role, why: &str, arith: &str) -> Claim {
    claim(id, role, why, None, None, arith, Witness::None)
}

fn role_of(id: &str) -> Role {
    if id.contains(".hyp.") || id == "ratio.tail" {
        Role::Hypothesis
    } else {
        Role::Conclusion
    }
}

fn undecided_ids(ids: &[&str], why: &str, arith: &str) -> Vec<Claim> {
    ids.iter()
        .map(|id| undecided(id, role_of(id), why, arith))
        .collect()
}

/// Turns a VIOLATED observation into UNDECIDED: a finite window that misses an asymptotic band does
/// not refute a limit.
fn observation(mut c: Claim, why_not: &str) -> Claim {
    if c.verdict == Verdict::Violated {
        c.verdict = Verdict::Undecided;
        c.note = Some(why_not.to_string());
    }
    c
}

// ------------------------------------------------------------------------------------------------
// The exact path: a start on S is a fixed point of GD.

fn exact_path(inst: &Inst) -> Vec<Claim> {
    let g = &inst.gamma;
    let t = &inst.theta0;
    let (lmin, lmax, pl, coords) = inst.family.limit_on_s(t);
    let zero = q_int(0);
    let mut out = vec![exact_claim(
        "G1.hyp.convergence",
        Role::Hypothesis,
        "θ0 lies on S (f(θ0) = f*): it is a fixed point of GD, so θ_n = θ0 = θ∞ for every n",
        Some(&zero),
        bound_q("=", &zero),
        true,
    )];
    out.push(exact_claim(
        "G1.hyp.local_pl",
        Role::Hypothesis,
        format!(
            "local PL near θ∞: μ_PL of small balls around θ∞ tends to {} (G1.identity.pl), which must be > 0",
            fmt_q(&pl)
        ),
        Some(&pl),
        bound_q(">", &zero),
        pl > zero,
    ));
    for (id, v) in inst.family.coordinate_ids().iter().zip(&coords) {
        out.push(exact_claim(
            id,
            Role::Conclusion,
            "the limit θ∞ = θ0, exactly",
            Some(v),
            None,
            true,
        ));
    }
    out.push(exact_claim(
        "G1.limit.lambda_min",
        Role::Conclusion,
        "smallest normal Hessian eigenvalue at θ∞",
        Some(&lmin),
        None,
        true,
    ));
    out.push(exact_claim(
        "G1.limit.lambda_max",
        Role::Conclusion,
        "largest normal Hessian eigenvalue at θ∞",
        Some(&lmax),
        None,
        true,
    ));
    let glm = g * &lmax;
    let step_ok = glm > zero && glm < q_int(2) && lmin > zero;
    out.push(exact_claim(
        "G1.hyp.step_at_limit",
        Role::Hypothesis,
        "0 < γλ_max(θ∞) < 2 at the limit",
        Some(&glm),
        Some(Bound::new("in_open", &zero, &q_int(2))),
        glm > zero && glm < q_int(2),
    ));
    if step_ok {
        let abs = |v: Q| if v < q_int(0) { -v } else { v };
        let r1 = abs(q_int(1) - g * &lmin);
        let r2 = abs(q_int(1) - g * &lmax);
        let rho = if r1 >= r2 { r1 } else { r2 };
        let rho2 = &rho * &rho;
        let pl_only = q_int(1) - g * &lmin * (q_int(2) - g * &lmax);
        out.push(exact_claim(
            "G1.rate",
            Role::Conclusion,
            "ρ* = max_i |1 − γλ_i(θ∞)|, the asymptotic rate of ‖θ_n − θ∞‖",
            Some(&rho),
            bound_q("<", &q_int(1)),
            rho < q_int(1),
        ));
        out.push(exact_claim(
            "G1.rate_f",
            Role::Conclusion,
            "ρ*², the asymptotic rate of f(θ_n) − f*",
            Some(&rho2),
            bound_q("<", &q_int(1)),
            rho2 < q_int(1),
        ));
        let mut c = exact_claim(
            "G1.pl_only_rate",
            Role::Conclusion,
            "the PL-only bound 1 − γλ_min(2 − γλ_max) on the f-rate (μ_PL and L at θ∞)",
            Some(&pl_only),
            None,
            true,
        );
        c.note = Some(pepit_line(
            &rho2_display(&rho2, &rho2),
            &rho2_display(&pl_only, &pl_only),
        ));
        out.push(c);
    }
    out
}

/// A short, readable form of an exact parameter (`1e-20` rather than its twenty-digit decimal).
fn short_q(v: &Q) -> String {
    let exact = format_exact(v);
    if exact.len() <= 12 {
        exact
    } else {
        crate::arith::exact::format_directed(v, 6, true)
    }
}

fn rho2_display(lo: &Q, hi: &Q) -> String {
    display_interval(lo, hi, 8)
}

/// The PEPit-style side-by-side line: the certified quadratic rate and the PL-only bound.
fn pepit_line(rho2: &str, pl_only: &str) -> String {
    format!("certified ρ*² = {rho2}  vs  PL-only bound 1 − γμ_PL(2 − γL) = {pl_only}")
}

// ------------------------------------------------------------------------------------------------
// Information about the start (never a hypothesis: G1 evaluates its hypotheses at the limit).

struct StartTask<'a> {
    inst: &'a Inst,
}

impl Task for StartTask<'_> {
    type Output = Outcome;
    fn run<S: Arith>(&self, unit: &S) -> Outcome {
        let arith = unit.arith_name();
        let Some(l) = self.inst.family.start_lambda(&self.inst.theta0, unit) else {
            return Outcome {
                claims: vec![],
                settled: true,
            };
        };
        let gl = l.clone() * &unit.constant(&self.inst.gamma);
        let reference = match self.inst.family {
            Family::Product => "the minimiser the gradient flow from θ0 reaches (same imbalance q0 = a0² − b0²), λ = √(4 + q0²)",
            _ => "the projection (x0, 0, 0) of θ0 on S, λ_max = max(1 + x0², b)",
        };
        let inside = gl.gt(&unit.int(0)).and(gl.lt(&unit.int(2)));
        let verdict_there = match inside {
            crate::arith::Tri::True => "inside (0, 2): the step hypothesis would hold there",
            crate::arith::Tri::False => "outside (0, 2): evaluated there the step hypothesis fails (CONDITION_NOT_MET there)",
            crate::arith::Tri::Unknown => "undecided against (0, 2)",
        };
        let mut a = claim(
            "G1.start.lambda_max",
            Role::Conclusion,
            format!("information, not a hypothesis: λ_max at {reference}"),
            publish(&l),
            None,
            &arith,
            Witness::Exact,
        );
        a.note = Some(
            "the initial neighbourhood; the rate claims use the certified limit instead".into(),
        );
        let mut b = claim(
            "G1.start.step_condition",
            Role::Conclusion,
            format!("information, not a hypothesis: γλ_max near the start is {verdict_there}; G1 evaluates 0 < γλ_max < 2 at the limit (G1.hyp.step_at_limit), and no rate is derived from the start"),
            publish(&gl),
            None,
            &arith,
            Witness::Exact,
        );
        b.note = Some("γλ_max near the start".into());
        Outcome {
            settled: true,
            claims: vec![a, b],
        }
    }
}

fn start_claims(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    escalate_from(opts.arith, opts, &StartTask { inst })
}

// ------------------------------------------------------------------------------------------------
// Families with an invariant tail box (product, valley).

/// An invariant box of the tail, found around the last box of an orbit.
struct TailFound<S> {
    witness: Witness,
    /// The contraction factor over the box (`< 1` proves convergence).
    factor: S,
    /// The PL function over the box (`w`, or `min(1 + x², b)`): its infimum is μ_PL(B).
    pl: S,
    /// The limit coordinates, in the order of [`coordinate_ids`].
    coords: Vec<S>,
    lambda_min: S,
    lambda_max: S,
    /// Whether the tail bound is as narrow as the box (more steps would not help).
    tight: bool,
}

trait TailFamily<const N: usize> {
    type Map: Dynamics<N>;
    fn map(&self) -> Self::Map;
    fn start(&self) -> [Q; N];
    fn gamma(&self) -> &Q;
    fn loss<T: Ring>(&self, x: &[T; N]) -> T;
    fn tail<S: Arith>(&self, x: &[S; N], orbit: &str) -> Option<TailFound<S>>;
    /// `f(θ_{n+1})/f(θ_n)` over the box, `None` unless `f > f*` on it.
    fn ratio<S: Arith>(&self, x: &[S; N]) -> Option<S>;
    /// Whether the start excites every normal mode (then the ratios tend to ρ*², not below).
    fn generic(&self) -> bool;
    fn family(&self) -> Family;
}

struct ProductFam {
    gamma: Q,
    start: [Q; 2],
}

impl TailFamily<2> for ProductFam {
    type Map = crate::spec::two_factor::ProductMap;
    fn map(&self) -> Self::Map {
        product_map(&self.gamma)
    }
    fn start(&self) -> [Q; 2] {
        self.start.clone()
    }
    fn gamma(&self) -> &Q {
        &self.gamma
    }
    fn loss<T: Ring>(&self, x: &[T; 2]) -> T {
        product_loss(x)
    }
    fn tail<S: Arith>(&self, x: &[S; 2], orbit: &str) -> Option<TailFound<S>> {
        let unit = &x[0];
        let c = super::two_factor::contraction(&self.gamma, x)?;
        let q_all = unit.from_bounds(&c.q_lo, &c.q_hi)
            * &unit.from_bounds(&(q_int(1) - &c.delta), &q_int(1));
        let r = unit.from_bounds(&-c.r_bar.clone(), &c.r_bar);
        let p = r + &unit.int(1);
        let w_box = (p.sqr() * &unit.int(4) + &q_all.sqr()).sqrt();
        let positive = (x[0].clone() + &x[1]).gt(&unit.int(0)).is_true();
        let negative = (x[0].clone() + &x[1]).lt(&unit.int(0)).is_true();
        if !(positive || negative) {
            return None;
        }
        let [a, b] = product_limit_point(&q_all, positive);
        let w = c.sharpness.clone();
        let qmax = qabs(&c.q_lo).max(qabs(&c.q_hi));
        let tight = c.delta == q_int(0)
            || q_to_f64(&(&c.delta * &qmax)) <= imbalance(x).width_f64().max(f64::MIN_POSITIVE);
        Some(TailFound {
            witness: Witness::Contraction {
                orbit: orbit.into(),
                r_bar: format_exact(&c.r_bar),
                q_lo: format_exact(&c.q_lo),
                q_hi: format_exact(&c.q_hi),
                rho: format_exact(&c.rho),
                delta: format_exact(&c.delta),
            },
            factor: c.rho_enclosure,
            pl: w_box,
            coords: vec![a, b],
            lambda_min: w.clone(),
            lambda_max: w,
            tight,
        })
    }
    fn ratio<S: Arith>(&self, x: &[S; 2]) -> Option<S> {
        let r = residual(x);
        if !(r.gt(&x[0].int(0)).or(r.lt(&x[0].int(0)))).is_true() {
            return None;
        }
        Some(product_ratio(&self.gamma, x))
    }
    fn generic(&self) -> bool {
        Family::Product.generic_start(&self.start)
    }
    fn family(&self) -> Family {
        Family::Product
    }
}

struct ValleyFam {
    gamma: Q,
    b: Q,
    start: [Q; 3],
}

fn qabs(v: &Q) -> Q {
    if *v < q_int(0) {
        -v.clone()
    } else {
        v.clone()
    }
}

/// Whether an enclosure is exactly the point 0 (an inactive mode).
fn is_zero<S: Enclosure>(x: &S) -> bool {
    x.bounds()
        .is_some_and(|(lo, hi)| lo == q_int(0) && hi == q_int(0))
}

/// The valley's invariant tail box around `x` (see `proofs/pl-asymptotic-rate.md`): `|y| ≤ ȳ`,
/// `x ∈ X·[1 − δ, 1]`, `sup |1 − γ(1 + x²)| ≤ ρ < 1` there (needed only while y is active),
/// `γȳ² ≤ 1/4` and `γȳ²/(1 − ρ²) ≤ δ < 1`; z contracts by the exact factor `|1 − γb| < 1`.
pub struct ValleyTailBox<S> {
    pub y_bar: Q,
    pub x_lo: Q,
    pub x_hi: Q,
    pub rho: Q,
    pub delta: Q,
    pub x_all: S,
    pub y_factor: S,
}

pub fn valley_tail<S: Arith>(gamma: &Q, b: &Q, x: &[S; 3]) -> Option<ValleyTailBox<S>> {
    let unit = &x[0];
    let (x_lo, x_hi) = x[0].bounds()?;
    let (y_lo, y_hi) = x[1].bounds()?;
    x[2].bounds()?;
    let ymax = if -y_lo.clone() > y_hi { -y_lo } else { y_hi };
    let y_bar = if ymax == q_int(0) {
        q_int(0)
    } else {
        round_rel(&ymax, 40, true)
    };
    let zf = q_int(1) - gamma * b;
    if !is_zero(&x[2]) && (zf >= q_int(1) || zf <= q_int(-1)) {
        return None;
    }
    let gy2 = gamma * &y_bar * &y_bar;
    if gy2 > q_frac(1, 4) {
        return None;
    }
    let mut delta = round_rel(&(q_int(4) * &gy2), 20, true);
    for _ in 0..6 {
        if delta >= q_int(1) {
            return None;
        }
        let x_all =
            unit.from_bounds(&x_lo, &x_hi) * &unit.from_bounds(&(q_int(1) - &delta), &q_int(1));
        let fy = valley_y_factor(gamma, &x_all).abs();
        let (_, rho) = publish(&fy)?;
        if y_bar > q_int(0) && rho >= q_int(1) {
            return None;
        }
        let need = if y_bar == q_int(0) {
            q_int(0)
        } else {
            &gy2 / (q_int(1) - &rho * &rho)
        };
        if need <= delta {
            return Some(ValleyTailBox {
                y_bar,
                x_lo,
                x_hi,
                rho,
                delta,
                x_all,
                y_factor: fy,
            });
        }
        delta = round_rel(&(q_int(2) * &need), 20, true);
    }
    None
}

impl TailFamily<3> for ValleyFam {
    type Map = ValleyMap;
    fn map(&self) -> ValleyMap {
        ValleyMap {
            gamma: self.gamma.clone(),
            b: self.b.clone(),
        }
    }
    fn start(&self) -> [Q; 3] {
        self.start.clone()
    }
    fn gamma(&self) -> &Q {
        &self.gamma
    }
    fn loss<T: Ring>(&self, x: &[T; 3]) -> T {
        valley_loss(&self.b, x)
    }
    fn tail<S: Arith>(&self, x: &[S; 3], orbit: &str) -> Option<TailFound<S>> {
        let unit = &x[0];
        let t = valley_tail(&self.gamma, &self.b, x)?;
        let zf = unit.constant(&(q_int(1) - &self.gamma * &self.b)).abs();
        let y_active = t.y_bar > q_int(0);
        let z_active = !is_zero(&x[2]);
        let factor = match (y_active, z_active) {
            (true, true) => enclosure_max(&t.y_factor, &zf),
            (true, false) => t.y_factor.clone(),
            (false, true) => zf,
            (false, false) => unit.int(0),
        };
        let bq = unit.constant(&self.b);
        let ly = t.x_all.sqr() + &unit.int(1);
        let pl = enclosure_min(&ly, &bq);
        let xmax = qabs(&t.x_lo).max(qabs(&t.x_hi));
        let tight = t.delta == q_int(0)
            || q_to_f64(&(&t.delta * &xmax)) <= x[0].width_f64().max(f64::MIN_POSITIVE);
        Some(TailFound {
            witness: Witness::ValleyTail {
                orbit: orbit.into(),
                y_bar: format_exact(&t.y_bar),
                x_lo: format_exact(&t.x_lo),
                x_hi: format_exact(&t.x_hi),
                rho: format_exact(&t.rho),
                delta: format_exact(&t.delta),
            },
            factor,
            pl: pl.clone(),
            coords: vec![t.x_all.clone()],
            lambda_min: enclosure_min(&ly, &bq),
            lambda_max: enclosure_max(&ly, &bq),
            tight,
        })
    }
    fn ratio<S: Arith>(&self, x: &[S; 3]) -> Option<S> {
        let zero = x[0].int(0);
        let nonzero = |v: &S| v.gt(&zero).or(v.lt(&zero)).is_true();
        // f > f* on the box: y or z is nonzero throughout it (an inactive mode is exactly 0).
        if !(nonzero(&x[1]) || nonzero(&x[2])) {
            return None;
        }
        let (ya, za) = (!is_zero(&x[1]), !is_zero(&x[2]));
        Some(valley_ratio(&self.gamma, &self.b, x, ya, za))
    }
    fn generic(&self) -> bool {
        self.family().generic_start(&self.start)
    }
    fn family(&self) -> Family {
        Family::Valley { b: self.b.clone() }
    }
}

fn tail_family_claims<F: TailFamily<N>, const N: usize>(
    inst: &Inst,
    fam: &F,
    opts: &RunOptions,
) -> Vec<Claim> {
    let mut out = vec![];
    if inst.wants("G1") {
        out.extend(start_claims(inst, opts));
        crate::progress::stage("G1: the orbit and its invariant tail box");
        out.extend(escalate_from(
            opts.arith,
            opts,
            &G1Task {
                fam,
                max_steps: inst.max_steps,
                dim: PhantomData,
            },
        ));
    }
    if inst.wants("ratio") {
        crate::progress::stage("ratio: observed ratios in MPFR");
        let start = if opts.arith.is_rigorous() {
            ArithChoice::Mpfr(inst.ratio.bits.max(opts.arith.bits()))
        } else {
            opts.arith
        };
        out.extend(escalate_from(
            start,
            opts,
            &RatioTask {
                fam,
                inst,
                dim: PhantomData,
            },
        ));
    }
    out
}

/// Iterates the orbit from the start until a box passes the cheap test `ready` and then has a tail
/// that `done` accepts (or the steps run out, or the enclosures blow up). Returns the orbit, the
/// tail at its last box, and whether it blew up.
fn orbit_to_tail<F: TailFamily<N>, S: Arith, const N: usize>(
    fam: &F,
    unit: &S,
    max_steps: usize,
    orbit_id: &str,
    mut ready: impl FnMut(usize, &[S; N]) -> bool,
    mut done: impl FnMut(&TailFound<S>) -> bool,
) -> (Orbit<S, N>, Option<TailFound<S>>, bool) {
    let map = fam.map();
    let prep = Prepared::new(&map, unit);
    let x0: [S; N] = std::array::from_fn(|i| unit.constant(&fam.start()[i]));
    let mut blew_up = false;
    let orbit = Orbit::iterate(&prep, x0, max_steps, |k, x| {
        if x.iter()
            .any(|v| v.width_f64() > 1e-3 * (1.0 + v.mid_f64().abs()))
        {
            blew_up = true;
            return true;
        }
        ready(k, x) && fam.tail(x, orbit_id).is_some_and(|t| done(&t))
    });
    let last = orbit.last();
    if last.iter().any(|v| v.bounds().is_none()) {
        blew_up = true;
    }
    let tail = if blew_up {
        None
    } else {
        fam.tail(last, orbit_id)
    };
    (orbit, tail, blew_up)
}

/// Steps at which to look for a tail: every step at first, then with a geometric back-off (about
/// one step in eight), so that a slowly converging orbit costs few tail searches.
fn backoff<S: Arith, const N: usize>() -> impl FnMut(usize, &[S; N]) -> bool {
    let mut next = 0usize;
    move |k, _| {
        if k < next {
            return false;
        }
        next = k + 1 + k / 8;
        true
    }
}

/// The outcome of an orbit search that found no tail box: every claim undecided. The orbit itself
/// is not recorded, since without a tail it proves nothing the theorem states.
fn no_tail(orbit_id: &str, dependent: &[&str], why: &str, arith: &str, blew_up: bool) -> Outcome {
    let mut claims = undecided_ids(&[orbit_id], why, arith);
    claims.extend(undecided_ids(dependent, why, arith));
    Outcome {
        claims,
        settled: !blew_up,
    }
}

struct G1Task<'a, F, const N: usize> {
    fam: &'a F,
    max_steps: usize,
    dim: PhantomData<[(); N]>,
}

impl<F: TailFamily<N>, const N: usize> Task for G1Task<'_, F, N> {
    type Output = Outcome;
    fn run<S: Arith>(&self, unit: &S) -> Outcome {
        let fam = self.fam;
        let arith = unit.arith_name();
        let g = fam.gamma().clone();
        let (orbit, tail, blew_up) =
            orbit_to_tail(fam, unit, self.max_steps, "G1.orbit", backoff(), |t| {
                t.tight
            });
        let k = orbit.boxes.len() - 1;
        let witness = orbit_witness(fam.map().name(), &fam.start(), &orbit);
        let bounded = witness.is_some();
        let mut out = vec![claim(
            "G1.orbit",
            Role::Conclusion,
            format!("enclosures of the GD orbit from θ0 for {k} steps; f at the last step"),
            if bounded {
                publish(&fam.loss(orbit.last()))
            } else {
                None
            },
            None,
            &arith,
            witness.unwrap_or(Witness::None),
        )];
        let coords = fam.family().coordinate_ids();
        let mut dependent: Vec<&str> = vec!["G1.hyp.convergence", "G1.hyp.local_pl"];
        dependent.extend(coords.iter());
        dependent.extend([
            "G1.limit.lambda_min",
            "G1.limit.lambda_max",
            "G1.hyp.step_at_limit",
        ]);
        dependent.extend(RATE_IDS);
        let Some(t) = tail.filter(|_| bounded) else {
            let why = if blew_up {
                format!("the orbit enclosures grew too wide by step {k} in {arith}: no invariant tail box")
            } else {
                format!("no invariant tail box found within {k} steps (GD may not converge, or converge too slowly: raise max_steps)")
            };
            return no_tail("G1.orbit", &dependent, &why, &arith, blew_up);
        };
        let conv = "G1.hyp.convergence";
        out.push(claim(
            conv,
            Role::Hypothesis,
            format!("from step {k} the orbit stays in an invariant box B whose contraction factor is < 1: θ_n → θ∞ ∈ S, and B bounds the whole infinite tail"),
            publish(&t.factor),
            bound_q("<", &q_int(1)),
            &arith,
            t.witness.clone(),
        ));
        let pl_stmt = match fam.family() {
            Family::Product => "local PL on B: ½‖∇f‖² = w·(f − f*) (G1.identity.pl), so μ_PL(B) = inf_B w ≥ the lower end > 0",
            _ => "local PL on B: μ_PL(B) = inf_B min(1 + x², b) (G1.identity.pl) ≥ the lower end > 0",
        };
        out.push(claim(
            "G1.hyp.local_pl",
            Role::Hypothesis,
            pl_stmt,
            publish(&t.pl),
            bound_q(">", &q_int(0)),
            &arith,
            uses(conv),
        ));
        for (id, v) in coords.iter().zip(&t.coords) {
            out.push(claim(
                id,
                Role::Conclusion,
                "the limit θ∞, enclosed by the tail bound",
                publish(v),
                None,
                &arith,
                uses(conv),
            ));
        }
        out.push(claim(
            "G1.limit.lambda_min",
            Role::Conclusion,
            "smallest normal Hessian eigenvalue λ_min(θ∞)",
            publish(&t.lambda_min),
            None,
            &arith,
            uses(conv),
        ));
        out.push(claim(
            "G1.limit.lambda_max",
            Role::Conclusion,
            "largest normal Hessian eigenvalue λ_max(θ∞)",
            publish(&t.lambda_max),
            None,
            &arith,
            uses(conv),
        ));
        let glm = t.lambda_max.clone() * &unit.constant(&g);
        let step = claim(
            "G1.hyp.step_at_limit",
            Role::Hypothesis,
            "0 < γλ_max(θ∞) < 2, evaluated at the certified limit (not at the start)",
            publish(&glm),
            Some(Bound::new("in_open", &q_int(0), &q_int(2))),
            &arith,
            uses(conv),
        );
        let step_verdict = step.verdict;
        out.push(step);
        if step_verdict != Verdict::ConditionNotMet {
            let rho = rate(&g, &t.lambda_min, &t.lambda_max);
            let rho2 = rho.sqr();
            let pl_only = pl_only_rate(&g, &t.lambda_min, &t.lambda_max);
            out.push(claim("G1.rate", Role::Conclusion, "ρ* = max_i |1 − γλ_i(θ∞)|: limsup ‖θ_n − θ∞‖^(1/n) = ρ* (the asymptotic rate, at the limit)", publish(&rho), bound_q("<", &q_int(1)), &arith, uses(conv)));
            out.push(claim(
                "G1.rate_f",
                Role::Conclusion,
                "ρ*²: (f(θ_n) − f*)^(1/n) → ρ*²",
                publish(&rho2),
                bound_q("<", &q_int(1)),
                &arith,
                uses(conv),
            ));
            let mut c = claim("G1.pl_only_rate", Role::Conclusion, "the PL-only bound 1 − γλ_min(2 − γλ_max) on the f-rate (μ_PL and L at θ∞, the best constants of any neighbourhood): never below ρ*², equal only when λ_min = λ_max", publish(&pl_only), None, &arith, uses(conv));
            c.note = Some(pepit_line(
                &super::box_display(&rho2),
                &super::box_display(&pl_only),
            ));
            out.push(c);
        }
        // With a tail found, whatever is still undecided is a matter of width: more precision helps.
        Outcome {
            claims: out,
            settled: false,
        }
    }
}

struct RatioTask<'a, F, const N: usize> {
    fam: &'a F,
    inst: &'a Inst,
    dim: PhantomData<[(); N]>,
}

const RATIO_DEPENDENT: [&str; 4] = [
    "ratio.tail",
    "ratio.rate_f",
    "ratio.f_reached",
    "ratio.window",
];

impl<F: TailFamily<N>, const N: usize> Task for RatioTask<'_, F, N> {
    type Output = Outcome;
    fn run<S: Arith>(&self, unit: &S) -> Outcome {
        let fam = self.fam;
        let o = &self.inst.ratio;
        let arith = unit.arith_name();
        let g = fam.gamma().clone();
        let target = unit.constant(&o.target);
        let window = o.window;
        let (orbit, tail, blew_up) = orbit_to_tail(
            fam,
            unit,
            self.inst.max_steps,
            "ratio.orbit",
            |k, x| k >= window && fam.loss(x).le(&target).is_true(),
            |_| true,
        );
        let n_last = orbit.boxes.len() - 1;
        let witness = orbit_witness(fam.map().name(), &fam.start(), &orbit);
        let bounded = witness.is_some();
        let f_last = fam.loss(orbit.last());
        let mut out = vec![claim(
            "ratio.orbit",
            Role::Conclusion,
            format!("enclosures of the GD orbit from θ0 for {n_last} steps in {arith}; f at the last step"),
            if bounded { publish(&f_last) } else { None },
            None,
            &arith,
            witness.unwrap_or(Witness::None),
        )];
        let Some(t) = tail.filter(|_| bounded) else {
            let why = if blew_up {
                format!("the ratio orbit grew too wide by step {n_last} in {arith}")
            } else {
                format!("no invariant tail box within {n_last} steps")
            };
            return no_tail("ratio.orbit", &RATIO_DEPENDENT, &why, &arith, blew_up);
        };
        out.push(claim(
            "ratio.tail",
            Role::Hypothesis,
            format!("the ratio orbit ends (step {n_last}) in an invariant tail box: θ_n → θ∞ ∈ S"),
            publish(&t.factor),
            bound_q("<", &q_int(1)),
            &arith,
            t.witness.clone(),
        ));
        let rho = rate(&g, &t.lambda_min, &t.lambda_max);
        let rho2 = rho.sqr();
        let rho2_pub = publish(&rho2);
        out.push(claim(
            "ratio.rate_f",
            Role::Conclusion,
            format!("ρ*² = max_i (1 − γλ_i(θ∞))², re-enclosed from this orbit's tail in {arith}"),
            rho2_pub.clone(),
            None,
            &arith,
            uses("ratio.tail"),
        ));
        let mut reached = claim(
            "ratio.f_reached",
            Role::Conclusion,
            format!(
                "f(θ_{n_last}) − f* ≤ ratio.target = {}: the window reaches the asymptotic regime",
                short_q(&o.target)
            ),
            publish(&f_last),
            bound_q("<=", &o.target),
            &arith,
            Witness::Uses {
                claim: "ratio.orbit".into(),
                step: Some(n_last),
            },
        );
        reached = observation(reached, "the target was not reached within max_steps");
        out.push(reached);
        let rho2_ok = rho2_pub.as_ref().is_some_and(|(_, hi)| *hi < q_int(1));
        if rho2_pub.is_some() && !rho2_ok {
            // ρ* ≥ 1 is possible here only when a mode that the start does not excite fails the
            // step hypothesis; the theorem then says nothing and no band is stated.
            return Outcome {
                claims: out,
                settled: true,
            };
        }
        out.extend(window_claims(fam, &orbit, n_last, window, &arith, |hull| {
            let (lo, hi) = rho2_pub.clone()?;
            let eps = &o.eps;
            let bound = if fam.generic() {
                Bound::new("in", &(lo - eps), &(hi.clone() + eps))
            } else {
                Bound::point("<=", &(hi + eps))
            };
            let mut c = claim(
                "ratio.window",
                Role::Conclusion,
                if fam.generic() {
                    format!("the certified ratios (f_{{n+1}} − f*)/(f_n − f*) for n in [{}, {}) lie in [ρ*² − ε, ρ*² + ε], ε = {}", n_last - window, n_last, short_q(eps))
                } else {
                    format!("the start leaves a normal mode unexcited: the ratios for n in [{}, {}) stay ≤ ρ*² + ε, ε = {} (equality needs a generic start)", n_last - window, n_last, short_q(eps))
                },
                publish(hull),
                Some(bound),
                &arith,
                Witness::Uses { claim: "ratio.orbit".into(), step: Some(n_last) },
            );
            let pl_only = pl_only_rate(&g, &t.lambda_min, &t.lambda_max);
            c.note = Some(format!("observed {} → {}", super::box_display(hull), pepit_line(&super::box_display(&rho2), &super::box_display(&pl_only))));
            Some(observation(c, "the window has not reached the band yet: lower ratio.target or raise ratio.eps"))
        }));
        Outcome {
            claims: out,
            settled: !blew_up,
        }
    }
}

/// The per-step ratio claims of the window `[n_last − window, n_last)` and the window claim built
/// by `window_claim` from their hull (UNDECIDED when a ratio is undefined or the window is short).
fn window_claims<F: TailFamily<N>, S: Arith, const N: usize>(
    fam: &F,
    orbit: &Orbit<S, N>,
    n_last: usize,
    window: usize,
    arith: &str,
    window_claim: impl FnOnce(&S) -> Option<Claim>,
) -> Vec<Claim> {
    ratio_window(|x| fam.ratio(x), orbit, n_last, window, arith, window_claim)
}

fn ratio_window<S: Arith, const N: usize>(
    ratio: impl Fn(&[S; N]) -> Option<S>,
    orbit: &Orbit<S, N>,
    n_last: usize,
    window: usize,
    arith: &str,
    window_claim: impl FnOnce(&S) -> Option<Claim>,
) -> Vec<Claim> {
    let mut out = vec![];
    if n_last < window {
        return undecided_ids(
            &["ratio.window"],
            "the orbit is shorter than the window",
            arith,
        );
    }
    let mut hull: Option<S> = None;
    for n in n_last - window..n_last {
        let Some(r) = ratio(&orbit.boxes[n]) else {
            return undecided_ids(
                &["ratio.window"],
                &format!("f − f* is not certified positive at step {n}: the ratio is undefined"),
                arith,
            );
        };
        out.push(claim(
            &format!("ratio.n.{n}"),
            Role::Conclusion,
            format!("(f_{} − f*)/(f_{n} − f*)", n + 1),
            publish(&r),
            None,
            arith,
            Witness::Uses {
                claim: "ratio.orbit".into(),
                step: Some(n),
            },
        ));
        hull = Some(match hull {
            None => r,
            Some(h) => h.hull(&r),
        });
    }
    match hull.as_ref().and_then(window_claim) {
        Some(c) => out.push(c),
        None => out.extend(undecided_ids(
            &["ratio.window"],
            "the ratios or ρ*² could not be enclosed",
            arith,
        )),
    }
    out
}

// ------------------------------------------------------------------------------------------------
// The quartic: local PL fails.

fn quartic_claims(inst: &Inst, c: &Q, opts: &RunOptions) -> Vec<Claim> {
    let g = &inst.gamma;
    let x0 = &inst.theta0[0];
    let u0 = g * c * x0 * x0;
    let converges = u0 < q_int(2);
    let mut out = vec![];
    if inst.wants("G1") {
        out.push(exact_claim(
            "G1.hyp.convergence",
            Role::Hypothesis,
            format!("u0 = γc·x0² = {} < 2: |x_{{n+1}}| = |x_n|·|1 − γc·x_n²| < |x_n|, and the only possible limit is 0 ∈ S", fmt_q(&u0)),
            Some(&u0),
            bound_q("<", &q_int(2)),
            converges,
        ));
        if !converges {
            return out;
        }
        let zero = q_int(0);
        out.push(exact_claim(
            "G1.hyp.local_pl",
            Role::Hypothesis,
            "local PL at 0: by G1.identity.pl the best constant on any neighbourhood U of 0 is μ_PL(U) = inf_U 2c·x² = 0",
            Some(&zero),
            bound_q(">", &zero),
            false,
        ));
        out.push(exact_claim(
            "G1.limit.x",
            Role::Conclusion,
            "the limit θ∞ = 0",
            Some(&zero),
            None,
            true,
        ));
        for id in ["G1.limit.lambda_min", "G1.limit.lambda_max"] {
            out.push(exact_claim(
                id,
                Role::Conclusion,
                "the Hessian at θ∞ = 0 is f''(0) = 0 (G1.identity.hessian)",
                Some(&zero),
                None,
                true,
            ));
        }
        out.push(exact_claim(
            "G1.hyp.step_at_limit",
            Role::Hypothesis,
            "0 < γλ_max(θ∞) < 2: here γ·f''(0) = 0",
            Some(&zero),
            Some(Bound::new("in_open", &zero, &q_int(2))),
            false,
        ));
        if let Some((lo, hi)) = quartic_sublinear_constants(g, c, x0) {
            let mut cl = exact_claim(
                "G1.sublinear",
                Role::Conclusion,
                "for 0 < u0 < 1 every step raises 1/x_n² by an amount in this interval, so 1/(1/x0² + Cn) ≤ x_n² ≤ 1/(1/x0² + 2γcn): x_n = Θ(n^(-1/2)) (x_n ≈ 1/√(2γcn)), no linear rate; f_{n+1}/f_n = (1 − γc·x_n²)⁴ → 1",
                None,
                None,
                true,
            );
            cl.enclosure = Some(crate::certificate::Encl::new(&lo, &hi));
            out.push(cl);
        }
    }
    if inst.wants("ratio") && converges {
        // f only falls like 1/n² here: the run's own arithmetic suffices (no ratio.bits).
        out.extend(escalate_from(
            opts.arith,
            opts,
            &QuarticRatioTask { inst, c },
        ));
    }
    out
}

struct QuarticRatioTask<'a> {
    inst: &'a Inst,
    c: &'a Q,
}

impl Task for QuarticRatioTask<'_> {
    type Output = Outcome;
    fn run<S: Arith>(&self, unit: &S) -> Outcome {
        let arith = unit.arith_name();
        let map = QuarticMap {
            gamma: self.inst.gamma.clone(),
            c: self.c.clone(),
        };
        let prep = Prepared::new(&map, unit);
        let start = [self.inst.theta0[0].clone()];
        let steps = self.inst.max_steps.min(QUARTIC_HORIZON);
        let mut blew_up = false;
        let orbit = Orbit::iterate(&prep, [unit.constant(&start[0])], steps, |_, x| {
            blew_up = x[0].width_f64() > 1e-3 * (1.0 + x[0].mid_f64().abs());
            blew_up
        });
        let n_last = orbit.boxes.len() - 1;
        let witness = orbit_witness("quartic", &start, &orbit);
        let bounded = witness.is_some() && !blew_up;
        let mut out = vec![claim(
            "ratio.orbit",
            Role::Conclusion,
            format!("enclosures of the GD orbit from x0 for {n_last} steps in {arith}; f at the last step"),
            if bounded { publish(&quartic_loss(self.c, orbit.last())) } else { None },
            None,
            &arith,
            witness.filter(|_| bounded).unwrap_or(Witness::None),
        )];
        if !bounded {
            out.extend(undecided_ids(
                &["ratio.window"],
                "the orbit enclosures grew too wide",
                &arith,
            ));
            return Outcome {
                claims: out,
                settled: false,
            };
        }
        let (g, c) = (self.inst.gamma.clone(), self.c.clone());
        let zero = unit.int(0);
        out.extend(ratio_window(
            |x: &[S; 1]| x[0].gt(&zero).or(x[0].lt(&zero)).is_true().then(|| quartic_ratio(&g, &c, &x[0])),
            &orbit,
            n_last,
            self.inst.ratio.window,
            &arith,
            |hull| {
                let mut cl = claim(
                    "ratio.window",
                    Role::Conclusion,
                    format!("the certified ratios (f_{{n+1}} − f*)/(f_n − f*) for n in [{}, {}): they approach 1, no linear rate (G1.sublinear)", n_last - self.inst.ratio.window, n_last),
                    publish(hull),
                    None,
                    &arith,
                    Witness::Uses { claim: "ratio.orbit".into(), step: Some(n_last) },
                );
                cl.note = Some("sublinear: PL fails at the minimiser".into());
                Some(cl)
            },
        ));
        Outcome {
            claims: out,
            settled: true,
        }
    }
}

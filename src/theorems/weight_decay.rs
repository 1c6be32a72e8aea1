//! Paper 7 (`weight-decay-eos`): does weight decay enhance training stability? (Kolic, Saether,
//! Beneventano, Poggio, arXiv 2605.16622).
//!
//! **Statement certified** (derived in `theorems.md` from the abstract, not from the paper's full
//! text; see `proofs/weight-decay-eos.md`). GD with coupled weight decay λ and step η is GD on
//! `L_λ = L + (λ/2)‖θ‖²`; at a stationary point θ* of `L_λ` its Jacobian is `I − η(∇²L(θ*) + λI)`.
//! - W1: θ* is linearly stable iff `λ_max(∇²L(θ*)) < 2/η − λ` and `λ_min(∇²L(θ*)) > −λ`: the stable
//!   sharpness ceiling is `2/η − λ`. Certified on the two-factor toy exactly, and on a tanh network
//!   (`model = "mlp"`): its stationary point by n-dimensional Krawczyk, the Hessian's bounds by
//!   inertia (LDLᵀ congruences) at `2/η − λ` and 0, the sharpness and the smallest curvature by
//!   inertia brackets, and the reported gap `S − (2/η − λ)`.
//! - W2 (two-factor toy `½(ab − 1)²`): the imbalance identity `q' = ((1 − ηλ)² − η²r²)q`, the
//!   stationary points and their Hessians, and the balanced slice, which is paper 5's cubic with
//!   `μ_eff = η(1 − λ)` (its claims are paper 5's, prefixed `W2.slice.`); from a start, the decay of
//!   the imbalance `|q_k| ≤ (1 − ηλ)^{2k}|q_0|` for all k and the limit `(√(1 − λ), √(1 − λ))`.
//! - W3: for the homogeneous test loss `½(θ₁⋯θ_N)²` of degree `k = 2N`, Euler's identity and
//!   `∇²L(cθ) = c^{k−2}∇²L(θ)`: the decay shrink `θ ↦ (1 − ηλ)θ` multiplies the sharpness by
//!   exactly `(1 − ηλ)^{k−2}`.

use super::inertia::{bracket, count_at, enclosing_imat};
use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{
    bound_q, box_encl, claim, congruence_witness, escalate, exact_claim, fmt_q, orbit_witness,
    publish, undecided_all, uses, ClaimGroup, RunOptions, Theorem,
};
use crate::arith::exact::{format_exact, q_from_f64, q_to_f64, Q};
use crate::arith::{q_frac, q_int, Arith, MpfrInterval};
use crate::certificate::{Bound, Claim, Role, Witness};
use crate::linalg;
use crate::methods::escalation::Task;
use crate::methods::identity::identity_holds;
use crate::methods::mean_value::{Orbit, Prepared};
use crate::methods::stationary::{newton, prove_stationary_point, StationaryPoint};
use crate::spec::mlp::{inputs, target, DecayedLoss, Mlp, SplitMix64};
use crate::spec::two_factor::Identity;
use crate::spec::weight_decay::*;
use crate::spec::Dynamics;
use num_traits::Signed;

pub mod audit;

pub struct WeightDecayEos;

const GROUPS: &[&str] = &["W1", "W2", "W3"];
const MODELS: &[&str] = &["two-factor", "mlp"];

/// The default instance (K1), shipped in `certificates/instances/weight-decay-eos/`.
const DEFAULT_INSTANCE: &str =
    include_str!("../../certificates/instances/weight-decay-eos/k1.toml");

/// Largest network the certifier accepts: hidden width and number of data points.
pub const MAX_HIDDEN: i64 = 32;
pub const MAX_POINTS: i64 = 1024;

impl Theorem for WeightDecayEos {
    fn id(&self) -> &'static str {
        "weight-decay-eos"
    }
    fn title(&self) -> &'static str {
        "Does weight decay enhance training stability? (Kolic, Saether, Beneventano, Poggio, arXiv 2605.16622)"
    }
    fn statement(&self) -> &'static str {
        "GD with coupled weight decay lambda and step eta is GD on L_lambda = L + (lambda/2)|theta|^2. W1: a stationary \
         point theta* of L_lambda is linearly stable iff lambda_max(Hess L(theta*)) < 2/eta - lambda and \
         lambda_min(Hess L(theta*)) > -lambda, so the stable sharpness ceiling is 2/eta - lambda (two-factor toy exactly; \
         a tanh network by Krawczyk and inertia). W2: on L = (ab-1)^2/2, q' = ((1-eta lambda)^2 - eta^2 r^2) q, the \
         stationary points 0 and +-(s,s) with s^2 = 1 - lambda and their Hessians, and the balanced slice is paper 5's \
         cubic with mu_eff = eta(1 - lambda); from a start, |q_k| <= (1-eta lambda)^(2k)|q_0| and convergence to (s,s). \
         W3: for the homogeneous test loss (theta_1...theta_N)^2/2, Euler's identity and Hess L(c theta) = c^(2N-2) Hess L(theta). \
         Model derived from the abstract (theorems.md), not from the paper's full text."
    }
    fn claim_groups(&self) -> &'static str {
        "W1 stability ceiling 2/eta - lambda; W2 two-factor toy; W3 Euler identity"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        let int = |key, min, max, default, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default: Some(default),
            required: false,
            help,
        };
        let audit_list = |key, help| ParamSpec {
            key,
            kind: Kind::Rationals {
                min_len: 1,
                max_len: 64,
            },
            default: None,
            required: false,
            help,
        };
        let audit_int = |key, min, max, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default: None,
            required: false,
            help,
        };
        vec![
            ParamSpec {
                key: "eta",
                kind: Kind::Rational { positive: true },
                default: None,
                required: true,
                help: "the step size η > 0, e.g. 1.1",
            },
            ParamSpec {
                key: "lambda",
                kind: Kind::Rational { positive: false },
                default: Some("0"),
                required: false,
                help: "the weight decay λ >= 0 (below 1 for the two-factor toy)",
            },
            ParamSpec {
                key: "model",
                kind: Kind::Choices { allowed: MODELS },
                default: Some("two-factor"),
                required: false,
                help: "two-factor (the toy ½(ab − 1)²) or mlp (a 2-h-1 tanh network)",
            },
            ParamSpec {
                key: "start",
                kind: Kind::Rationals {
                    min_len: 2,
                    max_len: 2,
                },
                default: None,
                required: false,
                help: "two-factor: a start (a0, b0) whose imbalance decay and limit are certified",
            },
            int("depth", 1, 6, "2", "W3: N of the test loss ½(θ₁⋯θ_N)²"),
            int("max_steps", 1, 1_000_000, "5000", "two-factor: most GD steps in an orbit"),
            int("hidden", 1, MAX_HIDDEN, "16", "mlp: hidden width h"),
            int("points", 1, MAX_POINTS, "64", "mlp: number of data points"),
            int("data_seed", 0, i64::MAX, "1", "mlp: SplitMix64 seed of the data"),
            int("init_seed", 0, i64::MAX, "2", "mlp: SplitMix64 seed of the initialisation"),
            int(
                "gd_steps",
                0,
                5_000_000,
                "100000",
                "mlp: GD steps before Newton's method (the search only)",
            ),
            ParamSpec {
                key: "claims",
                kind: Kind::Choices { allowed: GROUPS },
                default: None,
                required: false,
                help: "claim groups to certify (default: all the model has: W1, W2, W3 for two-factor; W1 for mlp)",
            },
            audit_list("audit.sizes", "W4 audit: numbers of samples n (integers in [4, 100000])"),
            audit_int("audit.seeds", 1, 100_000, "W4 audit: number of data/init seeds (0, 1, ...)"),
            audit_list("audit.lambdas", "W4 audit: increasing weight decays, at least two, in [0, 10]"),
            audit_int("audit.steps", 1, 10_000_000, "W4 audit: GD steps T"),
            audit_int("audit.every", 1, 1_000_000, "W4 audit: steps between sharpness estimates"),
            audit_int("audit.window", 0, 10_000_000, "W4 audit: last step of the sharpening-speed window"),
            audit_int("audit.power_iters", 1, 10_000, "W4 audit: warm-started power iterations per estimate"),
            ParamSpec {
                key: "audit.drop",
                kind: Kind::Rational { positive: true },
                default: None,
                required: false,
                help: "W4 audit criterion: the phase-transition drop of S_inf eta/2 (theorems.md: 0.1)",
            },
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/weight-decay-eos/k1.toml",
            DEFAULT_INSTANCE,
        )
    }
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError> {
        let inst = Inst::from_params(params)?;
        Ok(certify(&inst, opts))
    }
    fn auditor(&self) -> Option<&dyn crate::audit::Auditor> {
        Some(self)
    }
}

/// The network instance: sizes and seeds.
#[derive(Clone, Debug)]
pub struct NetSpec {
    pub hidden: usize,
    pub points: usize,
    pub data_seed: u64,
    pub init_seed: u64,
    pub gd_steps: usize,
}

/// A validated instance.
#[derive(Clone, Debug)]
pub struct Inst {
    pub eta: Q,
    pub lambda: Q,
    /// `None` for the two-factor toy.
    pub net: Option<NetSpec>,
    pub start: Option<[Q; 2]>,
    pub depth: usize,
    pub max_steps: usize,
    pub groups: Vec<String>,
}

impl Inst {
    fn from_params(p: &Params) -> Result<Self, InputError> {
        let eta = p
            .q("eta")
            .cloned()
            .ok_or_else(|| p.error("eta", "missing required key"))?;
        if eta > q_int(100) || eta < q_frac(1, 1_000_000) {
            return Err(p.error("eta", "must lie in [1e-6, 100]"));
        }
        let lambda = p.q("lambda").cloned().unwrap_or_else(|| q_int(0));
        let model = p.list("model").map(|l| l.to_vec()).unwrap_or_default();
        if model.len() != 1 {
            return Err(p.error("model", "name exactly one model: two-factor or mlp"));
        }
        let mlp = model[0] == "mlp";
        if lambda < q_int(0) {
            return Err(p.error("lambda", "must be >= 0"));
        }
        if !mlp && lambda >= q_int(1) {
            return Err(p.error(
                "lambda",
                "the two-factor toy needs 0 <= λ < 1 (for λ >= 1 its only stationary point is the origin)",
            ));
        }
        if mlp && lambda > q_int(10) {
            return Err(p.error("lambda", "must lie in [0, 10]"));
        }
        let available: &[&str] = if mlp { &["W1"] } else { GROUPS };
        let groups: Vec<String> = match p.list("claims") {
            Some(l) => {
                if let Some(g) = l.iter().find(|g| !available.contains(&g.as_str())) {
                    return Err(p.error(
                        "claims",
                        format!("{g} concerns the two-factor toy; the mlp model has W1 only"),
                    ));
                }
                l.to_vec()
            }
            None => available.iter().map(|s| s.to_string()).collect(),
        };
        let start = match p.qs("start") {
            Some(v) if mlp => {
                let _ = v;
                return Err(p.error(
                    "start",
                    "is a two-factor key; the mlp model starts from init_seed",
                ));
            }
            Some(v) => {
                let big = q_int(1000);
                if v.iter().any(|x| x.clone() > big || -x.clone() > big) {
                    return Err(p.error("start", "entries must lie in [-1000, 1000]"));
                }
                Some([v[0].clone(), v[1].clone()])
            }
            None => None,
        };
        let int = |k: &str, d: i64| p.int(k).unwrap_or(d);
        let net = mlp.then(|| NetSpec {
            hidden: int("hidden", 16) as usize,
            points: int("points", 64) as usize,
            data_seed: int("data_seed", 1) as u64,
            init_seed: int("init_seed", 2) as u64,
            gd_steps: int("gd_steps", 100_000) as usize,
        });
        Ok(Inst {
            eta,
            lambda,
            net,
            start,
            depth: int("depth", 2) as usize,
            max_steps: int("max_steps", 5000) as usize,
            groups,
        })
    }

    fn wants(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }

    /// `2/η − λ`.
    fn ceiling(&self) -> Q {
        q_int(2) / &self.eta - &self.lambda
    }
}

/// Certifies every requested claim group.
pub fn certify(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let mut out = vec![];
    if let Some(net) = &inst.net {
        crate::progress::stage("W1: the network's stationary point and Hessian");
        out.extend(network_claims(inst, net, opts));
        return out;
    }
    let idents = identities(&inst.eta, &inst.lambda, inst.depth);
    let ident = |id: &str| -> Option<Claim> {
        let i: &Identity = idents.iter().find(|i| i.id == id)?;
        Some(exact_claim(
            i.id,
            Role::Conclusion,
            i.statement.clone(),
            None,
            None,
            identity_holds(&i.differences, &i.relations),
        ))
    };
    if inst.wants("W1") {
        crate::progress::stage("W1: the stability ceiling of the toy");
        out.extend(toy_stability(inst));
    }
    if inst.wants("W2") {
        crate::progress::stage("W2: the two-factor toy (identities, slice, imbalance)");
        for id in [
            "W2.imbalance",
            "W2.stationary",
            "W2.hessian",
            "W2.balanced_slice",
        ] {
            out.extend(ident(id));
        }
        out.extend(slice_claims(inst, opts));
        if let Some(start) = &inst.start {
            out.extend(escalate(
                opts,
                &ImbalanceTask {
                    eta: inst.eta.clone(),
                    lambda: inst.lambda.clone(),
                    start: start.clone(),
                    max_steps: inst.max_steps,
                },
            ));
        }
    }
    if inst.wants("W3") {
        crate::progress::stage("W3: Euler's identity for the homogeneous test loss");
        out.extend(ident("W3.euler"));
        out.extend(ident("W3.hessian_scaling"));
        let k = 2 * inst.depth as i32;
        let c = q_int(1) - &inst.eta * &inst.lambda;
        let factor = (0..k - 2).fold(q_int(1), |acc, _| acc * &c);
        out.push(exact_claim(
            "W3.shrink",
            Role::Conclusion,
            format!(
                "the decay shrink θ ↦ (1 − ηλ)θ multiplies the test loss's sharpness by exactly (1 − ηλ)^{} (by W3.hessian_scaling, 0 < 1 − ηλ)",
                k - 2
            ),
            Some(&factor),
            None,
            c > q_int(0),
        ));
    }
    out
}

// ------------------------------------------------------------------------------------------------
// W1 on the toy: exact.

fn toy_stability(inst: &Inst) -> Vec<Claim> {
    let (eta, lam) = (&inst.eta, &inst.lambda);
    let zero = q_int(0);
    let ceiling = inst.ceiling();
    let (s_max, s_min) = hessian_eigenvalues_at_minimiser(lam);
    let balanced = if *lam > zero {
        "the minimisers ±(s, s), s² = 1 − λ, of L_λ"
    } else {
        "the minimisers of L (the hyperbola ab = 1; at (a, 1/a) the Hessian has eigenvalues 0 and a² + 1/a² ≥ 2, least at (1, 1))"
    };
    let hyp_s = s_max < ceiling;
    let hyp_floor = s_min > -lam.clone();
    let mut out = vec![
        exact_claim(
            "W1.sharpness",
            Role::Hypothesis,
            format!(
                "the sharpness λ_max(∇²L) at {balanced} is below the ceiling 2/η − λ = {}",
                fmt_q(&ceiling)
            ),
            Some(&s_max),
            bound_q("<", &ceiling),
            hyp_s,
        ),
        exact_claim(
            "W1.curvature_floor",
            Role::Hypothesis,
            format!("the least curvature λ_min(∇²L) at {balanced} is above −λ"),
            Some(&s_min),
            bound_q(">", &-lam.clone()),
            hyp_floor,
        ),
    ];
    // Multipliers of the GD Jacobian I − η(∇²L + λI): 1 − η(S + λ) and 1 − η(s_min + λ).
    let m1 = q_int(1) - eta * (s_max.clone() + lam);
    let m2 = q_int(1) - eta * (s_min.clone() + lam);
    let rho = if m1.clone().abs() > m2.clone().abs() {
        m1.abs()
    } else {
        m2.abs()
    };
    let stable = hyp_s && hyp_floor;
    let (rel, holds) = if stable {
        ("<", rho < q_int(1))
    } else {
        (">=", rho >= q_int(1))
    };
    out.push(exact_claim(
        "W1.multiplier",
        Role::Conclusion,
        format!(
            "the GD Jacobian I − η∇²L_λ there has spectral radius max(|1 − η(S + λ)|, |1 − η(λ_min + λ)|) {}: the minimiser is {}linearly stable, as W1 states",
            if stable { "< 1" } else { ">= 1" },
            if stable { "" } else { "not " }
        ),
        Some(&rho),
        bound_q(rel, &q_int(1)),
        holds,
    ));
    let gap = s_max - &ceiling;
    out.push(exact_claim(
        "W1.gap",
        Role::Conclusion,
        "S − (2/η − λ): the distance of the sharpness from the ceiling",
        Some(&gap),
        None,
        true,
    ));
    out
}

// ------------------------------------------------------------------------------------------------
// W2: the balanced slice is paper 5's cubic with μ_eff = η(1 − λ).

/// Paper 5's claims (group T1, the balanced cubic) at `μ_eff`, with ids and references prefixed
/// `W2.slice.`; the kernel checks them with paper 5's table.
fn slice_claims(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let mu = effective_step(&inst.eta, &inst.lambda);
    if mu <= q_int(0) {
        return vec![];
    }
    let sub = super::two_factor::Inst {
        mu: mu.clone(),
        x0: q_frac(1, 2),
        catapult: None,
        max_steps: inst.max_steps,
        groups: vec!["T1".into()],
    };
    let mut out = vec![exact_claim(
        "W2.effective_step",
        Role::Conclusion,
        format!(
            "the balanced slice x = √(1 − λ)·z is paper 5's cubic f(z) = (1 + μ)z − μz³ with μ_eff = η(1 − λ) = {} (W2.balanced_slice); its claims follow, prefixed W2.slice.",
            fmt_q(&mu)
        ),
        Some(&mu),
        None,
        true,
    )];
    for mut c in super::two_factor::certify(&sub, opts) {
        c.id = format!("{SLICE_PREFIX}{}", c.id);
        if let Witness::Uses { claim, .. } = &mut c.witness {
            *claim = format!("{SLICE_PREFIX}{claim}");
        }
        out.push(c);
    }
    out
}

/// The prefix of paper 5's claims inside a weight-decay certificate.
pub const SLICE_PREFIX: &str = "W2.slice.";

// ------------------------------------------------------------------------------------------------
// W2 from a start: the imbalance decays at rate (1 − ηλ)² and the orbit converges to (s, s).

struct ImbalanceTask {
    eta: Q,
    lambda: Q,
    start: [Q; 2],
    max_steps: usize,
}

const IMBALANCE_IDS: [&str; 4] = [
    "W2.orbit",
    "W2.invariant_box",
    "W2.imbalance_rate",
    "W2.limit",
];

/// A box around `(σs, σs)` (σ = ±1) that `F` maps into itself with `‖F'‖∞ ≤ rate < 1`.
fn invariant_box<S: Arith>(
    map: &DecayedProductMap,
    unit: &S,
    sign: i64,
    radius: f64,
) -> Option<([S; 2], Q)> {
    let s = unit.constant(&(q_int(1) - &map.lambda)).sqrt() * &unit.int(sign);
    let r = q_from_f64(radius)?;
    let b = s.clone() + &unit.from_bounds(&-r.clone(), &r);
    let bx = [b.clone(), b];
    let prep = Prepared::new(map, unit);
    let image = prep.mv_step(&bx);
    if !(image[0].subset(&bx[0]) && image[1].subset(&bx[1])) {
        return None;
    }
    let (_, jac) = prep.apply_with_jacobian(&bx);
    let norm = jac
        .iter()
        .map(|row| row.iter().fold(unit.int(0), |acc, v| acc + &v.abs()))
        .reduce(|a, b| a.hull(&b))?;
    let (_, hi) = publish(&norm)?;
    (hi < q_int(1)).then_some((bx, hi))
}

impl Task for ImbalanceTask {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let arith = unit.arith_name();
        let map = DecayedProductMap {
            eta: self.eta.clone(),
            lambda: self.lambda.clone(),
        };
        let mut boxes = vec![];
        for sign in [1, -1] {
            for radius in [1e-3, 1e-6] {
                if let Some(b) = invariant_box(&map, unit, sign, radius) {
                    boxes.push((sign, b));
                    break;
                }
            }
        }
        if boxes.is_empty() {
            return undecided_all(
                &IMBALANCE_IDS,
                "no invariant contraction box around ±(s, s) at this precision",
                &arith,
            );
        }
        let prep = Prepared::new(&map, unit);
        let x0 = [unit.constant(&self.start[0]), unit.constant(&self.start[1])];
        let mut entered: Option<usize> = None;
        let orbit = Orbit::iterate(&prep, x0, self.max_steps, |_, x| {
            for (i, (_, (b, _))) in boxes.iter().enumerate() {
                if x[0].subset(&b[0]) && x[1].subset(&b[1]) {
                    entered = Some(i);
                    return true;
                }
            }
            false
        });
        let Some(which) = entered else {
            return undecided_all(
                &IMBALANCE_IDS,
                &format!(
                    "the orbit entered no invariant box around ±(s, s) within {} steps",
                    self.max_steps
                ),
                &arith,
            );
        };
        let (sign, (bx, rate)) = &boxes[which];
        let Some(witness) = orbit_witness(map.name(), &self.start, &orbit) else {
            return undecided_all(&IMBALANCE_IDS, "the orbit is unbounded", &arith);
        };
        let k = orbit.boxes.len() - 1;
        let c = q_int(1) - &self.eta * &self.lambda;
        let q_of = |x: &[S; 2]| x[0].sqr() - &x[1].sqr();
        let mut out = vec![claim(
            "W2.orbit",
            Role::Conclusion,
            format!(
                "enclosures of the GD orbit from ({}, {}) for {k} steps; the imbalance q = a² − b² at the last step",
                fmt_q(&self.start[0]),
                fmt_q(&self.start[1])
            ),
            publish(&q_of(orbit.last())),
            None,
            &arith,
            witness,
        )];
        let Some(boxed) = box_encl(bx) else {
            return undecided_all(&IMBALANCE_IDS, "the invariant box is unbounded", &arith);
        };
        out.push(claim(
            "W2.invariant_box",
            Role::Conclusion,
            format!(
                "from step {k} the orbit stays in a box B around {}(s, s) with F(B) ⊆ B and ‖F'(B)‖∞ ≤ {} < 1; this bound",
                if *sign < 0 { "−" } else { "" },
                crate::certificate::display_interval(rate, rate, 4)
            ),
            Some((rate.clone(), rate.clone())),
            bound_q("<", &q_int(1)),
            &arith,
            Witness::InvariantBox {
                orbit: "W2.orbit".into(),
                boxed,
                rate: format_exact(rate),
            },
        ));
        // η²r²/(2(1 − ηλ)²) over the orbit and B: at most 1 gives |(1 − ηλ)² − η²r²| ≤ (1 − ηλ)².
        let scale = unit.constant(&(&self.eta * &self.eta / (q_int(2) * &c * &c)));
        let ratio = orbit
            .boxes
            .iter()
            .chain(std::iter::once(bx))
            .map(|x| (x[0].clone() * &x[1] - x[0].int(1)).sqr() * &scale)
            .reduce(|a, b| a.hull(&b))
            .unwrap_or_else(|| unit.int(0));
        let mut rate_claim = claim(
            "W2.imbalance_rate",
            Role::Conclusion,
            format!(
                "η²r_k² ≤ 2(1 − ηλ)² for every k (orbit and B), so by W2.imbalance |q_(k+1)| ≤ (1 − ηλ)²|q_k|: |q_k| ≤ {}^k·|q_0| for all k",
                fmt_q(&(c.clone() * &c))
            ),
            publish(&ratio),
            bound_q("<=", &q_int(1)),
            &arith,
            uses("W2.invariant_box"),
        );
        if rate_claim.verdict == crate::certificate::Verdict::Violated {
            // The sufficient condition fails somewhere; that does not refute the decay.
            rate_claim.verdict = crate::certificate::Verdict::Undecided;
            rate_claim.note = Some("the residual exceeds √2(1 − ηλ)/η on the orbit: the decay is not established by this argument".into());
        }
        out.push(rate_claim);
        let s = unit.constant(&(q_int(1) - &self.lambda)).sqrt() * &unit.int(*sign);
        out.push(claim(
            "W2.limit",
            Role::Conclusion,
            format!(
                "the orbit converges to the minimiser {}(s, s) of L_λ, the fixed point of the contraction on B; s = √(1 − λ) =",
                if *sign < 0 { "−" } else { "" }
            ),
            publish(&s),
            None,
            &arith,
            uses("W2.invariant_box"),
        ));
        ClaimGroup(out)
    }
}

// ------------------------------------------------------------------------------------------------
// W1 on a tanh network: Krawczyk for the stationary point, inertia for the Hessian.

const NET_IDS: [&str; 8] = [
    "W1.stationary",
    "W1.loss",
    "W1.norm",
    "W1.ceiling",
    "W1.curvature_floor",
    "W1.sharpness",
    "W1.min_curvature",
    "W1.multiplier",
];

/// The data of a network instance (targets rounded to binary64 through MPFR enclosures).
pub fn network(net: &NetSpec) -> Option<Mlp> {
    let xs = inputs(net.data_seed, net.points);
    let mut ys = Vec::with_capacity(xs.len());
    for x in &xs {
        let y = [128u32, 512]
            .iter()
            .find_map(|&b| target(&MpfrInterval::unit(b), x))?;
        ys.push(y);
    }
    Some(Mlp {
        hidden: net.hidden,
        xs,
        ys,
    })
}

/// The initialisation: `W` normals, `b = 0`, `v` normals / 4, `c = 0` (SplitMix64, in this order).
pub fn initial_point(net: &NetSpec) -> Vec<f64> {
    let mut rng = SplitMix64(net.init_seed);
    let h = net.hidden;
    let mut th: Vec<f64> = (0..2 * h).map(|_| rng.normal_f64()).collect();
    th.extend(std::iter::repeat_n(0.0, h));
    th.extend((0..h).map(|_| rng.normal_f64() / 4.0));
    th.push(0.0);
    th
}

fn network_claims(inst: &Inst, net: &NetSpec, opts: &RunOptions) -> Vec<Claim> {
    let why = |m: &str| undecided_all(&NET_IDS, m, &opts.arith.to_string()).0;
    let Some(mlp) = network(net) else {
        return why("a data target could not be rounded to binary64");
    };
    let obj = DecayedLoss {
        mlp: &mlp,
        lambda: inst.lambda.clone(),
    };
    let k = mlp.constants(&0.0f64, &inst.lambda);
    let eta = q_to_f64(&inst.eta);
    let mut theta = initial_point(net);
    crate::progress::start_counted("gradient descent", (net.gd_steps / 1000) as u64);
    for step in 0..net.gd_steps {
        let g = mlp.decayed_gradient(&k, &theta);
        for (t, gi) in theta.iter_mut().zip(&g) {
            *t -= eta * gi;
        }
        if step % 1000 == 999 {
            crate::progress::advance();
            if !theta.iter().all(|v| v.is_finite()) {
                break;
            }
        }
    }
    crate::progress::finish();
    crate::progress::start("weight-decay-eos");
    crate::progress::stage("W1: Newton's method and Krawczyk for ∇L_λ = 0");
    if !theta.iter().all(|v| v.is_finite()) {
        return why(&format!(
            "gradient descent diverged within {} steps",
            net.gd_steps
        ));
    }
    let guess = match newton(&obj, &theta, 50) {
        Ok(g) => g,
        Err(e) => return why(&format!("Newton's method failed: {e}")),
    };
    escalate(
        opts,
        &NetworkTask {
            obj: &obj,
            guess,
            eta: inst.eta.clone(),
            lambda: inst.lambda.clone(),
            ceiling: inst.ceiling(),
        },
    )
}

struct NetworkTask<'a> {
    obj: &'a DecayedLoss<'a>,
    guess: Vec<f64>,
    eta: Q,
    lambda: Q,
    ceiling: Q,
}

/// The matrix name under which congruences refer to `∇²L_λ` over the Krawczyk box.
pub const HESSIAN: &str = "hessian(W1.stationary)";

impl Task for NetworkTask<'_> {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let arith = unit.arith_name();
        let n = self.obj.dim();
        let p: StationaryPoint<S> = match prove_stationary_point(self.obj, unit, &self.guess) {
            Ok(p) => p,
            Err(e) => return undecided_all(&NET_IDS, &format!("Krawczyk: {e}"), &arith),
        };
        let Some(tight) = box_encl(&p.tight) else {
            return undecided_all(&NET_IDS, "the stationary point is unbounded", &arith);
        };
        let mut out = vec![claim(
            "W1.stationary",
            Role::Conclusion,
            format!(
                "∇L_λ has exactly one zero θ* in the box center ± {} ({n} parameters; Krawczyk, ‖I − C∇²L_λ(X)‖∞ ≈ {:.1e}); L_λ(θ*) ∈",
                crate::certificate::display_interval(&p.radius[0], &p.radius[0], 3),
                p.contraction
            ),
            publish(&p.loss_over_box),
            None,
            &arith,
            Witness::Stationary {
                loss: "decayed_mlp".into(),
                center: p.center.iter().map(format_exact).collect(),
                radius: p.radius.iter().map(format_exact).collect(),
                tight,
                preconditioner: p.preconditioner.iter().map(format_exact).collect(),
            },
        )];
        let k = self.obj.mlp.constants(unit, &self.lambda);
        let loss = self.obj.mlp.loss(&k, &p.tight);
        out.push(claim(
            "W1.loss",
            Role::Conclusion,
            "the undecayed loss L(θ*)",
            publish(&loss),
            None,
            &arith,
            uses("W1.stationary"),
        ));
        let norm = p
            .tight
            .iter()
            .fold(unit.int(0), |acc, t| acc + &t.sqr())
            .sqrt();
        out.push(claim(
            "W1.norm",
            Role::Conclusion,
            "‖θ*‖",
            publish(&norm),
            None,
            &arith,
            uses("W1.stationary"),
        ));
        let Some(h) = enclosing_imat(n, &p.hessian_over_box) else {
            out.extend(
                undecided_all(
                    &NET_IDS[3..],
                    "the Hessian over the box is unbounded",
                    &arith,
                )
                .0,
            );
            return ClaimGroup(out);
        };
        // ∇²L = ∇²L_λ − λI: eigenvalues of ∇²L below 2/η − λ are those of ∇²L_λ below 2/η.
        let t_ceiling = q_int(2) / &self.eta;
        let nq = q_int(n as i64);
        let count_claim = |id: &str, role, statement: String, t: &Q, want: &Q| match count_at(&h, t)
        {
            Some(c) => {
                let below = q_int(c.below as i64);
                claim(
                    id,
                    role,
                    statement,
                    Some((below.clone(), below)),
                    bound_q("=", want),
                    &arith,
                    congruence_witness(HESSIAN, t, &c),
                )
            }
            None => claim(
                id,
                role,
                "the LDLᵀ congruence did not decide",
                None,
                None,
                &arith,
                Witness::None,
            ),
        };
        out.push(count_claim(
            "W1.ceiling",
            Role::Hypothesis,
            format!(
                "every eigenvalue of ∇²L(θ), θ in the box, is below 2/η − λ = {}: the number of eigenvalues of ∇²L_λ below 2/η (Sylvester, LDLᵀ congruence) is {n}",
                fmt_q(&self.ceiling)
            ),
            &t_ceiling,
            &nq,
        ));
        out.push(count_claim(
            "W1.curvature_floor",
            Role::Hypothesis,
            "every eigenvalue of ∇²L(θ), θ in the box, is above −λ: ∇²L_λ has no eigenvalue below 0 (a strict minimum of L_λ)".into(),
            &q_int(0),
            &q_int(0),
        ));
        // Brackets of the extreme eigenvalues of ∇²L_λ.
        let mid = faer::Mat::from_fn(n, n, |i, j| h.mid[(i, j)]);
        let est = linalg::eig::approximate_eigen(&mid).ok().map(|(v, _)| v);
        let scale = est
            .as_ref()
            .map(|v| v.iter().fold(0.0f64, |m, x| m.max(f64::abs(*x))))
            .unwrap_or(1.0);
        let lam = &self.lambda;
        let bracket_claim = |id: &str, index: usize, shift: &Q, stmt: String, b: Option<Bound>| {
            let est = est.as_ref().map(|v| v[index - 1]);
            match est.and_then(|e| bracket(&h, index, e, scale)) {
                Some((lo, cl, hi, ch)) => {
                    let mut c = claim(
                        id,
                        Role::Conclusion,
                        stmt,
                        Some((lo.clone() - shift, hi.clone() - shift)),
                        b,
                        &arith,
                        Witness::Bracket {
                            index,
                            lower: Box::new(congruence_witness(HESSIAN, &lo, &cl)),
                            upper: Box::new(congruence_witness(HESSIAN, &hi, &ch)),
                        },
                    );
                    c.note = Some(format!(
                        "{} eigenvalue(s) of ∇²L_λ below {}, {} below {}",
                        cl.below,
                        crate::certificate::display_interval(&lo, &lo, 8),
                        ch.below,
                        crate::certificate::display_interval(&hi, &hi, 8)
                    ));
                    Some((c, lo - shift, hi - shift))
                }
                None => None,
            }
        };
        let sharp = bracket_claim(
            "W1.sharpness",
            n,
            lam,
            format!(
                "the sharpness S = λ_max(∇²L(θ*)) (inertia bracket), against the ceiling 2/η − λ = {}",
                fmt_q(&self.ceiling)
            ),
            bound_q("<", &self.ceiling),
        );
        let floor = bracket_claim(
            "W1.min_curvature",
            1,
            &q_int(0),
            "the least eigenvalue λ_min(∇²L_λ(θ*)) (inertia bracket): θ* is a strict minimum of L_λ".into(),
            bound_q(">", &q_int(0)),
        );
        match (sharp, floor) {
            (Some((cs, s_lo, s_hi)), Some((cf, f_lo, f_hi))) => {
                // ρ = max(|1 − η(S + λ)|, |1 − η λ_min(∇²L_λ)|) over the brackets.
                let one = q_int(1);
                let abs_range = |a: Q, b: Q| -> (Q, Q) {
                    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                    if lo > q_int(0) {
                        (lo, hi)
                    } else if hi < q_int(0) {
                        (-hi, -lo)
                    } else {
                        let m = if -lo.clone() > hi { -lo } else { hi };
                        (q_int(0), m)
                    }
                };
                let (a_lo, a_hi) = abs_range(
                    one.clone() - &self.eta * (s_lo.clone() + lam),
                    one.clone() - &self.eta * (s_hi.clone() + lam),
                );
                let (b_lo, b_hi) = abs_range(
                    one.clone() - &self.eta * &f_lo,
                    one.clone() - &self.eta * &f_hi,
                );
                let rho = (
                    if a_lo > b_lo { a_lo } else { b_lo },
                    if a_hi > b_hi { a_hi } else { b_hi },
                );
                let gap = (s_lo - &self.ceiling, s_hi - &self.ceiling);
                out.push(cs);
                out.push(cf);
                let mut m = claim(
                    "W1.multiplier",
                    Role::Conclusion,
                    "the spectral radius of the GD Jacobian I − η∇²L_λ(θ*), max(|1 − η(S + λ)|, |1 − ηλ_min(∇²L_λ)|): θ* is linearly stable",
                    Some(rho),
                    bound_q("<", &one),
                    &arith,
                    uses("W1.sharpness"),
                );
                m.note = Some(format!(
                    "S − (2/η − λ) ∈ {}",
                    crate::certificate::display_interval(&gap.0, &gap.1, 6)
                ));
                out.push(m);
            }
            (s, f) => {
                let mut missing = vec![];
                match s {
                    Some((c, ..)) => out.push(c),
                    None => missing.push("W1.sharpness"),
                }
                match f {
                    Some((c, ..)) => out.push(c),
                    None => missing.push("W1.min_curvature"),
                }
                missing.push("W1.multiplier");
                out.extend(
                    undecided_all(
                        &missing,
                        "no inertia bracket decided the eigenvalue",
                        &arith,
                    )
                    .0,
                );
            }
        }
        ClaimGroup(out)
    }
}

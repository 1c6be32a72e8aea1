//! One module per paper: the statement, the instance schema, and the certifier.

pub mod attention_pca;
pub mod bradley_terry;
pub mod deep_mf;
pub mod feature_learning;
pub mod imc;
pub mod inertia;
pub mod instance;
pub mod muon;
pub mod newton_ntk;
pub mod pl_rate;
pub mod spectrum;
pub mod two_factor;
pub mod weight_decay;

use crate::arith::exact::{format_exact, pow2, Q};
use crate::arith::Arith;
use crate::certificate::{
    verdict_for, ArithmeticRecord, Bound, Certificate, Claim, Encl, InstanceRecord, MatrixRecord,
    Role, TheoremRef, Tool, Verdict, Witness, FORMAT,
};
use crate::methods::escalation::{run_at, run_escalating, ArithChoice, Decided, Task};
use crate::methods::krawczyk::PeriodicPoint;
use crate::methods::mean_value::Orbit;
use instance::{InputError, ParamSpec, Params};
use std::collections::BTreeMap;

/// How a certification runs.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The arithmetic to start in.
    pub arith: ArithChoice,
    /// The cap of precision escalation, in bits.
    pub max_bits: u32,
}

/// A certifiable theorem.
pub trait Theorem: Sync {
    fn id(&self) -> &'static str;
    fn title(&self) -> &'static str;
    /// The statement certified, in one paragraph.
    fn statement(&self) -> &'static str;
    /// Short names of the claim groups, for `gdcert list`.
    fn claim_groups(&self) -> &'static str;
    fn schema(&self) -> Vec<ParamSpec>;
    /// The default instance: its file name (as the README shows it) and its TOML text.
    fn default_instance(&self) -> (&'static str, &'static str);
    /// Certifies an instance. Input errors (out-of-range values, inconsistent keys) are `Err`.
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError>;
    /// Matrices of the instance that the kernel needs, recorded exactly in the certificate
    /// (`instance.matrices`); none by default.
    fn matrices(&self, _params: &Params) -> BTreeMap<String, MatrixRecord> {
        BTreeMap::new()
    }
    /// The theorem's audit (`gdcert audit`), when it has claims that can only be audited.
    fn auditor(&self) -> Option<&dyn crate::audit::Auditor> {
        None
    }
}

/// Every implemented theorem.
pub fn registry() -> Vec<&'static dyn Theorem> {
    vec![
        &deep_mf::DeepMatrixFactorization,
        &two_factor::TwoFactorTransformer,
        &weight_decay::WeightDecayEos,
        &pl_rate::PlAsymptoticRate,
        &feature_learning::TwoStepFeatureLearning,
        &newton_ntk::NewtonNtk,
        &attention_pca::AttentionPca,
        &bradley_terry::BradleyTerryMetric,
        &muon::Muon,
        &imc::InductiveMatrixCompletion,
    ]
}

/// Looks a theorem up by id.
pub fn find(id: &str) -> Option<&'static dyn Theorem> {
    registry().into_iter().find(|t| t.id() == id)
}

/// Assembles and seals the certificate of a run; returns it with its JSON text.
pub fn assemble(
    th: &dyn Theorem,
    params: &Params,
    opts: &RunOptions,
    claims: Vec<Claim>,
) -> (Certificate, String) {
    let verdict = Verdict::combine(claims.iter().map(|c| c.verdict));
    Certificate {
        format: FORMAT.into(),
        tool: Tool {
            name: "gdcert".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        theorem: TheoremRef {
            id: th.id().into(),
            title: th.title().into(),
            statement: th.statement().into(),
        },
        instance: InstanceRecord {
            name: params.name.clone(),
            params: params.record(),
            matrices: th.matrices(params),
        },
        arithmetic: ArithmeticRecord {
            requested: opts.arith.to_string(),
            max_bits: opts.max_bits,
        },
        verdict,
        claims,
        digest: String::new(),
    }
    .seal()
}

/// The exact endpoints of an enclosure, widened for publication by `2^-(min(p, 960)-6)` of its magnitude plus
/// `2^-20` of its width and rounded outward to `p` significant bits. The widening leaves room for
/// the kernel, which recomputes the same formula exactly or with its own series, to land inside.
/// `None` when the value bounds nothing (an `f64` estimate, an overflow).
pub fn publish<S: Arith>(x: &S) -> Option<(Q, Q)> {
    let (lo, hi) = x.bounds()?;
    let p = x.precision().max(24);
    let mag = if lo.clone() * &lo > hi.clone() * &hi {
        lo.clone()
    } else {
        hi.clone()
    };
    let mag = if mag < Q::from_integer(0.into()) {
        -mag
    } else {
        mag
    };
    // The relative pad stops shrinking at 2^-954, which the kernel's rounded operations (at most
    // 4096 + 64 bits, 1024 for quadrature) stay well inside.
    let pad = mag * pow2(-(p.min(960) as i64) + 6) + (hi.clone() - &lo) * pow2(-20);
    let lo = crate::arith::ratinterval::round_rel(&(lo - &pad), p, false);
    let hi = crate::arith::ratinterval::round_rel(&(hi + &pad), p, true);
    Some((lo, hi))
}

/// The exact endpoints of an enclosure, as they are (for witness boxes the kernel re-checks).
pub fn exact_bounds<S: Arith>(x: &S) -> Option<(Q, Q)> {
    x.bounds()
}

/// Builds a claim whose verdict follows from its enclosure and bound. Without a bound, a bounded
/// enclosure is the claim (`CERTIFIED`); a missing enclosure is `UNDECIDED`.
pub fn claim(
    id: &str,
    role: Role,
    statement: impl Into<String>,
    enclosure: Option<(Q, Q)>,
    bound: Option<Bound>,
    arithmetic: &str,
    witness: Witness,
) -> Claim {
    let verdict = match (&enclosure, &bound) {
        (None, _) => Verdict::Undecided,
        (Some(_), None) => Verdict::Certified,
        (Some((lo, hi)), Some(b)) => match b.test(lo, hi) {
            Ok(t) => verdict_for(role, t),
            Err(_) => Verdict::Undecided,
        },
    };
    let witness = if enclosure.is_none() {
        Witness::None
    } else {
        witness
    };
    Claim {
        id: id.into(),
        role,
        statement: statement.into(),
        enclosure: enclosure.as_ref().map(|(a, b)| Encl::new(a, b)),
        bound,
        verdict,
        arithmetic: arithmetic.into(),
        witness,
        note: None,
    }
}

/// An exactly decided claim: `holds` is the exact truth of the statement.
pub fn exact_claim(
    id: &str,
    role: Role,
    statement: impl Into<String>,
    value: Option<&Q>,
    bound: Option<Bound>,
    holds: bool,
) -> Claim {
    let verdict = verdict_for(role, crate::arith::Tri::from_bool(holds));
    Claim {
        id: id.into(),
        role,
        statement: statement.into(),
        enclosure: value.map(Encl::point),
        bound,
        verdict,
        arithmetic: "exact".into(),
        witness: Witness::Exact,
        note: None,
    }
}

/// A group of claims computed together in one arithmetic (escalated together).
#[derive(Clone, Debug)]
pub struct ClaimGroup(pub Vec<Claim>);

impl Decided for ClaimGroup {
    fn decided(&self) -> bool {
        self.0.iter().all(|c| c.verdict != Verdict::Undecided)
    }
}

/// A bound against one exact value (`<`, `<=`, `>`, `>=`, `=`).
pub fn bound_q(rel: &str, v: &Q) -> Option<Bound> {
    Some(Bound::point(rel, v))
}

/// A bound from a specification's `(relation, lo, hi)` triple.
pub fn spec_bound(b: Option<(&'static str, Q, Q)>) -> Option<Bound> {
    b.map(|(rel, lo, hi)| Bound::new(rel, &lo, &hi))
}

/// An exact rational as certificates write it.
pub fn fmt_q(q: &Q) -> String {
    format_exact(q)
}

/// Runs a claim group: escalating precision until every claim is decided when the arithmetic is
/// rigorous, once otherwise.
pub fn escalate<T: Task<Output = ClaimGroup>>(opts: &RunOptions, task: &T) -> Vec<Claim> {
    if opts.arith.is_rigorous() {
        run_escalating(opts.arith, opts.max_bits, task).0 .0
    } else {
        run_at(opts.arith, task).0
    }
}

/// The exact endpoints of a box, `None` if a component is unbounded.
pub fn box_encl<S: Arith>(x: &[S]) -> Option<Vec<Encl>> {
    x.iter()
        .map(|v| v.bounds().map(|(a, b)| Encl::new(&a, &b)))
        .collect()
}

/// An enclosure for messages, to 9 significant digits.
pub fn box_display<S: Arith>(x: &S) -> String {
    match x.bounds() {
        Some((a, b)) => crate::certificate::display_interval(&a, &b, 9),
        None => "(unbounded)".into(),
    }
}

/// The Krawczyk witness of a periodic point of the map named `map`.
pub fn krawczyk_witness<S: Arith, const N: usize>(
    map: &str,
    p: &PeriodicPoint<S, N>,
) -> Option<Witness> {
    Some(Witness::Krawczyk {
        map: map.into(),
        period: p.period,
        boxed: box_encl(&p.unique_box)?,
        tight: box_encl(&p.boxed)?,
        center: p
            .center
            .iter()
            .map(|v| v.bounds().map(|(a, _)| format_exact(&a)))
            .collect::<Option<Vec<_>>>()?,
        preconditioner: p
            .preconditioner
            .iter()
            .map(|row| row.iter().map(format_exact).collect())
            .collect(),
    })
}

/// The orbit witness of the map named `map` from an exact start.
pub fn orbit_witness<S: Arith, const N: usize>(
    map: &str,
    start: &[Q; N],
    orbit: &Orbit<S, N>,
) -> Option<Witness> {
    Some(Witness::Orbit {
        map: map.into(),
        start: start.iter().map(format_exact).collect(),
        boxes: orbit
            .boxes
            .iter()
            .map(|b| box_encl(b))
            .collect::<Option<Vec<_>>>()?,
    })
}

/// Claims that could not be decided in this arithmetic: listed all the same, so that a certificate
/// always holds the full set of claims its instance asks for.
pub fn undecided_all(ids: &[&str], why: &str, arith: &str) -> ClaimGroup {
    ClaimGroup(
        ids.iter()
            .map(|id| claim(id, Role::Conclusion, why, None, None, arith, Witness::None))
            .collect(),
    )
}

/// A witness that points to the claim whose witness proves this one.
pub fn uses(claim: &str) -> Witness {
    Witness::Uses {
        claim: claim.into(),
        step: None,
    }
}

/// The witness of an inertia count of the matrix named `matrix` at the shift `t`.
pub fn congruence_witness(matrix: &str, t: &Q, c: &crate::linalg::InertiaCount) -> Witness {
    let n = c.perm.len();
    Witness::Congruence {
        matrix: matrix.into(),
        t: format_exact(t),
        perm: c.perm.clone(),
        factor: (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .map(|(i, j)| crate::arith::exact::format_f64_hex(c.factor[(i, j)]).unwrap_or_default())
            .collect(),
        factor_kind: match c.kind {
            crate::linalg::CongruenceKind::UnitLower => "unit_lower".into(),
            crate::linalg::CongruenceKind::Eigenvectors => "eigenvectors".into(),
        },
        method: "mpfr:128".into(),
    }
}

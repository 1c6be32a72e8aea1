//! The certificate format `gdcert/1`: types, exact numbers, serialization and digest.
//!
//! A certificate is JSON. Every number in it is a string that [`crate::arith::parse_q`] reads
//! exactly: finite decimals (every binary float has one), or `p/q`. It records the tool, the theorem,
//! the instance exactly, the arithmetic, each claim (hypothesis or conclusion) with its enclosure,
//! bound, verdict and witness, and a SHA-256 digest of everything else. Files are deterministic: no
//! timestamps, no hash-map order, the same bytes for the same inputs.

use crate::arith::exact::{format_directed, format_exact, parse_q, Q};
use crate::arith::Tri;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

pub const FORMAT: &str = "gdcert/1";

/// The verdict on a claim, and on a certificate (the most severe of its claims).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Verdict {
    #[serde(rename = "CERTIFIED")]
    Certified,
    #[serde(rename = "AUDIT_PASS")]
    AuditPass,
    #[serde(rename = "UNDECIDED")]
    Undecided,
    #[serde(rename = "CONDITION_NOT_MET")]
    ConditionNotMet,
    #[serde(rename = "AUDIT_FAIL")]
    AuditFail,
    #[serde(rename = "VIOLATED")]
    Violated,
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Certified => "CERTIFIED",
            Verdict::AuditPass => "AUDIT_PASS",
            Verdict::Undecided => "UNDECIDED",
            Verdict::ConditionNotMet => "CONDITION_NOT_MET",
            Verdict::AuditFail => "AUDIT_FAIL",
            Verdict::Violated => "VIOLATED",
        }
    }

    /// The exit code of `certify` for a run whose overall verdict is `self`.
    pub fn exit_code(&self) -> i32 {
        match self {
            Verdict::Certified | Verdict::AuditPass => 0,
            Verdict::Violated | Verdict::AuditFail => 1,
            Verdict::ConditionNotMet => 2,
            Verdict::Undecided => 3,
        }
    }

    /// The overall verdict of a list of claims: VIOLATED/AUDIT_FAIL, then CONDITION_NOT_MET, then
    /// UNDECIDED, then AUDIT_PASS, then CERTIFIED. An empty list shows nothing: UNDECIDED.
    pub fn combine(vs: impl IntoIterator<Item = Verdict>) -> Verdict {
        vs.into_iter().max().unwrap_or(Verdict::Undecided)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a claim is a hypothesis of the theorem (if false, the theorem says nothing) or a conclusion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Hypothesis,
    Conclusion,
}

/// An exact closed interval `[lo, hi]`, both endpoints written exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Encl {
    pub lo: String,
    pub hi: String,
}

impl Encl {
    pub fn new(lo: &Q, hi: &Q) -> Self {
        Encl {
            lo: format_exact(lo),
            hi: format_exact(hi),
        }
    }

    pub fn point(q: &Q) -> Self {
        Self::new(q, q)
    }

    /// The endpoints as exact rationals; an error names what is wrong.
    pub fn parse(&self) -> Result<(Q, Q), String> {
        let lo = parse_q(&self.lo).map_err(|e| format!("lo: {e}"))?;
        let hi = parse_q(&self.hi).map_err(|e| format!("hi: {e}"))?;
        if lo > hi {
            return Err(format!("lo {} is above hi {}", self.lo, self.hi));
        }
        Ok((lo, hi))
    }

    /// A short human-readable form, rounded outward: `[0.7312904, 0.7312905]`.
    pub fn display(&self, digits: usize) -> String {
        match self.parse() {
            Ok((lo, hi)) => display_interval(&lo, &hi, digits),
            Err(_) => format!("[{}, {}]", self.lo, self.hi),
        }
    }
}

/// `[lo, hi]` rounded outward to `digits` significant digits (a point is shown once, exactly when short).
pub fn display_interval(lo: &Q, hi: &Q, digits: usize) -> String {
    if lo == hi {
        let exact = format_exact(lo);
        if exact.len() <= 24 {
            return exact;
        }
    }
    format!(
        "[{}, {}]",
        format_directed(lo, digits, false),
        format_directed(hi, digits, true)
    )
}

/// The bound a claim compares its enclosure with: `relation` is one of `<`, `<=`, `>`, `>=`, `in`
/// (the enclosure lies inside `[lo, hi]`), `=` (an exact equality).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bound {
    pub relation: String,
    pub value: Encl,
}

impl Bound {
    pub fn new(relation: &str, lo: &Q, hi: &Q) -> Self {
        Bound {
            relation: relation.to_string(),
            value: Encl::new(lo, hi),
        }
    }

    pub fn point(relation: &str, v: &Q) -> Self {
        Self::new(relation, v, v)
    }

    /// Whether every value in `[lo, hi]` satisfies the bound (`True`), none does (`False`), or
    /// some may and some may not (`Unknown`).
    pub fn test(&self, lo: &Q, hi: &Q) -> Result<Tri, String> {
        let (a, b) = self.value.parse()?;
        let point = || -> Result<&Q, String> {
            if a == b {
                Ok(&a)
            } else {
                Err(format!("relation `{}` needs a single value", self.relation))
            }
        };
        let decide = |yes: bool, no: bool| {
            if yes {
                Tri::True
            } else if no {
                Tri::False
            } else {
                Tri::Unknown
            }
        };
        Ok(match self.relation.as_str() {
            "<" => decide(hi < point()?, lo >= point()?),
            "<=" => decide(hi <= point()?, lo > point()?),
            ">" => decide(lo > point()?, hi <= point()?),
            ">=" => decide(lo >= point()?, hi < point()?),
            "=" => decide(lo == hi && lo == point()?, point()? < lo || point()? > hi),
            "in" => decide(a <= *lo && *hi <= b, *hi < a || *lo > b),
            "in_open" => decide(a < *lo && *hi < b, *hi <= a || *lo >= b),
            r => {
                return Err(format!(
                    "unknown relation `{r}` (expected <, <=, >, >=, =, in, in_open)"
                ))
            }
        })
    }

    /// Human-readable form, e.g. `< 1` or `in (-1, 1)`; interval ends are rounded outward.
    pub fn display(&self) -> String {
        let end = |s: &str, up: bool| -> String {
            match parse_q(s) {
                Ok(q) if format_exact(&q).len() <= 12 => format_exact(&q),
                Ok(q) => format_directed(&q, 8, up),
                Err(_) => s.to_string(),
            }
        };
        let (lo, hi) = (end(&self.value.lo, false), end(&self.value.hi, true));
        match self.relation.as_str() {
            "in" => format!("in [{lo}, {hi}]"),
            "in_open" => format!("in ({lo}, {hi})"),
            // Single-value relations: show the value itself (rounded towards the safe side is not
            // meaningful for a threshold, so long values are shown to 10 digits).
            r => match parse_q(&self.value.lo) {
                Ok(q) if format_exact(&q).len() <= 12 => format!("{r} {}", format_exact(&q)),
                Ok(q) => format!(
                    "{r} {}",
                    crate::arith::exact::format_directed(&q, 10, false)
                ),
                Err(_) => format!("{r} {}", self.value.lo),
            },
        }
    }
}

/// The verdict a role earns from the outcome of its test.
pub fn verdict_for(role: Role, outcome: Tri) -> Verdict {
    match (role, outcome) {
        (_, Tri::True) => Verdict::Certified,
        (_, Tri::Unknown) => Verdict::Undecided,
        (Role::Hypothesis, Tri::False) => Verdict::ConditionNotMet,
        (Role::Conclusion, Tri::False) => Verdict::Violated,
    }
}

/// One claim: a hypothesis or a conclusion, with what proves it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Stable identifier, e.g. `T1.cycle2.multiplier`; the kernel knows what each one states.
    pub id: String,
    pub role: Role,
    pub statement: String,
    /// The enclosure of the claimed quantity, when the claim has one.
    pub enclosure: Option<Encl>,
    pub bound: Option<Bound>,
    pub verdict: Verdict,
    /// The arithmetic that decided the claim (`exact`, `interval`, `mpfr:BITS`).
    pub arithmetic: String,
    pub witness: Witness,
    /// Side-by-side information (closed forms, reference values); not part of what is claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the kernel re-verifies for a claim.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Witness {
    /// Nothing to check: the claim is `UNDECIDED` and asserts nothing.
    None,
    /// Nothing beyond the instance: the kernel recomputes the claim exactly (identities, rational
    /// inequalities).
    Exact,
    /// A chain of boxes `X_0, …, X_K` of a map with `x_0 ∈ X_0` and `F(X_k) ⊆ X_{k+1}`.
    Orbit {
        map: String,
        start: Vec<String>,
        boxes: Vec<Vec<Encl>>,
    },
    /// Krawczyk boxes for a point of least period `period`: the point is the only zero of
    /// `F^period − id` in `box`, and lies in the narrower `tight`; both pass the Krawczyk test with
    /// the same centre and preconditioner.
    Krawczyk {
        map: String,
        period: usize,
        #[serde(rename = "box")]
        boxed: Vec<Encl>,
        tight: Vec<Encl>,
        center: Vec<String>,
        preconditioner: Vec<Vec<String>>,
    },
    /// The claim is evaluated on the witness of another claim (e.g. a multiplier over a Krawczyk box,
    /// or the loss at step `step` of an orbit).
    Uses {
        claim: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<usize>,
    },
    /// A Taylor quadrature of order `order` on the pieces between consecutive `breakpoints`,
    /// recomputed by the kernel with `bits` bits for its rounded operations.
    Quadrature {
        order: u32,
        bits: u32,
        breakpoints: Vec<String>,
    },
    /// Approximate eigenpairs of the symmetric matrix `matrix` (row-major `n×n` eigenvectors as
    /// columns, eigenvalues ascending), from which the kernel recomputes the residual bound with
    /// `method` (`exact` rational arithmetic, or `mpfr:BITS` correctly rounded dot products).
    EigenBasis {
        matrix: String,
        values: Vec<String>,
        vectors: Vec<String>,
        shift: String,
        method: String,
    },
    /// An approximate SVD `A ≈ UΣVᵀ` of `matrix` (`m×m` and `n×n` row-major, singular values
    /// descending), from which the kernel builds a basis of `[[0, A], [Aᵀ, 0]]`.
    SvdBasis {
        matrix: String,
        values: Vec<String>,
        u: Vec<String>,
        v: Vec<String>,
        method: String,
    },
    /// A congruence `X P (A − tI) Pᵀ Xᵀ` whose Gershgorin discs exclude 0: `factor` is `X`
    /// (row-major), `perm[k]` the row of `A` moved to position k, `factor_kind` `unit_lower`
    /// (det X = 1) or `eigenvectors` (X = Vᵀ with ‖XXᵀ − I‖ < 1, checked by the kernel).
    Congruence {
        matrix: String,
        t: String,
        perm: Vec<usize>,
        factor: Vec<String>,
        factor_kind: String,
        method: String,
    },
    /// An invariant contraction box `|r| <= r_bar`, `q ∈ [q_lo, q_hi]` of the reduced map entered by
    /// the last box of the orbit of claim `orbit`, with rate `rho` and imbalance drift `delta`.
    Contraction {
        orbit: String,
        r_bar: String,
        q_lo: String,
        q_hi: String,
        rho: String,
        delta: String,
    },
    /// A stationary point of the loss named `loss`: the only zero of its gradient in the box
    /// `center ± radius`, lying in `tight`, by the Krawczyk test with `preconditioner` (row-major).
    Stationary {
        loss: String,
        center: Vec<String>,
        radius: Vec<String>,
        tight: Vec<Encl>,
        preconditioner: Vec<String>,
    },
    /// The `index`-th smallest eigenvalue (from 1) of a symmetric matrix lies strictly between the
    /// shifts of two congruence witnesses: fewer than `index` eigenvalues lie below the `t` of
    /// `lower`, at least `index` below the `t` of `upper`.
    Bracket {
        index: usize,
        lower: Box<Witness>,
        upper: Box<Witness>,
    },
    /// A box `B` of the map of the orbit of claim `orbit` with `F(B) ⊆ B`, `‖F'(B)‖∞ ≤ rate < 1`
    /// (a contraction, so every orbit in `B` converges to its one fixed point), entered by the
    /// orbit's last box.
    InvariantBox {
        orbit: String,
        #[serde(rename = "box")]
        boxed: Vec<Encl>,
        rate: String,
    },
    /// The tail of a GD orbit of the valley `½(1 + x²)y² + (b/2)z²` entered by the last box of the
    /// orbit of claim `orbit`: the invariant box `|y| <= y_bar`, `x ∈ [x_lo, x_hi]·[1 − delta, 1]`,
    /// over which `|1 − γ(1 + x²)| <= rho < 1`, with `γ·y_bar² <= 1` and
    /// `γ·y_bar²/(1 − rho²) <= delta < 1`.
    ValleyTail {
        orbit: String,
        y_bar: String,
        x_lo: String,
        x_hi: String,
        rho: String,
        delta: String,
    },
    /// A matrix of the theorem evaluated at the exact point `point` (e.g. a regularised Hessian),
    /// with a congruence witness of it.
    PointHessian {
        point: Vec<String>,
        congruence: Box<Witness>,
    },
    /// An exact point (e.g. a rational `U`, row-major, or a shift `t`) at which the kernel
    /// re-evaluates the claim's formula exactly.
    Point { point: Vec<String> },
    /// A GD orbit of a loss from the exact `start`: boxes `X_0 ∋ start`, `F(X_k) ⊆ X_{k+1}`, where
    /// `F(X_k)` is enclosed by the mean-value form with the Hessian over `hulls[k / block]` ⊇ `X_k`.
    GdOrbit {
        loss: String,
        start: Vec<String>,
        block: usize,
        boxes: Vec<Vec<Encl>>,
        hulls: Vec<Vec<Encl>>,
    },
    /// A cover of `[lo, hi]` by the boxes between consecutive `breakpoints`: on each box the kernel
    /// encloses the `iterations`-fold composition of the map `map` by the mean-value form, rounding
    /// outward to `bits` bits. At `argmin` and `argmax` the map's value bounds the least and the
    /// greatest value from the other side.
    ImageCover {
        map: String,
        iterations: usize,
        bits: u32,
        breakpoints: Vec<String>,
        argmin: String,
        argmax: String,
    },
    /// An exactly orthogonal candidate `Q = R·cayley(skew)` (`R = diag(−1, 1, …)` when `reflect`)
    /// for the polar factor of `matrix`, with `(C + Cᵀ)/2 − tI` positive definite for `C = Qᵀ·matrix`.
    PolarFactor {
        matrix: String,
        skew: Vec<String>,
        reflect: bool,
        t: String,
    },
    /// `σ_min(matrix)² ∈ [t, ‖Mv‖²/‖v‖²]`: `MᵀM − tI` is positive definite and `vector` is v.
    Rayleigh {
        matrix: String,
        t: String,
        vector: Vec<String>,
    },
    /// A gauge-fixing slice: the coordinates `fixed` (row-major indices of `U`) held at the exact
    /// `values`; the stationary witness of claim `stationary` parametrises the other coordinates.
    Slice {
        stationary: String,
        fixed: Vec<usize>,
        values: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TheoremRef {
    pub id: String,
    pub title: String,
    pub statement: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceRecord {
    pub name: String,
    /// Every parameter, exactly, by its dotted key.
    pub params: BTreeMap<String, String>,
    /// Matrices of the instance, exactly, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub matrices: BTreeMap<String, MatrixRecord>,
}

/// A matrix, exactly: `entries` row-major, each an exact numeral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixRecord {
    pub rows: usize,
    pub cols: usize,
    pub entries: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArithmeticRecord {
    /// The arithmetic the run started in.
    pub requested: String,
    /// The cap of precision escalation, in bits.
    pub max_bits: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    pub format: String,
    pub tool: Tool,
    pub theorem: TheoremRef,
    pub instance: InstanceRecord,
    pub arithmetic: ArithmeticRecord,
    pub verdict: Verdict,
    pub claims: Vec<Claim>,
    /// SHA-256 of the certificate serialized with an empty digest.
    pub digest: String,
}

impl Certificate {
    /// The digest of everything but the digest field.
    pub fn compute_digest(&self) -> String {
        let mut c = self.clone();
        c.digest = String::new();
        let bytes = serde_json::to_vec(&c).unwrap_or_default();
        let h = Sha256::digest(&bytes);
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Sets the digest and returns the pretty JSON text (with a final newline).
    pub fn seal(mut self) -> (Certificate, String) {
        self.digest = self.compute_digest();
        let mut text = serde_json::to_string_pretty(&self).unwrap_or_default();
        text.push('\n');
        (self, text)
    }

    pub fn claim(&self, id: &str) -> Option<&Claim> {
        self.claims.iter().find(|c| c.id == id)
    }
}

/// Parses certificate text; the error names the line and column, or the field, and what was
/// expected. Every number of every claim must be a valid exact numeral.
pub fn parse_certificate(text: &str) -> Result<Certificate, String> {
    let c: Certificate = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if c.format != FORMAT {
        return Err(format!("format is `{}`, expected `{FORMAT}`", c.format));
    }
    validate_numbers(&c)?;
    Ok(c)
}

fn check_num(path: &str, s: &str) -> Result<(), String> {
    parse_q(s).map(|_| ()).map_err(|e| format!("{path}: {e}"))
}

fn check_encl(path: &str, e: &Encl) -> Result<(), String> {
    check_num(&format!("{path}.lo"), &e.lo)?;
    check_num(&format!("{path}.hi"), &e.hi)
}

fn check_encls(path: &str, v: &[Encl]) -> Result<(), String> {
    v.iter()
        .enumerate()
        .try_for_each(|(i, e)| check_encl(&format!("{path}[{i}]"), e))
}

fn check_nums(path: &str, v: &[String]) -> Result<(), String> {
    v.iter()
        .enumerate()
        .try_for_each(|(i, s)| check_num(&format!("{path}[{i}]"), s))
}

/// Every numeral in the claims parses exactly (a certificate with `"lo": "nan"` is malformed).
fn validate_numbers(c: &Certificate) -> Result<(), String> {
    for (name, m) in &c.instance.matrices {
        if m.entries.len() != m.rows.saturating_mul(m.cols) || m.rows == 0 || m.cols == 0 {
            return Err(format!(
                "instance.matrices.{name}: {} entries for a {}x{} matrix",
                m.entries.len(),
                m.rows,
                m.cols
            ));
        }
        check_nums(&format!("instance.matrices.{name}.entries"), &m.entries)?;
    }
    for (i, cl) in c.claims.iter().enumerate() {
        let p = format!("claims[{i}] ({})", cl.id);
        if let Some(e) = &cl.enclosure {
            check_encl(&format!("{p}.enclosure"), e)?;
        }
        if let Some(b) = &cl.bound {
            check_encl(&format!("{p}.bound.value"), &b.value)?;
        }
        check_witness(&format!("{p}.witness"), &cl.witness)?;
    }
    Ok(())
}

fn check_witness(w: &str, witness: &Witness) -> Result<(), String> {
    match witness {
        Witness::None | Witness::Exact | Witness::Uses { .. } => {}
        Witness::Orbit { start, boxes, .. } => {
            check_nums(&format!("{w}.start"), start)?;
            boxes
                .iter()
                .enumerate()
                .try_for_each(|(k, b)| check_encls(&format!("{w}.boxes[{k}]"), b))?;
        }
        Witness::Krawczyk {
            boxed,
            tight,
            center,
            preconditioner,
            ..
        } => {
            check_encls(&format!("{w}.box"), boxed)?;
            check_encls(&format!("{w}.tight"), tight)?;
            check_nums(&format!("{w}.center"), center)?;
            preconditioner
                .iter()
                .enumerate()
                .try_for_each(|(k, r)| check_nums(&format!("{w}.preconditioner[{k}]"), r))?;
        }
        Witness::Quadrature { breakpoints, .. } => {
            check_nums(&format!("{w}.breakpoints"), breakpoints)?
        }
        Witness::EigenBasis {
            values,
            vectors,
            shift,
            ..
        } => {
            check_num(&format!("{w}.shift"), shift)?;
            check_nums(&format!("{w}.values"), values)?;
            check_nums(&format!("{w}.vectors"), vectors)?;
        }
        Witness::SvdBasis { values, u, v, .. } => {
            check_nums(&format!("{w}.values"), values)?;
            check_nums(&format!("{w}.u"), u)?;
            check_nums(&format!("{w}.v"), v)?;
        }
        Witness::Congruence { t, factor, .. } => {
            check_num(&format!("{w}.t"), t)?;
            check_nums(&format!("{w}.factor"), factor)?;
        }
        Witness::Stationary {
            center,
            radius,
            tight,
            preconditioner,
            ..
        } => {
            check_nums(&format!("{w}.center"), center)?;
            check_nums(&format!("{w}.radius"), radius)?;
            check_encls(&format!("{w}.tight"), tight)?;
            check_nums(&format!("{w}.preconditioner"), preconditioner)?;
        }
        Witness::InvariantBox { boxed, rate, .. } => {
            check_encls(&format!("{w}.box"), boxed)?;
            check_num(&format!("{w}.rate"), rate)?;
        }
        Witness::Bracket { lower, upper, .. } => {
            check_witness(&format!("{w}.lower"), lower)?;
            check_witness(&format!("{w}.upper"), upper)?;
        }
        Witness::Contraction {
            r_bar,
            q_lo,
            q_hi,
            rho,
            delta,
            ..
        } => {
            for (name, v) in [
                ("r_bar", r_bar),
                ("q_lo", q_lo),
                ("q_hi", q_hi),
                ("rho", rho),
                ("delta", delta),
            ] {
                check_num(&format!("{w}.{name}"), v)?;
            }
        }
        Witness::ValleyTail {
            y_bar,
            x_lo,
            x_hi,
            rho,
            delta,
            ..
        } => {
            for (name, v) in [
                ("y_bar", y_bar),
                ("x_lo", x_lo),
                ("x_hi", x_hi),
                ("rho", rho),
                ("delta", delta),
            ] {
                check_num(&format!("{w}.{name}"), v)?;
            }
        }
        Witness::PointHessian { point, congruence } => {
            check_nums(&format!("{w}.point"), point)?;
            check_witness(&format!("{w}.congruence"), congruence)?;
        }
        Witness::Point { point } => check_nums(&format!("{w}.point"), point)?,
        Witness::GdOrbit {
            start,
            boxes,
            hulls,
            ..
        } => {
            check_nums(&format!("{w}.start"), start)?;
            for (name, v) in [("boxes", boxes), ("hulls", hulls)] {
                v.iter()
                    .enumerate()
                    .try_for_each(|(k, b)| check_encls(&format!("{w}.{name}[{k}]"), b))?;
            }
        }
        Witness::ImageCover {
            breakpoints,
            argmin,
            argmax,
            ..
        } => {
            check_nums(&format!("{w}.breakpoints"), breakpoints)?;
            check_num(&format!("{w}.argmin"), argmin)?;
            check_num(&format!("{w}.argmax"), argmax)?;
        }
        Witness::PolarFactor { skew, t, .. } => {
            check_nums(&format!("{w}.skew"), skew)?;
            check_num(&format!("{w}.t"), t)?;
        }
        Witness::Rayleigh { t, vector, .. } => {
            check_num(&format!("{w}.t"), t)?;
            check_nums(&format!("{w}.vector"), vector)?;
        }
        Witness::Slice { values, .. } => check_nums(&format!("{w}.values"), values)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::q_frac;

    #[test]
    fn verdicts_combine_by_severity() {
        use Verdict::*;
        assert_eq!(
            Verdict::combine([Certified, Undecided, ConditionNotMet]),
            ConditionNotMet
        );
        assert_eq!(
            Verdict::combine([Certified, Violated, ConditionNotMet]),
            Violated
        );
        assert_eq!(Verdict::combine([Certified]), Certified);
        assert_eq!(ConditionNotMet.exit_code(), 2);
    }

    #[test]
    fn enclosures_are_exact_and_displayed_outward() {
        let e = Encl::new(&q_frac(1, 3), &q_frac(1, 2));
        assert_eq!(e.parse().unwrap(), (q_frac(1, 3), q_frac(1, 2)));
        assert_eq!(e.display(4), "[0.3333, 0.5]");
        assert!(Encl {
            lo: "2".into(),
            hi: "1".into()
        }
        .parse()
        .is_err());
    }
}

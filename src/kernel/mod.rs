//! The trusted kernel: `gdcert check`.
//!
//! It re-verifies every witness of a certificate in exact rational arithmetic ([`RatInterval`],
//! [`Poly`]), evaluating the theorem's specification formulas from [`crate::spec`] and nothing of
//! the engine: no `methods`, no `theorems`, no binary float. For each claim it knows, from the
//! claim's id and the instance, what must be proved and against which bound; it recomputes the
//! claimed quantity from the witness, checks that the certificate's enclosure contains it, and
//! checks that the stated verdict follows. A certificate is valid when every claim is, the overall
//! verdict is the most severe claim verdict, and the digest matches.
//!
//! Verdict rules: `CERTIFIED`, `VIOLATED` and `CONDITION_NOT_MET` must follow from the enclosure
//! and the bound. `UNDECIDED` asserts nothing, so it is accepted whatever the witness proves (and
//! any enclosure it carries is still checked).
//!
//! [`RatInterval`]: crate::arith::RatInterval
//! [`Poly`]: crate::arith::Poly

mod attention_pca;
mod bradley_terry;
mod checks;
mod deep_mf;
mod feature_learning;
mod imc;
mod matrix;
mod muon;
mod newton_ntk;
mod pl_rate;
mod spectrum;
mod stationary;
mod two_factor;
mod weight_decay;

use crate::certificate::{parse_certificate, Certificate, Claim, Verdict};

/// The kernel's finding on one claim.
#[derive(Clone, Debug)]
pub struct ClaimCheck {
    pub id: String,
    pub verdict: Verdict,
    pub ok: bool,
    /// Why the claim holds (what was verified), or why it was rejected.
    pub reason: String,
}

impl ClaimCheck {
    /// The finding on `claim` of a check that says why it holds (`Ok`) or why not (`Err`).
    pub fn of(claim: &Claim, r: Result<String, String>) -> Self {
        let ok = r.is_ok();
        ClaimCheck {
            id: claim.id.clone(),
            verdict: claim.verdict,
            ok,
            reason: r.unwrap_or_else(|e| e),
        }
    }

    /// A claim the theorem states for the instance that the certificate leaves out.
    pub fn missing(id: &str) -> Self {
        ClaimCheck {
            id: id.to_string(),
            verdict: Verdict::Undecided,
            ok: false,
            reason: "missing: the theorem states this claim for this instance".into(),
        }
    }
}

/// The kernel's finding on one certificate.
#[derive(Clone, Debug)]
pub struct Report {
    pub theorem: String,
    pub instance: String,
    pub verdict: Verdict,
    pub claims: Vec<ClaimCheck>,
    /// Problems with the certificate as a whole (digest, overall verdict, duplicate ids).
    pub problems: Vec<String>,
}

impl Report {
    pub fn valid(&self) -> bool {
        self.problems.is_empty() && self.claims.iter().all(|c| c.ok)
    }
}

/// A certificate that cannot be read at all (exit code 65).
#[derive(Clone, Debug)]
pub struct Malformed(pub String);

/// Parses and checks certificate text.
pub fn check_text(text: &str) -> Result<Report, Malformed> {
    let cert = parse_certificate(text).map_err(Malformed)?;
    check(&cert)
}

/// Checks a parsed certificate.
pub fn check(cert: &Certificate) -> Result<Report, Malformed> {
    let mut problems = vec![];
    let digest = cert.compute_digest();
    if digest != cert.digest {
        problems.push(format!("digest mismatch: recorded {}, computed {digest} (the file was changed after it was written)", cert.digest));
    }
    let mut ids: Vec<&str> = cert.claims.iter().map(|c| c.id.as_str()).collect();
    ids.sort();
    for w in ids.windows(2) {
        if w[0] == w[1] {
            problems.push(format!("claim `{}` appears twice", w[0]));
        }
    }
    let overall = Verdict::combine(cert.claims.iter().map(|c| c.verdict));
    if overall != cert.verdict {
        problems.push(format!(
            "overall verdict is {}, but its claims give {overall}",
            cert.verdict
        ));
    }
    let claims = match cert.theorem.id.as_str() {
        "two-factor-transformer" => two_factor::check(cert)?,
        "deep-matrix-factorization" => deep_mf::check(cert)?,
        "spectrum" => spectrum::check(cert)?,
        "weight-decay-eos" => weight_decay::check(cert)?,
        "pl-asymptotic-rate" => pl_rate::check(cert)?,
        "two-step-feature-learning" => feature_learning::check(cert)?,
        "newton-ntk" => newton_ntk::check(cert)?,
        "attention-pca" => attention_pca::check(cert)?,
        "bradley-terry-metric" => bradley_terry::check(cert)?,
        "muon" => muon::check(cert)?,
        "inductive-matrix-completion" => imc::check(cert)?,
        other => {
            return Err(Malformed(format!(
                "theorem `{other}` is not known to this kernel"
            )))
        }
    };
    Ok(Report {
        theorem: cert.theorem.id.clone(),
        instance: cert.instance.name.clone(),
        verdict: cert.verdict,
        claims,
        problems,
    })
}

//! Kernel of `two-step-feature-learning`: the exact claims (the hypothesis α₁, α₂ ∈ [0, 1/2), the
//! formula's K = ⌊α₂/(1/2 − α₁)⌋ and the margins of terms K and K + 1), recomputed from the
//! instance's exact α's. The limit claim itself is only audited (`gdcert audit`), never certified.

use super::checks::{conclude, param, q, Expect};
use super::matrix::{check_congruence_witness, KMat};
use super::{ClaimCheck, Malformed};
use crate::arith::exact::Q;
use crate::arith::ratinterval::RatInterval;
use crate::arith::{q_frac, q_int};
use crate::certificate::{Certificate, Role, Verdict, Witness};
use crate::spec::feature_learning::{SAMPLE_JORDAN, SAMPLE_MATRIX};
use num_integer::Integer;

/// A claim the theorem states: id, role, bound, exact value, what was verified.
type ExpectedClaim = (String, Role, Option<(&'static str, Q, Q)>, Q, String);

fn exact(q: &Q) -> RatInterval {
    RatInterval::new(q.clone(), q.clone(), 64)
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let need = |k: &str| -> Result<Q, Malformed> {
        param(cert, k)?.ok_or_else(|| Malformed(format!("instance parameter `{k}` is missing")))
    };
    let (a1, a2) = (need("alpha1")?, need("alpha2")?);
    let half = q_frac(1, 2);
    let ok = |a: &Q| *a >= q_int(0) && *a < half;
    let holds = ok(&a1) && ok(&a2);
    let mut expected: Vec<ExpectedClaim> = vec![];
    for (name, a) in [("alpha1", &a1), ("alpha2", &a2)] {
        expected.push((
            format!("H.{name}.nonnegative"),
            Role::Hypothesis,
            Some((">=", q_int(0), q_int(0))),
            a.clone(),
            format!("{name} from the instance, exactly"),
        ));
        expected.push((
            format!("H.{name}.below_half"),
            Role::Hypothesis,
            Some(("<", half.clone(), half.clone())),
            a.clone(),
            format!("{name} from the instance, exactly"),
        ));
    }
    if holds {
        let r: Q = a2.clone() / (half.clone() - &a1);
        let k = r.numer().div_floor(r.denom());
        let kq = Q::from_integer(k.clone());
        let margin = |j: &Q| a2.clone() - j.clone() * (half.clone() - &a1);
        expected.push((
            "K".into(),
            Role::Conclusion,
            None,
            kq.clone(),
            "K = ⌊α₂/(1/2 − α₁)⌋ by exact integer division".into(),
        ));
        expected.push((
            "margin.K".into(),
            Role::Conclusion,
            Some((">=", q_int(0), q_int(0))),
            margin(&kq),
            "e_K = α₂ − K(1/2 − α₁), exactly".into(),
        ));
        let k1 = kq + q_int(1);
        expected.push((
            "margin.K+1".into(),
            Role::Conclusion,
            Some(("<", q_int(0), q_int(0))),
            margin(&k1),
            "e_(K+1) = α₂ − (K + 1)(1/2 − α₁), exactly".into(),
        ));
    }
    let sample_n: i64 = cert
        .instance
        .params
        .get("sample.N")
        .map(|v| {
            v.parse()
                .map_err(|_| Malformed("instance parameter `sample.N` is not an integer".into()))
        })
        .transpose()?
        .unwrap_or(0);
    let mut out = vec![];
    if holds && sample_n > 0 {
        out.push(match cert.claims.iter().find(|c| c.id == "S.count") {
            None => ClaimCheck {
                id: "S.count".into(),
                verdict: Verdict::Undecided,
                ok: false,
                reason: "the instance asks for a certified sample, but the certificate omits it"
                    .into(),
            },
            Some(c) => {
                let r = check_sample(cert, c, sample_n as usize);
                ClaimCheck::of(c, r)
            }
        });
    }
    for (id, role, bound, value, what) in &expected {
        let Some(c) = cert.claims.iter().find(|c| &c.id == id) else {
            out.push(ClaimCheck {
                id: id.clone(),
                verdict: Verdict::Undecided,
                ok: false,
                reason: "the theorem states this claim, but the certificate omits it".into(),
            });
            continue;
        };
        let result = if !matches!(c.witness, Witness::Exact) {
            Err("an exact claim has an `exact` witness".into())
        } else {
            conclude(
                c,
                Expect {
                    role: *role,
                    bound: bound
                        .as_ref()
                        .map(|(r, lo, hi)| (*r, lo.clone(), hi.clone())),
                    computed: Some(exact(value)),
                    what: what.clone(),
                },
            )
        };
        out.push(ClaimCheck {
            id: id.clone(),
            verdict: c.verdict,
            ok: result.is_ok(),
            reason: result.unwrap_or_else(|e| e),
        });
    }
    for c in &cert.claims {
        let stated =
            expected.iter().any(|e| e.0 == c.id) || (c.id == "S.count" && holds && sample_n > 0);
        if !stated {
            out.push(ClaimCheck {
                id: c.id.clone(),
                verdict: c.verdict,
                ok: false,
                reason: "not a claim of this theorem for this instance".into(),
            });
        }
    }
    Ok(out)
}

/// `S.count`: the number of singular values of the recorded sample M above t, from the congruence
/// witness of `[[0, M], [Mᵀ, 0]] − tI` (Sylvester's law of inertia; its eigenvalues are ±σ_i(M)).
fn check_sample(
    cert: &Certificate,
    c: &crate::certificate::Claim,
    n: usize,
) -> Result<String, String> {
    let rec = cert
        .instance
        .matrices
        .get(SAMPLE_MATRIX)
        .ok_or("the sampled matrix `sample.M` is not recorded in the instance")?;
    if rec.rows != n || rec.cols != n || rec.entries.len() != n * n {
        return Err(format!("`sample.M` must be {n}×{n}"));
    }
    let m: Vec<Q> = rec
        .entries
        .iter()
        .map(|e| q(e, "sample.M entry"))
        .collect::<Result<_, _>>()?;
    let big = 2 * n;
    let j: Vec<Q> = (0..big * big)
        .map(|k| {
            let (r, s) = (k / big, k % big);
            match (r < n, s < n) {
                (true, false) => m[r * n + (s - n)].clone(),
                (false, true) => m[s * n + (r - n)].clone(),
                _ => q_int(0),
            }
        })
        .collect();
    let computed = match &c.witness {
        Witness::None if c.verdict == Verdict::Undecided => None,
        Witness::Congruence { .. } => {
            let a = KMat::of_rationals(big, big, &j, false);
            let (t, _, above) = check_congruence_witness(&c.witness, SAMPLE_JORDAN, &a, false)?;
            if t <= q_int(0) {
                return Err("the threshold must be positive".into());
            }
            Some(exact(&q_int(above as i64)))
        }
        _ => return Err("the sampled count needs a congruence witness".into()),
    };
    conclude(
        c,
        Expect {
            role: Role::Conclusion,
            bound: None,
            computed,
            what: "singular values of the recorded M above t, by the inertia of [[0, M], [Mᵀ, 0]] − tI".into(),
        },
    )
}

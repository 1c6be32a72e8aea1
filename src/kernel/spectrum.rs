//! The kernel's table for `spectrum` certificates: it recomputes the residual bounds of the
//! eigen- and singular-value enclosures from the witness bases, the inertia from the congruence
//! factor, and the norms, with its own matrix code (`kernel::matrix`): exact rational arithmetic up
//! to `n = 64`, MPFR dot products rounded outward above, as each witness states.
//!
//! Enclosure theorem (see `linalg::eig`): for symmetric `A`, any `V` with `‖VᵀV − I‖₂ ≤ ε < 1/2`,
//! `R = AV − VΛ̃` and any shift σ, `|λᵢ(A) − λ̃ᵢ| ≤ δ = (2ε‖Λ̃ − σ‖ + ‖R‖₂)/√(1 − ε)` with both lists
//! ascending; an eigenvalue whose interval meets no other is also within `‖rᵢ‖/‖vᵢ‖` of λ̃ᵢ.

use super::checks::{conclude, Expect};
use super::matrix::{
    column_norms_upper, congruence_counts, difference, norm2_upper, product, KMat, PREC,
};
use super::{ClaimCheck, Malformed};
use crate::arith::exact::{parse_q, q_from_float, qadd, qcmp, qmul, qsub, rug_from_q, Q};
use crate::arith::{q_int, Elementary, RatInterval};
use crate::certificate::{Certificate, Claim, Role, Witness};
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use rug::float::Round;
use rug::Float;
use std::collections::BTreeMap;

/// Sizes up to which a witness must be re-verified exactly.
pub const EXACT_AT_LEAST: usize = 64;

struct Mat {
    rows: usize,
    cols: usize,
    d: Vec<Q>,
}

fn parse_all(v: &[String], what: &str) -> Result<Vec<Q>, String> {
    v.iter()
        .map(|s| parse_q(s).map_err(|e| format!("{what}: {e}")))
        .collect()
}

fn matrix(cert: &Certificate) -> Result<Mat, Malformed> {
    let m = cert
        .instance
        .matrices
        .get("A")
        .ok_or_else(|| Malformed("a spectrum certificate needs instance.matrices.A".into()))?;
    let d = parse_all(&m.entries, "instance.matrices.A").map_err(Malformed)?;
    Ok(Mat {
        rows: m.rows,
        cols: m.cols,
        d,
    })
}

/// The method a witness asks for, checked: exact for small sizes, else `exact` or `mpfr:128`.
fn exact_method(method: &str, n: usize) -> Result<bool, String> {
    match method {
        "exact" => Ok(true),
        "mpfr:128" if n > EXACT_AT_LEAST => Ok(false),
        "mpfr:128" => Err(format!("a {n}x{n} problem must be re-verified exactly")),
        m => Err(format!("unknown method `{m}` (expected exact or mpfr:128)")),
    }
}

fn fq(f: &Float) -> Result<Q, String> {
    q_from_float(f).ok_or_else(|| "a bound is not finite".to_string())
}

/// A lower bound of `√x` for a rational `x >= 0`.
fn sqrt_down(x: &Q) -> Q {
    RatInterval::point(x.clone(), 192)
        .sqrt()
        .lo()
        .cloned()
        .unwrap_or_default()
}

/// Enclosures of the eigenvalues of the symmetric `a` from a basis `(λ̃, V)`: the global radius δ
/// and each eigenvalue's enclosure (refined by its column residual when isolated).
struct EigenEnclosure {
    delta: Q,
    global: Vec<(Q, Q)>,
    refined: Vec<(Q, Q)>,
}

fn eigen_enclosure(
    a: &KMat,
    lam: &[Q],
    v: &KMat,
    shift: &Q,
    exact: bool,
) -> Result<EigenEnclosure, String> {
    let (n, _) = a.dims();
    if lam.len() != n || v.dims() != (n, n) {
        return Err(format!(
            "a {n}x{n} matrix needs {n} values and an {n}x{n} basis"
        ));
    }
    // R = AV − VΛ̃.
    let av = product(a, v, exact)?;
    let vl = match v {
        KMat::Exact { d, .. } => KMat::Exact {
            rows: n,
            cols: n,
            d: d.iter()
                .enumerate()
                .map(|(k, x)| qmul(x, &lam[k % n]))
                .collect(),
        },
        KMat::Bounds { .. } => {
            let (lo, hi) = v.bounds();
            let ls: Vec<Float> = lam
                .iter()
                .map(|q| Float::with_val(PREC, &rug_from_q(q)))
                .collect();
            KMat::Bounds {
                rows: n,
                cols: n,
                lo: lo
                    .iter()
                    .enumerate()
                    .map(|(k, x)| Float::with_val_round(PREC, x * &ls[k % n], Round::Down).0)
                    .collect(),
                hi: hi
                    .iter()
                    .enumerate()
                    .map(|(k, x)| Float::with_val_round(PREC, x * &ls[k % n], Round::Up).0)
                    .collect(),
            }
        }
    };
    let r = difference(&av, &vl);
    let gram = product(&v.transpose(), v, exact)?.shift_diagonal(&Q::one());
    let eps = fq(&norm2_upper(&gram))?;
    if eps >= Q::new(BigInt::from(1), BigInt::from(2)) {
        return Err("‖VᵀV − I‖ is not below 1/2".into());
    }
    let rnorm = fq(&norm2_upper(&r))?;
    let spread = lam
        .iter()
        .map(|l| qsub(l, shift).abs())
        .fold(Q::zero(), |m, x| if qcmp(&x, &m).is_gt() { x } else { m });
    let num = qadd(&qmul(&qmul(&q_int(2), &eps), &spread), &rnorm);
    let delta =
        crate::arith::ratinterval::round_rel(&(num / sqrt_down(&(Q::one() - &eps))), 64, true);
    let global: Vec<(Q, Q)> = lam
        .iter()
        .map(|l| (qsub(l, &delta), qadd(l, &delta)))
        .collect();
    // Column residuals ‖rᵢ‖/‖vᵢ‖ for isolated eigenvalues.
    let rcols = column_norms_upper(&r);
    let vnorm_sq: Vec<Q> = match v {
        KMat::Exact { d, .. } => (0..n)
            .map(|j| {
                (0..n).fold(Q::zero(), |s, i| {
                    qadd(&s, &qmul(&d[i * n + j], &d[i * n + j]))
                })
            })
            .collect(),
        KMat::Bounds { lo, .. } => (0..n)
            .map(|j| {
                let s = Float::with_val_round(
                    PREC,
                    Float::dot((0..n).map(|i| (&lo[i * n + j], &lo[i * n + j]))),
                    Round::Down,
                )
                .0;
                q_from_float(&s).unwrap_or_default()
            })
            .collect(),
    };
    let mut refined = global.clone();
    for i in 0..n {
        let isolated = (i == 0 || qcmp(&global[i - 1].1, &global[i].0).is_lt())
            && (i + 1 == n || qcmp(&global[i].1, &global[i + 1].0).is_lt());
        if !isolated || !vnorm_sq[i].is_positive() {
            continue;
        }
        let rho = crate::arith::ratinterval::round_rel(
            &(fq(&rcols[i])? / sqrt_down(&vnorm_sq[i])),
            64,
            true,
        );
        let (lo, hi) = (qsub(&lam[i], &rho), qadd(&lam[i], &rho));
        if qcmp(&lo, &refined[i].0).is_gt() {
            refined[i].0 = lo;
        }
        if qcmp(&hi, &refined[i].1).is_lt() {
            refined[i].1 = hi;
        }
    }
    Ok(EigenEnclosure {
        delta,
        global,
        refined,
    })
}

struct Ctx {
    a: Mat,
    eigen: Option<Result<EigenEnclosure, String>>,
    singular: Option<Result<(usize, EigenEnclosure), String>>,
}

fn kmat_of(m: &Mat, exact: bool) -> KMat {
    KMat::of_rationals(m.rows, m.cols, &m.d, exact)
}

/// `A` scaled to integer entries by the least common denominator `D` (when `D` is modest), for fast
/// exact products; `(A, 1)` otherwise.
fn integer_scaled(a: &Mat) -> (Mat, Q) {
    let mut den = BigInt::one();
    for q in &a.d {
        den = num_integer::Integer::lcm(&den, q.denom());
        if den.bits() > 4096 {
            return (
                Mat {
                    rows: a.rows,
                    cols: a.cols,
                    d: a.d.clone(),
                },
                Q::one(),
            );
        }
    }
    let dq = Q::from_integer(den);
    (
        Mat {
            rows: a.rows,
            cols: a.cols,
            d: a.d.iter().map(|q| q * &dq).collect(),
        },
        dq,
    )
}

fn eigen_of(ctx: &Ctx, c: &Claim) -> Result<EigenEnclosure, String> {
    let Witness::EigenBasis {
        matrix: name,
        values,
        vectors,
        shift,
        method,
    } = &c.witness
    else {
        return Err("expected an eigen_basis witness".into());
    };
    if name != "A" {
        return Err(format!("unknown matrix `{name}`"));
    }
    let n = ctx.a.rows;
    let symmetric =
        n == ctx.a.cols && (0..n).all(|i| (0..i).all(|j| ctx.a.d[i * n + j] == ctx.a.d[j * n + i]));
    if !symmetric {
        return Err("A is not symmetric: the eigenvalue enclosure theorem does not apply".into());
    }
    let exact = exact_method(method, n)?;
    let lam = parse_all(values, "values")?;
    if lam.windows(2).any(|w| w[0] > w[1]) {
        return Err("the approximate eigenvalues must be ascending".into());
    }
    let v = parse_all(vectors, "vectors")?;
    if v.len() != n * n {
        return Err(format!("{} basis entries for a {n}x{n} matrix", v.len()));
    }
    let shift = parse_q(shift).map_err(|e| format!("shift: {e}"))?;
    let vk = kmat_of(
        &Mat {
            rows: n,
            cols: n,
            d: v,
        },
        exact,
    );
    if exact {
        // (A·D)V − D·VΛ̃ = D·R: scale back afterwards.
        let (scaled, den) = integer_scaled(&ctx.a);
        let lam_scaled: Vec<Q> = lam.iter().map(|l| l * &den).collect();
        let shift_scaled = &shift * &den;
        let e = eigen_enclosure(
            &kmat_of(&scaled, true),
            &lam_scaled,
            &vk,
            &shift_scaled,
            true,
        )?;
        let back = |q: &Q| q / &den;
        Ok(EigenEnclosure {
            delta: back(&e.delta),
            global: e.global.iter().map(|(l, h)| (back(l), back(h))).collect(),
            refined: e.refined.iter().map(|(l, h)| (back(l), back(h))).collect(),
        })
    } else {
        eigen_enclosure(&kmat_of(&ctx.a, false), &lam, &vk, &shift, false)
    }
}

/// The enclosure of the spectrum of `J = [[0, A], [Aᵀ, 0]]` from the witness SVD; returns `r` and
/// the enclosure (singular value i is eigenvalue `m + n − 1 − i` of `J`).
fn singular_of(ctx: &Ctx, c: &Claim) -> Result<(usize, EigenEnclosure), String> {
    let Witness::SvdBasis {
        matrix: name,
        values,
        u,
        v,
        method,
    } = &c.witness
    else {
        return Err("expected an svd_basis witness".into());
    };
    if name != "A" {
        return Err(format!("unknown matrix `{name}`"));
    }
    let (m, n) = (ctx.a.rows, ctx.a.cols);
    let size = m + n;
    let r = m.min(n);
    let exact = exact_method(method, size)?;
    let sigma = parse_all(values, "values")?;
    let (u, v) = (parse_all(u, "u")?, parse_all(v, "v")?);
    if sigma.len() != r || u.len() != m * m || v.len() != n * n {
        return Err("the SVD witness has the wrong dimensions".into());
    }
    // The basis of J: (uᵢ, ±vᵢ)·h with h = 1/√2 rounded to binary64 (any h works: the bound
    // accounts for the basis's distance from orthogonality), and (u, 0), (0, v) for the zeros.
    let h = crate::arith::exact::q_from_f64(std::f64::consts::FRAC_1_SQRT_2).unwrap_or_default();
    let mut cols: Vec<(Q, Vec<Q>)> = vec![];
    let col = |top: Vec<Q>, bottom: Vec<Q>| top.into_iter().chain(bottom).collect::<Vec<Q>>();
    for i in 0..r {
        let top = (0..m).map(|k| qmul(&u[k * m + i], &h)).collect();
        let neg = (0..n).map(|k| -qmul(&v[k * n + i], &h)).collect();
        cols.push((-sigma[i].clone(), col(top, neg)));
        let top = (0..m).map(|k| qmul(&u[k * m + i], &h)).collect();
        let pos = (0..n).map(|k| qmul(&v[k * n + i], &h)).collect();
        cols.push((sigma[i].clone(), col(top, pos)));
    }
    for i in r..m {
        cols.push((
            Q::zero(),
            col(
                (0..m).map(|k| u[k * m + i].clone()).collect(),
                vec![Q::zero(); n],
            ),
        ));
    }
    for i in r..n {
        cols.push((
            Q::zero(),
            col(
                vec![Q::zero(); m],
                (0..n).map(|k| v[k * n + i].clone()).collect(),
            ),
        ));
    }
    cols.sort_by(|x, y| x.0.cmp(&y.0));
    let lam: Vec<Q> = cols.iter().map(|c| c.0.clone()).collect();
    let basis: Vec<Q> = (0..size * size)
        .map(|k| cols[k % size].1[k / size].clone())
        .collect();
    let j: Vec<Q> = (0..size * size)
        .map(|k| {
            let (i, jj) = (k / size, k % size);
            if i < m && jj >= m {
                ctx.a.d[i * n + (jj - m)].clone()
            } else if i >= m && jj < m {
                ctx.a.d[jj * n + (i - m)].clone()
            } else {
                Q::zero()
            }
        })
        .collect();
    let jm = Mat {
        rows: size,
        cols: size,
        d: j,
    };
    let shift = Q::zero();
    let vk = kmat_of(
        &Mat {
            rows: size,
            cols: size,
            d: basis,
        },
        exact,
    );
    let e = if exact {
        let (scaled, den) = integer_scaled(&jm);
        let lam_scaled: Vec<Q> = lam.iter().map(|l| l * &den).collect();
        let e = eigen_enclosure(&kmat_of(&scaled, true), &lam_scaled, &vk, &shift, true)?;
        let back = |q: &Q| q / &den;
        EigenEnclosure {
            delta: back(&e.delta),
            global: e.global.iter().map(|(l, h)| (back(l), back(h))).collect(),
            refined: e.refined.iter().map(|(l, h)| (back(l), back(h))).collect(),
        }
    } else {
        eigen_enclosure(&kmat_of(&jm, false), &lam, &vk, &shift, false)?
    };
    Ok((size, e))
}

fn interval(lo: &Q, hi: &Q) -> RatInterval {
    RatInterval::new(lo.clone(), hi.clone(), 128)
}

/// Checks every claim of a spectrum certificate.
pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let a = matrix(cert)?;
    let mode = cert
        .instance
        .params
        .get("mode")
        .map(String::as_str)
        .unwrap_or("");
    let (eigen, singular) = match mode {
        "symmetric" => (true, false),
        "singular" => (false, true),
        "symmetric,singular" => (true, true),
        m => return Err(Malformed(format!("instance parameter `mode` is `{m}`, expected symmetric, singular or symmetric,singular"))),
    };
    let mut ctx = Ctx {
        a,
        eigen: None,
        singular: None,
    };
    if eigen {
        ctx.eigen = Some(match cert.claim("eigen.residual") {
            Some(c) if !matches!(c.witness, Witness::None) => eigen_of(&ctx, c),
            _ => Err("no eigen basis".into()),
        });
    }
    if singular {
        ctx.singular = Some(match cert.claim("svd.residual") {
            Some(c) if !matches!(c.witness, Witness::None) => singular_of(&ctx, c),
            _ => Err("no SVD basis".into()),
        });
    }
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .map(|c| {
            let r = check_claim(&ctx, cert, c, eigen, singular);
            ClaimCheck::of(c, r)
        })
        .collect();
    // Every claim the command states must be present.
    let n = ctx.a.rows;
    let mut required: Vec<String> = vec!["norm.frobenius".into(), "norm.spectral".into()];
    if eigen {
        required.extend([
            "A.symmetric".to_string(),
            "eigen.residual".into(),
            "inertia".into(),
        ]);
        required.extend((1..=n).map(|i| format!("eigenvalue.{i}")));
    }
    if singular {
        required.push("svd.residual".into());
        required.extend((1..=ctx.a.rows.min(ctx.a.cols)).map(|i| format!("singular_value.{i}")));
    }
    let have: BTreeMap<&str, ()> = cert.claims.iter().map(|c| (c.id.as_str(), ())).collect();
    for id in required {
        if !have.contains_key(id.as_str()) {
            out.push(ClaimCheck {
                id,
                verdict: crate::certificate::Verdict::Undecided,
                ok: false,
                reason: "missing: the command states this claim".into(),
            });
        }
    }
    Ok(out)
}

fn index(id: &str, prefix: &str, max: usize) -> Result<usize, String> {
    let k: usize = id[prefix.len()..]
        .parse()
        .map_err(|_| format!("bad index in `{id}`"))?;
    if k == 0 || k > max {
        return Err(format!("index {k} out of 1..={max}"));
    }
    Ok(k - 1)
}

fn check_claim(
    ctx: &Ctx,
    cert: &Certificate,
    c: &Claim,
    eigen: bool,
    singular: bool,
) -> Result<String, String> {
    let id = c.id.as_str();
    let (n, cols) = (ctx.a.rows, ctx.a.cols);
    if matches!(c.witness, Witness::None) {
        return conclude(
            c,
            Expect {
                role: c.role,
                bound: None,
                computed: None,
                what: String::new(),
            },
        );
    }
    let eig = || -> Result<&EigenEnclosure, String> {
        match &ctx.eigen {
            Some(Ok(e)) => Ok(e),
            Some(Err(e)) => Err(format!("the eigen basis does not verify: {e}")),
            None => Err("not a symmetric-mode certificate".into()),
        }
    };
    let sv = || -> Result<&(usize, EigenEnclosure), String> {
        match &ctx.singular {
            Some(Ok(e)) => Ok(e),
            Some(Err(e)) => Err(format!("the SVD basis does not verify: {e}")),
            None => Err("not a singular-mode certificate".into()),
        }
    };
    let conc = |computed: RatInterval, what: String| {
        conclude(
            c,
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(computed),
                what,
            },
        )
    };
    match id {
        "A.symmetric" => {
            if !eigen || c.role != Role::Hypothesis || !matches!(c.witness, Witness::Exact) {
                return Err("A.symmetric is an exact hypothesis of symmetric mode".into());
            }
            let symmetric = n == cols
                && (0..n).all(|i| (0..i).all(|j| ctx.a.d[i * n + j] == ctx.a.d[j * n + i]));
            let expected = if symmetric {
                crate::certificate::Verdict::Certified
            } else {
                crate::certificate::Verdict::ConditionNotMet
            };
            if c.verdict != expected && c.verdict != crate::certificate::Verdict::Undecided {
                return Err(format!(
                    "verdict {} but A is {}symmetric",
                    c.verdict,
                    if symmetric { "" } else { "not " }
                ));
            }
            Ok(format!(
                "A is {}exactly symmetric",
                if symmetric { "" } else { "not " }
            ))
        }
        "eigen.residual" => {
            let e = eig()?;
            conc(
                interval(&Q::zero(), &e.delta),
                "δ recomputed from the eigen basis".into(),
            )
        }
        "svd.residual" => {
            let (_, e) = sv()?;
            conc(
                interval(&Q::zero(), &e.delta),
                "δ recomputed from the SVD basis of [[0, A], [Aᵀ, 0]]".into(),
            )
        }
        _ if id.starts_with("eigenvalue.") => {
            let e = eig()?;
            let i = index(id, "eigenvalue.", n)?;
            let (lo, hi) = &e.refined[i];
            conc(interval(lo, hi), format!("λ_{} recomputed", i + 1))
        }
        _ if id.starts_with("singular_value.") => {
            let (size, e) = sv()?;
            let i = index(id, "singular_value.", n.min(cols))?;
            let (lo, hi) = &e.refined[size - 1 - i];
            let lo = if lo.is_negative() {
                Q::zero()
            } else {
                lo.clone()
            };
            conc(interval(&lo, hi), format!("σ_{} recomputed", i + 1))
        }
        _ if id.starts_with("cluster.") => {
            let e = eig()?;
            let (a, b) = id["cluster.".len()..]
                .split_once('-')
                .ok_or("bad cluster id")?;
            let (a, b) = (
                a.parse::<usize>().map_err(|_| "bad cluster id")?,
                b.parse::<usize>().map_err(|_| "bad cluster id")?,
            );
            if a == 0 || b < a || b > n {
                return Err("cluster indices out of range".into());
            }
            let (clo, chi) = c
                .enclosure
                .as_ref()
                .ok_or("a cluster needs an enclosure")?
                .parse()?;
            // The members' intervals lie in the claimed one; every other interval misses it.
            for (k, (lo, hi)) in e.global.iter().enumerate() {
                let member = k + 1 >= a && k < b;
                let inside = qcmp(&clo, lo).is_le() && qcmp(hi, &chi).is_le();
                let outside = qcmp(hi, &clo).is_lt() || qcmp(&chi, lo).is_lt();
                if member && !inside {
                    return Err(format!(
                        "λ_{} may lie outside the cluster's enclosure",
                        k + 1
                    ));
                }
                if !member && !outside {
                    return Err(format!(
                        "λ_{} may lie inside the cluster's enclosure",
                        k + 1
                    ));
                }
            }
            let hull = interval(&e.global[a - 1].0, &e.global[b - 1].1);
            conc(
                hull,
                format!("exactly {} eigenvalues in the enclosure", b - a + 1),
            )
        }
        "inertia" => {
            let Witness::Congruence {
                matrix: name,
                t,
                perm,
                factor,
                factor_kind,
                method,
            } = &c.witness
            else {
                return Err("expected a congruence witness".into());
            };
            if !eigen || name != "A" || t != "0" {
                return Err("the inertia is a congruence of A at t = 0".into());
            }
            let exact = exact_method(method, n)?;
            let x = parse_all(factor, "factor")?;
            let (below, above) = congruence_counts(
                &kmat_of(&ctx.a, exact),
                &Q::zero(),
                perm,
                &x,
                factor_kind,
                exact,
            )?;
            conc(
                interval(&q_int(below as i64), &q_int(below as i64)),
                format!("{below} negative, {above} positive eigenvalues (Sylvester, Gershgorin)"),
            )
        }
        "norm.frobenius" => {
            let s = ctx.a.d.iter().fold(Q::zero(), |s, x| qadd(&s, &qmul(x, x)));
            let r = RatInterval::point(s, 128).sqrt();
            conc(r, "√(Σ a²) from the exact sum of squares".into())
        }
        "norm.spectral" => {
            if eigen {
                let e = eig()?;
                let (f, l) = (&e.refined[0], &e.refined[n - 1]);
                let abs_lo = |p: &(Q, Q)| {
                    if p.0.is_positive() {
                        p.0.clone()
                    } else if p.1.is_negative() {
                        -p.1.clone()
                    } else {
                        Q::zero()
                    }
                };
                let abs_hi = |p: &(Q, Q)| {
                    if qcmp(&p.0.abs(), &p.1.abs()).is_gt() {
                        p.0.abs()
                    } else {
                        p.1.abs()
                    }
                };
                let lo = std::cmp::max(abs_lo(f), abs_lo(l));
                let hi = std::cmp::max(abs_hi(f), abs_hi(l));
                conc(interval(&lo, &hi), "max(|λ₁|, |λₙ|)".into())
            } else if singular {
                let (size, e) = sv()?;
                let (lo, hi) = &e.refined[size - 1];
                let lo = if lo.is_negative() {
                    Q::zero()
                } else {
                    lo.clone()
                };
                conc(interval(&lo, hi), "σ₁".into())
            } else {
                Err("no spectrum in this certificate".into())
            }
        }
        other => {
            let _ = cert;
            Err(format!(
                "claim `{other}` is not part of a spectrum certificate"
            ))
        }
    }
}

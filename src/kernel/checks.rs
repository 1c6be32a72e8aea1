//! Exact re-verification of the witness kinds, and of a claim's verdict.
//!
//! Everything here computes with [`RatInterval`] (exact rational endpoints): ring operations are
//! exact, so an inclusion proved here holds for the real numbers, with no rounding anywhere.

use super::Malformed;
use crate::arith::dual::{jacobian, Dual};
use crate::arith::exact::{format_exact, parse_q, Q};
use crate::arith::{Enclosure, RatInterval, Ring};
use crate::certificate::{display_interval, verdict_for, Certificate, Claim, Encl, Role, Verdict};
use crate::spec::Dynamics;

/// Limits that keep the kernel's work bounded on hostile input.
pub const MAX_PERIOD: usize = 64;
pub const MAX_ORBIT: usize = 1_000_000;

pub type IBox<const N: usize> = [RatInterval; N];

pub fn q(s: &str, what: &str) -> Result<Q, String> {
    parse_q(s).map_err(|e| format!("{what}: {e}"))
}

pub fn interval(e: &Encl, bits: u32, what: &str) -> Result<RatInterval, String> {
    let (lo, hi) = e.parse().map_err(|m| format!("{what}: {m}"))?;
    Ok(RatInterval::new(lo, hi, bits))
}

pub fn ibox<const N: usize>(v: &[Encl], bits: u32, what: &str) -> Result<IBox<N>, String> {
    if v.len() != N {
        return Err(format!(
            "{what}: expected {N} coordinates, found {}",
            v.len()
        ));
    }
    let mut out = Vec::with_capacity(N);
    for (i, e) in v.iter().enumerate() {
        out.push(interval(e, bits, &format!("{what}[{i}]"))?);
    }
    out.try_into()
        .map_err(|_| format!("{what}: wrong dimension"))
}

pub fn show(x: &RatInterval) -> String {
    match x.bounds() {
        Some((a, b)) => display_interval(&a, &b, 8),
        None => "unbounded".into(),
    }
}

/// `F^j(x)` by plain evaluation.
pub fn compose<M: Dynamics<N>, const N: usize>(map: &M, x: &IBox<N>, j: usize) -> IBox<N> {
    let c = map.constants(&x[0]);
    let mut y = x.clone();
    for _ in 0..j {
        y = map.apply(&c, &y);
    }
    y
}

/// The Jacobian of `F^k` enclosed over `x`, by forward differentiation.
pub fn iterate_jacobian<M: Dynamics<N>, const N: usize>(
    map: &M,
    x: &IBox<N>,
    k: usize,
) -> [[RatInterval; N]; N] {
    let cd: Vec<Dual<RatInterval, N>> = map.constants(&Dual::cst(x[0].clone()));
    let mut y = Dual::seed(x);
    for _ in 0..k {
        y = map.apply(&cd, &y);
    }
    jacobian(&y).1
}

/// The mean-value enclosure `F(m) + J(X)(X − m)` of `F(X)`, with `m` the exact midpoint.
pub fn mean_value_image<M: Dynamics<N>, const N: usize>(map: &M, x: &IBox<N>) -> IBox<N> {
    let m: IBox<N> = std::array::from_fn(|i| x[i].midpoint());
    let fm = compose(map, &m, 1);
    let j = iterate_jacobian(map, x, 1);
    std::array::from_fn(|i| {
        let mut y = fm[i].clone();
        for l in 0..N {
            y = y + &(j[i][l].clone() * &(x[l].clone() - &m[l]));
        }
        y
    })
}

/// Verifies an orbit witness: `start ∈ X_0` and `F(X_k) ⊆ X_{k+1}` for every k. Returns the boxes.
pub fn check_orbit<M: Dynamics<N>, const N: usize>(
    map: &M,
    start: &[Q; N],
    recorded_start: &[String],
    boxes: &[Vec<Encl>],
    bits: u32,
) -> Result<Vec<IBox<N>>, String> {
    if recorded_start.len() != N {
        return Err(format!(
            "orbit start has {} coordinates, expected {N}",
            recorded_start.len()
        ));
    }
    for (i, s) in recorded_start.iter().enumerate() {
        if q(s, "orbit start")? != start[i] {
            return Err(format!(
                "orbit start {s} is not the instance's start {}",
                format_exact(&start[i])
            ));
        }
    }
    if boxes.is_empty() || boxes.len() > MAX_ORBIT {
        return Err(format!(
            "an orbit needs between 1 and {MAX_ORBIT} boxes, found {}",
            boxes.len()
        ));
    }
    let mut out: Vec<IBox<N>> = Vec::with_capacity(boxes.len());
    for (k, b) in boxes.iter().enumerate() {
        out.push(ibox::<N>(b, bits, &format!("orbit box {k}"))?);
    }
    for (i, s) in start.iter().enumerate() {
        if !out[0][i].contains_q(s) {
            return Err(format!(
                "the start {} is not in box 0 {}",
                format_exact(s),
                show(&out[0][i])
            ));
        }
    }
    for k in 0..out.len() - 1 {
        let img = mean_value_image(map, &out[k]);
        for i in 0..N {
            if !img[i].subset(&out[k + 1][i]) {
                return Err(format!(
                    "step {k}: F(X_{k}) ⊆ {} is not inside X_{} = {} (coordinate {i})",
                    show(&img[i]),
                    k + 1,
                    show(&out[k + 1][i])
                ));
            }
        }
    }
    Ok(out)
}

/// Verifies a Krawczyk witness for a point of least period `period` in `boxed`:
/// `K(X) = m − C·G(m) + (I − C·G'(X))(X − m) ⊂ int X` with `G = F^period − id`, and
/// `F^j(X) ∩ X = ∅` for every proper divisor j. Returns the box.
pub fn check_krawczyk<M: Dynamics<N>, const N: usize>(
    map: &M,
    period: usize,
    boxed: &[Encl],
    center: &[String],
    preconditioner: &[Vec<String>],
    bits: u32,
) -> Result<IBox<N>, String> {
    if period == 0 || period > MAX_PERIOD {
        return Err(format!("period {period} is outside 1..={MAX_PERIOD}"));
    }
    let x = ibox::<N>(boxed, bits, "Krawczyk box")?;
    if center.len() != N || preconditioner.len() != N || preconditioner.iter().any(|r| r.len() != N)
    {
        return Err(format!(
            "Krawczyk centre and preconditioner must be of dimension {N}"
        ));
    }
    let mut m: Vec<RatInterval> = vec![];
    for (i, s) in center.iter().enumerate() {
        let v = q(s, "Krawczyk centre")?;
        if !x[i].contains_q(&v) {
            return Err(format!("the centre {s} is not in the box"));
        }
        m.push(RatInterval::point(v, bits));
    }
    let m: IBox<N> = m.try_into().map_err(|_| "centre dimension".to_string())?;
    let mut c = vec![];
    for row in preconditioner {
        let mut r = vec![];
        for s in row {
            r.push(RatInterval::point(q(s, "preconditioner")?, bits));
        }
        c.push(r);
    }
    let fm = compose(map, &m, period);
    let gm: Vec<RatInterval> = (0..N).map(|i| fm[i].clone() - &m[i]).collect();
    let mut gx = iterate_jacobian(map, &x, period);
    for (i, row) in gx.iter_mut().enumerate() {
        row[i] = row[i].clone() - &row[i].int(1);
    }
    for i in 0..N {
        let mut k = m[i].clone();
        for j in 0..N {
            k = k - &(c[i][j].clone() * &gm[j]);
        }
        for l in 0..N {
            let mut a = if i == l { x[0].int(1) } else { x[0].int(0) };
            for j in 0..N {
                a = a - &(c[i][j].clone() * &gx[j][l]);
            }
            k = k + &(a * &(x[l].clone() - &m[l]));
        }
        if !k.interior(&x[i]) {
            return Err(format!(
                "K(X) = {} is not in the interior of X = {} (coordinate {i})",
                show(&k),
                show(&x[i])
            ));
        }
    }
    for j in (1..period).filter(|j| period % j == 0) {
        let fj = compose(map, &x, j);
        if !(0..N).any(|i| fj[i].disjoint(&x[i])) {
            return Err(format!(
                "F^{j}(X) meets X: the least period is not proved to be {period}"
            ));
        }
    }
    Ok(x)
}

/// What a claim must be, according to the kernel's table.
pub struct Expect<'a> {
    pub role: Role,
    /// The bound the theorem attaches to the claim: relation and value(s).
    pub bound: Option<(&'a str, Q, Q)>,
    /// The kernel's own enclosure of the claimed quantity (`None` when the witness proves no
    /// quantity, e.g. an undecided claim without witness).
    pub computed: Option<RatInterval>,
    /// What was verified, for the report.
    pub what: String,
}

/// Checks the role, the bound, the enclosure and the verdict of a claim against the kernel's
/// expectation. `Ok` carries the reason the claim holds.
pub fn conclude(claim: &Claim, e: Expect<'_>) -> Result<String, String> {
    if claim.role != e.role {
        return Err(format!(
            "role is {:?}, the theorem makes it a {:?}",
            claim.role, e.role
        ));
    }
    match (&claim.bound, &e.bound) {
        (None, None) => {}
        (Some(b), Some((rel, lo, hi))) => {
            let (blo, bhi) = b.value.parse().map_err(|m| format!("bound: {m}"))?;
            if b.relation != *rel || blo != *lo || bhi != *hi {
                return Err(format!(
                    "bound `{}` differs from the theorem's `{rel} {}`",
                    b.display(),
                    display_interval(lo, hi, 10)
                ));
            }
        }
        (Some(b), None) => {
            return Err(format!("bound `{}` is not part of this claim", b.display()))
        }
        (None, Some((rel, lo, _))) => {
            return Err(format!("the bound `{rel} {}` is missing", format_exact(lo)))
        }
    }
    let enclosure = match &claim.enclosure {
        Some(en) => Some(en.parse().map_err(|m| format!("enclosure: {m}"))?),
        None => None,
    };
    if claim.verdict == Verdict::Undecided {
        if let (Some((lo, hi)), Some(c)) = (&enclosure, &e.computed) {
            if !c.subset(&RatInterval::new(lo.clone(), hi.clone(), c.bits())) {
                return Err(format!(
                    "the enclosure {} does not contain the recomputed {}",
                    display_interval(lo, hi, 10),
                    show(c)
                ));
            }
        }
        return Ok("UNDECIDED asserts nothing".into());
    }
    let Some(computed) = e.computed else {
        return Err(format!(
            "verdict {} but the witness proves nothing",
            claim.verdict
        ));
    };
    let Some((lo, hi)) = enclosure else {
        return Err(format!("verdict {} without an enclosure", claim.verdict));
    };
    if !computed.subset(&RatInterval::new(lo.clone(), hi.clone(), computed.bits())) {
        return Err(format!(
            "the enclosure {} does not contain the recomputed {}",
            display_interval(&lo, &hi, 10),
            show(&computed)
        ));
    }
    let expected = match &claim.bound {
        None => Verdict::Certified,
        Some(b) => verdict_for(
            claim.role,
            b.test(&lo, &hi).map_err(|m| format!("bound: {m}"))?,
        ),
    };
    if expected != claim.verdict {
        return Err(format!(
            "verdict {} does not follow: the enclosure {} gives {expected}",
            claim.verdict,
            display_interval(&lo, &hi, 10)
        ));
    }
    let bound = claim
        .bound
        .as_ref()
        .map(|b| format!(" {}", b.display()))
        .unwrap_or_default();
    Ok(format!(
        "{}: {} ⊆ {}{bound}",
        e.what,
        show(&computed),
        display_interval(&lo, &hi, 8)
    ))
}

/// An exact instance parameter of a certificate, `None` when absent.
pub fn param(cert: &Certificate, key: &str) -> Result<Option<Q>, Malformed> {
    match cert.instance.params.get(key) {
        None => Ok(None),
        Some(s) => q(s, &format!("instance parameter `{key}`"))
            .map(Some)
            .map_err(Malformed),
    }
}

/// Working precision for the kernel's rounded operations (square roots, series): the claim's
/// precision plus 64 guard bits.
pub fn bits_of(claim: &Claim) -> u32 {
    let p = match claim.arithmetic.as_str() {
        "exact" => 64,
        "interval" | "f64" => 53,
        s => s
            .strip_prefix("mpfr:")
            .and_then(|b| b.parse::<u32>().ok())
            .unwrap_or(53)
            .min(4096),
    };
    p + 64
}

/// Checks a claim stating an exact polynomial identity: the kernel expands it itself and the
/// verdict must be `CERTIFIED` when it holds, `VIOLATED` when it fails (or `UNDECIDED`).
pub fn check_identity(
    c: &Claim,
    ident: &crate::spec::two_factor::Identity,
) -> Result<String, String> {
    if !matches!(c.witness, crate::certificate::Witness::Exact) {
        return Err("an identity has an `exact` witness".into());
    }
    let holds = ident
        .differences
        .iter()
        .all(|d| d.normal_form(&ident.relations).is_zero());
    let expected = if holds {
        crate::certificate::Verdict::Certified
    } else {
        crate::certificate::Verdict::Violated
    };
    if c.role != Role::Conclusion || c.bound.is_some() || c.enclosure.is_some() {
        return Err("an identity is a conclusion without enclosure or bound".into());
    }
    if c.verdict == expected || c.verdict == crate::certificate::Verdict::Undecided {
        return Ok(format!(
            "exact polynomial identity {}: {}",
            if holds { "holds" } else { "fails" },
            ident.statement
        ));
    }
    Err(format!(
        "verdict {} but the identity {}",
        c.verdict,
        if holds { "holds" } else { "fails" }
    ))
}

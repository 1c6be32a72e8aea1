//! The paper-10 kernel against mutated certificates: a certificate with a witness number changed, an
//! enclosure moved, a verdict or role flipped, a claim removed or forged is rejected, unless every
//! claim it still makes is true, which this file checks **independently** of the crate: reference
//! values come from plain GD at 1024 bits (`rug`) and closed forms, and numbers are parsed here.
//! The SGD audit (G2) is not part of a certificate: a G2 claim or an `audit` witness is rejected.
//!
//! Part 1 lists targeted mutations with the reason each must be rejected (or accepted, when the
//! claim stays true). Part 2 draws seeded random mutations (SplitMix64) of R1, F2, R4, F1 and R3
//! (the SGD audit's function, step and start): a number inside a claim changed by a relative amount log-uniform in [1e-30, 10] of
//! either sign, replaced, or swapped with its partner; an integer changed; a verdict or role
//! flipped. The digest is recomputed so that the semantic checks must catch the change.

use gdcert::certificate::Certificate;
use gdcert::kernel::{check_text, Report};
use gdcert::methods::escalation::ArithChoice;
use gdcert::theorems::RunOptions;
use rug::ops::Pow;
use rug::{Float, Integer, Rational};
use serde_json::Value;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

const THEOREM: &str = "pl-asymptotic-rate";
const PREC: u32 = 1024;

fn certify(name: &str, sets: &[&str]) -> String {
    let th = gdcert::theorems::find(THEOREM).unwrap();
    let label = format!("certificates/instances/{THEOREM}/{name}.toml");
    let text = std::fs::read_to_string(format!("{}/{label}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let params =
        gdcert::theorems::instance::load(th.id(), &th.schema(), &label, &text, &sets).unwrap();
    let opts = RunOptions {
        arith: ArithChoice::Interval,
        max_bits: 2048,
    };
    let claims = th.certify(&params, &opts).unwrap();
    gdcert::theorems::assemble(th, &params, &opts, claims).1
}

fn reseal(v: &Value) -> String {
    match serde_json::from_value::<Certificate>(v.clone()) {
        Ok(mut c) => {
            c.digest = c.compute_digest();
            serde_json::to_string_pretty(&c).unwrap() + "\n"
        }
        Err(_) => serde_json::to_string_pretty(v).unwrap(),
    }
}

enum Outcome {
    Malformed,
    Checked(Report),
    Panic(String),
}

fn kernel(text: &str) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| check_text(text))) {
        Ok(Ok(r)) => Outcome::Checked(r),
        Ok(Err(_)) => Outcome::Malformed,
        Err(p) => Outcome::Panic(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
    }
}

fn accepted(text: &str) -> bool {
    match kernel(text) {
        Outcome::Checked(r) => r.valid(),
        Outcome::Malformed => false,
        Outcome::Panic(p) => panic!("kernel panicked: {p}"),
    }
}

fn claim_mut<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    let i = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no claim {id}"));
    &mut v["claims"][i]
}

// ------------------------------------------------------------------------------------------------
// Exact numbers, parsed and written here.

fn pow(base: u32, e: i64) -> Rational {
    let p = Integer::from(base).pow(e.unsigned_abs() as u32);
    if e >= 0 {
        Rational::from(p)
    } else {
        Rational::from((Integer::from(1), p))
    }
}

/// Integers, decimals, scientific notation, `p/q` and `m*2^e`, with a sign.
fn num(s: &str) -> Option<Rational> {
    let s = s.trim();
    if s.is_empty() || s.len() > 20_000 {
        return None;
    }
    if let Some((n, d)) = s.split_once('/') {
        let (n, d) = (num(n)?, num(d)?);
        return (d != 0).then(|| n / d);
    }
    if let Some((m, e)) = s.split_once("*2^") {
        let e: i64 = e.parse().ok()?;
        return (e.abs() < 100_000).then(|| num(m).map(|m| m * pow(2, e)))?;
    }
    let (neg, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    if (ip.is_empty() && fp.is_empty())
        || !ip.bytes().chain(fp.bytes()).all(|b| b.is_ascii_digit())
        || exp.abs() > 100_000
    {
        return None;
    }
    let q = Rational::from(Integer::from_str_radix(&format!("{ip}{fp}"), 10).ok()?)
        * pow(10, exp - fp.len() as i64);
    Some(if neg { -q } else { q })
}

fn write(q: &Rational) -> String {
    if *q.denom() == 1 {
        q.numer().to_string()
    } else {
        format!("{}/{}", q.numer(), q.denom())
    }
}

// ------------------------------------------------------------------------------------------------
// Reference values.

fn fl(s: &str) -> Float {
    Float::with_val(PREC, num(s).unwrap())
}

/// A reference value: a tiny interval around the 1024-bit value (or a point when exact).
#[derive(Clone, Debug)]
struct RefVal(Rational, Rational);

impl RefVal {
    fn approx(x: &Float) -> RefVal {
        let v = x.to_rational().unwrap();
        let tol = Rational::from(v.abs_ref()) / (Integer::from(1) << 900u32);
        RefVal(Rational::from(&v - &tol), v + tol)
    }
    fn exact(q: Rational) -> RefVal {
        RefVal(q.clone(), q)
    }
}

type Refs = BTreeMap<String, Vec<RefVal>>;

/// An instance, its certificate, its references and the number of random mutations.
type Case = (&'static str, String, Box<dyn Fn(&Value) -> Refs>, usize);

fn product_refs(gamma: &str, a0: &str, b0: &str, cert: &Value) -> Refs {
    let g = fl(gamma);
    let (mut a, mut b) = (fl(a0), fl(b0));
    let q0 = Float::with_val(PREC, &a * &a) - Float::with_val(PREC, &b * &b);
    let mut orbit = vec![(a.clone(), b.clone())];
    for _ in 0..4000 {
        let r = Float::with_val(PREC, &a * &b) - 1u32;
        let na = Float::with_val(PREC, &a - Float::with_val(PREC, &g * &b) * &r);
        let nb = Float::with_val(PREC, &b - Float::with_val(PREC, &g * &a) * &r);
        a = na;
        b = nb;
        orbit.push((a.clone(), b.clone()));
    }
    let f = |n: usize| {
        let r = Float::with_val(PREC, &orbit[n].0 * &orbit[n].1) - 1u32;
        Float::with_val(PREC, &r * &r) / 2u32
    };
    let w = Float::with_val(PREC, &a * &a) + Float::with_val(PREC, &b * &b);
    let rho = (Float::with_val(PREC, 1) - Float::with_val(PREC, &g * &w)).abs();
    let rho2 = Float::with_val(PREC, &rho * &rho);
    let lam0 = (Float::with_val(PREC, &q0 * &q0) + 4u32).sqrt();
    let mut m: Refs = BTreeMap::new();
    let mut put =
        |id: &str, x: &Float| m.entry(id.to_string()).or_default().push(RefVal::approx(x));
    put("G1.start.lambda_max", &lam0);
    put(
        "G1.start.step_condition",
        &Float::with_val(PREC, &g * &lam0),
    );
    for id in [
        "G1.hyp.local_pl",
        "G1.limit.lambda_min",
        "G1.limit.lambda_max",
    ] {
        put(id, &w);
    }
    put("G1.limit.a", &a);
    put("G1.limit.b", &b);
    put("G1.hyp.step_at_limit", &Float::with_val(PREC, &g * &w));
    for id in ["G1.hyp.convergence", "G1.rate", "ratio.tail"] {
        put(id, &rho);
    }
    for id in ["G1.rate_f", "G1.pl_only_rate", "ratio.rate_f"] {
        put(id, &rho2);
    }
    orbit_refs(cert, &mut put, &f, &|n| {
        Float::with_val(PREC, f(n + 1) / f(n))
    });
    m
}

/// The orbit-dependent references: f at the last box of each orbit, the per-step ratios.
fn orbit_refs(
    cert: &Value,
    put: &mut dyn FnMut(&str, &Float),
    f: &dyn Fn(usize) -> Float,
    ratio: &dyn Fn(usize) -> Float,
) {
    for c in cert["claims"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        if let Some(boxes) = c["witness"]["boxes"].as_array() {
            put(id, &f(boxes.len() - 1));
        }
        if id == "ratio.f_reached" {
            put(id, &f(c["witness"]["step"].as_u64().unwrap() as usize));
        }
        if let Some(n) = id.strip_prefix("ratio.n.") {
            put(id, &ratio(n.parse().unwrap()));
        }
        if id == "ratio.window" {
            if let Some(n) = c["witness"]["step"].as_u64() {
                for k in n as usize - 6..n as usize {
                    put(id, &ratio(k));
                }
            }
        }
    }
}

fn valley_refs(cert: &Value) -> Refs {
    let (g, bb) = (fl("0.2"), fl("4"));
    let mut v = [fl("1"), fl("0.5"), fl("0.3")];
    let mut orbit = vec![v.clone()];
    for _ in 0..3000 {
        let [x, y, z] = &v;
        let x2 = Float::with_val(PREC, x * x);
        let nx = Float::with_val(
            PREC,
            x - Float::with_val(PREC, &g * x) * Float::with_val(PREC, y * y),
        );
        let ny = Float::with_val(PREC, y - Float::with_val(PREC, &g * y) * (x2 + 1u32));
        let nz = Float::with_val(PREC, z - Float::with_val(PREC, &g * &bb) * z);
        v = [nx, ny, nz];
        orbit.push(v.clone());
    }
    let f = |n: usize| {
        let [x, y, z] = &orbit[n];
        let u = Float::with_val(PREC, x * x) + 1u32;
        (u * Float::with_val(PREC, y * y)
            + Float::with_val(PREC, &bb * Float::with_val(PREC, z * z)))
            / 2u32
    };
    let x = orbit[3000][0].clone();
    let ly = Float::with_val(PREC, &x * &x) + 1u32;
    let one = || Float::with_val(PREC, 1);
    let ry = (one() - Float::with_val(PREC, &g * &ly)).abs();
    let rz = (one() - Float::with_val(PREC, &g * &bb)).abs();
    let rho = ry.clone().max(&rz);
    let rho2 = Float::with_val(PREC, &rho * &rho);
    let pl_only = one()
        - Float::with_val(PREC, &g * &ly)
            * (Float::with_val(PREC, 2) - Float::with_val(PREC, &g * &bb));
    let mut m: Refs = BTreeMap::new();
    let mut put =
        |id: &str, x: &Float| m.entry(id.to_string()).or_default().push(RefVal::approx(x));
    put("G1.start.lambda_max", &bb);
    put("G1.start.step_condition", &Float::with_val(PREC, &g * &bb));
    put("G1.limit.x", &x);
    for id in ["G1.hyp.local_pl", "G1.limit.lambda_min"] {
        put(id, &ly);
    }
    put("G1.limit.lambda_max", &bb);
    put("G1.hyp.step_at_limit", &Float::with_val(PREC, &g * &bb));
    for id in ["G1.hyp.convergence", "G1.rate", "ratio.tail"] {
        put(id, &rho);
    }
    for id in ["G1.rate_f", "ratio.rate_f"] {
        put(id, &rho2);
    }
    put("G1.pl_only_rate", &pl_only);
    orbit_refs(cert, &mut put, &f, &|n| {
        Float::with_val(PREC, f(n + 1) / f(n))
    });
    m
}

fn quartic_refs(cert: &Value) -> Refs {
    let g = fl("0.1");
    let mut x = fl("1");
    let mut xs = vec![x.clone()];
    for _ in 0..2000 {
        let x3 = Float::with_val(PREC, &x * &x) * &x;
        x = Float::with_val(PREC, &x - Float::with_val(PREC, &g * &x3));
        xs.push(x.clone());
    }
    let f = |n: usize| Float::with_val(PREC, xs[n].clone().square().square()) / 4u32;
    let mut m: Refs = BTreeMap::new();
    let mut ex =
        |id: &str, q: Rational| m.entry(id.to_string()).or_default().push(RefVal::exact(q));
    ex("G1.hyp.convergence", Rational::from((1, 10)));
    for id in [
        "G1.hyp.local_pl",
        "G1.limit.x",
        "G1.limit.lambda_min",
        "G1.limit.lambda_max",
        "G1.hyp.step_at_limit",
    ] {
        ex(id, Rational::new());
    }
    // Every increment of 1/x_n² lies in the claimed interval: it tends to 0.2 and is 19/81 at n = 0.
    ex("G1.sublinear", Rational::from((1, 5)));
    ex("G1.sublinear", Rational::from((19, 81)));
    let mut put =
        |id: &str, x: &Float| m.entry(id.to_string()).or_default().push(RefVal::approx(x));
    orbit_refs(cert, &mut put, &f, &|n| {
        Float::with_val(PREC, f(n + 1) / f(n))
    });
    m
}

/// Whether `rel [blo, bhi]` holds for the reference (`None` when the reference straddles it).
fn bound_truth(rel: &str, blo: &Rational, bhi: &Rational, r: &RefVal) -> Option<bool> {
    let decide = |yes: bool, no: bool| {
        if yes {
            Some(true)
        } else if no {
            Some(false)
        } else {
            None
        }
    };
    match rel {
        "<" => decide(r.1 < *blo, r.0 >= *blo),
        "<=" => decide(r.1 <= *blo, r.0 > *blo),
        ">" => decide(r.0 > *blo, r.1 <= *blo),
        ">=" => decide(r.0 >= *blo, r.1 < *blo),
        "=" => decide(r.0 == *blo && r.1 == *blo, r.1 < *blo || r.0 > *blo),
        "in" => decide(*blo <= r.0 && r.1 <= *bhi, r.1 < *blo || r.0 > *bhi),
        "in_open" => decide(*blo < r.0 && r.1 < *bhi, r.1 <= *blo || r.0 >= *bhi),
        _ => None,
    }
}

/// Every claim of an accepted certificate must be true at the references: its enclosure holds
/// them, a decided verdict agrees with its bound there, identities are not VIOLATED, and no audit
/// claim is present. Returns the first falsehood.
fn falsehood(v: &Value, refs: &Refs) -> Option<String> {
    for c in v["claims"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let verdict = c["verdict"].as_str().unwrap();
        if id.starts_with("G1.identity") && verdict == "VIOLATED" {
            return Some(format!("{id}: an identity that holds is VIOLATED"));
        }
        if id.starts_with("G2") {
            return Some(format!("{id}: an audit inside a certificate"));
        }
        let Some(rs) = refs.get(id) else { continue };
        if let (Some(lo), Some(hi)) = (c["enclosure"]["lo"].as_str(), c["enclosure"]["hi"].as_str())
        {
            let (lo, hi) = (num(lo)?, num(hi)?);
            for r in rs {
                if !(lo <= r.0 && r.1 <= hi) {
                    return Some(format!(
                        "{id}: enclosure [{}, {}] misses the reference {:.12e}",
                        lo.to_f64(),
                        hi.to_f64(),
                        r.0.to_f64()
                    ));
                }
            }
        }
        if let (Some(rel), Some(blo), Some(bhi)) = (
            c["bound"]["relation"].as_str(),
            c["bound"]["value"]["lo"].as_str(),
            c["bound"]["value"]["hi"].as_str(),
        ) {
            let (blo, bhi) = (num(blo)?, num(bhi)?);
            for r in rs {
                let t = bound_truth(rel, &blo, &bhi, r);
                let bad = match verdict {
                    "CERTIFIED" => t == Some(false),
                    "VIOLATED" | "CONDITION_NOT_MET" => t == Some(true),
                    _ => false,
                };
                if bad {
                    return Some(format!(
                        "{id}: verdict {verdict} but `{rel}` is {t:?} at the reference"
                    ));
                }
            }
        }
    }
    None
}

// ------------------------------------------------------------------------------------------------
// Part 1: targeted mutations.

fn mutate(text: &str, f: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    f(&mut v);
    reseal(&v)
}

fn set_encl(v: &mut Value, id: &str, lo: &str, hi: &str) {
    let c = claim_mut(v, id);
    c["enclosure"]["lo"] = lo.into();
    c["enclosure"]["hi"] = hi.into();
}

#[test]
fn targeted_mutations_are_rejected() {
    let r1 = certify("r1", &[]);
    let f2 = certify("f2", &[]);
    let r4 = certify("r4", &[]);
    let f1 = certify("f1", &[]);
    let r3 = certify("r3", &[]);
    for t in [&r1, &f2, &r4, &f1, &r3] {
        assert!(accepted(t), "the unmutated certificate is valid");
    }
    let scale = |s: &str, k: &str| write(&(num(s).unwrap() * num(k).unwrap()));
    let reject: Vec<(&str, String)> = vec![
        // A smaller contraction rate than the box allows.
        (
            "rho below the factor",
            mutate(&r1, |v| {
                let c = claim_mut(v, "G1.hyp.convergence");
                let rho = c["witness"]["rho"].as_str().unwrap().to_string();
                c["witness"]["rho"] = scale(&rho, "0.9").into();
            }),
        ),
        // An imbalance box that misses the last orbit box.
        (
            "q_lo moved",
            mutate(&r1, |v| {
                let c = claim_mut(v, "G1.hyp.convergence");
                let ql = c["witness"]["q_lo"].as_str().unwrap().to_string();
                c["witness"]["q_lo"] = scale(&ql, "1.001").into();
            }),
        ),
        // A tail drift too small for the residual bound.
        (
            "delta too small",
            mutate(&r1, |v| {
                claim_mut(v, "G1.hyp.convergence")["witness"]["delta"] = "0".into();
            }),
        ),
        // A rate that excludes the true ρ*.
        (
            "rate moved",
            mutate(&r1, |v| set_encl(v, "G1.rate", "0.08337", "0.08338")),
        ),
        // A limit point outside the tail bound.
        (
            "limit moved",
            mutate(&f2, |v| set_encl(v, "G1.limit.a", "2.6", "2.7")),
        ),
        // A flipped hypothesis verdict (with the overall verdict kept consistent).
        (
            "step verdict flipped",
            mutate(&f2, |v| {
                claim_mut(v, "G1.hyp.step_at_limit")["verdict"] = "CONDITION_NOT_MET".into();
                v["verdict"] = "CONDITION_NOT_MET".into();
            }),
        ),
        // The start's information turned into a hypothesis that fails.
        (
            "start made a hypothesis",
            mutate(&f2, |v| {
                let c = claim_mut(v, "G1.start.step_condition");
                c["role"] = "hypothesis".into();
                c["bound"] =
                    serde_json::json!({"relation": "in_open", "value": {"lo": "0", "hi": "2"}});
                c["verdict"] = "CONDITION_NOT_MET".into();
                v["verdict"] = "CONDITION_NOT_MET".into();
            }),
        ),
        // A rate taken at the start: the start's λ with an exact witness.
        (
            "rate from the start",
            mutate(&f2, |v| {
                let start = claim_mut(v, "G1.start.step_condition")["enclosure"].clone();
                let c = claim_mut(v, "G1.rate");
                c["witness"] = serde_json::json!({"kind": "exact"});
                let lo = num(start["lo"].as_str().unwrap()).unwrap() - 1u32;
                let hi = num(start["hi"].as_str().unwrap()).unwrap() - 1u32;
                c["enclosure"] = serde_json::json!({"lo": write(&lo), "hi": write(&hi)});
                c["verdict"] = "VIOLATED".into();
                v["verdict"] = "VIOLATED".into();
            }),
        ),
        // An orbit box moved off the orbit.
        (
            "orbit box",
            mutate(&r1, |v| {
                let c = claim_mut(v, "ratio.orbit");
                let b = &mut c["witness"]["boxes"][5][0];
                let lo = b["lo"].as_str().unwrap().to_string();
                b["lo"] = scale(&lo, "1.0000001").into();
            }),
        ),
        // A valley tail with a drift too small.
        (
            "valley delta",
            mutate(&r4, |v| {
                let c = claim_mut(v, "G1.hyp.convergence");
                let d = c["witness"]["delta"].as_str().unwrap().to_string();
                c["witness"]["delta"] = scale(&d, "1/4").into();
            }),
        ),
        // A valley tail whose y-bound misses the last box.
        (
            "valley y_bar",
            mutate(&r4, |v| {
                let c = claim_mut(v, "G1.hyp.convergence");
                let y = c["witness"]["y_bar"].as_str().unwrap().to_string();
                c["witness"]["y_bar"] = scale(&y, "1/2").into();
            }),
        ),
        // A ratio band that is not ρ*² ± ε.
        (
            "window band",
            mutate(&r1, |v| {
                let c = claim_mut(v, "ratio.window");
                c["bound"]["value"]["lo"] = "0".into();
            }),
        ),
        // A ratio window that misses a certified ratio.
        (
            "window enclosure",
            mutate(&r4, |v| set_encl(v, "ratio.window", "0.3968", "0.3969")),
        ),
        // The quartic's failed PL hypothesis marked as holding.
        (
            "quartic PL",
            mutate(&f1, |v| {
                claim_mut(v, "G1.hyp.local_pl")["verdict"] = "CERTIFIED".into();
            }),
        ),
        // A narrower sublinear law than the truth.
        (
            "sublinear",
            mutate(&f1, |v| set_encl(v, "G1.sublinear", "0.21", "19/81")),
        ),
        // A required claim dropped.
        (
            "claim removed",
            mutate(&r1, |v| {
                let a = v["claims"].as_array_mut().unwrap();
                a.retain(|c| c["id"] != "G1.hyp.step_at_limit");
            }),
        ),
        // A claim the theorem does not state for this instance.
        (
            "foreign claim",
            mutate(&f1, |v| {
                let mut c = claim_mut(v, "G1.limit.x").clone();
                c["id"] = "G1.rate".into();
                v["claims"].as_array_mut().unwrap().push(c);
            }),
        ),
        // An audit is never part of a certificate: a G2 claim with an `audit` witness (the old
        // in-certificate form) does not parse, and a G2 claim with any other witness is foreign.
        (
            "audit witness",
            mutate(&r3, |v| {
                let mut c = claim_mut(v, "G1.rate").clone();
                c["id"] = "G2.exponent".into();
                c["verdict"] = "AUDIT_PASS".into();
                c["witness"] = serde_json::json!({"kind": "audit", "seed": "0", "runs": 200,
                    "burn_in": 30, "steps": 300, "resamples": 2000, "converged": 200,
                    "estimate": "0", "confidence": "0.95"});
                v["claims"].as_array_mut().unwrap().push(c);
            }),
        ),
        (
            "audit claim",
            mutate(&r3, |v| {
                let mut c = claim_mut(v, "G1.rate").clone();
                c["id"] = "G2.exponent".into();
                v["claims"].as_array_mut().unwrap().push(c);
            }),
        ),
    ];
    for (what, text) in &reject {
        assert!(!accepted(text), "accepted a mutation: {what}");
    }
    // Changes that leave every claim true are accepted: a wider rate enclosure, an undecided claim.
    let wider = mutate(&r1, |v| set_encl(v, "G1.rate", "0.08", "0.09"));
    assert!(accepted(&wider), "a wider, still true enclosure");
    let undecided = mutate(&r4, |v| {
        claim_mut(v, "G1.rate")["verdict"] = "UNDECIDED".into();
        v["verdict"] = "UNDECIDED".into();
    });
    assert!(accepted(&undecided), "UNDECIDED asserts nothing");
}

// ------------------------------------------------------------------------------------------------
// Part 2: random mutations.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The paths of the mutable leaves of the claims: numeric strings and integers.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if [
                    "id",
                    "statement",
                    "arithmetic",
                    "note",
                    "relation",
                    "kind",
                    "map",
                    "orbit",
                    "claim",
                ]
                .contains(&k.as_str())
                {
                    continue;
                }
                path.push(k.clone());
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(i.to_string());
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::String(s) if num(s).is_some() => out.push(path.clone()),
        Value::Number(_) => out.push(path.clone()),
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match v {
        Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
        _ => &mut v[k.as_str()],
    })
}

const VERDICTS: [&str; 6] = [
    "CERTIFIED",
    "AUDIT_PASS",
    "UNDECIDED",
    "CONDITION_NOT_MET",
    "AUDIT_FAIL",
    "VIOLATED",
];

fn severity(v: &str) -> usize {
    VERDICTS.iter().position(|x| *x == v).unwrap()
}

/// One random mutation of claim number `i`; a description.
fn random_mutation(v: &mut Value, rng: &mut Rng) -> String {
    let n = v["claims"].as_array().unwrap().len();
    let i = rng.below(n);
    let id = v["claims"][i]["id"].as_str().unwrap().to_string();
    let kind = rng.below(10);
    if kind == 0 {
        let to = VERDICTS[rng.below(6)];
        v["claims"][i]["verdict"] = to.into();
        if rng.below(2) == 0 {
            let worst = v["claims"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| severity(c["verdict"].as_str().unwrap()))
                .max()
                .unwrap();
            v["verdict"] = VERDICTS[worst].into();
        }
        return format!("{id}: verdict → {to}");
    }
    if kind == 1 {
        let r = if v["claims"][i]["role"] == "hypothesis" {
            "conclusion"
        } else {
            "hypothesis"
        };
        v["claims"][i]["role"] = r.into();
        return format!("{id}: role → {r}");
    }
    let mut paths = vec![];
    leaves(&v["claims"][i], &mut vec![], &mut paths);
    if paths.is_empty() {
        return format!("{id}: nothing to mutate");
    }
    let p = paths[rng.below(paths.len())].clone();
    let leaf = at(&mut v["claims"][i], &p);
    let where_ = format!("{id}.{}", p.join("."));
    match leaf.clone() {
        Value::Number(x) => {
            let x = x.as_i64().unwrap_or(0);
            let y = [x + 1, x - 1, 2 * x, 0, x + 1000][rng.below(5)];
            *leaf = y.into();
            format!("{where_}: {x} → {y}")
        }
        Value::String(s) => {
            let x = num(&s).unwrap();
            let y = match rng.below(4) {
                0 => Rational::from(Integer::from(rng.below(2000) as i64 - 1000)) / 100u32,
                1 => [
                    Rational::new(),
                    Rational::from(1),
                    Rational::from(-1),
                    pow(10, 300),
                    pow(10, -300),
                ][rng.below(5)]
                .clone(),
                _ => {
                    let e = -30.0 + 31.0 * rng.unit();
                    let rel = Rational::from_f64(10f64.powf(e)).unwrap();
                    let sign = if rng.below(2) == 0 { 1 } else { -1 };
                    let d = Rational::from(x.abs_ref()) * rel * sign
                        + if x == 0 {
                            pow(10, -20)
                        } else {
                            Rational::new()
                        };
                    x.clone() + d
                }
            };
            *leaf = write(&y).into();
            format!("{where_}: {:.6e} → {:.6e}", x.to_f64(), y.to_f64())
        }
        _ => format!("{where_}: unchanged"),
    }
}

fn random_round(name: &str, text: &str, refs: &Refs, count: usize, seed: u64) -> (usize, usize) {
    let base: Value = serde_json::from_str(text).unwrap();
    assert!(
        falsehood(&base, refs).is_none(),
        "{name}: the unmutated certificate fails the references: {:?}",
        falsehood(&base, refs)
    );
    let mut rng = Rng(seed);
    let (mut rejected, mut kept) = (0, 0);
    for _ in 0..count {
        let mut v = base.clone();
        let what = random_mutation(&mut v, &mut rng);
        let t = reseal(&v);
        match kernel(&t) {
            Outcome::Panic(p) => panic!("{name}: kernel panicked on {what}: {p}"),
            Outcome::Malformed => rejected += 1,
            Outcome::Checked(r) if !r.valid() => rejected += 1,
            Outcome::Checked(_) => {
                let parsed: Value = serde_json::from_str(&t).unwrap();
                if let Some(f) = falsehood(&parsed, refs) {
                    panic!("{name}: the kernel accepted a false certificate after {what}: {f}");
                }
                kept += 1;
            }
        }
    }
    (rejected, kept)
}

#[test]
fn random_mutations_are_rejected_or_stay_true() {
    let cases: Vec<Case> = vec![
        (
            "r1",
            certify("r1", &[]),
            Box::new(|c| product_refs("0.1", "3", "0.2", c)),
            120,
        ),
        (
            "f2",
            certify("f2", &[]),
            Box::new(|c| product_refs("0.25", "3", "0.2", c)),
            90,
        ),
        ("r4", certify("r4", &[]), Box::new(valley_refs), 24),
        ("f1", certify("f1", &[]), Box::new(quartic_refs), 50),
        (
            "r3",
            certify("r3", &[]),
            Box::new(|c| product_refs("0.25", "1.5", "0.9", c)),
            100,
        ),
    ];
    for (k, (name, text, refs, count)) in cases.into_iter().enumerate() {
        let v: Value = serde_json::from_str(&text).unwrap();
        let (rejected, kept) = random_round(name, &text, &refs(&v), count, 0x5eed + k as u64);
        eprintln!("{name}: {rejected} rejected, {kept} accepted and still true");
        assert!(
            rejected > count / 2,
            "{name}: most random mutations must be caught"
        );
    }
}

//! Paper 5 (`two-factor-transformer`): every shipped instance gives its expected verdict and the
//! numbers of theorems.md, its certificate passes the kernel, and the failing instance is never
//! CERTIFIED. Reference values are computed here independently (closed forms, and MPFR at 512 bits
//! with plain floating-point iteration), never taken from the code under test.

use gdcert::arith::{parse_q, q_frac, Q};
use gdcert::certificate::{Certificate, Verdict, Witness};
use gdcert::methods::escalation::ArithChoice;
use gdcert::theorems::{self, instance, RunOptions};
use rug::Float;

const DIR: &str = "certificates/instances/two-factor-transformer";

fn run(file: &str, sets: &[&str]) -> (Certificate, String) {
    let th = theorems::find("two-factor-transformer").unwrap();
    let path = format!("{DIR}/{file}");
    let text = std::fs::read_to_string(&path).unwrap();
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let params = instance::load(th.id(), &th.schema(), &path, &text, &sets).unwrap();
    let opts = RunOptions {
        arith: ArithChoice::Interval,
        max_bits: 2048,
    };
    let claims = th.certify(&params, &opts).unwrap();
    theorems::assemble(th, &params, &opts, claims)
}

fn encl(c: &Certificate, id: &str) -> (Q, Q) {
    let claim = c.claim(id).unwrap_or_else(|| panic!("claim {id} missing"));
    claim
        .enclosure
        .as_ref()
        .unwrap_or_else(|| panic!("{id} has no enclosure"))
        .parse()
        .unwrap()
}

fn verdict(c: &Certificate, id: &str) -> Verdict {
    c.claim(id)
        .unwrap_or_else(|| panic!("claim {id} missing"))
        .verdict
}

fn q(s: &str) -> Q {
    parse_q(s).unwrap()
}

fn inside(e: &(Q, Q), lo: &str, hi: &str) -> bool {
    q(lo) <= e.0 && e.1 <= q(hi)
}

fn contains(e: &(Q, Q), v: &Q) -> bool {
    e.0 <= *v && *v <= e.1
}

fn f512(v: &Q) -> Float {
    Float::with_val(512, gdcert::arith::exact::rug_from_q(v))
}

fn q_of(f: &Float) -> Q {
    gdcert::arith::exact::q_from_float(f).unwrap()
}

fn kernel_accepts(text: &str) {
    let r = gdcert::kernel::check_text(text).unwrap_or_else(|m| panic!("malformed: {}", m.0));
    let bad: Vec<_> = r
        .claims
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.id, c.reason))
        .collect();
    assert!(r.valid(), "kernel rejects: {:?} {bad:?}", r.problems);
}

#[test]
fn c1_chebyshev_ellipse_and_ln2() {
    let (c, text) = run("c1.toml", &[]);
    assert_eq!(c.verdict, Verdict::Certified);
    for id in [
        "T2.invariance",
        "T2.factor_square",
        "T2.angle_map",
        "T2.minimisers_on_ellipse",
        "T0.imbalance",
        "T0.residual",
    ] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    // m >= 1 - μ²/4 = 7/16, exactly.
    assert_eq!(
        encl(&c, "T2.factor_lower_bound"),
        (q_frac(7, 16), q_frac(7, 16))
    );
    // λ_⊥(3/2) = ln 2: the quadrature encloses ln 2 (512-bit reference) and 0.693147 to 6 digits.
    let ln2 = q_of(&Float::with_val(512, Float::ln_u(2)));
    let quad = encl(&c, "T2.transverse_exponent");
    assert!(contains(&quad, &ln2));
    assert!(inside(&quad, "0.6931465", "0.6931475"));
    assert!(contains(&encl(&c, "T2.transverse_closed_form"), &ln2));
    kernel_accepts(&text);
}

#[test]
fn c2_attracting_two_cycle() {
    let (c, text) = run("c2.toml", &[]);
    assert_eq!(c.verdict, Verdict::Certified);
    let mu = q_frac(6, 5);
    // x_-² = (μ + 1 − sqrt((μ−1)(μ+3)))/(2μ).
    let m = f512(&mu);
    let disc = (m.clone() - 1u32) * (m.clone() + 3u32);
    let xm = ((m.clone() + 1u32 - disc.sqrt()) / (m.clone() * 2u32)).sqrt();
    let b = encl(&c, "T1.cycle2");
    assert!(
        contains(&b, &q_of(&xm)),
        "the Krawczyk box must contain x_-"
    );
    assert!(inside(&b, "0.7312895", "0.7312905"), "box around 0.731290");
    let Witness::Krawczyk {
        period: 2, boxed, ..
    } = &c.claim("T1.cycle2").unwrap().witness
    else {
        panic!("T1.cycle2 needs a Krawczyk witness of period 2")
    };
    let unique = boxed[0].parse().unwrap();
    assert!(
        contains(&unique, &q("0.731290")),
        "the uniqueness box contains 0.731290"
    );
    let mult = encl(&c, "T1.cycle2.multiplier");
    assert!(inside(&mult, "-0.681", "-0.679"));
    assert!(contains(&mult, &q("-0.68")), "7 − 4μ − 2μ² = −0.68");
    let trans = encl(&c, "T3.cycle2.transverse");
    assert!(inside(&trans, "0.599", "0.601"));
    assert!(contains(&trans, &q("0.6")), "3 − 2μ = 0.6");
    assert_eq!(encl(&c, "T1.cycle2.closed_form"), (q("-0.68"), q("-0.68")));
    assert!(contains(
        &encl(&c, "T3.cycle2.planar_transverse"),
        &q("0.6")
    ));
    kernel_accepts(&text);
}

/// Newton's method at 512 bits for a zero of f³(x) − x near `x0`.
fn three_cycle_point(mu: &Q, x0: f64) -> Float {
    let m = f512(mu);
    let f = |x: &Float| -> Float {
        x.clone() * (m.clone() + 1u32) - m.clone() * x.clone() * x.clone() * x.clone()
    };
    let fp = |x: &Float| -> Float { m.clone() + 1u32 - m.clone() * 3u32 * x.clone() * x.clone() };
    let mut x = Float::with_val(512, x0);
    for _ in 0..100 {
        let (x1, x2) = (f(&x), f(&f(&x)));
        let g = f(&x2) - x.clone();
        let dg = fp(&x) * fp(&x1) * fp(&x2) - 1u32;
        x -= g / dg;
    }
    x
}

#[test]
fn c3_three_cycle_and_chaos() {
    let (c, text) = run("c3.toml", &[]);
    assert_eq!(c.verdict, Verdict::Certified);
    let x = three_cycle_point(&q_frac(3, 2), 0.287);
    let b = encl(&c, "T1.cycle3");
    assert!(contains(&b, &q_of(&x)));
    assert!(
        inside(&b, "0.28703515", "0.28703525"),
        "box around 0.2870352"
    );
    assert!(matches!(
        c.claim("T1.cycle3").unwrap().witness,
        Witness::Krawczyk { period: 3, .. }
    ));
    assert!(
        inside(&encl(&c, "T1.cycle3.multiplier"), "-3.73", "-3.71"),
        "multiplier −3.72"
    );
    assert_eq!(verdict(&c, "T1.chaos"), Verdict::Certified);
    // C3 selects T1 only.
    assert!(c.claims.iter().all(|cl| cl.id.starts_with("T1")));
    kernel_accepts(&text);
}

#[test]
fn c4_catapult() {
    let (c, text) = run("c4.toml", &[]);
    assert_eq!(c.verdict, Verdict::Certified);
    // Reference orbit at 512 bits from (2, 0.5001), μ = 3/5.
    let mu = f512(&q_frac(3, 5));
    let (mut a, mut b) = (Float::with_val(512, 2), f512(&q("0.5001")));
    let mut losses = vec![];
    for _ in 0..4000 {
        let r = a.clone() * &b - 1u32;
        losses.push(r.clone() * &r / 2u32);
        let (na, nb) = (
            a.clone() - mu.clone() * &b * &r,
            b.clone() - mu.clone() * &a * &r,
        );
        a = na;
        b = nb;
    }
    let qinf = a.clone() * &a - b.clone() * &b;
    let sharp = (qinf.clone() * &qinf + 4u32).sqrt();
    let inc = c.claim("T4.loss_increase").unwrap();
    let Witness::Uses { step: Some(k), .. } = inc.witness else {
        panic!("loss increase needs its step")
    };
    assert_eq!(k, 21, "peak at k = 21");
    let e = encl(&c, "T4.loss_increase");
    assert!(contains(&e, &q_of(&losses[k])));
    assert!(inside(&e, "0.3535", "0.3537"), "peak loss 0.3536");
    let s = encl(&c, "T4.final_sharpness");
    assert!(contains(&s, &q_of(&sharp)));
    assert!(
        inside(&s, "2.50", "2.52") && s.1 < q_frac(10, 3),
        "final sharpness in [2.50, 2.52] < 2/μ"
    );
    assert_eq!(verdict(&c, "T4.convergence"), Verdict::Certified);
    kernel_accepts(&text);
}

#[test]
fn c5_chebyshev_conjugacy() {
    let (c, text) = run("c5.toml", &[]);
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(verdict(&c, "T1.chebyshev_conjugacy"), Verdict::Certified);
    // At μ = 2 the transverse multiplier of the 2-cycle is exactly 3 − 2μ = −1.
    assert_eq!(encl(&c, "T1.cycle2.closed_form"), (q("-9"), q("-9")));
    assert!(contains(&encl(&c, "T3.cycle2.transverse"), &q("-1")));
    kernel_accepts(&text);
}

#[test]
fn fail_instance_is_never_certified() {
    let (c, text) = run("fail.toml", &[]);
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(c.verdict.exit_code(), 2);
    assert_eq!(verdict(&c, "T2.hyp.mu_range"), Verdict::ConditionNotMet);
    assert_eq!(
        verdict(&c, "T2.hyp.factor_positive"),
        Verdict::ConditionNotMet
    );
    assert_eq!(encl(&c, "T2.hyp.factor_positive"), (q("-0.21"), q("-0.21")));
    // The ellipse conclusions are not asserted when the hypothesis fails.
    assert!(c.claim("T2.invariance").is_none() && c.claim("T2.transverse_exponent").is_none());
    // Escape of x0 = 1/2: the first K with |x_K| > x* (x*² = 21/11), and the orbit at 512 bits agrees.
    assert_eq!(verdict(&c, "T1.escape"), Verdict::Certified);
    let Witness::Orbit { boxes, .. } = &c.claim("T1.escape").unwrap().witness else {
        panic!("escape needs an orbit")
    };
    let k = boxes.len() - 1;
    let mu = f512(&q_frac(11, 5));
    let mut x = Float::with_val(512, 0.5);
    let mut first = None;
    for i in 1..=20 {
        x = x.clone() * (mu.clone() + 1u32) - mu.clone() * x.clone() * &x * &x;
        if first.is_none() && q_of(&(x.clone() * &x)) > q_frac(21, 11) {
            first = Some(i);
        }
    }
    assert_eq!(Some(k), first, "certified at the first exit from [−x*, x*]");
    kernel_accepts(&text);
}

#[test]
fn other_steps_work_too() {
    // Rational steps across the regimes, including ones no shipped instance uses.
    for (mu, expect) in [
        ("1/3", Verdict::Certified),
        ("3/4", Verdict::Certified),
        ("1", Verdict::Certified),
        ("5/4", Verdict::Certified),
        ("1.6", Verdict::Certified),
        ("199/100", Verdict::Certified),
        ("2", Verdict::ConditionNotMet),
        ("5/2", Verdict::ConditionNotMet),
    ] {
        let (c, text) = run("c1.toml", &[&format!("mu={mu}")]);
        assert_eq!(c.verdict, expect, "mu = {mu}");
        kernel_accepts(&text);
    }
    // μ ≤ 1/2: monotone; 1/2 < μ < 1: oscillatory fixed point; μ = 1: flip.
    assert_eq!(
        encl(&run("c1.toml", &["mu=1/3"]).0, "T1.monotone"),
        (q("1/3"), q("1/3"))
    );
    assert_eq!(
        verdict(&run("c1.toml", &["mu=3/4"]).0, "T1.fixed_point"),
        Verdict::Certified
    );
    assert_eq!(
        verdict(&run("c1.toml", &["mu=1"]).0, "T1.flip"),
        Verdict::Certified
    );
    // A user's own catapult start.
    let (c, _) = run("c4.toml", &["catapult.a0=2.2", "catapult.b0=0.5"]);
    assert_eq!(c.verdict, Verdict::Certified);
    assert!(
        inside(&encl(&c, "T4.final_sharpness"), "2.0005", "2.0007"),
        "final sharpness 2.0006"
    );
}

#[test]
fn certificates_are_deterministic() {
    let (_, a) = run("c2.toml", &[]);
    let (_, b) = run("c2.toml", &[]);
    assert_eq!(a, b);
}

#[test]
fn committed_certificates_are_current() {
    // Every shipped instance has a committed certificate equal to what this code produces.
    for f in ["c1", "c2", "c3", "c4", "c5", "fail"] {
        let (_, text) = run(&format!("{f}.toml"), &[]);
        let committed =
            std::fs::read_to_string(format!("certificates/two-factor-transformer/{f}.json"))
                .unwrap_or_else(|_| {
                    panic!("certificates/two-factor-transformer/{f}.json is missing")
                });
        assert!(
            committed == text,
            "certificates/two-factor-transformer/{f}.json is stale: regenerate it"
        );
    }
}

#[test]
fn gdcert_check_certificates_exits_0() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gdcert"))
        .args(["check", "certificates"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

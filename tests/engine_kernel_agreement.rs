//! The engine's certificates pass the kernel on instances nobody chose: random rational steps,
//! starts of the balanced orbit and catapult starts, in each starting arithmetic. A rejection here
//! means the engine wrote a witness the kernel cannot re-prove (an engine–kernel inconsistency), or
//! a kernel defect; an accepted certificate must not contradict the escape lemma either.

use gdcert::certificate::Verdict;
use gdcert::methods::escalation::ArithChoice;
use gdcert::theorems::{self, instance, RunOptions};
use proptest::prelude::*;

fn certify_and_check(sets: &[String], arith: ArithChoice) -> (Verdict, String) {
    let th = theorems::find("two-factor-transformer").unwrap();
    let (name, text) = th.default_instance();
    let params = instance::load(th.id(), &th.schema(), name, text, sets).unwrap();
    let opts = RunOptions {
        arith,
        max_bits: 1024,
    };
    let claims = th.certify(&params, &opts).unwrap();
    let (cert, json) = theorems::assemble(th, &params, &opts, claims);
    let report = gdcert::kernel::check_text(&json)
        .unwrap_or_else(|m| panic!("malformed: {} ({sets:?})", m.0));
    let bad: Vec<String> = report
        .claims
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.id, c.reason))
        .collect();
    assert!(
        report.valid(),
        "kernel rejects the engine's certificate for {sets:?} in {arith}: {:?} {bad:?}",
        report.problems
    );
    (cert.verdict, json)
}

fn arith() -> impl Strategy<Value = ArithChoice> {
    prop::sample::select(vec![
        ArithChoice::Interval,
        ArithChoice::Mpfr(128),
        ArithChoice::Mpfr(300),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The balanced cubic and its transverse multipliers, with escape orbits for μ > 2.
    #[test]
    fn balanced_claims(num in 1u32..320, den in prop::sample::select(vec![100u32, 64, 37, 9]), x0n in -200i32..200, a in arith()) {
        let mu = format!("mu={num}/{den}");
        let x0 = format!("x0={x0n}/100");
        let (verdict, _) = certify_and_check(&[mu, x0, "claims=T1,T3".into()], a);
        prop_assert!(verdict != Verdict::Violated, "the theorem is not violated by the cubic");
    }

    /// Catapult orbits from random starts near the minimiser curve, with their contraction boxes.
    #[test]
    fn catapult_claims(num in 20u32..95, a0n in 150i32..260, b0_off in -50i32..50, a in arith()) {
        let a0 = a0n as f64 / 100.0;
        // b0 near 1/a0, so that the start is near a minimiser.
        let b0 = format!("catapult.b0={}/10000", (10000.0 / a0).round() as i64 + b0_off as i64);
        let sets = vec![format!("mu={num}/100"), format!("catapult.a0={a0n}/100"), b0, "claims=T4".into()];
        certify_and_check(&sets, a);
    }
}

#[test]
fn ellipse_claims_at_a_few_steps() {
    for mu in ["1/7", "9/10", "7/4", "1.99"] {
        certify_and_check(
            &[format!("mu={mu}"), "claims=T2".into()],
            ArithChoice::Interval,
        );
    }
}

//! Paper 8 (`inductive-matrix-completion`): J1, the pure-contraction instance, the failing p = 0.005
//! instance, bad input, and the kernel against mutated certificates.
//!
//! Expected numbers come from `theorems.md` (Paper 8, (d)) and `oracles/p8_verify.py`.

use gdcert::certificate::{Certificate, Verdict, Witness};
use gdcert::kernel::check_text;

mod common;
use common::{encl, gdcert};

const DIR: &str = "certificates/instances/inductive-matrix-completion";
const CERTS: &str = "certificates/inductive-matrix-completion";

fn load(name: &str) -> Certificate {
    let text = std::fs::read_to_string(format!("{CERTS}/{name}.json")).expect("shipped");
    serde_json::from_str(&text).expect("parses")
}

fn near(c: &Certificate, id: &str, expected: f64, tol: f64) {
    let (lo, hi) = encl(c, id);
    assert!(
        lo <= expected + tol && hi >= expected - tol,
        "{id}: [{lo}, {hi}] vs theorems.md {expected}"
    );
}

fn valid(c: &Certificate) -> bool {
    let (_, text) = c.clone().seal();
    check_text(&text).map(|r| r.valid()).unwrap_or(false)
}

#[test]
fn j1_certifies_with_the_numbers_of_theorems_md() {
    let (code, out, err) = gdcert(&["certify", "inductive-matrix-completion", "--json"]);
    assert_eq!(code, 0, "{err}");
    let c: Certificate = serde_json::from_str(&out).expect("certificate");
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(encl(&c, "S.count"), (750.0, 750.0));
    near(&c, "S.sigma_min", 0.366140, 5e-7);
    near(&c, "S.sigma_max", 0.532712, 5e-7);
    near(&c, "J.orbit", 0.722005, 5e-7);
    near(&c, "J.e_final", 0.092524, 5e-7);
    near(&c, "I2.bound", 1.46597, 5e-6);
    near(&c, "I2.pinv", 0.20103, 5e-6);
    // Tightest additive term 0.018505 and max difference ratio 0.79973 (p8_verify.py).
    let add = (0..100)
        .map(|k| encl(&c, &format!("J.additive.{k}")).1)
        .fold(f64::MIN, f64::max);
    assert!((add - 0.018505).abs() < 1e-6, "{add}");
    let diff = (1..100)
        .map(|k| encl(&c, &format!("J.diff.{k}")).1)
        .fold(f64::MIN, f64::max);
    assert!((diff - 0.79973).abs() < 1e-5, "{diff}");
}

#[test]
fn pure_contraction_is_violated_from_step_18_on() {
    let c = load("j1-pure-contraction");
    assert_eq!(c.verdict, Verdict::Violated);
    for k in 0..100 {
        let v = c.claim(&format!("J.additive.{k}")).expect("claim").verdict;
        let want = if k < 18 {
            Verdict::Certified
        } else {
            Verdict::Violated
        };
        assert_eq!(v, want, "step {k}");
    }
    // The last ratio is 1 + 3e-11 (theorems.md): e_100 − e_99 ≈ 3e-12 > 0, decided.
    let (lo, hi) = encl(&c, "J.additive.99");
    assert!(lo > 0.0 && hi < 1e-10, "[{lo}, {hi}]");
}

#[test]
fn failing_instance_is_condition_not_met_by_counting() {
    let path = format!("{DIR}/fail.toml");
    let (code, out, _) = gdcert(&[
        "certify",
        "inductive-matrix-completion",
        "--instance",
        &path,
    ]);
    assert_eq!(code, 2);
    assert!(out.contains("16 >= 36"), "{out}");
    let c = load("fail");
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert!(c.claims.iter().all(|c| c.verdict != Verdict::Certified));
}

#[test]
fn bad_input_exits_65_naming_the_key() {
    for (set, key) in [("p=2", "p"), ("a=40", "a"), ("spectrum=3,-1", "spectrum")] {
        let (code, _, err) = gdcert(&["certify", "inductive-matrix-completion", "--set", set]);
        assert_eq!(code, 65, "{set}: {err}");
        assert!(err.contains(key), "{set}: {err}");
    }
}

#[test]
fn kernel_accepts_shipped_and_rejects_mutated_certificates() {
    let j1 = load("j1");
    assert!(valid(&j1));
    // A verdict flipped.
    let mut m = j1.clone();
    let i = m
        .claims
        .iter()
        .position(|c| c.id == "J.additive.50")
        .unwrap();
    m.claims[i].verdict = Verdict::Violated;
    m.verdict = Verdict::Violated;
    assert!(!valid(&m), "flipped verdict accepted");
    // An orbit box moved off the iterate.
    let mut m = j1.clone();
    if let Witness::Orbit { boxes, .. } = &mut m.claims[3].witness {
        let e = &mut boxes[50][0];
        let (lo, hi) = e.parse().unwrap();
        e.lo = format!("{}", gdcert::arith::exact::q_to_f64(&lo) + 1e-6);
        e.hi = format!("{}", gdcert::arith::exact::q_to_f64(&hi) + 1e-6);
    } else {
        panic!("claim 3 is the orbit");
    }
    assert!(!valid(&m), "moved box accepted");
    // The pure-contraction certificate with a VIOLATED step claimed CERTIFIED, or dropped.
    let pure = load("j1-pure-contraction");
    let mut m = pure.clone();
    let i = m
        .claims
        .iter()
        .position(|c| c.id == "J.additive.30")
        .unwrap();
    m.claims[i].verdict = Verdict::Certified;
    assert!(!valid(&m), "a violated step turned certified was accepted");
    let mut m = pure.clone();
    m.claims.retain(|c| c.id != "J.additive.30");
    assert!(!valid(&m), "a dropped violated step was accepted");
}

#[test]
fn audit_pgd_in_f64_reproduces_j1_and_mc_is_worse() {
    // The audit's f64 projected GD on J1 (n = 60, a = 6, p = 0.2, seed 1, eta = 1/6, 100 steps):
    // theorems.md gives e_100 = ||Theta_100 - Theta*||_F = 0.092524 (p8_verify.py), which equals
    // ||X Theta_100 X^T - L*||_F because X has orthonormal columns (up to binary64 rounding).
    use gdcert::arith::exact::Q;
    use gdcert::theorems::imc::audit::{errors, Spec};
    let q = |n: i64, d: i64| Q::new(n.into(), d.into());
    let s = Spec {
        spectrum: vec![q(3, 1), q(3, 2)],
        sigma: 0.01,
        eta: 1.0 / 6.0,
        radius: 4.0,
        sizes: vec![60],
        dims: vec![6],
        ps: vec![q(1, 5)],
        seeds: 1,
        steps: 100,
        band: (0.75, 1.25),
    };
    let (imc, mc) = errors(&s, 60, 6, &q(1, 5), 1).unwrap();
    assert!((imc - 0.092524).abs() < 2e-6, "{imc}");
    // Without side information the same samples give a larger error (theory: by about
    // sqrt((2n - r)/(2a - r)) = sqrt(118/10) = 3.4 at the noise floor).
    assert!(mc > 2.0 * imc, "{mc} vs {imc}");
}

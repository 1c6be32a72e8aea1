//! Paper 6 (`muon`): G1, G2, G3 and the repeated singular value with the numbers of `theorems.md`
//! (Paper 6, (d)) and `oracles/p6_verify.py`; undecided and violated variants; bad input; the kernel
//! against mutated certificates; the audit report re-checked by `gdcert check`.

use gdcert::certificate::{Certificate, Verdict};
use gdcert::kernel::check_text;
use serde_json::Value;

mod common;
use common::{certify_json, encl, gdcert, verdict};

const DIR: &str = "certificates/instances/muon";

fn assert_contains(c: &Certificate, id: &str, value: f64, tol: f64) {
    let (lo, hi) = encl(c, id);
    assert!(
        lo <= value + tol && value - tol <= hi && hi - lo < tol,
        "{id}: [{lo}, {hi}] vs {value} ± {tol}"
    );
}

fn valid(text: &str) -> bool {
    check_text(text).expect("parses").valid()
}

fn image(v: &mut Value) -> &mut Value {
    let i = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["id"] == "M1.image")
        .unwrap();
    &mut v["claims"][i]
}

fn reseal(v: &Value) -> String {
    let mut c: Certificate = serde_json::from_value(v.clone()).expect("certificate");
    c.digest = c.compute_digest();
    serde_json::to_string(&c).expect("json")
}

fn certify(file: Option<&str>, sets: &[&str]) -> (i32, Certificate, String) {
    let path = file.map(|f| format!("{DIR}/{f}"));
    certify_json("muon", path.as_deref(), sets)
}

#[test]
fn g1_newton_schulz_image_and_orthogonality_error() {
    let (code, c, text) = certify(None, &[]);
    assert_eq!(code, 0);
    assert_eq!(c.instance.name, "G1");
    // theorems.md: p^5([0.01, 1]) = [0.681831, 1.134357], worst error 0.318169 <= 0.32.
    let (lo, hi) = encl(&c, "M1.image");
    assert!(lo >= 0.68 && hi <= 1.14 && lo <= 0.681831 && hi >= 1.134357);
    assert_contains(&c, "M1.min", 0.681831, 2e-6);
    assert_contains(&c, "M1.max", 1.134357, 2e-6);
    assert_contains(&c, "M1.orthogonality_error", 0.318169, 2e-6);
    for id in ["M1.image", "M1.orthogonality_error", "M1.ns_identity"] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    assert!(valid(&text));
}

#[test]
fn one_newton_schulz_step_acts_on_singular_values() {
    // Independent of the certifier: NS on diag(1/2, 1/3) is diag(p(1/2), p(1/3)), by hand.
    use gdcert::arith::{q_frac, Q};
    use gdcert::spec::muon::{ns_step, NsPoly};
    let p = NsPoly::jordan();
    let x = vec![
        q_frac(1, 2),
        Q::from_integer(0.into()),
        Q::from_integer(0.into()),
        q_frac(1, 3),
    ];
    let y = ns_step(&p, &x, 2, 2);
    let by_hand = |s: Q| {
        q_frac(34445, 10000) * &s - q_frac(4775, 1000) * s.pow(3) + q_frac(20315, 10000) * s.pow(5)
    };
    assert_eq!(y[0], by_hand(q_frac(1, 2)));
    assert_eq!(y[3], by_hand(q_frac(1, 3)));
    assert_eq!(y[1], Q::from_integer(0.into()));
}

#[test]
fn small_m1_violated_and_mutations_rejected() {
    // On [0.5, 1] the worst error is far above 0.01: VIOLATED, never CERTIFIED.
    let (code, c, _) = certify(None, &["sigma_lo=0.5", "error_bound=0.01"]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&c, "M1.orthogonality_error"), Verdict::Violated);
    let (code, _, text) = certify(None, &["sigma_lo=0.5"]);
    assert_eq!(code, 0);
    assert!(valid(&text));
    let v: Value = serde_json::from_str(&text).unwrap();
    // The cover must start at sigma_lo.
    let mut m = v.clone();
    image(&mut m)["witness"]["breakpoints"][0] = Value::from("0.6");
    assert!(!valid(&reseal(&m)));
    // A narrower image enclosure is not what the boxes prove.
    let mut m = v.clone();
    image(&mut m)["enclosure"]["hi"] = Value::from("1.0");
    assert!(!valid(&reseal(&m)));
    // A flipped verdict.
    let mut m = v.clone();
    image(&mut m)["verdict"] = Value::from("VIOLATED");
    m["verdict"] = Value::from("VIOLATED");
    assert!(!valid(&reseal(&m)));
    // The digest guards every byte.
    let mut m = v.clone();
    image(&mut m)["witness"]["argmin"] = Value::from("0.75");
    assert!(!valid(&serde_json::to_string(&m).unwrap()));
}

#[test]
fn g2_branches_and_undecided_tau() {
    let (code, c, text) = certify(Some("g2.toml"), &[]);
    assert_eq!(code, 0);
    assert_contains(&c, "M2.gap", 0.01, 1e-5);
    assert_contains(&c, "M2.sigma.3", 0.49, 1e-5);
    let b0 = c.claim("M2.branch.0").unwrap();
    assert_eq!(
        (b0.verdict, b0.bound.as_ref().unwrap().relation.as_str()),
        (Verdict::Certified, "<")
    );
    let b1 = c.claim("M2.branch.1").unwrap();
    assert_eq!(
        (b1.verdict, b1.bound.as_ref().unwrap().relation.as_str()),
        (Verdict::Certified, ">")
    );
    assert!(valid(&text));
    // Mutations: a congruence shift moved, the gap enclosure narrowed, a branch flipped.
    let v: Value = serde_json::from_str(&text).unwrap();
    let idx = |id: &str| {
        v["claims"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["id"] == id)
            .unwrap()
    };
    let mut m = v.clone();
    m["claims"][idx("M2.sigma.2")]["witness"]["upper"]["t"] = Value::from("0.2499");
    assert!(!valid(&reseal(&m)));
    let mut m = v.clone();
    m["claims"][idx("M2.gap")]["enclosure"]["lo"] = Value::from("0.0100001");
    assert!(!valid(&reseal(&m)));
    let mut m = v.clone();
    m["claims"][idx("M2.branch.0")]["bound"]["relation"] = Value::from(">");
    assert!(!valid(&reseal(&m)));
    // tau = 0.01 equals the gap: the branch cannot be separated.
    let (code, c, text) = certify(Some("g2.toml"), &["tau=0.01"]);
    assert_eq!(code, 3);
    assert_eq!(verdict(&c, "M2.branch.0"), Verdict::Undecided);
    assert!(valid(&text));
}

#[test]
fn repeated_singular_value_condition_not_met() {
    let (code, c, text) = certify(Some("repeated.toml"), &[]);
    assert_eq!(code, 2);
    assert_eq!(verdict(&c, "M2.kappa_positive"), Verdict::ConditionNotMet);
    assert_eq!(encl(&c, "M2.gap"), (0.0, 0.0));
    for id in ["M2.branch.0", "M2.branch.1"] {
        assert_eq!(verdict(&c, id), Verdict::Certified);
    }
    assert!(valid(&text));
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut m = v.clone();
    m["claims"][0]["verdict"] = Value::from("CERTIFIED");
    m["verdict"] = Value::from("CERTIFIED");
    assert!(!valid(&reseal(&m)));
}

#[test]
fn g3_polar_factor_ratio() {
    let (code, c, text) = certify(Some("g3.toml"), &[]);
    assert_eq!(code, 0);
    // p6_verify.py: ratio 0.989949 (K in the plane (1,2)); 2/(1.8 + 1e-6) = 1.1111105.
    assert_contains(&c, "M3.ratio", 0.989949, 2e-6);
    assert_contains(&c, "M3.sigma_min_a", 0.9, 1e-6);
    for id in ["M3.li_bound", "M3.weyl_constant"] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    assert!(valid(&text));
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut m = v.clone();
    m["claims"][0]["witness"]["t"] = Value::from("0.95");
    assert!(!valid(&reseal(&m)));
    let mut m = v.clone();
    m["claims"][4]["enclosure"]["hi"] = Value::from("0.98");
    assert!(!valid(&reseal(&m)));
}

#[test]
fn bad_input_exits_65() {
    for (sets, key) in [
        (vec!["sigma_lo=0"], "sigma_lo"),
        (vec!["claims=M2"], "diag"),
        (vec!["claims=M2", "diag=1,abc"], "diag"),
        (vec!["claims=M2", "matrix=/nonexistent/m.csv"], "matrix"),
        (vec!["claims=M3", "polar.plane=1,1"], "polar.plane"),
        (vec!["claims=M2", "diag=1,2", "tau=-1"], "tau"),
    ] {
        let mut args = vec!["certify", "muon"];
        for s in &sets {
            args.push("--set");
            args.push(s);
        }
        let (code, _, err) = gdcert(&args);
        assert_eq!(code, 65, "{sets:?}: {err}");
        assert!(err.contains(key), "{sets:?}: {err}");
    }
}

#[test]
fn audit_runs_and_its_report_checks() {
    let dir = std::env::temp_dir().join(format!("gdcert-muon-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("r.json");
    let out_s = out.to_str().unwrap();
    let (code, stdout, err) = gdcert(&[
        "audit", "muon", "--seeds", "4", "--sizes", "16,32", "--jobs", "1", "--out", out_s,
    ]);
    assert!([0, 1, 3].contains(&code), "{err}");
    assert!(stdout.contains("M4.N_slope.muon") && stdout.contains("M5.T_slope.mimuon"));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_ne!(r["verdict"], "CERTIFIED");
    let (code, _, err) = gdcert(&["check", out_s]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

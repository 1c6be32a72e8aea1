//! Paper 3 (`bradley-terry-metric`): the shipped instances with the numbers of `theorems.md`
//! (Paper 3, (d)) and `oracles/p3_gd.py`, bad input, and the kernel against mutated certificates.
//!
//! Expected numbers come from `theorems.md` and the oracle, or from independent exact computations
//! here, never from the code under test.

use gdcert::certificate::{Certificate, Verdict};
use gdcert::kernel::check_text;
use std::process::Command;

const DIR: &str = "certificates/instances/bradley-terry-metric";

fn gdcert(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gdcert"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn certify_path(path: &str, sets: &[&str]) -> (i32, Certificate, String) {
    let mut args = vec![
        "certify",
        "bradley-terry-metric",
        "--instance",
        path,
        "--json",
    ];
    for s in sets {
        args.push("--set");
        args.push(s);
    }
    let (code, out, err) = gdcert(&args);
    let cert: Certificate =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{path}: {e}\n{err}"));
    (code, cert, out)
}

fn certify(file: &str, sets: &[&str]) -> (i32, Certificate, String) {
    certify_path(&format!("{DIR}/{file}"), sets)
}

fn encl(c: &Certificate, id: &str) -> (f64, f64) {
    let cl = c.claim(id).unwrap_or_else(|| panic!("claim {id} missing"));
    let (lo, hi) = cl
        .enclosure
        .as_ref()
        .unwrap_or_else(|| panic!("{id} has no enclosure"))
        .parse()
        .expect("exact numbers");
    (
        gdcert::arith::exact::q_to_f64(&lo),
        gdcert::arith::exact::q_to_f64(&hi),
    )
}

fn verdict(c: &Certificate, id: &str) -> Verdict {
    c.claim(id)
        .unwrap_or_else(|| panic!("claim {id} missing"))
        .verdict
}

/// Re-seals a mutated certificate (so the digest is not what rejects it) and runs the kernel.
fn kernel_accepts(mut c: Certificate) -> bool {
    c.digest = c.compute_digest();
    let text = serde_json::to_string_pretty(&c).unwrap();
    check_text(&text).map(|r| r.valid()).unwrap_or(false)
}

#[test]
fn b3_fairness_constant_is_sqrt_1_1_and_the_tight_one_sqrt_1_05() {
    let (code, c, text) = certify("b3.toml", &[]);
    assert_eq!(code, 0, "{text}");
    for id in [
        "S3.psd",
        "S3.perturbation",
        "S3.floor",
        "S3.constant",
        "S3.tight",
    ] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    let (lo, hi) = encl(&c, "S3.constant");
    assert!(1.0488 <= lo && hi <= 1.0489, "[{lo}, {hi}]");
    assert!(lo <= 1.1f64.sqrt() && 1.1f64.sqrt() <= hi);
    let (lo, hi) = encl(&c, "S3.tight");
    assert!(lo <= 1.05f64.sqrt() && 1.05f64.sqrt() <= hi && hi - lo < 1e-12);
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn b3_fails_when_epsilon_is_too_small_or_the_floor_too_high() {
    // ‖M̂ − M*‖₂ = 0.05 exactly: ε = 0.04 is not a bound.
    let (code, c, text) = certify("b3.toml", &["epsilon=0.04"]);
    assert_eq!(code, 2, "{text}");
    assert_eq!(verdict(&c, "S3.perturbation"), Verdict::ConditionNotMet);
    assert!(check_text(&text).unwrap().valid());
    // λ_min(M*) = 0.5: m = 0.51 fails.
    let (code, c, _) = certify("b3.toml", &["floor=0.51"]);
    assert_eq!(code, 2);
    assert_eq!(verdict(&c, "S3.floor"), Verdict::ConditionNotMet);
}

#[test]
fn b3_kernel_rejects_mutations() {
    let (_, c, _) = certify("b3.toml", &[]);
    // A flipped hypothesis verdict.
    let mut m = c.clone();
    m.claims
        .iter_mut()
        .find(|x| x.id == "S3.perturbation")
        .unwrap()
        .verdict = Verdict::ConditionNotMet;
    m.verdict = Verdict::ConditionNotMet;
    assert!(!kernel_accepts(m));
    // A constant that excludes sqrt(1.1).
    let mut m = c.clone();
    let cl = m.claims.iter_mut().find(|x| x.id == "S3.constant").unwrap();
    cl.enclosure.as_mut().unwrap().hi = "1.0488".into();
    cl.enclosure.as_mut().unwrap().lo = "1.0487".into();
    assert!(!kernel_accepts(m));
    // A tight bracket whose upper shift is below 1.05.
    let mut m = c.clone();
    let cl = m.claims.iter_mut().find(|x| x.id == "S3.tight").unwrap();
    if let gdcert::certificate::Witness::Bracket { upper, lower, .. } = &mut cl.witness {
        **upper = gdcert::certificate::Witness::Point {
            point: vec!["1.04".into()],
        };
        **lower = gdcert::certificate::Witness::Point {
            point: vec!["1".into()],
        };
    }
    assert!(!kernel_accepts(m));
    // A changed M̂ entry (the data are pinned by the certificate).
    let mut m = c.clone();
    m.instance.matrices.get_mut("estimate").unwrap().entries[0] = "1.2".into();
    assert!(!kernel_accepts(m));
    assert!(kernel_accepts(c));
}

#[test]
fn b3_accepts_matrix_files_and_rejects_bad_ones() {
    let dir = std::env::temp_dir().join(format!("gdcert-bt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("mstar.csv"), "1, 0.25\n0.25, 0.5\n").unwrap();
    std::fs::write(dir.join("mhat.csv"), "1.05, 0.25\n0.25, 0.45\n").unwrap();
    std::fs::write(dir.join("asym.csv"), "1, 0.2\n0.25, 0.5\n").unwrap();
    let inst = |truth: &str, name: &str| {
        let p = dir.join(name);
        std::fs::write(
            &p,
            format!(
                "theorem = \"bradley-terry-metric\"\ntruth_file = \"{truth}\"\nestimate_file = \"mhat.csv\"\nepsilon = 0.05\nfloor = 0.2\n"
            ),
        )
        .unwrap();
        p.display().to_string()
    };
    // M* = [[1, 1/4], [1/4, 1/2]] has λ_min = (3 − √2)/4 ≈ 0.396 > 0.2.
    let (code, c, text) = certify_path(&inst("mstar.csv", "ok.toml"), &[]);
    assert_eq!(code, 0, "{text}");
    let (lo, hi) = encl(&c, "S3.constant");
    assert!(lo <= 1.25f64.sqrt() && 1.25f64.sqrt() <= hi);
    assert!(check_text(&text).unwrap().valid());
    let (code, _, err) = gdcert(&[
        "certify",
        "bradley-terry-metric",
        "--instance",
        &inst("asym.csv", "bad.toml"),
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains("truth_file") && err.contains("symmetric"),
        "{err}"
    );
    let (code, _, err) = gdcert(&[
        "certify",
        "bradley-terry-metric",
        "--instance",
        &inst("missing.csv", "bad2.toml"),
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("missing.csv"), "{err}");
}

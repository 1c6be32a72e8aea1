//! Paper 4 (`newton-ntk`): the instances D1, D2, D3 and the failing instance without bias with the
//! numbers of `theorems.md` (Paper 4, (d)), an independent eigen-decomposition of the Gram matrix,
//! acos in every arithmetic, bad input, and the kernel against mutated certificates.
//!
//! Expected numbers come from `theorems.md` / `oracles/p4_ntk.py` and from independent
//! computations here (a dense Gram matrix and nalgebra's symmetric eigensolver; MPFR at 1024 bits),
//! not from the code under test.

use gdcert::arith::exact::{q_from_f64, q_to_f64};
use gdcert::arith::{Elementary, Enclosure, Interval, MpfrInterval, RatInterval};
use gdcert::certificate::{Certificate, Verdict};
use gdcert::kernel::check_text;
use proptest::prelude::*;
use serde_json::Value;

mod common;
use common::{certify_json, encl, gdcert, verdict};

const DIR: &str = "certificates/instances/newton-ntk";

/// The enclosure of `id` lies inside `[lo, hi]`.
fn assert_inside(c: &Certificate, id: &str, lo: f64, hi: f64) {
    let (a, b) = encl(c, id);
    assert!(lo <= a && b <= hi, "{id}: [{a}, {b}] not in [{lo}, {hi}]");
}

/// theorems.md, Paper 4 (d): κ_0..κ_8 of D1 to the printed digits.
const D1_KAPPA: [f64; 9] = [
    8.2805, 3.2136, 0.40636, 0.091214, 0.051303, 0.034660, 0.027286, 0.023870, 0.022866,
];

/// The ReLU NTK of unit vectors, in binary64 (an independent transcription of theorems.md).
fn theta_f64(u: f64) -> f64 {
    let phi = u.clamp(-1.0, 1.0).acos();
    (phi.sin() + 2.0 * (std::f64::consts::PI - phi) * phi.cos()) / (2.0 * std::f64::consts::PI)
}

/// The eigenvalues of the dense 16×16 Gram matrix of the circle points (no circulant structure used).
fn dense_gram_eigenvalues(bias: bool) -> Vec<f64> {
    let m = 16;
    let pts: Vec<Vec<f64>> = (0..m)
        .map(|j| {
            let t = 2.0 * std::f64::consts::PI * j as f64 / m as f64;
            if bias {
                let s = std::f64::consts::FRAC_1_SQRT_2;
                vec![t.cos() * s, t.sin() * s, s]
            } else {
                vec![t.cos(), t.sin()]
            }
        })
        .collect();
    let g = nalgebra::DMatrix::from_fn(m, m, |i, j| {
        theta_f64(pts[i].iter().zip(&pts[j]).map(|(a, b)| a * b).sum())
    });
    let mut ev: Vec<f64> = g.symmetric_eigen().eigenvalues.iter().copied().collect();
    ev.sort_by(|a, b| a.total_cmp(b));
    ev
}

fn certify(file: &str, sets: &[&str]) -> (i32, Certificate, String) {
    certify_json("newton-ntk", Some(&format!("{DIR}/{file}")), sets)
}

#[test]
fn d1_gives_the_theorems_md_numbers() {
    let (code, c, text) = certify("d1.toml", &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(c.verdict, Verdict::Certified);
    assert_inside(&c, "N1.kappa.0", 8.2804, 8.2806);
    for (k, v) in D1_KAPPA.iter().enumerate() {
        let tol = 5e-5 * v.max(0.1);
        assert_inside(&c, &format!("N1.kappa.{k}"), v - tol, v + tol);
    }
    assert_inside(&c, "N1.nntk_min", 0.9580, 0.9582);
    assert_inside(&c, "N1.nntk_max", 0.99987, 0.99989);
    assert_inside(&c, "N1.newton_rate", 0.04185, 0.04195);
    assert_inside(&c, "N2.gd_rate", 0.994485, 0.994495);
    // ln 0.0419 / ln 0.99449 = 574.
    assert_inside(&c, "N2.steps_ratio", 573.5, 575.5);
    assert_eq!(verdict(&c, "N1.kappa_min"), Verdict::Certified);
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn d1_eigenvalues_agree_with_a_dense_eigensolver() {
    let (_, c, _) = certify("d1.toml", &[]);
    let dense = dense_gram_eigenvalues(true);
    // Every κ_k (with its multiplicity) is an eigenvalue of the dense matrix, to rounding.
    let mut from_cert = vec![];
    for k in 0..=8 {
        let (lo, hi) = encl(&c, &format!("N1.kappa.{k}"));
        let mult = if k == 0 || k == 8 { 1 } else { 2 };
        from_cert.extend(std::iter::repeat_n((lo, hi), mult));
    }
    from_cert.sort_by(|a, b| a.0.total_cmp(&b.0));
    for ((lo, hi), d) in from_cert.iter().zip(&dense) {
        assert!(lo - 1e-12 <= *d && *d <= hi + 1e-12, "[{lo}, {hi}] vs {d}");
    }
}

#[test]
fn d2_gives_the_theorems_md_numbers() {
    let (code, c, _) = certify("d2.toml", &[]);
    assert_eq!(code, 0);
    assert_inside(&c, "N1.nntk_min", 0.69565, 0.69575);
    assert_inside(&c, "N1.newton_rate", 0.30425, 0.30435);
}

#[test]
fn without_bias_odd_frequencies_vanish_exactly_and_the_hypothesis_fails() {
    let (code, c, text) = certify("fail-no-bias.toml", &[]);
    assert_eq!(code, 2, "{text}");
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(verdict(&c, "N1.kappa_min"), Verdict::ConditionNotMet);
    for k in [3, 5, 7] {
        let cl = c.claim(&format!("N1.kappa.{k}")).unwrap();
        assert_eq!(cl.arithmetic, "exact");
        assert_eq!(encl(&c, &cl.id), (0.0, 0.0));
    }
    // The dense binary64 eigensolver sees six eigenvalues near 0 (k = 3, 5, 7, twice each; binary64
    // acos near 1 limits them to about 1e-9) and ten above 0.06: the exact zeros are those.
    let dense = dense_gram_eigenvalues(false);
    assert!(dense[..6].iter().all(|v| v.abs() < 1e-8), "{dense:?}");
    assert!(dense[6] > 0.06);
    for k in [0, 1, 2, 4, 6, 8] {
        assert!(encl(&c, &format!("N1.kappa.{k}")).0 > 0.06);
    }
    // At 1024 bits the same sums are below 1e-100 in magnitude (sqrt(1 − u²) near u = −1 costs half
    // the bits): consistent with the exact zeros.
    let unit = MpfrInterval::unit(1024);
    let row = gdcert::spec::newton_ntk::circle_row(&unit, 16, false);
    for k in [3, 5, 7] {
        let v = gdcert::spec::newton_ntk::circulant_eigenvalue(&row, k);
        assert!(v.width_f64() < 1e-100 && v.mid_f64().abs() < 1e-100);
    }
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn other_circle_sizes_without_bias() {
    // M = 12: odd frequencies k >= 3 (k = 3, 5) vanish, k = 1 does not (Bietti–Mairal).
    let zero: Vec<usize> = (0..=6)
        .filter(|&k| gdcert::spec::newton_ntk::kappa_vanishes_no_bias(12, k))
        .collect();
    assert_eq!(zero, vec![3, 5]);
    // With the bias coordinate nothing vanishes, and D1 at M = 8 certifies.
    let (code, _, _) = certify("d1.toml", &["points=8"]);
    assert_eq!(code, 0);
}

#[test]
fn d3_regularised_hessian_is_indefinite_at_width_8() {
    let (code, c, text) = certify("d3.toml", &[]);
    assert_eq!(code, 1, "{text}");
    // θ_0: the Hessian of the loss has eigenvalues far below −λ = −0.01 (independently: nalgebra
    // on the binary64 Hessian at the recorded point).
    let cl = c.claim("N3.step.0").unwrap();
    assert_eq!(cl.verdict, Verdict::Violated);
    let gdcert::certificate::Witness::PointHessian { point, .. } = &cl.witness else {
        panic!("no point")
    };
    let th: Vec<f64> = point
        .iter()
        .map(|s| q_to_f64(&gdcert::arith::parse_q(s).unwrap()))
        .collect();
    let net = gdcert::spec::newton_ntk::CircleNet::new(8, 8, true, 1);
    let n = net.dim();
    let l = net.value(&gdcert::arith::SecondOrder::seed(&th));
    let h = nalgebra::DMatrix::from_row_slice(n, n, &l.hessian(n));
    let negative = h
        .symmetric_eigen()
        .eigenvalues
        .iter()
        .filter(|v| **v < -0.01)
        .count();
    assert_eq!(
        q_to_f64(&cl.enclosure.as_ref().unwrap().parse().unwrap().0),
        negative as f64
    );
    assert!(negative > 0);
    assert!(check_text(&text).expect("parses").valid());
    // With λ = 10 every step is positive definite.
    let (code, c, text) = certify("d3-lambda10.toml", &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(c.claims.len(), 21);
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn points_file_agrees_with_the_circle() {
    let (code, c, text) = certify("file-circle16.toml", &[]);
    assert_eq!(code, 0, "{text}");
    assert_inside(&c, "N1.kappa_min", 0.02286, 0.02287);
    assert_inside(&c, "N1.kappa_max", 8.2804, 8.2806);
    assert_inside(&c, "N1.nntk_min", 0.9580, 0.9582);
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn bad_input_exits_65_and_names_the_key() {
    for (set, key) in [
        ("alpha=2", "alpha"),
        ("lambda=0", "lambda"),
        ("bias=maybe", "bias"),
        ("points=1", "points"),
        ("points.file=no-such-file.csv", "points.file"),
    ] {
        let (code, _, err) = gdcert(&[
            "certify",
            "newton-ntk",
            "--instance",
            &format!("{DIR}/d1.toml"),
            "--set",
            set,
        ]);
        assert_eq!(code, 65, "{set}: {err}");
        assert!(err.contains(key), "{set}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let dir = std::env::temp_dir().join("gdcert-newton-ntk-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("zero.csv");
    std::fs::write(&csv, "1,0\n0,0\n").unwrap();
    let (code, _, err) = gdcert(&[
        "certify",
        "newton-ntk",
        "--set",
        &format!("points.file={}", csv.display()),
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("points.file") && err.contains("zero"), "{err}");
}

fn reseal(v: &Value) -> String {
    let mut c: Certificate = serde_json::from_value(v.clone()).expect("still a certificate");
    c.digest = c.compute_digest();
    serde_json::to_string(&c).unwrap()
}

fn claim_mut<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    v["claims"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id}"))
}

fn rejected(v: &Value) -> bool {
    !check_text(&reseal(v)).expect("parses").valid()
}

#[test]
fn kernel_rejects_mutated_certificates() {
    let (_, _, text) = certify("d1.toml", &[]);
    let base: Value = serde_json::from_str(&text).unwrap();
    assert!(!rejected(&base));
    // A κ enclosure that misses the true value.
    let mut v = base.clone();
    claim_mut(&mut v, "N1.kappa.3")["enclosure"] =
        serde_json::json!({"lo": "0.0912", "hi": "0.09121"});
    assert!(rejected(&v));
    // The hypothesis verdict flipped.
    let mut v = base.clone();
    claim_mut(&mut v, "N1.kappa_min")["verdict"] = "CONDITION_NOT_MET".into();
    v["verdict"] = "CONDITION_NOT_MET".into();
    assert!(rejected(&v));
    // A Newton rate narrower than the kernel's recomputation.
    let mut v = base.clone();
    claim_mut(&mut v, "N1.newton_rate")["enclosure"] =
        serde_json::json!({"lo": "0.0419", "hi": "0.04190001"});
    assert!(rejected(&v));
    // A different λ changes the NNTK: the recorded enclosures no longer hold.
    let mut v = base.clone();
    v["instance"]["params"]["lambda"] = "0.01".into();
    assert!(rejected(&v));
    // A missing claim.
    let mut v = base.clone();
    v["claims"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["id"] != "N2.gd_rate");
    assert!(rejected(&v));

    // Without bias: an exact zero claimed where κ is not zero, and the hypothesis claimed true.
    let (_, _, text) = certify("fail-no-bias.toml", &[]);
    let base: Value = serde_json::from_str(&text).unwrap();
    assert!(!rejected(&base));
    let mut v = base.clone();
    let z = claim_mut(&mut v, "N1.kappa.3").clone();
    let mut fake = z.clone();
    fake["id"] = "N1.kappa.4".into();
    *claim_mut(&mut v, "N1.kappa.4") = fake;
    assert!(rejected(&v));
    let mut v = base.clone();
    claim_mut(&mut v, "N1.kappa_min")["verdict"] = "CERTIFIED".into();
    v["verdict"] = "CERTIFIED".into();
    assert!(rejected(&v));

    // N3: a different point, or a count of negative eigenvalues changed.
    let (_, _, text) = certify("d3-lambda10.toml", &["newton_steps=2"]);
    let base: Value = serde_json::from_str(&text).unwrap();
    assert!(!rejected(&base));
    let mut v = base.clone();
    // With λ = 1/100 the recorded congruences no longer show a positive definite matrix.
    v["instance"]["params"]["lambda"] = "0.01".into();
    assert!(rejected(&v));
    let mut v = base.clone();
    claim_mut(&mut v, "N3.step.1")["witness"]["congruence"]["factor"][1] = "0.5".into();
    assert!(rejected(&v));
    let (_, _, text) = certify("d3.toml", &["newton_steps=1"]);
    let base: Value = serde_json::from_str(&text).unwrap();
    assert!(!rejected(&base));
    let mut v = base.clone();
    let c = claim_mut(&mut v, "N3.step.0");
    c["verdict"] = "CERTIFIED".into();
    c["enclosure"] = serde_json::json!({"lo": "0", "hi": "0"});
    v["verdict"] = "VIOLATED".into();
    assert!(rejected(&v));
}

#[test]
fn width_audit_is_not_a_claim_of_certify() {
    // N4 runs as `gdcert audit newton-ntk` (tests/audit.rs); `certify` refuses it as a claim group.
    let (code, _, err) = gdcert(&[
        "certify",
        "newton-ntk",
        "--instance",
        &format!("{DIR}/d1.toml"),
        "--set",
        "claims=N1,N4",
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("claims"), "{err}");
    // An old certificate with an `audit` witness is malformed for the kernel (exit 65).
    let dir = std::env::temp_dir().join(format!("gdcert-ntk-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string("certificates/newton-ntk/d1.json").unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let mut c = claim_mut(&mut v, "N1.kappa_max").clone();
    c["id"] = "N4.width_slope".into();
    c["verdict"] = "AUDIT_PASS".into();
    c["arithmetic"] = "f64".into();
    c["witness"] = serde_json::json!({"kind": "audit", "seed": "7", "runs": 16, "burn_in": 0,
        "steps": 50, "resamples": 2000, "converged": 16, "estimate": "0.1", "confidence": "0.95"});
    v["claims"].as_array_mut().unwrap().push(c);
    let file = dir.join("old-audit.json");
    std::fs::write(&file, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (code, out, err) = gdcert(&["check", file.to_str().unwrap()]);
    assert_eq!(code, 65, "{out}{err}");
}

#[test]
fn committed_certificates_are_current() {
    for f in [
        "d1",
        "d2",
        "d3",
        "d3-lambda10",
        "fail-no-bias",
        "file-circle16",
    ] {
        let (_, _, text) = certify(&format!("{f}.toml"), &[]);
        let path = format!("certificates/newton-ntk/{f}.json");
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path} is missing"));
        assert!(
            committed == text,
            "{path} is stale: run certificates/regenerate.sh"
        );
    }
}

// ---- acos in every arithmetic, against MPFR at 1024 bits.

fn reference_acos(x: f64) -> rug::Float {
    rug::Float::with_val(1024, x).acos()
}

fn contains(bounds: Option<(gdcert::arith::Q, gdcert::arith::Q)>, r: &rug::Float) -> bool {
    let Some((lo, hi)) = bounds else { return false };
    let r = gdcert::arith::exact::q_from_float(r).unwrap();
    lo <= r && r <= hi
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn acos_encloses_the_1024_bit_value(x in -1.0f64..=1.0) {
        let r = reference_acos(x);
        let q = q_from_f64(x).unwrap();
        let i = Interval::try_from((x, x)).unwrap();
        let a = Elementary::acos(&i);
        prop_assert!(contains(a.bounds(), &r) && a.wid() < 1e-12);
        let m = Elementary::acos(&MpfrInterval::from_q(128, &q, &q));
        prop_assert!(contains(m.bounds(), &r) && m.width_f64() < 1e-30);
        let z = Elementary::acos(&RatInterval::point(q, 64));
        prop_assert!(contains(z.bounds(), &r));
        if x.abs() < 0.999 {
            prop_assert!(z.width_f64() < 1e-15);
        }
    }
}

#[test]
fn acos_edge_cases() {
    let pi_q =
        gdcert::arith::exact::q_from_float(&rug::Float::with_val(1024, rug::float::Constant::Pi))
            .unwrap();
    use gdcert::arith::{q_frac, q_int};
    for (x, want) in [
        (1.0, q_int(0)),
        (0.0, q_frac(1, 2)),
        (-1.0, q_int(1)),
        (0.5, q_frac(1, 3)),
    ] {
        let q = q_from_f64(x).unwrap();
        let r = RatInterval::point(q.clone(), 100);
        let (lo, hi) = Elementary::acos(&r).bounds().unwrap();
        let exact = pi_q.clone() * want;
        let tol = q_frac(1, 10i64.pow(18)) * q_frac(1, 10i64.pow(18));
        assert!(
            lo <= exact.clone() + &tol && exact - &tol <= hi,
            "acos({x})"
        );
        assert!(q_to_f64(&(hi - lo)) < 1e-25, "acos({x}) width");
    }
    // Outside [−1, 1] every enclosing type bounds nothing.
    let out = 1.0 + f64::EPSILON;
    assert!(Elementary::acos(&Interval::try_from((out, out)).unwrap())
        .bounds()
        .is_none());
    let q = q_from_f64(out).unwrap();
    assert!(Elementary::acos(&MpfrInterval::from_q(64, &q, &q))
        .bounds()
        .is_none());
    assert!(Elementary::acos(&RatInterval::point(q, 64))
        .bounds()
        .is_none());
    // The derivative of acos (forward mode) at 1/2 is −2/√3.
    let d =
        gdcert::arith::dual::Dual::<Interval, 1>::var(Interval::try_from((0.5, 0.5)).unwrap(), 0);
    let g = Elementary::acos(&d).d[0];
    let want = -2.0 / 3f64.sqrt();
    assert!(g.inf() <= want + 1e-15 && want - 1e-15 <= g.sup());
}

#[test]
fn acos_taylor_coefficients_and_second_derivative() {
    // acos t = π/2 − t − t³/6 − 3t⁵/40 − …
    let j = gdcert::arith::jet::Jet::var(Interval::try_from((0.0, 0.0)).unwrap(), 5);
    let h = Elementary::acos(&j);
    let want = [
        std::f64::consts::FRAC_PI_2,
        -1.0,
        0.0,
        -1.0 / 6.0,
        0.0,
        -3.0 / 40.0,
    ];
    for (c, w) in h.c.iter().zip(want) {
        assert!(c.inf() <= w + 1e-15 && w - 1e-15 <= c.sup(), "{c:?} vs {w}");
    }
    // (acos)'' at 1/2 is −x(1 − x²)^{-3/2} = −(1/2)(3/4)^{-3/2} = −4/(3√3).
    let x = [Interval::try_from((0.5, 0.5)).unwrap()];
    let s = gdcert::arith::SecondOrder::seed(&x);
    let h = Elementary::acos(&s[0]).hessian(1)[0];
    let want = -4.0 / (3.0 * 3f64.sqrt());
    assert!(h.inf() <= want + 1e-14 && want - 1e-14 <= h.sup(), "{h:?}");
}

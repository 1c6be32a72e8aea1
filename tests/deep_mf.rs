//! Paper 1 (`deep-matrix-factorization`): the shipped instances give the verdicts and numbers of
//! theorems.md (Paper 1 (d)), their certificates pass the kernel and are current, the failing
//! instances are never CERTIFIED, bad input exits 65, and mutated certificates are rejected.
//! Reference values are computed here independently: the exact windows by plain MPFR iteration of
//! `w ← w − ηw^{N−1}(w^N − λ)` at 256 bits, the N = 2 gradient-flow time by its closed form.

use gdcert::arith::{parse_q, Q};
use gdcert::certificate::{Certificate, Encl, Verdict, Witness};
use gdcert::methods::escalation::ArithChoice;
use gdcert::theorems::{self, instance, RunOptions};
use rug::Float;
use std::process::Command;

const TH: &str = "deep-matrix-factorization";
const DIR: &str = "certificates/instances/deep-matrix-factorization";
const BIN: &str = env!("CARGO_BIN_EXE_gdcert");

fn run(file: &str, sets: &[&str]) -> (Certificate, String) {
    let th = theorems::find(TH).unwrap();
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

fn q(s: &str) -> Q {
    parse_q(s).unwrap()
}

fn encl(c: &Certificate, id: &str) -> (Q, Q) {
    c.claim(id)
        .unwrap_or_else(|| panic!("claim {id} missing"))
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

fn integer(c: &Certificate, id: &str) -> i64 {
    let (lo, hi) = encl(c, id);
    assert_eq!(lo, hi, "{id}");
    lo.to_integer().try_into().unwrap()
}

fn step(c: &Certificate, id: &str) -> usize {
    match &c.claim(id).unwrap().witness {
        Witness::Uses { step: Some(k), .. } => *k,
        w => panic!("{id}: {w:?}"),
    }
}

fn kernel_ok(cert: &Certificate) -> gdcert::kernel::Report {
    gdcert::kernel::check(cert).unwrap_or_else(|m| panic!("malformed: {}", m.0))
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

/// The first k with `x_k ≥ t` (or `> t` when `strict`), iterating in MPFR at 256 bits.
fn first_crossing(
    depth: u32,
    alpha: &str,
    eta: &str,
    lambda: &str,
    t: &str,
    strict: bool,
) -> usize {
    let f = |s: &str| Float::with_val(256, gdcert::arith::exact::rug_from_q(&q(s)));
    let (eta, lam, t) = (f(eta), f(lambda), f(t));
    let mut w = f(alpha);
    for k in 0..1_000_000 {
        let x = Float::with_val(256, w.clone().pow_u(depth));
        if (strict && x > t) || (!strict && x >= t) {
            return k;
        }
        let p = Float::with_val(256, w.clone().pow_u(depth - 1));
        let upd = Float::with_val(256, &eta * &p) * Float::with_val(256, x - &lam);
        w -= upd;
    }
    panic!("no crossing");
}

trait PowU {
    fn pow_u(self, n: u32) -> Float;
}
impl PowU for Float {
    fn pow_u(self, n: u32) -> Float {
        use rug::ops::Pow;
        self.pow(n)
    }
}

/// theorems.md's H1 value ηNΛ^(2−2/N) from the certified exact value of its N-th power.
fn h1_value(c: &Certificate, depth: u32) -> f64 {
    let (v, _) = encl(c, "H1.step");
    gdcert::arith::exact::q_to_f64(&v).powf(1.0 / depth as f64)
}

/// Checks an instance against the table row: H1 value, exact window, analytic window.
fn table_row(
    file: &str,
    depth: u32,
    h1: f64,
    exact: (usize, usize),
    analytic: (i64, i64),
) -> Certificate {
    let (c, text) = run(file, &[]);
    assert!(
        (h1_value(&c, depth) - h1).abs() < 6e-4,
        "{file}: H1 {}",
        h1_value(&c, depth)
    );
    assert_eq!(step(&c, "C2.hit"), exact.0, "{file}: exact hitting step");
    assert_eq!(step(&c, "C2.escape"), exact.1, "{file}: exact escape step");
    assert_eq!(step(&c, "C2.hit_first") + 1, exact.0);
    assert_eq!(step(&c, "C2.escape_first"), exact.1 + 1);
    assert_eq!(integer(&c, "H3.K_hit"), analytic.0, "{file}: K_hit");
    assert_eq!(integer(&c, "H3.K_esc"), analytic.1, "{file}: K_esc");
    assert_eq!(verdict(&c, "C2.exact_window"), Verdict::Certified);
    kernel_accepts(&text);
    c
}

#[test]
fn i1_default_window() {
    let c = table_row("i1.toml", 3, 0.952, (102, 545), (127, 545));
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(encl(&c, "C2.window"), (q("127"), q("545")));
    // Independent reference: the exact window of the extreme eigenvalues λ_r = 2, λ_(r+1) = 0.2.
    assert_eq!(first_crossing(3, "0.1", "0.05", "2", "1.8", false), 102);
    assert_eq!(first_crossing(3, "0.1", "0.05", "0.2", "0.01", true), 546);
    for id in ["R.factors_equal", "R.reduction"] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
        assert!(encl(&c, id).1 <= q("1e-20"));
    }
    // C3: the limits are the eigenvalues themselves (E = 0).
    assert_eq!(encl(&c, "C3.limit.1"), (q("4"), q("4")));
    // C4 holds on the tracked orbit at its own bound.
    assert_eq!(verdict(&c, "C4.observed"), Verdict::Certified);
}

#[test]
fn i2_i3_worst_case_perturbation() {
    let c = table_row("i2.toml", 3, 0.968, (104, 435), (129, 434));
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(
        first_crossing(3, "0.1", "0.05", "1.95", "1.755", false),
        104
    );
    assert_eq!(first_crossing(3, "0.1", "0.05", "0.25", "0.01", true), 436);
    let c = table_row("i3.toml", 2, 0.405, (88, 372), (94, 370));
    assert_eq!(c.verdict, Verdict::Certified);
    // N = 2: T_GF = ln[x1(λ − x0)/(x0(λ − x1))]/(2λ) with λ = 1.95, x0 = 1e-6, x1 = 0.9λ.
    let (lam, x0) = (1.95f64, 1e-6f64);
    let x1 = 0.9 * lam;
    let t = (x1 * (lam - x0) / (x0 * (lam - x1))).ln() / (2.0 * lam);
    let (lo, hi) = encl(&c, "H3.T_hit");
    let (lo, hi) = (
        gdcert::arith::exact::q_to_f64(&lo),
        gdcert::arith::exact::q_to_f64(&hi),
    );
    assert!(lo <= t + 1e-9 && t - 1e-9 <= hi, "{lo} {hi} {t}");
    // Weyl: C3 limits within e of the eigenvalues.
    assert_eq!(encl(&c, "C3.limit.2"), (q("1.95"), q("2.05")));
}

#[test]
fn i4_long_window() {
    let c = table_row("i4.toml", 4, 0.320, (2516, 22616), (2733, 22614));
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(first_crossing(4, "0.1", "0.01", "2", "1.8", false), 2516);
}

#[test]
fn failing_instances_are_condition_not_met() {
    // F1: hit time 102 > escape time 72 (the last step with x ≤ δ, as the windows of the table).
    let (c, text) = run("f1.toml", &[]);
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(verdict(&c, "H3.window"), Verdict::ConditionNotMet);
    assert_eq!(step(&c, "C2.escape"), 72);
    assert_eq!(first_crossing(3, "0.1", "0.05", "1.5", "0.01", true), 73);
    assert_eq!(step(&c, "C2.hit"), 102);
    assert!(c.claim("C2.window").is_none());
    kernel_accepts(&text);
    // F2: H1 fails, ηN(λ_1 + e)^(4/3) = 1.148.
    let (c, text) = run("f2.toml", &[]);
    assert_eq!(verdict(&c, "H1.step"), Verdict::ConditionNotMet);
    assert!((h1_value(&c, 3) - 1.148).abs() < 6e-4);
    kernel_accepts(&text);
    // F3: the exact window [146, 145] is empty.
    let (c, text) = run("f3.toml", &[]);
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(step(&c, "C2.hit"), 146);
    assert_eq!(step(&c, "C2.escape"), 145);
    kernel_accepts(&text);
    assert!(c.claims.iter().all(|x| x.verdict != Verdict::Violated));
}

#[test]
fn concrete_perturbations_seed_and_file() {
    let (c, text) = run("s1.toml", &[]);
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(verdict(&c, "E.norm"), Verdict::Certified);
    assert!(c.instance.matrices.contains_key("E"));
    assert_eq!(encl(&c, "C2.window"), (q("129"), q("434")));
    kernel_accepts(&text);
    let (c, text) = run("e1.toml", &[]);
    assert_eq!(c.verdict, Verdict::Certified);
    // ‖E‖₂ of the shipped file is 0.033253… (numpy); e is it rounded up to 6 digits.
    assert_eq!(encl(&c, "E.norm"), (q("0.0332533"), q("0.0332533")));
    kernel_accepts(&text);
    // A norm below ‖E‖₂ is a failed hypothesis.
    let (c, text) = run("e1.toml", &["perturbation.norm=0.03"]);
    assert_eq!(verdict(&c, "E.norm"), Verdict::ConditionNotMet);
    kernel_accepts(&text);
}

#[test]
fn cli_default_and_failing_spectrum() {
    let out = Command::new(BIN).args(["certify", TH]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{s}");
    assert!(s.contains("C2.window") && s.contains("[127, 545]"), "{s}");
    for extra in [
        &["--set", "spectrum=4,2,1.5,0.05"][..],
        &[
            "--instance",
            "certificates/instances/deep-matrix-factorization/f2.toml",
        ],
        &[
            "--instance",
            "certificates/instances/deep-matrix-factorization/f3.toml",
        ],
    ] {
        let out = Command::new(BIN)
            .args(["certify", TH])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
    }
}

#[test]
fn bad_input_exits_65_naming_file_and_key() {
    let cases: [(&[&str], &str); 7] = [
        (&["--set", "spectrum=1,2,0.5"], "spectrum"),
        (&["--set", "alpha=0"], "alpha"),
        (&["--set", "alpha=-1/2"], "alpha"),
        (&["--set", "r=5"], "`r`"),
        (&["--set", "theta=1"], "theta"),
        (&["--set", "perturbation.seed=3"], "perturbation.norm"),
        (&["--set", "matrix_steps=10000"], "matrix_steps"),
    ];
    for (args, key) in cases {
        let out = Command::new(BIN)
            .args(["certify", TH])
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(65), "{args:?}: {err}");
        assert!(err.contains(key), "{args:?}: {err}");
    }
    let dir = std::env::temp_dir().join("gdcert_deep_mf_bad");
    std::fs::create_dir_all(&dir).unwrap();
    let inst = dir.join("missing.toml");
    std::fs::write(
        &inst,
        "N = 3\nalpha = 0.1\neta = 0.05\nspectrum = [4, 2, 0.2, 0.05]\nr = 2\ntheta = 0.9\ndelta = 0.01\nperturbation.file = \"nowhere.csv\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["certify", TH, "--instance"])
        .arg(&inst)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{err}");
    assert!(
        err.contains("missing.toml")
            && err.contains("perturbation.file")
            && err.contains("nowhere.csv"),
        "{err}"
    );
    // A perturbation of the wrong size, and one that is not symmetric.
    for (csv, want) in [
        ("1,2\n2,1\n", "expected 4x4"),
        ("0,1,0,0\n0,0,0,0\n0,0,0,0\n0,0,0,0\n", "symmetric"),
    ] {
        let f = dir.join("e.csv");
        std::fs::write(&f, csv).unwrap();
        let out = Command::new(BIN)
            .args(["certify", TH, "--set"])
            .arg(format!("perturbation.file={}", f.display()))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(65), "{err}");
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn other_instances_are_decided_or_undecided_never_wrong() {
    // A larger spectrum, depth 5, negative eigenvalues, r = n.
    for sets in [
        &[
            "spectrum=5,4.5,4,1,0.5,0.3,0.2,0.1,0.05,0.01",
            "r=3",
            "eta=0.01",
        ][..],
        &["N=5", "eta=0.02"],
        &["spectrum=3,2,-0.5,-3"],
        &["r=4", "spectrum=4,2,1,0.5"],
    ] {
        let (c, text) = run("i1.toml", sets);
        assert!(
            c.claims.iter().all(|x| x.verdict != Verdict::Violated),
            "{sets:?}"
        );
        kernel_accepts(&text);
    }
}

#[test]
fn committed_certificates_are_current_and_valid() {
    for f in ["i1", "i2", "i3", "i4", "f1", "f2", "f3", "s1", "e1"] {
        let (_, text) = run(&format!("{f}.toml"), &[]);
        let committed = std::fs::read_to_string(format!("certificates/{TH}/{f}.json")).unwrap();
        assert!(text == committed, "certificates/{TH}/{f}.json is stale");
    }
    let out = Command::new(BIN)
        .args(["check", &format!("certificates/{TH}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

// ------------------------------------------------------------------------------------------------
// Kernel mutations: each change below must make the changed claim's check fail.

fn rejected(cert: &Certificate, id: &str) {
    let sealed = cert.clone().seal().0;
    let r = kernel_ok(&sealed);
    let c = r.claims.iter().find(|c| c.id == id).unwrap();
    assert!(!c.ok, "mutation of {id} accepted: {}", c.reason);
}

fn set_encl(cert: &mut Certificate, id: &str, lo: &str, hi: &str) {
    let c = cert.claims.iter_mut().find(|c| c.id == id).unwrap();
    c.enclosure = Some(Encl {
        lo: lo.into(),
        hi: hi.into(),
    });
}

#[test]
fn kernel_rejects_mutated_witnesses() {
    let (base, _) = run("i1.toml", &[]);
    assert!(kernel_ok(&base).valid());
    // A hitting bound below the certified c·T_GF/η.
    let mut c = base.clone();
    set_encl(&mut c, "H3.K_hit", "120", "120");
    rejected(&c, "H3.K_hit");
    // An escape bound above T_GF/η.
    let mut c = base.clone();
    set_encl(&mut c, "H3.K_esc", "546", "546");
    rejected(&c, "H3.K_esc");
    // The hitting step moved one step earlier: x(101) < θλ⁻.
    let mut c = base.clone();
    for cl in c.claims.iter_mut().filter(|x| x.id == "C2.hit") {
        cl.witness = Witness::Uses {
            claim: "O.lower".into(),
            step: Some(101),
        };
    }
    rejected(&c, "C2.hit");
    // The last quadrature breakpoint below (θλ⁻)^(1/N).
    let mut c = base.clone();
    for cl in c.claims.iter_mut().filter(|x| x.id == "H3.T_hit") {
        if let Witness::Quadrature { breakpoints, .. } = &mut cl.witness {
            let n = breakpoints.len();
            breakpoints[n - 1] = "1.2".into();
        }
    }
    rejected(&c, "H3.T_hit");
    // A verdict flipped.
    let mut c = base.clone();
    for cl in c.claims.iter_mut().filter(|x| x.id == "H3.window") {
        cl.verdict = Verdict::ConditionNotMet;
    }
    rejected(&c, "H3.window");
    // An enclosure of the Lemma R deviation that misses the recomputed one.
    let mut c = base.clone();
    set_encl(&mut c, "R.reduction", "0", "1e-80");
    rejected(&c, "R.reduction");
    // The orbit enclosure moved.
    let mut c = base.clone();
    set_encl(&mut c, "O.upper", "0.0100047", "0.0100048");
    rejected(&c, "O.upper");
    // A C4 bound too small.
    let mut c = base.clone();
    set_encl(&mut c, "C4.bound.2", "100", "100");
    rejected(&c, "C4.bound.2");
    // A window that is not [K_hit, K_esc].
    let mut c = base.clone();
    set_encl(&mut c, "C2.window", "100", "545");
    rejected(&c, "C2.window");
    // A claim the theorem does not state for this instance, and a missing one.
    let mut c = base.clone();
    let mut extra = c.claim("C3.limit.1").unwrap().clone();
    extra.id = "C3.limit.3".into();
    c.claims.push(extra);
    rejected(&c, "C3.limit.3");
    let mut c = base.clone();
    c.claims.retain(|x| x.id != "C2.escape_first");
    let r = kernel_ok(&c.seal().0);
    assert!(!r.valid());
    // A perturbation entry changed: ‖E‖₂ ≤ e fails. (R.reduction stays true: the iterate
    // commutes with any symmetric target, and the kernel recomputes it on the new matrix.)
    let (base, _) = run("s1.toml", &[]);
    let mut c = base.clone();
    if let Some(m) = c.instance.matrices.get_mut("E") {
        m.entries[0] = "1".into();
    }
    rejected(&c, "E.norm");
}

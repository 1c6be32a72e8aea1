//! The command-line contract of `gdcert` (DESIGN.md, "Command line"): subcommands, exit codes, where
//! messages go, `--out` safety and determinism. Every test runs the built binary in its own temporary
//! directory.

use gdcert::arith::{parse_q, Q};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BIN: &str = env!("CARGO_BIN_EXE_gdcert");
const TFT: &str = "two-factor-transformer";
const VERDICTS: [&str; 6] = [
    "CERTIFIED",
    "AUDIT_PASS",
    "UNDECIDED",
    "CONDITION_NOT_MET",
    "AUDIT_FAIL",
    "VIOLATED",
];

// ---------------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------------

/// A fresh directory under the system temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "gdcert-cli-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create the temporary directory");
        TempDir(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.join(name);
        std::fs::write(&p, text).expect("write a test file");
        p
    }
    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }
    fn read_json(&self, name: &str) -> Value {
        serde_json::from_slice(&self.read(name))
            .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    args: Vec<String>,
}

impl Run {
    /// The full record, for assertion messages.
    fn show(&self) -> String {
        format!(
            "gdcert {}\n  exit: {:?}\n  --- stdout ---\n{}\n  --- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }
    fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "wrong exit code\n{}", self.show());
        self.no_panic()
    }
    fn no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked") && !self.stdout.contains("panicked"),
            "the binary panicked\n{}",
            self.show()
        );
        self
    }
    /// Lines of standard output that are claim lines: they start with a verdict.
    fn claim_lines(&self) -> Vec<(&str, &str)> {
        self.stdout
            .lines()
            .filter_map(|l| {
                let mut it = l.split_whitespace();
                let v = it.next()?;
                let id = it.next()?;
                VERDICTS.contains(&v).then_some((v, id))
            })
            .collect()
    }
}

fn gd(dir: &TempDir, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir.path())
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run the gdcert binary");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

/// Bad input data: exit 65, nothing on standard output, a message on standard error that contains
/// every string of `must_name`, and no panic.
fn expect_bad_input(dir: &TempDir, args: &[&str], must_name: &[&str]) -> Run {
    let r = gd(dir, args);
    r.expect_code(65);
    assert!(
        r.stdout.trim().is_empty(),
        "bad input must print nothing on stdout\n{}",
        r.show()
    );
    assert!(
        !r.stderr.trim().is_empty(),
        "no error message on stderr\n{}",
        r.show()
    );
    for s in must_name {
        assert!(
            r.stderr.contains(s),
            "stderr does not name {s:?}\n{}",
            r.show()
        );
    }
    r
}

/// A usage error: exit 64 with a message on standard error, nothing on standard output.
fn expect_usage(dir: &TempDir, args: &[&str], must_name: &[&str]) -> Run {
    let r = gd(dir, args);
    r.expect_code(64);
    assert!(
        r.stdout.trim().is_empty(),
        "a usage error must print nothing on stdout\n{}",
        r.show()
    );
    assert!(
        !r.stderr.trim().is_empty(),
        "no usage message on stderr\n{}",
        r.show()
    );
    for s in must_name {
        assert!(
            r.stderr.contains(s),
            "stderr does not name {s:?}\n{}",
            r.show()
        );
    }
    r
}

/// The form in which the CLI quotes a key in its messages.
fn key(k: &str) -> String {
    format!("`{k}`")
}

fn q(s: &str) -> Q {
    parse_q(s).unwrap_or_else(|e| panic!("`{s}` is not an exact number: {e}"))
}

fn claims(cert: &Value) -> &Vec<Value> {
    cert["claims"]
        .as_array()
        .expect("the certificate has a `claims` array")
}

fn claim<'a>(cert: &'a Value, id: &str) -> &'a Value {
    claims(cert)
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no claim `{id}` in the certificate"))
}

fn str_of<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"))
}

// ---------------------------------------------------------------------------------------------------
// list, help, usage errors
// ---------------------------------------------------------------------------------------------------

#[test]
fn list_names_the_theorem() {
    let d = TempDir::new("list");
    let r = gd(&d, &["list"]);
    r.expect_code(0);
    assert!(
        r.stdout.lines().any(|l| l.starts_with(TFT)),
        "no line starts with {TFT}\n{}",
        r.show()
    );
    assert!(r.stderr.is_empty(), "{}", r.show());
}

#[test]
fn help_exits_0_and_mentions_exit_codes() {
    let d = TempDir::new("help");
    for args in [&["--help"][..], &["certify", "--help"][..]] {
        let r = gd(&d, args);
        r.expect_code(0);
        let text = r.stdout.to_lowercase();
        assert!(
            text.contains("exit code"),
            "help does not mention the exit codes\n{}",
            r.show()
        );
        for code in ["64", "65"] {
            assert!(
                r.stdout.contains(code),
                "help does not mention exit code {code}\n{}",
                r.show()
            );
        }
    }
    gd(&d, &["check", "--help"]).expect_code(0);
    gd(&d, &["--version"]).expect_code(0);
}

#[test]
fn usage_errors_exit_64() {
    let d = TempDir::new("usage");
    expect_usage(&d, &["frobnicate"], &["frobnicate"]);
    expect_usage(&d, &[], &[]);
    expect_usage(&d, &["certify"], &[]);
    expect_usage(&d, &["check"], &[]);
    expect_usage(&d, &["certify", "no-such-theorem"], &["no-such-theorem"]);
    expect_usage(
        &d,
        &["certify", TFT, "--arith", "mpfr:abc"],
        &["--arith", "mpfr:abc"],
    );
    expect_usage(
        &d,
        &["certify", TFT, "--arith", "double"],
        &["--arith", "double"],
    );
    expect_usage(&d, &["certify", TFT, "--arith", "mpfr:1"], &["--arith"]);
    expect_usage(&d, &["certify", TFT, "--max-bits", "5"], &["--max-bits"]);
    expect_usage(&d, &["certify", TFT, "--max-bits", "many"], &["--max-bits"]);
    expect_usage(&d, &["certify", TFT, "--bogus-flag"], &["--bogus-flag"]);
    // A usage error is reported before any instance is read.
    expect_usage(
        &d,
        &[
            "certify",
            TFT,
            "--arith",
            "double",
            "--instance",
            "missing.toml",
        ],
        &["double"],
    );
    // A directory with no *.json file in it: nothing to check.
    std::fs::create_dir(d.join("empty")).unwrap();
    expect_usage(&d, &["check", "empty"], &[]);
}

// ---------------------------------------------------------------------------------------------------
// certify: verdicts and exit codes
// ---------------------------------------------------------------------------------------------------

#[test]
fn certify_default_instance_one_line_per_claim() {
    let d = TempDir::new("default");
    let r = gd(&d, &["certify", TFT, "--out", "c1.json"]);
    r.expect_code(0);
    assert!(r.stderr.is_empty(), "{}", r.show());
    let cert = d.read_json("c1.json");
    let lines = r.claim_lines();
    assert!(!lines.is_empty(), "{}", r.show());
    assert_eq!(
        lines.len(),
        claims(&cert).len(),
        "one stdout line per claim\n{}",
        r.show()
    );
    for c in claims(&cert) {
        let id = str_of(&c["id"], "claim id");
        let verdict = str_of(&c["verdict"], "claim verdict");
        assert_eq!(verdict, "CERTIFIED", "claim {id}");
        let hits: Vec<_> = lines.iter().filter(|(_, l)| *l == id).collect();
        assert_eq!(
            hits.len(),
            1,
            "claim {id} must have exactly one line\n{}",
            r.show()
        );
        assert_eq!(
            hits[0].0, verdict,
            "claim {id}: line verdict differs from the certificate"
        );
    }
    assert_eq!(cert["verdict"], "CERTIFIED");
}

#[test]
fn certify_condition_not_met_exits_2_and_keeps_escape() {
    let d = TempDir::new("notmet");
    let r = gd(&d, &["certify", TFT, "--set", "mu=11/5"]);
    r.expect_code(2);
    let lines = r.claim_lines();
    assert!(
        lines.contains(&("CERTIFIED", "T1.escape")),
        "no CERTIFIED T1.escape line\n{}",
        r.show()
    );
    assert!(
        lines.iter().any(|(v, _)| *v == "CONDITION_NOT_MET"),
        "{}",
        r.show()
    );
    assert!(!lines.iter().any(|(v, _)| *v == "VIOLATED"), "{}", r.show());
}

#[test]
fn certify_c2_and_check_it() {
    let d = TempDir::new("c2");
    gd(&d, &["certify", TFT, "--set", "mu=6/5", "--out", "c2.json"]).expect_code(0);
    let r = gd(&d, &["check", "c2.json"]);
    r.expect_code(0);
    assert!(r.stdout.contains("c2.json"), "{}", r.show());

    let cert = d.read_json("c2.json");
    assert_eq!(cert["format"], "gdcert/1");
    assert_eq!(cert["theorem"]["id"], TFT);

    // The Krawczyk box of the 2-cycle, with exact decimal endpoints, contains 0.731290 (x_- =
    // 0.73129020…, to 6 digits) and stays within 1e-5 of it. x_- is the root near 0.7313 of
    // μ²x⁴ − μ(1+μ)x² + 1 = (36x⁴ − 66x² + 25)/25 at μ = 6/5: the quartic changes sign across the box
    // and across the claim's enclosure, exactly.
    let cyc = claim(&cert, "T1.cycle2");
    assert_eq!(cyc["verdict"], "CERTIFIED");
    let w = &cyc["witness"];
    assert_eq!(w["kind"], "krawczyk", "{w}");
    let b = &w["box"][0];
    let (lo, hi) = (q(str_of(&b["lo"], "box lo")), q(str_of(&b["hi"], "box hi")));
    assert!(
        lo <= q("0.731290") && q("0.731290") <= hi,
        "the Krawczyk box {b} does not contain 0.731290"
    );
    assert!(
        q("0.73128") <= lo && hi <= q("0.73130"),
        "the Krawczyk box {b} is not within 1e-5 of 0.731290"
    );
    let p = |x: &Q| q("36") * x * x * x * x - q("66") * x * x + q("25");
    let zero = q("0");
    assert!(
        p(&lo) * p(&hi) <= zero,
        "the box {b} does not bracket the root of 36x⁴ − 66x² + 25"
    );
    let e = &cyc["enclosure"];
    let (elo, ehi) = (
        q(str_of(&e["lo"], "enclosure lo")),
        q(str_of(&e["hi"], "enclosure hi")),
    );
    assert!(
        lo <= elo && elo <= ehi && ehi <= hi,
        "the enclosure {e} is not inside the box {b}"
    );
    assert!(
        p(&elo) * p(&ehi) <= zero,
        "the enclosure {e} does not bracket the root of 36x⁴ − 66x² + 25"
    );

    // The multiplier 7 − 4μ − 2μ² = −0.68 (attracting).
    let m = claim(&cert, "T1.cycle2.multiplier");
    assert_eq!(m["verdict"], "CERTIFIED");
    let e = &m["enclosure"];
    let (lo, hi) = (
        q(str_of(&e["lo"], "multiplier lo")),
        q(str_of(&e["hi"], "multiplier hi")),
    );
    assert!(
        q("-0.681") <= lo && lo <= hi && hi <= q("-0.679"),
        "multiplier enclosure {e} not in [-0.681, -0.679]"
    );
    assert!(
        lo <= q("-17/25") && q("-17/25") <= hi,
        "multiplier enclosure {e} misses the closed form -17/25"
    );
}

#[test]
fn certify_mpfr_256_default_instance() {
    let d = TempDir::new("mpfr");
    let r = gd(&d, &["certify", TFT, "--arith", "mpfr:256", "--json"]);
    r.expect_code(0);
    let cert: Value = serde_json::from_str(&r.stdout).expect("--json prints JSON");
    assert_eq!(cert["verdict"], "CERTIFIED");
    assert_eq!(cert["arithmetic"]["requested"], "mpfr:256");
}

#[test]
fn f64_never_certifies_a_numeric_claim() {
    let d = TempDir::new("f64");
    let r = gd(&d, &["certify", TFT, "--arith", "f64", "--out", "f64.json"]);
    r.expect_code(3);
    let cert = d.read_json("f64.json");
    assert_eq!(cert["verdict"], "UNDECIDED");
    let lines = r.claim_lines();
    assert_eq!(lines.len(), claims(&cert).len(), "{}", r.show());
    let mut numeric = 0;
    for c in claims(&cert) {
        let id = str_of(&c["id"], "claim id");
        let exact = c["arithmetic"] == "exact";
        if !exact {
            numeric += 1;
            assert_ne!(
                c["verdict"], "CERTIFIED",
                "f64 certified the numeric claim {id}: {c}"
            );
        }
    }
    assert!(
        numeric > 0,
        "f64 run has no numeric claim at all\n{}",
        r.show()
    );
    for (v, id) in &lines {
        if *v == "CERTIFIED" {
            assert_eq!(
                claim(&cert, id)["arithmetic"],
                "exact",
                "stdout says CERTIFIED for non-exact {id} in f64 mode"
            );
        }
    }
}

#[test]
fn json_output_is_the_certificate() {
    let d = TempDir::new("json");
    let r = gd(&d, &["certify", TFT, "--set", "claims=T1", "--json"]);
    r.expect_code(0);
    assert!(r.stderr.is_empty(), "{}", r.show());
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("--json output is not JSON: {e}\n{}", r.show()));
    assert_eq!(v["format"], "gdcert/1");
    assert_eq!(v["theorem"]["id"], TFT);
    assert!(v["digest"].is_string());
}

// ---------------------------------------------------------------------------------------------------
// Determinism and --out
// ---------------------------------------------------------------------------------------------------

#[test]
fn certificates_are_deterministic() {
    let d = TempDir::new("determinism");
    let args = ["certify", TFT, "--set", "mu=6/5"];
    gd(&d, &[&args[..], &["--out", "a.json"]].concat()).expect_code(0);
    gd(&d, &[&args[..], &["--out", "b.json"]].concat()).expect_code(0);
    let (a, b) = (d.read("a.json"), d.read("b.json"));
    assert!(!a.is_empty());
    assert!(
        a == b,
        "two runs of the same command wrote different certificates"
    );
    let j = gd(&d, &[&args[..], &["--json"]].concat());
    j.expect_code(0);
    assert!(
        j.stdout.as_bytes() == a.as_slice(),
        "--json output differs from the --out file"
    );
}

#[test]
fn out_refuses_to_replace_a_different_file_without_force() {
    let d = TempDir::new("out");
    let c2 = [
        "certify",
        TFT,
        "--set",
        "claims=T1",
        "--set",
        "mu=6/5",
        "--out",
        "c.json",
    ];
    gd(&d, &c2).expect_code(0);
    let old = d.read("c.json");

    // Same content again: fine, file unchanged.
    gd(&d, &c2).expect_code(0);
    assert!(d.read("c.json") == old);

    // A different certificate without --force: usage error, the old file stays.
    let c1 = [
        "certify",
        TFT,
        "--set",
        "claims=T1",
        "--set",
        "mu=3/2",
        "--out",
        "c.json",
    ];
    let r = gd(&d, &c1);
    r.expect_code(64);
    assert!(
        r.stderr.contains("c.json") && r.stderr.contains("--force"),
        "{}",
        r.show()
    );
    assert!(
        d.read("c.json") == old,
        "the old certificate was changed without --force"
    );

    // With --force it is replaced by exactly the new certificate.
    gd(&d, &[&c1[..], &["--force"]].concat()).expect_code(0);
    let new = d.read("c.json");
    assert!(new != old, "--force did not replace the file");
    let j = gd(
        &d,
        &[
            "certify",
            TFT,
            "--set",
            "claims=T1",
            "--set",
            "mu=3/2",
            "--json",
        ],
    );
    assert!(
        j.stdout.as_bytes() == new.as_slice(),
        "the replaced file is not the new certificate"
    );

    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "c.json")
        .collect();
    assert!(leftovers.is_empty(), "files left behind: {leftovers:?}");
}

#[test]
fn out_to_unwritable_place_exits_74() {
    let d = TempDir::new("out74");
    let r = gd(
        &d,
        &[
            "certify",
            TFT,
            "--set",
            "claims=T0",
            "--out",
            "no/such/dir/c.json",
        ],
    );
    r.expect_code(74);
    assert!(
        r.stderr.contains("c.json"),
        "the message does not name the output file\n{}",
        r.show()
    );
    assert!(!d.join("no").exists());
    std::fs::create_dir(d.join("adir")).unwrap();
    let r = gd(&d, &["certify", TFT, "--set", "claims=T0", "--out", "adir"]);
    r.expect_code(74);
    assert!(r.stderr.contains("adir"), "{}", r.show());
}

// ---------------------------------------------------------------------------------------------------
// Bad input data: exit 65
// ---------------------------------------------------------------------------------------------------

#[test]
fn bad_set_values_exit_65_and_name_the_key() {
    let d = TempDir::new("badset");
    for v in [
        "abc", "nan", "NaN", "inf", "-inf", "-1", "0", "1/0", "", "1e999999", "2^3", "3/2/2",
    ] {
        let s = format!("mu={v}");
        expect_bad_input(&d, &["certify", TFT, "--set", &s], &[&key("mu"), "--set"]);
    }
    expect_bad_input(&d, &["certify", TFT, "--set", "x0=nan"], &[&key("x0")]);
    expect_bad_input(
        &d,
        &["certify", TFT, "--set", "max_steps=0"],
        &[&key("max_steps")],
    );
    expect_bad_input(
        &d,
        &["certify", TFT, "--set", "claims=T9"],
        &[&key("claims"), "T9"],
    );
    // Out of the theorem's range (mu <= 1000): still bad data.
    expect_bad_input(&d, &["certify", TFT, "--set", "mu=1001"], &[&key("mu")]);
    // An unknown key.
    expect_bad_input(&d, &["certify", TFT, "--set", "nu=1"], &[&key("nu")]);
}

/// `--set mu` without `=`: the code treats every `--set` problem as bad instance data (instance.rs
/// returns an `InputError`, exit 65), the same as `--set mu=abc`; check that it is 65 and consistent.
#[test]
fn set_without_equals_is_bad_input() {
    let d = TempDir::new("seteq");
    let r = expect_bad_input(&d, &["certify", TFT, "--set", "mu"], &["mu", "KEY=VALUE"]);
    assert!(r.stderr.contains("--set"), "{}", r.show());
    // The same class of error with another key gives the same code.
    expect_bad_input(&d, &["certify", TFT, "--set", "x0"], &["x0"]);
    expect_bad_input(&d, &["certify", TFT, "--set", "=1"], &["--set"]);
}

#[test]
fn bad_instance_files_exit_65_and_name_file_and_key() {
    let d = TempDir::new("badfile");
    let cases: &[(&str, &str, &[&str])] = &[
        // TOML syntax error: the file and the line.
        (
            "syntax.toml",
            "theorem = \"two-factor-transformer\"\nmu = \"3/2\"\nx0 = [1\n",
            &["syntax.toml:3"],
        ),
        (
            "unknown.toml",
            "mu = \"3/2\"\nnu = 1\n",
            &["unknown.toml", "`nu`"],
        ),
        ("missing.toml", "x0 = \"1/2\"\n", &["missing.toml", "`mu`"]),
        ("huge.toml", "mu = \"1e999999\"\n", &["huge.toml", "`mu`"]),
        ("nan.toml", "mu = nan\n", &["nan.toml", "`mu`"]),
        ("inf.toml", "mu = -inf\n", &["inf.toml", "`mu`"]),
        ("neg.toml", "mu = -1\n", &["neg.toml", "`mu`"]),
        ("text.toml", "mu = \"abc\"\n", &["text.toml", "`mu`"]),
        (
            "catapult.toml",
            "mu = \"6/5\"\n[catapult]\na0 = 2.0\n",
            &["catapult.toml", "`catapult.b0`"],
        ),
        (
            "muon.toml",
            "theorem = \"muon\"\nmu = 1\n",
            &["muon.toml", "muon"],
        ),
        ("empty.toml", "", &["empty.toml", "`mu`"]),
        (
            "claims.toml",
            "mu = 1\nclaims = [\"T7\"]\n",
            &["claims.toml", "`claims`"],
        ),
    ];
    for (name, text, must) in cases {
        d.write(name, text);
        expect_bad_input(&d, &["certify", TFT, "--instance", name], must);
    }
    expect_bad_input(
        &d,
        &["certify", TFT, "--instance", "does-not-exist.toml"],
        &["does-not-exist.toml"],
    );
    std::fs::write(d.join("binary.toml"), [0xff_u8, 0xfe, 0x00]).unwrap();
    expect_bad_input(
        &d,
        &["certify", TFT, "--instance", "binary.toml"],
        &["binary.toml"],
    );
}

#[test]
fn shipped_instance_files_load() {
    // The shipped C2 instance (a relative path, read from the repository).
    let d = TempDir::new("shipped");
    let c2 = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("certificates/instances/two-factor-transformer/c2.toml");
    let c2 = c2.to_str().expect("utf-8 path");
    let r = gd(
        &d,
        &["certify", TFT, "--instance", c2, "--set", "claims=T1"],
    );
    r.expect_code(0);
    assert!(
        r.claim_lines().contains(&("CERTIFIED", "T1.cycle2")),
        "{}",
        r.show()
    );
}

// ---------------------------------------------------------------------------------------------------
// check
// ---------------------------------------------------------------------------------------------------

/// Writes a small valid certificate `name` into `d`.
fn small_certificate(d: &TempDir, name: &str) {
    gd(
        d,
        &[
            "certify",
            TFT,
            "--set",
            "mu=6/5",
            "--set",
            "claims=T0,T1",
            "--out",
            name,
        ],
    )
    .expect_code(0);
}

#[test]
fn check_malformed_and_foreign_json_exit_65() {
    let d = TempDir::new("checkbad");
    d.write("broken.json", "{\"format\": ");
    let r = gd(&d, &["check", "broken.json"]);
    r.expect_code(65);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("broken.json"),
        "{}",
        r.show()
    );

    d.write("other.json", "{\"a\": 1, \"b\": [true, null]}\n");
    let r = gd(&d, &["check", "other.json"]);
    r.expect_code(65);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("other.json"),
        "{}",
        r.show()
    );

    let r = gd(&d, &["check", "nowhere.json"]);
    r.expect_code(65);
    assert!(r.stderr.contains("nowhere.json"), "{}", r.show());

    let r = gd(&d, &["check", "missing-dir/"]);
    r.expect_code(65);
}

#[test]
fn check_rejects_an_edited_digest() {
    let d = TempDir::new("digest");
    small_certificate(&d, "c.json");
    let mut cert = d.read_json("c.json");
    let digest = str_of(&cert["digest"], "digest").to_string();
    let last = digest.chars().last().unwrap();
    let flipped = format!(
        "{}{}",
        &digest[..digest.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    cert["digest"] = Value::String(flipped);
    d.write("edited.json", &serde_json::to_string_pretty(&cert).unwrap());
    let r = gd(&d, &["check", "edited.json"]);
    r.expect_code(1);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("edited.json") && all.to_lowercase().contains("digest"),
        "no message about the digest\n{}",
        r.show()
    );
    // The untouched certificate next to it is still valid, but the pair is invalid.
    gd(&d, &["check", "c.json"]).expect_code(0);
    gd(&d, &["check", "c.json", "edited.json"]).expect_code(1);
}

#[test]
fn check_directory_ignores_non_json() {
    let d = TempDir::new("checkdir");
    std::fs::create_dir(d.join("certs")).unwrap();
    small_certificate(&d, "certs/c.json");
    d.write("certs/README.txt", "not a certificate\n");
    d.write("certs/notes.toml", "mu = [\n");
    let r = gd(&d, &["check", "certs"]);
    r.expect_code(0);
    assert!(r.stdout.contains("c.json"), "{}", r.show());
    // --json gives a JSON report.
    let r = gd(&d, &["check", "certs", "--json"]);
    r.expect_code(0);
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("check --json: {e}\n{}", r.show()));
    assert_eq!(v[0]["status"], "valid", "{v}");
}

#[test]
fn check_unknown_theorem_is_malformed() {
    let d = TempDir::new("checkthm");
    small_certificate(&d, "c.json");
    let mut cert = d.read_json("c.json");
    cert["theorem"]["id"] = Value::String("no-such-theorem".into());
    d.write("alien.json", &serde_json::to_string_pretty(&cert).unwrap());
    let r = gd(&d, &["check", "alien.json"]);
    r.expect_code(65);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("alien.json") && all.contains("no-such-theorem"),
        "{}",
        r.show()
    );
}

// ---------------------------------------------------------------------------------------------------
// Regressions: defects found by these tests and fixed.
// ---------------------------------------------------------------------------------------------------

/// DESIGN.md: "Errors go to standard error": `check` prints `MALFORMED file: …` on stderr.
#[test]
fn check_malformed_message_on_stderr() {
    let d = TempDir::new("bugmalformed");
    d.write("broken.json", "{\"format\": ");
    let r = gd(&d, &["check", "broken.json"]);
    r.expect_code(65);
    assert!(
        r.stderr.contains("broken.json"),
        "the error is not on stderr\n{}",
        r.show()
    );
}

/// `gdcert list | true`: writing to a pipe whose reader has gone used to panic ("failed printing to
/// stdout: Broken pipe", exit 101); gdcert now dies of SIGPIPE like other tools. The test makes the
/// race deterministic: gdcert's stdout is a pipe whose only reader (`true`) has exited.
#[cfg(unix)]
#[test]
fn closed_stdout_pipe_does_not_panic() {
    let d = TempDir::new("bugpipe");
    for args in [
        &["list"][..],
        &["certify", TFT, "--set", "claims=T0"][..],
        &["certify", TFT, "--set", "claims=T0", "--json"][..],
    ] {
        let mut reader = Command::new("true")
            .stdin(Stdio::piped())
            .spawn()
            .expect("spawn `true`");
        let write_end = reader.stdin.take().expect("the pipe to `true`");
        reader.wait().expect("wait for `true`"); // the pipe now has no reader
        let out = Command::new(BIN)
            .args(args)
            .current_dir(d.path())
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::from(write_end))
            .stderr(Stdio::piped())
            .output()
            .expect("run gdcert");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("panicked"),
            "gdcert {args:?} panicked on a closed pipe: {err}"
        );
        assert_ne!(
            out.status.code(),
            Some(101),
            "gdcert {args:?}: exit 101 on a closed pipe"
        );
    }
}

/// instance.rs: "Numbers are taken from their source text, never through a binary float". A bare
/// TOML float used to go through f64 (0.12345678901234567890123456789 became 0.12345678901234568 and
/// 1e-400 became 0); it is now read from its literal text.
#[test]
fn instance_floats_are_exact() {
    let d = TempDir::new("bugfloat");
    for x0 in ["0.12345678901234567890123456789", "1e-400"] {
        d.write(
            "x.toml",
            &format!("mu = \"3/2\"\nclaims = [\"T0\"]\nx0 = {x0}\n"),
        );
        let r = gd(&d, &["certify", TFT, "--instance", "x.toml", "--json"]);
        r.expect_code(0);
        let cert: Value = serde_json::from_str(&r.stdout).expect("JSON");
        let recorded = str_of(&cert["instance"]["params"]["x0"], "x0");
        assert!(
            q(recorded) == q(x0),
            "x0 = {x0} in the file was recorded as {recorded}"
        );
    }
}

/// A range error found after loading (mu > 1000, catapult.a0 without b0) names `--set` when the
/// value came from `--set` (it used to name the default instance file).
#[test]
fn set_range_error_names_set() {
    let d = TempDir::new("bugsetsrc");
    let r = expect_bad_input(&d, &["certify", TFT, "--set", "mu=1001"], &["`mu`"]);
    assert!(
        r.stderr.contains("--set"),
        "the message blames another source\n{}",
        r.show()
    );
    let r = expect_bad_input(
        &d,
        &["certify", TFT, "--set", "catapult.a0=2"],
        &["catapult"],
    );
    assert!(
        r.stderr.contains("--set"),
        "the message blames another source\n{}",
        r.show()
    );
}

/// An empty claim list is bad input (it used to certify nothing and exit 0, vacuously: a CI script
/// could not tell it from a real certification).
#[test]
fn empty_claim_selection_is_bad_input() {
    let d = TempDir::new("bugempty");
    expect_bad_input(&d, &["certify", TFT, "--set", "claims="], &["`claims`"]);
    d.write("e.toml", "mu = \"3/2\"\nclaims = []\n");
    expect_bad_input(&d, &["certify", TFT, "--instance", "e.toml"], &["`claims`"]);
}

/// `mu = 1e-20000` used to be accepted and to run for minutes; steps outside [1e-12, 1000] are now
/// rejected as bad input.
#[test]
fn tiny_mu_finishes_or_is_rejected() {
    let d = TempDir::new("bugtiny");
    let mut child = Command::new(BIN)
        .args(["certify", TFT, "--set", "mu=1e-20000", "--set", "claims=T0"])
        .current_dir(d.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn gdcert");
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let status = status.expect("certify with mu=1e-20000 ran for more than 20 s");
    assert!(matches!(status.code(), Some(0 | 65)), "exit {status:?}");
}

/// Every theorem `gdcert list` names certifies its default instance with a verdict (never a bad
/// input, exit 65, or a crash), and its audit, when it has one, runs on a tiny grid.
#[test]
fn every_listed_theorem_certifies_its_default_instance() {
    let list = Command::new(BIN).arg("list").output().unwrap();
    let ids: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect();
    assert!(ids.len() >= 10, "{ids:?}");
    for id in &ids {
        let out = Command::new(BIN).args(["certify", id]).output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        assert!(
            (0..=3).contains(&code),
            "gdcert certify {id} exited {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

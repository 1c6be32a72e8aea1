//! Helpers shared by the integration tests: run the binary, certify an instance as JSON, read a
//! claim's enclosure and verdict. Each test crate uses only some of them.
#![allow(dead_code)]

use gdcert::certificate::{Certificate, Verdict};
use std::process::Command;

/// Runs `gdcert args…` in the crate root: (exit code, stdout, stderr).
pub fn gdcert(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gdcert"))
        .args(args)
        .output()
        .expect("the gdcert binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `gdcert certify THEOREM [--instance PATH] --json [--set …]`, its certificate parsed.
pub fn certify_json(
    theorem: &str,
    path: Option<&str>,
    sets: &[&str],
) -> (i32, Certificate, String) {
    let mut args = vec!["certify", theorem, "--json"];
    if let Some(p) = path {
        args.extend(["--instance", p]);
    }
    for s in sets {
        args.extend(["--set", s]);
    }
    let (code, out, err) = gdcert(&args);
    let cert: Certificate =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{theorem} {path:?}: {e}\n{err}"));
    (code, cert, out)
}

/// The enclosure of claim `id`, endpoints rounded to binary64.
pub fn encl(c: &Certificate, id: &str) -> (f64, f64) {
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

pub fn verdict(c: &Certificate, id: &str) -> Verdict {
    c.claim(id)
        .unwrap_or_else(|| panic!("claim {id} missing"))
        .verdict
}

//! `gdcert spectrum`: the shipped 200×200 matrices with known spectra, the certificate and the kernel,
//! tampering, other formats, and bad matrix files.

use gdcert::arith::{parse_q, Q};
use gdcert::certificate::Certificate;
use std::path::PathBuf;
use std::process::Command;

fn gd(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gdcert"))
        .args(args)
        .output()
        .expect("run gdcert");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gdcert-spectrum-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn enclosure(c: &Certificate, id: &str) -> (Q, Q) {
    c.claim(id)
        .unwrap_or_else(|| panic!("{id} missing"))
        .enclosure
        .as_ref()
        .unwrap()
        .parse()
        .unwrap()
}

fn spectrum_of(name: &str) -> Vec<Q> {
    std::fs::read_to_string(format!("tests/data/{name}.spectrum"))
        .unwrap()
        .lines()
        .map(|l| parse_q(l).unwrap())
        .collect()
}

fn reseal(mut c: Certificate) -> String {
    c.digest = c.compute_digest();
    serde_json::to_string_pretty(&c).unwrap()
}

#[test]
fn shipped_200_matrix_certified_and_checked() {
    let d = tmp("s200");
    let out = d.join("s200.json");
    let (code, stdout, stderr) = gd(&[
        "spectrum",
        "tests/data/sym200.csv",
        "--symmetric",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("clusters: none"));
    let text = std::fs::read_to_string(&out).unwrap();
    let cert = gdcert::certificate::parse_certificate(&text).unwrap();
    for (i, l) in spectrum_of("sym200").iter().enumerate() {
        let (lo, hi) = enclosure(&cert, &format!("eigenvalue.{}", i + 1));
        assert!(lo <= *l && *l <= hi, "λ_{} = {l} not enclosed", i + 1);
        let rel = gdcert::arith::exact::q_to_f64(&((&hi - &lo) / l));
        assert!(rel < 1e-10, "λ_{}: relative width {rel:e}", i + 1);
    }
    assert_eq!(
        enclosure(&cert, "inertia"),
        (Q::from_integer(0.into()), Q::from_integer(0.into()))
    );
    let (code, stdout, _) = gd(&["check", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");

    // A tampered eigenvalue: the enclosure of λ_17 moved off the true value.
    let mut bad = cert.clone();
    let c = bad
        .claims
        .iter_mut()
        .find(|c| c.id == "eigenvalue.17")
        .unwrap();
    let l = &spectrum_of("sym200")[16];
    c.enclosure = Some(gdcert::certificate::Encl::new(
        &(l + parse_q("1e-9").unwrap()),
        &(l + parse_q("2e-9").unwrap()),
    ));
    let r = gdcert::kernel::check_text(&reseal(bad)).unwrap();
    assert!(!r.valid() && r.claims.iter().any(|c| c.id == "eigenvalue.17" && !c.ok));
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn repeated_eigenvalue_reported_as_a_cluster() {
    let (code, stdout, stderr) = gd(&["spectrum", "tests/data/sym200_repeated.csv", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let cert = gdcert::certificate::parse_certificate(&stdout).unwrap();
    let clusters: Vec<_> = cert
        .claims
        .iter()
        .filter(|c| c.id.starts_with("cluster."))
        .collect();
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].id, "cluster.51-53");
    assert!(clusters[0].statement.contains("exactly 3 eigenvalues"));
    let (lo, hi) = clusters[0].enclosure.as_ref().unwrap().parse().unwrap();
    let triple = parse_q("51/8").unwrap();
    assert!(lo <= triple && triple <= hi);
    // Human output names the cluster and its multiplicity.
    let (_, text, _) = gd(&["spectrum", "tests/data/sym200_repeated.csv"]);
    assert!(text.contains("cluster λ_51…λ_53: 3 eigenvalues"), "{text}");
}

/// A small symmetric matrix checked exactly by the kernel, and tampering with its witness.
#[test]
fn small_matrix_exact_kernel_and_tampering() {
    let d = tmp("small");
    let f = d.join("a.csv");
    std::fs::write(&f, "2, -1, 0, 0\n-1, 2, -1, 0\n0, -1, 2, -1\n0, 0, -1, 2\n").unwrap();
    let (code, json, stderr) = gd(&["spectrum", f.to_str().unwrap(), "--symmetric", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let cert = gdcert::certificate::parse_certificate(&json).unwrap();
    // Eigenvalues 2 − 2cos(kπ/5): k = 1 gives (3 − √5)/2 ≈ 0.381966.
    let (lo, hi) = enclosure(&cert, "eigenvalue.1");
    assert!(
        lo <= parse_q("0.38196601125010515").unwrap()
            && parse_q("0.38196601125010516").unwrap() <= hi
    );
    assert!(gdcert::kernel::check_text(&json).unwrap().valid());
    // Change one entry of the eigenvector witness: the residual bound no longer holds.
    let mut bad = cert.clone();
    for c in bad.claims.iter_mut() {
        if let gdcert::certificate::Witness::EigenBasis { vectors, .. } = &mut c.witness {
            vectors[5] = "0.9".into();
        }
    }
    assert!(!gdcert::kernel::check_text(&reseal(bad)).unwrap().valid());
    // Claim a wrong inertia.
    let mut bad = cert.clone();
    let c = bad.claims.iter_mut().find(|c| c.id == "inertia").unwrap();
    c.enclosure = Some(gdcert::certificate::Encl::point(&Q::from_integer(1.into())));
    assert!(!gdcert::kernel::check_text(&reseal(bad)).unwrap().valid());
    // Drop an eigenvalue claim.
    let mut bad = cert.clone();
    bad.claims.retain(|c| c.id != "eigenvalue.3");
    assert!(!gdcert::kernel::check_text(&reseal(bad)).unwrap().valid());
    std::fs::remove_dir_all(d).ok();
}

fn npy(rows: usize, cols: usize, data: &[f64]) -> Vec<u8> {
    let mut h = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    while (10 + h.len() + 1) % 64 != 0 {
        h.push(' ');
    }
    h.push('\n');
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend_from_slice(&(h.len() as u16).to_le_bytes());
    b.extend_from_slice(h.as_bytes());
    for x in data {
        b.extend_from_slice(&x.to_le_bytes());
    }
    b
}

#[test]
fn npy_json_and_singular_values() {
    let d = tmp("formats");
    let f = d.join("h.npy");
    std::fs::write(&f, npy(2, 2, &[0.1, 0.2, 0.2, -0.3])).unwrap();
    let (code, json, stderr) = gd(&["spectrum", f.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let cert = gdcert::certificate::parse_certificate(&json).unwrap();
    // The matrix is recorded as the binary values of the float64 entries.
    let rec = &cert.instance.matrices["A"];
    assert_eq!(
        parse_q(&rec.entries[0]).unwrap(),
        gdcert::arith::exact::q_from_f64(0.1).unwrap()
    );
    assert!(gdcert::kernel::check_text(&json).unwrap().valid());
    let (lo, hi) = enclosure(&cert, "inertia");
    assert_eq!(
        (lo.clone(), hi),
        (Q::from_integer(1.into()), Q::from_integer(1.into()))
    );

    let j = d.join("r.json");
    std::fs::write(&j, "[[3, 0], [0, -4], [0, 0]]").unwrap();
    let (code, json, stderr) = gd(&["spectrum", j.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let cert = gdcert::certificate::parse_certificate(&json).unwrap();
    let (lo, hi) = enclosure(&cert, "singular_value.1");
    assert!(lo <= parse_q("4").unwrap() && parse_q("4").unwrap() <= hi);
    let (lo, hi) = enclosure(&cert, "singular_value.2");
    assert!(lo <= parse_q("3").unwrap() && parse_q("3").unwrap() <= hi);
    assert!(gdcert::kernel::check_text(&json).unwrap().valid());
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn bad_matrix_files_exit_65() {
    let d = tmp("bad");
    let cases: &[(&str, &str, &[&str], &str)] = &[
        ("rect.csv", "1,2,3\n4,5,6\n", &["--symmetric"], "square"),
        ("asym.csv", "1,2\n3,4\n", &["--symmetric"], "not symmetric"),
        ("nan.csv", "1,nan\nnan,1\n", &[], "line 1, column 2"),
        ("ragged.csv", "1,2\n3\n", &[], "ragged"),
        ("empty.csv", "", &[], "no entries"),
        ("inf.json", "[[1, \"inf\"], [1, 1]]", &[], "row 1, column 2"),
        ("bad.json", "{\"a\": 1}", &[], "expected an array"),
        ("bad.npy", "not numpy", &[], "magic"),
        ("huge.csv", "1e400,0\n0,1\n", &[], "out of range"),
    ];
    for (name, text, flags, expect) in cases {
        let f = d.join(name);
        std::fs::write(&f, text).unwrap();
        let mut args = vec!["spectrum", f.to_str().unwrap()];
        args.extend_from_slice(flags);
        let (code, stdout, stderr) = gd(&args);
        assert_eq!(code, 65, "{name}: {stdout}{stderr}");
        assert!(
            stderr.contains(expect) && stderr.contains(name) && !stderr.contains("panicked"),
            "{name}: {stderr}"
        );
    }
    let (code, _, stderr) = gd(&["spectrum", d.join("missing.csv").to_str().unwrap()]);
    assert_eq!(code, 65, "{stderr}");
    std::fs::remove_dir_all(d).ok();
}

/// A symmetric-mode certificate whose matrix is edited to be non-symmetric is rejected.
#[test]
fn asymmetric_matrix_in_a_symmetric_certificate_is_rejected() {
    let d = tmp("asym");
    let f = d.join("a.csv");
    std::fs::write(&f, "2, 1\n1, 3\n").unwrap();
    let (_, json, _) = gd(&["spectrum", f.to_str().unwrap(), "--json"]);
    let mut cert = gdcert::certificate::parse_certificate(&json).unwrap();
    cert.instance.matrices.get_mut("A").unwrap().entries[1] = "1.5".into();
    let r = gdcert::kernel::check_text(&reseal(cert)).unwrap();
    assert!(!r.valid());
    assert!(r.claims.iter().any(|c| c.id == "eigenvalue.1" && !c.ok));
    std::fs::remove_dir_all(d).ok();
}

/// Random single mutations of a small spectrum certificate (numbers in enclosures and witnesses):
/// each is rejected, or leaves every claim true against the exact eigenvalues 2 − 2cos(kπ/5).
#[test]
fn random_mutations_of_a_spectrum_certificate() {
    use rug::Float;
    let d = tmp("mut");
    let f = d.join("lap.csv");
    std::fs::write(&f, "2,-1,0,0\n-1,2,-1,0\n0,-1,2,-1\n0,0,-1,2\n").unwrap();
    let (_, json, _) = gd(&["spectrum", f.to_str().unwrap(), "--json"]);
    let base = gdcert::certificate::parse_certificate(&json).unwrap();
    let truth: Vec<Q> = (1..=4)
        .map(|k| {
            let pi = Float::with_val(300, rug::float::Constant::Pi);
            let angle: Float = pi * (k as u32) / 5u32;
            let v = Float::with_val(300, 2) - Float::with_val(300, 2) * angle.cos();
            gdcert::arith::exact::q_from_float(&v).unwrap()
        })
        .collect();
    let mut s: u64 = 7;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (mut rejected, mut accepted) = (0, 0);
    for _ in 0..300 {
        let mut c = base.clone();
        let ci = (next() % c.claims.len() as u64) as usize;
        let claim = &mut c.claims[ci];
        let factor = parse_q(&format!("{}e-{}", 1 + next() % 9, next() % 16)).unwrap();
        let sign = if next() % 2 == 0 {
            Q::from_integer(1.into())
        } else {
            Q::from_integer((-1).into())
        };
        let bump = |t: &mut String| {
            let q = parse_q(t).unwrap();
            *t = gdcert::arith::format_exact(&(&q + &(q.clone() * &factor + &factor) * &sign));
        };
        let mut touched = true;
        match &mut claim.witness {
            gdcert::certificate::Witness::EigenBasis {
                vectors, values, ..
            } if next() % 2 == 0 => {
                let k = (next() % vectors.len() as u64) as usize;
                bump(&mut vectors[k]);
                let k = (next() % values.len() as u64) as usize;
                if next() % 2 == 0 {
                    bump(&mut values[k]);
                }
            }
            gdcert::certificate::Witness::Congruence { factor: x, .. } if next() % 2 == 0 => {
                let k = (next() % x.len() as u64) as usize;
                bump(&mut x[k]);
            }
            _ => match &mut claim.enclosure {
                Some(e) if next() % 2 == 0 => bump(&mut e.lo),
                Some(e) => bump(&mut e.hi),
                None => touched = false,
            },
        }
        if !touched {
            continue;
        }
        let r = gdcert::kernel::check_text(&reseal(c.clone())).unwrap();
        if !r.valid() {
            rejected += 1;
            continue;
        }
        accepted += 1;
        for (i, t) in truth.iter().enumerate() {
            let (lo, hi) = enclosure(&c, &format!("eigenvalue.{}", i + 1));
            assert!(
                lo <= *t && *t <= hi,
                "accepted mutation leaves λ_{} outside its enclosure",
                i + 1
            );
        }
        let (lo, hi) = enclosure(&c, "inertia");
        assert!(
            lo <= Q::from_integer(0.into()) && Q::from_integer(0.into()) <= hi,
            "inertia [{lo}, {hi}] must contain 0"
        );
        let (lo, hi) = enclosure(&c, "norm.frobenius");
        let (zero, sq) = (Q::from_integer(0.into()), Q::from_integer(22.into()));
        assert!(
            (lo <= zero || &lo * &lo <= sq) && hi >= zero && sq <= &hi * &hi,
            "‖A‖_F = √22 must lie in [{lo}, {hi}]"
        );
    }
    println!("spectrum mutations: {rejected} rejected, {accepted} accepted and still true");
    assert!(rejected > 50);
    std::fs::remove_dir_all(d).ok();
}

//! Verified linear algebra against matrices with an exactly known spectrum: `A = Q diag(λ) Qᵀ` with
//! `Q = (I − S)(I + S)⁻¹` the Cayley transform of a random rational skew-symmetric `S` (exactly
//! orthogonal). Every enclosure must contain the true eigenvalue; equal eigenvalues must never be
//! separated; inertia counts must be the true ones.

use gdcert::arith::exact::q_from_f64;
use gdcert::arith::{q_frac, q_int, Tri, Q};
use gdcert::linalg::{self, QMat};
use num_traits::{One, Zero};
use proptest::prelude::*;

/// The exact inverse by Gauss–Jordan elimination (the matrices here are small and nonsingular).
fn inverse(a: &QMat) -> QMat {
    let n = a.rows;
    let mut m: Vec<Vec<Q>> = (0..n)
        .map(|i| (0..n).map(|j| a.get(i, j).clone()).collect())
        .collect();
    let mut inv: Vec<Vec<Q>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| if i == j { Q::one() } else { Q::zero() })
                .collect()
        })
        .collect();
    for c in 0..n {
        let p = (c..n)
            .find(|&r| !m[r][c].is_zero())
            .expect("I + S is nonsingular");
        m.swap(c, p);
        inv.swap(c, p);
        let d = m[c][c].clone();
        for j in 0..n {
            m[c][j] = &m[c][j] / &d;
            inv[c][j] = &inv[c][j] / &d;
        }
        for r in 0..n {
            if r != c && !m[r][c].is_zero() {
                let f = m[r][c].clone();
                for j in 0..n {
                    let (a1, b1) = (&m[c][j] * &f, &inv[c][j] * &f);
                    m[r][j] -= a1;
                    inv[r][j] -= b1;
                }
            }
        }
    }
    QMat::from_fn(n, n, |i, j| inv[i][j].clone())
}

/// `Q diag(λ) Qᵀ` with `Q` the Cayley transform of the skew-symmetric matrix built from `s`.
fn with_spectrum(lam: &[Q], s: &[i64]) -> QMat {
    let n = lam.len();
    let mut k = 0;
    let mut skew = QMat::from_fn(n, n, |_, _| Q::zero());
    for i in 0..n {
        for j in i + 1..n {
            let v = q_frac(s[k % s.len()], 7);
            k += 1;
            skew.data[i * n + j] = v.clone();
            skew.data[j * n + i] = -v;
        }
    }
    let id = QMat::identity(n);
    let minus = QMat::from_fn(n, n, |i, j| id.get(i, j) - skew.get(i, j));
    let plus = QMat::from_fn(n, n, |i, j| id.get(i, j) + skew.get(i, j));
    let q = minus.mul(&inverse(&plus));
    let d = QMat::from_fn(n, n, |i, j| if i == j { lam[i].clone() } else { Q::zero() });
    q.mul(&d).mul(&q.transpose())
}

fn check_contains(a: &QMat, lam: &[Q]) -> linalg::SymmetricSpectrum {
    let spec =
        linalg::enclose_symmetric_spectrum(&linalg::enclose(a)).expect("the enclosure succeeds");
    let mut sorted = lam.to_vec();
    sorted.sort();
    for (i, l) in sorted.iter().enumerate() {
        let (lo, hi) = spec.enclosures[i];
        assert!(
            q_from_f64(lo).unwrap() <= *l && *l <= q_from_f64(hi).unwrap(),
            "λ_{i} = {l} not in [{lo:e}, {hi:e}]"
        );
    }
    spec
}

fn spectrum_strategy() -> impl Strategy<Value = Vec<Q>> {
    let scale = prop::sample::select(vec![-8i32, -4, 0, 4, 8]);
    let kind = 0u8..5;
    (
        2usize..7,
        scale,
        kind,
        prop::collection::vec(-1000i64..1000, 7),
    )
        .prop_map(|(n, e, kind, r)| {
            let s = if e >= 0 {
                q_int(10).pow(e)
            } else {
                Q::one() / q_int(10).pow(-e)
            };
            let base: Vec<Q> = match kind {
                // simple, distinct
                0 => (0..n)
                    .map(|i| q_frac(r[i] + 2000 * i as i64, 100))
                    .collect(),
                // an exactly repeated eigenvalue
                1 => (0..n)
                    .map(|i| {
                        if i < 2 {
                            q_frac(r[0], 10)
                        } else {
                            q_frac(r[i] + 5000 * i as i64, 10)
                        }
                    })
                    .collect(),
                // a tight cluster, 1e-12 apart
                2 => (0..n)
                    .map(|i| q_int(3) + q_frac(i as i64, 1_000_000_000_000))
                    .collect(),
                // near singular
                3 => (0..n)
                    .map(|i| {
                        if i == 0 {
                            q_frac(1, 1_000_000_000_000)
                        } else {
                            q_int(i as i64)
                        }
                    })
                    .collect(),
                // indefinite
                _ => (0..n).map(|i| q_int(i as i64 * 3 - n as i64)).collect(),
            };
            base.into_iter().map(|l| l * &s).collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn enclosures_contain_the_true_eigenvalues(lam in spectrum_strategy(), s in prop::collection::vec(-20i64..20, 1..10)) {
        let a = with_spectrum(&lam, &s);
        let spec = check_contains(&a, &lam);
        let mut sorted = lam.clone();
        sorted.sort();
        // Equal eigenvalues are never separated.
        for k in 0..sorted.len() - 1 {
            if sorted[k] == sorted[k + 1] {
                prop_assert_ne!(linalg::certify_gap(&spec, k), Tri::True);
            }
        }
        // Inertia at a point strictly between two distinct eigenvalues.
        if let Some(k) = (0..sorted.len() - 1).find(|&k| &sorted[k + 1] - &sorted[k] > q_frac(1, 1000) * (sorted[k + 1].clone() * &sorted[k + 1] + Q::one())) {
            let t = gdcert::arith::exact::q_to_f64(&((&sorted[k] + &sorted[k + 1]) / q_int(2)));
            let tq = q_from_f64(t).unwrap();
            if sorted[k] < tq && tq < sorted[k + 1] {
                if let Ok(c) = linalg::count_eigenvalues_below(&linalg::enclose(&a), t, Some(&spec)) {
                    prop_assert_eq!(c.below, k + 1);
                    prop_assert_eq!(c.above, sorted.len() - k - 1);
                }
            }
        }
    }
}

#[test]
fn repeated_eigenvalue_is_a_cluster() {
    let lam = vec![q_int(1), q_int(2), q_int(2), q_int(2), q_int(5)];
    let a = with_spectrum(&lam, &[3, -5, 7, 2, -1, 4]);
    let spec = check_contains(&a, &lam);
    assert!(
        spec.clusters.iter().any(|c| c.count == 3),
        "clusters {:?}",
        spec.clusters
    );
    assert_eq!(linalg::certify_gap(&spec, 1), Tri::Unknown);
    assert_eq!(linalg::certify_gap(&spec, 0), Tri::True);
}

#[test]
fn positive_definiteness() {
    let pd = with_spectrum(&[q_frac(1, 10), q_int(2), q_int(3)], &[1, 2, 3]);
    assert_eq!(
        linalg::certify_positive_definite(&linalg::enclose(&pd)),
        Tri::True
    );
    let indef = with_spectrum(&[q_frac(-1, 10), q_int(2), q_int(3)], &[1, 2, 3]);
    assert_eq!(
        linalg::certify_positive_definite(&linalg::enclose(&indef)),
        Tri::False
    );
    assert_eq!(
        linalg::count_eigenvalues_above(&linalg::enclose(&indef), 1.0).unwrap(),
        2
    );
}

#[test]
fn singular_values_of_a_rectangular_matrix() {
    // A = Q1 [diag(σ); 0] Q2ᵀ: singular values σ exactly.
    let sig = [q_int(4), q_int(2), q_frac(1, 1000)];
    let cay = |n: usize, s: &[i64]| {
        let mut k = 0;
        let mut skew = QMat::from_fn(n, n, |_, _| Q::zero());
        for i in 0..n {
            for j in i + 1..n {
                let v = q_frac(s[k % s.len()], 7);
                k += 1;
                skew.data[i * n + j] = v.clone();
                skew.data[j * n + i] = -v;
            }
        }
        let id = QMat::identity(n);
        let minus = QMat::from_fn(n, n, |i, j| id.get(i, j) - skew.get(i, j));
        let plus = QMat::from_fn(n, n, |i, j| id.get(i, j) + skew.get(i, j));
        minus.mul(&inverse(&plus))
    };
    let q1 = cay(5, &[3, -1, 4, 1, -5]);
    let q2 = cay(3, &[2, 7]);
    let mid = QMat::from_fn(5, 3, |i, j| if i == j { sig[i].clone() } else { Q::zero() });
    let a = q1.mul(&mid).mul(&q2.transpose());
    let sv = linalg::enclose_singular_values(&linalg::enclose(&a)).unwrap();
    for (i, s) in sig.iter().enumerate() {
        let (lo, hi) = sv.enclosures[i];
        assert!(
            q_from_f64(lo).unwrap() <= *s && *s <= q_from_f64(hi).unwrap(),
            "σ_{i} = {s} not in [{lo}, {hi}]"
        );
    }
    let fro = linalg::frobenius_norm(&a);
    let exact_sq = q_int(16) + q_int(4) + q_frac(1, 1_000_000);
    assert!(&fro.0 * &fro.0 <= exact_sq && exact_sq <= &fro.1 * &fro.1);
    assert!(linalg::spectral_norm_upper_bound(&linalg::enclose(&a)) >= 4.0);
}

fn shipped(name: &str) -> (QMat, Vec<Q>) {
    let a =
        gdcert::linalg::io::read_matrix(std::path::Path::new(&format!("tests/data/{name}.csv")))
            .unwrap();
    let spectrum = std::fs::read_to_string(format!("tests/data/{name}.spectrum")).unwrap();
    let lam = spectrum
        .lines()
        .map(|l| gdcert::arith::parse_q(l).unwrap())
        .collect();
    (a, lam)
}

#[test]
fn shipped_200_matrix_is_enclosed_tightly() {
    let (a, lam) = shipped("sym200");
    assert_eq!((a.rows, a.cols), (200, 200));
    assert!(a.asymmetry().is_none());
    let spec = check_contains(&a, &lam);
    for (i, l) in lam.iter().enumerate() {
        let (lo, hi) = spec.enclosures[i];
        let rel = (hi - lo) / gdcert::arith::exact::q_to_f64(l).abs();
        assert!(rel < 1e-10, "λ_{i}: relative width {rel:e}");
    }
    assert_eq!(spec.clusters.len(), 200);
}

#[test]
fn shipped_repeated_eigenvalue_is_a_cluster_of_three() {
    let (a, lam) = shipped("sym200_repeated");
    let spec = check_contains(&a, &lam);
    let c: Vec<_> = spec.clusters.iter().filter(|c| c.count > 1).collect();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!((c[0].first, c[0].count), (50, 3));
    assert_eq!(linalg::certify_gap(&spec, 50), Tri::Unknown);
}

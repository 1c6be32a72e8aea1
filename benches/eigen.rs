//! Verified enclosure of all eigenvalues of a symmetric matrix, against the unverified `nalgebra`
//! `symmetric_eigen` (the baseline) and faer's unverified decomposition, on the same random
//! symmetric matrices (entries uniform in [−1, 1] from SplitMix64 with seed 0, filled row by row,
//! `a_ij = a_ji` for `j <= i`), at n = 50, 200 and 500. `benches/eig_compare.py` builds the same
//! matrices for numpy and python-flint (Arb).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gdcert::linalg::{self, IMat};

/// The benchmark matrices: SplitMix64 (seed 0), u = (next >> 11)·2^-53, entry 2u − 1.
pub fn random_symmetric(n: usize) -> Vec<f64> {
    let mut s: u64 = 0;
    let mut next = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
            a[i * n + j] = 2.0 * u - 1.0;
            a[j * n + i] = 2.0 * u - 1.0;
        }
    }
    a
}

fn bench_eigen(c: &mut Criterion) {
    for n in [50usize, 200, 500] {
        let a = random_symmetric(n);
        let mut g = c.benchmark_group(format!("eigen_n{n}"));
        g.sample_size(if n == 500 { 10 } else { 20 });
        let na = nalgebra::DMatrix::from_row_slice(n, n, &a);
        g.bench_function(
            BenchmarkId::new("baseline", "nalgebra symmetric_eigen (unverified)"),
            |b| b.iter(|| na.clone().symmetric_eigen()),
        );
        let fa = faer::Mat::from_fn(n, n, |i, j| a[i * n + j]);
        g.bench_function(
            BenchmarkId::new("faer", "self_adjoint_eigen (unverified)"),
            |b| b.iter(|| linalg::eig::approximate_eigen(&fa).expect("decomposes")),
        );
        let ia = IMat::point(fa.clone());
        g.bench_function(
            BenchmarkId::new("gdcert", "verified enclosure of all eigenvalues"),
            |b| b.iter(|| linalg::enclose_symmetric_spectrum(&ia).expect("verifies")),
        );
        g.finish();
    }
}

criterion_group!(benches, bench_eigen);
criterion_main!(benches);

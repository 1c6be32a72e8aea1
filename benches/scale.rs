//! The `f64` path at scale (issue 6): dense products and SVDs from faer against nalgebra on the same
//! matrices, one deep-matrix-factorization GD step (n = 1024, depth 3) and one paper-2 audit run.
//! `benches/scale_numpy.py` runs the same loops in numpy on the same machine for the README's
//! ratios. Decompositions run on one thread, as the audit engine runs them (it parallelises over
//! runs instead), and threaded beside; products use every core.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use faer::{Mat, Par};
use gdcert::spec::random::SplitMix64;
use std::time::Duration;

fn uniform(n: usize, seed: u64) -> Mat<f64> {
    let mut rng = SplitMix64(seed);
    Mat::from_fn(n, n, |_, _| 2.0 * rng.uniform_f64() - 1.0)
}

fn to_nalgebra(m: &Mat<f64>) -> nalgebra::DMatrix<f64> {
    nalgebra::DMatrix::from_fn(m.nrows(), m.ncols(), |i, j| m[(i, j)])
}

fn matmul(a: faer::MatRef<'_, f64>, b: faer::MatRef<'_, f64>, par: Par) -> Mat<f64> {
    let mut c = padded(a.nrows(), b.ncols(), |_, _| 0.0);
    faer::linalg::matmul::matmul(c.as_mut(), faer::Accum::Replace, a, b, 1.0, par);
    c
}

/// An n×m matrix whose columns are 8 entries longer than needed: with a power-of-two column stride
/// (n = 1024) faer's `A·Bᵀ` product runs 1.6× slower (cache-set conflicts; 41 ms against 25 ms).
fn padded(n: usize, m: usize, f: impl FnMut(usize, usize) -> f64) -> Mat<f64> {
    let mut a = Mat::<f64>::with_capacity(n + 8, m);
    a.resize_with(n, m, f);
    a
}

fn uniform_padded(n: usize, seed: u64) -> Mat<f64> {
    let mut rng = SplitMix64(seed);
    padded(n, n, |_, _| 2.0 * rng.uniform_f64() - 1.0)
}

fn bench_products_and_svd(c: &mut Criterion) {
    let mut g = c.benchmark_group("dense_f64");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [1000usize, 2000] {
        let a = uniform(n, 1);
        let b = uniform(n, 2);
        let (na, nb) = (to_nalgebra(&a), to_nalgebra(&b));
        g.bench_function(BenchmarkId::new("matmul faer", n), |bch| {
            bch.iter(|| matmul(a.as_ref(), b.as_ref(), Par::rayon(0)))
        });
        g.bench_function(BenchmarkId::new("matmul nalgebra", n), |bch| {
            bch.iter(|| &na * &nb)
        });
        faer::set_global_parallelism(Par::Seq);
        g.bench_function(BenchmarkId::new("singular values faer", n), |bch| {
            bch.iter(|| a.singular_values().ok())
        });
        faer::set_global_parallelism(Par::rayon(0));
        g.bench_function(
            BenchmarkId::new("singular values faer threaded", n),
            |bch| bch.iter(|| a.singular_values().ok()),
        );
        if n <= 1000 {
            // nalgebra's unblocked bidiagonalisation takes tens of seconds at n = 2000;
            // examples/linalg_scale measures it there.
            g.bench_function(BenchmarkId::new("singular values nalgebra", n), |bch| {
                bch.iter(|| na.clone().singular_values())
            });
        }
    }
    g.finish();
}

/// One GD step on `½‖W₃W₂W₁ − A‖_F²`: the product, the residual and the three gradients
/// `W₃W₂` ᵀR, `W₃ᵀRW₁ᵀ`, `R(W₂W₁)ᵀ` (seven n×n products).
fn dmf_step(w: &mut [Mat<f64>; 3], a: &Mat<f64>, eta: f64) {
    let par = Par::rayon(0);
    let w21 = matmul(w[1].as_ref(), w[0].as_ref(), par);
    let w32 = matmul(w[2].as_ref(), w[1].as_ref(), par);
    let mut r = matmul(w[2].as_ref(), w21.as_ref(), par);
    r -= a;
    let g1 = matmul(w32.transpose(), r.as_ref(), par);
    let g2 = matmul(
        matmul(w[2].transpose(), r.as_ref(), par).as_ref(),
        w[0].transpose(),
        par,
    );
    let g3 = matmul(r.as_ref(), w21.transpose(), par);
    w[0] -= g1 * faer::Scale(eta);
    w[1] -= g2 * faer::Scale(eta);
    w[2] -= g3 * faer::Scale(eta);
}

fn bench_dmf_step(c: &mut Criterion) {
    let n = 1024;
    let a = uniform_padded(n, 3);
    let mut w = [
        uniform_padded(n, 4),
        uniform_padded(n, 5),
        uniform_padded(n, 6),
    ];
    let mut g = c.benchmark_group("dmf_step");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function(BenchmarkId::new("faer", "n=1024 depth 3"), |b| {
        b.iter(|| dmf_step(&mut w, &a, 1e-6))
    });
    g.finish();
}

criterion_group!(benches, bench_products_and_svd, bench_dmf_step);
criterion_main!(benches);

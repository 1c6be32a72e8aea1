//! One n-dimensional Krawczyk step for the stationary point of the K3 network (2-16-1 tanh,
//! 64 points, 65 unknowns; `theorems.md`, paper 7) against one unverified binary64 Newton step on
//! the same loss (the baseline). Both evaluate the Hessian by second-order automatic
//! differentiation of the loss; Newton then solves with LU (nalgebra), Krawczyk encloses
//! `∇L(m)`, `∇²L(X)` over the box and `I − C∇²L(X)` in interval arithmetic and tests the inclusion.
//! The setup runs the certifier's search (10⁵ GD steps and Newton) once, about 2 s.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gdcert::arith::{Interval, MpfrInterval};
use gdcert::methods::stationary::{newton, prove_stationary_point};
use gdcert::spec::mlp::DecayedLoss;
use gdcert::theorems::weight_decay::{initial_point, network, NetSpec};

fn bench_krawczyk(c: &mut Criterion) {
    let net = NetSpec {
        hidden: 16,
        points: 64,
        data_seed: 1,
        init_seed: 2,
        gd_steps: 100_000,
    };
    let mlp = network(&net).expect("data");
    let lambda = gdcert::arith::q_frac(1, 1000);
    let obj = DecayedLoss {
        mlp: &mlp,
        lambda: lambda.clone(),
    };
    let k = mlp.constants(&0.0f64, &lambda);
    let mut theta = initial_point(&net);
    for _ in 0..net.gd_steps {
        let g = mlp.decayed_gradient(&k, &theta);
        for (t, gi) in theta.iter_mut().zip(&g) {
            *t -= 0.1 * gi;
        }
    }
    let star = newton(&obj, &theta, 50).expect("converges");
    let mut g = c.benchmark_group("stationary_mlp65");
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("baseline", "f64 Newton step"), |b| {
        b.iter(|| newton(&obj, &theta, 1).expect("steps"))
    });
    let unit = Interval::try_from((1.0, 1.0)).expect("unit");
    g.bench_function(BenchmarkId::new("interval", "Krawczyk step (inari)"), |b| {
        b.iter(|| prove_stationary_point(&obj, &unit, &star).expect("proves"))
    });
    let unit = MpfrInterval::unit(128);
    g.bench_function(
        BenchmarkId::new("mpfr128", "Krawczyk step (MPFR 128)"),
        |b| b.iter(|| prove_stationary_point(&obj, &unit, &star).expect("proves")),
    );
    g.finish();
}

criterion_group!(benches, bench_krawczyk);
criterion_main!(benches);

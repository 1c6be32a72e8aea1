//! One step of the balanced cubic `x ← (1+μ)x − μx³` (μ = 6/5) in each arithmetic, on a batch of
//! 1024 orbits, so every figure is per orbit-step and comparable with the f64 baseline measured in
//! the same run. `benches/ratios.py` turns criterion's estimates into the table of the README.
//!
//! * `generic` is `methods::mean_value::Prepared::mv_step`, the code `certify` runs: forward
//!   differentiation and interval operations through the scalar trait. With inari every operation
//!   switches the x86 rounding mode twice; with MPFR every operation allocates.
//! * `batched` is `methods::batch`: the mean-value form in midpoint-radius form, rounded to nearest,
//!   with a priori bounds on every rounding error, over many orbits at once. `ball` keeps the balls
//!   in two arrays (it vectorises); `inari` converts from and to inari intervals around the step;
//!   `mpfr*` keeps an MPFR centre and an f64 radius and costs three MPFR operations a step, which is
//!   where its time goes (about 50 ns each at 128 bits here), so the 30× target for MPFR-128 is out of
//!   reach of MPFR itself.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gdcert::arith::{q_frac, Interval, MpfrInterval, Ring};
use gdcert::methods::batch::CubicBalls;
use gdcert::methods::mean_value::Prepared;
use gdcert::spec::two_factor::Cubic;

const N: usize = 1024;

fn starts() -> Vec<f64> {
    (0..N).map(|i| 0.1 + 0.8 * i as f64 / N as f64).collect()
}

fn bench_steps(c: &mut Criterion) {
    let mu = q_frac(6, 5);
    let map = Cubic { mu: mu.clone() };
    let mut g = c.benchmark_group("cubic_step");
    g.throughput(Throughput::Elements(N as u64));

    let (a, b) = (2.2f64, 1.2f64);
    let mut xs = starts();
    g.bench_function(BenchmarkId::new("f64", "plain"), |bench| {
        bench.iter(|| {
            for x in xs.iter_mut() {
                *x = std::hint::black_box(a) * *x - std::hint::black_box(b) * *x * *x * *x;
            }
        })
    });

    let unit = Interval::try_from((1.0, 1.0)).unwrap();
    let prep = Prepared::new(&map, &unit);
    let mut ys: Vec<[Interval; 1]> = starts()
        .iter()
        .map(|&s| [Interval::try_from((s, s)).unwrap()])
        .collect();
    g.bench_function(BenchmarkId::new("inari", "mean-value, generic"), |bench| {
        bench.iter(|| {
            for y in ys.iter_mut() {
                *y = prep.mv_step(y);
            }
        })
    });

    let balls = CubicBalls::new(&mu);
    let mut zs: Vec<Interval> = starts()
        .iter()
        .map(|&s| Interval::try_from((s, s)).unwrap())
        .collect();
    g.bench_function(BenchmarkId::new("inari", "mean-value, batched"), |bench| {
        bench.iter(|| balls.step_all(std::hint::black_box(&mut zs)))
    });

    for bits in [128u32, 512] {
        let unit = MpfrInterval::unit(bits);
        let prep = Prepared::new(&map, &unit);
        let mut ws: Vec<[MpfrInterval; 1]> = starts()
            .iter()
            .map(|&s| [unit.constant(&gdcert::arith::exact::q_from_f64(s).unwrap())])
            .collect();
        g.bench_function(
            BenchmarkId::new(format!("mpfr{bits}"), "mean-value, generic"),
            |bench| {
                bench.iter(|| {
                    for w in ws.iter_mut() {
                        *w = prep.mv_step(w);
                    }
                })
            },
        );
    }
    let mut cs = starts();
    let mut rs = vec![0f64; N];
    g.bench_function(BenchmarkId::new("ball", "mean-value, batched"), |bench| {
        bench
            .iter(|| balls.step_balls(std::hint::black_box(&mut cs), std::hint::black_box(&mut rs)))
    });

    for bits in [128u32, 512] {
        let mut balls = gdcert::methods::batch::CubicMpfrBalls::new(&mu, bits);
        let mut cs: Vec<rug::Float> = starts()
            .iter()
            .map(|&s| rug::Float::with_val(bits, s))
            .collect();
        let mut rs = vec![0f64; N];
        g.bench_function(
            BenchmarkId::new(format!("mpfr{bits}"), "mean-value, batched"),
            |bench| {
                bench.iter(|| {
                    for (c, r) in cs.iter_mut().zip(rs.iter_mut()) {
                        balls.step(c, r);
                    }
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench_steps);
criterion_main!(benches);

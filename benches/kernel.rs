//! The kernel's re-check time against the certify time, for every shipped certificate of paper 5.
//! `benches/ratios.py` prints, per instance, check time / certify time.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gdcert::methods::escalation::ArithChoice;
use gdcert::theorems::{self, instance, RunOptions};

fn bench_kernel(c: &mut Criterion) {
    let th = theorems::find("two-factor-transformer").expect("paper 5 is registered");
    let opts = RunOptions {
        arith: ArithChoice::Interval,
        max_bits: 2048,
    };
    for name in ["c1", "c2", "c3", "c4", "c5", "fail"] {
        let path = format!("certificates/instances/two-factor-transformer/{name}.toml");
        let text = std::fs::read_to_string(&path).expect("shipped instance");
        let params =
            instance::load(th.id(), &th.schema(), &path, &text, &[]).expect("valid instance");
        let mut g = c.benchmark_group(format!("paper5_{name}"));
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("baseline", "certify"), |b| {
            b.iter(|| th.certify(&params, &opts).expect("certifies"))
        });
        let claims = th.certify(&params, &opts).expect("certifies");
        let (_, json) = theorems::assemble(th, &params, &opts, claims);
        g.bench_function(BenchmarkId::new("kernel", "check"), |b| {
            b.iter(|| {
                assert!(gdcert::kernel::check_text(&json)
                    .map(|r| r.valid())
                    .unwrap_or(false))
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench_kernel);
criterion_main!(benches);

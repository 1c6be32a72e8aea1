//! The kernel's re-check time against the certify time, for every shipped instance
//! (`certificates/instances/<theorem>/<name>.toml`). `benches/ratios.py` prints, per instance,
//! check time / certify time. `cargo bench --bench kernel -- THEOREM` selects one theorem.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gdcert::methods::escalation::ArithChoice;
use gdcert::theorems::{self, instance, RunOptions};

fn bench_kernel(c: &mut Criterion) {
    let opts = RunOptions {
        arith: ArithChoice::Interval,
        max_bits: 2048,
    };
    let mut files: Vec<_> = std::fs::read_dir("certificates/instances")
        .expect("shipped instances")
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for path in files {
        let theorem = path
            .parent()
            .and_then(|d| d.file_name())
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let Some(th) = theorems::find(&theorem) else {
            continue;
        };
        let name = path.file_stem().unwrap_or_default().to_string_lossy();
        let label = path.to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).expect("readable");
        let params = instance::load(th.id(), &th.schema(), &label, &text, &[]).expect("valid");
        let mut g = c.benchmark_group(format!("{theorem}/{name}"));
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

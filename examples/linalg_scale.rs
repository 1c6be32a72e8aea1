//! faer against nalgebra on the dense `f64` operations of the audit path, at n = 1000 … 4000:
//! products, singular values and symmetric eigenvalues of the same uniform [−1, 1] matrices.
//! Each operation runs `--reps` times (default 1 above n = 2000, else 3) and the median is printed;
//! at these sizes one run takes seconds, too long for criterion's ten samples, so this is an
//! example rather than a benchmark (`benches/scale.rs` holds the criterion ratios at n ≤ 2000).
//!
//!     cargo run --release --example linalg_scale -- 1000 2000 4000
//!
//! Products use every core in both libraries' default configuration (faer: rayon; nalgebra:
//! matrixmultiply, one thread); decompositions run on one thread (faer `Par::Seq`), as the audit
//! engine runs them, and faer's threaded decomposition is shown beside.

use faer::{Mat, Par};
use gdcert::spec::random::SplitMix64;
use std::time::Instant;

fn uniform(n: usize, seed: u64) -> Mat<f64> {
    let mut rng = SplitMix64(seed);
    Mat::from_fn(n, n, |_, _| 2.0 * rng.uniform_f64() - 1.0)
}

fn median_secs(reps: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let mut sizes: Vec<usize> = vec![];
    let mut reps: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--reps" {
            reps = args.next().and_then(|r| r.parse().ok());
        } else if let Ok(n) = a.parse() {
            sizes.push(n);
        } else {
            eprintln!("usage: linalg_scale [--reps K] N [N ...]");
            std::process::exit(64);
        }
    }
    if sizes.is_empty() {
        sizes = vec![1000, 2000, 4000];
    }
    println!("| n | operation | faer (s) | faer threaded (s) | nalgebra (s) | nalgebra / faer |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for n in sizes {
        let k = reps.unwrap_or(if n > 2000 { 1 } else { 3 });
        let a = uniform(n, 1);
        let b = uniform(n, 2);
        let sym = Mat::from_fn(n, n, |i, j| a[(i, j)] + a[(j, i)]);
        let na = nalgebra::DMatrix::from_fn(n, n, |i, j| a[(i, j)]);
        let nb = nalgebra::DMatrix::from_fn(n, n, |i, j| b[(i, j)]);
        let nsym = nalgebra::DMatrix::from_fn(n, n, |i, j| sym[(i, j)]);
        let row = |op: &str, f: f64, fp: Option<f64>, g: f64| {
            let fp = fp.map_or("—".to_string(), |x| format!("{x:.3}"));
            println!("| {n} | {op} | {f:.3} | {fp} | {g:.3} | {:.1}× |", g / f);
        };

        let mut c = Mat::<f64>::zeros(n, n);
        let mm = |c: &mut Mat<f64>, par| {
            faer::linalg::matmul::matmul(c.as_mut(), faer::Accum::Replace, &a, &b, 1.0, par)
        };
        let f_seq = median_secs(k, || mm(&mut c, Par::Seq));
        let f_par = median_secs(k, || mm(&mut c, Par::rayon(0)));
        let g = median_secs(k, || drop(std::hint::black_box(&na * &nb)));
        row("product", f_seq, Some(f_par), g);

        faer::set_global_parallelism(Par::Seq);
        let f_seq = median_secs(k, || drop(std::hint::black_box(a.singular_values())));
        faer::set_global_parallelism(Par::rayon(0));
        let f_par = median_secs(k, || drop(std::hint::black_box(a.singular_values())));
        let g = median_secs(k, || {
            drop(std::hint::black_box(na.clone().singular_values()))
        });
        row("singular values", f_seq, Some(f_par), g);

        faer::set_global_parallelism(Par::Seq);
        let eig = || {
            drop(std::hint::black_box(
                sym.self_adjoint_eigenvalues(faer::Side::Lower),
            ))
        };
        let f_seq = median_secs(k, eig);
        faer::set_global_parallelism(Par::rayon(0));
        let f_par = median_secs(k, eig);
        let g = median_secs(k, || {
            drop(std::hint::black_box(nsym.clone().symmetric_eigenvalues()))
        });
        row("symmetric eigenvalues", f_seq, Some(f_par), g);
    }
}

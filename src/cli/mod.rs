//! The command line: `list`, `certify` and `check`, with the exit codes of DESIGN.md.
//!
//! | code | certify | check |
//! | --- | --- | --- |
//! | 0 | every claim CERTIFIED | every certificate valid |
//! | 1 | some claim VIOLATED | some certificate invalid |
//! | 2 | a hypothesis CONDITION_NOT_MET | |
//! | 3 | UNDECIDED | |
//! | 64 | usage error | usage error |
//! | 65 | bad input data | a malformed certificate |
//! | 74 | the output file could not be written | |

use crate::certificate::{Certificate, Claim, Verdict};
use crate::kernel;
use crate::methods::escalation::{ArithChoice, DEFAULT_MAX_BITS};
use crate::theorems::{self, instance, RunOptions, Theorem};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const EXIT_USAGE: i32 = 64;
pub const EXIT_DATA: i32 = 65;
pub const EXIT_IO: i32 = 74;

const AFTER_HELP: &str = "\
Exit codes: 0 every claim CERTIFIED (check: every certificate valid); 1 some claim VIOLATED
(check: some certificate invalid); 2 a hypothesis CONDITION_NOT_MET; 3 UNDECIDED; 64 usage error;
65 bad input data or a malformed certificate; 74 the output file could not be written.

Examples:
  gdcert list
  gdcert certify two-factor-transformer
  gdcert certify two-factor-transformer --set mu=6/5 --out c2.json
  gdcert check c2.json certificates/";

#[derive(Parser, Debug)]
#[command(
    name = "gdcert",
    version,
    about = "Certifies the theorems of optimization-theory papers on concrete instances",
    long_about = "gdcert runs a theorem's dynamics (gradient descent and its relatives) in interval or \
                  arbitrary-precision arithmetic, checks the hypotheses and bounds on rigorous enclosures, and \
                  writes a certificate that `gdcert check` re-verifies in exact rational arithmetic.",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the theorems: id, title and claim groups, one a line.
    List,
    /// Certify a theorem on an instance and print one line per claim.
    #[command(after_help = "\
Instance files are TOML; numbers are read exactly (0.1 is 1/10; write fractions as strings, \"3/2\").
Without --instance the theorem's default instance is used. --set overrides a key, e.g. --set mu=6/5
or --set catapult.a0=2.2. Each theorem's keys are listed in its default instance under
certificates/instances/<theorem>/.

Exit codes: 0 all CERTIFIED, 1 VIOLATED, 2 CONDITION_NOT_MET, 3 UNDECIDED, 64 usage, 65 bad input,
74 output not written.")]
    Certify {
        /// Theorem id (see `gdcert list`), e.g. two-factor-transformer.
        theorem: String,
        /// Instance file (TOML). Default: the theorem's default instance.
        #[arg(long, value_name = "FILE.toml")]
        instance: Option<PathBuf>,
        /// Override an instance key, e.g. --set mu=6/5 (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Arithmetic to start in: interval (53-bit inari), mpfr:BITS, or f64 (estimates only; no verdict
        /// can rest on it). Undecided claims are retried at doubled MPFR precision up to --max-bits.
        #[arg(
            long,
            default_value = "interval",
            value_name = "interval|mpfr:BITS|f64"
        )]
        arith: String,
        /// Cap of precision escalation, in bits.
        #[arg(long, default_value_t = DEFAULT_MAX_BITS, value_name = "BITS")]
        max_bits: u32,
        /// Write the certificate to this file (refuses to replace a different file without --force).
        #[arg(long, value_name = "FILE.json")]
        out: Option<PathBuf>,
        /// Allow --out to replace an existing different file.
        #[arg(long)]
        force: bool,
        /// Print the certificate (JSON) on standard output instead of the summary.
        #[arg(long)]
        json: bool,
    },
    /// Certify every eigenvalue (symmetric matrices) or singular value of a matrix file, with clusters,
    /// inertia and norms, and write a certificate that `gdcert check` re-verifies.
    #[command(after_help = "\
FILE is CSV (rows of comma-separated numbers), JSON ([[...], ...] or {\"rows\", \"cols\", \"data\"}) or numpy
.npy (f8, f4, i8, i4). Entries are read exactly: a decimal in CSV or JSON is that decimal, a float64 in
.npy is its binary value. Without --symmetric or --singular: eigenvalues when the matrix is exactly
symmetric, singular values otherwise.

Exit codes: 0 everything certified, 3 something undecided (e.g. the sign of an eigenvalue near 0),
64 usage, 65 bad matrix file (not square or not symmetric under --symmetric, NaN, ragged rows, empty),
74 output not written.")]
    Spectrum {
        /// The matrix file (.csv, .json or .npy).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The matrix must be symmetric: enclose its eigenvalues (exit 65 if it is not symmetric).
        #[arg(long)]
        symmetric: bool,
        /// Enclose the singular values.
        #[arg(long)]
        singular: bool,
        /// Write the certificate to this file (refuses to replace a different file without --force).
        #[arg(long, value_name = "FILE.json")]
        out: Option<PathBuf>,
        /// Allow --out to replace an existing different file.
        #[arg(long)]
        force: bool,
        /// Print the certificate (JSON) on standard output instead of the summary.
        #[arg(long)]
        json: bool,
    },
    /// Audit a claim that can only be tested statistically: run the dynamics in f64 over seeds × sizes
    /// (in parallel) and judge the statistics against a pass criterion stated in advance. The report
    /// says AUDIT_PASS or AUDIT_FAIL, never CERTIFIED.
    #[command(after_help = "\
Each run of (size, seed) draws from SplitMix64(seed) only: the same seed gives the same numbers for any
--jobs. --out FILE.json writes the report (format gdcert-audit/1) and FILE.csv beside it (one line a
run); `gdcert check FILE.json` re-runs one recorded seed and recomputes every statistic.

Exit codes: 0 AUDIT_PASS, 1 AUDIT_FAIL, 3 UNDECIDED (an interval straddles the criterion), 64 usage,
65 bad input, 74 output not written.

Example:
  gdcert audit pl-asymptotic-rate --seeds 50 --jobs 2 --out sgd-audit.json")]
    Audit {
        /// Theorem id (see `gdcert list`).
        theorem: String,
        /// Instance file (TOML). Default: the theorem's audit instance.
        #[arg(long, value_name = "FILE.toml")]
        instance: Option<PathBuf>,
        /// Override an instance key, e.g. --set sgd.s=1/4 (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Sizes to run, comma-separated (their meaning is the theorem's: a dimension, a number of steps).
        #[arg(long, value_name = "N,N,...")]
        sizes: Option<String>,
        /// Seeds: a count K (the first K seeds of the instance's range) or a range A..B (B excluded).
        #[arg(long, value_name = "K|A..B")]
        seeds: Option<String>,
        /// Worker threads (default: every core).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// Write the report (JSON) to this file and its runs to the .csv beside it.
        #[arg(long, value_name = "FILE.json")]
        out: Option<PathBuf>,
        /// Allow --out to replace existing different files.
        #[arg(long)]
        force: bool,
        /// Print the report (JSON) on standard output instead of the summary.
        #[arg(long)]
        json: bool,
    },
    /// Re-verify certificates in exact rational arithmetic (files, or directories searched for *.json).
    /// Audit reports are re-checked by re-running one recorded seed.
    Check {
        /// Certificate files or directories.
        #[arg(required = true, value_name = "FILE.json|DIR")]
        paths: Vec<PathBuf>,
        /// Print what was verified for every claim.
        #[arg(long, short)]
        verbose: bool,
        /// Print a JSON report on standard output.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => EXIT_USAGE,
            };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::List => list(),
        Command::Certify {
            theorem,
            instance,
            sets,
            arith,
            max_bits,
            out,
            force,
            json,
        } => certify(
            &theorem,
            instance.as_deref(),
            &sets,
            &arith,
            max_bits,
            out.as_deref(),
            force,
            json,
        ),
        Command::Spectrum {
            file,
            symmetric,
            singular,
            out,
            force,
            json,
        } => spectrum(&file, symmetric, singular, out.as_deref(), force, json),
        Command::Audit {
            theorem,
            instance,
            sets,
            sizes,
            seeds,
            jobs,
            out,
            force,
            json,
        } => audit(&AuditArgs {
            theorem,
            instance,
            sets,
            sizes,
            seeds,
            jobs,
            out,
            force,
            json,
        }),
        Command::Check {
            paths,
            verbose,
            json,
        } => check(&paths, verbose, json),
    }
}

fn list() -> i32 {
    for t in theorems::registry() {
        println!("{}\t{}\t{}", t.id(), t.title(), t.claim_groups());
    }
    0
}

fn usage(msg: &str) -> i32 {
    eprintln!("gdcert: {msg}");
    EXIT_USAGE
}

#[allow(clippy::too_many_arguments)]
fn certify(
    theorem: &str,
    instance_path: Option<&Path>,
    sets: &[String],
    arith: &str,
    max_bits: u32,
    out: Option<&Path>,
    force: bool,
    json: bool,
) -> i32 {
    let Some(th) = theorems::find(theorem) else {
        let known: Vec<&str> = theorems::registry().iter().map(|t| t.id()).collect();
        return usage(&format!(
            "unknown theorem `{theorem}` (known: {})",
            known.join(", ")
        ));
    };
    let arith = match ArithChoice::parse(arith) {
        Ok(a) => a,
        Err(m) => return usage(&format!("--arith: {m}")),
    };
    if !(crate::arith::mpfr::MIN_PREC..=crate::methods::escalation::MAX_RUN_BITS)
        .contains(&max_bits)
    {
        return usage(&format!(
            "--max-bits must be between {} and {}",
            crate::arith::mpfr::MIN_PREC,
            crate::methods::escalation::MAX_RUN_BITS
        ));
    }
    let (label, text) = match instance_path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => (p.display().to_string(), t),
            Err(e) => {
                eprintln!(
                    "gdcert: {}: cannot read the instance file: {e}",
                    p.display()
                );
                return EXIT_DATA;
            }
        },
        None => {
            let (name, text) = th.default_instance();
            (name.to_string(), text.to_string())
        }
    };
    let params = match instance::load(th.id(), &th.schema(), &label, &text, sets) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("gdcert: {e}");
            return EXIT_DATA;
        }
    };
    let opts = RunOptions {
        arith,
        max_bits: max_bits.max(arith.bits()),
    };
    let started = Instant::now();
    crate::progress::start(&format!("certify {}", th.id()));
    let result = th.certify(&params, &opts);
    crate::progress::finish();
    let claims = match result {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gdcert: {e}");
            return EXIT_DATA;
        }
    };
    let (cert, text) = theorems::assemble(th, &params, &opts, claims);
    if let Some(path) = out {
        if let Err((code, msg)) = write_out(path, &text, force) {
            eprintln!("gdcert: {msg}");
            return code;
        }
    }
    if json {
        print!("{text}");
    } else {
        print_summary(th, &cert, &opts, started.elapsed().as_secs_f64(), out);
    }
    cert.verdict.exit_code()
}

/// Writes `text` to `path` unless a different file is there (and `force` is not given).
fn write_out(path: &Path, text: &str, force: bool) -> Result<(), (i32, String)> {
    if let Ok(existing) = std::fs::read(path) {
        if existing == text.as_bytes() {
            return Ok(());
        }
        if !force {
            return Err((
                EXIT_USAGE,
                format!(
                    "{} exists and differs from this certificate; pass --force to replace it",
                    path.display()
                ),
            ));
        }
    } else if path.is_dir() {
        return Err((EXIT_IO, format!("{} is a directory", path.display())));
    }
    let tmp = path.with_extension("json.tmp");
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, path));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        (
            EXIT_IO,
            format!("{}: cannot write the certificate: {e}", path.display()),
        )
    })
}

/// One summary line: verdict, id, the enclosure with its bound, then the statement.
fn claim_line(c: &Claim) -> String {
    let enc = match &c.enclosure {
        Some(e) => e.display(8),
        None if c.arithmetic == "exact" => "exact identity".into(),
        None => "—".into(),
    };
    let bound = c
        .bound
        .as_ref()
        .map(|b| format!(" {}", b.display()))
        .unwrap_or_default();
    let note = c
        .note
        .as_ref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    format!(
        "{:<17} {:<28} {:<44} {}{note}",
        c.verdict.as_str(),
        c.id,
        format!("{enc}{bound}"),
        c.statement
    )
}

fn print_summary(
    th: &dyn Theorem,
    cert: &Certificate,
    opts: &RunOptions,
    secs: f64,
    out: Option<&Path>,
) {
    let params: Vec<String> = cert
        .instance
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    println!(
        "{} — instance {} ({})",
        th.id(),
        cert.instance.name,
        params.join(", ")
    );
    println!(
        "arithmetic {} (escalation up to {} bits)",
        opts.arith, opts.max_bits
    );
    if !opts.arith.is_rigorous() {
        println!("note: f64 gives estimates only; no numeric claim can be CERTIFIED in it");
    }
    for c in &cert.claims {
        println!("{}", claim_line(c));
    }
    let n = cert.claims.len();
    let certified = cert
        .claims
        .iter()
        .filter(|c| c.verdict == Verdict::Certified)
        .count();
    print!(
        "verdict: {} ({certified}/{n} claims certified, {secs:.2} s, exit {})",
        cert.verdict,
        cert.verdict.exit_code()
    );
    if let Some(p) = out {
        print!("; certificate {}", p.display());
    }
    println!();
}

fn spectrum(
    file: &Path,
    symmetric: bool,
    singular: bool,
    out: Option<&Path>,
    force: bool,
    json: bool,
) -> i32 {
    use crate::theorems::spectrum::{assemble, certify_matrix, kernel_method, Mode};
    let a = match crate::linalg::io::read_matrix(file) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gdcert: {e}");
            return EXIT_DATA;
        }
    };
    let is_symmetric = a.asymmetry().is_none();
    if symmetric && !a.is_square() {
        eprintln!(
            "gdcert: {}: --symmetric needs a square matrix, this one is {}x{}",
            file.display(),
            a.rows,
            a.cols
        );
        return EXIT_DATA;
    }
    if symmetric && !is_symmetric {
        if let Some((i, j)) = a.asymmetry() {
            eprintln!(
                "gdcert: {}: not symmetric: entry ({}, {}) is {} but entry ({}, {}) is {}",
                file.display(),
                i + 1,
                j + 1,
                crate::arith::format_exact(a.get(i, j)),
                j + 1,
                i + 1,
                crate::arith::format_exact(a.get(j, i))
            );
        }
        return EXIT_DATA;
    }
    if a.max_abs_f64() > 1e300 {
        eprintln!(
            "gdcert: {}: entries beyond 1e300 are out of range",
            file.display()
        );
        return EXIT_DATA;
    }
    let mode = Mode {
        eigen: symmetric || (!singular && is_symmetric),
        singular: singular || (!symmetric && !is_symmetric),
    };
    let started = Instant::now();
    crate::progress::start(&format!("spectrum {}", file.display()));
    let report = certify_matrix(&a, mode);
    crate::progress::finish();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let (cert, text) = assemble(&name, &a, mode, report.claims.clone());
    if let Some(path) = out {
        if let Err((code, msg)) = write_out(path, &text, force) {
            eprintln!("gdcert: {msg}");
            return code;
        }
    }
    if json {
        print!("{text}");
        return cert.verdict.exit_code();
    }
    println!(
        "{}: {}x{} matrix, {}",
        file.display(),
        a.rows,
        a.cols,
        if is_symmetric {
            "exactly symmetric"
        } else {
            "not symmetric"
        }
    );
    let show = |lo: f64, hi: f64| {
        format!(
            "[{}, {}]",
            crate::arith::exact::format_directed(
                &crate::arith::exact::q_from_f64(lo).unwrap_or_default(),
                16,
                false
            ),
            crate::arith::exact::format_directed(
                &crate::arith::exact::q_from_f64(hi).unwrap_or_default(),
                16,
                true
            )
        )
    };
    if let Some(s) = &report.spectrum {
        println!(
            "eigenvalues (ascending), every one enclosed: |λᵢ − λ̃ᵢ| ≤ δ = {:.3e}; the kernel re-verifies {}",
            s.radius,
            if kernel_method(a.rows) == "exact" { "in exact rational arithmetic" } else { "with MPFR dot products rounded outward" }
        );
        for (i, &(lo, hi)) in s.enclosures.iter().enumerate() {
            let mid = 0.5 * lo + 0.5 * hi;
            let rel = if mid != 0.0 {
                (hi - lo) / mid.abs()
            } else {
                hi - lo
            };
            println!(
                "  λ_{:<5} {}  (relative width {:.1e})",
                i + 1,
                show(lo, hi),
                rel
            );
        }
        let clusters: Vec<_> = s.clusters.iter().filter(|c| c.count > 1).collect();
        if clusters.is_empty() {
            println!("clusters: none (every eigenvalue is separated from the others)");
        }
        for c in clusters {
            println!(
                "  cluster λ_{}…λ_{}: {} eigenvalues in {}, not separated",
                c.first + 1,
                c.first + c.count,
                c.count,
                show(c.lo, c.hi)
            );
        }
    }
    if let Some(sv) = &report.singular {
        println!("singular values (descending), every one enclosed:");
        for (i, &(lo, hi)) in sv.enclosures.iter().enumerate() {
            println!("  σ_{:<5} {}", i + 1, show(lo, hi));
        }
    }
    for c in &cert.claims {
        if ["inertia", "norm.spectral", "norm.frobenius"].contains(&c.id.as_str())
            || c.verdict != crate::certificate::Verdict::Certified
        {
            if c.id.starts_with("eigenvalue.")
                || c.id.starts_with("singular_value.")
                || c.id.starts_with("cluster.")
            {
                continue;
            }
            println!("{}", claim_line(c));
        }
    }
    print!(
        "verdict: {} ({} claims, {:.2} s, exit {})",
        cert.verdict,
        cert.claims.len(),
        started.elapsed().as_secs_f64(),
        cert.verdict.exit_code()
    );
    if let Some(p) = out {
        print!("; certificate {}", p.display());
    }
    println!();
    cert.verdict.exit_code()
}

/// Every `*.json` file under the given paths, sorted, with the paths that do not exist.
fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut files = vec![];
    let mut missing = vec![];
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    for p in paths {
        if p.is_dir() {
            walk(p, &mut files);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            missing.push(p.clone());
        }
    }
    (files, missing)
}

struct AuditArgs {
    theorem: String,
    instance: Option<PathBuf>,
    sets: Vec<String>,
    sizes: Option<String>,
    seeds: Option<String>,
    jobs: Option<usize>,
    out: Option<PathBuf>,
    force: bool,
    json: bool,
}

/// Parses `--sizes` (comma-separated positive integers).
fn parse_sizes(text: &str) -> Result<Vec<u64>, String> {
    let sizes: Vec<u64> = text
        .split(',')
        .map(|t| match t.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("--sizes: `{}` is not a positive integer", t.trim())),
        })
        .collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        return Err("--sizes: give at least one size".into());
    }
    Ok(sizes)
}

/// Parses `--seeds`: a count K (from `first` on) or a range `A..B`.
fn parse_seeds(text: &str, first: u64) -> Result<Vec<u64>, String> {
    let bad = || format!("--seeds: `{text}` is neither a count K ≥ 1 nor a range A..B with A < B");
    let seeds: Vec<u64> = match text.split_once("..") {
        Some((a, b)) => {
            let a: u64 = a.trim().parse().map_err(|_| bad())?;
            let b: u64 = b.trim().parse().map_err(|_| bad())?;
            (a..b).collect()
        }
        None => {
            let k: u64 = text.trim().parse().map_err(|_| bad())?;
            (first..first.saturating_add(k)).collect()
        }
    };
    if seeds.is_empty() {
        return Err(bad());
    }
    if seeds.len() > 1_000_000 {
        return Err("--seeds: at most 1000000 seeds".into());
    }
    Ok(seeds)
}

fn audit(a: &AuditArgs) -> i32 {
    let Some(th) = theorems::find(&a.theorem) else {
        let known: Vec<&str> = theorems::registry()
            .iter()
            .filter(|t| t.auditor().is_some())
            .map(|t| t.id())
            .collect();
        return usage(&format!(
            "unknown theorem `{}` (theorems with audits: {})",
            a.theorem,
            known.join(", ")
        ));
    };
    let Some(auditor) = th.auditor() else {
        return usage(&format!(
            "`{}` has no audit: every claim it states is certified by `gdcert certify {}`",
            th.id(),
            th.id()
        ));
    };
    let (label, text) = match &a.instance {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => (p.display().to_string(), t),
            Err(e) => {
                eprintln!(
                    "gdcert: {}: cannot read the instance file: {e}",
                    p.display()
                );
                return EXIT_DATA;
            }
        },
        None => {
            let (name, text) = auditor.default_instance();
            (name.to_string(), text.to_string())
        }
    };
    let params = match instance::load(th.id(), &th.schema(), &label, &text, &a.sets) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("gdcert: {e}");
            return EXIT_DATA;
        }
    };
    if let Err(e) = auditor.validate(&params) {
        eprintln!("gdcert: {e}");
        return EXIT_DATA;
    }
    let mut grid = auditor.grid(&params);
    if let Some(s) = &a.sizes {
        match parse_sizes(s) {
            Ok(v) => grid.sizes = v,
            Err(m) => return usage(&m),
        }
    }
    if let Some(s) = &a.seeds {
        match parse_seeds(s, grid.seeds.first().copied().unwrap_or(0)) {
            Ok(v) => grid.seeds = v,
            Err(m) => return usage(&m),
        }
    }
    let jobs = match a.jobs {
        Some(0) => return usage("--jobs must be at least 1"),
        Some(j) => j,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    if let Some(out) = &a.out {
        if out.extension().is_none_or(|e| e != "json") {
            return usage("--out must name a .json file (the runs go to the .csv beside it)");
        }
    }
    let total = (grid.sizes.len() * grid.seeds.len()) as u64;
    let started = Instant::now();
    crate::progress::start_counted(&format!("audit {}", th.id()), total);
    let result = crate::audit::audit(th, auditor, &params, grid, jobs, &crate::progress::advance);
    crate::progress::finish();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gdcert: {e}");
            return EXIT_DATA;
        }
    };
    let text = serde_json::to_string_pretty(&report).unwrap_or_default() + "\n";
    if let Some(out) = &a.out {
        let csv_path = out.with_extension("csv");
        for (path, body) in [
            (out.as_path(), &text),
            (csv_path.as_path(), &crate::audit::runs_csv(&report)),
        ] {
            if let Err((code, msg)) = write_out(path, body, a.force) {
                eprintln!("gdcert: {msg}");
                return code;
            }
        }
    }
    if a.json {
        print!("{text}");
        return report.verdict.exit_code();
    }
    let p = &report.protocol;
    println!(
        "{} — audit of instance {} (never a proof)",
        th.id(),
        report.instance
    );
    let measured = report.runs.iter().filter(|r| r.note.is_none()).count();
    println!(
        "runs: {} ({} sizes × {} seeds, {} measured) on {jobs} threads; seeds {}..{}; bootstrap {} resamples at {:.0}%, seed {}",
        report.runs.len(),
        p.grid.sizes.len(),
        p.grid.seeds.len(),
        measured,
        p.grid.seeds.first().unwrap_or(&0),
        p.grid.seeds.last().map_or(0, |s| s + 1),
        p.resamples,
        p.confidence * 100.0,
        p.bootstrap_seed
    );
    for s in &report.statistics {
        let est = s.estimate.map_or("—".into(), |e| format!("{e:.6}"));
        let iv = s.interval.map_or("no interval".into(), |[lo, hi]| {
            format!("[{lo:.6}, {hi:.6}]")
        });
        println!(
            "{:<17} {:<28} {est:<12} {iv:<28} {}",
            s.verdict.as_str(),
            s.id,
            s.criterion
        );
        println!("{:<17} {}", "", s.statement);
    }
    print!(
        "verdict: {} ({} statistics, {:.2} s, exit {})",
        report.verdict,
        report.statistics.len(),
        started.elapsed().as_secs_f64(),
        report.verdict.exit_code()
    );
    if let Some(o) = &a.out {
        print!(
            "; report {} and {}",
            o.display(),
            o.with_extension("csv").display()
        );
    }
    println!();
    report.verdict.exit_code()
}

/// Re-checks an audit report: re-runs its first recorded seed and recomputes its statistics.
fn check_audit_report(text: &str) -> Result<(String, Vec<String>), String> {
    let report: crate::audit::AuditReport =
        serde_json::from_str(text).map_err(|e| format!("not a gdcert-audit/1 report: {e}"))?;
    let th = theorems::find(&report.theorem)
        .ok_or_else(|| format!("theorem `{}` is not known", report.theorem))?;
    let auditor = th
        .auditor()
        .ok_or_else(|| format!("`{}` has no audit", report.theorem))?;
    let r = crate::audit::recheck(th, auditor, &report, None)?;
    let rerun = match r.rerun {
        Some((size, seed)) => format!("re-ran size {size}, seed {seed}"),
        None => "no run to re-run".into(),
    };
    Ok((
        format!(
            "{} {} — audit, {} runs, verdict {} ({rerun})",
            report.theorem,
            report.instance,
            report.runs.len(),
            report.verdict
        ),
        r.problems,
    ))
}

/// What checking one file gave.
enum FileOutcome {
    Unreadable(String),
    Audit(Result<(String, Vec<String>), String>),
    Certificate(Result<kernel::Report, kernel::Malformed>),
}

/// Checks the files in parallel (each file is independent; rayon's pool, one file per task) and
/// reports them in the order given, so the output does not depend on the thread count.
fn check(paths: &[PathBuf], verbose: bool, json: bool) -> i32 {
    use rayon::prelude::*;
    let (files, missing) = collect(paths);
    let mut malformed = !missing.is_empty();
    let mut invalid = false;
    for m in &missing {
        eprintln!("gdcert: {}: no such file or directory", m.display());
    }
    if files.is_empty() && missing.is_empty() {
        eprintln!("gdcert: no certificate (*.json) found under the given paths");
        return EXIT_USAGE;
    }
    let mut json_reports = vec![];
    if files.len() > 1 {
        crate::progress::start_counted("check", files.len() as u64);
    }
    let outcomes: Vec<(FileOutcome, f64)> = files
        .par_iter()
        .map(|f| {
            let started = Instant::now();
            let outcome = match std::fs::read_to_string(f) {
                Err(e) => FileOutcome::Unreadable(e.to_string()),
                Ok(text)
                    if text
                        .contains(&format!("\"format\": \"{}\"", crate::audit::AUDIT_FORMAT)) =>
                {
                    FileOutcome::Audit(check_audit_report(&text))
                }
                Ok(text) => FileOutcome::Certificate(kernel::check_text(&text)),
            };
            crate::progress::stage(&f.display().to_string());
            crate::progress::advance();
            (outcome, started.elapsed().as_secs_f64())
        })
        .collect();
    for (f, (outcome, secs)) in files.iter().zip(outcomes) {
        match outcome {
            FileOutcome::Unreadable(e) => {
                crate::progress::err(&format!("MALFORMED {}: cannot read: {e}", f.display()));
                malformed = true;
            }
            FileOutcome::Audit(Err(m)) => {
                malformed = true;
                crate::progress::err(&format!("MALFORMED {}: {m}", f.display()));
            }
            FileOutcome::Audit(Ok((summary, problems))) => {
                invalid |= !problems.is_empty();
                if json {
                    json_reports.push(serde_json::json!({"file": f.display().to_string(), "status": if problems.is_empty() { "valid" } else { "invalid" }, "audit": summary, "problems": problems}));
                    continue;
                }
                crate::progress::out(&format!(
                    "{} {}: {summary} ({secs:.2} s)",
                    if problems.is_empty() {
                        "VALID  "
                    } else {
                        "INVALID"
                    },
                    f.display()
                ));
                for p in &problems {
                    crate::progress::out(&format!("    problem: {p}"));
                }
            }
            FileOutcome::Certificate(Err(kernel::Malformed(m))) => {
                malformed = true;
                if json {
                    json_reports.push(serde_json::json!({"file": f.display().to_string(), "status": "malformed", "error": m}));
                } else {
                    crate::progress::err(&format!("MALFORMED {}: {m}", f.display()));
                }
            }
            FileOutcome::Certificate(Ok(r)) => {
                let ok = r.valid();
                invalid |= !ok;
                if json {
                    let claims: Vec<_> = r
                        .claims
                        .iter()
                        .map(|c| serde_json::json!({"id": c.id, "verdict": c.verdict.as_str(), "ok": c.ok, "reason": c.reason}))
                        .collect();
                    json_reports.push(serde_json::json!({
                        "file": f.display().to_string(), "status": if ok { "valid" } else { "invalid" },
                        "theorem": r.theorem, "instance": r.instance, "verdict": r.verdict.as_str(),
                        "problems": r.problems, "claims": claims
                    }));
                    continue;
                }
                let bad = r.claims.iter().filter(|c| !c.ok).count();
                crate::progress::out(&format!(
                    "{} {}: {} {} — {} claims, verdict {}{} ({secs:.2} s)",
                    if ok { "VALID  " } else { "INVALID" },
                    f.display(),
                    r.theorem,
                    r.instance,
                    r.claims.len(),
                    r.verdict,
                    if bad > 0 {
                        format!(", {bad} rejected")
                    } else {
                        String::new()
                    }
                ));
                for p in &r.problems {
                    crate::progress::out(&format!("    problem: {p}"));
                }
                for c in &r.claims {
                    if verbose || !c.ok {
                        crate::progress::out(&format!(
                            "    {} {:<28} {:<17} {}",
                            if c.ok { "ok " } else { "BAD" },
                            c.id,
                            c.verdict.as_str(),
                            c.reason
                        ));
                    }
                }
            }
        }
    }
    crate::progress::finish();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json_reports).unwrap_or_default()
        );
    }
    if malformed {
        EXIT_DATA
    } else if invalid {
        1
    } else {
        0
    }
}

//! Kernel checks for `inductive-matrix-completion` (paper 8).
//!
//! The kernel rebuilds the instance from its parameters with [`crate::spec::imc`] (binary64 side
//! matrices, Cayley-rational Θ*, SplitMix64 Ω and ε), and the Gram matrix `𝒜*𝒜` exactly. Then:
//! * `S.count`: `|Ω|` counted; `S.sigma_min` with `|Ω| < ab` is `0` by counting;
//! * `S.sigma_*`: both congruence witnesses of the bracket re-checked on the exact Gram matrix
//!   (MPFR-128 products, `congruence_counts`), and `lo² <= t_lo`, `hi² >= t_hi` exactly;
//! * `J.orbit`: the start is the recorded `U0, V0`, and `F(B_k) ⊆ B_{k+1}` for every box, with `F`
//!   the spec's GD step evaluated by the kernel in MPFR intervals at the claim's precision + 64 bits
//!   (exact rationals are too slow for 100 steps); the projection is the identity by `J.inactive`;
//! * every per-step and I2 claim recomputed from the boxes with the spec's formulas in the same
//!   MPFR intervals, the pseudo-inverse parts by exact rational solves.

use super::checks::{bits_of, conclude, q, Expect};
use super::matrix::{check_bracket, check_congruence_witness, KMat};
use super::{ClaimCheck, Malformed};
use crate::arith::exact::Q;
use crate::arith::{q_int, Enclosure, MpfrInterval, RatInterval, Ring};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::imc::{i2_values, quantities, Data, Pgd, Quantities, Setup};
use std::collections::BTreeSet;

const MAP: &str = "imc_gd";
const GRAM: &str = "gram";

fn param_q(cert: &Certificate, key: &str) -> Result<Q, Malformed> {
    let s = cert
        .instance
        .params
        .get(key)
        .ok_or_else(|| Malformed(format!("instance.params: key `{key}` is missing")))?;
    q(s, &format!("instance.params.{key}")).map_err(Malformed)
}

fn param_usize(cert: &Certificate, key: &str, max: usize) -> Result<usize, Malformed> {
    let v = param_q(cert, key)?;
    if !v.is_integer() || v < q_int(0) || v > q_int(max as i64) {
        return Err(Malformed(format!(
            "instance.params.{key}: expected an integer in [0, {max}]"
        )));
    }
    Ok(v.to_integer().try_into().unwrap_or(0))
}

struct Inst {
    setup: Setup,
    r: usize,
    eta: Q,
    steps: usize,
    rho: Q,
    additive: Q,
    diff_rate: Q,
    radius: Q,
}

fn instance(cert: &Certificate) -> Result<Inst, Malformed> {
    let n = param_usize(cert, "n", 200)?;
    let a = param_usize(cert, "a", 12)?;
    let spectrum: Vec<Q> = cert
        .instance
        .params
        .get("spectrum")
        .ok_or_else(|| Malformed("instance.params: key `spectrum` is missing".into()))?
        .split(',')
        .map(|s| q(s.trim(), "instance.params.spectrum").map_err(Malformed))
        .collect::<Result<_, _>>()?;
    let p = param_q(cert, "p")?;
    let angle = param_q(cert, "angle")?;
    if a == 0
        || 2 * a > n
        || spectrum.is_empty()
        || spectrum.len() > a
        || p <= q_int(0)
        || p > q_int(1)
    {
        return Err(Malformed(
            "instance.params: n, a, spectrum or p out of range".into(),
        ));
    }
    let seed = cert
        .instance
        .params
        .get("seed")
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| Malformed("instance.params.seed: expected an integer".into()))?;
    Ok(Inst {
        r: spectrum.len(),
        setup: Setup {
            n1: n,
            n2: n,
            a,
            b: a,
            spectrum,
            p,
            sigma: param_q(cert, "sigma")?,
            seed,
            angle,
        },
        eta: param_q(cert, "eta")?,
        steps: param_usize(cert, "steps", 1000)?,
        rho: param_q(cert, "rho")?,
        additive: param_q(cert, "additive")?,
        diff_rate: param_q(cert, "diff_rate")?,
        radius: param_q(cert, "radius")?,
    })
}

fn to_rat(x: &MpfrInterval, bits: u32) -> Option<RatInterval> {
    x.bounds().map(|(l, h)| RatInterval::new(l, h, bits))
}

struct Ctx<'a> {
    cert: &'a Certificate,
    inst: Inst,
    data: Data,
    gram: Vec<Q>,
}

struct Run {
    bits: u32,
    pgd: Pgd<MpfrInterval>,
    boxes: Vec<Vec<MpfrInterval>>,
    qs: Quantities<MpfrInterval>,
}

impl Ctx<'_> {
    /// The counts below `t` of a congruence witness on the exact Gram matrix.
    fn congruence(&self, w: &Witness) -> Result<(Q, usize), String> {
        let n = self.data.a * self.data.b;
        let g = KMat::of_rationals(n, n, &self.gram, false);
        let (t, below, _) = check_congruence_witness(w, GRAM, &g, false)?;
        Ok((t, below))
    }

    /// The verified enclosure of σ_index(𝒜) (eigenvalue `index` of 𝒜*𝒜, ascending, square-rooted).
    fn sigma(&self, c: &Claim, index: usize) -> Result<RatInterval, String> {
        let (tl, th) = check_bracket(c, index, |w| self.congruence(w))?;
        let (lo, hi) = c.enclosure.as_ref().ok_or("no enclosure")?.parse()?;
        if lo < q_int(0) || lo.clone() * &lo > tl || hi.clone() * &hi < th {
            return Err(
                "the enclosure's squares do not contain the bracket of the eigenvalue".into(),
            );
        }
        Ok(RatInterval::new(lo, hi, 128))
    }

    fn run(&self, orbit: &Claim) -> Result<Run, String> {
        let Witness::Orbit { map, start, boxes } = &orbit.witness else {
            return Err("J.orbit has no orbit witness".into());
        };
        if map != MAP {
            return Err(format!("map `{map}`, expected `{MAP}`"));
        }
        let (a, b, r) = (self.data.a, self.data.b, self.inst.r);
        let dim = (a + b) * r;
        let mats = &self.cert.instance.matrices;
        let (u0, v0) = match (mats.get("U0"), mats.get("V0")) {
            (Some(u), Some(v)) if u.rows == a && u.cols == r && v.rows == b && v.cols == r => {
                (u, v)
            }
            _ => return Err("instance.matrices U0 (a×r) and V0 (b×r) are required".into()),
        };
        let recorded: Vec<Q> = u0
            .entries
            .iter()
            .chain(&v0.entries)
            .map(|s| q(s, "U0/V0"))
            .collect::<Result<_, _>>()?;
        let start: Vec<Q> = start
            .iter()
            .map(|s| q(s, "start"))
            .collect::<Result<_, _>>()?;
        if start != recorded {
            return Err("the orbit does not start at the recorded U0, V0".into());
        }
        if boxes.len() != self.inst.steps + 1 || boxes.iter().any(|bx| bx.len() != dim) {
            return Err(format!(
                "expected {} boxes of {dim} coordinates",
                self.inst.steps + 1
            ));
        }
        let bits = bits_of(orbit);
        let unit = MpfrInterval::unit(bits);
        let bx: Vec<Vec<MpfrInterval>> = boxes
            .iter()
            .map(|bx| {
                bx.iter()
                    .map(|e| e.parse().map(|(l, h)| MpfrInterval::from_q(bits, &l, &h)))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<_, _>>()?;
        if !start.iter().zip(&bx[0]).all(|(s, x)| x.contains_q(s)) {
            return Err("the first box does not contain the start".into());
        }
        let pgd = Pgd::new(
            &unit,
            &self.data,
            &self.gram,
            r,
            &self.inst.setup.p,
            &self.inst.eta,
        );
        for k in 0..self.inst.steps {
            let img = pgd.step(&bx[k]);
            if let Some(i) = (0..dim).find(|&i| !img[i].subset(&bx[k + 1][i])) {
                return Err(format!(
                    "F(B_{k}) is not inside B_{} (coordinate {i})",
                    k + 1
                ));
            }
        }
        let tref: Vec<MpfrInterval> = self
            .data
            .theta_ref
            .iter()
            .map(|x| unit.constant(x))
            .collect();
        let qs = quantities(&pgd, &bx, &tref);
        Ok(Run {
            bits,
            pgd,
            boxes: bx,
            qs,
        })
    }
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let inst = instance(cert)?;
    let data = inst.setup.build();
    let ab = data.a * data.b;
    let count = data.omega.len();
    let gram = if count >= ab { data.gram() } else { vec![] };
    let ctx = Ctx {
        cert,
        inst,
        data,
        gram,
    };
    // Which claims the instance asks for.
    let mut expected: BTreeSet<String> = ["S.count", "S.sigma_min"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let sigma_certified = cert
        .claim("S.sigma_min")
        .is_some_and(|c| c.verdict == Verdict::Certified);
    if count >= ab {
        expected.insert("S.sigma_max".into());
        if sigma_certified {
            for id in ["J.orbit", "J.inactive"] {
                expected.insert(id.into());
            }
            for k in 0..ctx.inst.steps {
                expected.insert(format!("J.additive.{k}"));
                if k >= 1 {
                    expected.insert(format!("J.diff.{k}"));
                }
            }
        }
    }
    let present: BTreeSet<String> = cert.claims.iter().map(|c| c.id.clone()).collect();
    let mut out = vec![];
    if let Some(m) = expected.difference(&present).next() {
        out.push(ClaimCheck {
            id: m.clone(),
            verdict: Verdict::Undecided,
            ok: false,
            reason: "the instance asks for this claim and the certificate omits it".into(),
        });
    }
    let run = cert
        .claim("J.orbit")
        .filter(|c| c.verdict != Verdict::Undecided)
        .map(|c| ctx.run(c));
    let sigma_lo = cert
        .claim("S.sigma_min")
        .filter(|_| count >= ab)
        .map(|c| ctx.sigma(c, 1));
    for c in &cert.claims {
        let res = check_claim(&ctx, c, run.as_ref(), sigma_lo.as_ref(), count, ab);
        out.push(match res {
            Ok(reason) => ClaimCheck {
                id: c.id.clone(),
                verdict: c.verdict,
                ok: true,
                reason,
            },
            Err(reason) => ClaimCheck {
                id: c.id.clone(),
                verdict: c.verdict,
                ok: false,
                reason,
            },
        });
    }
    Ok(out)
}

fn uses_orbit(c: &Claim) -> Result<(), String> {
    match &c.witness {
        Witness::Uses { claim, .. } if claim == "J.orbit" => Ok(()),
        _ => Err("expected a `uses` witness of J.orbit".into()),
    }
}

fn check_claim(
    ctx: &Ctx<'_>,
    c: &Claim,
    run: Option<&Result<Run, String>>,
    sigma_lo: Option<&Result<RatInterval, String>>,
    count: usize,
    ab: usize,
) -> Result<String, String> {
    let inst = &ctx.inst;
    let expect =
        |role, bound: Option<(&'static str, Q, Q)>, computed: Option<RatInterval>, what: &str| {
            conclude(
                c,
                Expect {
                    role,
                    bound,
                    computed,
                    what: what.into(),
                },
            )
        };
    let pt = |v: Q| Some(("", v.clone(), v));
    let b = |rel: &'static str, v: &Q| pt(v.clone()).map(|(_, l, h)| (rel, l, h));
    if c.verdict == Verdict::Undecided && matches!(c.witness, Witness::None) {
        let (role, bound) = match c.id.as_str() {
            "S.sigma_min" => (Role::Hypothesis, b(">", &q_int(0))),
            "J.inactive" => (
                Role::Hypothesis,
                b("<=", &(inst.radius.clone() * &inst.radius)),
            ),
            id if id.starts_with("J.additive.") => (Role::Conclusion, b("<=", &inst.additive)),
            id if id.starts_with("J.diff.") => (Role::Conclusion, b("<=", &inst.diff_rate)),
            _ => (
                c.role,
                c.bound
                    .as_ref()
                    .and_then(|x| x.value.parse().ok().map(|(l, h)| (leak(&x.relation), l, h))),
            ),
        };
        return expect(role, bound, None, "undecided");
    }
    let point = |n: usize| Some(RatInterval::point(q_int(n as i64), 64));
    match c.id.as_str() {
        "S.count" => expect(
            Role::Hypothesis,
            b(">=", &q_int(ab as i64)),
            point(count),
            "|Ω| counted from SplitMix64",
        ),
        "S.sigma_min" if count < ab => {
            if !matches!(c.witness, Witness::Exact) {
                return Err("σ_min = 0 by counting has an exact witness".into());
            }
            expect(
                Role::Hypothesis,
                b(">", &q_int(0)),
                point(0),
                "rank 𝒜 <= |Ω| < ab, so σ_min(𝒜) = 0",
            )
        }
        "S.sigma_min" => {
            let s = sigma_lo.ok_or("no σ_min")?.clone()?;
            expect(
                Role::Hypothesis,
                b(">", &q_int(0)),
                Some(s),
                "σ_min(𝒜)² bracketed by two congruences of 𝒜*𝒜",
            )
        }
        "S.sigma_max" => {
            let s = ctx.sigma(c, ab)?;
            expect(
                Role::Conclusion,
                None,
                Some(s),
                "σ_max(𝒜)² bracketed by two congruences of 𝒜*𝒜",
            )
        }
        id => {
            let run = match run {
                Some(Ok(r)) => r,
                Some(Err(e)) => return Err(format!("J.orbit: {e}")),
                None => return Err("no decided J.orbit".into()),
            };
            let bits = run.bits;
            let rat = |x: &MpfrInterval| to_rat(x, bits);
            let qs = &run.qs;
            if id == "J.orbit" {
                return expect(
                    Role::Conclusion,
                    None,
                    rat(&qs.e[0]),
                    "F(B_k) ⊆ B_{k+1} for every step (MPFR intervals); e_0",
                );
            }
            uses_orbit(c)?;
            let k = inst.steps;
            if id == "J.inactive" {
                return expect(
                    Role::Hypothesis,
                    b("<=", &(inst.radius.clone() * &inst.radius)),
                    qs.factor_sq.as_ref().and_then(rat),
                    "max ‖U_k‖², ‖V_k‖² over the boxes",
                );
            }
            if let Some(s) = id.strip_prefix("J.additive.") {
                let j: usize = s.parse().map_err(|_| "bad step".to_string())?;
                if j >= k {
                    return Err("step out of range".into());
                }
                let unit = MpfrInterval::unit(bits);
                let v = qs.e[j + 1].clone() - &(unit.constant(&inst.rho) * &qs.e[j]);
                return expect(
                    Role::Conclusion,
                    b("<=", &inst.additive),
                    rat(&v),
                    "e_{k+1} − ρ e_k from the boxes",
                );
            }
            if let Some(s) = id.strip_prefix("J.diff.") {
                let j: usize = s.parse().map_err(|_| "bad step".to_string())?;
                if j == 0 || j >= k {
                    return Err("step out of range".into());
                }
                let v = qs.d[j].clone() / &qs.d[j - 1];
                return expect(
                    Role::Conclusion,
                    b("<=", &inst.diff_rate),
                    rat(&v),
                    "step-length ratio from the boxes",
                );
            }
            let s_lo = match sigma_lo {
                Some(Ok(s)) => s.bounds().map(|x| x.0).ok_or("σ_min unbounded")?,
                _ => return Err("I2 needs a verified S.sigma_min".into()),
            };
            if s_lo <= q_int(0) {
                return Err("σ_min lower bound is not positive".into());
            }
            let unit = MpfrInterval::unit(bits);
            match id {
                "J.e_final" => expect(
                    Role::Conclusion,
                    None,
                    rat(&qs.e[k]),
                    "e_K from the last box",
                ),
                "I2.bound" | "I2.pinv" => {
                    let v = i2_values(&run.pgd, &ctx.data, &run.boxes[k], &unit, &s_lo, &ctx.gram);
                    let x = if id == "I2.bound" { v.bound } else { v.pinv };
                    expect(
                        Role::Conclusion,
                        None,
                        rat(&x),
                        "a-posteriori bound recomputed (exact solves for 𝒜⁺)",
                    )
                }
                "I2.check" => {
                    let bc = ctx
                        .cert
                        .claim("I2.bound")
                        .ok_or("I2.check without I2.bound")?;
                    let (_, hi) = bc
                        .enclosure
                        .as_ref()
                        .ok_or("I2.bound has no enclosure")?
                        .parse()?;
                    expect(
                        Role::Conclusion,
                        b("<=", &hi),
                        rat(&qs.e[k]),
                        "e_K against the upper end of I2.bound",
                    )
                }
                other => Err(format!("claim `{other}` is not part of this theorem")),
            }
        }
    }
}

fn leak(s: &str) -> &'static str {
    match s {
        "<" => "<",
        "<=" => "<=",
        ">" => ">",
        ">=" => ">=",
        "=" => "=",
        "in" => "in",
        _ => "in_open",
    }
}

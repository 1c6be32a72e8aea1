//! SplitMix64 (`theorems.md` §0.3, primitive 7): the one generator every seeded instance and audit
//! draws from, so that a seed means the same numbers in the engine, the kernel and the oracles.

use crate::arith::exact::{pow2, Q};

#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)`, exactly `(next >> 11)·2⁻⁵³`.
    pub fn uniform(&mut self) -> Q {
        Q::from_integer((self.next_u64() >> 11).into()) * pow2(-53)
    }

    /// The binary64 value of [`Self::uniform`] (exact: a 53-bit integer times a power of two).
    pub fn uniform_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal, `√(−2 ln(1 − u₁))·cos(2πu₂)` in binary64 (the cosine branch only).
    pub fn normal_f64(&mut self) -> f64 {
        let u1 = self.uniform_f64();
        let u2 = self.uniform_f64();
        (-2.0 * (1.0 - u1).ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// An index in `0..n`, `⌊u·n⌋`.
    pub fn index(&mut self, n: usize) -> usize {
        ((self.uniform_f64() * n as f64) as usize).min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_output_of_seed_zero_is_the_reference_value() {
        assert_eq!(SplitMix64(0).next_u64(), 0xe220a8397b1dcdaf);
    }
}

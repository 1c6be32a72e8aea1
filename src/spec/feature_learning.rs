//! Paper 2's names shared by the certifier and the kernel.

/// The sampled matrix `P_ã^⊥W₂`, recorded exactly in the certificate's instance.
pub const SAMPLE_MATRIX: &str = "sample.M";
/// `[[0, M], [Mᵀ, 0]]` of the sample, in congruence witnesses.
pub const SAMPLE_JORDAN: &str = "jordan(sample.M)";

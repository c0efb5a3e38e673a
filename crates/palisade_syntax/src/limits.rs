//! Bounds on what a parse may cost, so that hostile input fails fast in bounded memory.

/// Bounds on one parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes built, counting every copy made by a YAML alias.
    pub max_nodes: usize,
}

impl Limits {
    /// Limits for model files: written by people, small.
    pub const MODEL: Self = Self {
        max_bytes: 16 * 1024 * 1024,
        max_depth: 64,
        max_nodes: 1_000_000,
    };

    /// Limits for OpenAPI documents: machine-written and large (Kubernetes, Stripe).
    pub const SPEC: Self = Self {
        max_bytes: 64 * 1024 * 1024,
        max_depth: 256,
        max_nodes: 20_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::MODEL
    }
}

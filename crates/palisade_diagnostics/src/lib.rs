//! Source files, positions and the one `Diagnostic` type that every Palisade crate reports problems with.
//!
//! Libraries build [`Diagnostic`]s; only the binary decides how to show them, with [`render::human`]
//! (a compiler-style excerpt with the offending text underlined) or [`render::json`].

mod diagnostic;
pub mod render;
mod source;
mod suggest;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use source::{Pos, SourceFile, SourceMap, Span};
pub use suggest::did_you_mean;

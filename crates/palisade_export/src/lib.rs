//! Palisade's reports and output formats. [`report`] assembles one [`report::Report`] from a
//! model, its analysis, its policy check, its diagram and its API inventory; [`markdown`],
//! [`html`], [`json`], [`csv`] and (with the `pdf` feature) `pdf` render it, so every format
//! shows the same content in the same order. [`sarif`] (SARIF 2.1.0, for code scanning) and
//! [`junit`] (JUnit XML, for CI test reports) serve tools. Each renders to memory; writing it is
//! the caller's business (atomically, through `palisade_loader::write_atomic`). [`compose`] goes
//! from a loaded input to a report in any format, for the command line and the server alike.

pub mod compose;
pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod report;
pub mod sarif;

//! Palisade's output formats for other tools: [`sarif`] (SARIF 2.1.0, for code scanning) and
//! [`junit`] (JUnit XML, for CI test reports). Each renders to a `String`; writing it is the
//! caller's business (atomically, through `palisade_loader::write_atomic`).

pub mod junit;
pub mod sarif;

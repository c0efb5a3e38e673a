//! Exports.
pub mod tracker;

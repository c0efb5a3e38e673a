//! One module per command.

pub mod analyze;
pub mod check;
pub mod diagram;
pub mod diff;
pub mod init;
pub mod inventory;
pub mod report;
pub mod rules;
pub mod schema;
pub mod threat;
pub mod validate;

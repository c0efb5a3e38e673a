//! One module per command.

pub mod admin;
pub mod analyze;
pub mod check;
pub mod diagram;
pub mod diff;
pub mod export;
pub mod import;
pub mod init;
pub mod inventory;
pub mod review;
pub mod rules;
pub mod schema;
pub mod serve;
pub mod threat;
pub mod validate;

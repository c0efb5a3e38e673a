//! One module per command.

pub mod admin;
pub mod analyze;
pub mod init;
pub mod inventory;
pub mod rules;
pub mod schema;
pub mod serve;
pub mod validate;

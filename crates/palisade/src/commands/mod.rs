//! One module per command.

pub mod analyze;
pub mod diagram;
pub mod export;
pub mod import;
pub mod init;
pub mod inventory;
pub mod rules;
pub mod schema;
pub mod validate;

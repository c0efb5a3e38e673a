//! One module per command.

pub mod init;
pub mod schema;
pub mod validate;

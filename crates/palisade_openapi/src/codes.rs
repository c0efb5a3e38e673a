//! The diagnostic codes of the OpenAPI reader, one sorted table; a code is never reused for another meaning.

/// The document is not an OpenAPI or Swagger document (no `openapi`/`swagger` key, or not a mapping).
pub const NOT_OPENAPI: &str = "PAL-E0300";
/// The `openapi`/`swagger` version is unknown or unsupported.
pub const UNSUPPORTED_VERSION: &str = "PAL-E0301";
/// A version string written as a number (`openapi: 3.0`, `info.version: 1.0`).
pub const VERSION_NOT_STRING: &str = "PAL-E0302";
/// A value of the wrong type (`paths` as a list, `deprecated: "yes"`).
pub const WRONG_TYPE: &str = "PAL-E0303";
/// A required field is missing (a parameter without `name` or `in`, a document without `paths`).
pub const MISSING_FIELD: &str = "PAL-E0304";
/// A `$ref` whose target does not exist.
pub const REF_NOT_FOUND: &str = "PAL-E0305";
/// A `$ref` that leaves the root directory (`../`, an absolute path, a symlink out), refused.
pub const REF_OUTSIDE_ROOT: &str = "PAL-E0306";
/// A remote `$ref` (`http://`, `https://`, any URL scheme), not fetched.
pub const REF_REMOTE: &str = "PAL-E0307";
/// A file named by a `$ref` that cannot be read or parsed.
pub const REF_FILE_UNREADABLE: &str = "PAL-E0308";
/// A cycle of `$ref`s that never reaches a value (`A → B → A`).
pub const REF_CYCLE: &str = "PAL-E0309";
/// A `$ref` that is not a string or whose fragment is not a JSON pointer.
pub const REF_INVALID: &str = "PAL-E0310";
/// A security requirement names a scheme that is not defined.
pub const UNKNOWN_SECURITY_SCHEME: &str = "PAL-E0311";
/// A security scheme that cannot be understood (unknown `type`, API key in an unknown place).
pub const INVALID_SECURITY_SCHEME: &str = "PAL-E0312";
/// A parameter in an unknown or version-inappropriate location (`in: formData` in OpenAPI 3).
pub const INVALID_PARAMETER_LOCATION: &str = "PAL-E0313";
/// Two operations share an `operationId`.
pub const DUPLICATE_OPERATION_ID: &str = "PAL-E0314";
/// A reader limit was reached (files, nesting of path items); the rest is skipped.
pub const LIMIT_REACHED: &str = "PAL-E0315";
/// The document itself cannot be read (IO error, or outside the root directory).
pub const UNREADABLE: &str = "PAL-E0316";
/// A path key that does not start with `/`.
pub const INVALID_PATH: &str = "PAL-E0317";

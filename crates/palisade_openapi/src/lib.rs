//! Swagger 2.0, OpenAPI 3.0 and 3.1 documents (JSON or YAML, one file or several) → one normalized [`Spec`].
//!
//! Every file is parsed with `palisade_syntax`, so every operation, parameter, schema and schema
//! property keeps its [`Location`] (file and span) and a threat can point at the line to change.
//! The reader is lenient: it collects every problem as a [`Diagnostic`] and keeps going, so one
//! broken operation does not hide the others. Errors mean the document is unusable (it does not
//! parse, is not OpenAPI, has an unknown version, or its `paths` cannot be read) and [`load`]
//! returns [`Failed`]; everything else is a warning beside the [`Loaded`] spec.
//!
//! ```no_run
//! use palisade_openapi::{LoadOptions, load, Inventory};
//! let loaded = load("openapi.yaml".as_ref(), &LoadOptions::default()).expect("readable");
//! let inventory = Inventory::of(&loaded.spec);
//! print!("{}", palisade_openapi::render_summary(&inventory));
//! ```
//!
//! # Entry points
//!
//! - [`load`] reads a file and the local files its `$ref`s name; [`load_from_str`] reads text.
//! - [`Spec`] is the normalized document; [`Schemas`] the arena of its schemas.
//! - [`Inventory`] is what the API exposes at a glance, serializable; [`render_summary`] prints it.
//! - [`sensitive`] classifies properties and parameters (password, card number, email …).
//!
//! # `$ref`
//!
//! Local pointers (`#/components/schemas/Pet`, `#/definitions/Pet`, with `~0`/`~1`/`%xx` escapes) and
//! relative files under the root directory (`common.yaml#/Pet`, `./schemas/pet.json`) are resolved.
//! References that leave the root (`../x`, absolute paths, symbolic links out), and remote ones,
//! are refused with a diagnostic; nothing outside the root is read and nothing is fetched. Schema
//! references resolve to the same [`SchemaId`] each time, so recursive schemas are fine.
//!
//! # Diagnostic codes
//!
//! | code | severity | meaning |
//! | --- | --- | --- |
//! | `PAL-E0300` | error | not an OpenAPI document (no `openapi`/`swagger` key, or not a mapping) |
//! | `PAL-E0301` | error | unknown or unsupported `openapi`/`swagger` version (warning when a newer 3.x is read as 3.1) |
//! | `PAL-E0302` | warning | a version written as a number (`openapi: 3.0`, `info.version: 1.0`) |
//! | `PAL-E0303` | warning | a value of the wrong type (error for `paths` that is not a mapping) |
//! | `PAL-E0304` | warning | a required field is missing (parameter `name`/`in`, `info`, `paths`, `responses`) |
//! | `PAL-E0305` | warning | a `$ref` whose target does not exist |
//! | `PAL-E0306` | warning | a `$ref` that leaves the root directory, refused |
//! | `PAL-E0307` | warning | a remote `$ref`, not fetched |
//! | `PAL-E0308` | warning | a file named by a `$ref` cannot be read or parsed |
//! | `PAL-E0309` | warning | a cycle of `$ref`s that never reaches a value |
//! | `PAL-E0310` | warning | a `$ref` that is not a string, or whose fragment is not a JSON pointer |
//! | `PAL-E0311` | warning | a security requirement names an undefined scheme |
//! | `PAL-E0312` | warning | a security scheme that cannot be understood |
//! | `PAL-E0313` | warning | a parameter in an unknown or version-inappropriate location |
//! | `PAL-E0314` | warning | two operations share an `operationId` |
//! | `PAL-E0315` | warning | a reader limit was reached (files, callback nesting) |
//! | `PAL-E0316` | error | the document itself cannot be read (IO error, outside the root) |
//! | `PAL-E0317` | warning | a path that does not start with `/` |
//!
//! Syntax errors keep the codes of `palisade_syntax` (`PAL-E0001`–`PAL-E0005`); in a file named by
//! a `$ref` they are warnings, followed by a `PAL-E0308` at the reference.

pub mod codes;
mod document;
pub mod inventory;
mod load;
mod model;
mod oas3;
mod paths;
mod read_schema;
mod reader;
mod refs;
mod schema;
mod security;
pub mod sensitive;
mod swagger2;

pub use inventory::{
    Inventory, OperationEntry, SchemeEntry, ServerEntry, VersionEntry, render_summary,
};
pub use load::{Failed, Fetcher, LoadOptions, Loaded, load, load_as, load_from_str};
pub use model::{
    AuthState, Callback, Extensions, Header, Info, Location, MediaType, Method, Operation,
    Parameter, ParameterLocation, RequestBody, Response, Security, Server, ServerVariable, Spec,
    SpecVersion, Tag,
};
pub use schema::{
    AdditionalProperties, DEFAULT_MAX_DEPTH, DeepProperty, Property, Schema, SchemaId, Schemas,
};
pub use security::{
    ApiKeyLocation, OAuthFlow, OAuthFlowKind, SecurityRequirement, SecurityRequirements,
    SecurityScheme, SecuritySchemeKind,
};
pub use sensitive::SensitiveCategory;

pub use palisade_diagnostics::Diagnostic;

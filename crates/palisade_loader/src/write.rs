//! Writing models back: a stable key order (the order of the model's fields), and atomic
//! replacement of the file (a temporary file in the same folder, flushed, then renamed over the
//! old one), so a crash never leaves half a model behind.

use std::io::Write as _;
use std::path::Path;

use palisade_model::Model;

/// Why a model could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot serialize the model: {0}")]
    Serialize(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The model as YAML, keys in the model's field order.
pub fn to_yaml(model: &Model) -> Result<String, WriteError> {
    serde_saphyr::to_string(model).map_err(|e| WriteError::Serialize(e.to_string()))
}

/// The model as pretty-printed JSON.
pub fn to_json(model: &Model) -> Result<String, WriteError> {
    serde_json::to_string_pretty(model)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| WriteError::Serialize(e.to_string()))
}

/// Serializes the model in the format the path's extension names (`.json`, else YAML) and writes it
/// atomically.
pub fn save(path: &Path, model: &Model) -> Result<(), WriteError> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let text = if is_json {
        to_json(model)?
    } else {
        to_yaml(model)?
    };
    write_atomic(path, text.as_bytes())
}

/// Writes `bytes` to `path` atomically: readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".palisade-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    // Keep the permissions of the file being replaced.
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

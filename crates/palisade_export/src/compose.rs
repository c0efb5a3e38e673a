//! From what `palisade_project` loads to a report in any of its formats: the one composition
//! that `palisade report` and the server's report download share (the input, its check and the
//! files' hashes → [`Report`] → bytes), with each format's name, file extension and media type.
//! Pure: the caller passes the hashes and the date.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use palisade_check::project::Checked;
use palisade_model::{Date, Model};
use palisade_project::Input;

use crate::report::{self, Hashed, Report, SpecSource};

/// The hashes of the files an input was read from (`sha256:<hex>`).
#[derive(Debug, Clone, Copy)]
pub struct Hashes<'a> {
    /// The model file (or the bare document).
    pub model: Option<&'a str>,
    /// Each document `apis[].spec` names, by API id; missing documents have none.
    pub specs: &'a BTreeMap<String, String>,
}

/// The model a report describes: the input's, or for a bare document one named after it.
pub fn subject(input: &Input) -> Cow<'_, Model> {
    match input {
        Input::Model { model, .. } => Cow::Borrowed(&**model),
        Input::Spec { api, spec } => Cow::Owned(Model::new(
            spec.info.title.clone().unwrap_or_else(|| api.clone()),
        )),
    }
}

/// Builds the report of `input` from its check (`palisade_check::project::check`).
pub fn report(
    input: &Input,
    checked: &Checked,
    hashes: &Hashes,
    date: Date,
    version: &str,
) -> Report {
    let model = subject(input);
    let (file, specs, spec_files) = match input {
        Input::Model { model, file, specs } => {
            let spec_files = model
                .apis
                .iter()
                .filter_map(|api| {
                    let rel = api.spec.as_ref()?;
                    Some((
                        api.id.to_string(),
                        Hashed {
                            file: rel.clone(),
                            hash: hashes.specs.get(api.id.as_str()).cloned(),
                        },
                    ))
                })
                .collect();
            let specs: Vec<SpecSource> = specs
                .iter()
                .map(|(api, spec)| SpecSource { api, spec })
                .collect();
            (file.clone(), specs, spec_files)
        }
        Input::Spec { api, spec } => (
            spec.location.file.to_string(),
            vec![SpecSource { api, spec }],
            Vec::new(),
        ),
    };
    report::build(&report::Input {
        model: &model,
        model_file: Hashed {
            file,
            hash: hashes.model.map(str::to_owned),
        },
        spec_files,
        specs,
        threats: &checked.threats,
        check: &checked.report,
        date,
        version,
    })
}

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Html,
    Pdf,
    Md,
    Json,
    Csv,
    Sarif,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Self::Html,
        Self::Pdf,
        Self::Md,
        Self::Json,
        Self::Csv,
        Self::Sarif,
    ];

    /// The name a user gives (`--format`, `?format=`), which is also the file extension.
    pub fn name(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Md => "md",
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Sarif => "sarif",
        }
    }

    /// The format named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The format a file extension asks for (case-insensitive; `htm` and `markdown` too).
    pub fn of_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "htm" => Some(Self::Html),
            "markdown" => Some(Self::Md),
            other => Self::from_name(other),
        }
    }

    /// The media type of the rendered bytes.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Pdf => "application/pdf",
            Self::Md => "text/markdown; charset=utf-8",
            Self::Json => "application/json",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Sarif => "application/sarif+json",
        }
    }
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Csv(#[from] crate::csv::Error),
    #[cfg(feature = "pdf")]
    #[error(transparent)]
    Pdf(#[from] crate::pdf::Error),
    /// This build has no PDF support (the `pdf` feature is off).
    #[error("this build of Palisade has no PDF support (it was built without the `pdf` feature)")]
    NoPdf,
}

/// `report` of `input` (checked as `checked`) in `format`. SARIF paths are made relative to
/// `sarif_base` when given (the command line's working folder).
pub fn render(
    format: Format,
    report: &Report,
    input: &Input,
    checked: &Checked,
    sarif_base: Option<PathBuf>,
) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Html => crate::html::render(report).into_bytes(),
        Format::Md => crate::markdown::render(report, &subject(input)).into_bytes(),
        Format::Json => crate::json::render(report).into_bytes(),
        Format::Csv => crate::csv::render(report)?.into_bytes(),
        Format::Sarif => {
            let mut b = crate::sarif::Builder::new(crate::sarif::Options {
                base: sarif_base,
                ..crate::sarif::Options::default()
            });
            b.fallback(&checked.report.file);
            for t in &checked.threats {
                b.add_threat(t);
            }
            b.add_check_report(&checked.report);
            b.render().into_bytes()
        }
        Format::Pdf => pdf(report)?,
    })
}

#[cfg(feature = "pdf")]
fn pdf(report: &Report) -> Result<Vec<u8>, RenderError> {
    Ok(crate::pdf::render(report)?)
}

#[cfg(not(feature = "pdf"))]
fn pdf(_: &Report) -> Result<Vec<u8>, RenderError> {
    Err(RenderError::NoPdf)
}

//! The table of the importers' and exporters' diagnostic codes. Sorted; a code is never reused
//! for another meaning, and a removed code stays listed here as removed.

/// `(code, summary)` for every diagnostic this crate emits.
pub const CODES: &[(&str, &str)] = &[
    (
        "PAL-E0801",
        "the file does not have the structure of the named format",
    ),
    ("PAL-E0802", "the format of the file cannot be told"),
    ("PAL-E0803", "malformed or refused XML"),
    (
        "PAL-E0804",
        "the imported model does not validate (a bug in the importer)",
    ),
    ("PAL-W0851", "something in the file could not be imported"),
    ("PAL-W0852", "something was imported only approximately"),
    ("PAL-W0853", "something in the model cannot be exported"),
];

pub(crate) const STRUCTURE: &str = "PAL-E0801";
pub(crate) const UNKNOWN_FORMAT: &str = "PAL-E0802";
pub(crate) const XML: &str = "PAL-E0803";
pub(crate) const INVALID_RESULT: &str = "PAL-E0804";
pub(crate) const UNMAPPED: &str = "PAL-W0851";
pub(crate) const APPROXIMATE: &str = "PAL-W0852";
pub(crate) const NOT_EXPORTED: &str = "PAL-W0853";

#[cfg(test)]
mod tests {
    use super::CODES;

    #[test]
    fn codes_are_sorted_and_unique() {
        for pair in CODES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{} must sort before {}",
                pair[0].0,
                pair[1].0
            );
        }
    }
}

//! The table of the loader's diagnostic codes. Sorted; a code is never reused for another meaning,
//! and a removed code stays listed here as removed.

/// `(code, summary)` for every diagnostic the loader and the syntax layer emit.
pub const CODES: &[(&str, &str)] = &[
    ("PAL-E0001", "syntax error in YAML or JSON"),
    ("PAL-E0002", "empty file"),
    ("PAL-E0003", "file is not valid UTF-8"),
    (
        "PAL-E0004",
        "file exceeds a size, depth or alias-expansion limit",
    ),
    ("PAL-E0005", "duplicate key in a mapping"),
    ("PAL-E0006", "file cannot be read"),
    (
        "PAL-E0010",
        "file is not a Palisade model (another format was recognised)",
    ),
    ("PAL-E0011", "unsupported model format version"),
    ("PAL-E0012", "required field missing"),
    ("PAL-E0101", "unknown key"),
    ("PAL-E0102", "reference to an unknown id"),
    ("PAL-E0103", "value of the wrong type"),
    ("PAL-E0104", "value not among the allowed ones"),
    ("PAL-E0105", "duplicate id"),
    ("PAL-E0106", "cycle in nesting"),
    ("PAL-E0107", "data flow from an element to itself"),
    ("PAL-E0108", "malformed id"),
    ("PAL-E0109", "malformed date"),
    ("PAL-E0110", "number out of range"),
    (
        "PAL-E0111",
        "accepted or transferred risk without a justification",
    ),
    ("PAL-E0112", "malformed custom rule code"),
    (
        "PAL-E0113",
        "custom rule condition that does not apply to the rule's target",
    ),
    ("PAL-E0114", "unknown OWASP API Security Top 10 category"),
    ("PAL-W0201", "field has no meaning on this kind of element"),
];

pub(crate) const UNREADABLE: &str = "PAL-E0006";
pub(crate) const FOREIGN: &str = "PAL-E0010";
pub(crate) const VERSION: &str = "PAL-E0011";
pub(crate) const MISSING: &str = "PAL-E0012";
pub(crate) const UNKNOWN_KEY: &str = "PAL-E0101";
pub(crate) const UNKNOWN_REF: &str = "PAL-E0102";
pub(crate) const WRONG_TYPE: &str = "PAL-E0103";
pub(crate) const BAD_VALUE: &str = "PAL-E0104";
pub(crate) const DUPLICATE_ID: &str = "PAL-E0105";
pub(crate) const CYCLE: &str = "PAL-E0106";
pub(crate) const SELF_FLOW: &str = "PAL-E0107";
pub(crate) const BAD_ID: &str = "PAL-E0108";
pub(crate) const BAD_DATE: &str = "PAL-E0109";
pub(crate) const RANGE: &str = "PAL-E0110";
pub(crate) const NO_JUSTIFICATION: &str = "PAL-E0111";
pub(crate) const BAD_RULE_CODE: &str = "PAL-E0112";
pub(crate) const RULE_CONDITION: &str = "PAL-E0113";
pub(crate) const BAD_OWASP: &str = "PAL-E0114";
pub(crate) const MEANINGLESS_FIELD: &str = "PAL-W0201";

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

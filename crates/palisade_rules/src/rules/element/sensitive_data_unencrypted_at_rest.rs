//! DS001: confidential or restricted data kept in a store that is not encrypted at rest.

use palisade_model::{Classification, Element, Severity};

use crate::context::{Finding, ModelCx, data_list, max_classification};
use crate::declare_rule;
use crate::rules::ElementRule;

declare_rule! {
    /// ## What it detects
    /// A data store that keeps restricted or confidential data and is marked
    /// `encrypted_at_rest: false`, or keeps restricted data and does not say.
    ///
    /// ## Why it matters
    /// Backups, snapshots, decommissioned disks and storage-level access bypass the
    /// application's access control; unencrypted, they hand the data over whole.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// data: [{ id: passwords, classification: restricted, categories: [credentials] }]
    /// elements:
    ///   - { id: users-db, kind: data_store, stores: [passwords], encrypted_at_rest: false }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// data: [{ id: passwords, classification: restricted, categories: [credentials] }]
    /// elements:
    ///   - { id: users-db, kind: data_store, stores: [passwords], encrypted_at_rest: true }
    /// ```
    ///
    /// ## Mitigation
    /// Encrypt the store (disk, volume or column encryption with keys in a KMS), and its backups.
    ///
    /// ## References
    /// CWE-311 · CAPEC-37
    pub(crate) SensitiveDataUnencryptedAtRest {
        code: "DS001",
        applies_to: [DataStore],
        stride: [InformationDisclosure],
        owasp_2023: [],
        owasp_2019: [],
        cwe: [311],
        capec: [37],
        severity: High,
    }
}

impl ElementRule for SensitiveDataUnencryptedAtRest {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, element: &Element, out: &mut Vec<Finding>) {
        if element.encrypted_at_rest == Some(true) {
            return;
        }
        let data = cx.stored_data(element);
        if data.is_empty() {
            return;
        }
        let class = max_classification(&data);
        let severity = match (element.encrypted_at_rest, class) {
            (Some(false), Classification::Restricted) => Severity::High,
            (Some(false), Classification::Confidential) | (None, Classification::Restricted) => {
                Severity::Medium
            }
            _ => return,
        };
        let stated = if element.encrypted_at_rest == Some(false) {
            "is not encrypted at rest"
        } else {
            "does not say whether it is encrypted at rest"
        };
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::element_target(element),
                format!(
                    "{} keeps {} data unencrypted",
                    cx.name(element.id.as_str()),
                    class
                ),
            )
            .description(format!(
                "{} stores {} and {stated}: backups, snapshots and disks expose it whole.",
                cx.name(element.id.as_str()),
                data_list(&data),
            ))
            .evidence(match element.encrypted_at_rest {
                Some(false) => "encrypted_at_rest: false",
                _ => "no encrypted_at_rest",
            })
            .severity(severity)
            .at(cx.location(element.span))
            .mitigation("Encrypt the store and its backups with keys held in a KMS"),
        );
    }
}

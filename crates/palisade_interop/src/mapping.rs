//! Words other tools use, mapped to the model's vocabulary: STRIDE categories, severities,
//! protocols, kinds of element; and constructors for the model's parts.

use palisade_model::{
    Classification, DataAsset, DataCategory, DataId, ElementKind, Severity, StoreKind, Stride,
    ThreatEntry, ThreatId, ThreatTarget,
};

/// The STRIDE category a tool names: `Information disclosure`, `Elevation of Privileges`, `I` …
pub(crate) fn stride(text: &str) -> Option<Stride> {
    let t: String = text
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    match t.as_str() {
        "s" | "spoofing" | "spoof" => Some(Stride::Spoofing),
        "t" | "tampering" | "tamper" => Some(Stride::Tampering),
        "r" | "repudiation" => Some(Stride::Repudiation),
        "i" | "informationdisclosure" | "disclosure" => Some(Stride::InformationDisclosure),
        "d" | "denialofservice" | "dos" => Some(Stride::DenialOfService),
        "e" | "elevationofprivilege" | "elevationofprivileges" | "privilegeescalation" => {
            Some(Stride::ElevationOfPrivilege)
        }
        _ => None,
    }
}

/// A severity or priority word: `Critical`, `High`, `Medium`, `Low`, `Info`.
pub(crate) fn severity(text: &str) -> Option<Severity> {
    match text.trim().to_ascii_lowercase().as_str() {
        "critical" | "very high" | "very-high" => Some(Severity::Critical),
        "high" | "elevated" => Some(Severity::High),
        "medium" | "moderate" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        "info" | "informational" | "none" | "very low" => Some(Severity::Info),
        _ => None,
    }
}

/// A protocol as the model writes it: lower case, `HTTP/S` → `https`.
pub(crate) fn protocol(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_lowercase();
    let t = match t.as_str() {
        "" => return None,
        "http/s" | "http(s)" | "https/tls" => "https".to_owned(),
        other => other.replace(' ', "-"),
    };
    Some(t)
}

/// A guess at the kind of element from another tool's type or technology words.
pub(crate) fn guess_kind(words: &str) -> ElementKind {
    let w = words.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| w.contains(n));
    if has(&[
        "database", "-db", "db-", "sql", "storage", "store", "bucket", "s3", "queue", "cache",
        "file", "blob", "vault", "ledger", "log",
    ]) {
        ElementKind::DataStore
    } else if has(&[
        "client",
        "device",
        "browser",
        "user",
        "actor",
        "mobile",
        "external",
        "partner",
        "human",
        "interactor",
    ]) {
        ElementKind::ExternalEntity
    } else {
        ElementKind::Process
    }
}

/// The kind of data store from words naming its technology.
pub(crate) fn store_kind(words: &str) -> Option<StoreKind> {
    let w = words.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| w.contains(n));
    if has(&["log", "audit", "siem"]) {
        Some(StoreKind::Log)
    } else if has(&["queue", "kafka", "broker", "topic", "sqs", "rabbit"]) {
        Some(StoreKind::Queue)
    } else if has(&["cache", "redis", "memcache"]) {
        Some(StoreKind::Cache)
    } else if has(&["secret", "vault", "key-store", "keystore", "kms"]) {
        Some(StoreKind::Secrets)
    } else if has(&["bucket", "s3", "blob", "object"]) {
        Some(StoreKind::ObjectStore)
    } else if has(&["file", "share", "nfs", "smb", "config"]) {
        Some(StoreKind::File)
    } else if has(&[
        "sql", "database", "db", "mongo", "dynamo", "cosmos", "postgres", "oracle",
    ]) {
        Some(StoreKind::Database)
    } else {
        None
    }
}

/// Categories of a data asset guessed from its name and description.
pub(crate) fn data_categories(words: &str) -> Vec<DataCategory> {
    let w = words.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut add = |c: DataCategory, needles: &[&str]| {
        if needles.iter().any(|n| w.contains(n)) && !out.contains(&c) {
            out.push(c);
        }
    };
    add(
        DataCategory::Credentials,
        &["credential", "password", "passwd"],
    );
    add(DataCategory::Token, &["token", "session", "cookie", "jwt"]);
    add(DataCategory::Secret, &["secret", "private key", "api key"]);
    add(
        DataCategory::Pii,
        &["pii", "personal", "identity", "address", "email"],
    );
    add(
        DataCategory::Payment,
        &["payment", "card", "cardholder", "iban"],
    );
    add(DataCategory::Health, &["health", "medical", "patient"]);
    out
}

/// The shared data asset that stands for "credentials" when a tool only has a flag for it.
pub(crate) fn credentials_asset() -> DataAsset {
    DataAsset {
        id: DataId::new("credentials"),
        name: Some("Credentials".to_owned()),
        description: Some("Credentials kept by the elements that store them.".to_owned()),
        classification: Some(Classification::Restricted),
        categories: vec![DataCategory::Credentials],
        ..DataAsset::default()
    }
}

/// A new hand-written threat.
pub(crate) fn threat(id: &str, title: &str) -> ThreatEntry {
    ThreatEntry {
        id: ThreatId::new(id),
        title: Some(title.to_owned()),
        ..ThreatEntry::default()
    }
}

/// A threat target on an element (an `Option`, because that is what `ThreatEntry` holds).
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn on_element(id: &str) -> Option<ThreatTarget> {
    Some(ThreatTarget {
        element: Some(id.to_owned()),
        ..ThreatTarget::default()
    })
}

/// A threat target on a flow.
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn on_flow(id: &str) -> Option<ThreatTarget> {
    Some(ThreatTarget {
        flow: Some(id.to_owned()),
        ..ThreatTarget::default()
    })
}

/// Pushes `text` onto an optional description, as a new paragraph.
pub(crate) fn append(description: &mut Option<String>, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    match description {
        Some(d) if !d.is_empty() => {
            d.push_str("\n\n");
            d.push_str(text);
        }
        _ => *description = Some(text.to_owned()),
    }
}

/// `Some(text)` when the text is not blank.
pub(crate) fn non_empty(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_map_to_the_model() {
        assert_eq!(
            stride("Information disclosure"),
            Some(Stride::InformationDisclosure)
        );
        assert_eq!(
            stride("Elevation of Privileges"),
            Some(Stride::ElevationOfPrivilege)
        );
        assert_eq!(stride("D"), Some(Stride::DenialOfService));
        assert_eq!(stride("Linkability"), None);
        assert_eq!(severity("TBD"), None);
        assert_eq!(protocol("HTTP/S").as_deref(), Some("https"));
        assert_eq!(
            guess_kind("CD-MICROSOFT-AZURE-DB-POSTGRESQL"),
            ElementKind::DataStore
        );
        assert_eq!(
            guess_kind("android-device-client"),
            ElementKind::ExternalEntity
        );
        assert_eq!(guess_kind("web-service"), ElementKind::Process);
    }
}

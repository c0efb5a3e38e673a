//! "Did you mean" suggestions for misspelt keys and identifiers.

/// The candidate closest to `wanted`, if one is close enough to be a plausible typo.
///
/// Uses the Jaro-Winkler similarity (good for short identifiers with a common prefix) and falls
/// back to a case-insensitive exact match.
pub fn did_you_mean<'a, I>(wanted: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = wanted.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate.to_lowercase() == lower {
            return Some(candidate);
        }
        let score = strsim::jaro_winkler(wanted, candidate);
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let ids = ["payment-db", "api-gateway", "mobile-app"];
        assert_eq!(did_you_mean("paymnet-db", ids), Some("payment-db"));
        assert_eq!(did_you_mean("API-Gateway", ids), Some("api-gateway"));
        assert_eq!(did_you_mean("ledger", ids), None);
    }
}

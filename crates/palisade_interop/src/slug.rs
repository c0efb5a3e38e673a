//! Readable, unique Palisade ids made from other tools' names and UUIDs.

use std::collections::{HashMap, HashSet};

/// Turns a name into an id: lower-case ASCII letters and digits joined by `-`, at most 60
/// characters; `fallback` when nothing is left.
pub(crate) fn slug(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        fallback.to_owned()
    } else {
        out
    }
}

/// Hands out unique ids in one namespace and remembers which foreign id got which.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    taken: HashSet<String>,
    by_foreign: HashMap<String, String>,
}

impl Ids {
    /// A fresh id made from `name` (or `fallback`), unique in this namespace.
    pub(crate) fn fresh(&mut self, name: &str, fallback: &str) -> String {
        let base = slug(name, fallback);
        let mut id = base.clone();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        id
    }

    /// A fresh id for the thing the other tool calls `foreign`, remembered for [`Ids::get`].
    pub(crate) fn assign(&mut self, foreign: &str, name: &str, fallback: &str) -> String {
        let id = self.fresh(name, fallback);
        self.by_foreign.insert(foreign.to_owned(), id.clone());
        id
    }

    /// The id given to the thing the other tool calls `foreign`.
    pub(crate) fn get(&self, foreign: &str) -> Option<&str> {
        self.by_foreign.get(foreign).map(String::as_str)
    }

    /// Remembers that the thing the other tool calls `foreign` got `id`.
    pub(crate) fn remember(&mut self, foreign: &str, id: &str) {
        self.by_foreign.insert(foreign.to_owned(), id.to_owned());
    }

    /// Reserves an id exactly as written (it must be valid already); `false` when taken.
    pub(crate) fn reserve(&mut self, id: &str) -> bool {
        self.taken.insert(id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable_and_unique() {
        assert_eq!(slug("Web\nApplication", "x"), "web-application");
        assert_eq!(slug("  ", "process"), "process");
        assert_eq!(slug("Payments & Billing API", "x"), "payments-billing-api");
        let mut ids = Ids::default();
        assert_eq!(ids.assign("u1", "Database", "store"), "database");
        assert_eq!(ids.assign("u2", "Database", "store"), "database-2");
        assert_eq!(ids.get("u2"), Some("database-2"));
        assert_eq!(ids.fresh("", "store"), "store");
    }
}

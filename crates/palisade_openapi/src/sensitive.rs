//! Which properties and parameters carry sensitive data, judged by their name and format.
//!
//! # The heuristic
//!
//! 1. `format: password` is [`SensitiveCategory::Credentials`]; `format: email` (or `idn-email`)
//!    is [`SensitiveCategory::Pii`], whatever the name.
//! 2. A boolean is never sensitive data (`emailVerified`, `hasPassword`), nor is a name that
//!    starts with a predicate word (`is`, `has`, `can`, `allow` …).
//! 3. The name is split into lower-case words at `_`, `-`, `.`, spaces, camelCase humps
//!    (`APIKey` → `api key`) and letter/digit changes (`cvv2` → `cvv 2`). Words are matched whole,
//!    so `tokenizer_version` is not a token and `passport` is not a `pass`(word); a few unambiguous
//!    words are also found inside run-together names (`userpassword`, `creditcardnumber`).
//! 4. A name that ends with a word describing *metadata about* something (`_policy`, `_type`,
//!    `_url`, `_name`, `_ref`, `_expires`, `_at`, `_check`, `_method`, `_sid`, `_list` …) is not
//!    sensitive when the rest of the name is: `password_policy`, `token_type`, `secretName`,
//!    `password_changed_at`, `CredentialListSid` describe a secret without holding one. (`passport_photo_url` is therefore a link, not a credential.)
//! 5. Categories are tried in order: secret, credentials, payment, health, PII, so that
//!    `client_secret` is a secret and `card_holder_email` is PII. Words and word pairs:
//!    - secret: `secret`, `private key`, `signing key`, `encryption key`, `master key`, `mnemonic`;
//!    - credentials: `password`, `passwd`, `pwd`, `passphrase`, `passcode`, `pin`, `otp`, `token`
//!      (not `page token`, `next token`, `cursor`), `jwt`, `bearer`, `authorization`,
//!      `credential(s)`, `api key`, `access key`, `session id/token/key`;
//!    - payment: `card number`, `credit card`, `pan`, `cvv`, `cvc`, `iban`, `account number`,
//!      `bank account`, `routing number`, `sort code`, `security code`;
//!    - health: `health` (not `health check`/`probe`/`status`), `medical`, `diagnosis`,
//!      `prescription`, `medication`, `allergy`, `disease`, `symptom`, `treatment`, `patient`,
//!      `disability`, `pregnancy`, `blood type`;
//!    - PII: `email`, `phone`, `telephone`, `mobile number`, `msisdn`, `fax`, `ssn`,
//!      `social security`, `passport`, `national id`, `tax id`, `driver license`, `dob`,
//!      `date of birth`, `birth date`, `birthday`, `first/last/full/given/family/middle name`,
//!      `surname`, `gender`, `ethnicity`, `nationality`, `address` (not `ip address`,
//!      `server address` …), `street`, `zip code`, `postal code`, `postcode`.

use serde::Serialize;

use crate::model::{Location, Operation, Parameter, Spec};
use crate::schema::{Schema, SchemaId};

/// A kind of data that needs protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitiveCategory {
    /// What authenticates someone: passwords, tokens, API keys, session ids.
    Credentials,
    /// Key material and shared secrets.
    Secret,
    /// Personal data: email, phone, address, national ids, date of birth …
    Pii,
    /// Card numbers, CVVs, bank accounts.
    Payment,
    /// Health and medical data.
    Health,
}

impl SensitiveCategory {
    pub const ALL: [Self; 5] = [
        Self::Credentials,
        Self::Secret,
        Self::Pii,
        Self::Payment,
        Self::Health,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Credentials => "credentials",
            Self::Secret => "secret",
            Self::Pii => "pii",
            Self::Payment => "payment",
            Self::Health => "health",
        }
    }
}

/// Words that, ending a name, make it describe something rather than hold it.
const METADATA_SUFFIXES: &[&str] = &[
    "alg",
    "algorithm",
    "allowed",
    "at",
    "changed",
    "check",
    "checks",
    "config",
    "configuration",
    "confirmed",
    "count",
    "created",
    "date",
    "description",
    "disabled",
    "enabled",
    "endpoint",
    "endpoints",
    "error",
    "errors",
    "expiration",
    "expired",
    "expires",
    "expiry",
    "field",
    "fields",
    "format",
    "header",
    "hint",
    "indicator",
    "interval",
    "kind",
    "label",
    "len",
    "length",
    "lifetime",
    "list",
    "lists",
    "location",
    "mapping",
    "mappings",
    "max",
    "method",
    "methods",
    "min",
    "mode",
    "name",
    "names",
    "namespace",
    "on",
    "optional",
    "options",
    "param",
    "parameter",
    "path",
    "pattern",
    "policies",
    "policy",
    "port",
    "prefix",
    "probe",
    "provider",
    "ref",
    "refs",
    "regex",
    "required",
    "rotation",
    "scheme",
    "set",
    "settings",
    "sid",
    "source",
    "status",
    "strength",
    "suffix",
    "supported",
    "template",
    "templates",
    "time",
    "timeout",
    "title",
    "ttl",
    "type",
    "types",
    "updated",
    "uri",
    "uris",
    "url",
    "urls",
    "validation",
    "verified",
    "version",
];

/// First words that make a name a yes/no question rather than data.
const PREDICATES: &[&str] = &[
    "allow", "can", "enable", "has", "is", "needs", "require", "requires", "should", "show", "use",
];

/// Words before `address` that make it a network address.
const NOT_POSTAL: &[&str] = &[
    "balancer",
    "base",
    "bind",
    "broadcast",
    "callback",
    "cluster",
    "contract",
    "destination",
    "endpoint",
    "external",
    "gateway",
    "host",
    "internal",
    "ip",
    "ipv4",
    "ipv6",
    "listen",
    "local",
    "mac",
    "memory",
    "network",
    "node",
    "pod",
    "proxy",
    "public",
    "private",
    "redirect",
    "remote",
    "server",
    "service",
    "smtp",
    "source",
    "target",
    "url",
    "virtual",
    "wallet",
    "web",
];

/// Words before `token` that make it a pagination cursor.
const NOT_AUTH_TOKEN: &[&str] = &[
    "continuation",
    "continue",
    "cursor",
    "next",
    "page",
    "pagination",
    "previous",
    "prev",
    "resume",
    "sync",
    "idempotency",
];

/// Splits a name into lower-case words (camelCase, snake_case, kebab-case, digits).
pub fn words(name: &str) -> Vec<String> {
    if name.is_ascii() {
        ascii_words(name.as_bytes())
    } else {
        char_words(name)
    }
}

/// [`words`] of any name, character by character.
fn char_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p))
            && !current.is_empty()
        {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (c.is_uppercase() && (prev.is_lowercase() || prev.is_ascii_digit()))
                || (c.is_uppercase() && prev.is_uppercase() && next_lower)
                || (c.is_ascii_digit() != prev.is_ascii_digit());
            if boundary {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// [`words`] of an ASCII name, on bytes: rules call it for every property of every operation,
/// so it avoids decoding characters and allocates only the words.
fn ascii_words(b: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in b.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if i > 0 && !current.is_empty() {
            let prev = b[i - 1];
            let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            let boundary = (c.is_ascii_uppercase()
                && (prev.is_ascii_lowercase() || prev.is_ascii_digit()))
                || (c.is_ascii_uppercase() && prev.is_ascii_uppercase() && next_lower)
                || (c.is_ascii_digit() != prev.is_ascii_digit());
            if boundary {
                words.push(std::mem::take(&mut current));
            }
        }
        if current.is_empty() {
            current.reserve(b.len() - i);
        }
        current.push(char::from(c.to_ascii_lowercase()));
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The category of a property or parameter, from its name and (when known) its schema.
pub fn classify(name: &str, schema: Option<&Schema>) -> Option<SensitiveCategory> {
    if let Some(schema) = schema {
        match schema.format.as_deref() {
            Some("password") => return Some(SensitiveCategory::Credentials),
            Some("email" | "idn-email") => return Some(SensitiveCategory::Pii),
            _ => {}
        }
        if schema.has_type("boolean") {
            return None;
        }
    }
    classify_name(name)
}

/// The category of a name alone (see the module documentation for the heuristic).
pub fn classify_name(name: &str) -> Option<SensitiveCategory> {
    let words = words(name);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if words.first().is_some_and(|w| PREDICATES.contains(w)) && words.len() > 1 {
        return None;
    }
    if let Some((last, rest)) = words.split_last()
        && !rest.is_empty()
        && METADATA_SUFFIXES.contains(last)
        && classify_words(rest).is_some()
    {
        return None;
    }
    classify_words(&words)
}

fn classify_words(words: &[&str]) -> Option<SensitiveCategory> {
    let joined: String = words.concat();
    let any = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    let pair_any = |a: &[&str], b: &[&str]| {
        words
            .windows(2)
            .any(|p| a.contains(&p[0]) && b.contains(&p[1]))
    };
    let inside = |list: &[&str]| list.iter().any(|w| joined.contains(w));

    let secret = any(&["secret", "secrets", "privatekey", "mnemonic"])
        || pair_any(
            &["private", "signing", "encryption", "master", "secret"],
            &["key", "keys"],
        )
        || inside(&["clientsecret", "privatekey", "secretkey"]);
    if secret {
        return Some(SensitiveCategory::Secret);
    }

    let auth_token = words.iter().enumerate().any(|(i, w)| {
        matches!(*w, "token" | "tokens")
            && !i
                .checked_sub(1)
                .and_then(|p| words.get(p))
                .is_some_and(|prev| NOT_AUTH_TOKEN.contains(prev))
    });
    let credentials = auth_token
        || any(&[
            "password",
            "passwords",
            "passwd",
            "pwd",
            "passphrase",
            "passcode",
            "pin",
            "otp",
            "totp",
            "hotp",
            "credential",
            "credentials",
            "jwt",
            "bearer",
            "authorization",
            "apikey",
            "apikeys",
            "sessionid",
            "accesstoken",
            "refreshtoken",
        ])
        || pair_any(&["api", "access", "auth"], &["key", "keys"])
        || pair_any(&["session"], &["id", "token", "key", "cookie"])
        || pair("pass", "word")
        || inside(&[
            "password",
            "passwd",
            "passphrase",
            "apikey",
            "accesstoken",
            "refreshtoken",
            "authtoken",
            "sessionid",
        ]);
    if credentials {
        return Some(SensitiveCategory::Credentials);
    }

    let payment = any(&[
        "pan",
        "cvv",
        "cvc",
        "cvn",
        "iban",
        "creditcard",
        "cardnumber",
    ]) || pair_any(&["card", "cc"], &["number", "num", "no", "nr"])
        || pair_any(&["credit", "debit"], &["card"])
        || pair_any(&["account", "routing"], &["number", "num", "no", "nr"])
        || pair("bank", "account")
        || pair_any(&["sort", "security"], &["code"])
        || inside(&["cardnumber", "creditcard", "accountnumber"]);
    if payment {
        return Some(SensitiveCategory::Payment);
    }

    let health_word = words.iter().enumerate().any(|(i, w)| {
        *w == "health"
            && !words
                .get(i + 1)
                .is_some_and(|n| matches!(*n, "check" | "checks" | "probe" | "status" | "endpoint"))
    });
    let health = health_word
        || any(&[
            "medical",
            "medication",
            "medications",
            "diagnosis",
            "diagnoses",
            "prescription",
            "prescriptions",
            "allergy",
            "allergies",
            "disease",
            "diseases",
            "symptom",
            "symptoms",
            "treatment",
            "treatments",
            "patient",
            "disability",
            "disabilities",
            "pregnancy",
        ])
        || pair("blood", "type");
    if health {
        return Some(SensitiveCategory::Health);
    }

    let postal_address = words.iter().enumerate().any(|(i, w)| {
        matches!(*w, "address" | "addresses")
            && !i
                .checked_sub(1)
                .and_then(|p| words.get(p))
                .is_some_and(|prev| NOT_POSTAL.contains(prev))
    });
    let pii = postal_address
        || any(&[
            "email",
            "emails",
            "phone",
            "phones",
            "telephone",
            "msisdn",
            "fax",
            "ssn",
            "passport",
            "dob",
            "birthdate",
            "birthday",
            "birthplace",
            "surname",
            "gender",
            "ethnicity",
            "nationality",
            "street",
            "postcode",
            "zipcode",
            "firstname",
            "lastname",
            "fullname",
            "taxid",
            "nationalid",
        ])
        || pair("e", "mail")
        || pair_any(
            &[
                "first", "last", "full", "given", "family", "middle", "maiden",
            ],
            &["name"],
        )
        || pair_any(&["of", "birth"], &["birth", "date", "day", "place"])
        || pair_any(&["zip", "postal", "post"], &["code"])
        || pair_any(&["national", "tax"], &["id", "identifier", "number"])
        || pair("social", "security")
        || pair_any(&["driver", "drivers", "driving"], &["license", "licence"])
        || pair_any(&["mobile", "phone"], &["number", "phone"])
        || inside(&[
            "dateofbirth",
            "socialsecurity",
            "emailaddress",
            "phonenumber",
        ]);
    pii.then_some(SensitiveCategory::Pii)
}

/// A schema property judged sensitive.
#[derive(Debug, Clone)]
pub struct SensitiveProperty<'s> {
    /// The schema that has the property.
    pub owner: SchemaId,
    pub name: &'s str,
    pub category: SensitiveCategory,
    pub schema: &'s Schema,
    pub location: &'s Location,
}

/// Every sensitive property of every schema of `spec` (each schema once, however often it is used).
pub fn sensitive_properties(spec: &Spec) -> Vec<SensitiveProperty<'_>> {
    let mut out = Vec::new();
    for owner in spec.schemas.iter() {
        for (name, prop) in &owner.properties {
            let schema = spec.schemas.get(prop.schema);
            if let (Some(category), Some(schema)) = (classify(name, schema), schema) {
                out.push(SensitiveProperty {
                    owner: owner.id,
                    name,
                    category,
                    schema,
                    location: &prop.location,
                });
            }
        }
    }
    out
}

/// A parameter judged sensitive, with its operation.
#[derive(Debug, Clone)]
pub struct SensitiveParameter<'s> {
    pub operation: &'s Operation,
    pub parameter: &'s Parameter,
    pub category: SensitiveCategory,
}

/// Every sensitive parameter of every operation (Swagger 2 `in: body` parameters are left to their schema).
pub fn sensitive_parameters(spec: &Spec) -> Vec<SensitiveParameter<'_>> {
    let mut out = Vec::new();
    for op in &spec.operations {
        for param in &op.parameters {
            if param.r#in == crate::ParameterLocation::Body {
                continue;
            }
            let schema = param.schema.and_then(|id| spec.schemas.get(id));
            if let Some(category) = classify(&param.name, schema) {
                out.push(SensitiveParameter {
                    operation: op,
                    parameter: param,
                    category,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use SensitiveCategory::{Credentials, Health, Payment, Pii, Secret};

    proptest::proptest! {
        #[test]
        fn ascii_words_match_char_words(name in "[a-zA-Z0-9_.$ -]{0,24}") {
            proptest::prop_assert_eq!(ascii_words(name.as_bytes()), char_words(&name));
        }
    }

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words("passwordHash"), ["password", "hash"]);
        assert_eq!(words("user_password"), ["user", "password"]);
        assert_eq!(words("X-API-Key"), ["x", "api", "key"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("cvv2"), ["cvv", "2"]);
        assert_eq!(words("dateOfBirth"), ["date", "of", "birth"]);
        assert_eq!(words("HTTPServer"), ["http", "server"]);
    }

    #[test]
    fn finds_sensitive_names() {
        let cases = [
            ("password", Credentials),
            ("passwordHash", Credentials),
            ("user_password", Credentials),
            ("newpassword", Credentials),
            ("access_token", Credentials),
            ("refreshToken", Credentials),
            ("X-API-Key", Credentials),
            ("apikey", Credentials),
            ("session_id", Credentials),
            ("Authorization", Credentials),
            ("otp", Credentials),
            ("client_secret", Secret),
            ("privateKey", Secret),
            ("webhook-secret", Secret),
            ("cardNumber", Payment),
            ("card_number", Payment),
            ("creditcardnumber", Payment),
            ("pan", Payment),
            ("cvv2", Payment),
            ("cvc", Payment),
            ("iban", Payment),
            ("account_number", Payment),
            ("email", Pii),
            ("e-mail", Pii),
            ("emailAddress", Pii),
            ("phone_number", Pii),
            ("ssn", Pii),
            ("date_of_birth", Pii),
            ("dob", Pii),
            ("birthDate", Pii),
            ("billing_address", Pii),
            ("firstName", Pii),
            ("passport_number", Pii),
            ("national_id", Pii),
            ("zip_code", Pii),
            ("medical_record", Health),
            ("diagnosis", Health),
            ("health_insurance_number", Health),
        ];
        for (name, expected) in cases {
            assert_eq!(classify_name(name), Some(expected), "{name}");
        }
    }

    #[test]
    fn leaves_look_alikes_alone() {
        for name in [
            "pass",
            "passport_photo_url",
            "tokenizer_version",
            "token_type",
            "tokenUrl",
            "next_page_token",
            "password_policy",
            "password_changed_at",
            "secretName",
            "secretKeyRef",
            "ip_address",
            "podIP",
            "hostAddress",
            "healthCheckNodePort",
            "health_check",
            "name",
            "AccountSid",
            "classname",
            "company",
            "isPasswordSet",
            "email_verified",
        ] {
            assert_ne!(classify_name(name), Some(Credentials), "{name}");
            assert!(
                classify_name(name).is_none() || name == "passport_photo_url",
                "{name}: {:?}",
                classify_name(name)
            );
        }
    }

    #[test]
    fn format_counts_and_booleans_do_not() {
        let loc = Location::new("x.yaml".into(), palisade_diagnostics::Span::default());
        let mut s = Schema::empty(SchemaId(0), loc);
        s.format = Some("password".to_owned());
        assert_eq!(classify("pin_value", Some(&s)), Some(Credentials));
        assert_eq!(classify("whatever", Some(&s)), Some(Credentials));
        s.format = Some("email".to_owned());
        assert_eq!(classify("contact", Some(&s)), Some(Pii));
        s.format = None;
        s.types = vec!["boolean".to_owned()];
        assert_eq!(classify("password", Some(&s)), None);
    }
}

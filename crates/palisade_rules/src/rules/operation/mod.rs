//! Rules on API operations (family `OP`): the OWASP API Security Top 10 checked operation by
//! operation against the OpenAPI document.

mod admin_operation_guarded_like_user_operations;
mod callback_to_caller_supplied_url;
mod collection_wide_write;
mod credential_operation_without_rate_limit;
mod credentials_in_query_string;
mod debug_or_test_endpoint;
mod deprecated_operation_still_served;
mod error_response_exposes_internals;
mod injection_prone_parameter;
mod list_without_page_size_limit;
mod object_id_in_path;
mod open_redirect_parameter;
mod open_schema_on_account_write;
mod operation_without_authentication;
mod password_change_without_current_password;
mod personal_data_in_unauthenticated_response;
mod personal_data_in_url;
mod privileged_property_writable;
mod secret_in_response;
mod sensitive_business_flow_without_anti_automation;
mod several_live_versions_of_operation;
mod trace_method_exposed;
mod unbounded_array_input;
mod unbounded_file_upload;
mod unbounded_numeric_input;
mod unbounded_string_input;
mod url_valued_input;
mod weak_password_policy;
mod xml_request_body;

pub(crate) use admin_operation_guarded_like_user_operations::AdminOperationGuardedLikeUserOperations;
pub(crate) use callback_to_caller_supplied_url::CallbackToCallerSuppliedUrl;
pub(crate) use collection_wide_write::CollectionWideWrite;
pub(crate) use credential_operation_without_rate_limit::CredentialOperationWithoutRateLimit;
pub(crate) use credentials_in_query_string::CredentialsInQueryString;
pub(crate) use debug_or_test_endpoint::DebugOrTestEndpoint;
pub(crate) use deprecated_operation_still_served::DeprecatedOperationStillServed;
pub(crate) use error_response_exposes_internals::ErrorResponseExposesInternals;
pub(crate) use injection_prone_parameter::InjectionProneParameter;
pub(crate) use list_without_page_size_limit::ListWithoutPageSizeLimit;
pub(crate) use object_id_in_path::ObjectIdInPath;
pub(crate) use open_redirect_parameter::OpenRedirectParameter;
pub(crate) use open_schema_on_account_write::OpenSchemaOnAccountWrite;
pub(crate) use operation_without_authentication::OperationWithoutAuthentication;
pub(crate) use password_change_without_current_password::PasswordChangeWithoutCurrentPassword;
pub(crate) use personal_data_in_unauthenticated_response::PersonalDataInUnauthenticatedResponse;
pub(crate) use personal_data_in_url::PersonalDataInUrl;
pub(crate) use privileged_property_writable::PrivilegedPropertyWritable;
pub(crate) use secret_in_response::SecretInResponse;
pub(crate) use sensitive_business_flow_without_anti_automation::SensitiveBusinessFlowWithoutAntiAutomation;
pub(crate) use several_live_versions_of_operation::SeveralLiveVersionsOfOperation;
pub(crate) use trace_method_exposed::TraceMethodExposed;
pub(crate) use unbounded_array_input::UnboundedArrayInput;
pub(crate) use unbounded_file_upload::UnboundedFileUpload;
pub(crate) use unbounded_numeric_input::UnboundedNumericInput;
pub(crate) use unbounded_string_input::UnboundedStringInput;
pub(crate) use url_valued_input::UrlValuedInput;
pub(crate) use weak_password_policy::WeakPasswordPolicy;
pub(crate) use xml_request_body::XmlRequestBody;

use crate::context::Finding;
use crate::spec_context::{OpCx, words};

/// A finding about some inputs of the operation, or `None` when there are none: located at the
/// first input, its description made by `describe` from the list of inputs (`query parameter
/// `q`, body property `a.b``), and one evidence line per input (at most 20), each the input
/// followed by `evidence` (`has no maxLength`).
pub(crate) fn inputs_finding(
    meta: &'static crate::RuleMeta,
    cx: &OpCx,
    inputs: &[crate::spec_context::Input],
    title: String,
    describe: impl FnOnce(&str) -> String,
    evidence: &str,
    mitigation: &str,
) -> Option<Finding> {
    let first = inputs.first()?;
    let names: Vec<String> = inputs
        .iter()
        .map(crate::spec_context::Input::describe)
        .collect();
    let mut f = Finding::new(meta, cx.target(), title)
        .description(describe(&list(&names)))
        .at(cx.spec.location(first.location))
        .mitigation(mitigation);
    for n in names.iter().take(20) {
        f = f.evidence(format!("{n} {evidence}"));
    }
    Some(f)
}

/// `a, b, c and 4 more`.
pub(crate) fn list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1..=5 => items.join(", "),
        n => format!("{} and {} more", items[..5].join(", "), n - 5),
    }
}

/// Path parameters that select a representation or a version rather than an object.
pub(crate) fn is_non_object_parameter(name: &str) -> bool {
    let w = words(name);
    w.iter().any(|x| {
        matches!(
            x.as_str(),
            "version"
                | "format"
                | "lang"
                | "language"
                | "locale"
                | "region"
                | "api"
                | "apiversion"
                | "ext"
                | "extension"
        )
    })
}

/// Operations that must work without credentials: sign-in and sign-up, token issuance, health
/// checks, the API's own description.
pub(crate) fn is_public_by_nature(cx: &OpCx) -> bool {
    let w = cx.words();
    w.iter().any(|x| {
        matches!(
            x.as_str(),
            "login"
                | "signin"
                | "logon"
                | "register"
                | "registration"
                | "signup"
                | "health"
                | "healthz"
                | "ping"
                | "livez"
                | "readyz"
                | "status"
                | "openapi"
                | "swagger"
                | "oauth"
                | "token"
                | "jwks"
                | "wellknown"
                | "forgot"
                | "reset"
        )
    }) || cx.op.path == "/"
        || cx.op.path.contains(".well-known")
}

/// Sign-in, token, OTP, MFA and password operations.
pub(crate) fn is_credential_operation(cx: &OpCx) -> bool {
    let w = cx.words();
    let has = |x: &str| w.iter().any(|y| y == x);
    let credential = [
        "login",
        "signin",
        "logon",
        "authenticate",
        "authentication",
        "otp",
        "mfa",
        "2fa",
        "totp",
        "passcode",
        "password",
        "passwd",
        "forgot",
        "recover",
        "token",
        "tokens",
    ]
    .iter()
    .any(|x| has(x))
        || (has("sign") && has("in"))
        || (has("verify") && (has("code") || has("email") || has("phone")));
    credential && cx.op.method != palisade_openapi::Method::Get
        || (has("token") && cx.op.method == palisade_openapi::Method::Post)
}

/// User, account, profile and registration resources.
pub(crate) fn is_account_operation(cx: &OpCx) -> bool {
    let w = cx.words();
    w.iter().any(|x| {
        matches!(
            x.as_str(),
            "user"
                | "users"
                | "account"
                | "accounts"
                | "profile"
                | "profiles"
                | "me"
                | "register"
                | "registration"
                | "signup"
                | "member"
                | "members"
        )
    })
}

/// What kind of secret a property name holds, when it holds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sensitive {
    Password,
    CardSecurity,
    NationalId,
    PrivateKey,
    Secret,
}

/// Classifies a property as a secret, from its name and its sensitive-data category (computed
/// by `palisade_openapi::sensitive` when the document was read): passwords, card security codes
/// and numbers, national ids and private keys are the worst; other credentials and secrets follow.
pub(crate) fn secret_kind(
    name: &str,
    category: Option<palisade_openapi::SensitiveCategory>,
) -> Option<Sensitive> {
    use palisade_openapi::SensitiveCategory as C;
    let category = category?;
    let w = words(name);
    let has = |x: &str| w.iter().any(|y| y == x);
    match category {
        C::Credentials
            if has("password")
                || has("passwd")
                || has("pwd")
                || has("passphrase")
                || name.eq_ignore_ascii_case("pass") =>
        {
            Some(Sensitive::Password)
        }
        C::Credentials | C::Secret if has("private") => Some(Sensitive::PrivateKey),
        C::Credentials | C::Secret => Some(Sensitive::Secret),
        C::Payment
            if has("cvv")
                || has("cvc")
                || has("cvv2")
                || has("pan")
                || (has("card") && has("number")) =>
        {
            Some(Sensitive::CardSecurity)
        }
        C::Pii
            if has("ssn")
                || has("passport")
                || (has("social") && has("security"))
                || (has("national") && has("id")) =>
        {
            Some(Sensitive::NationalId)
        }
        _ => None,
    }
}

/// Whether a property is owned by the server: `Some(true)` for privileges and money,
/// `Some(false)` for other server-set fields.
pub(crate) fn server_owned(name: &str) -> Option<bool> {
    let w = words(name);
    let has = |x: &str| w.iter().any(|y| y == x);
    let lower = name.to_ascii_lowercase();
    let privileged = has("admin")
        || has("role")
        || has("roles")
        || has("permission")
        || has("permissions")
        || has("privilege")
        || has("privileges")
        || has("superuser")
        || has("staff")
        || has("balance")
        || has("credit")
        || has("credits")
        || (has("is") && has("verified"))
        || lower == "verified"
        || has("approved")
        || (has("email") && has("verified"));
    if privileged {
        return Some(true);
    }
    matches!(
        lower.as_str(),
        "id" | "_id"
            | "created_at"
            | "createdat"
            | "updated_at"
            | "updatedat"
            | "owner"
            | "owner_id"
            | "ownerid"
    )
    .then_some(false)
}

/// A comparable rank of the version in a path: `v2` > `v1` > `v1beta2` > `v1alpha1`.
pub(crate) fn version_rank(path: &str) -> (u32, u32, u32) {
    for seg in path.split('/') {
        if !crate::spec_context::is_version_segment(seg) {
            continue;
        }
        let rest = &seg[1..];
        let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let tail = &rest[major.len()..];
        let major = major.parse().unwrap_or(0);
        let (stage, n) = if let Some(t) = tail.strip_prefix("alpha") {
            (0, t.parse().unwrap_or(0))
        } else if let Some(t) = tail.strip_prefix("beta") {
            (1, t.parse().unwrap_or(0))
        } else if let Some(t) = tail.strip_prefix('.') {
            (2, t.parse().unwrap_or(0))
        } else {
            (2, 0)
        };
        return (major, stage, n);
    }
    (0, 0, 0)
}

/// Whether the path names a collection (its last segment is not a `{parameter}`).
pub(crate) fn is_collection_path(path: &str) -> bool {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|last| !last.is_empty() && !last.starts_with('{'))
}

/// What a URL-valued input is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlInput {
    /// Where the caller is sent back to (`redirect_uri`, `return_url`): open redirect.
    Redirect,
    /// What the server fetches or calls (`webhook_url`, `image_url`, `callback`): SSRF.
    Fetched,
}

/// Whether an input carries a URL, judged by its format and name, and what it is for.
pub(crate) fn url_input(input: &crate::spec_context::Input) -> Option<UrlInput> {
    let s = input.schema;
    if !(s.has_type("string") || s.types.is_empty()) || !s.enum_values.is_empty() {
        return None;
    }
    let w = words(input.name);
    let has = |x: &str| w.iter().any(|y| y == x);
    let url_format = matches!(
        s.format.as_deref(),
        Some("uri" | "url" | "iri" | "uri-reference" | "iri-reference" | "uri-template")
    );
    let url_name = has("url")
        || has("uri")
        || has("href")
        || has("webhook")
        || has("callback")
        || has("endpoint")
        || (has("link") && !has("id"));
    if !(url_format || url_name) || crate::spec_context::is_credential_name(input.name) {
        return None;
    }
    let redirect = [
        "redirect", "return", "success", "cancel", "failure", "next", "continue", "back", "logout",
        "refresh",
    ]
    .iter()
    .any(|x| has(x));
    Some(if redirect {
        UrlInput::Redirect
    } else {
        UrlInput::Fetched
    })
}

//! The registry: every rule, by the kind of target it runs on, and the sorted table of codes.

pub(crate) mod api;
pub(crate) mod element;
pub(crate) mod flow;
pub(crate) mod operation;
pub(crate) mod stride;

use palisade_model::{Element, ElementKind, Flow, Stride};

use crate::RuleMeta;
use crate::context::{Finding, ModelCx};
use crate::declare::AppliesTo;
use crate::spec_context::{OpCx, SpecCx};
use crate::threat::Target;

/// A rule that looks at elements of the kinds in its `applies_to`.
pub(crate) trait ElementRule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &ModelCx, element: &Element, out: &mut Vec<Finding>);
}

/// A rule that looks at data flows.
pub(crate) trait FlowRule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &ModelCx, flow: &Flow, out: &mut Vec<Finding>);
}

/// A rule that looks at one API operation.
pub(crate) trait OperationRule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>);
}

/// A rule that looks at a whole API document.
pub(crate) trait ApiRule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>);
}

/// The OWASP API Top 10 checks, run on every operation.
pub(crate) static OPERATION_RULES: &[&dyn OperationRule] = &[
    &operation::ObjectIdInPath,
    &operation::OperationWithoutAuthentication,
    &operation::CredentialsInQueryString,
    &operation::CredentialOperationWithoutRateLimit,
    &operation::UnboundedStringInput,
    &operation::UnboundedArrayInput,
    &operation::UnboundedNumericInput,
    &operation::AdminOperationGuardedLikeUserOperations,
    &operation::PrivilegedPropertyWritable,
    &operation::OpenSchemaOnAccountWrite,
    &operation::SecretInResponse,
    &operation::DebugOrTestEndpoint,
    &operation::InjectionProneParameter,
    &operation::SeveralLiveVersionsOfOperation,
    &operation::DeprecatedOperationStillServed,
    &operation::UnboundedFileUpload,
    &operation::ListWithoutPageSizeLimit,
    &operation::UrlValuedInput,
    &operation::SensitiveBusinessFlowWithoutAntiAutomation,
    &operation::XmlRequestBody,
    &operation::PersonalDataInUnauthenticatedResponse,
    &operation::OpenRedirectParameter,
    &operation::WeakPasswordPolicy,
    &operation::PasswordChangeWithoutCurrentPassword,
    &operation::PersonalDataInUrl,
    &operation::CollectionWideWrite,
    &operation::TraceMethodExposed,
    &operation::CallbackToCallerSuppliedUrl,
    &operation::ErrorResponseExposesInternals,
];

/// Checks of the document as a whole: servers and security schemes.
pub(crate) static API_RULES: &[&dyn ApiRule] = &[
    &api::PlainHttpServer,
    &api::HttpBasicAuthentication,
    &api::OAuthImplicitOrPasswordFlow,
    &api::BearerTokenWithoutFormat,
    &api::JwtBearerTokens,
    &api::ApiWithoutAuthentication,
    &api::InsecureAuthorizationServerUrl,
    &api::NonProductionServerPublished,
    &api::NoRateLimitDocumented,
    &api::OAuthWithoutScopes,
    &api::CookieAuthenticationWithoutCsrfProtection,
    &api::SecuredOperationsWithout401,
    &api::ObjectOperationsWithout404,
];

/// Rules that find specific weaknesses in elements.
pub(crate) static ELEMENT_RULES: &[&dyn ElementRule] = &[
    &element::ProcessWithoutAuditLog,
    &element::BackendReachableAroundGateway,
    &element::SensitiveDataUnencryptedAtRest,
];

/// Rules that find specific weaknesses in flows.
pub(crate) static FLOW_RULES: &[&dyn FlowRule] = &[
    &flow::PlaintextFlowAcrossBoundary,
    &flow::UnauthenticatedFlowAcrossBoundary,
    &flow::UnauthenticatedDataStoreAccess,
    &flow::PlaintextSensitiveFlowInsideBoundary,
    &flow::UnvalidatedThirdPartyData,
    &flow::UnthrottledBoundaryCrossing,
];

/// STRIDE-per-element baselines on elements, run after the specific rules.
pub(crate) static ELEMENT_BASELINES: &[&dyn ElementRule] = &[
    &stride::ExternalEntitySpoofing,
    &stride::ExternalEntityRepudiation,
    &stride::ProcessSpoofing,
    &stride::ProcessTampering,
    &stride::ProcessRepudiation,
    &stride::ProcessInformationDisclosure,
    &stride::ProcessDenialOfService,
    &stride::ProcessElevationOfPrivilege,
    &stride::DataStoreTampering,
    &stride::DataStoreInformationDisclosure,
    &stride::DataStoreDenialOfService,
    &stride::LogRepudiation,
];

/// STRIDE-per-element baselines on flows.
pub(crate) static FLOW_BASELINES: &[&dyn FlowRule] = &[
    &stride::FlowTampering,
    &stride::FlowInformationDisclosure,
    &stride::FlowDenialOfService,
];

/// Codes that were removed: listed so that they are never reused. `(code, what it was)`.
pub const REMOVED: &[(&str, &str)] = &[];

/// The metadata of every rule, sorted by code.
pub fn all() -> Vec<&'static RuleMeta> {
    let mut metas: Vec<&'static RuleMeta> = ELEMENT_RULES
        .iter()
        .map(|r| r.meta())
        .chain(FLOW_RULES.iter().map(|r| r.meta()))
        .chain(ELEMENT_BASELINES.iter().map(|r| r.meta()))
        .chain(FLOW_BASELINES.iter().map(|r| r.meta()))
        .chain(OPERATION_RULES.iter().map(|r| r.meta()))
        .chain(API_RULES.iter().map(|r| r.meta()))
        .collect();
    metas.sort_by_key(|m| m.code);
    metas
}

/// The STRIDE categories that apply to an element of this kind (a log adds repudiation).
pub fn stride_applies(element: &Element, stride: Stride) -> bool {
    match element.kind {
        ElementKind::ExternalEntity => matches!(stride, Stride::Spoofing | Stride::Repudiation),
        ElementKind::Process => true,
        ElementKind::DataStore => match stride {
            Stride::Tampering | Stride::InformationDisclosure | Stride::DenialOfService => true,
            Stride::Repudiation => element.is_log(),
            Stride::Spoofing | Stride::ElevationOfPrivilege => false,
        },
    }
}

/// The STRIDE categories that apply to a data flow.
pub const FLOW_STRIDE: &[Stride] = &[
    Stride::Tampering,
    Stride::InformationDisclosure,
    Stride::DenialOfService,
];

/// Whether a rule runs on elements of this kind.
pub(crate) fn runs_on(meta: &RuleMeta, kind: ElementKind) -> bool {
    let wanted = match kind {
        ElementKind::ExternalEntity => AppliesTo::ExternalEntity,
        ElementKind::Process => AppliesTo::Process,
        ElementKind::DataStore => AppliesTo::DataStore,
    };
    meta.applies_to.contains(&wanted)
}

pub(crate) fn element_target(element: &Element) -> Target {
    Target::Element {
        element: element.id.to_string(),
    }
}

pub(crate) fn flow_target(flow: &Flow) -> Target {
    Target::Flow {
        flow: flow.id.to_string(),
    }
}

pub(crate) use stride::{element_baseline, flow_baseline};

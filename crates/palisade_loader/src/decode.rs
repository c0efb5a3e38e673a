//! How each part of the model is read from its node. Keys and spellings match the serde names of
//! `palisade_model` (the round-trip test holds the two together).

use palisade_model::StringEnum as _;
use palisade_model::{
    Api, ApiId, Assumption, AssumptionId, Authentication, Authorization, Boundary, BoundaryId,
    BoundaryKind, CallerNotes, Cia, Classification, CustomRule, CustomerNotes, DataAsset,
    DataCategory, DataId, Dread, Element, ElementId, ElementKind, Encryption, Exposure, Flow,
    FlowId, Level, Lifecycle, Mitigation, MitigationId, MitigationKind, MitigationStatus, Model,
    Notes, Objective, ObjectiveId, ObjectiveKind, OwaspImpact, OwaspLikelihood, OwaspRisk, Policy,
    RatingMethod, Reviewed, RiskOverride, RuleMatch, RuleTarget, Scope, SecurityConsiderations,
    Severity, Status, StoreKind, Strategy, Stride, System, ThreatEntry, ThreatId, ThreatTarget,
    Ticket,
};
use palisade_syntax::{Node, Value};

use crate::read::{Ctx, Fields, FromNode, RefKind, entities, enum_from_node, enums_from_node};

enums_from_node!(
    Classification => "classification",
    DataCategory => "data category",
    Level => "level",
    BoundaryKind => "boundary kind",
    ElementKind => "element kind",
    StoreKind => "store kind",
    Exposure => "exposure",
    Authentication => "authentication",
    Authorization => "authorization",
    Encryption => "encryption",
    Lifecycle => "lifecycle",
    MitigationKind => "mitigation kind",
    MitigationStatus => "mitigation status",
    Stride => "STRIDE category",
    Severity => "severity",
    Status => "status",
    Strategy => "strategy",
    ObjectiveKind => "objective kind",
    RatingMethod => "rating method",
    RuleTarget => "rule target",
);

/// Reads a rules file: a mapping whose `custom_rules` lists rules as a model's does (an optional
/// `palisade: 1` is allowed, so a model's section can be moved out as is).
pub(crate) fn rules_file(cx: &mut Ctx, root: &Node) -> Option<Vec<CustomRule>> {
    let mut f = Fields::new(cx, root, "the rules file")?;
    let _: Option<u32> = f.opt(cx, "palisade");
    let rules = match f.raw("custom_rules") {
        Some(node) => entities(cx, Some(node), custom_rule),
        None => {
            f.missing(cx, "custom_rules");
            Vec::new()
        }
    };
    f.finish(cx);
    Some(rules)
}

/// Reads the whole model from the root node (already known to be a mapping with `palisade`).
pub(crate) fn model(cx: &mut Ctx, root: &Node) -> Option<Model> {
    let mut f = Fields::new(cx, root, "the model")?;
    let version = f.req::<u32>(cx, "palisade");
    let system = match f.raw("system") {
        Some(node) => system(cx, node),
        None => {
            f.missing(cx, "system");
            None
        }
    };
    let model = Model {
        palisade: version.unwrap_or(palisade_model::FORMAT_VERSION),
        system: system.unwrap_or_default(),
        objectives: entities(cx, f.raw("objectives"), objective),
        data: entities(cx, f.raw("data"), data_asset),
        boundaries: entities(cx, f.raw("boundaries"), boundary),
        elements: entities(cx, f.raw("elements"), element),
        flows: entities(cx, f.raw("flows"), flow),
        apis: entities(cx, f.raw("apis"), api),
        mitigations: entities(cx, f.raw("mitigations"), mitigation),
        threats: entities(cx, f.raw("threats"), threat),
        assumptions: entities(cx, f.raw("assumptions"), assumption),
        notes: f
            .raw("notes")
            .and_then(|n| notes(cx, n))
            .unwrap_or_default(),
        policy: f.raw("policy").and_then(|n| policy(cx, n)),
        reviewed: f.raw("reviewed").and_then(|n| reviewed(cx, n)),
        custom_rules: entities(cx, f.raw("custom_rules"), custom_rule),
    };
    f.finish(cx);
    Some(model)
}

fn system(cx: &mut Ctx, node: &Node) -> Option<System> {
    let mut f = Fields::new(cx, node, "`system`")?;
    let name = f.req(cx, "name");
    let system = System {
        name: name.unwrap_or_default(),
        description: f.opt(cx, "description"),
        owner: f.opt(cx, "owner"),
        scope: f
            .raw("scope")
            .and_then(|n| scope(cx, n))
            .unwrap_or_default(),
    };
    f.finish(cx);
    Some(system)
}

fn scope(cx: &mut Ctx, node: &Node) -> Option<Scope> {
    let mut f = Fields::new(cx, node, "`system.scope`")?;
    let scope = Scope {
        in_scope: f.list(cx, "in"),
        out_of_scope: f.list(cx, "out"),
    };
    f.finish(cx);
    Some(scope)
}

fn objective(cx: &mut Ctx, node: &Node) -> Option<Objective> {
    let mut f = Fields::new(cx, node, "an objective")?;
    let id = f.id(cx, "objective");
    let description = f.req(cx, "description");
    let o = Objective {
        id: ObjectiveId::new(id.clone().unwrap_or_default()),
        description: description.unwrap_or_default(),
        kind: f.opt(cx, "kind"),
        standard: f.opt(cx, "standard"),
        data: f
            .references(cx, "data", RefKind::Data)
            .into_iter()
            .map(DataId::new)
            .collect(),
        span: f.span(),
    };
    f.finish(cx);
    id.map(|_| o)
}

fn data_asset(cx: &mut Ctx, node: &Node) -> Option<DataAsset> {
    let mut f = Fields::new(cx, node, "a data asset")?;
    let id = f.id(cx, "data asset");
    let d = DataAsset {
        id: DataId::new(id.clone().unwrap_or_default()),
        name: f.opt(cx, "name"),
        description: f.opt(cx, "description"),
        classification: f.opt(cx, "classification"),
        categories: f.list(cx, "categories"),
        cia: f.raw("cia").and_then(|n| cia(cx, n)).unwrap_or_default(),
        span: f.span(),
    };
    f.finish(cx);
    id.map(|_| d)
}

fn cia(cx: &mut Ctx, node: &Node) -> Option<Cia> {
    let mut f = Fields::new(cx, node, "`cia`")?;
    let c = Cia {
        confidentiality: f.opt(cx, "confidentiality"),
        integrity: f.opt(cx, "integrity"),
        availability: f.opt(cx, "availability"),
    };
    f.finish(cx);
    Some(c)
}

fn boundary(cx: &mut Ctx, node: &Node) -> Option<Boundary> {
    let mut f = Fields::new(cx, node, "a trust boundary")?;
    let id = f.id(cx, "trust boundary");
    let b = Boundary {
        id: BoundaryId::new(id.clone().unwrap_or_default()),
        name: f.opt(cx, "name"),
        kind: f.opt(cx, "kind"),
        description: f.opt(cx, "description"),
        parent: f
            .reference(cx, "parent", RefKind::Boundary)
            .map(BoundaryId::new),
        span: f.span(),
    };
    f.finish(cx);
    id.map(|_| b)
}

fn element(cx: &mut Ctx, node: &Node) -> Option<Element> {
    let mut f = Fields::new(cx, node, "an element")?;
    let id = f.id(cx, "element");
    let kind = f.req::<ElementKind>(cx, "kind");
    let mut e = Element::new(
        id.clone().unwrap_or_default(),
        kind.unwrap_or(ElementKind::Process),
    );
    e.name = f.opt(cx, "name");
    e.description = f.opt(cx, "description");
    e.store = f.opt(cx, "store");
    e.boundary = f
        .reference(cx, "boundary", RefKind::Boundary)
        .map(BoundaryId::new);
    e.parent = f
        .reference(cx, "parent", RefKind::Element)
        .map(ElementId::new);
    e.technology = f.opt(cx, "technology");
    e.exposure = f.opt(cx, "exposure");
    e.stores = f
        .references(cx, "stores", RefKind::Data)
        .into_iter()
        .map(DataId::new)
        .collect();
    e.encrypted_at_rest = f.opt(cx, "encrypted_at_rest");
    e.audit_log = f.opt(cx, "audit_log");
    e.gateway = f.flag(cx, "gateway");
    e.tags = f.list(cx, "tags");
    e.span = f.span();
    let owner = f.owner.clone();
    f.finish(cx);
    if let Some(kind) = kind
        && kind != ElementKind::DataStore
    {
        for key in ["store", "stores", "encrypted_at_rest"] {
            if let Some(span) = cx.field_spans.get(&(owner.clone(), key)).copied() {
                cx.warning(
                    crate::codes::MEANINGLESS_FIELD,
                    format!("`{key}` has no meaning on {owner}, which is a {kind}"),
                    span,
                    "only data stores use this",
                )
                .help
                .push("make the element `kind: data_store`, or remove the key".to_owned());
            }
        }
    }
    match (id, kind) {
        (Some(_), Some(_)) => Some(e),
        _ => None,
    }
}

fn flow(cx: &mut Ctx, node: &Node) -> Option<Flow> {
    let mut f = Fields::new(cx, node, "a data flow")?;
    let id = f.id(cx, "data flow");
    let from = f.req_reference(cx, "from", RefKind::Element);
    let to = f.req_reference(cx, "to", RefKind::Element);
    let flow = Flow {
        id: FlowId::new(id.clone().unwrap_or_default()),
        from: ElementId::new(from.clone().unwrap_or_default()),
        to: ElementId::new(to.clone().unwrap_or_default()),
        name: f.opt(cx, "name"),
        description: f.opt(cx, "description"),
        protocol: f
            .opt::<String>(cx, "protocol")
            .map(|p| p.to_ascii_lowercase()),
        port: f.opt(cx, "port"),
        authentication: f.opt(cx, "authentication"),
        authorization: f.opt(cx, "authorization"),
        encryption: f.opt(cx, "encryption"),
        data: f
            .references(cx, "data", RefKind::Data)
            .into_iter()
            .map(DataId::new)
            .collect(),
        api: f.reference(cx, "api", RefKind::Api).map(ApiId::new),
        bidirectional: f.flag(cx, "bidirectional"),
        validated: f.opt(cx, "validated"),
        tags: f.list(cx, "tags"),
        span: f.span(),
    };
    f.finish(cx);
    (id.is_some() && from.is_some() && to.is_some()).then_some(flow)
}

fn api(cx: &mut Ctx, node: &Node) -> Option<Api> {
    let mut f = Fields::new(cx, node, "an API")?;
    let id = f.id(cx, "API");
    let a = Api {
        id: ApiId::new(id.clone().unwrap_or_default()),
        name: f.opt(cx, "name"),
        spec: f.opt(cx, "spec"),
        exposure: f.opt(cx, "exposure"),
        version: f.opt(cx, "version"),
        lifecycle: f.opt(cx, "lifecycle"),
        served_by: f
            .reference(cx, "served_by", RefKind::Element)
            .map(ElementId::new),
        consumed_by: f
            .references(cx, "consumed_by", RefKind::Element)
            .into_iter()
            .map(ElementId::new)
            .collect(),
        operations: f.list(cx, "operations"),
        span: f.span(),
    };
    f.finish(cx);
    id.map(|_| a)
}

fn mitigation(cx: &mut Ctx, node: &Node) -> Option<Mitigation> {
    let mut f = Fields::new(cx, node, "a mitigation")?;
    let id = f.id(cx, "mitigation");
    let m = Mitigation {
        id: MitigationId::new(id.clone().unwrap_or_default()),
        name: f.opt(cx, "name"),
        kind: f.opt(cx, "kind"),
        description: f.opt(cx, "description"),
        status: f.opt(cx, "status"),
        elements: f
            .references(cx, "elements", RefKind::Element)
            .into_iter()
            .map(ElementId::new)
            .collect(),
        span: f.span(),
    };
    f.finish(cx);
    id.map(|_| m)
}

fn ticket(cx: &mut Ctx, node: &Node) -> Option<Ticket> {
    // A ticket may be written as a bare id or URL.
    if let Some(text) = node.scalar_text() {
        let is_url = text.starts_with("http://") || text.starts_with("https://");
        return Some(Ticket {
            id: (!is_url).then(|| text.clone()),
            title: None,
            url: is_url.then_some(text),
        });
    }
    let mut f = Fields::new(cx, node, "a ticket")?;
    let t = Ticket {
        id: f.opt(cx, "id"),
        title: f.opt(cx, "title"),
        url: f.opt(cx, "url"),
    };
    f.finish(cx);
    Some(t)
}

fn factors<const N: usize>(
    cx: &mut Ctx,
    node: &Node,
    owner: &str,
    keys: [&'static str; N],
    max: u8,
) -> Option<[u8; N]> {
    let mut f = Fields::new(cx, node, owner)?;
    let mut out = [0u8; N];
    let mut ok = true;
    for (slot, key) in out.iter_mut().zip(keys) {
        match f.raw(key) {
            None => {
                f.missing(cx, key);
                ok = false;
            }
            Some(n) => match u8::from_node(cx, n) {
                Some(v) if v <= max => *slot = v,
                Some(v) => {
                    cx.error(
                        crate::codes::RANGE,
                        format!("`{key}` is {v}: factors of {owner} go from 0 to {max}"),
                        n.span,
                        &format!("expected 0 to {max}"),
                    );
                    ok = false;
                }
                None => ok = false,
            },
        }
    }
    f.finish(cx);
    ok.then_some(out)
}

fn risk(cx: &mut Ctx, node: &Node) -> Option<RiskOverride> {
    let mut f = Fields::new(cx, node, "a risk rating")?;
    let dread = f.raw("dread").and_then(|n| {
        factors(
            cx,
            n,
            "DREAD",
            [
                "damage",
                "reproducibility",
                "exploitability",
                "affected_users",
                "discoverability",
            ],
            10,
        )
        .map(
            |[
                damage,
                reproducibility,
                exploitability,
                affected_users,
                discoverability,
            ]| Dread {
                damage,
                reproducibility,
                exploitability,
                affected_users,
                discoverability,
            },
        )
    });
    let owasp = f.raw("owasp").and_then(|n| owasp_risk(cx, n));
    let r = RiskOverride {
        dread,
        owasp,
        severity: f.opt(cx, "severity"),
        reason: f.opt(cx, "reason"),
    };
    let changes = f.raw("dread").is_some() || f.raw("owasp").is_some() || r.severity.is_some();
    f.finish(cx);
    if changes && r.reason.as_deref().is_none_or(|t| t.trim().is_empty()) {
        let span = node
            .as_map()
            .and_then(|m| m.entries.first())
            .map_or(node.span, |(k, _)| k.span);
        cx.error(
            crate::codes::NO_RISK_REASON,
            "a risk rating that replaces the rule's default has no `reason`",
            span,
            "needs a `reason`",
        )
        .help
        .push("say why the rating differs from the rule's default: `reason: …`".to_owned());
    }
    Some(r)
}

fn owasp_risk(cx: &mut Ctx, node: &Node) -> Option<OwaspRisk> {
    let mut f = Fields::new(cx, node, "an OWASP risk rating")?;
    let likelihood = f.raw("likelihood").and_then(|n| {
        factors(
            cx,
            n,
            "OWASP likelihood",
            [
                "skill_level",
                "motive",
                "opportunity",
                "size",
                "ease_of_discovery",
                "ease_of_exploit",
                "awareness",
                "intrusion_detection",
            ],
            9,
        )
    });
    let impact = f.raw("impact").and_then(|n| {
        factors(
            cx,
            n,
            "OWASP impact",
            [
                "loss_of_confidentiality",
                "loss_of_integrity",
                "loss_of_availability",
                "loss_of_accountability",
                "financial_damage",
                "reputation_damage",
                "non_compliance",
                "privacy_violation",
            ],
            9,
        )
    });
    if likelihood.is_none() && f.raw("likelihood").is_none() {
        f.missing(cx, "likelihood");
    }
    if impact.is_none() && f.raw("impact").is_none() {
        f.missing(cx, "impact");
    }
    f.finish(cx);
    let [
        skill_level,
        motive,
        opportunity,
        size,
        ease_of_discovery,
        ease_of_exploit,
        awareness,
        intrusion_detection,
    ] = likelihood?;
    let [
        loss_of_confidentiality,
        loss_of_integrity,
        loss_of_availability,
        loss_of_accountability,
        financial_damage,
        reputation_damage,
        non_compliance,
        privacy_violation,
    ] = impact?;
    Some(OwaspRisk {
        likelihood: OwaspLikelihood {
            skill_level,
            motive,
            opportunity,
            size,
            ease_of_discovery,
            ease_of_exploit,
            awareness,
            intrusion_detection,
        },
        impact: OwaspImpact {
            loss_of_confidentiality,
            loss_of_integrity,
            loss_of_availability,
            loss_of_accountability,
            financial_damage,
            reputation_damage,
            non_compliance,
            privacy_violation,
        },
    })
}

fn threat_target(cx: &mut Ctx, node: &Node) -> Option<ThreatTarget> {
    let mut f = Fields::new(cx, node, "a threat target")?;
    let t = ThreatTarget {
        element: f.reference(cx, "element", RefKind::Element),
        flow: f.reference(cx, "flow", RefKind::Flow),
        operation: f.opt(cx, "operation"),
        api: f.reference(cx, "api", RefKind::Api),
    };
    f.finish(cx);
    Some(t)
}

fn threat(cx: &mut Ctx, node: &Node) -> Option<ThreatEntry> {
    let mut f = Fields::new(cx, node, "a threat")?;
    let id = f.id(cx, "threat");
    let t = ThreatEntry {
        id: ThreatId::new(id.clone().unwrap_or_default()),
        rule: f.opt(cx, "rule"),
        subject: f.opt(cx, "subject"),
        title: f.opt(cx, "title"),
        description: f.opt(cx, "description"),
        target: f.raw("target").and_then(|n| threat_target(cx, n)),
        stride: f.list(cx, "stride"),
        owasp_api_2023: f.list(cx, "owasp_api_2023"),
        cwe: f.list(cx, "cwe"),
        capec: f.list(cx, "capec"),
        severity: f.opt(cx, "severity"),
        status: f.opt(cx, "status"),
        strategy: f.opt(cx, "strategy"),
        justification: f.opt(cx, "justification"),
        owner: f.opt(cx, "owner"),
        ticket: f.raw("ticket").and_then(|n| ticket(cx, n)),
        date: f.opt(cx, "date"),
        checked_by: f.opt(cx, "checked_by"),
        risk: f.raw("risk").and_then(|n| risk(cx, n)),
        mitigations: f
            .references(cx, "mitigations", RefKind::Mitigation)
            .into_iter()
            .map(MitigationId::new)
            .collect(),
        assumptions: f
            .references(cx, "assumptions", RefKind::Assumption)
            .into_iter()
            .map(AssumptionId::new)
            .collect(),
        parent: f.opt::<String>(cx, "parent").map(ThreatId::new),
        span: f.span(),
    };
    let owner = f.owner.clone();
    f.finish(cx);
    let needs_justification = matches!(t.strategy, Some(Strategy::Accept | Strategy::Transfer))
        || matches!(t.status, Some(Status::Accepted | Status::Transferred));
    if needs_justification
        && t.justification
            .as_deref()
            .is_none_or(|j| j.trim().is_empty())
    {
        let span = cx
            .field_spans
            .get(&(owner.clone(), "strategy"))
            .or_else(|| cx.field_spans.get(&(owner.clone(), "status")))
            .copied()
            .unwrap_or(node.span);
        cx.error(
            crate::codes::NO_JUSTIFICATION,
            format!("{owner} is accepted or transferred without a justification"),
            span,
            "needs a `justification`",
        )
        .help
        .push("say why the risk is acceptable or who carries it: `justification: …`".to_owned());
    }
    id.map(|_| t)
}

fn assumption(cx: &mut Ctx, node: &Node) -> Option<Assumption> {
    let mut f = Fields::new(cx, node, "an assumption")?;
    let id = f.id(cx, "assumption");
    let text = f.req(cx, "assumption");
    let a = Assumption {
        id: AssumptionId::new(id.clone().unwrap_or_default()),
        assumption: text.unwrap_or_default(),
        impact: f.opt(cx, "impact"),
        contact: f.opt(cx, "contact"),
        owner: f.opt(cx, "owner"),
        due: f.opt(cx, "due"),
        ticket: f.raw("ticket").and_then(|n| ticket(cx, n)),
        confirmed: f.flag(cx, "confirmed"),
        span: f.span(),
    };
    f.finish(cx);
    id.map(|_| a)
}

fn notes(cx: &mut Ctx, node: &Node) -> Option<Notes> {
    let mut f = Fields::new(cx, node, "`notes`")?;
    let customers = f.raw("customers").and_then(|n| {
        let mut g = Fields::new(cx, n, "`notes.customers`")?;
        let c = CustomerNotes {
            non_requirements: g.list(cx, "non_requirements"),
            notes: g.list(cx, "notes"),
        };
        g.finish(cx);
        Some(c)
    });
    let callers = f.raw("callers").and_then(|n| {
        let mut g = Fields::new(cx, n, "`notes.callers`")?;
        let c = CallerNotes {
            threat_model: g.opt(cx, "threat_model"),
            accepted_input: g.list(cx, "accepted_input"),
            common_mistakes: g.list(cx, "common_mistakes"),
        };
        g.finish(cx);
        Some(c)
    });
    let considerations = f.raw("security_considerations").and_then(|n| {
        let mut g = Fields::new(cx, n, "`notes.security_considerations`")?;
        let s = SecurityConsiderations {
            in_scope: g.list(cx, "in_scope"),
            out_of_scope: g.list(cx, "out_of_scope"),
            foreseeable_threats: g.list(cx, "foreseeable_threats"),
            residual_risk: g.list(cx, "residual_risk"),
            protected_against: g.list(cx, "protected_against"),
            assumptions: g.list(cx, "assumptions"),
        };
        g.finish(cx);
        Some(s)
    });
    f.finish(cx);
    Some(Notes {
        customers: customers.unwrap_or_default(),
        callers: callers.unwrap_or_default(),
        security_considerations: considerations.unwrap_or_default(),
    })
}

pub(crate) fn policy(cx: &mut Ctx, node: &Node) -> Option<Policy> {
    let mut f = Fields::new(cx, node, "`policy`")?;
    let p = Policy {
        fail_on: f.opt(cx, "fail_on"),
        require_coverage: f.opt(cx, "require_coverage"),
        fail_on_drift: f.opt(cx, "fail_on_drift"),
        fail_on_overdue_assumptions: f.opt(cx, "fail_on_overdue_assumptions"),
        require_ticket: f.opt(cx, "require_ticket"),
        max_review_age_days: f.opt(cx, "max_review_age_days"),
        baselines_cover: f.opt(cx, "baselines_cover"),
        rating: f.opt(cx, "rating"),
    };
    f.finish(cx);
    Some(p)
}

fn reviewed(cx: &mut Ctx, node: &Node) -> Option<Reviewed> {
    let mut f = Fields::new(cx, node, "`reviewed`")?;
    let r = Reviewed {
        date: f.opt(cx, "date"),
        by: f.opt(cx, "by"),
        specs: f.opt(cx, "specs").unwrap_or_default(),
    };
    f.finish(cx);
    Some(r)
}

/// The conditions a custom rule's `match` may use, by target.
fn conditions_of(target: RuleTarget) -> &'static [&'static str] {
    match target {
        RuleTarget::Element => &["kind", "technology", "tag"],
        RuleTarget::Flow => &[
            "protocol",
            "authentication",
            "crosses_boundary",
            "carries",
            "from",
            "to",
            "tag",
        ],
        RuleTarget::Operation => &["method", "path", "authenticated", "parameter", "property"],
    }
}

fn rule_match(cx: &mut Ctx, node: &Node) -> Option<RuleMatch> {
    let mut f = Fields::new(cx, node, "a rule's `match`")?;
    let target: Option<RuleTarget> = f.req(cx, "target");
    if let (Some(target), Some(map)) = (target, node.as_map()) {
        let allowed = conditions_of(target);
        for (key, value) in map.iter() {
            let name = key.text.as_str();
            let known_elsewhere = [RuleTarget::Element, RuleTarget::Flow, RuleTarget::Operation]
                .iter()
                .find(|t| conditions_of(**t).contains(&name));
            if name == "target" || allowed.contains(&name) {
                continue;
            }
            if let Some(other) = known_elsewhere {
                cx.error(
                    crate::codes::RULE_CONDITION,
                    format!(
                        "`{name}` is a condition on {}s, but this rule's target is `{}`",
                        other.as_str(),
                        target.as_str()
                    ),
                    palisade_diagnostics::Span::new(key.span.start, value.span.end),
                    "does not apply to this target",
                )
                .help
                .push(format!(
                    "conditions on {}s: {}",
                    target.as_str(),
                    allowed
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    let m = RuleMatch {
        target: target.unwrap_or_default(),
        kind: f.opt(cx, "kind"),
        technology: f.opt(cx, "technology"),
        tag: f.opt(cx, "tag"),
        protocol: f.list(cx, "protocol"),
        authentication: f.list(cx, "authentication"),
        crosses_boundary: f.opt(cx, "crosses_boundary"),
        carries: f.list(cx, "carries"),
        from: f.opt(cx, "from"),
        to: f.opt(cx, "to"),
        method: f
            .list::<String>(cx, "method")
            .into_iter()
            .map(|m| m.to_ascii_lowercase())
            .collect(),
        path: f.opt(cx, "path"),
        authenticated: f.opt(cx, "authenticated"),
        parameter: f.opt(cx, "parameter"),
        property: f.opt(cx, "property"),
    };
    f.finish(cx);
    target.map(|_| m)
}

fn custom_rule(cx: &mut Ctx, node: &Node) -> Option<CustomRule> {
    let mut f = Fields::new(cx, node, "a custom rule")?;
    let code_node = f.raw("code");
    let code: Option<String> = f.req(cx, "code");
    if let Some(code) = &code {
        f.owner = format!("custom rule `{code}`");
        let well_formed = code.starts_with("X-")
            && code.len() > 2
            && code[2..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !well_formed && let Some(n) = code_node {
            cx.error(
                crate::codes::BAD_RULE_CODE,
                format!(
                    "custom rule code `{code}` must start with `X-` followed by letters and digits"
                ),
                n.span,
                "malformed rule code",
            )
            .help
            .push(
                "custom codes start with `X-` so they never clash with built-in ones: `X-PAY001`"
                    .to_owned(),
            );
        }
    }
    let title = f.req(cx, "title");
    if let Some(Value::Seq(items)) = f.raw("owasp_api_2023").map(|n| &n.value) {
        for item in items {
            let Some(text) = item.as_str() else {
                continue;
            };
            let known = text
                .to_ascii_uppercase()
                .strip_prefix("API")
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| (1..=10).contains(&n));
            if !known {
                cx.error(
                    crate::codes::BAD_OWASP,
                    format!("`{text}` is not an OWASP API Security Top 10 (2023) category"),
                    item.span,
                    "unknown category",
                )
                .help
                .push("use `API1` to `API10`".to_owned());
            }
        }
    }
    let matches = match f.raw("match") {
        Some(n) => rule_match(cx, n),
        None => {
            f.missing(cx, "match");
            None
        }
    };
    let r = CustomRule {
        code: code.clone().unwrap_or_default(),
        title: title.clone().unwrap_or_default(),
        description: f.opt(cx, "description"),
        severity: f.opt(cx, "severity"),
        stride: f.list(cx, "stride"),
        owasp_api_2023: f.list(cx, "owasp_api_2023"),
        cwe: f.list(cx, "cwe"),
        mitigation: f.opt(cx, "mitigation"),
        matches: matches.clone().unwrap_or_default(),
        span: f.span(),
    };
    f.finish(cx);
    (code.is_some() && title.is_some() && matches.is_some()).then_some(r)
}

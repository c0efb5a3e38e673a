//! Threagile models (YAML, with anchors and merge keys): data assets, technical assets with
//! their communication links, nested trust boundaries, shared runtimes (as tags), manually
//! identified risks (as threats), `risk_tracking` (as decisions, each a threat with its status,
//! justification, ticket, date and checker), abuse cases (foreseeable threats) and security
//! requirements (objectives).

use palisade_diagnostics::Diagnostic;
use palisade_model::{
    Authentication, Authorization, Boundary, BoundaryId, BoundaryKind, Cia, Classification,
    DataAsset, DataId, Date, Element, ElementKind, Encryption, Exposure, Layout, Level, Mitigation,
    MitigationId, Model, Objective, ObjectiveId, ObjectiveKind, Severity, Status, Strategy,
    ThreatEntry, Ticket,
};
use palisade_syntax::{Node, Value};

use crate::Imported;
use crate::cx::{Cx, at, flag, require_map, strings, text};
use crate::mapping::{self, append};
use crate::slug::{Ids, slug};

/// The entries of a mapping section (`name: {…}`), empty when absent or null.
fn entries<'n>(cx: &mut Cx, root: &'n Node, key: &str) -> Vec<(&'n str, &'n Node)> {
    match root.get(key) {
        None => Vec::new(),
        Some(n) if n.is_null() => Vec::new(),
        Some(n) => match &n.value {
            Value::Map(m) => m.iter().map(|(k, v)| (k.text.as_str(), v)).collect(),
            _ => {
                cx.error(
                    n.span,
                    format!("`{key}` must be a mapping, not {}", n.kind_name()),
                    "expected a mapping",
                );
                Vec::new()
            }
        },
    }
}

/// The Threagile id of an entry, which must be a valid Palisade id too.
fn threagile_id(node: &Node, name: &str) -> String {
    text(node, "id").map_or_else(
        || slug(name, "item"),
        |id| {
            if id.chars().any(|c| c.is_whitespace() || c.is_control()) || id.chars().count() > 200 {
                slug(&id, "item")
            } else {
                id
            }
        },
    )
}

fn confidentiality(text: &str) -> Option<(Classification, Level)> {
    Some(match text {
        "public" => (Classification::Public, Level::Low),
        "internal" => (Classification::Internal, Level::Low),
        "restricted" => (Classification::Confidential, Level::Medium),
        "confidential" => (Classification::Confidential, Level::High),
        "strictly-confidential" => (Classification::Restricted, Level::High),
        _ => return None,
    })
}

fn criticality(text: &str) -> Option<Level> {
    Some(match text {
        "archive" | "operational" => Level::Low,
        "important" => Level::Medium,
        "critical" | "mission-critical" => Level::High,
        _ => return None,
    })
}

struct Importer {
    cx: Cx,
    model: Model,
    nodes: Ids,
    threats: Ids,
    mitigations: Ids,
    data: Ids,
}

pub(crate) fn import(mut cx: Cx, root: &Node) -> Result<Imported, Vec<Diagnostic>> {
    if !require_map(&mut cx, root, "a Threagile model") {
        return Err(cx.into_errors());
    }
    let mut model = Model::new(text(root, "title").unwrap_or_else(|| "Threagile model".to_owned()));
    model.system.owner = root.get("author").and_then(|a| text(a, "name"));
    let mut description = None;
    for key in ["management_summary_comment"] {
        if let Some(t) = text(root, key) {
            append(&mut description, &t);
        }
    }
    for key in ["business_overview", "technical_overview"] {
        if let Some(t) = root.get(key).and_then(|o| text(o, "description")) {
            append(&mut description, &t);
        }
    }
    model.system.description = description;
    let mut imp = Importer {
        cx,
        model,
        nodes: Ids::default(),
        threats: Ids::default(),
        mitigations: Ids::default(),
        data: Ids::default(),
    };
    imp.unmapped_top(root);
    for (name, node) in entries(&mut imp.cx, root, "data_assets") {
        imp.data_asset(name, node);
    }
    let assets = entries(&mut imp.cx, root, "technical_assets");
    for (name, node) in &assets {
        imp.technical_asset(name, node);
    }
    for (name, node) in &assets {
        imp.links(name, node);
    }
    let boundaries = entries(&mut imp.cx, root, "trust_boundaries");
    for (name, node) in &boundaries {
        imp.boundary(name, node);
    }
    for (name, node) in &boundaries {
        imp.boundary_members(name, node);
    }
    for (name, node) in entries(&mut imp.cx, root, "shared_runtimes") {
        imp.runtime(name, node);
    }
    for (name, text) in entries(&mut imp.cx, root, "abuse_cases") {
        if let Some(t) = text.scalar_text() {
            imp.model
                .notes
                .security_considerations
                .foreseeable_threats
                .push(format!("{name}: {}", t.trim()));
        }
    }
    for (name, node) in entries(&mut imp.cx, root, "security_requirements") {
        imp.requirement(name, node);
    }
    for (_, node) in entries(&mut imp.cx, root, "individual_risk_categories") {
        imp.risk_category(node);
    }
    for (key, node) in entries(&mut imp.cx, root, "risk_tracking") {
        imp.tracking(key, node);
    }
    imp.cx.finish(imp.model, Layout::default())
}

impl Importer {
    fn unmapped_top(&mut self, root: &Node) {
        let known = [
            "threagile_version",
            "title",
            "author",
            "management_summary_comment",
            "business_overview",
            "technical_overview",
            "data_assets",
            "technical_assets",
            "trust_boundaries",
            "shared_runtimes",
            "abuse_cases",
            "security_requirements",
            "individual_risk_categories",
            "risk_tracking",
        ];
        let why = |key: &str| match key {
            "questions" => {
                "a Palisade model has no open questions; write them as assumptions to follow up"
            }
            "tags_available" => "Palisade tags need no declaration",
            "business_criticality" => {
                "a Palisade system has no criticality; say it with objectives"
            }
            "date" => "a Palisade model records review dates under `reviewed`",
            k if k.starts_with("diagram_tweak") => "diagram tweaks are Threagile's drawing options",
            _ => "Palisade has no place for it",
        };
        let Some(map) = root.as_map() else {
            return;
        };
        for (k, v) in map.iter() {
            if known.contains(&k.text.as_str()) || v.is_null() {
                continue;
            }
            if v.as_map().is_some_and(palisade_syntax::Map::is_empty)
                || v.as_seq().is_some_and(<[Node]>::is_empty)
            {
                continue;
            }
            self.cx
                .unmapped(k.span, format!("`{}`", k.text), why(&k.text));
        }
    }

    fn data_asset(&mut self, name: &str, node: &Node) {
        let id = threagile_id(node, name);
        let id = if self.data.reserve(&id) {
            id
        } else {
            self.data.fresh(&id, "data")
        };
        self.data.remember(&threagile_id(node, name), &id);
        let conf = text(node, "confidentiality").and_then(|c| confidentiality(&c));
        let description = text(node, "description");
        let mut why = description.clone();
        if let Some(j) = text(node, "justification_cia_rating") {
            append(&mut why, &j);
        }
        self.model.data.push(DataAsset {
            id: DataId::new(&id),
            name: Some(name.to_owned()),
            categories: mapping::data_categories(&format!(
                "{name} {}",
                description.as_deref().unwrap_or_default()
            )),
            description: why,
            classification: conf.map(|c| c.0),
            cia: Cia {
                confidentiality: conf.map(|c| c.1),
                integrity: text(node, "integrity").and_then(|c| criticality(&c)),
                availability: text(node, "availability").and_then(|c| criticality(&c)),
            },
            ..DataAsset::default()
        });
        for key in ["usage", "origin", "owner", "quantity"] {
            if let Some(n) = node.get(key).filter(|n| !n.is_null()) {
                self.cx.unmapped(
                    at(n),
                    format!("the `{key}` of data assets"),
                    "a Palisade data asset has a classification, categories and CIA needs",
                );
            }
        }
    }

    fn data_refs(&self, node: &Node, keys: &[&str]) -> Vec<DataId> {
        let mut out: Vec<DataId> = Vec::new();
        for key in keys {
            for d in strings(node, key) {
                if let Some(id) = self.data.get(&d) {
                    let id = DataId::new(id);
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
            }
        }
        out
    }

    fn technical_asset(&mut self, name: &str, node: &Node) {
        let wanted = threagile_id(node, name);
        let id = self.nodes.assign(&wanted, &wanted, "asset");
        let kind = match text(node, "type").as_deref() {
            Some("external-entity") => ElementKind::ExternalEntity,
            Some("datastore") => ElementKind::DataStore,
            _ => ElementKind::Process,
        };
        let technology = text(node, "technology");
        let mut e = Element::new(&id, kind);
        e.name = Some(name.to_owned());
        e.description = text(node, "description");
        e.technology.clone_from(&technology);
        e.tags = strings(node, "tags");
        if flag(node, "internet") == Some(true) {
            e.exposure = Some(Exposure::Public);
        }
        if kind == ElementKind::DataStore {
            e.store = mapping::store_kind(technology.as_deref().unwrap_or(name));
            e.stores = self.data_refs(node, &["data_assets_stored"]);
            e.encrypted_at_rest = text(node, "encryption").map(|enc| enc != "none");
        } else if !strings(node, "data_assets_stored").is_empty() {
            self.cx.unmapped(
                at(node),
                "data stored by assets that are not data stores",
                "in Palisade only data stores keep data assets",
            );
        }
        if flag(node, "out_of_scope") == Some(true) {
            let entry = match text(node, "justification_out_of_scope") {
                Some(why) => format!("{name}: {why}"),
                None => name.to_owned(),
            };
            self.model.system.scope.out_of_scope.push(entry);
        }
        for key in [
            "usage",
            "used_as_client_by_human",
            "size",
            "machine",
            "owner",
            "confidentiality",
            "integrity",
            "availability",
            "multi_tenant",
            "redundant",
            "custom_developed_parts",
            "data_assets_processed",
            "data_formats_accepted",
        ] {
            let present = node.get(key).is_some_and(|n| {
                !n.is_null()
                    && !n.as_seq().is_some_and(<[Node]>::is_empty)
                    && n.as_bool() != Some(false)
            });
            if present {
                self.cx.unmapped(
                    node.get(key).map_or_else(|| at(node), at),
                    format!("the `{key}` of technical assets"),
                    "a Palisade element has no such field",
                );
            }
        }
        self.model.elements.push(e);
    }

    fn links(&mut self, name: &str, node: &Node) {
        let source = threagile_id(node, name);
        let Some(from) = self.nodes.get(&source).map(str::to_owned) else {
            return;
        };
        let links = entries(&mut self.cx, node, "communication_links");
        for (title, link) in links {
            let Some(to) = text(link, "target").and_then(|t| self.nodes.get(&t).map(str::to_owned))
            else {
                self.cx.unmapped(
                    at(link),
                    "communication links to unknown technical assets",
                    "their `target` names no technical asset of the file",
                );
                continue;
            };
            if to == from {
                self.cx.unmapped(
                    at(link),
                    "communication links from an asset to itself",
                    "a Palisade flow joins two different elements",
                );
                continue;
            }
            let id = self.nodes.fresh(&format!("{from} {title}"), "link");
            let mut f = palisade_model::Flow::new(id.as_str(), from.as_str(), to.as_str());
            f.name = Some(title.to_owned());
            f.description = text(link, "description");
            let protocol = text(link, "protocol").unwrap_or_default();
            if protocol.ends_with("-encrypted") {
                f.encryption = Some(Encryption::Tls);
            }
            f.protocol = mapping::protocol(protocol.trim_end_matches("-encrypted"));
            f.authentication = text(link, "authentication").and_then(|a| match a.as_str() {
                "none" => Some(Authentication::None),
                "credentials" => Some(Authentication::Password),
                "session-id" => Some(Authentication::Session),
                "token" => Some(Authentication::Bearer),
                "client-certificate" => Some(Authentication::Mtls),
                "two-factor" | "externalized" => Some(Authentication::Other),
                _ => None,
            });
            f.authorization = text(link, "authorization").and_then(|a| match a.as_str() {
                "none" => Some(Authorization::None),
                "technical-user" => Some(Authorization::Rbac),
                "end-user-identity-propagation" => Some(Authorization::Other),
                _ => None,
            });
            f.data = self.data_refs(link, &["data_assets_sent", "data_assets_received"]);
            f.tags = strings(link, "tags");
            for key in ["vpn", "ip_filtered", "readonly"] {
                if flag(link, key) == Some(true) {
                    f.tags.push(key.replace('_', "-"));
                }
            }
            self.model.flows.push(f);
        }
    }

    fn boundary(&mut self, name: &str, node: &Node) {
        let wanted = threagile_id(node, name);
        let id = self
            .nodes
            .assign(&format!("boundary:{wanted}"), &wanted, "boundary");
        let ty = text(node, "type").unwrap_or_default();
        let kind = match ty.as_str() {
            "network-on-prem" | "network-virtual-lan" => Some(BoundaryKind::Internal),
            "network-dedicated-hoster"
            | "network-cloud-provider"
            | "network-cloud-security-group" => Some(BoundaryKind::Cloud),
            "network-policy-namespace-isolation" => Some(BoundaryKind::Cluster),
            "execution-environment" => Some(BoundaryKind::Host),
            _ => None,
        };
        self.model.boundaries.push(Boundary {
            id: BoundaryId::new(id),
            name: Some(name.to_owned()),
            kind,
            description: text(node, "description"),
            ..Boundary::default()
        });
    }

    fn boundary_members(&mut self, name: &str, node: &Node) {
        let own = self
            .nodes
            .get(&format!("boundary:{}", threagile_id(node, name)))
            .map(str::to_owned);
        let Some(own) = own else {
            return;
        };
        for asset in strings(node, "technical_assets_inside") {
            let Some(id) = self.nodes.get(&asset).map(str::to_owned) else {
                self.cx.unmapped(
                    at(node),
                    "trust boundary members that are not technical assets",
                    "they name no technical asset of the file",
                );
                continue;
            };
            if let Some(e) = self.model.elements.iter_mut().find(|e| e.id.as_str() == id) {
                e.boundary = Some(BoundaryId::new(&own));
            }
        }
        for nested in strings(node, "trust_boundaries_nested") {
            let Some(id) = self
                .nodes
                .get(&format!("boundary:{nested}"))
                .map(str::to_owned)
            else {
                continue;
            };
            if let Some(b) = self
                .model
                .boundaries
                .iter_mut()
                .find(|b| b.id.as_str() == id)
            {
                b.parent = Some(BoundaryId::new(&own));
            }
        }
    }

    fn runtime(&mut self, name: &str, node: &Node) {
        let tag = format!("runtime:{}", threagile_id(node, name));
        let mut count = 0;
        for asset in strings(node, "technical_assets_running") {
            if let Some(id) = self.nodes.get(&asset).map(str::to_owned)
                && let Some(e) = self.model.elements.iter_mut().find(|e| e.id.as_str() == id)
            {
                e.tags.push(tag.clone());
                count += 1;
            }
        }
        self.cx.approximate(
            at(node),
            format!("shared runtime `{name}` is kept as the tag `{tag}` on its {count} assets"),
            "Palisade has no shared runtimes; an element can also run inside another with `parent:`",
        );
    }

    fn requirement(&mut self, name: &str, node: &Node) {
        let Some(description) = node.scalar_text() else {
            return;
        };
        let mut ids = Ids::default();
        for o in &self.model.objectives {
            ids.reserve(o.id.as_str());
        }
        let id = ids.fresh(name, "requirement");
        let lower = format!("{name} {description}").to_ascii_lowercase();
        let kind = if [
            "gdpr",
            "dsgvo",
            "hipaa",
            "pci",
            "sox",
            "compliance",
            "regulation",
        ]
        .iter()
        .any(|w| lower.contains(w))
        {
            Some(ObjectiveKind::Compliance)
        } else {
            None
        };
        self.model.objectives.push(Objective {
            id: ObjectiveId::new(id),
            description: format!("{name}: {}", description.trim()),
            kind,
            ..Objective::default()
        });
    }

    fn target_of(&self, ids: &[String]) -> Option<palisade_model::ThreatTarget> {
        for id in ids {
            if let Some(e) = self
                .nodes
                .get(id)
                .filter(|e| self.model.element(e).is_some())
            {
                return mapping::on_element(e);
            }
        }
        None
    }

    fn risk_category(&mut self, node: &Node) {
        let category = text(node, "id").unwrap_or_else(|| "individual-risk".to_owned());
        let mitigation = text(node, "mitigation").map(|m| {
            let mid = self
                .mitigations
                .fresh(&format!("{category} mitigation"), "mitigation");
            self.model.mitigations.push(Mitigation {
                id: MitigationId::new(&mid),
                name: Some(crate::cx::headline(&m)),
                description: Some(m),
                ..Mitigation::default()
            });
            MitigationId::new(mid)
        });
        let stride = text(node, "stride").and_then(|s| mapping::stride(&s));
        let cwe = node
            .get("cwe")
            .and_then(Node::as_i64)
            .and_then(|n| u32::try_from(n).ok());
        for (title, risk) in entries(&mut self.cx, node, "risks_identified") {
            let clean = strip_html(title);
            let id = self.threats.fresh(&format!("{category} {clean}"), "risk");
            let mut t = mapping::threat(&id, &clean);
            t.description = text(node, "description");
            if let Some(impact) = text(node, "impact") {
                append(&mut t.description, &format!("Impact: {impact}"));
            }
            t.stride.extend(stride);
            t.cwe.extend(cwe);
            t.severity = text(risk, "severity").and_then(|s| match s.as_str() {
                "elevated" => Some(Severity::High),
                other => mapping::severity(other),
            });
            t.status = Some(Status::Open);
            t.mitigations.extend(mitigation.clone());
            let relevant: Vec<String> = [
                "most_relevant_technical_asset",
                "most_relevant_data_asset",
                "most_relevant_communication_link",
                "most_relevant_trust_boundary",
                "most_relevant_shared_runtime",
            ]
            .iter()
            .filter_map(|k| text(risk, k))
            .collect();
            t.target = self.target_of(&relevant);
            self.model.threats.push(t);
        }
    }

    /// A `risk_tracking` entry: a decision about one of Threagile's risks (`category@asset…`,
    /// `*` for any). Palisade does not generate Threagile's risks, so the decision is kept as a
    /// threat of its own with the decision's fields.
    fn tracking(&mut self, key: &str, node: &Node) {
        let parts: Vec<&str> = key.split('@').collect();
        let category = parts.first().copied().unwrap_or(key);
        let concrete: Vec<String> = parts[1..]
            .iter()
            .filter(|p| !p.is_empty() && **p != "*")
            .map(|p| (*p).to_owned())
            .collect();
        let targets = if concrete.is_empty() {
            "every affected element".to_owned()
        } else {
            concrete.join(", ")
        };
        let title = format!("{} ({targets})", humanize(category));
        let id = self.threats.fresh(key, "tracked-risk");
        let mut t: ThreatEntry = mapping::threat(&id, &title);
        t.description = Some(format!(
            "Threagile risk `{key}`, tracked in the Threagile model{}.",
            if concrete.len() < parts.len() - 1 {
                " (the `*` parts match any element)"
            } else {
                ""
            }
        ));
        t.target = self.target_of(&concrete);
        let status_text = text(node, "status").unwrap_or_else(|| "unchecked".to_owned());
        let status = match status_text.as_str() {
            "unchecked" => Some(Status::Open),
            "in-discussion" => Some(Status::NeedsInvestigation),
            "accepted" => Some(Status::Accepted),
            "in-progress" => Some(Status::InProgress),
            "mitigated" => Some(Status::Mitigated),
            "false-positive" => Some(Status::FalsePositive),
            _ => None,
        };
        if status.is_none() {
            self.cx.unmapped(
                node.get("status").map_or_else(|| at(node), at),
                format!("the risk tracking status `{status_text}`"),
                "such decisions are imported as open",
            );
        }
        t.status = Some(status.unwrap_or(Status::Open));
        t.justification = text(node, "justification");
        t.strategy = match t.status {
            Some(Status::Accepted) => Some(Strategy::Accept),
            Some(Status::Mitigated | Status::InProgress) => Some(Strategy::Reduce),
            _ => None,
        };
        if t.status == Some(Status::Accepted) && t.justification.is_none() {
            t.justification =
                Some("accepted in the Threagile model (no reason was recorded there)".to_owned());
        }
        t.ticket = text(node, "ticket").map(|id| {
            let url = id.starts_with("http://") || id.starts_with("https://");
            Ticket {
                id: (!url).then(|| id.clone()),
                title: None,
                url: url.then_some(id),
            }
        });
        t.date = text(node, "date").and_then(|d| d.get(..10).and_then(|d| d.parse::<Date>().ok()));
        t.checked_by = text(node, "checked_by");
        self.model.threats.push(t);
    }
}

/// `missing-authentication-second-factor` → "Missing authentication second factor".
fn humanize(category: &str) -> String {
    let words = category.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Threagile titles carry `<b>` markup.
fn strip_html(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

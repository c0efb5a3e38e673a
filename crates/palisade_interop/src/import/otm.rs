//! Open Threat Model files (0.1 and 0.2, JSON or YAML): trust zones, components, data flows,
//! assets, and threats and mitigations with their per-component instances. Diagram positions of
//! the first diagram representation go to the layout.

use std::collections::HashMap;

use palisade_diagnostics::Diagnostic;
use palisade_model::{
    Boundary, BoundaryId, BoundaryKind, Cia, Classification, DataAsset, DataId, Element, ElementId,
    ElementKind, Layout, Level, Mitigation, MitigationId, MitigationStatus, Model, Placement,
    Severity, Status,
};
use palisade_syntax::Node;

use crate::Imported;
use crate::cx::{Cx, at, list, number, require_map, strings, text};
use crate::mapping::{self, append};
use crate::slug::Ids;

struct Importer<'n> {
    cx: Cx,
    model: Model,
    layout: Layout,
    nodes: Ids,
    data: Ids,
    threat_ids: Ids,
    mitigation_ids: Ids,
    /// The representation whose positions become the layout.
    diagram: Option<String>,
    /// Threat definitions by OTM id.
    threats: HashMap<String, &'n Node>,
    /// Mitigation definitions by OTM id, and the Palisade id once used.
    mitigations: HashMap<String, &'n Node>,
    mitigation_made: HashMap<String, String>,
    /// Threat definitions that some component or flow used.
    used: std::collections::HashSet<String>,
}

pub(crate) fn import(mut cx: Cx, root: &Node) -> Result<Imported, Vec<Diagnostic>> {
    if !require_map(&mut cx, root, "an OTM file") {
        return Err(cx.into_errors());
    }
    let version = text(root, "otmVersion").unwrap_or_default();
    if !(version.starts_with("0.1") || version.starts_with("0.2")) {
        let span = root.get("otmVersion").map_or_else(|| at(root), |n| n.span);
        cx.approximate(
            span,
            format!("OTM version `{version}` is read as 0.2"),
            "Palisade reads OTM 0.1 and 0.2",
        );
    }
    let Some(project) = root.get("project").filter(|p| p.as_map().is_some()) else {
        cx.error(
            at(root),
            "an OTM file needs a `project` mapping",
            "no `project` here",
        );
        return Err(cx.into_errors());
    };
    let mut model = Model::new(text(project, "name").unwrap_or_else(|| "OTM project".to_owned()));
    model.system.description = text(project, "description");
    model.system.owner = text(project, "owner");
    for key in ["ownerContact", "tags", "attributes", "properties"] {
        if let Some(n) = project.get(key).filter(|n| !n.is_null()) {
            cx.unmapped(
                at(n),
                format!("the project's `{key}`"),
                "a Palisade system has no such field",
            );
        }
    }
    let diagram = list(&mut cx, root, "representations")
        .iter()
        .find(|r| text(r, "type").is_some_and(|t| t.eq_ignore_ascii_case("diagram")))
        .and_then(|r| text(r, "id"));
    let mut imp = Importer {
        cx,
        model,
        layout: Layout::default(),
        nodes: Ids::default(),
        data: Ids::default(),
        threat_ids: Ids::default(),
        mitigation_ids: Ids::default(),
        diagram,
        threats: HashMap::new(),
        mitigations: HashMap::new(),
        mitigation_made: HashMap::new(),
        used: std::collections::HashSet::new(),
    };
    for t in list(&mut imp.cx, root, "threats") {
        if let Some(id) = text(t, "id") {
            imp.threats.insert(id, t);
        }
    }
    for m in list(&mut imp.cx, root, "mitigations") {
        if let Some(id) = text(m, "id") {
            imp.mitigations.insert(id, m);
        }
    }
    for a in list(&mut imp.cx, root, "assets") {
        imp.asset(a);
    }
    let zones = list(&mut imp.cx, root, "trustZones");
    for z in zones {
        imp.zone(z);
    }
    for z in zones {
        imp.zone_parent(z);
    }
    let components = list(&mut imp.cx, root, "components");
    for c in components {
        imp.component(c);
    }
    for c in components {
        imp.component_parent(c);
    }
    for f in list(&mut imp.cx, root, "dataflows") {
        imp.dataflow(f);
    }
    // Threats that no component or flow uses are still threats of the system.
    let mut unused: Vec<&Node> = imp
        .threats
        .iter()
        .filter(|(id, _)| !imp.used.contains(*id))
        .map(|(_, n)| *n)
        .collect();
    unused.sort_by_key(|n| n.span.start);
    for node in unused {
        imp.threat(node, None, None);
    }
    imp.cx.finish(imp.model, imp.layout)
}

fn level(value: f64) -> Level {
    if value < 34.0 {
        Level::Low
    } else if value < 67.0 {
        Level::Medium
    } else {
        Level::High
    }
}

fn zone_kind(words: &str) -> Option<BoundaryKind> {
    let w = words.to_ascii_lowercase();
    let has = |n: &[&str]| n.iter().any(|x| w.contains(x));
    Some(if has(&["internet", "public network", "untrusted"]) {
        BoundaryKind::Internet
    } else if has(&["dmz"]) {
        BoundaryKind::Dmz
    } else if has(&["third", "partner", "vendor"]) {
        BoundaryKind::ThirdParty
    } else if has(&["cluster", "kubernetes", "k8s"]) {
        BoundaryKind::Cluster
    } else if has(&["cloud", "aws", "azure", "gcp"]) {
        BoundaryKind::Cloud
    } else if has(&["internal", "private", "corporate", "intranet", "on-prem"]) {
        BoundaryKind::Internal
    } else if has(&["device", "mobile"]) {
        BoundaryKind::Device
    } else if has(&["host", "vm", "container"]) {
        BoundaryKind::Host
    } else {
        return None;
    })
}

impl Importer<'_> {
    fn placement(&self, node: &Node) -> Option<Placement> {
        let diagram = self.diagram.as_deref()?;
        let r = node
            .get("representations")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .find(|r| text(r, "representation").as_deref() == Some(diagram))?;
        let position = r.get("position")?;
        let size = r.get("size");
        Some(Placement {
            x: number(position, "x")?,
            y: number(position, "y")?,
            width: size.and_then(|s| number(s, "width")),
            height: size.and_then(|s| number(s, "height")),
        })
    }

    fn extra(&mut self, node: &Node, what: &str) {
        for key in ["attributes", "properties"] {
            if let Some(n) = node
                .get(key)
                .filter(|n| n.as_map().is_some_and(|m| !m.is_empty()))
            {
                self.cx.unmapped(
                    at(n),
                    format!("the {key} of {what}"),
                    "they are tool-specific; Palisade keeps the fields of its own model",
                );
            }
        }
    }

    fn asset(&mut self, node: &Node) {
        let Some(otm_id) = text(node, "id") else {
            self.cx
                .error(at(node), "an OTM asset needs an `id`", "no `id`");
            return;
        };
        let name = text(node, "name").unwrap_or_else(|| otm_id.clone());
        let id = self.data.assign(&otm_id, &name, "data");
        let risk = node.get("risk");
        let c = risk.and_then(|r| number(r, "confidentiality"));
        let cia = Cia {
            confidentiality: c.map(level),
            integrity: risk.and_then(|r| number(r, "integrity")).map(level),
            availability: risk.and_then(|r| number(r, "availability")).map(level),
        };
        let classification = c.map(|c| {
            if c >= 80.0 {
                Classification::Restricted
            } else if c >= 60.0 {
                Classification::Confidential
            } else if c >= 30.0 {
                Classification::Internal
            } else {
                Classification::Public
            }
        });
        let description = text(node, "description");
        self.model.data.push(DataAsset {
            id: DataId::new(&id),
            categories: mapping::data_categories(&format!(
                "{name} {}",
                description.as_deref().unwrap_or_default()
            )),
            name: Some(name),
            description,
            classification,
            cia,
            ..DataAsset::default()
        });
        self.extra(node, "assets");
    }

    fn zone(&mut self, node: &Node) {
        let Some(otm_id) = text(node, "id") else {
            self.cx
                .error(at(node), "an OTM trust zone needs an `id`", "no `id`");
            return;
        };
        let name = text(node, "name").unwrap_or_else(|| otm_id.clone());
        let id = self.nodes.assign(&otm_id, &name, "trust-zone");
        let kind = zone_kind(&format!(
            "{} {name}",
            text(node, "type").unwrap_or_default()
        ));
        if let Some(p) = self.placement(node) {
            self.layout.boundaries.insert(id.clone(), p);
        }
        if let Some(r) = node.get("risk").and_then(|r| r.get("trustRating")) {
            self.cx.unmapped(
                at(r),
                "the trust ratings of trust zones",
                "a Palisade boundary has a kind (internet, dmz, internal …), not a rating",
            );
        }
        self.model.boundaries.push(Boundary {
            id: BoundaryId::new(&id),
            name: Some(name),
            kind,
            description: text(node, "description"),
            ..Boundary::default()
        });
        self.extra(node, "trust zones");
    }

    fn zone_parent(&mut self, node: &Node) {
        let (Some(otm_id), Some(parent)) = (text(node, "id"), node.get("parent")) else {
            return;
        };
        let Some(pz) =
            text(parent, "trustZone").and_then(|p| self.nodes.get(&p).map(str::to_owned))
        else {
            self.cx.unmapped(
                at(parent),
                "trust zones inside components",
                "a Palisade boundary can only sit in another boundary",
            );
            return;
        };
        let own = self.nodes.get(&otm_id).map(str::to_owned);
        if let Some(b) = own.and_then(|own| {
            self.model
                .boundaries
                .iter_mut()
                .find(|b| b.id.as_str() == own)
        }) && b.id.as_str() != pz
        {
            b.parent = Some(BoundaryId::new(pz));
        }
    }

    fn component(&mut self, node: &Node) {
        let Some(otm_id) = text(node, "id") else {
            self.cx
                .error(at(node), "an OTM component needs an `id`", "no `id`");
            return;
        };
        let name = text(node, "name").unwrap_or_else(|| otm_id.clone());
        let ty = text(node, "type").unwrap_or_default();
        let kind = mapping::guess_kind(&format!("{ty} {otm_id}"));
        let id = self.nodes.assign(&otm_id, &name, "component");
        let mut e = Element::new(&id, kind);
        e.name = Some(name.clone());
        e.description = text(node, "description");
        e.technology = mapping::non_empty(&ty);
        e.tags = strings(node, "tags");
        if kind == ElementKind::DataStore {
            e.store = mapping::store_kind(&format!("{ty} {name}"));
            for asset in strings(node.get("assets").unwrap_or(node), "stored") {
                if let Some(d) = self.data.get(&asset) {
                    e.stores.push(DataId::new(d));
                }
            }
        }
        if node
            .pointer("/properties/Out Of Scope")
            .or_else(|| node.pointer("/attributes/Out Of Scope"))
            .and_then(Node::scalar_text)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            self.model.system.scope.out_of_scope.push(name.clone());
        }
        if let Some(p) = self.placement(node) {
            self.layout.elements.insert(id.clone(), p);
        }
        self.extra(node, "components");
        self.model.elements.push(e);
        for instance in list(&mut self.cx, node, "threats") {
            self.instance(instance, Some(&id), true);
        }
    }

    fn component_parent(&mut self, node: &Node) {
        let (Some(otm_id), Some(parent)) = (text(node, "id"), node.get("parent")) else {
            return;
        };
        let Some(own) = self.nodes.get(&otm_id).map(str::to_owned) else {
            return;
        };
        let zone = text(parent, "trustZone").and_then(|z| self.nodes.get(&z).map(str::to_owned));
        let host = text(parent, "component").and_then(|c| self.nodes.get(&c).map(str::to_owned));
        let known_zone = zone.filter(|z| self.model.boundary(z).is_some());
        let known_host = host.filter(|h| self.model.element(h).is_some() && *h != own);
        if known_zone.is_none() && known_host.is_none() {
            self.cx.unmapped(
                at(parent),
                "component parents that name no trust zone or component of the file",
                "such components are outside every boundary",
            );
        }
        if let Some(e) = self
            .model
            .elements
            .iter_mut()
            .find(|e| e.id.as_str() == own)
        {
            e.boundary = known_zone.map(BoundaryId::new);
            e.parent = known_host.map(ElementId::new);
        }
    }

    fn dataflow(&mut self, node: &Node) {
        let otm_id = text(node, "id").unwrap_or_default();
        let name = text(node, "name");
        let ends = (
            text(node, "source").and_then(|s| self.nodes.get(&s).map(str::to_owned)),
            text(node, "destination").and_then(|d| self.nodes.get(&d).map(str::to_owned)),
        );
        let (Some(from), Some(to)) = ends else {
            self.cx.unmapped(
                at(node),
                "data flows whose source or destination is not a component",
                "a Palisade flow joins two elements",
            );
            return;
        };
        if from == to || self.model.element(&from).is_none() || self.model.element(&to).is_none() {
            self.cx.unmapped(
                at(node),
                "data flows that do not join two different components",
                "a Palisade flow joins two different elements",
            );
            return;
        }
        let id = self.nodes.assign(
            &otm_id,
            name.as_deref().unwrap_or(&format!("{from} to {to}")),
            "flow",
        );
        let mut f = palisade_model::Flow::new(id.as_str(), from.as_str(), to.as_str());
        f.name = name;
        f.description = text(node, "description");
        f.bidirectional = crate::cx::flag(node, "bidirectional") == Some(true);
        f.tags = strings(node, "tags");
        for asset in strings(node, "assets") {
            if let Some(d) = self.data.get(&asset) {
                f.data.push(DataId::new(d));
            }
        }
        self.extra(node, "data flows");
        self.model.flows.push(f);
        for instance in list(&mut self.cx, node, "threats") {
            self.instance(instance, Some(&id), false);
        }
    }

    /// A threat instance on a component or flow: the threat definition it names, with a state.
    fn instance(&mut self, node: &Node, target: Option<&str>, element: bool) {
        let Some(def_id) = text(node, "threat") else {
            self.cx.error(
                at(node),
                "a threat instance needs a `threat` id",
                "no `threat`",
            );
            return;
        };
        let Some(def) = self.threats.get(&def_id).copied() else {
            self.cx.unmapped(
                at(node),
                "threat instances that name no threat of the file",
                "the threat they name is not under `threats`",
            );
            return;
        };
        self.used.insert(def_id);
        self.threat(def, target.map(|t| (t, element)), Some(node));
    }

    fn threat(&mut self, def: &Node, target: Option<(&str, bool)>, instance: Option<&Node>) {
        let name = text(def, "name").unwrap_or_else(|| "Untitled threat".to_owned());
        let id = self.threat_ids.fresh(&name, "threat");
        let mut t = mapping::threat(&id, &name);
        t.description = text(def, "description");
        t.target = match target {
            Some((on, true)) => mapping::on_element(on),
            Some((on, false)) => mapping::on_flow(on),
            None => None,
        };
        for c in strings(def, "categories") {
            match mapping::stride(&c) {
                Some(s) if !t.stride.contains(&s) => t.stride.push(s),
                Some(_) => {}
                None => {
                    append(&mut t.description, &format!("Category: {c}"));
                    self.cx.unmapped(
                        at(def),
                        format!("the threat category `{c}`"),
                        "Palisade classifies threats by STRIDE; the category is kept in the description",
                    );
                }
            }
        }
        for cwe in strings(def, "cwes") {
            let digits: String = cwe.chars().filter(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u32>()
                && !t.cwe.contains(&n)
            {
                t.cwe.push(n);
            }
        }
        if let Some(risk) = def.get("risk") {
            let l = number(risk, "likelihood");
            let i = number(risk, "impact");
            if let (Some(l), Some(i)) = (l, i) {
                let score = l * i / 1000.0;
                t.severity = Some(if score >= 9.0 {
                    Severity::Critical
                } else if score >= 7.0 {
                    Severity::High
                } else if score >= 4.0 {
                    Severity::Medium
                } else if score > 0.0 {
                    Severity::Low
                } else {
                    Severity::Info
                });
            }
            for (key, word) in [
                ("likelihoodComment", "Likelihood"),
                ("impactComment", "Impact"),
            ] {
                if let Some(c) = text(risk, key) {
                    append(&mut t.description, &format!("{word}: {c}"));
                }
            }
        }
        let state = instance.and_then(|n| text(n, "state")).unwrap_or_default();
        let status = otm_status(&state);
        if status.is_none() {
            self.cx.unmapped(
                instance.map_or_else(|| at(def), at),
                format!("the threat state `{state}`"),
                "such threats are imported as open",
            );
        }
        t.status = Some(status.unwrap_or(Status::Open));
        if t.status == Some(Status::Accepted) {
            t.justification = Some(format!(
                "`{state}` in the OTM file (no reason was recorded there)"
            ));
        }
        for m in instance
            .and_then(|n| n.get("mitigations"))
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            let Some(mid) = text(m, "mitigation") else {
                continue;
            };
            let state = text(m, "state").unwrap_or_default();
            if let Some(pid) = self.mitigation(&mid, &state, target) {
                t.mitigations.push(MitigationId::new(pid));
            } else {
                self.cx.unmapped(
                    at(m),
                    "mitigation instances that name no mitigation of the file",
                    "the mitigation they name is not under `mitigations`",
                );
            }
        }
        self.model.threats.push(t);
    }

    /// The Palisade mitigation for an OTM mitigation, made on first use.
    fn mitigation(
        &mut self,
        otm_id: &str,
        state: &str,
        target: Option<(&str, bool)>,
    ) -> Option<String> {
        let def = *self.mitigations.get(otm_id)?;
        let id = match self.mitigation_made.get(otm_id) {
            Some(id) => id.clone(),
            None => {
                let name = text(def, "name").unwrap_or_else(|| otm_id.to_owned());
                let id = self.mitigation_ids.fresh(&name, "mitigation");
                if def.get("riskReduction").is_some() {
                    self.cx.unmapped(
                        at(def),
                        "the risk reduction of mitigations",
                        "a Palisade mitigation has a status, not a percentage",
                    );
                }
                self.model.mitigations.push(Mitigation {
                    id: MitigationId::new(&id),
                    name: Some(crate::cx::headline(&name)),
                    description: text(def, "description").or(Some(name)),
                    ..Mitigation::default()
                });
                self.mitigation_made.insert(otm_id.to_owned(), id.clone());
                id
            }
        };
        let m = self
            .model
            .mitigations
            .iter_mut()
            .find(|m| m.id.as_str() == id)?;
        let status = match state
            .to_ascii_lowercase()
            .replace([' ', '_', '-'], "")
            .as_str()
        {
            "implemented" | "mitigated" => Some(MitigationStatus::Implemented),
            "verified" => Some(MitigationStatus::Verified),
            "required" | "planned" | "inprogress" => Some(MitigationStatus::Planned),
            _ => None,
        };
        if status > m.status {
            m.status = status;
        }
        if let Some((element, true)) = target {
            let e = ElementId::new(element);
            if !m.elements.contains(&e) {
                m.elements.push(e);
            }
        }
        Some(id)
    }
}

/// OTM leaves threat states free; these are the words IriusRisk and TMT conversions write.
fn otm_status(state: &str) -> Option<Status> {
    Some(
        match state
            .to_ascii_lowercase()
            .replace([' ', '_', '-'], "")
            .as_str()
        {
            "" | "open" | "exposed" | "autogenerated" | "notstarted" | "new" | "identified" => {
                Status::Open
            }
            "needsinvestigation" | "indiscussion" => Status::NeedsInvestigation,
            "inprogress" | "partlymitigated" | "partiallymitigated" => Status::InProgress,
            "mitigated" | "closed" | "resolved" => Status::Mitigated,
            "accepted" | "accept" => Status::Accepted,
            "notapplicable" | "na" => Status::NotApplicable,
            "falsepositive" => Status::FalsePositive,
            _ => return None,
        },
    )
}

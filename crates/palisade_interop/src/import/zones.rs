//! Trust zones from a drawn diagram. Palisade's boundaries are zones that elements sit in;
//! Threat Dragon and TMT draw them either as boxes (an element inside the box is in the zone) or
//! as lines (curves that flows cross). A box is mapped exactly; a line becomes the zone of the
//! elements on its smaller side, so that the flows that crossed the line still cross a boundary,
//! and every flow whose crossing changed is reported.

use std::collections::{BTreeSet, HashMap};

use palisade_diagnostics::Span;
use palisade_model::{BoundaryId, Model};

use crate::cx::Cx;
use crate::geometry::{Point, Rect, crosses, side};

/// What was drawn, by Palisade id.
#[derive(Debug, Default)]
pub(crate) struct Shapes {
    pub elements: Vec<(String, Rect)>,
    pub boxes: Vec<(String, Rect)>,
    pub lines: Vec<(String, Vec<Point>, Span)>,
    pub flows: Vec<(String, Vec<Point>, Span)>,
}

/// Sets `boundary` on elements and `parent` on boundaries from the drawing.
pub(crate) fn assign(cx: &mut Cx, shapes: &Shapes, model: &mut Model) {
    let mut zone: HashMap<&str, &str> = HashMap::new();
    // Boxes: the smallest enclosing box wins; boxes nest in the smallest box around them.
    for (id, rect) in &shapes.boxes {
        let parent = shapes
            .boxes
            .iter()
            .filter(|(other, r)| other != id && r.encloses(rect) && r.area() > rect.area())
            .min_by(|a, b| a.1.area().total_cmp(&b.1.area()));
        if let (Some((parent, _)), Some(b)) = (
            parent,
            model.boundaries.iter_mut().find(|b| b.id.as_str() == id),
        ) {
            b.parent = Some(BoundaryId::new(parent.clone()));
        }
    }
    for (element, rect) in &shapes.elements {
        let inside = shapes
            .boxes
            .iter()
            .filter(|(_, r)| r.contains(rect.center()))
            .min_by(|a, b| a.1.area().total_cmp(&b.1.area()));
        if let Some((b, _)) = inside {
            zone.insert(element, b);
        }
    }
    // Lines: each line's smaller side is its zone.
    let mut inner: Vec<(&str, BTreeSet<&str>)> = Vec::new();
    for (id, line, span) in &shapes.lines {
        let mut left = BTreeSet::new();
        let mut right = BTreeSet::new();
        for (element, rect) in &shapes.elements {
            match side(rect.center(), line) {
                Some(true) => left.insert(element.as_str()),
                Some(false) => right.insert(element.as_str()),
                None => false,
            };
        }
        let members = if left.is_empty() || right.is_empty() {
            BTreeSet::new()
        } else if right.len() < left.len() {
            right
        } else {
            left
        };
        let label = model
            .boundary(id)
            .map_or_else(|| id.clone(), |b| b.label().to_owned());
        if members.is_empty() {
            cx.approximate(
                *span,
                format!("trust boundary line `{label}` separates no elements: it has no members"),
                "put the elements it protects in it with `boundary:` in the model",
            );
        } else {
            cx.approximate(
                *span,
                format!(
                    "trust boundary line `{label}` became the zone of the elements on its smaller side: {}",
                    members.iter().copied().collect::<Vec<_>>().join(", ")
                ),
                "Palisade boundaries are zones; check that these are the elements it protects",
            );
        }
        inner.push((id, members));
    }
    for (element, _) in &shapes.elements {
        if zone.contains_key(element.as_str()) {
            continue;
        }
        let best = inner
            .iter()
            .filter(|(_, members)| members.contains(element.as_str()))
            .min_by_key(|(_, members)| members.len());
        if let Some((line, _)) = best {
            zone.insert(element, line);
        }
    }
    for (id, members) in &inner {
        let parent = inner
            .iter()
            .filter(|(other, m)| other != id && m.len() > members.len() && members.is_subset(m))
            .min_by_key(|(_, m)| m.len());
        if let (Some((parent, _)), Some(b)) = (
            parent,
            model.boundaries.iter_mut().find(|b| b.id.as_str() == *id),
        ) {
            b.parent = Some(BoundaryId::new(*parent));
        }
    }
    for element in &mut model.elements {
        if let Some(b) = zone.get(element.id.as_str()) {
            element.boundary = Some(BoundaryId::new(*b));
        }
    }
    // Report the flows whose crossing of a line changed in the translation.
    let line_zones: BTreeSet<&str> = inner.iter().map(|(id, _)| *id).collect();
    for (flow_id, path, span) in &shapes.flows {
        let Some(flow) = model.flow(flow_id) else {
            continue;
        };
        let drawn = shapes.lines.iter().any(|(_, line, _)| crosses(path, line));
        let from = zone.get(flow.from.as_str()).copied();
        let to = zone.get(flow.to.as_str()).copied();
        let imported = from != to;
        let by_line = from.is_some_and(|z| line_zones.contains(z))
            || to.is_some_and(|z| line_zones.contains(z));
        if drawn && !imported {
            cx.approximate(
                *span,
                format!(
                    "data flow `{}` crosses a trust boundary line in the diagram, but both its ends are in the same zone after import",
                    flow.label()
                ),
                "set `boundary:` on its ends in the model so that the crossing is analysed",
            );
        } else if !drawn && imported && by_line {
            cx.approximate(
                *span,
                format!(
                    "data flow `{}` crosses no trust boundary line in the diagram, but its ends are in different zones after import",
                    flow.label()
                ),
                "check the `boundary:` of its ends in the model",
            );
        }
    }
}

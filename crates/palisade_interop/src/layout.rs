//! A diagram layout for exports: every element and every boundary gets a box. Positions from the
//! model's layout file are kept; the rest are placed on a grid, one grid per boundary, boundaries
//! side by side under their parent, so that boxes never overlap and every boundary encloses its
//! members. Boundary boxes are then fitted around what they contain.

use std::collections::BTreeMap;

use palisade_model::{Layout, Model, Placement};

/// Size of an element's box.
pub const BOX_W: f64 = 160.0;
pub const BOX_H: f64 = 80.0;
const GAP: f64 = 60.0;
const PAD: f64 = 30.0;
/// Room for a boundary's name above its content.
const LABEL: f64 = 30.0;

#[derive(Debug, Clone, Copy, PartialEq)]
struct R {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl R {
    fn of(p: &Placement) -> Self {
        Self {
            x: p.x,
            y: p.y,
            w: p.width.unwrap_or(BOX_W).max(1.0),
            h: p.height.unwrap_or(BOX_H).max(1.0),
        }
    }

    fn placement(self) -> Placement {
        Placement {
            x: self.x,
            y: self.y,
            width: Some(self.w),
            height: Some(self.h),
        }
    }

    fn union(self, o: R) -> R {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        R {
            x,
            y,
            w: (self.x + self.w).max(o.x + o.w) - x,
            h: (self.y + self.h).max(o.y + o.h) - y,
        }
    }

    fn encloses(self, o: R) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }
}

/// The boundary an element is drawn in: its own, or its parent element's.
fn zone_of(model: &Model, element: &palisade_model::Element) -> Option<String> {
    model.boundary_of(element).map(|b| b.as_str().to_owned())
}

fn depth(model: &Model, id: &str) -> usize {
    let mut d = 0;
    let mut current = model.boundary(id).and_then(|b| b.parent.as_ref());
    while let Some(p) = current {
        d += 1;
        if d > model.boundaries.len() {
            break;
        }
        current = model.boundary(p.as_str()).and_then(|b| b.parent.as_ref());
    }
    d
}

struct Grid<'m> {
    model: &'m Model,
    unplaced: Vec<&'m str>,
    elements: BTreeMap<String, R>,
    boundaries: BTreeMap<String, R>,
    /// Boundaries whose subtree needs the grid (unplaced elements, or nothing at all).
    needs: std::collections::BTreeSet<String>,
}

impl Grid<'_> {
    /// Places the unplaced members of `zone` and its children needing the grid at (x0, y0);
    /// returns the size used.
    fn place(&mut self, zone: Option<&str>, x0: f64, y0: f64, level: usize) -> (f64, f64) {
        let (ix, iy) = if zone.is_some() {
            (x0 + PAD, y0 + PAD + LABEL)
        } else {
            (x0, y0)
        };
        let members: Vec<&str> = self
            .unplaced
            .iter()
            .copied()
            .filter(|id| {
                self.model
                    .element(id)
                    .is_some_and(|e| zone_of(self.model, e).as_deref() == zone)
            })
            .collect();
        let n = members.len();
        #[allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]
        let cols = ((n as f64).sqrt().ceil() as usize).max(1);
        for (i, id) in members.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let (c, r) = ((i % cols) as f64, (i / cols) as f64);
            self.elements.insert(
                (*id).to_owned(),
                R {
                    x: ix + c * (BOX_W + GAP),
                    y: iy + r * (BOX_H + GAP),
                    w: BOX_W,
                    h: BOX_H,
                },
            );
        }
        #[allow(clippy::cast_precision_loss)]
        let rows = n.div_ceil(cols) as f64;
        #[allow(clippy::cast_precision_loss)]
        let grid_w = if n == 0 {
            0.0
        } else {
            cols.min(n) as f64 * (BOX_W + GAP) - GAP
        };
        let grid_h = if n == 0 {
            0.0
        } else {
            rows * (BOX_H + GAP) - GAP
        };
        let children: Vec<String> = if level > self.model.boundaries.len() {
            Vec::new()
        } else {
            self.model
                .boundaries
                .iter()
                .filter(|b| b.parent.as_ref().map(palisade_model::BoundaryId::as_str) == zone)
                .map(|b| b.id.as_str().to_owned())
                .filter(|id| self.needs.contains(id))
                .collect()
        };
        let mut cx = ix;
        let cy = if n == 0 { iy } else { iy + grid_h + GAP };
        let mut children_h: f64 = 0.0;
        for child in &children {
            let (w, h) = self.place(Some(child), cx, cy, level + 1);
            cx += w + GAP;
            children_h = children_h.max(h);
        }
        let children_w = if children.is_empty() {
            0.0
        } else {
            cx - GAP - ix
        };
        let content_w = grid_w.max(children_w);
        let content_h = if children.is_empty() {
            grid_h
        } else {
            cy - iy + children_h
        };
        match zone {
            Some(id) => {
                let w = (content_w + 2.0 * PAD).max(BOX_W + 2.0 * PAD);
                let h = (content_h + 2.0 * PAD + LABEL).max(BOX_H + LABEL);
                self.boundaries
                    .insert(id.to_owned(), R { x: x0, y: y0, w, h });
                (w, h)
            }
            None => (content_w, content_h),
        }
    }
}

/// The layout as YAML, for `<stem>.layout.yaml` (read back with
/// `palisade_loader::load_layout_file`).
pub fn to_yaml(layout: &Layout) -> Result<String, String> {
    serde_saphyr::to_string(layout).map_err(|e| e.to_string())
}

/// A layout with a box for every element and boundary of `model`, starting from `existing`.
pub fn complete(model: &Model, existing: &Layout) -> Layout {
    let mut elements: BTreeMap<String, R> = BTreeMap::new();
    for e in &model.elements {
        if let Some(p) = existing.elements.get(e.id.as_str()) {
            elements.insert(e.id.as_str().to_owned(), R::of(p));
        }
    }
    let unplaced: Vec<&str> = model
        .elements
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| !elements.contains_key(*id))
        .collect();
    // Which boundaries the grid must draw: those with unplaced elements below them, and those
    // with no elements at all and no position of their own.
    let mut needs = std::collections::BTreeSet::new();
    for b in &model.boundaries {
        let id = b.id.as_str();
        let subtree = |e: &palisade_model::Element| {
            let mut z = zone_of(model, e);
            for _ in 0..=model.boundaries.len() {
                match z.as_deref() {
                    Some(x) if x == id => return true,
                    Some(x) => {
                        z = model
                            .boundary(x)
                            .and_then(|b| b.parent.as_ref())
                            .map(|p| p.as_str().to_owned());
                    }
                    None => return false,
                }
            }
            false
        };
        let has_unplaced = model
            .elements
            .iter()
            .any(|e| subtree(e) && unplaced.contains(&e.id.as_str()));
        let empty = !model.elements.iter().any(subtree) && !existing.boundaries.contains_key(id);
        if has_unplaced || empty {
            // Its ancestors must be drawn by the grid too, to reach it.
            let mut current = Some(id.to_owned());
            for _ in 0..=model.boundaries.len() {
                let Some(c) = current else { break };
                current = model
                    .boundary(&c)
                    .and_then(|b| b.parent.as_ref())
                    .map(|p| p.as_str().to_owned());
                needs.insert(c);
            }
        }
    }
    let bottom = elements
        .values()
        .map(|r| r.y + r.h)
        .chain(existing.boundaries.values().map(R::of).map(|r| r.y + r.h))
        .fold(None, |acc: Option<f64>, y| {
            Some(acc.map_or(y, |a| a.max(y)))
        });
    let origin_y = bottom.map_or(40.0, |b| b + 2.0 * GAP);
    let mut grid = Grid {
        model,
        unplaced,
        elements,
        boundaries: BTreeMap::new(),
        needs,
    };
    grid.place(None, 40.0, origin_y, 0);
    let Grid {
        elements,
        boundaries: grid_boundaries,
        ..
    } = grid;
    // Fit boundaries around their contents, deepest first.
    let mut order: Vec<&str> = model.boundaries.iter().map(|b| b.id.as_str()).collect();
    order.sort_by_key(|id| std::cmp::Reverse(depth(model, id)));
    let mut boundaries: BTreeMap<String, R> = BTreeMap::new();
    for id in order {
        let mut content: Option<R> = None;
        for e in &model.elements {
            if zone_of(model, e).as_deref() == Some(id)
                && let Some(r) = elements.get(e.id.as_str())
            {
                content = Some(content.map_or(*r, |c| c.union(*r)));
            }
        }
        for child in model
            .boundaries
            .iter()
            .filter(|b| b.parent.as_ref().is_some_and(|p| p.as_str() == id))
        {
            if let Some(r) = boundaries.get(child.id.as_str()) {
                content = Some(content.map_or(*r, |c| c.union(*r)));
            }
        }
        let fitted = content.map(|c| R {
            x: c.x - PAD,
            y: c.y - PAD - LABEL,
            w: c.w + 2.0 * PAD,
            h: c.h + 2.0 * PAD + LABEL,
        });
        let own = existing.boundaries.get(id).map(R::of);
        let rect = match (own, fitted) {
            (Some(own), Some(f))
                if own.encloses(R {
                    x: f.x + PAD,
                    y: f.y + PAD + LABEL,
                    w: f.w - 2.0 * PAD,
                    h: f.h - 2.0 * PAD - LABEL,
                }) =>
            {
                own
            }
            (_, Some(f)) => f,
            (Some(own), None) => own,
            (None, None) => grid_boundaries.get(id).copied().unwrap_or(R {
                x: 40.0,
                y: origin_y,
                w: BOX_W + 2.0 * PAD,
                h: BOX_H + LABEL,
            }),
        };
        boundaries.insert(id.to_owned(), rect);
    }
    Layout {
        elements: elements
            .into_iter()
            .map(|(k, r)| (k, r.placement()))
            .collect(),
        boundaries: boundaries
            .into_iter()
            .map(|(k, r)| (k, r.placement()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use palisade_model::{Boundary, BoundaryId, Element, ElementKind};

    use super::*;

    fn overlap(a: &Placement, b: &Placement) -> bool {
        let (a, b) = (R::of(a), R::of(b));
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn generated_boxes_do_not_overlap_and_boundaries_enclose_members() {
        let mut m = Model::new("t");
        for (id, parent) in [
            ("dmz", None),
            ("internal", None),
            ("db-zone", Some("internal")),
        ] {
            m.boundaries.push(Boundary {
                id: BoundaryId::new(id),
                parent: parent.map(BoundaryId::new),
                ..Boundary::default()
            });
        }
        for (i, zone) in [
            None,
            Some("dmz"),
            Some("dmz"),
            Some("internal"),
            Some("db-zone"),
            Some("db-zone"),
            Some("db-zone"),
        ]
        .iter()
        .enumerate()
        {
            let mut e = Element::new(format!("e{i}"), ElementKind::Process);
            e.boundary = zone.map(BoundaryId::new);
            m.elements.push(e);
        }
        let l = complete(&m, &Layout::default());
        assert_eq!(l.elements.len(), 7);
        assert_eq!(l.boundaries.len(), 3);
        let boxes: Vec<&Placement> = l.elements.values().collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!overlap(a, b), "{a:?} overlaps {b:?}");
            }
        }
        for e in &m.elements {
            if let Some(b) = &e.boundary {
                assert!(
                    R::of(&l.boundaries[b.as_str()]).encloses(R::of(&l.elements[e.id.as_str()]))
                );
            }
        }
        assert!(R::of(&l.boundaries["internal"]).encloses(R::of(&l.boundaries["db-zone"])));
        assert!(!overlap(&l.boundaries["dmz"], &l.boundaries["internal"]));
    }

    #[test]
    fn existing_positions_are_kept() {
        let mut m = Model::new("t");
        m.elements.push(Element::new("a", ElementKind::Process));
        m.elements.push(Element::new("b", ElementKind::Process));
        let mut existing = Layout::default();
        existing.elements.insert(
            "a".into(),
            Placement {
                x: 500.0,
                y: 20.0,
                width: None,
                height: None,
            },
        );
        let l = complete(&m, &existing);
        assert!((l.elements["a"].x - 500.0).abs() < f64::EPSILON);
        assert!(
            l.elements["b"].y > 20.0 + BOX_H,
            "new boxes go below the existing ones"
        );
    }
}

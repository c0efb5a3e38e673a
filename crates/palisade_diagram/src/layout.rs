//! The whole diagram's geometry: a layered layout per level of the containment tree, computed
//! bottom-up so that every trust boundary (and every element that contains others) is a box
//! sized to its contents, then placed top-down.
//!
//! How it stays readable:
//! - At each level, a flow between two children becomes `from → label → to`: its label is a node
//!   of the layered graph, so it gets its own room and is never drawn over a box.
//! - A flow that leaves a cluster gets a port on the cluster's border, on the side facing where
//!   it goes (decided by the layering of the level where the flow's ends meet), and a chain of
//!   dummy nodes to reach it, so that inside the cluster it runs in reserved space.
//! - Routes are horizontal runs through columns (in the node's own band) joined by curves in the
//!   gaps between columns, where there are no boxes.
//!
//! Everything is deterministic (model order, stable sorts) and linear-ish: each level is laid
//! out once with a fixed number of sweeps.

use std::collections::HashMap;

use palisade_model::Layout;

use crate::layered::{self, Graph, GraphEdge};
use crate::scene::{Item, Scene};

/// Padding inside a cluster.
pub(crate) const PAD: f64 = 14.0;
/// Height of a cluster's name band.
pub(crate) const HEADER: f64 = 24.0;
/// Margin around the drawing.
pub(crate) const MARGIN: f64 = 20.0;
/// Height of the diagram title band.
pub(crate) const TITLE: f64 = 40.0;
const PORT_H: f64 = 6.0;
const BOX_MARGIN: f64 = 9.0;
const LABEL_MARGIN: f64 = 5.0;
const THIN_MARGIN: f64 = 3.0;

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn translate(&mut self, dx: f64, dy: f64) {
        self.x += dx;
        self.y += dy;
    }
}

/// A horizontal run of a route, from `xa` to `xb` at height `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    pub xa: f64,
    pub xb: f64,
    pub y: f64,
}

/// The geometry of one flow.
#[derive(Debug, Clone, Default)]
pub struct Route {
    /// Runs in flow order; consecutive runs are joined by a curve.
    pub runs: Vec<Run>,
    /// Where the label's text goes.
    pub label: Rect,
}

/// The computed geometry, in SVG user units.
#[derive(Debug, Clone, Default)]
pub(crate) struct Geometry {
    /// The box of every tree node but the root (root: the content area).
    pub boxes: Vec<Rect>,
    /// One route per scene edge.
    pub routes: Vec<Route>,
    /// Bottom-right corner of everything drawn.
    pub right: f64,
    pub bottom: f64,
}

/// Where a flow's ends meet in the tree, and the nodes it climbs through on each side.
struct EdgePath {
    lca: usize,
    /// From the source up to (not including) `lca`.
    up: Vec<usize>,
    /// From the target up to (not including) `lca`.
    down: Vec<usize>,
}

fn edge_path(scene: &Scene, from: usize, to: usize) -> EdgePath {
    let nodes = &scene.nodes;
    let (mut x, mut y) = (from, to);
    let (mut up, mut down) = (Vec::new(), Vec::new());
    while nodes[x].depth > nodes[y].depth {
        up.push(x);
        x = nodes[x].parent.unwrap_or(0);
    }
    while nodes[y].depth > nodes[x].depth {
        down.push(y);
        y = nodes[y].parent.unwrap_or(0);
    }
    while x != y {
        up.push(x);
        down.push(y);
        x = nodes[x].parent.unwrap_or(0);
        y = nodes[y].parent.unwrap_or(0);
    }
    EdgePath { lca: x, up, down }
}

/// What a node of a level's graph stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Local {
    Child(usize),
    Label(usize),
    Port(usize),
    Dummy,
}

/// The layout of one level, relative to its box's top-left corner.
#[derive(Debug, Default)]
struct Level {
    w: f64,
    h: f64,
    children: Vec<(usize, f64, f64)>,
    port_y: HashMap<usize, f64>,
    runs: HashMap<usize, Vec<Run>>,
    labels: HashMap<usize, Rect>,
}

pub(crate) fn compute(scene: &Scene, placements: Option<&Layout>) -> Geometry {
    let n = scene.nodes.len();
    let paths: Vec<EdgePath> = scene
        .edges
        .iter()
        .map(|e| edge_path(scene, e.from, e.to))
        .collect();
    let mut lifted: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut through: Vec<Vec<(usize, bool, usize)>> = vec![Vec::new(); n];
    for (e, p) in paths.iter().enumerate() {
        lifted[p.lca].push(e);
        for w in p.up.windows(2) {
            through[w[1]].push((e, true, w[0]));
        }
        for w in p.down.windows(2) {
            through[w[1]].push((e, false, w[0]));
        }
    }
    // Which nodes are levels, in post-order (children before parents).
    let mut order = Vec::with_capacity(n);
    let mut stack = vec![(0usize, false)];
    while let Some((v, done)) = stack.pop() {
        if done {
            order.push(v);
            continue;
        }
        stack.push((v, true));
        for &c in scene.nodes[v].children.iter().rev() {
            stack.push((c, false));
        }
    }
    let mut local_of = vec![usize::MAX; n];
    // Layering of each level's children and labels, and each flow's direction at its meeting
    // level (rightward or not).
    let mut content_layers: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut rightward = vec![true; scene.edges.len()];
    for &v in &order {
        if scene.nodes[v].children.is_empty() && lifted[v].is_empty() {
            continue;
        }
        for (i, &c) in scene.nodes[v].children.iter().enumerate() {
            local_of[c] = i;
        }
        content_layers[v] = layer_level(scene, v, &lifted[v], &paths, &local_of, &mut rightward);
    }

    let mut levels: Vec<Option<Level>> = (0..n).map(|_| None).collect();
    let mut size: Vec<(f64, f64)> = (0..n).map(|v| (scene.text[v].w, scene.text[v].h)).collect();
    for &v in &order {
        let is_level = !scene.nodes[v].children.is_empty() || !lifted[v].is_empty();
        if !is_level && !matches!(scene.nodes[v].item, Item::Boundary(_)) {
            continue;
        }
        for (i, &c) in scene.nodes[v].children.iter().enumerate() {
            local_of[c] = i;
        }
        let level = layout_level(
            scene,
            v,
            &LevelInput {
                lifted: &lifted[v],
                through: &through[v],
                content: &content_layers[v],
                paths: &paths,
                rightward: &rightward,
                local_of: &local_of,
                size: &size,
            },
            &levels,
        );
        size[v] = (level.w, level.h);
        levels[v] = Some(level);
    }

    // Absolute positions, top-down.
    let mut boxes = vec![Rect::default(); n];
    boxes[0] = Rect {
        x: MARGIN,
        y: MARGIN + TITLE,
        w: size[0].0,
        h: size[0].1,
    };
    let mut stack = vec![0usize];
    while let Some(v) = stack.pop() {
        if let Some(level) = &levels[v] {
            for &(c, x, y) in &level.children {
                boxes[c] = Rect {
                    x: boxes[v].x + x,
                    y: boxes[v].y + y,
                    w: size[c].0,
                    h: size[c].1,
                };
                stack.push(c);
            }
        }
    }

    let mut routes: Vec<Route> = (0..scene.edges.len())
        .map(|e| assemble(e, &paths[e], &levels, &boxes))
        .collect();
    spread_attachments(scene, &boxes, &mut routes);
    for r in &mut routes {
        merge_runs(&mut r.runs);
    }
    let mut geometry = Geometry {
        boxes,
        routes,
        right: 0.0,
        bottom: 0.0,
    };
    if let Some(layout) = placements {
        apply_placements(scene, layout, &paths, &mut geometry);
    }
    bounds(&mut geometry);
    geometry
}

/// Layers of a level's children and flow labels: cycles broken by a depth-first search over the
/// children, longest path from the sources, then sources and labels pulled right next to what
/// they feed. Returns the layer of each child, then of each lifted flow's label.
fn layer_level(
    scene: &Scene,
    v: usize,
    lifted: &[usize],
    paths: &[EdgePath],
    local_of: &[usize],
    rightward: &mut [bool],
) -> Vec<usize> {
    let k = scene.nodes[v].children.len();
    let ends: Vec<(Option<usize>, Option<usize>)> = lifted
        .iter()
        .map(|&e| {
            (
                paths[e].up.last().map(|&c| local_of[c]),
                paths[e].down.last().map(|&c| local_of[c]),
            )
        })
        .collect();
    // Depth-first search over children for back edges.
    let mut adjacency: Vec<Vec<(usize, usize)>> = vec![Vec::new(); k];
    for (j, &(a, b)) in ends.iter().enumerate() {
        if let (Some(a), Some(b)) = (a, b) {
            adjacency[a].push((b, j));
        }
    }
    let mut reversed = vec![false; lifted.len()];
    let mut state = vec![0u8; k];
    for start in 0..k {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&mut (x, ref mut next)) = stack.last_mut() {
            if let Some(&(y, j)) = adjacency[x].get(*next) {
                *next += 1;
                match state[y] {
                    0 => {
                        state[y] = 1;
                        stack.push((y, 0));
                    }
                    1 => reversed[j] = true,
                    _ => {}
                }
            } else {
                state[x] = 2;
                stack.pop();
            }
        }
    }
    // The DAG of children and labels.
    let total = k + lifted.len();
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut indegree = vec![0usize; total];
    let mut add = |a: usize, b: usize, succs: &mut Vec<Vec<usize>>| {
        succs[a].push(b);
        indegree[b] += 1;
    };
    for (j, &(a, b)) in ends.iter().enumerate() {
        let label = k + j;
        match (a, b) {
            (Some(a), Some(b)) if !reversed[j] => {
                add(a, label, &mut succs);
                add(label, b, &mut succs);
            }
            (Some(a), Some(b)) => {
                add(b, label, &mut succs);
                add(label, a, &mut succs);
            }
            (None, Some(b)) => add(label, b, &mut succs),
            (Some(a), None) => add(a, label, &mut succs),
            (None, None) => {}
        }
    }
    let has_pred: Vec<bool> = indegree.iter().map(|&d| d > 0).collect();
    // Longest path, in topological order (Kahn).
    let mut layer = vec![0usize; total];
    let mut queue: Vec<usize> = (0..total).filter(|&x| indegree[x] == 0).collect();
    let mut topo = Vec::with_capacity(total);
    let mut head = 0;
    while head < queue.len() {
        let x = queue[head];
        head += 1;
        topo.push(x);
        for &y in &succs[x] {
            layer[y] = layer[y].max(layer[x] + 1);
            indegree[y] -= 1;
            if indegree[y] == 0 {
                queue.push(y);
            }
        }
    }
    // Pull labels and sources next to what they feed (never breaks an edge's direction).
    for &x in topo.iter().rev() {
        let is_label = x >= k;
        if (is_label || !has_pred[x])
            && let Some(min) = succs[x].iter().map(|&y| layer[y]).min()
        {
            layer[x] = layer[x].max(min.saturating_sub(1));
        }
    }
    let columns = (0..k).map(|i| layer[i] / 2).max().map_or(0, |m| m + 1);
    let cap = ((k as f64).sqrt().ceil() as usize).max(MIN_COLUMN_CAP);
    if columns > cap {
        layer = fold_columns(k, &ends, &layer, cap);
    }
    for (j, &(a, b)) in ends.iter().enumerate() {
        rightward[lifted[j]] = match (a, b) {
            (Some(a), Some(b)) => layer[a] < layer[b],
            _ => true,
        };
    }
    layer
}

/// Below this many columns of children a level keeps its longest-path layering.
const MIN_COLUMN_CAP: usize = 6;

/// Re-layers a level whose chains of flows would make it too wide: children go to at most about
/// `cap` columns, each as near its longest-path column as a column free of its neighbours allows
/// (a greedy colouring, so no flow joins two children of one column), and each label sits in the
/// layer beside its source, towards its target. Flows may then run right to left.
fn fold_columns(
    k: usize,
    ends: &[(Option<usize>, Option<usize>)],
    layer: &[usize],
    cap: usize,
) -> Vec<usize> {
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); k];
    for &(a, b) in ends {
        if let (Some(a), Some(b)) = (a, b) {
            neighbours[a].push(b);
            neighbours[b].push(a);
        }
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by_key(|&i| (layer[i], i));
    let mut slot = vec![usize::MAX; k];
    let mut taken: Vec<usize> = Vec::new();
    for i in order {
        taken.clear();
        taken.extend(
            neighbours[i]
                .iter()
                .map(|&n| slot[n])
                .filter(|&s| s != usize::MAX),
        );
        let wanted = (layer[i] / 2).min(cap - 1);
        let mut chosen = None;
        for distance in 0..=cap {
            for candidate in [wanted + distance, wanted.wrapping_sub(distance)] {
                if candidate < cap && !taken.contains(&candidate) {
                    chosen = Some(candidate);
                    break;
                }
            }
            if chosen.is_some() {
                break;
            }
        }
        // Every column has a neighbour: open a new one past the cap.
        slot[i] = chosen.unwrap_or_else(|| {
            (cap..=cap + taken.len())
                .find(|c| !taken.contains(c))
                .unwrap_or(cap)
        });
    }
    let mut out: Vec<i64> = slot.iter().map(|&s| 2 * s as i64).collect();
    for &(a, b) in ends {
        out.push(match (a, b) {
            (Some(a), Some(b)) if slot[a] < slot[b] => 2 * slot[a] as i64 + 1,
            (Some(a), Some(_)) => 2 * slot[a] as i64 - 1,
            (None, Some(b)) => 2 * slot[b] as i64 - 1,
            (Some(a), None) => 2 * slot[a] as i64 + 1,
            (None, None) => 0,
        });
    }
    let min = out.iter().copied().min().unwrap_or(0).min(0);
    out.into_iter().map(|l| (l - min) as usize).collect()
}

struct LevelInput<'a> {
    lifted: &'a [usize],
    through: &'a [(usize, bool, usize)],
    content: &'a [usize],
    paths: &'a [EdgePath],
    rightward: &'a [bool],
    local_of: &'a [usize],
    size: &'a [(f64, f64)],
}

fn layout_level(scene: &Scene, v: usize, input: &LevelInput, levels: &[Option<Level>]) -> Level {
    let children = &scene.nodes[v].children;
    let k = children.len();
    let mut g = Graph::default();
    let mut what: Vec<Local> = Vec::new();
    let mut layer: Vec<i64> = Vec::new();
    for (i, &c) in children.iter().enumerate() {
        let (w, h) = input.size[c];
        g.add_node(w, h, BOX_MARGIN, 0);
        what.push(Local::Child(c));
        layer.push(input.content.get(i).map_or(0, |&l| l as i64));
    }
    // Chains of graph nodes each flow passes through here, in flow order; ports are added with
    // their side (true: right).
    let mut chains: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut ports: Vec<(usize, bool)> = Vec::new();
    let mut involved = vec![false; k];
    let mut port_sides = vec![(false, false); k];
    for (j, &e) in input.lifted.iter().enumerate() {
        let edge = &scene.edges[e];
        let label = g.add_node(edge.label_w, edge.label_h, LABEL_MARGIN, 0);
        what.push(Local::Label(e));
        layer.push(input.content.get(k + j).map_or(0, |&l| l as i64));
        let path = &input.paths[e];
        let from = match path.up.last() {
            Some(&c) => {
                involved[input.local_of[c]] = true;
                input.local_of[c]
            }
            None => {
                let p = g.add_node(0.0, PORT_H, THIN_MARGIN, 0);
                what.push(Local::Port(e));
                layer.push(0);
                ports.push((p, false));
                p
            }
        };
        let to = match path.down.last() {
            Some(&c) => {
                involved[input.local_of[c]] = true;
                input.local_of[c]
            }
            None => {
                let p = g.add_node(0.0, PORT_H, THIN_MARGIN, 0);
                what.push(Local::Port(e));
                layer.push(0);
                ports.push((p, true));
                p
            }
        };
        chains.push((e, vec![from, label, to]));
    }
    for &(e, up, child) in input.through {
        let right = if up {
            input.rightward[e]
        } else {
            !input.rightward[e]
        };
        let c = input.local_of[child];
        if right {
            port_sides[c].1 = true;
        } else {
            port_sides[c].0 = true;
        }
        let p = g.add_node(0.0, PORT_H, THIN_MARGIN, 0);
        what.push(Local::Port(e));
        layer.push(0);
        ports.push((p, right));
        chains.push((e, if up { vec![c, p] } else { vec![p, c] }));
    }
    // Children with no flow between siblings: next to their ports, or spread over the
    // shortest columns.
    let content_max = (0..k + input.lifted.len())
        .filter(|&i| i >= k || involved[i])
        .map(|i| layer[i])
        .max()
        .unwrap_or(0);
    let mut loose = Vec::new();
    for i in 0..k {
        if involved[i] {
            continue;
        }
        match port_sides[i] {
            (false, true) => layer[i] = content_max,
            (true, false) => layer[i] = 0,
            _ => loose.push(i),
        }
    }
    if !loose.is_empty() {
        let placed = (0..k + input.lifted.len())
            .filter(|&i| i >= k || involved[i] || port_sides[i] != (false, false));
        let mut heights: Vec<f64> = vec![0.0; usize::try_from(content_max).unwrap_or(0) + 1];
        for i in placed {
            heights[usize::try_from(layer[i]).unwrap_or(0)] += g.h[i] + 2.0 * g.margin[i];
        }
        let total: f64 = loose
            .iter()
            .map(|&i| g.h[i] + 2.0 * g.margin[i])
            .sum::<f64>()
            + heights.iter().sum::<f64>();
        // Aim for a drawing about twice as wide as tall.
        let mean_w = loose.iter().map(|&i| g.w[i]).sum::<f64>() / loose.len() as f64 + 50.0;
        let wanted = ((total * 2.0 / mean_w).sqrt().ceil() as usize).max(1);
        while heights.len() < wanted {
            heights.push(0.0);
        }
        for i in loose {
            let (best, _) = heights
                .iter()
                .enumerate()
                .fold(
                    (0, f64::INFINITY),
                    |acc, (l, &h)| if h < acc.1 { (l, h) } else { acc },
                );
            heights[best] += g.h[i] + 2.0 * g.margin[i];
            layer[i] = best as i64;
        }
    }
    let last = layer.iter().copied().max().unwrap_or(0);
    let shift = i64::from(ports.iter().any(|&(_, right)| !right));
    for l in &mut layer {
        *l += shift;
    }
    for &(p, right) in &ports {
        layer[p] = if right { last + shift + 1 } else { 0 };
    }
    for (i, &l) in layer.iter().enumerate() {
        g.layer[i] = usize::try_from(l).unwrap_or(0);
    }

    // Attachment offset of a flow on a graph node.
    let offset = |g: &Graph, what: &[Local], node: usize, e: usize| -> f64 {
        match what[node] {
            Local::Child(c) => levels[c]
                .as_ref()
                .and_then(|l| l.port_y.get(&e).copied())
                .unwrap_or(g.h[node] / 2.0),
            Local::Label(_) => g.h[node] - 1.0,
            Local::Port(_) | Local::Dummy => g.h[node] / 2.0,
        }
    };
    // Expand chains with dummies and make the graph's edges.
    let mut expanded: Vec<(usize, Vec<usize>, bool)> = Vec::with_capacity(chains.len());
    for (e, chain) in chains {
        let mut full = vec![chain[0]];
        for pair in chain.windows(2) {
            let (p, q) = (pair[0], pair[1]);
            let (lp, lq) = (g.layer[p], g.layer[q]);
            let step: i64 = if lq >= lp { 1 } else { -1 };
            let mut prev = p;
            let mut l = lp as i64 + step;
            while l != lq as i64 && lp != lq {
                let d = g.add_node(0.0, PORT_H, THIN_MARGIN, usize::try_from(l).unwrap_or(0));
                what.push(Local::Dummy);
                link(&mut g, &what, prev, d, e, &offset);
                full.push(d);
                prev = d;
                l += step;
            }
            if lp != lq {
                link(&mut g, &what, prev, q, e, &offset);
            }
            full.push(q);
        }
        let right = g.layer[full[full.len() - 1]] >= g.layer[full[0]];
        expanded.push((e, full, right));
    }

    let placed = layered::place(&g);
    let name_w = scene.text[v].w;
    let (w, h, ox, oy) = match scene.nodes[v].item {
        Item::Root => (placed.width, placed.height, 0.0, 0.0),
        _ => {
            let header = name_w.min(placed.width.max(220.0));
            let w = (placed.width + 2.0 * PAD).max(header + 2.0 * PAD).ceil();
            let h = (HEADER + placed.height + 2.0 * PAD).ceil();
            (w, h, ((w - placed.width) / 2.0).floor(), HEADER + PAD)
        }
    };
    let mut level = Level {
        w,
        h,
        ..Level::default()
    };
    for (i, &c) in children.iter().enumerate() {
        level.children.push((c, ox + placed.x[i], oy + placed.y[i]));
    }
    let col = |node: usize| {
        let l = g.layer[node];
        (ox + placed.col_x[l], ox + placed.col_x[l] + placed.col_w[l])
    };
    for (e, full, right) in expanded {
        let mut runs = Vec::with_capacity(full.len());
        for (i, &node) in full.iter().enumerate() {
            let (left, right_edge) = col(node);
            let (col_in, col_out) = if right {
                (left, right_edge)
            } else {
                (right_edge, left)
            };
            let x = ox + placed.x[node];
            let y = oy + placed.y[node] + offset(&g, &what, node, e);
            let run = match what[node] {
                Local::Child(_) if i == 0 => Run {
                    xa: if right { x + g.w[node] } else { x },
                    xb: col_out,
                    y,
                },
                Local::Child(_) => Run {
                    xa: col_in,
                    xb: if right { x } else { x + g.w[node] },
                    y,
                },
                Local::Port(_) => {
                    level.port_y.insert(e, y);
                    let border_in = if right { 0.0 } else { w };
                    let border_out = if right { w } else { 0.0 };
                    if i == 0 {
                        Run {
                            xa: border_in,
                            xb: x,
                            y,
                        }
                    } else {
                        Run {
                            xa: x,
                            xb: border_out,
                            y,
                        }
                    }
                }
                Local::Label(_) => {
                    level.labels.insert(
                        e,
                        Rect {
                            x,
                            y: oy + placed.y[node],
                            w: g.w[node],
                            h: g.h[node] - 2.0,
                        },
                    );
                    Run {
                        xa: col_in,
                        xb: col_out,
                        y,
                    }
                }
                Local::Dummy => Run {
                    xa: col_in,
                    xb: col_out,
                    y,
                },
            };
            runs.push(run);
        }
        level.runs.insert(e, runs);
    }
    level
}

/// Adds a graph edge between nodes of adjacent layers, from the upper to the lower layer.
fn link(
    g: &mut Graph,
    what: &[Local],
    p: usize,
    q: usize,
    e: usize,
    offset: &impl Fn(&Graph, &[Local], usize, usize) -> f64,
) {
    let (a, b) = if g.layer[p] < g.layer[q] {
        (p, q)
    } else {
        (q, p)
    };
    let edge = GraphEdge {
        a,
        b,
        off_a: offset(g, what, a, e),
        off_b: offset(g, what, b, e),
    };
    g.edges.push(edge);
}

/// A flow's runs across the levels it passes, in absolute coordinates.
fn assemble(e: usize, path: &EdgePath, levels: &[Option<Level>], boxes: &[Rect]) -> Route {
    let mut route = Route::default();
    let sequence = path
        .up
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(path.lca))
        .chain(path.down.iter().skip(1).rev().copied());
    for level_node in sequence {
        let Some(level) = &levels[level_node] else {
            continue;
        };
        let origin = boxes[level_node];
        if let Some(runs) = level.runs.get(&e) {
            route.runs.extend(runs.iter().map(|r| Run {
                xa: r.xa + origin.x,
                xb: r.xb + origin.x,
                y: r.y + origin.y,
            }));
        }
        if let Some(label) = level.labels.get(&e) {
            route.label = Rect {
                x: label.x + origin.x,
                y: label.y + origin.y,
                ..*label
            };
        }
    }
    route
}

/// `(where the route goes next, route, whether it is the route's start)`.
type Attachment = (f64, usize, bool);

/// Spreads the flows that attach to the same side of an element box evenly along it, in the
/// order of where they go, so that arrows do not pile up at the middle.
fn spread_attachments(scene: &Scene, boxes: &[Rect], routes: &mut [Route]) {
    // (node, right side) → (neighbour y, route, is start)
    let mut groups: HashMap<(usize, bool), Vec<Attachment>> = HashMap::new();
    for (i, edge) in scene.edges.iter().enumerate() {
        let runs = &routes[i].runs;
        if runs.len() < 2 {
            continue;
        }
        let first = runs[0];
        let b = boxes[edge.from];
        groups
            .entry((edge.from, (first.xa - (b.x + b.w)).abs() < 0.5))
            .or_default()
            .push((runs[1].y, i, true));
        let last = runs[runs.len() - 1];
        let b = boxes[edge.to];
        groups
            .entry((edge.to, (last.xb - (b.x + b.w)).abs() < 0.5))
            .or_default()
            .push((runs[runs.len() - 2].y, i, false));
    }
    let mut keys: Vec<(usize, bool)> = groups.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let Some(mut group) = groups.remove(&key) else {
            continue;
        };
        if group.len() < 2 {
            continue;
        }
        group.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let b = boxes[key.0];
        let count = group.len() as f64;
        for (slot, &(_, route, start)) in group.iter().enumerate() {
            let y = b.y + b.h * (slot as f64 + 1.0) / (count + 1.0);
            let runs = &mut routes[route].runs;
            let index = if start { 0 } else { runs.len() - 1 };
            runs[index].y = y;
        }
    }
}

/// Joins consecutive runs at the same height that meet end to start.
fn merge_runs(runs: &mut Vec<Run>) {
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    for &r in runs.iter() {
        if let Some(last) = out.last_mut()
            && (last.y - r.y).abs() < 0.01
            && (last.xb - r.xa).abs() < 0.01
        {
            last.xb = r.xb;
            continue;
        }
        out.push(r);
    }
    *runs = out;
}

/// Honours the positions of a layout file: a placed box goes where it says (its contents move
/// with it), unplaced clusters grow to enclose what they hold, and flows whose ends moved apart
/// are drawn straight, with their label at the middle.
fn apply_placements(scene: &Scene, layout: &Layout, paths: &[EdgePath], g: &mut Geometry) {
    let n = scene.nodes.len();
    let mut delta = vec![(0.0f64, 0.0f64); n];
    let mut resized = vec![false; n];
    let mut any = false;
    let mut stack: Vec<usize> = scene.nodes[0].children.iter().rev().copied().collect();
    while let Some(v) = stack.pop() {
        let inherited = scene.nodes[v].parent.map_or((0.0, 0.0), |p| delta[p]);
        let placement = match scene.nodes[v].item {
            Item::Element(i) => layout.elements.get(scene.model.elements[i].id.as_str()),
            Item::Boundary(i) => layout.boundaries.get(scene.model.boundaries[i].id.as_str()),
            Item::Root => None,
        }
        .filter(|p| p.x.is_finite() && p.y.is_finite());
        let b = &mut g.boxes[v];
        match placement {
            Some(p) => {
                any = true;
                delta[v] = (p.x - b.x, p.y - b.y);
                b.x = p.x;
                b.y = p.y;
                if let Some(w) = p.width.filter(|w| w.is_finite() && *w > 0.0) {
                    b.w = w;
                    resized[v] = true;
                }
                if let Some(h) = p.height.filter(|h| h.is_finite() && *h > 0.0) {
                    b.h = h;
                    resized[v] = true;
                }
            }
            None => {
                delta[v] = inherited;
                b.translate(inherited.0, inherited.1);
            }
        }
        stack.extend(scene.nodes[v].children.iter().rev().copied());
    }
    if !any {
        return;
    }
    // Unplaced clusters enclose their members (children first: post-order).
    let mut post = Vec::with_capacity(n);
    let mut stack = vec![(0usize, false)];
    while let Some((v, done)) = stack.pop() {
        if done {
            post.push(v);
        } else {
            stack.push((v, true));
            stack.extend(scene.nodes[v].children.iter().map(|&c| (c, false)));
        }
    }
    for v in post {
        let placed = match scene.nodes[v].item {
            Item::Element(i) => layout
                .elements
                .contains_key(scene.model.elements[i].id.as_str()),
            Item::Boundary(i) => layout
                .boundaries
                .contains_key(scene.model.boundaries[i].id.as_str()),
            Item::Root => true,
        };
        if placed || scene.nodes[v].children.is_empty() {
            continue;
        }
        let mut r = g.boxes[v];
        for &c in &scene.nodes[v].children {
            let cb = g.boxes[c];
            let (x0, y0) = ((cb.x - PAD).min(r.x), (cb.y - PAD - HEADER).min(r.y));
            let (x1, y1) = (
                (cb.x + cb.w + PAD).max(r.x + r.w),
                (cb.y + cb.h + PAD).max(r.y + r.h),
            );
            r = Rect {
                x: x0,
                y: y0,
                w: x1 - x0,
                h: y1 - y0,
            };
        }
        if r != g.boxes[v] {
            resized[v] = true;
            g.boxes[v] = r;
        }
    }
    for (e, path) in paths.iter().enumerate() {
        let involved: Vec<usize> = path
            .up
            .iter()
            .chain(path.down.iter())
            .copied()
            .chain(std::iter::once(path.lca))
            .collect();
        let d = delta[path.lca];
        let same = involved.iter().all(|&v| {
            !resized[v] && (delta[v].0 - d.0).abs() < 1e-9 && (delta[v].1 - d.1).abs() < 1e-9
        });
        let route = &mut g.routes[e];
        if same {
            for r in &mut route.runs {
                r.xa += d.0;
                r.xb += d.0;
                r.y += d.1;
            }
            route.label.translate(d.0, d.1);
        } else {
            let (a, b) = (g.boxes[scene.edges[e].from], g.boxes[scene.edges[e].to]);
            let rightward = a.x + a.w / 2.0 <= b.x + b.w / 2.0;
            let (xa, xb) = if rightward {
                (a.x + a.w, b.x)
            } else {
                (a.x, b.x + b.w)
            };
            let (ya, yb) = (a.y + a.h / 2.0, b.y + b.h / 2.0);
            route.runs = vec![Run { xa, xb: xa, y: ya }, Run { xa: xb, xb, y: yb }];
            route.label.x = f64::midpoint(xa, xb) - route.label.w / 2.0;
            route.label.y = f64::midpoint(ya, yb) - route.label.h - 2.0;
        }
    }
    // Keep everything inside the canvas.
    let (mut min_x, mut min_y) = (f64::INFINITY, f64::INFINITY);
    for b in g.boxes.iter().skip(1) {
        min_x = min_x.min(b.x);
        min_y = min_y.min(b.y);
    }
    for r in &g.routes {
        min_x = min_x.min(r.label.x);
        min_y = min_y.min(r.label.y);
    }
    let (dx, dy) = ((MARGIN - min_x).max(0.0), (MARGIN + TITLE - min_y).max(0.0));
    if (dx > 0.0 || dy > 0.0) && min_x.is_finite() {
        for b in &mut g.boxes {
            b.translate(dx, dy);
        }
        for r in &mut g.routes {
            r.label.translate(dx, dy);
            for run in &mut r.runs {
                run.xa += dx;
                run.xb += dx;
                run.y += dy;
            }
        }
    }
}

/// The bottom-right corner of everything drawn.
fn bounds(g: &mut Geometry) {
    let mut right = g.boxes[0].x + g.boxes[0].w;
    let mut bottom = g.boxes[0].y + g.boxes[0].h;
    for b in g.boxes.iter().skip(1) {
        right = right.max(b.x + b.w);
        bottom = bottom.max(b.y + b.h);
    }
    for r in &g.routes {
        right = right.max(r.label.x + r.label.w);
        bottom = bottom.max(r.label.y + r.label.h);
        for run in &r.runs {
            right = right.max(run.xa.max(run.xb));
            bottom = bottom.max(run.y);
        }
    }
    g.right = right;
    g.bottom = bottom;
}

//! One level of the layered (Sugiyama-style) layout: given nodes with sizes and layers and edges
//! between adjacent layers, orders each layer to reduce crossings (barycenter sweeps, keeping the
//! best ordering seen) and assigns coordinates: layers become columns, left to right, and within
//! a column each node is pulled towards its neighbours' attachment points by an isotonic
//! regression that keeps the order and the minimum gaps (linear per column).
//!
//! Cost: a fixed number of sweeps, each `O(E log E)` for ordering and `O(V + E)` for coordinates.

/// The graph of one level, every edge between adjacent layers.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub w: Vec<f64>,
    pub h: Vec<f64>,
    /// Room kept above and below a node in its column.
    pub margin: Vec<f64>,
    pub layer: Vec<usize>,
    pub edges: Vec<GraphEdge>,
}

/// An edge from `a` (layer `l`) to `b` (layer `l + 1`); offsets are where it attaches, measured
/// down from the top of each node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GraphEdge {
    pub a: usize,
    pub b: usize,
    pub off_a: f64,
    pub off_b: f64,
}

impl Graph {
    pub(crate) fn add_node(&mut self, w: f64, h: f64, margin: f64, layer: usize) -> usize {
        self.w.push(w);
        self.h.push(h);
        self.margin.push(margin);
        self.layer.push(layer);
        self.w.len() - 1
    }
}

/// Where the nodes went: top-left corners, and the columns.
#[derive(Debug, Default)]
pub(crate) struct Placement {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub col_x: Vec<f64>,
    pub col_w: Vec<f64>,
    pub width: f64,
    pub height: f64,
}

const SWEEPS: usize = 6;
const COORDINATE_ROUNDS: usize = 4;
const COLUMN_GAP: f64 = 40.0;

pub(crate) fn place(g: &Graph) -> Placement {
    let n = g.w.len();
    if n == 0 {
        return Placement::default();
    }
    let layer_count = g.layer.iter().copied().max().unwrap_or(0) + 1;
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for v in 0..n {
        layers[g.layer[v]].push(v);
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, e) in g.edges.iter().enumerate() {
        succs[e.a].push(i);
        preds[e.b].push(i);
    }
    let layers = order(g, layers, &preds, &succs);
    let y = coordinates(g, &layers, &preds, &succs);

    let mut col_w = vec![0.0f64; layer_count];
    for v in 0..n {
        col_w[g.layer[v]] = col_w[g.layer[v]].max(g.w[v]);
    }
    let mut between = vec![0usize; layer_count];
    for e in &g.edges {
        between[g.layer[e.a]] += 1;
    }
    let mut col_x = vec![0.0f64; layer_count];
    for l in 1..layer_count {
        let busy = between[l - 1].min(16) as f64;
        col_x[l] = col_x[l - 1] + col_w[l - 1] + COLUMN_GAP + 2.5 * busy;
    }
    let x: Vec<f64> = (0..n)
        .map(|v| {
            let l = g.layer[v];
            col_x[l] + (col_w[l] - g.w[v]) / 2.0
        })
        .collect();
    let width = col_x[layer_count - 1] + col_w[layer_count - 1];
    let height = (0..n).map(|v| y[v] + g.h[v]).fold(0.0, f64::max);
    Placement {
        x,
        y,
        col_x,
        col_w,
        width,
        height,
    }
}

/// Barycenter sweeps down and up, keeping the ordering with the fewest crossings.
fn order(
    g: &Graph,
    mut layers: Vec<Vec<usize>>,
    preds: &[Vec<usize>],
    succs: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    let n = g.w.len();
    let mut pos = vec![0usize; n];
    let set_pos = |layers: &[Vec<usize>], pos: &mut [usize]| {
        for layer in layers {
            for (i, &v) in layer.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    set_pos(&layers, &mut pos);
    let mut best = layers.clone();
    let mut best_crossings = crossings(g, &layers, &pos);
    for _ in 0..SWEEPS {
        if best_crossings == 0 {
            break;
        }
        for layer in layers.iter_mut().skip(1) {
            reorder(layer, &mut pos, |e| g.edges[e].a, preds);
        }
        for l in (0..layers.len().saturating_sub(1)).rev() {
            reorder(&mut layers[l], &mut pos, |e| g.edges[e].b, succs);
        }
        let c = crossings(g, &layers, &pos);
        if c < best_crossings {
            best_crossings = c;
            best.clone_from(&layers);
        }
    }
    best
}

/// Sorts one layer by the mean position of each node's neighbours in the adjacent layer.
fn reorder(
    layer: &mut [usize],
    pos: &mut [usize],
    other: impl Fn(usize) -> usize,
    adjacent: &[Vec<usize>],
) {
    let mut keyed: Vec<(f64, usize, usize)> = layer
        .iter()
        .map(|&v| {
            let edges = &adjacent[v];
            let key = if edges.is_empty() {
                pos[v] as f64
            } else {
                edges.iter().map(|&e| pos[other(e)] as f64).sum::<f64>() / edges.len() as f64
            };
            (key, pos[v], v)
        })
        .collect();
    // Positions are distinct within a layer, so the order is total: an unstable sort (no
    // buffer to allocate) gives the same result.
    keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (i, (_, _, v)) in keyed.into_iter().enumerate() {
        layer[i] = v;
        pos[v] = i;
    }
}

/// The number of edge crossings between every pair of adjacent layers.
fn crossings(g: &Graph, layers: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut by_layer: Vec<Vec<(usize, usize)>> = vec![Vec::new(); layers.len()];
    for e in &g.edges {
        by_layer[g.layer[e.a]].push((pos[e.a], pos[e.b]));
    }
    let mut total = 0;
    for (l, pairs) in by_layer.iter_mut().enumerate() {
        if pairs.len() < 2 {
            continue;
        }
        pairs.sort_unstable();
        let size = layers.get(l + 1).map_or(0, Vec::len);
        // Count inversions of the lower ends with a Fenwick tree.
        let mut tree = vec![0usize; size + 1];
        for (seen, &(_, b)) in pairs.iter().enumerate() {
            let mut i = b + 1;
            let mut not_greater = 0;
            while i > 0 {
                not_greater += tree[i];
                i &= i - 1;
            }
            total += seen - not_greater;
            let mut i = b + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pull {
    Preds,
    Succs,
    Both,
}

/// Tops of nodes within their columns.
fn coordinates(
    g: &Graph,
    layers: &[Vec<usize>],
    preds: &[Vec<usize>],
    succs: &[Vec<usize>],
) -> Vec<f64> {
    let n = g.w.len();
    let mut top = vec![0.0f64; n];
    for layer in layers {
        let mut y = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                y += g.margin[layer[i - 1]] + g.margin[v];
            }
            top[v] = y;
            y += g.h[v];
        }
    }
    // Centre the columns on each other before pulling.
    let tallest = layers
        .iter()
        .map(|l| column_height(g, l))
        .fold(0.0, f64::max);
    for layer in layers {
        let shift = (tallest - column_height(g, layer)) / 2.0;
        for &v in layer {
            top[v] += shift;
        }
    }
    for _ in 0..COORDINATE_ROUNDS {
        for layer in layers.iter().skip(1) {
            pull(g, layer, preds, succs, &mut top, Pull::Preds);
        }
        for layer in layers.iter().rev().skip(1) {
            pull(g, layer, preds, succs, &mut top, Pull::Succs);
        }
    }
    for layer in layers {
        pull(g, layer, preds, succs, &mut top, Pull::Both);
    }
    let min = top.iter().copied().fold(f64::INFINITY, f64::min);
    if min.is_finite() {
        for t in &mut top {
            *t -= min;
        }
    }
    top
}

fn column_height(g: &Graph, layer: &[usize]) -> f64 {
    layer
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            g.h[v]
                + if i > 0 {
                    g.margin[layer[i - 1]] + g.margin[v]
                } else {
                    0.0
                }
        })
        .sum()
}

/// Moves one column's nodes as close as the order and gaps allow to where their neighbours
/// want them (least squares, solved by pool-adjacent-violators).
fn pull(
    g: &Graph,
    layer: &[usize],
    preds: &[Vec<usize>],
    succs: &[Vec<usize>],
    top: &mut [f64],
    which: Pull,
) {
    if layer.is_empty() {
        return;
    }
    let mut offsets = Vec::with_capacity(layer.len());
    let mut o = 0.0;
    for (i, &v) in layer.iter().enumerate() {
        if i > 0 {
            o += g.h[layer[i - 1]] + g.margin[layer[i - 1]] + g.margin[v];
        }
        offsets.push(o);
    }
    let targets: Vec<f64> = layer
        .iter()
        .zip(&offsets)
        .map(|(&v, o)| {
            let mut sum = 0.0;
            let mut count = 0usize;
            if which != Pull::Succs {
                for &e in &preds[v] {
                    let e = g.edges[e];
                    sum += top[e.a] + e.off_a - e.off_b;
                    count += 1;
                }
            }
            if which != Pull::Preds {
                for &e in &succs[v] {
                    let e = g.edges[e];
                    sum += top[e.b] + e.off_b - e.off_a;
                    count += 1;
                }
            }
            let target = if count == 0 {
                top[v]
            } else {
                sum / count as f64
            };
            target - o
        })
        .collect();
    let fitted = isotonic(&targets);
    for ((&v, o), c) in layer.iter().zip(&offsets).zip(fitted) {
        top[v] = c + o;
    }
}

/// The non-decreasing sequence closest to `values` in least squares.
fn isotonic(values: &[f64]) -> Vec<f64> {
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(values.len());
    for &v in values {
        blocks.push((v, 1));
        while blocks.len() >= 2 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s1 + s2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(values.len());
    for (s, c) in blocks {
        let mean = s / c as f64;
        out.extend(std::iter::repeat_n(mean, c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_violators() {
        assert_eq!(isotonic(&[1.0, 3.0, 2.0, 4.0]), vec![1.0, 2.5, 2.5, 4.0]);
    }

    #[test]
    fn nodes_in_a_column_never_overlap() {
        let mut g = Graph::default();
        let a = g.add_node(100.0, 40.0, 8.0, 0);
        let b = g.add_node(100.0, 40.0, 8.0, 1);
        let c = g.add_node(100.0, 40.0, 8.0, 1);
        for t in [b, c] {
            g.edges.push(GraphEdge {
                a,
                b: t,
                off_a: 20.0,
                off_b: 20.0,
            });
        }
        let p = place(&g);
        assert!((p.y[b] - p.y[c]).abs() >= 56.0);
        assert!(p.x[b] >= p.x[a] + 100.0 + COLUMN_GAP);
    }
}

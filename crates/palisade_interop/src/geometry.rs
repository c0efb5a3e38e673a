//! Plane geometry for diagrams drawn by other tools: which boxes a boundary box encloses, which
//! side of a boundary line a box sits on, and whether a flow's path crosses a line.

/// A point on the diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
}

/// An axis-aligned rectangle: top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub(crate) fn center(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }

    pub(crate) fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.x + self.w && p.y >= self.y && p.y <= self.y + self.h
    }

    /// Whether `other` lies inside this rectangle (edges may touch).
    pub(crate) fn encloses(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.x + other.w <= self.x + self.w
            && other.y + other.h <= self.y + self.h
    }

    pub(crate) fn area(&self) -> f64 {
        self.w * self.h
    }

    /// The distance from `p` to the rectangle (0 inside).
    pub(crate) fn distance(&self, p: Point) -> f64 {
        let dx = (self.x - p.x).max(0.0).max(p.x - (self.x + self.w));
        let dy = (self.y - p.y).max(0.0).max(p.y - (self.y + self.h));
        dx.hypot(dy)
    }
}

fn cross(o: Point, a: Point, b: Point) -> f64 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

/// Which side of the polyline `line` the point is on: `Some(true)` left (in screen coordinates,
/// where y grows downwards, "left" is simply the positive side), `Some(false)` right, `None` for
/// a degenerate line or a point on it. The side is that of the nearest segment; at a shared
/// vertex, the wedge inside the turn decides.
#[allow(clippy::many_single_char_names)] // plane geometry reads best with its usual names
pub(crate) fn side(p: Point, line: &[Point]) -> Option<bool> {
    if line.len() < 2 {
        return None;
    }
    let mut best: Option<(f64, usize, f64)> = None;
    for i in 0..line.len() - 1 {
        let (a, b) = (line[i], line[i + 1]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len2 = dx * dx + dy * dy;
        if len2 == 0.0 {
            continue;
        }
        let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
        let d = (p.x - (a.x + t * dx)).hypot(p.y - (a.y + t * dy));
        if best.is_none_or(|(bd, _, _)| d < bd - 1e-9) {
            best = Some((d, i, t));
        }
    }
    let (_, i, t) = best?;
    let s = cross(line[i], line[i + 1], p);
    // At an interior vertex, the segment alone can give the wrong side: use both.
    let vertex = if t >= 1.0 && i + 2 < line.len() {
        Some((i, i + 1, i + 2))
    } else if t <= 0.0 && i > 0 {
        Some((i - 1, i, i + 1))
    } else {
        None
    };
    let positive = match vertex {
        Some((a, v, b)) => {
            let s1 = cross(line[a], line[v], p);
            let s2 = cross(line[v], line[b], p);
            let turn = cross(line[a], line[v], line[b]);
            if turn >= 0.0 {
                s1 > 0.0 && s2 > 0.0
            } else {
                !(s1 < 0.0 && s2 < 0.0)
            }
        }
        None if s == 0.0 => return None,
        None => s > 0.0,
    };
    Some(positive)
}

fn segments_intersect(a: Point, b: Point, c: Point, d: Point) -> bool {
    let d1 = cross(c, d, a);
    let d2 = cross(c, d, b);
    let d3 = cross(a, b, c);
    let d4 = cross(a, b, d);
    ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
}

/// Whether two polylines cross.
pub(crate) fn crosses(a: &[Point], b: &[Point]) -> bool {
    a.windows(2).any(|s| {
        b.windows(2)
            .any(|t| segments_intersect(s[0], s[1], t[0], t[1]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    #[test]
    fn sides_of_a_bent_line() {
        // An arch over (5, 8): the point under the arch is on one side, the others on the other.
        let arch = [p(0.0, 10.0), p(2.0, 2.0), p(8.0, 2.0), p(10.0, 10.0)];
        let inside = side(p(5.0, 8.0), &arch);
        let outside = side(p(5.0, -5.0), &arch);
        let far_left = side(p(-5.0, 0.0), &arch);
        assert!(inside.is_some() && outside.is_some());
        assert_ne!(inside, outside);
        assert_eq!(outside, far_left);
    }

    #[test]
    fn crossing_paths() {
        let wall = [p(0.0, 5.0), p(10.0, 5.0)];
        assert!(crosses(&[p(5.0, 0.0), p(5.0, 10.0)], &wall));
        assert!(!crosses(&[p(5.0, 0.0), p(6.0, 4.0)], &wall));
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        assert!(r.encloses(&Rect {
            x: 1.0,
            y: 1.0,
            w: 2.0,
            h: 2.0
        }));
        assert!(r.contains(r.center()));
        assert!((r.distance(p(13.0, 14.0)) - 5.0).abs() < 1e-9);
    }
}

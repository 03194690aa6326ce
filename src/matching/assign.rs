//! Exact global assignment of offers to requests: a min-cost flow
//! (successive shortest paths with Dijkstra and potentials) on the sparse
//! candidate graph, solved per connected component. Each request is used at
//! most once, each offer at most its capacity; only pairs with a positive
//! gain are used, and the flow stops as soon as one more match would lower
//! the total gain, so weak pairs are left out rather than forced.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::domain::Category;

use super::score::quantity_number;
use super::text;

/// A candidate pair for the assignment.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub offer: usize,
    pub request: usize,
    pub gain: f64,
}

/// How many requests one offer can serve. Spaces, networks and lent
/// equipment serve several; people and goods serve as many as their
/// quantity or hours allow, and at least two unless the offer is one single
/// thing or person: most standing offers (a team, a stock of furniture)
/// answer more than one request.
pub fn capacity(category: Category, text: &str, quantity: Option<&str>, hours: Option<f64>) -> u32 {
    let folded = text::fold(text);
    let lends = ["te leen", "uitlenen", "uitleen", "lenen", "verhuur"]
        .iter()
        .any(|w| folded.contains(w));
    let count = quantity
        .and_then(quantity_number)
        .map(|(n, _)| n)
        .unwrap_or(0.0);
    let hours = hours.unwrap_or(0.0);
    let cap = match category {
        Category::Faciliteiten | Category::Netwerk => 3,
        Category::Kennis | Category::Creativiteit => 2,
        Category::Menskracht if count >= 10.0 || hours >= 60.0 => 3,
        Category::Materiaal if lends => 3,
        Category::Menskracht | Category::Materiaal if count == 1.0 => 1,
        Category::Menskracht | Category::Materiaal => 2,
    };
    cap.max(1)
}

const SCALE: f64 = 1_000_000.0;
const INF: i64 = i64::MAX / 4;

struct Arc {
    to: usize,
    cap: i64,
    cost: i64,
}

struct Graph {
    arcs: Vec<Arc>,
    adj: Vec<Vec<usize>>,
}

impl Graph {
    fn new(n: usize) -> Graph {
        Graph {
            arcs: Vec::new(),
            adj: vec![Vec::new(); n],
        }
    }

    fn add(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> usize {
        let id = self.arcs.len();
        self.arcs.push(Arc { to, cap, cost });
        self.adj[from].push(id);
        self.arcs.push(Arc {
            to: from,
            cap: 0,
            cost: -cost,
        });
        self.adj[to].push(id + 1);
        id
    }
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Choose edges maximising the total gain. Returns the indices (into
/// `edges`) of the chosen pairs.
pub fn assign(caps: &[u32], n_requests: usize, edges: &[Edge]) -> Vec<usize> {
    let n_offers = caps.len();
    let usable: Vec<usize> = (0..edges.len())
        .filter(|&i| {
            let e = edges[i];
            e.gain > 0.0 && e.offer < n_offers && e.request < n_requests
        })
        .collect();
    // Components over offer nodes 0..n_offers and request nodes after them.
    let mut parent: Vec<usize> = (0..n_offers + n_requests).collect();
    for &i in &usable {
        let (a, b) = (
            find(&mut parent, edges[i].offer),
            find(&mut parent, n_offers + edges[i].request),
        );
        if a != b {
            parent[a] = b;
        }
    }
    let mut groups: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for &i in &usable {
        let root = find(&mut parent, edges[i].offer);
        groups.entry(root).or_default().push(i);
    }
    let mut chosen = Vec::new();
    let mut roots: Vec<usize> = groups.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        if let Some(group) = groups.get(&root) {
            chosen.extend(assign_component(caps, edges, group));
        }
    }
    chosen.sort_unstable();
    chosen
}

fn assign_component(caps: &[u32], edges: &[Edge], group: &[usize]) -> Vec<usize> {
    // Local node numbering: 0 = source, 1 = sink, then offers, then requests.
    let mut local_offer = std::collections::HashMap::new();
    let mut local_request = std::collections::HashMap::new();
    for &i in group {
        let next = local_offer.len();
        local_offer.entry(edges[i].offer).or_insert(next);
    }
    for &i in group {
        let next = local_request.len();
        local_request.entry(edges[i].request).or_insert(next);
    }
    let n_o = local_offer.len();
    let n = 2 + n_o + local_request.len();
    let mut g = Graph::new(n);
    for (&o, &lo) in &local_offer {
        g.add(0, 2 + lo, i64::from(caps[o]), 0);
    }
    for &lr in local_request.values() {
        g.add(2 + n_o + lr, 1, 1, 0);
    }
    let mut arc_of = Vec::with_capacity(group.len());
    for &i in group {
        let e = edges[i];
        let (lo, lr) = (local_offer[&e.offer], local_request[&e.request]);
        let cost = -((e.gain * SCALE).round() as i64);
        arc_of.push((i, g.add(2 + lo, 2 + n_o + lr, 1, cost)));
    }
    // Initial potentials: shortest distances in the layered graph.
    let mut h = vec![0i64; n];
    for &(_, a) in &arc_of {
        let to = g.arcs[a].to;
        h[to] = h[to].min(g.arcs[a].cost);
    }
    h[1] = (2 + n_o..n).map(|v| h[v]).min().unwrap_or(0);

    let mut dist = vec![INF; n];
    let mut prev = vec![usize::MAX; n];
    loop {
        dist.iter_mut().for_each(|d| *d = INF);
        prev.iter_mut().for_each(|p| *p = usize::MAX);
        dist[0] = 0;
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((0i64, 0usize)));
        while let Some(Reverse((d, v))) = heap.pop() {
            if d > dist[v] {
                continue;
            }
            if v == 1 {
                break;
            }
            for &a in &g.adj[v] {
                let arc = &g.arcs[a];
                if arc.cap <= 0 {
                    continue;
                }
                let nd = d + arc.cost + h[v] - h[arc.to];
                if nd < dist[arc.to] {
                    dist[arc.to] = nd;
                    prev[arc.to] = a;
                    heap.push(Reverse((nd, arc.to)));
                }
            }
        }
        if dist[1] >= INF {
            break;
        }
        let real = dist[1] + h[1] - h[0];
        if real >= 0 {
            break;
        }
        let dt = dist[1];
        for v in 0..n {
            h[v] += dist[v].min(dt);
        }
        // Augment one unit (every path passes a request with capacity 1).
        let mut v = 1;
        while v != 0 {
            let a = prev[v];
            g.arcs[a].cap -= 1;
            g.arcs[a ^ 1].cap += 1;
            v = g.arcs[a ^ 1].to;
        }
    }
    arc_of
        .into_iter()
        .filter(|&(_, a)| g.arcs[a].cap == 0)
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(offer: usize, request: usize, gain: f64) -> Edge {
        Edge {
            offer,
            request,
            gain,
        }
    }

    fn total(edges: &[Edge], chosen: &[usize]) -> f64 {
        chosen.iter().map(|&i| edges[i].gain).sum()
    }

    #[test]
    fn beats_greedy() {
        // Greedy takes 0->0 (0.9) and then only 1->1 (0.1): 1.0.
        // Optimal: 0->1 (0.8) + 1->0 (0.7) = 1.5.
        let edges = [e(0, 0, 0.9), e(0, 1, 0.8), e(1, 0, 0.7), e(1, 1, 0.1)];
        let chosen = assign(&[1, 1], 2, &edges);
        assert_eq!(chosen, vec![1, 2]);
        assert!((total(&edges, &chosen) - 1.5).abs() < 1e-9);
    }

    #[test]
    fn respects_capacity_and_request_once() {
        let edges = [e(0, 0, 0.9), e(0, 1, 0.8), e(0, 2, 0.7), e(1, 2, 0.3)];
        let chosen = assign(&[2, 1], 3, &edges);
        // Offer 0 serves two requests, request 2 falls to offer 1.
        assert_eq!(chosen, vec![0, 1, 3]);
        let mut per_request = [0; 3];
        for &i in &chosen {
            per_request[edges[i].request] += 1;
        }
        assert!(per_request.iter().all(|&c| c <= 1));
    }

    #[test]
    fn leaves_non_positive_pairs_out() {
        let edges = [e(0, 0, 0.5), e(1, 1, -0.2), e(1, 0, 0.0)];
        assert_eq!(assign(&[1, 1], 2, &edges), vec![0]);
    }

    #[test]
    fn capacity_follows_the_offer() {
        assert_eq!(capacity(Category::Faciliteiten, "zaal", None, None), 3);
        assert_eq!(capacity(Category::Materiaal, "verf", None, None), 2);
        assert_eq!(capacity(Category::Materiaal, "bus", Some("1 bus"), None), 1);
        assert_eq!(capacity(Category::Materiaal, "bus te leen", None, None), 3);
        assert_eq!(
            capacity(Category::Menskracht, "", Some("30 medewerkers"), None),
            3
        );
    }
}

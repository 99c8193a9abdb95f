// Any picture of one digit -> the 28x28 image prepared the way MNIST's digits were: the steps of
// digitnet.images (pipeline.py, load.py, ink.py, geometry.py, components.py), ported to JavaScript so
// that a drawing gets the same 28x28 image, and so the same answer, in the browser as in
// 'digitnet predict' and 'digitnet serve'. Each function below has the name and the docstring's idea
// of its Python original; read those for the "why".
//
//   loadGrey           the picture (a canvas ImageData, RGBA bytes) shrunk to at most 512 pixels, as grey
//   findInk            which way round it is (dark ink on light paper, or light on dark) and the paper
//   inkContrast        how far each pixel is from the paper, lighting removed
//   removeBackground   the amount of ink, with grain and paper exactly 0
//   keepDigit          drop specks and stray marks
//   normaliseContrast  strokes' cores to full ink
//   normaliseThickness hair-lines widened to MNIST's stroke width
//   cropToInk, fitInBox, centreByMass: into a 20x20 box, centred by mass in 28x28
//
// Why so much care with numbers: NumPy computes these images in float32, and a few steps compare
// values with thresholds or round them, so a value that differs in its last bit can move a digit by a
// pixel. So every float32 operation of the Python code is rounded to float32 here too (Math.fround,
// or storing into a Float32Array), sums are added in NumPy's order (pairwiseSum), and Pillow's
// resizing, which digitnet uses to shrink pictures, is reproduced to the bit (resampling below).
"use strict";

(function (root) {
  const f32 = Math.fround;
  const DARK = "dark", LIGHT = "light";
  const MAX_PIXELS = 50000000, WORKING_SIZE = 512;
  const MIN_CONTRAST = 0.12, MNIST_STROKE = 1.8 / 20, SMOOTH_ABOVE = 150;
  const MNIST_CENTRE = [14.0, 14.0];

  class NoDigit extends Error {}

  // -- small helpers: images, NumPy's sums, Python's rounding ------------------------------------------
  // An image is {h, w, data}, data a Float32Array in row-major order, like a (h, w) float32 array.
  function image(h, w, data) {
    return { h, w, data: data || new Float32Array(h * w) };
  }

  // NumPy's sum of a contiguous array: pairwise summation, in blocks of 8 partial sums below 128
  // values (numpy/_core/src/umath/loops_utils.h.src), rounding every addition to float32 (sum32) or
  // not (sum64). The order matters: a float32 sum depends on it in its last bits.
  function pairwiseSum32(a, start, n) {
    if (n < 8) {
      let res = 0;
      for (let i = 0; i < n; i++) res = f32(res + a[start + i]);
      return res;
    }
    if (n <= 128) {
      let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
      let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
      let i = 8;
      for (; i < n - (n % 8); i += 8) {
        const k = start + i;
        r0 = f32(r0 + a[k]); r1 = f32(r1 + a[k + 1]); r2 = f32(r2 + a[k + 2]); r3 = f32(r3 + a[k + 3]);
        r4 = f32(r4 + a[k + 4]); r5 = f32(r5 + a[k + 5]); r6 = f32(r6 + a[k + 6]); r7 = f32(r7 + a[k + 7]);
      }
      let res = f32(f32(f32(r0 + r1) + f32(r2 + r3)) + f32(f32(r4 + r5) + f32(r6 + r7)));
      for (; i < n; i++) res = f32(res + a[start + i]);
      return res;
    }
    const n2 = Math.floor(n / 2) - (Math.floor(n / 2) % 8);
    return f32(pairwiseSum32(a, start, n2) + pairwiseSum32(a, start + n2, n - n2));
  }
  function pairwiseSum64(a, start, n) {
    if (n < 8) {
      let res = 0;
      for (let i = 0; i < n; i++) res += a[start + i];
      return res;
    }
    if (n <= 128) {
      const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => a[start + j]);
      let i = 8;
      for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
      let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) res += a[start + i];
      return res;
    }
    const n2 = Math.floor(n / 2) - (Math.floor(n / 2) % 8);
    return pairwiseSum64(a, start, n2) + pairwiseSum64(a, start + n2, n - n2);
  }
  const sum32 = (a) => pairwiseSum32(a, 0, a.length);
  const sum64 = (a) => pairwiseSum64(a, 0, a.length);

  // Python's round() (and NumPy's): halves go to the even neighbour
  function roundHalfEven(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  function maxOf(a) {
    let m = -Infinity;
    for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
    return m;
  }

  // the median as np.median computes it for float32: the middle value, or the float32 mean of the two
  // middle ones (found by selection, as np.median partitions, rather than by sorting everything)
  function median32(values) {
    const a = Float32Array.prototype.slice.call(values), n = a.length, upper = select(a, Math.floor(n / 2));
    if (n % 2) return upper;
    let lower = -Infinity; // the largest value left of the upper middle one
    for (let i = 0; i < n / 2; i++) if (a[i] > lower) lower = a[i];
    return f32(lower + upper) / 2;
  }

  // The k-th smallest value of `a` (0 = the smallest), rearranging `a` so that nothing before index k is
  // larger and nothing after it smaller: quickselect with a three-way split (pictures repeat values a lot)
  function select(a, k) {
    let low = 0, high = a.length - 1;
    while (low < high) {
      const pivot = [a[low], a[(low + high) >> 1], a[high]].sort((x, y) => x - y)[1];
      let lt = low, i = low, gt = high;
      while (i <= gt) {
        const v = a[i];
        if (v < pivot) { a[i++] = a[lt]; a[lt++] = v; } else if (v > pivot) { a[i] = a[gt]; a[gt--] = v; } else i++;
      }
      if (k < lt) high = lt - 1;
      else if (k > gt) low = gt + 1;
      else return pivot;
    }
    return a[k];
  }

  // ink._median: the median of a short float64 vector
  function median64(values) {
    const sorted = Float64Array.from(values).sort(), n = sorted.length;
    return (sorted[Math.floor((n - 1) / 2)] + sorted[Math.floor(n / 2)]) / 2;
  }

  // -- Pillow's resampling, to the bit (Pillow's src/libImaging/Resample.c, Reduce.c, Convert.c) -------
  // digitnet shrinks big pictures with Image.reduce and Image.resize(BOX) on 8-bit RGBA, and fits the
  // digit into its 20x20 box with Image.resize(BILINEAR) on float32: both are reproduced here.
  const FILTERS = {
    box: { support: 0.5, fn: (x) => (x > -0.5 && x <= 0.5 ? 1.0 : 0.0) },
    bilinear: { support: 1.0, fn: (x) => { x = Math.abs(x); return x < 1.0 ? 1.0 - x : 0.0; } },
  };
  const PRECISION_BITS = 22;

  // which input pixels each output pixel averages, and with what weights (precompute_coeffs)
  function coefficients(inSize, in0, in1, outSize, filter) {
    const scale = f32(in1 - in0) / outSize;
    const filterscale = Math.max(scale, 1.0), support = filter.support * filterscale;
    const ksize = Math.ceil(support) * 2 + 1, inverse = 1.0 / filterscale;
    const bounds = new Int32Array(outSize * 2), kk = new Float64Array(outSize * ksize);
    for (let xx = 0; xx < outSize; xx++) {
      const center = in0 + (xx + 0.5) * scale;
      let ww = 0.0;
      const xmin = Math.max(0, Math.trunc(center - support + 0.5));
      const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
      for (let x = 0; x < xmax; x++) {
        const w = filter.fn((x + xmin - center + 0.5) * inverse);
        kk[xx * ksize + x] = w;
        ww += w;
      }
      if (ww !== 0.0) for (let x = 0; x < xmax; x++) kk[xx * ksize + x] /= ww;
      bounds[xx * 2] = xmin;
      bounds[xx * 2 + 1] = xmax;
    }
    return { ksize, bounds, kk };
  }

  // 8-bit images: the weights become integers of 22 bits, and each sum is rounded back to a byte
  function toFixedPoint(kk) {
    return Int32Array.from(kk, (k) => Math.trunc(k < 0 ? -0.5 + k * (1 << PRECISION_BITS) : 0.5 + k * (1 << PRECISION_BITS)));
  }
  function clip8(ss) {
    const v = Math.floor(ss / (1 << PRECISION_BITS));
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }

  // One pass along x or y of an image with `bands` values per pixel. `bytes`: 8-bit arithmetic, else
  // float32 values summed in float64 (as Pillow's 32bpc passes).
  function resamplePass(src, w, h, bands, outSize, c, horizontal, offset, rows, bytes) {
    const outW = horizontal ? outSize : w, out = bytes ? new Uint8Array(outW * rows * bands) : new Float32Array(outW * rows);
    const k = bytes ? toFixedPoint(c.kk) : c.kk;
    for (let yy = 0; yy < rows; yy++) {
      for (let xx = 0; xx < outW; xx++) {
        const along = horizontal ? xx : yy, min = c.bounds[along * 2], count = c.bounds[along * 2 + 1];
        for (let band = 0; band < bands; band++) {
          let ss = bytes ? 1 << (PRECISION_BITS - 1) : 0.0;
          for (let t = 0; t < count; t++) {
            const index = horizontal ? ((yy + offset) * w + min + t) : ((min + t) * w + xx);
            ss += src[index * bands + band] * k[along * c.ksize + t];
          }
          out[(yy * outW + xx) * bands + band] = bytes ? clip8(ss) : ss;
        }
      }
    }
    return out;
  }

  // ImagingResampleInner: a horizontal pass over the rows the vertical pass needs, then the vertical pass
  function resampleInner(src, w, h, bands, outW, outH, filter, box, bytes) {
    const needH = outW !== w || box[0] !== 0 || box[2] !== outW, needV = outH !== h || box[1] !== 0 || box[3] !== outH;
    const vert = coefficients(h, box[1], box[3], outH, filter);
    const first = vert.bounds[0], last = vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1];
    let data = src, width = w, height = h;
    if (needH) {
      const horiz = coefficients(w, box[0], box[2], outW, filter);
      for (let i = 0; i < outH; i++) vert.bounds[i * 2] -= first;
      data = resamplePass(src, w, h, bands, outW, horiz, true, first, last - first, bytes);
      width = outW;
      height = last - first;
    }
    if (needV) data = resamplePass(data, width, height, bands, outH, vert, false, 0, outH, bytes);
    return data === src ? src.slice() : data;
  }

  // Image.resize: the same size is a copy; very tall pictures go vertically first, then horizontally
  function resize(src, w, h, bands, outW, outH, filter, bytes) {
    if (outW === w && outH === h) return src.slice();
    if (h > w * 100 && outH < h) {
      const tall = resampleInner(src, w, h, bands, w, outH, filter, [0, 0, w, h], bytes);
      return resampleInner(tall, w, outH, bands, outW, outH, filter, [0, 0, w, outH], bytes);
    }
    return resampleInner(src, w, h, bands, outW, outH, filter, [0, 0, w, h], bytes);
  }

  // RGBA is resized with its colours multiplied by alpha (Pillow's "RGBa"), then divided again
  function premultiply(rgba) {
    const out = new Uint8Array(rgba.length);
    for (let i = 0; i < rgba.length; i += 4) {
      const a = rgba[i + 3];
      for (let c = 0; c < 3; c++) {
        const t = rgba[i + c] * a + 128;
        out[i + c] = ((t >> 8) + t) >> 8;
      }
      out[i + 3] = a;
    }
    return out;
  }
  function unpremultiply(rgba) {
    const out = new Uint8Array(rgba.length);
    for (let i = 0; i < rgba.length; i += 4) {
      const a = rgba[i + 3];
      for (let c = 0; c < 3; c++) out[i + c] = a === 255 || a === 0 ? rgba[i + c] : Math.min(255, Math.floor(255 * rgba[i + c] / a));
      out[i + 3] = a;
    }
    return out;
  }

  // Image.reduce(factor) of 8-bit RGBa: the mean of each factor x factor block, in Pillow's fixed point;
  // the blocks cut short at the right and bottom edges are averaged over what they hold
  function reduce(src, w, h, factor) {
    const outW = Math.ceil(w / factor), outH = Math.ceil(h / factor), out = new Uint8Array(outW * outH * 4);
    const multiplier = (count) => Math.trunc(f32(4294967296 / f32(count * 256)));
    for (let y = 0; y < outH; y++) {
      const rows = Math.min(factor, h - y * factor);
      for (let x = 0; x < outW; x++) {
        const cols = Math.min(factor, w - x * factor), count = rows * cols, m = multiplier(count);
        for (let band = 0; band < 4; band++) {
          let ss = Math.floor(count / 2);
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < cols; j++) ss += src[((y * factor + i) * w + x * factor + j) * 4 + band];
          }
          out[(y * outW + x) * 4 + band] = Math.floor(ss * m / 16777216);
        }
      }
    }
    return { data: out, w: outW, h: outH };
  }

  // -- load.py: the picture as grey levels ------------------------------------------------------------
  // load._shrink: an integer box reduction for huge pictures, then a box filter down to 512 pixels
  function shrink(rgba, w, h) {
    const factor = Math.floor(Math.max(w, h) / (2 * WORKING_SIZE));
    if (factor >= 2) {
      const reduced = reduce(premultiply(rgba), w, h, factor);
      rgba = unpremultiply(reduced.data);
      w = reduced.w;
      h = reduced.h;
    }
    const scale = WORKING_SIZE / Math.max(w, h);
    if (scale < 1) {
      const outW = Math.max(1, roundHalfEven(w * scale)), outH = Math.max(1, roundHalfEven(h * scale));
      rgba = unpremultiply(resize(premultiply(rgba), w, h, 4, outW, outH, FILTERS.box, true));
      w = outW;
      h = outH;
    }
    return { rgba, w, h };
  }

  // ITU-R 601 weights divided by 255, as float32 (load._LUMA)
  const LUMA = [f32(0.299 / 255), f32(0.587 / 255), f32(0.114 / 255)];

  // load.picture_to_grey: brightness in [0, 1]; transparent parts are shown over a backdrop that
  // contrasts with what is visible (white under dark strokes, black under light ones)
  function pictureToGrey(rgba, w, h) {
    const n = w * h, grey = new Float32Array(n);
    let transparent = false;
    for (let i = 0; i < n; i++) {
      grey[i] = f32(f32(f32(rgba[4 * i] * LUMA[0]) + f32(rgba[4 * i + 1] * LUMA[1])) + f32(rgba[4 * i + 2] * LUMA[2]));
      if (rgba[4 * i + 3] < 255) transparent = true;
    }
    if (transparent) {
      const alpha = new Float32Array(n), seen = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        alpha[i] = f32(rgba[4 * i + 3] * f32(1 / 255));
        seen[i] = f32(grey[i] * alpha[i]);
      }
      const backdrop = sum32(seen) / Math.max(sum32(alpha), 1e-6) < 0.5 ? 1.0 : 0.0;
      for (let i = 0; i < n; i++) grey[i] = f32(seen[i] + f32(f32(1.0 - alpha[i]) * backdrop));
    }
    return image(h, w, grey);
  }

  // load.load_grey for a canvas ImageData (or anything with width, height and RGBA bytes in data)
  function loadGrey(picture) {
    const w = picture.width, h = picture.height;
    if (!(w >= 1 && h >= 1)) throw new Error(`the picture has no pixels (${w}x${h})`);
    if (w * h > MAX_PIXELS) {
      throw new Error(`the picture is ${w}x${h} pixels, more than the ${MAX_PIXELS / 1e6} megapixels allowed; shrink it first`);
    }
    const small = shrink(picture.data, w, h);
    return pictureToGrey(small.rgba, small.w, small.h);
  }

  // -- ink.py: paper, ink, and only the digit ---------------------------------------------------------
  function blockSide(h, w, blocks = 12) {
    return Math.max(2, Math.ceil(Math.min(h, w) / blocks));
  }

  // ink.sorted_blocks: the sorted pixels of each b x b block (smaller at the right and bottom edges)
  function sortedBlocks(grey, b) {
    const ny = Math.ceil(grey.h / b), nx = Math.ceil(grey.w / b), blocks = [];
    for (let by = 0; by < ny; by++) {
      for (let bx = 0; bx < nx; bx++) {
        const y1 = Math.min((by + 1) * b, grey.h), x1 = Math.min((bx + 1) * b, grey.w);
        const values = new Float32Array((y1 - by * b) * (x1 - bx * b));
        let k = 0;
        for (let y = by * b; y < y1; y++) for (let x = bx * b; x < x1; x++) values[k++] = grey.data[y * grey.w + x];
        blocks.push(values.sort());
      }
    }
    return blocks;
  }

  // ink._sorted_percentile: NumPy's "linear" percentile of sorted values, in float64
  function sortedPercentile(sorted, percentile) {
    const n = sorted.length, position = percentile / 100.0 * (n - 1);
    const below = Math.min(Math.floor(position), n - 1), above = Math.min(below + 1, n - 1), t = position - below;
    const low = sorted[below], high = sorted[above];
    return t < 0.5 ? low + (high - low) * t : high - (high - low) * (1 - t);
  }

  // Least squares by a singular value decomposition (one-sided Jacobi), with np.linalg.lstsq's cut-off
  // for tiny singular values: the minimum-norm solution of A x = b, A being m x n (rows of n). The
  // columns of A are rotated in pairs until they are orthogonal; they are then U times the singular
  // values, and the rotations make V.
  function leastSquares(A, b, m, n) {
    const U = [], V = [];
    for (let j = 0; j < n; j++) {
      U.push(Float64Array.from({ length: m }, (_, r) => A[r * n + j]));
      V.push(Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
    }
    const dot = (u, v) => { let s = 0; for (let r = 0; r < u.length; r++) s += u[r] * v[r]; return s; };
    const rotate = (u, v, c, s) => {
      for (let r = 0; r < u.length; r++) {
        const a = u[r], b = v[r];
        u[r] = c * a - s * b;
        v[r] = s * a + c * b;
      }
    };
    for (let sweep = 0; sweep < 60; sweep++) {
      let rotated = false;
      for (let p = 0; p < n - 1; p++) {
        for (let q = p + 1; q < n; q++) {
          const alpha = dot(U[p], U[p]), beta = dot(U[q], U[q]), gamma = dot(U[p], U[q]);
          if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
          rotated = true;
          const zeta = (beta - alpha) / (2 * gamma);
          const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          const c = 1 / Math.sqrt(1 + t * t);
          rotate(U[p], U[q], c, c * t);
          rotate(V[p], V[q], c, c * t);
        }
      }
      if (!rotated) break;
    }
    const sigma = U.map((u) => Math.sqrt(dot(u, u)));
    const cutoff = 2.220446049250313e-16 * Math.max(m, n) * Math.max(...sigma);
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      if (!(sigma[j] > cutoff)) continue;
      const scale = dot(U[j], b) / (sigma[j] * sigma[j]); // u_j = U[j] / sigma_j: x += (u_j . b) / sigma_j v_j
      for (let i = 0; i < n; i++) x[i] += scale * V[j][i];
    }
    return x;
  }

  // ink.estimate_paper: the paper's brightness under every pixel, a smooth quadratic surface fitted to
  // a percentile of each block by least absolute deviations (reweighted least squares)
  function estimatePaper(grey, percentile, ink, ordered) {
    const { h, w } = grey, b = blockSide(h, w), ny = Math.ceil(h / b), nx = Math.ceil(w / b);
    const levels = Float64Array.from(ordered, (block) => sortedPercentile(block, percentile));
    const constant = (value) => image(h, w, new Float32Array(h * w).fill(value));
    const count = levels.length, terms = new Float64Array(count * 6);
    for (let i = 0; i < ny; i++) {
      const y = (i + 0.5) * b / h * 2 - 1;
      for (let j = 0; j < nx; j++) {
        const x = (j + 0.5) * b / w * 2 - 1;
        terms.set([1, x, y, x * x, x * y, y * y], (i * nx + j) * 6);
      }
    }
    if (count < 12) return constant(median64(levels));
    let keep = new Array(count).fill(true), weights = new Float64Array(count).fill(1), coef = null;
    const off = new Float64Array(count);
    for (let iteration = 0; iteration < 8; iteration++) {
      const rows = [];
      keep.forEach((k, r) => { if (k) rows.push(r); });
      const A = new Float64Array(rows.length * 6), rhs = new Float64Array(rows.length);
      rows.forEach((r, i) => {
        const root = Math.sqrt(weights[r]);
        for (let t = 0; t < 6; t++) A[i * 6 + t] = terms[r * 6 + t] * root;
        rhs[i] = levels[r] * root;
      });
      coef = leastSquares(A, rhs, rows.length, 6);
      for (let r = 0; r < count; r++) {
        let fit = 0;
        for (let t = 0; t < 6; t++) fit += terms[r * 6 + t] * coef[t];
        off[r] = levels[r] - fit;
        weights[r] = 1.0 / Math.max(Math.abs(off[r]), 0.01);
      }
      if (ink !== null) {
        const spread = 2.5 * (1.4826 * median64(rows.map((r) => Math.abs(off[r]))) + 0.01);
        keep = Array.from(off, (o) => (ink === DARK ? o > -spread : o < spread));
        if (keep.filter(Boolean).length < 7) return constant(median64(levels));
      }
    }
    // c0 + c1 x + c2 y + c3 x^2 + c4 xy + c5 y^2, in float32 as ink.py evaluates it
    const c = coef, surface = image(h, w);
    const xs = Float32Array.from({ length: w }, (_, j) => (j + 0.5) / w * 2 - 1);
    for (let i = 0; i < h; i++) {
      const y = (i + 0.5) / h * 2 - 1, slope = f32(c[1] + c[4] * y), level = f32(c[0] + c[2] * y + c[5] * y * y);
      for (let j = 0; j < w; j++) {
        const v = f32(f32(f32(slope * xs[j]) + level) + f32(c[3] * xs[j] * xs[j]));
        surface.data[i * w + j] = Math.min(1, Math.max(0, v));
      }
    }
    return surface;
  }

  // ink.grain: a robust standard deviation of the pixel-to-pixel noise, from horizontal neighbours
  function grain(img) {
    if (img.w < 2) return 0.0;
    const steps = new Float32Array(img.h * (img.w - 1));
    for (let y = 0, k = 0; y < img.h; y++) {
      for (let x = 0; x + 1 < img.w; x++, k++) steps[k] = Math.abs(img.data[y * img.w + x + 1] - img.data[y * img.w + x]);
    }
    return median32(steps) / (0.6745 * Math.sqrt(2.0));
  }

  // ink.detect_ink: compare how much stands out from the paper on the dark side and on the light side
  function detectInk(grey, paper) {
    const n = grey.data.length, residual = new Float32Array(n);
    for (let i = 0; i < n; i++) residual[i] = grey.data[i] - paper.data[i];
    const floor = f32(3.0 * grain(grey) + 0.02), darker = new Float32Array(n), lighter = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      darker[i] = Math.max(f32(-residual[i] - floor), 0);
      lighter[i] = Math.max(f32(residual[i] - floor), 0);
    }
    const dark = sum32(darker), light = sum32(lighter);
    if (Math.max(dark, light) === 0) {
      throw new NoDigit("no digit found: nothing stands out from the background, which is blank or noise all over");
    }
    return dark >= light ? DARK : LIGHT;
  }

  // pipeline.find_ink: which way round (given, or found), then the paper on the far side from the ink
  function findInk(grey, ink = "auto") {
    const ordered = sortedBlocks(grey, blockSide(grey.h, grey.w));
    if (ink === "auto") ink = detectInk(grey, estimatePaper(grey, 50.0, null, ordered));
    else if (ink !== DARK && ink !== LIGHT) throw new Error(`unknown ink ${ink}; choose auto, dark or light`);
    return [ink, estimatePaper(grey, ink === DARK ? 80.0 : 20.0, ink, ordered)];
  }

  // ink.ink_contrast: the distance from the paper towards the ink, relative to the room there is
  function inkContrast(grey, paper, ink) {
    const out = image(grey.h, grey.w), least = f32(0.05);
    for (let i = 0; i < out.data.length; i++) {
      const g = grey.data[i], p = paper.data[i];
      const contrast = ink === DARK ? f32(p - g) : f32(g - p), room = ink === DARK ? Math.max(p, least) : Math.max(f32(1.0 - p), least);
      out.data[i] = contrast / room;
    }
    return out;
  }

  // geometry._square_window: combine (add, or keep the largest) each pixel's size x size square,
  // separably: along the columns of the padded picture first, then along the rows
  function squareWindow(img, size, add, edge) {
    if (size <= 1) return img;
    const r = Math.floor(size / 2), { h, w } = img, ph = h + 2 * r, pw = w + 2 * r;
    const padded = new Float32Array(ph * pw); // padded by r: with the edge repeated, or with zeros
    for (let y = 0; y < ph; y++) {
      const sy = y - r;
      if (!edge && (sy < 0 || sy >= h)) continue;
      const row = Math.min(h - 1, Math.max(0, sy)) * w;
      for (let x = 0; x < pw; x++) {
        const sx = x - r;
        if (edge) padded[y * pw + x] = img.data[row + Math.min(w - 1, Math.max(0, sx))];
        else if (sx >= 0 && sx < w) padded[y * pw + x] = img.data[row + sx];
      }
    }
    const rows = padded.slice(0, h * pw);
    for (let i = 1; i < size; i++) {
      for (let k = 0, o = i * pw; k < h * pw; k++) rows[k] = add ? rows[k] + padded[o + k] : Math.max(rows[k], padded[o + k]);
    }
    const out = image(h, w);
    for (let y = 0; y < h; y++) out.data.set(rows.subarray(y * pw, y * pw + w), y * w);
    for (let j = 1; j < size; j++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0, o = y * w, q = y * pw + j; x < w; x++) {
          out.data[o + x] = add ? out.data[o + x] + rows[q + x] : Math.max(out.data[o + x], rows[q + x]);
        }
      }
    }
    return out;
  }
  const maxFilter = (img, size) => squareWindow(img, size, false, false);
  function boxMean(img, size) {
    if (size <= 1) return img;
    const total = squareWindow(img, size, true, true), divisor = f32(size * size);
    for (let i = 0; i < total.data.length; i++) total.data[i] = total.data[i] / divisor;
    return total;
  }

  // ink.remove_background: take three standard deviations of grain (at least a few percent) off every
  // pixel, after averaging each pixel with its neighbours in a large picture
  function removeBackground(contrast) {
    if (Math.max(contrast.h, contrast.w) >= SMOOTH_ABOVE) contrast = boxMean(contrast, 3);
    const floor = Math.min(Math.max(3.0 * grain(contrast), MIN_CONTRAST / 2), 0.5);
    const amount = image(contrast.h, contrast.w), below = f32(floor), room = f32(1.0 - floor);
    for (let i = 0; i < amount.data.length; i++) {
      amount.data[i] = Math.min(1, Math.max(0, f32(f32(contrast.data[i] - below) / room)));
    }
    if (maxOf(amount.data) < f32(MIN_CONTRAST)) {
      throw new NoDigit("no digit found: the marks in the picture are too faint to be a digit");
    }
    return amount;
  }

  // components.component_labels: number the 8-connected pieces of a mask 1, 2, ... in the order of
  // each piece's first pixel, row by row (0 stays background)
  function componentLabels(mask, h, w) {
    const labels = new Int32Array(h * w);
    let count = 0;
    for (let start = 0; start < h * w; start++) {
      if (!mask[start] || labels[start]) continue;
      labels[start] = ++count;
      const stack = [start];
      while (stack.length) {
        const p = stack.pop(), y = Math.floor(p / w), x = p % w;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const ny = y + dy, nx = x + dx, q = ny * w + nx;
            if (ny >= 0 && ny < h && nx >= 0 && nx < w && mask[q] && !labels[q]) {
              labels[q] = count;
              stack.push(q);
            }
          }
        }
      }
    }
    return { labels, count };
  }

  // ink.keep_digit: find the strokes as connected pieces of clear ink on a coarse grid, keep the pieces
  // with at least 8% of the largest one's ink that do not come in from the picture's edge (the largest
  // always stays), and clear everything else
  function keepDigit(amount, minShare = 0.08, grid = 96) {
    const { h, w } = amount, pool = Math.max(1, Math.ceil(Math.max(h, w) / grid));
    const ph = Math.ceil(h / pool), pw = Math.ceil(w / pool), W = pw * pool;
    const padded = new Float32Array(ph * pool * W);
    for (let y = 0; y < h; y++) padded.set(amount.data.subarray(y * w, (y + 1) * w), y * W);
    // ink.pooled: each pool x pool block's largest value and its sum, block offsets in row-major order
    const strongest = new Float32Array(ph * pw), total = new Float32Array(ph * pw);
    for (let by = 0; by < ph; by++) {
      for (let bx = 0; bx < pw; bx++) {
        let best = padded[by * pool * W + bx * pool], sum = best;
        for (let p = 0; p < pool; p++) {
          for (let q = 0; q < pool; q++) {
            if (!(p || q)) continue;
            const v = padded[(by * pool + p) * W + bx * pool + q];
            best = Math.max(best, v);
            sum = f32(sum + v);
          }
        }
        strongest[by * pw + bx] = best;
        total[by * pw + bx] = sum;
      }
    }
    const clear = f32(0.35 * maxOf(amount.data)), inked = new Uint8Array(ph * pw);
    for (let i = 0; i < inked.length; i++) inked[i] = strongest[i] > clear ? 1 : 0;
    const { labels, count } = componentLabels(inked, ph, pw);
    const mass = new Float64Array(count + 1), edge = new Set();
    for (let i = 0; i < labels.length; i++) mass[labels[i]] += total[i];
    for (let x = 0; x < pw; x++) { edge.add(labels[x]); edge.add(labels[(ph - 1) * pw + x]); }
    for (let y = 0; y < ph; y++) { edge.add(labels[y * pw]); edge.add(labels[y * pw + pw - 1]); }
    let largest = 1;
    for (let k = 2; k <= count; k++) if (mass[k] > mass[largest]) largest = k;
    const keep = new Set();
    for (let k = 1; k <= count; k++) if (mass[k] >= minShare * mass[largest] && (!edge.has(k) || k === largest)) keep.add(k);
    const kept0 = image(ph, pw);
    for (let i = 0; i < labels.length; i++) kept0.data[i] = keep.has(labels[i]) ? 1 : 0;
    const mask = maxFilter(kept0, 3);
    const kept = image(h, w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) kept.data[y * w + x] = padded[y * W + x] * mask.data[Math.floor(y / pool) * pw + Math.floor(x / pool)];
    }
    return kept;
  }

  // np.percentile(values, 75) of float32 values: NumPy's linear interpolation, done in float32
  function percentile32(values, q) {
    const sorted = values.sort(), n = sorted.length, position = (n - 1) * (q / 100);
    if (position >= n - 1) return sorted[n - 1];
    const below = Math.floor(position), t = position - below, a = sorted[below], b = sorted[below + 1], d = f32(b - a);
    return t >= 0.5 ? f32(b - f32(d * f32(1 - t))) : f32(a + f32(d * f32(t)));
  }

  // ink.normalise_contrast: stretch so the typical stroke pixel (75th percentile of clear ink) is full ink
  function normaliseContrast(amount) {
    const top0 = maxOf(amount.data), clear = f32(0.25 * top0), strokes = amount.data.filter((v) => v > clear);
    const top = strokes.length ? percentile32(strokes, 75) : top0, divisor = f32(Math.max(top, 1e-6));
    const out = image(amount.h, amount.w);
    for (let i = 0; i < out.data.length; i++) out.data[i] = Math.min(1, Math.max(0, amount.data[i] / divisor));
    return out;
  }

  // ink.stroke_width: twice the ink's area over the length of its outline
  function strokeWidth(amount) {
    const { h, w, data } = amount, solid = new Uint8Array(h * w);
    for (let k = 0; k < solid.length; k++) solid[k] = data[k] > 0.5 ? 1 : 0;
    let outline = 0;
    for (let k = 0; k + w < h * w; k++) outline += solid[k] ^ solid[k + w];
    for (let y = 0; y < h; y++) for (let k = y * w; k + 1 < (y + 1) * w; k++) outline += solid[k] ^ solid[k + 1];
    return 2.0 * sum32(data) / Math.max(outline, 1);
  }

  // geometry.ink_box: [top, bottom, left, right) of the nonzero pixels
  function inkBox(img) {
    let top = img.h, bottom = -1, left = img.w, right = -1;
    for (let y = 0; y < img.h; y++) {
      for (let x = 0; x < img.w; x++) {
        if (img.data[y * img.w + x] !== 0) {
          top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x);
        }
      }
    }
    if (bottom < 0) throw new NoDigit("no digit found: no ink");
    return [top, bottom + 1, left, right + 1];
  }

  // ink.normalise_thickness: widen strokes thinner than about MNIST's (1.4 of 1.8 pixels in the 20-pixel
  // box) by a maximum filter; thick strokes are left alone
  function normaliseThickness(amount, box = 20) {
    if (!amount.data.some((v) => v !== 0)) return amount;
    const [top, bottom, left, right] = inkBox(amount), extent = Math.max(bottom - top, right - left);
    const widthInBox = strokeWidth(amount) * box / extent;
    if (widthInBox >= 1.4 / 1.8 * MNIST_STROKE * box) return amount;
    const grow = (MNIST_STROKE * box - widthInBox) * extent / box, size = 1 + 2 * roundHalfEven(grow / 2);
    return size > 1 ? maxFilter(amount, size) : amount;
  }

  // -- geometry.py: crop, fit in 20x20, centre by mass in 28x28 ---------------------------------------
  function cropToInk(amount) {
    const [top, bottom, left, right] = inkBox(amount), out = image(bottom - top, right - left);
    for (let y = top; y < bottom; y++) out.data.set(amount.data.subarray(y * amount.w + left, y * amount.w + right), (y - top) * out.w);
    return out;
  }

  function fitInBox(crop, box = 20) {
    const scale = box / Math.max(crop.h, crop.w);
    const w = Math.max(1, roundHalfEven(crop.w * scale)), h = Math.max(1, roundHalfEven(crop.h * scale));
    const data = resize(crop.data, crop.w, crop.h, 1, w, h, FILTERS.bilinear, false);
    for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, data[i]));
    return image(h, w, data);
  }

  function centreByMass(digit, side = 28, centre = MNIST_CENTRE) {
    const { h, w } = digit, total = sum32(digit.data);
    const byRow = new Float64Array(h * w), byColumn = new Float64Array(h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        byRow[y * w + x] = y * digit.data[y * w + x];
        byColumn[y * w + x] = x * digit.data[y * w + x];
      }
    }
    const comR = total ? sum64(byRow) / total : (h - 1) / 2, comC = total ? sum64(byColumn) / total : (w - 1) / 2;
    const top = Math.min(Math.max(roundHalfEven(centre[0] - comR), 0), side - h);
    const left = Math.min(Math.max(roundHalfEven(centre[1] - comC), 0), side - w);
    const field = image(side, side);
    for (let y = 0; y < h; y++) field.data.set(digit.data.subarray(y * w, (y + 1) * w), (top + y) * side + left);
    return field;
  }

  // geometry.to_bytes: floats in [0, 1] as MNIST's bytes, rounded half to even like np.round
  function toBytes(img) {
    const bytes = new Uint8Array(img.data.length);
    for (let i = 0; i < bytes.length; i++) bytes[i] = roundHalfEven(f32(Math.min(1, Math.max(0, img.data[i])) * 255.0));
    return bytes;
  }

  // -- pipeline.prepare -------------------------------------------------------------------------------
  // `picture` is a canvas ImageData (or {width, height, data} with RGBA bytes). Returns the 28x28 image
  // as 784 bytes (ink bright), the ink's side, and, with keepSteps, the images between the steps.
  // A picture with nothing that could be a digit throws a NoDigit error, whose message says so.
  function prepare(picture, { ink = "auto", keepSteps = false } = {}) {
    const steps = {};
    const grey = loadGrey(picture);
    const [side, paper] = findInk(grey, ink);
    if (keepSteps) Object.assign(steps, { grey, paper });
    let amount = removeBackground(inkContrast(grey, paper, side));
    amount = keepDigit(amount);
    if (keepSteps) steps.cleaned = amount;
    amount = normaliseThickness(normaliseContrast(amount));
    if (keepSteps) steps.normalised = amount;
    const boxed = fitInBox(cropToInk(amount));
    if (keepSteps) steps.boxed = boxed;
    return { image: toBytes(centreByMass(boxed)), ink: side, steps };
  }

  root.digitnetPrepare = {
    prepare, NoDigit, loadGrey, findInk, inkContrast, removeBackground, keepDigit, normaliseContrast,
    normaliseThickness, cropToInk, fitInBox, centreByMass, toBytes, resize, reduce, sum32, sum64, roundHalfEven,
  };
})(globalThis);

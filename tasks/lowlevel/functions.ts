/**
 * The lab's low-level building blocks of a CNN, written as plain stand-alone functions on nested
 * host arrays, without the toolkit: convolution with a filter stack, ReLU, max pooling,
 * per-feature-map normalisation, a fully connected layer and softmax. Loops are spelled out so
 * each function reads like its textbook definition; `deno task lowlevel` checks them against
 * hand-computed examples and against the toolkit's ops.
 * @module
 */

/** Feature maps as `maps[row][col][channel]` (height × width × channels, like NHWC). */
export type Maps = number[][][];

/** A filter stack as `filters[k][row][col][channel]`: K filters of F×F×C each. */
export type FilterStack = number[][][][];

/** [height, width, channels] of a map stack; throws on ragged input. */
export function mapsShape(maps: Maps): [number, number, number] {
  const h = maps.length, w = maps[0]?.length ?? 0, c = maps[0]?.[0]?.length ?? 0;
  for (const row of maps) {
    if (row.length !== w) throw new Error(`maps: ragged rows (${row.length} vs ${w})`);
    for (const px of row) {
      if (px.length !== c) throw new Error(`maps: ragged channels (${px.length} vs ${c})`);
    }
  }
  return [h, w, c];
}

/** A height × width × channels stack filled by `f(row, col, channel)`. */
export function makeMaps(
  h: number,
  w: number,
  c: number,
  f: (r: number, q: number, ch: number) => number,
): Maps {
  return Array.from(
    { length: h },
    (_, r) =>
      Array.from({ length: w }, (_, q) => Array.from({ length: c }, (_, ch) => f(r, q, ch))),
  );
}

/**
 * Multi-channel convolution (cross-correlation, as in CNNs) of `image` (H×W×C) with K filters
 * of F×F×C, "same" zero padding, stride 1: output H×W×K where
 * `out[r][q][k] = bias[k] + Σ_{i,j,c} image[r+i−p][q+j−p][c] · filters[k][i][j][c]`, p = (F−1)/2.
 * F must be odd so the filter has a centre pixel.
 * Example: a 1×1 filter [[[[2]]]] doubles a one-channel image.
 */
export function convolve(image: Maps, filters: FilterStack, bias?: number[]): Maps {
  const [h, w, c] = mapsShape(image);
  const k = filters.length;
  if (k === 0) throw new Error("convolve: empty filter stack");
  const f = filters[0].length;
  if (f % 2 !== 1) throw new Error(`convolve: filter size ${f} must be odd for same padding`);
  for (const [n, filt] of filters.entries()) {
    const [fh, fw, fc] = mapsShape(filt);
    if (fh !== f || fw !== f || fc !== c) {
      throw new Error(`convolve: filter ${n} is ${fh}×${fw}×${fc}, expected ${f}×${f}×${c}`);
    }
  }
  if (bias && bias.length !== k) throw new Error(`convolve: ${bias.length} biases for ${k}`);
  const p = (f - 1) / 2;
  return makeMaps(h, w, k, (r, q, kk) => {
    let s = bias?.[kk] ?? 0;
    for (let i = 0; i < f; i++) {
      const y = r + i - p;
      if (y < 0 || y >= h) continue; // zero padding contributes nothing
      for (let j = 0; j < f; j++) {
        const x = q + j - p;
        if (x < 0 || x >= w) continue;
        for (let ch = 0; ch < c; ch++) s += image[y][x][ch] * filters[kk][i][j][ch];
      }
    }
    return s;
  });
}

/** max(0, v) on every value. Example: `relu([[[-1, 2]]])` → `[[[0, 2]]]`. */
export function relu(maps: Maps): Maps {
  return maps.map((row) => row.map((px) => px.map((v) => Math.max(0, v))));
}

/** Output side of a pooling window of extent F and stride S over W: (W − F)/S + 1. */
export function poolOutputSize(w: number, f: number, s: number): number {
  if (!(f >= 1 && s >= 1 && f <= w)) {
    throw new Error(`pool: extent ${f}, stride ${s} do not fit a side of ${w}`);
  }
  if ((w - f) % s !== 0) {
    // The lab's formula assumes the windows tile the map exactly; a remainder would be dropped.
    throw new Error(`pool: (W − F)/S = (${w} − ${f})/${s} is not a whole number`);
  }
  return (w - f) / s + 1;
}

/**
 * Max pooling with extent F and stride S, per channel, no padding: output
 * ((H−F)/S+1) × ((W−F)/S+1) × C. Example: `maxPool(m, 2, 2)` halves a 4×4 map.
 */
export function maxPool(maps: Maps, f: number, s: number): Maps {
  const [h, w, c] = mapsShape(maps);
  const oh = poolOutputSize(h, f, s), ow = poolOutputSize(w, f, s);
  return makeMaps(oh, ow, c, (r, q, ch) => {
    let m = -Infinity;
    for (let i = 0; i < f; i++) {
      for (let j = 0; j < f; j++) m = Math.max(m, maps[r * s + i][q * s + j][ch]);
    }
    return m;
  });
}

/**
 * Normalises each feature map (channel) on its own to mean 0 and standard deviation 1 over its
 * H×W values: (v − μ)/σ with the population σ (divide by H·W). A constant map (σ = 0) has no
 * scale to divide by and becomes all zeros.
 */
export function normalizeMaps(maps: Maps): Maps {
  const [h, w, c] = mapsShape(maps);
  const mu = new Array<number>(c).fill(0), sigma = new Array<number>(c).fill(0);
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (const row of maps) for (const px of row) s += px[ch];
    mu[ch] = s / (h * w);
    let v = 0;
    for (const row of maps) for (const px of row) v += (px[ch] - mu[ch]) ** 2;
    sigma[ch] = Math.sqrt(v / (h * w));
  }
  return maps.map((row) =>
    row.map((px) => px.map((v, ch) => (sigma[ch] > 0 ? (v - mu[ch]) / sigma[ch] : 0)))
  );
}

/** A function's output as its shape and its values in row, column, channel order. */
export interface Output {
  shape: number[];
  values: number[];
}

/** The output of a map-valued function (its [H, W, C] shape) or of a vector-valued one. */
export function outputOf(m: Maps | number[]): Output {
  return typeof m[0] === "number"
    ? { shape: [m.length], values: m as number[] }
    : { shape: mapsShape(m as Maps), values: (m as Maps).flat(2) };
}

/** The maps as one vector in row, column, channel order (what a Keras Flatten gives on NHWC). */
export function flatten(maps: Maps): number[] {
  return maps.flat(2);
}

/**
 * Fully connected layer on the flattened maps: `out[j] = bias[j] + Σ_i x[i] · weights[i][j]`,
 * weights stored inputs × outputs like a Keras Dense kernel.
 */
export function fullyConnected(maps: Maps, weights: number[][], bias: number[]): number[] {
  const x = flatten(maps);
  if (weights.length !== x.length) {
    throw new Error(`fullyConnected: ${x.length} inputs but ${weights.length} weight rows`);
  }
  return bias.map((b, j) => {
    let s = b;
    for (let i = 0; i < x.length; i++) s += x[i] * weights[i][j];
    return s;
  });
}

/**
 * Softmax e^{v_i} / Σ_j e^{v_j}. The maximum is subtracted first: it cancels in the ratio and
 * keeps e^v from overflowing for large scores.
 */
export function softmax(v: number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

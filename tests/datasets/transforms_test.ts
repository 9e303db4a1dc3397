import assert from "node:assert/strict";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import {
  augment,
  augmentDraw,
  type AugmentOptions,
  augmentTensor,
  channelNormalizer,
  flipHorizontal,
  meanImage,
  symmetricEigen,
  zcaWhitener,
} from "../../datasets/transforms.ts";

function randomImages(n: number, hwc: number[], seed: number, mean = 0, std = 1): Float32Array {
  const rng = new Rng(seed);
  const size = n * hwc.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, () => mean + std * rng.normal());
}

/** Per-channel mean and (population) std of NHWC data with `c` channels. */
function channelStats(x: Float32Array, c: number): { mean: number[]; std: number[] } {
  const m = new Array(c).fill(0);
  const s = new Array(c).fill(0);
  const count = x.length / c;
  for (let i = 0; i < x.length; i++) m[i % c] += x[i] / count;
  for (let i = 0; i < x.length; i++) s[i % c] += (x[i] - m[i % c]) ** 2 / count;
  return { mean: m, std: s.map(Math.sqrt) };
}

Deno.test("meanImage: the per-pixel training mean, subtracted from any split", async () => {
  // Three 1×2×2 images (H=1, W=2, C=2).
  const train = Float32Array.of(1, 2, 3, 4, 3, 2, 1, 0, 5, 8, 2, 2);
  const m = meanImage(train, [3, 1, 2, 2]);
  assert.deepEqual([...m.mean], [3, 4, 2, 2]);
  assert.deepEqual([...m.apply(train)], [-2, -2, 1, 2, 0, -2, -1, -2, 2, 4, 0, 0]);
  const test = Float32Array.of(3, 4, 2, 2, 10, 10, 10, 10);
  assert.deepEqual([...m.apply(test)], [0, 0, 0, 0, 7, 6, 8, 8]);
  assert.deepEqual([...m.mean], [3, 4, 2, 2], "applying must not re-fit");
  const t = await m.applyTensor(tensor(test, [2, 1, 2, 2]));
  assert.deepEqual(t.shape, [2, 1, 2, 2]);
  assert.deepEqual([...t.dataSync()], [0, 0, 0, 0, 7, 6, 8, 8]);
  t.dispose();
  assert.throws(() => m.apply(new Float32Array(5)), /5 values are not whole samples of \[1,2,2\]/);
  assert.throws(() => meanImage(train, [4, 1, 2, 2]), RangeError);
});

Deno.test("channelNormalizer: train → mean 0, std 1 per channel; test uses train statistics", async () => {
  const hwc = [4, 4, 3];
  const rng = new Rng(3);
  const shift = [10, -3, 0.5];
  const spread = [2, 0.1, 5];
  const train = Float32Array.from(
    { length: 60 * 48 },
    (_, i) => shift[i % 3] + spread[i % 3] * rng.normal(),
  );
  const norm = channelNormalizer(train, [60, ...hwc]);
  const fittedMean = [...norm.mean];
  const fittedStd = [...norm.std];
  for (let k = 0; k < 3; k++) {
    assert.ok(Math.abs(fittedMean[k] - shift[k]) < 0.1 * spread[k]);
    assert.ok(Math.abs(fittedStd[k] / spread[k] - 1) < 0.1);
  }
  const z = channelStats(norm.apply(train), 3);
  for (let k = 0; k < 3; k++) {
    assert.ok(Math.abs(z.mean[k]) < 1e-5, `train channel ${k} mean ${z.mean[k]}`);
    assert.ok(Math.abs(z.std[k] - 1) < 1e-5, `train channel ${k} std ${z.std[k]}`);
  }
  // A test set from another distribution keeps its offset: statistics are not re-fitted.
  const test = randomImages(30, hwc, 9, 20, 1);
  const out = norm.apply(test);
  for (let i = 0; i < test.length; i += 97) {
    const k = i % 3;
    assert.ok(Math.abs(out[i] - (test[i] - fittedMean[k]) / fittedStd[k]) < 1e-4);
  }
  const zt = channelStats(out, 3);
  assert.ok(Math.abs(zt.mean[0] - (20 - fittedMean[0]) / fittedStd[0]) < 0.2, `${zt.mean[0]}`);
  assert.ok(zt.mean[0] > 4, "test set was normalised with its own mean");
  assert.deepEqual([...norm.mean], fittedMean);
  assert.deepEqual([...norm.std], fittedStd);
  const t = await norm.applyTensor(tensor(test, [30, ...hwc]));
  assert.deepEqual(t.dataSync(), out);
  t.dispose();
  // A constant channel is centred, not divided by zero.
  const flat = channelNormalizer(Float32Array.of(1, 5, 1, 7), [2, 1, 1, 2]);
  assert.deepEqual([...flat.apply(Float32Array.of(1, 5, 2, 7))], [0, -1, 1, 1]);
});

Deno.test("symmetricEigen: exact 2×2, and A·v = λ·v with orthonormal v for a random 9×9", () => {
  const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
  assert.ok(Math.abs(values[0] - 3) < 1e-14 && Math.abs(values[1] - 1) < 1e-14);
  assert.ok(Math.abs(Math.abs(vectors[0]) - Math.SQRT1_2) < 1e-14);
  assert.ok(Math.abs(vectors[0] - vectors[2]) < 1e-14, "eigenvector of 3 is ±(1, 1)/√2");
  const d = 9;
  const rng = new Rng(11);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = rng.normal();
  }
  const e = symmetricEigen(a, d);
  for (let k = 0; k < d; k++) {
    if (k > 0) assert.ok(e.values[k] <= e.values[k - 1], "sorted largest first");
    for (let i = 0; i < d; i++) {
      let av = 0;
      for (let j = 0; j < d; j++) av += a[i * d + j] * e.vectors[j * d + k];
      assert.ok(Math.abs(av - e.values[k] * e.vectors[i * d + k]) < 1e-10);
    }
    for (let l = 0; l < d; l++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += e.vectors[i * d + k] * e.vectors[i * d + l];
      assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-12);
    }
  }
  let trace = 0;
  for (let i = 0; i < d; i++) trace += a[i * d + i];
  assert.ok(Math.abs(e.values.reduce((x, y) => x + y, 0) - trace) < 1e-10);
});

Deno.test("zcaWhitener: whitened training data has identity covariance", async () => {
  const n = 200;
  const d = 16; // 4×4×1 images
  const rng = new Rng(5);
  // Strongly correlated pixels: x = M·z + b with z white.
  const m = Float64Array.from({ length: d * d }, () => rng.normal());
  const x = new Float32Array(n * d);
  const z = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < d; j++) z[j] = rng.normal();
    for (let i = 0; i < d; i++) {
      let v = 3 + i;
      for (let j = 0; j < d; j++) v += m[i * d + j] * z[j];
      x[s * d + i] = v;
    }
  }
  const cov = (data: Float32Array) => {
    const mean = new Float64Array(d);
    for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) mean[j] += data[s * d + j] / n;
    const c = new Float64Array(d * d);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          c[i * d + j] += (data[s * d + i] - mean[i]) * (data[s * d + j] - mean[j]) / n;
        }
      }
    }
    return c;
  };
  const before = cov(x);
  assert.ok(Math.abs(before[1]) > 1, "fixture is not correlated");
  const zca = zcaWhitener(x, [n, 4, 4, 1], { epsilon: 1e-8 });
  const white = cov(zca.apply(x));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      assert.ok(Math.abs(white[i * d + j] - (i === j ? 1 : 0)) < 1e-3, `cov[${i}][${j}]`);
    }
  }
  // ZCA (unlike PCA whitening) keeps the data close to the original: W is symmetric.
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) assert.equal(zca.matrix[i * d + j], zca.matrix[j * d + i]);
  }
  // A larger epsilon shrinks low-variance directions: variances fall below 1.
  const soft = cov(zcaWhitener(x, [n, 4, 4, 1], { epsilon: 1 }).apply(x));
  assert.ok(soft[0] < 0.99);
  // Test data goes through the training mean and W unchanged.
  const meanBefore = [...zca.mean];
  const test = randomImages(10, [4, 4, 1], 8);
  const t = await zca.applyTensor(tensor(test, [10, 4, 4, 1]));
  assert.deepEqual(t.dataSync(), zca.apply(test));
  assert.deepEqual([...zca.mean], meanBefore);
  t.dispose();
});

const base: AugmentOptions = { seed: 42, counter: 0 };

Deno.test("augment: padding 0 without flip is the identity; flipping twice is too", () => {
  const x = randomImages(5, [3, 4, 2], 1);
  const shape = [5, 3, 4, 2];
  assert.deepEqual(augment(x, shape, { ...base, padding: 0, flip: false }), x);
  const f = flipHorizontal(x, shape);
  assert.notDeepEqual(f, x);
  assert.deepEqual(flipHorizontal(f, shape), x);
  // First row of sample 0 mirrored: pixel (0, 0) ↔ (0, 3), channels kept together.
  assert.deepEqual([...f.subarray(0, 2)], [...x.subarray(6, 8)]);
  // The same random flips applied twice also undo each other (same draws both times).
  const opts = { ...base, flip: true };
  const once = augment(x, shape, opts);
  assert.notDeepEqual(once, x);
  assert.deepEqual(augment(once, shape, opts), x);
});

Deno.test("augment: a one-hot pixel moves by the drawn offset (and mirrors when flipped)", () => {
  const [n, h, w, c] = [64, 7, 6, 2];
  const x = new Float32Array(n * h * w * c);
  const [py, px] = [2, 3];
  for (let s = 0; s < n; s++) x[((s * h + py) * w + px) * c + 1] = 1;
  for (const flip of [false, true]) {
    const opts = { ...base, padding: 3, flip, counter: 5 };
    const out = augment(x, [n, h, w, c], opts);
    const seen = new Set<string>();
    let flips = 0;
    for (let s = 0; s < n; s++) {
      const { dy, dx, flip: f } = augmentDraw(s, opts);
      assert.ok(Math.abs(dy) <= 3 && Math.abs(dx) <= 3);
      seen.add(`${dy},${dx}`);
      flips += f ? 1 : 0;
      const y = py + dy;
      const xo = f ? w - 1 - (px + dx) : px + dx;
      const img = out.subarray(s * h * w * c, (s + 1) * h * w * c);
      const sum = img.reduce((a, b) => a + b, 0);
      if (y >= 0 && y < h && xo >= 0 && xo < w) {
        assert.equal(img[(y * w + xo) * c + 1], 1, `sample ${s}: not at (${y}, ${xo})`);
        assert.equal(sum, 1);
      } else {
        assert.equal(sum, 0, `sample ${s}: pixel shifted out must leave zeros`);
      }
    }
    assert.ok(seen.size > 20, "offsets do not vary");
    if (flip) assert.ok(flips > 16 && flips < 48, `${flips} of 64 flipped`);
    else assert.equal(flips, 0);
  }
});

Deno.test("augment: same seed and counter same result; another counter or seed differs", async () => {
  const x = randomImages(16, [8, 8, 3], 2);
  const shape = [16, 8, 8, 3];
  const opts = { padding: 2, flip: true, seed: 7, counter: 3 };
  const a = augment(x, shape, opts);
  assert.deepEqual(augment(x, shape, { ...opts }), a);
  assert.notDeepEqual(augment(x, shape, { ...opts, counter: 4 }), a);
  assert.notDeepEqual(augment(x, shape, { ...opts, seed: 8 }), a);
  // Batches drawn with `first` reproduce the whole epoch.
  const size = 8 * 8 * 3;
  const lo = augment(x.subarray(0, 6 * size), [6, 8, 8, 3], opts);
  const hi = augment(x.subarray(6 * size), [10, 8, 8, 3], { ...opts, first: 6 });
  assert.deepEqual(Float32Array.from([...lo, ...hi]), a);
  const t = await augmentTensor(tensor(x, shape), opts);
  assert.deepEqual(t.shape, shape);
  assert.deepEqual(t.dataSync(), a);
  t.dispose();
  assert.throws(() => augment(x, [16, 8, 24], opts), /expected NHWC data/);
  assert.throws(() => augment(x, shape, { ...opts, padding: -1 }), /padding must be/);
});

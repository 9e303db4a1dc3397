import assert from "node:assert/strict";
import { Rng } from "../../kernels/random.ts";
import {
  circle,
  circles,
  circlesPoints,
  gauss,
  playground,
  PLAYGROUND_FEATURES,
  playgroundFeatures,
  type PlaygroundKind,
  playgroundPoints,
  spiral,
  type ToyData,
  xor,
} from "../../datasets/toy.ts";

const KINDS: PlaygroundKind[] = ["circle", "xor", "gauss", "spiral"];

function dispose(d: ToyData): void {
  d.train.x.dispose();
  d.test.x.dispose();
}

const radius = (p: Float32Array, i: number) => Math.hypot(p[2 * i], p[2 * i + 1]);
const count = (y: Int32Array, v: number) => y.reduce((a, b) => a + (b === v ? 1 : 0), 0);

Deno.test("toy sets: same seed same data, another seed other data", () => {
  for (const kind of KINDS) {
    const a = playground(kind, { seed: 7, noise: 0.2 });
    const b = playground(kind, { seed: 7, noise: 0.2 });
    const c = playground(kind, { seed: 8, noise: 0.2 });
    assert.deepEqual(a.train.points, b.train.points, kind);
    assert.deepEqual(a.test.y, b.test.y, kind);
    assert.deepEqual(a.train.x.dataSync(), b.train.x.dataSync(), kind);
    assert.notDeepEqual(a.train.points, c.train.points, kind);
    [a, b, c].forEach(dispose);
  }
  const r1 = circles({ seed: 1 });
  const r2 = circles({ seed: 2 });
  assert.notDeepEqual(r1.train.points, r2.train.points);
  [r1, r2].forEach(dispose);
});

Deno.test("toy sets: sizes, train ratio, shapes, labels 0/1, balanced classes", () => {
  for (const kind of KINDS) {
    const d = playground(kind, { n: 400, trainRatio: 0.7, seed: 3 });
    assert.equal(d.train.y.length, 280, kind);
    assert.equal(d.test.y.length, 120, kind);
    assert.deepEqual(d.train.x.shape, [280, 2]);
    assert.deepEqual(d.test.x.shape, [120, 2]);
    assert.deepEqual(d.features, ["x1", "x2"]);
    const all = Int32Array.from([...d.train.y, ...d.test.y]);
    assert.ok(all.every((v) => v === 0 || v === 1), kind);
    const ones = count(all, 1);
    // Exactly half by construction except xor, whose labels follow uniform quadrants.
    if (kind === "xor") assert.ok(ones > 160 && ones < 240, `xor: ${ones} of 400`);
    else assert.equal(ones, 200, kind);
    // The shuffle mixes classes into both splits (not class 1 first).
    assert.ok(count(d.test.y, 1) > 30 && count(d.test.y, 0) > 30, kind);
    dispose(d);
  }
  const c = circles({ n: 300, trainRatio: 1 / 3 });
  assert.deepEqual([c.train.y.length, c.test.y.length], [100, 200]);
  assert.equal(count(Int32Array.from([...c.train.y, ...c.test.y]), 1), 150);
  dispose(c);
});

Deno.test("circle without noise: every class-1 point lies inside every class-0 point", () => {
  const { points, labels, n } = playgroundPoints("circle", 500, 0, new Rng(4));
  let maxIn = 0;
  let minOut = Infinity;
  for (let i = 0; i < n; i++) {
    const r = radius(points, i);
    if (labels[i] === 1) maxIn = Math.max(maxIn, r);
    else minOut = Math.min(minOut, r);
  }
  assert.ok(maxIn < 2.5 && minOut >= 3.5 - 1e-6 && minOut > maxIn, `${maxIn} / ${minOut}`);
  assert.ok(Math.max(...Array.from({ length: n }, (_, i) => radius(points, i))) <= 5 + 1e-6);
  // With noise some labels flip relative to the radius rule, as in the Playground.
  const noisy = playgroundPoints("circle", 500, 0.5, new Rng(4));
  let flipped = 0;
  for (let i = 0; i < 500; i++) {
    flipped += (radius(noisy.points, i) < 2.5 ? 1 : 0) ^ noisy.labels[i];
  }
  assert.ok(flipped > 10, `only ${flipped} labels flipped at noise 0.5`);
});

Deno.test("xor without noise: label 1 exactly where sign(x1)·sign(x2) > 0, away from the axes", () => {
  const d = xor({ n: 600, seed: 5 });
  for (const s of [d.train, d.test]) {
    for (let i = 0; i < s.y.length; i++) {
      const [x, y] = [s.points[2 * i], s.points[2 * i + 1]];
      assert.equal(s.y[i], Math.sign(x) * Math.sign(y) > 0 ? 1 : 0);
      assert.ok(Math.abs(x) >= 0.3 - 1e-6 && Math.abs(x) <= 5.3 + 1e-6);
      assert.ok(Math.abs(y) >= 0.3 - 1e-6);
    }
  }
  dispose(d);
});

Deno.test("gauss: class means near (2, 2) and (−2, −2); noise widens the blobs", () => {
  const spread = (noise: number) => {
    const { points, labels, n } = playgroundPoints("gauss", 2000, noise, new Rng(6));
    const sum = [[0, 0], [0, 0]];
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      sum[c][0] += points[2 * i];
      sum[c][1] += points[2 * i + 1];
      const m = c === 1 ? 2 : -2;
      sq += (points[2 * i] - m) ** 2;
    }
    const mean = sum.map(([a, b]) => [a / (n / 2), b / (n / 2)]);
    return { mean, variance: sq / n };
  };
  const quiet = spread(0);
  for (const v of quiet.mean[1]) assert.ok(Math.abs(v - 2) < 0.1, `class 1 mean ${v}`);
  for (const v of quiet.mean[0]) assert.ok(Math.abs(v + 2) < 0.1, `class 0 mean ${v}`);
  assert.ok(Math.abs(quiet.variance - 0.5) < 0.06, `variance ${quiet.variance} at noise 0`);
  const loud = spread(0.5);
  assert.ok(Math.abs(loud.variance - 4) < 0.4, `variance ${loud.variance} at noise 0.5`);
  const g = gauss();
  dispose(g);
});

Deno.test("spiral: two arms, point-symmetric about the origin, radius growing to 5", () => {
  const { points, labels, n } = playgroundPoints("spiral", 200, 0, new Rng(1));
  // Arm 0 (class 1) is points 0..99, arm 1 its rotation by π: (x, y) → (−x, −y).
  for (let i = 0; i < 100; i++) {
    assert.equal(labels[i], 1);
    assert.equal(labels[100 + i], 0);
    assert.ok(Math.abs(points[2 * i] + points[2 * (100 + i)]) < 1e-5);
    assert.ok(Math.abs(points[2 * i + 1] + points[2 * (100 + i) + 1]) < 1e-5);
    assert.ok(Math.abs(radius(points, i) - (i / 100) * 5) < 1e-5);
  }
  assert.equal(n, 200);
  const s = spiral({ noise: 0.3 });
  dispose(s);
});

Deno.test("circles (RDFIA): inner class at radius ~factor, outer ~1", () => {
  const { points, labels, n } = circlesPoints(1000, 0, 0.4, new Rng(2));
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(radius(points, i) - (labels[i] === 1 ? 0.4 : 1)) < 1e-6);
  }
  const noisy = circlesPoints(1000, 0.15, 0.5, new Rng(2));
  let wrongSide = 0;
  for (let i = 0; i < 1000; i++) {
    wrongSide += (radius(noisy.points, i) < 0.75 ? 1 : 0) ^ noisy.labels[i];
  }
  // The overlap that keeps a small net near the reported 94%: a few percent, not zero.
  assert.ok(wrongSide > 5 && wrongSide < 150, `${wrongSide} of 1000 across the boundary`);
});

Deno.test("playgroundFeatures: exact values in the requested column order", () => {
  const pts = Float32Array.of(1.5, -2, 0.25, 3);
  const f = playgroundFeatures(pts, ["sin x2", "x1", "x1x2", "x2^2", "x1^2", "x2", "sin x1"]);
  const want = (a: number, b: number) => [Math.sin(b), a, a * b, b * b, a * a, b, Math.sin(a)];
  assert.deepEqual(
    f,
    Float32Array.from([...want(1.5, -2), ...want(0.25, 3)]),
  );
  assert.equal(f[2], -3);
  assert.throws(
    () => playgroundFeatures(pts, ["x3" as "x1"]),
    /unknown feature "x3"; use any of x1/,
  );
  assert.throws(() => playgroundFeatures(Float32Array.of(1, 2, 3), ["x1"]), RangeError);
  // In a data set the features are the columns of x, computed from the stored points.
  const d = circle({ n: 20, features: [...PLAYGROUND_FEATURES] });
  assert.deepEqual(d.train.x.shape, [10, 7]);
  assert.deepEqual(d.train.x.dataSync(), playgroundFeatures(d.train.points, PLAYGROUND_FEATURES));
  dispose(d);
});

Deno.test("toy options are checked", () => {
  assert.throws(() => circle({ noise: 0.6 }), /noise must be in \[0, 0\.5\]/);
  assert.throws(() => xor({ trainRatio: 0 }), /trainRatio must be in \(0, 1\]/);
  assert.throws(() => gauss({ n: 1 }), /n must be a whole number ≥ 2/);
  assert.throws(() => playground("moons" as PlaygroundKind), /unknown Playground set "moons"/);
  assert.throws(() => circles({ factor: 1 }), /factor must be in \(0, 1\)/);
});

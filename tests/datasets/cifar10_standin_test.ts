import assert from "node:assert/strict";
import { join } from "node:path";
import { setDevice } from "../../kernels/device.ts";
import { cifar10OrStandIn, cifar10StandIn, standInArrays } from "../../datasets/cifar10_standin.ts";
import { CIFAR10_CLASSES } from "../../datasets/cifar10.ts";
import { CIFAR_FILES, cifarBatchBytes, withTempDir, writeCifarFolder } from "./cifar10_fixture.ts";

await setDevice("cpu");

Deno.test("standInArrays: same seed same images, another seed or split other images", () => {
  const a = standInArrays(20, { seed: 3, split: "train" });
  const b = standInArrays(20, { seed: 3, split: "train" });
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.y, b.y);
  const other = standInArrays(20, { seed: 4, split: "train" });
  const test = standInArrays(20, { seed: 3, split: "test" });
  assert.notDeepEqual(other.x, a.x);
  assert.notDeepEqual(test.x, a.x);
});

Deno.test("standInArrays: a shorter set is a prefix of a longer one (like --limit)", () => {
  const long = standInArrays(30, { seed: 2, split: "test" });
  const short = standInArrays(7, { seed: 2, split: "test" });
  assert.deepEqual(short.y, long.y.subarray(0, 7));
  assert.deepEqual(short.x, long.x.subarray(0, 7 * 3072));
});

Deno.test("standInArrays: NHWC values in [0, 1], not constant, labels 0–9", () => {
  const a = standInArrays(50, { seed: 1, split: "train" });
  assert.equal(a.n, 50);
  assert.equal(a.x.length, 50 * 32 * 32 * 3);
  let lo = Infinity, hi = -Infinity;
  for (const v of a.x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.ok(lo >= 0 && hi <= 1, `range [${lo}, ${hi}]`);
  assert.ok(hi - lo > 0.5, "images should use most of the range");
  assert.ok(a.y.every((c) => Number.isInteger(c) && c >= 0 && c <= 9));
  assert.throws(() => standInArrays(-1, { split: "train" }), RangeError);
});

Deno.test("standInArrays: every class about equally frequent", () => {
  const n = 3000;
  const { y } = standInArrays(n, { seed: 5, split: "train" });
  const counts = new Array(10).fill(0);
  for (const c of y) counts[c]++;
  // Binomial(3000, 0.1): sd ≈ 16.4, so ±70 is over 4 sd; a skewed generator falls outside.
  for (const [c, k] of counts.entries()) assert.ok(Math.abs(k - 300) <= 70, `class ${c}: ${k}`);
});

Deno.test("standInArrays: the class is in the pixels (mean hue differs between classes)", () => {
  // A generator that ignored the label would give every class the same mean colour.
  const { x, y, n } = standInArrays(2000, { seed: 1, split: "train" });
  const sums = Array.from({ length: 10 }, () => [0, 0, 0, 0]);
  for (let i = 0; i < n; i++) {
    const s = sums[y[i]];
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) s[c] += x[i * 3072 + p * 3 + c];
    }
    s[3] += 1024;
  }
  const means = sums.map((s) => [s[0] / s[3], s[1] / s[3], s[2] / s[3]]);
  let spread = 0;
  for (let c = 0; c < 3; c++) {
    const col = means.map((m) => m[c]);
    spread = Math.max(spread, Math.max(...col) - Math.min(...col));
  }
  assert.ok(spread > 0.05, `largest per-channel spread of class means ${spread}`);
});

Deno.test("cifar10StandIn: tensors [N,32,32,3], CIFAR-10 class names, source says synthetic", async () => {
  const d = cifar10StandIn({ nTrain: 12, nTest: 5, seed: 9 });
  assert.deepEqual(d.train.x.shape, [12, 32, 32, 3]);
  assert.deepEqual(d.test.x.shape, [5, 32, 32, 3]);
  assert.equal(d.train.y.length, 12);
  assert.deepEqual(d.train.classNames, [...CIFAR10_CLASSES]);
  assert.match(d.source, /stand-in.*not CIFAR-10/);
  const host = await d.train.x.data();
  assert.deepEqual(Float32Array.from(host), standInArrays(12, { seed: 9, split: "train" }).x);
  d.train.x.dispose();
  d.test.x.dispose();
});

Deno.test("cifar10OrStandIn: real files present → real data, not the stand-in", async () => {
  await withTempDir(async (dir) => {
    await writeCifarFolder(dir, 4);
    const d = await cifar10OrStandIn({ dataDir: dir, standInSeed: 1 });
    assert.equal(d.standIn, false);
    assert.equal(d.reason, undefined);
    assert.equal(d.source, dir);
    assert.equal(d.train.x.shape[0], 20);
    assert.equal(d.test.x.shape[0], 4);
    // Labels are the fixture's, which cycle 0–9 from the file number.
    assert.deepEqual([...d.test.y], [5, 6, 7, 8]);
    const px = await d.test.x.data();
    assert.ok(Math.abs(px[0] - cifarBatchBytes(5, 1)[1] / 255) < 1e-6);
    d.train.x.dispose();
    d.test.x.dispose();
  });
});

Deno.test("cifar10OrStandIn: files in cifar-10-batches-bin/ are found too", async () => {
  await withTempDir(async (dir) => {
    await writeCifarFolder(join(dir, "cifar-10-batches-bin"), 2);
    const d = await cifar10OrStandIn({ dataDir: dir });
    assert.equal(d.standIn, false);
    assert.equal(d.train.x.shape[0], 10);
    d.train.x.dispose();
    d.test.x.dispose();
  });
});

Deno.test("cifar10OrStandIn: empty folder → stand-in with the loader's reason", async () => {
  await withTempDir(async (dir) => {
    const d = await cifar10OrStandIn({ dataDir: dir, limit: 8, limitTest: 3, standInSeed: 2 });
    assert.equal(d.standIn, true);
    assert.match(d.reason!, /missing data_batch_1\.bin/);
    assert.deepEqual(d.train.x.shape, [8, 32, 32, 3]);
    assert.deepEqual(d.test.x.shape, [3, 32, 32, 3]);
    assert.deepEqual(d.train.y, standInArrays(8, { seed: 2, split: "train" }).y);
    d.train.x.dispose();
    d.test.x.dispose();
  });
});

Deno.test("cifar10OrStandIn: empty cache with downloads off → stand-in", async () => {
  await withTempDir(async (dir) => {
    const d = await cifar10OrStandIn({ cacheDir: dir, download: false, limit: 2, limitTest: 2 });
    assert.equal(d.standIn, true);
    assert.match(d.reason!, /downloads are off/);
    d.train.x.dispose();
    d.test.x.dispose();
  });
});

Deno.test("cifar10OrStandIn: a truncated real file throws instead of falling back", async () => {
  await withTempDir(async (dir) => {
    await writeCifarFolder(dir, 3);
    const name = join(dir, CIFAR_FILES[0]);
    const bytes = await Deno.readFile(name);
    await Deno.writeFile(name, bytes.subarray(0, bytes.length - 100));
    await assert.rejects(() => cifar10OrStandIn({ dataDir: dir }), /truncated/);
  });
});

Deno.test("cifar10OrStandIn: some files present but others missing throws (partial copy)", async () => {
  await withTempDir(async (dir) => {
    await writeCifarFolder(dir, 2);
    await Deno.remove(join(dir, "test_batch.bin"));
    await assert.rejects(() => cifar10OrStandIn({ dataDir: dir }), /missing test_batch\.bin/);
  });
});

Deno.test("cifar10OrStandIn: a corrupt archive placed in the cache throws", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "cifar-10-binary.tar.gz"), new Uint8Array(100).fill(7));
    await assert.rejects(() => cifar10OrStandIn({ cacheDir: dir, download: false }));
  });
});

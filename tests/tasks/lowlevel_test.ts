/**
 * `deno task lowlevel`: the stand-alone functions match hand-computed answers and the toolkit's
 * ops, and the checks catch a wrong function.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { tensor } from "../../kernels/tensor.ts";
import { runLowlevel } from "../../tasks/lowlevel.ts";
import {
  convolve,
  flatten,
  type Maps,
  maxPool,
  normalizeMaps,
  poolOutputSize,
} from "../../tasks/lowlevel/functions.ts";
import { HAND_EXAMPLES, runHandExample } from "../../tasks/lowlevel/hand_examples.ts";
import { compareWithToolkit, toolkitChecks } from "../../tasks/lowlevel/toolkit_checks.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";

Deno.test("lowlevel: every hand-computed example gives its shape and values", () => {
  for (const e of HAND_EXAMPLES) {
    const r = runHandExample(e);
    assert.equal(r.shapeOut, e.expectedShape.join("×"), `${e.fn}: ${e.what}`);
    assert.ok(r.pass, `${e.fn}: ${e.what}: max |Δ| ${r.maxAbsDiff}`);
  }
  // Every function of the lab has at least one hand example.
  const covered = new Set(HAND_EXAMPLES.map((e) => e.fn));
  for (const fn of ["convolve", "relu", "maxPool", "normalizeMaps", "fullyConnected", "softmax"]) {
    assert.ok(covered.has(fn), `no hand example for ${fn}`);
  }
});

Deno.test("lowlevel: a hand example fails a wrong function, a wrong shape and NaN", () => {
  const pool = HAND_EXAMPLES.find((e) => e.what.startsWith("F=2, S=2"))!;
  const box = HAND_EXAMPLES.find((e) => e.what.startsWith("3×3 box"))!;
  // Mean pooling instead of max: the first quadrant gives (1+3+4+2)/4 = 2.5, not 4.
  const meanPool = {
    ...pool,
    run: () => {
      const m = pool.run();
      return { shape: m.shape, values: [2.5, 1, 4.5, 3.75] };
    },
  };
  assert.equal(runHandExample(meanPool).pass, false);
  // "Valid" instead of "same" padding: one output instead of nine.
  const valid = { ...box, run: () => ({ shape: [1, 1, 1], values: [45] }) };
  assert.equal(runHandExample(valid).pass, false);
  const nan = { ...box, run: () => ({ shape: [3, 3, 1], values: box.expected.map(() => NaN) }) };
  assert.equal(runHandExample(nan).pass, false);
});

Deno.test("lowlevel: bad arguments are refused, not silently cropped", () => {
  const img: Maps = [[[1], [2]], [[3], [4]]];
  assert.throws(() => convolve(img, [[[[1], [1]], [[1], [1]]]]), /odd/);
  assert.throws(() => convolve(img, [[[[1, 2]]]]), /expected 1×1×1/);
  assert.throws(() => maxPool(img, 3, 1), /do not fit/);
  // (5 − 2)/2 is not whole: the lab's (W − F)/S + 1 would be 2.5.
  assert.throws(() => poolOutputSize(5, 2, 2), /not a whole number/);
  assert.equal(poolOutputSize(7, 3, 2), 3);
  // A constant map has σ = 0 and becomes zeros rather than NaN.
  assert.deepEqual(flatten(normalizeMaps([[[5], [5]], [[5], [5]]])), [0, 0, 0, 0]);
});

Deno.test("lowlevel: the functions agree with the toolkit's ops on the CPU (float64)", async () => {
  await setDevice("cpu");
  for (const seed of [1, 2]) {
    const checks = await toolkitChecks(seed);
    assert.equal(checks.length, 9);
    for (const c of checks) {
      assert.ok(c.pass, `${c.fn} vs ${c.against}: max |Δ| ${c.maxAbsDiff}`);
      assert.equal(c.kind, "toolkit");
      assert.match(c.against, new RegExp(`\\(float64, seed ${seed}\\)$`));
      assert.ok(c.tolerance <= 1e-8, `${c.fn}: float64 tolerance ${c.tolerance}`);
    }
  }
});

Deno.test("lowlevel: the toolkit comparison catches a wrong value and a wrong shape", async () => {
  await setDevice("cpu");
  const ref = () => tensor(new Float64Array([1, 2, 3, 4]), [1, 2, 2, 1]);
  const ok = await compareWithToolkit("f", "t", [2, 2, 1], {
    shape: [2, 2, 1],
    values: [1, 2, 3, 4],
  }, ref);
  assert.ok(ok.pass);
  const off = await compareWithToolkit("f", "t", [2, 2, 1], {
    shape: [2, 2, 1],
    values: [1, 2, 3, 4 + 1e-6],
  }, ref);
  assert.equal(off.pass, false, "an error of 1e-6 must fail the float64 check");
  const shape = await compareWithToolkit("f", "t", [2, 2, 1], {
    shape: [4, 1, 1],
    values: [1, 2, 3, 4],
  }, ref);
  assert.equal(shape.pass, false);
});

Deno.test("lowlevel --quick writes metrics.json, checks.csv and pipeline.svg, all checks pass", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await runLowlevel(["--quick", "--device", "cpu", "--out", out]);
    assert.ok(r.metrics.checks.length >= HAND_EXAMPLES.length + 9);
    assert.ok(r.metrics.checks.every((c) => c.pass));
    const metrics = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
    assert.equal(metrics.ours.failed, 0);
    assert.ok(metrics.config.choices.normalisation);
    assert.deepEqual(metrics.ours.demo.stages.map((s: { shape: number[] }) => s.shape), [
      [28, 28, 1],
      [28, 28, 3],
      [28, 28, 3],
      [14, 14, 3],
      [14, 14, 3],
    ]);
    const csv = (await Deno.readTextFile(`${out}/checks.csv`)).trim().split("\n");
    assert.equal(csv.length, r.metrics.checks.length + 1);
    const svg = await Deno.readTextFile(`${out}/pipeline.svg`);
    assert.ok(svg.startsWith("<svg") && svg.includes("maxPool F=2 S=2: 14×14×3"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

await gpuTest(
  "lowlevel: the functions agree with the toolkit's ops on WebGPU (float32)",
  async () => {
    await setDevice("webgpu");
    try {
      for (const c of await toolkitChecks(3)) {
        assert.ok(c.pass, `${c.fn} vs ${c.against}: max |Δ| ${c.maxAbsDiff} > ${c.tolerance}`);
      }
    } finally {
      await setDevice("cpu");
    }
  },
);

/**
 * layerNorm and groupNorm: values against a float64 loop written here from the definitions
 * (biased variance, ε inside the root; Keras 3 GroupNormalization's channel groups), on every
 * backend, and float64 gradients of the compositions (the registry checks the fused op).
 */
import assert from "node:assert/strict";
import { type DeviceName, setDevice } from "../../../kernels/device.ts";
import { groupNorm, layerNorm } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { tidy } from "../../../kernels/engine.ts";
import { testOnDevice } from "../webgpu/gpu_available.ts";
import { float64Gradcheck } from "../float64_gradcheck.ts";

/** (v − mean)/√(var + ε) of each group of indices, in float64. */
function normalised(x: number[], groups: number[][], epsilon: number): number[] {
  const out = x.slice();
  for (const g of groups) {
    const mean = g.reduce((a, i) => a + x[i], 0) / g.length;
    const v = g.reduce((a, i) => a + (x[i] - mean) ** 2, 0) / g.length;
    for (const i of g) out[i] = (x[i] - mean) / Math.sqrt(v + epsilon);
  }
  return out;
}

const rng = new Rng(9);
const data = Array.from({ length: 2 * 3 * 2 * 4 }, () => Math.fround(rng.normal() * 3 + 1));
const idx = (n: number, h: number, w: number, c: number) => ((n * 3 + h) * 2 + w) * 4 + c;
const all = (f: (n: number, h: number, w: number, c: number) => number[] | false) => {
  const groups = new Map<string, number[]>();
  for (let n = 0; n < 2; n++) {
    for (let h = 0; h < 3; h++) {
      for (let w = 0; w < 2; w++) {
        for (let c = 0; c < 4; c++) {
          const key = JSON.stringify(f(n, h, w, c));
          groups.set(key, [...(groups.get(key) ?? []), idx(n, h, w, c)]);
        }
      }
    }
  }
  return [...groups.values()];
};
const x = () => tensor(Float32Array.from(data), [2, 3, 2, 4]);

const RULES: { name: string; run: () => Tensor; want: number[] }[] = [
  {
    name: "layerNorm over channels, ε 1e-3",
    run: () => layerNorm(x()),
    want: normalised(data, all((n, h, w) => [n, h, w]), 1e-3),
  },
  {
    name: "layerNorm over H, W and C (Keras axis [1, 2, 3]), ε 1e-5",
    run: () => layerNorm(x(), { axes: [1, 2, 3], epsilon: 1e-5 }),
    want: normalised(data, all((n) => [n]), 1e-5),
  },
  {
    name: "layerNorm over H only (moved to the end and back)",
    run: () => layerNorm(x(), { axes: 1 }),
    want: normalised(data, all((n, _h, w, c) => [n, w, c]), 1e-3),
  },
  {
    name: "groupNorm, 2 groups of 2 channels",
    run: () => groupNorm(x(), { groups: 2 }),
    want: normalised(data, all((n, _h, _w, c) => [n, c >> 1]), 1e-3),
  },
  {
    name: "groupNorm with one group per channel is instance norm",
    run: () => groupNorm(x(), { groups: 4, epsilon: 1e-5 }),
    want: normalised(data, all((n, _h, _w, c) => [n, c]), 1e-5),
  },
];

// float32 sums in a different order on each backend: within 1e-5 of the float64 values.
for (const device of ["cpu", "cpu-reference", "webgpu"] as DeviceName[]) {
  for (const rule of RULES) {
    await testOnDevice(device, `normalisation on ${device}: ${rule.name}`, async () => {
      const y = tidy(rule.run);
      const got = await y.data();
      y.dispose();
      assert.equal(got.length, rule.want.length);
      const worst = Math.max(...rule.want.map((w, i) => Math.abs(got[i] - w)));
      assert.ok(worst < 1e-5, `${rule.name} on ${device}: off by ${worst}`);
    });
  }
}

Deno.test("layerNorm and groupNorm refuse bad options", async () => {
  await setDevice("cpu");
  assert.throws(() => groupNorm(x(), { groups: 3 }), /divides the 4 channels, got 3/);
  assert.throws(() => layerNorm(x(), { epsilon: -1 }), /epsilon must be ≥ 0/);
  assert.throws(() => layerNorm(x(), { axes: 4 }), /axis 4 is out of range/);
});

float64Gradcheck("layerNorm over a middle axis", [[2, 5, 3]], (x) => layerNorm(x, { axes: 1 }));
float64Gradcheck("groupNorm 3 groups", [[2, 2, 3, 6]], (x) => groupNorm(x, { groups: 3 }));

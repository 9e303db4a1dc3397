/**
 * Fused optimiser updates over several parameters (train/optimizer_groups.ts, the
 * optimizerStepGroup op): how a step's parameters are grouped under a device's binding limits,
 * and on WebGPU that a grouped step gives the per-parameter numbers in fewer dispatches, leaves
 * a parameter whose storage is shared to its own kernel, and keeps the other tensors intact.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { backend, tidy } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor, variable } from "../../kernels/tensor.ts";
import { groupUpdates, type ParameterUpdate } from "../../train/optimizer_groups.ts";
import { adam, momentum } from "../../train/optimizers.ts";
import type { Optimizer } from "../../train/optimizer.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";

const SHAPES = [[3, 4], [4], [2, 1, 3], [5], [1]];

function update(shape: number[]): ParameterUpdate {
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    p: tensor(new Float32Array(n), shape),
    g: tensor(new Float32Array(n), shape),
    state: [],
  };
}

Deno.test("groupUpdates: fills groups up to the binding limit, in order; odd ones stay single", async () => {
  await setDevice("cpu");
  const items = SHAPES.map(update);
  const ids = (r: { groups: ParameterUpdate[][]; single: ParameterUpdate[] }) => ({
    groups: r.groups.map((g) => g.map((u) => items.indexOf(u))),
    single: r.single.map((u) => items.indexOf(u)),
  });
  // 3 buffers a parameter, 7 storage buffers: 2 a group (6 + the output).
  const limits = { storageBuffers: 7, bindingBytes: 1 << 20 };
  assert.deepEqual(ids(groupUpdates(items, 3, limits)), { groups: [[0, 1], [2, 3]], single: [4] });
  assert.deepEqual(
    ids(groupUpdates(items, 3, { ...limits, storageBuffers: 32 })),
    { groups: [[0, 1, 2, 3, 4]], single: [] },
  );
  assert.deepEqual(
    ids(groupUpdates(items, 4, { ...limits, storageBuffers: 8 })),
    { groups: [], single: [0, 1, 2, 3, 4] },
    "one parameter a kernel: no group",
  );
  // Too big for one binding (12 floats = 48 bytes > 40), or θ's storage shared: single.
  const shared = tensor(new Float32Array(4), [4]);
  shared.assign(items[1].p);
  assert.deepEqual(
    ids(groupUpdates(items, 3, { storageBuffers: 32, bindingBytes: 40 })),
    { groups: [[2, 3, 4]], single: [0, 1] },
  );
  [...items.flatMap((u) => [u.p, u.g]), shared].forEach((t) => t.dispose());
});

/** Three steps of `make()` on parameters of SHAPES; their values and each step's kernels. */
async function train(device: "webgpu" | "cpu-reference", make: () => Optimizer, share = false) {
  await setDevice(device);
  const rng = new Rng(5);
  const random = (shape: number[]) =>
    tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() - 0.5),
      shape,
    );
  const ps = SHAPES.map((s) => variable(random(s)));
  const gs = SHAPES.map(random);
  // A tensor sharing parameter 0's storage (an assign): that parameter cannot be updated in place.
  const alias = share ? random(SHAPES[0]) : undefined;
  alias?.assign(ps[0]);
  const opt = make();
  const dispatches: number[] = [];
  for (let s = 0; s < 3; s++) {
    const before = backend().counters.dispatches;
    tidy(() => opt.step(ps, gs));
    dispatches.push(backend().counters.dispatches - before);
  }
  const values = await Promise.all(ps.map((p) => p.data()));
  const aliasValues = alias ? Array.from(await alias.data()) : undefined;
  [...ps, ...gs, ...(alias ? [alias] : [])].forEach((t: Tensor) => t.dispose());
  opt.dispose();
  return { values, dispatches, aliasValues };
}

await gpuTest(
  "grouped optimiser on WebGPU: the per-parameter numbers in fewer kernels",
  async () => {
    for (
      const [name, make, block] of [
        ["momentum", () => momentum({ learningRate: 0.1, momentum: 0.9 }), 3],
        ["adam", () => adam({ learningRate: 0.01 }), 4],
      ] as const
    ) {
      const ref = await train("cpu-reference", make);
      await setDevice("webgpu");
      const per = Math.floor((backend().bindingLimits!.storageBuffers - 1) / block);
      const got = await train("webgpu", make);
      got.values.forEach((v, k) => {
        v.forEach((x, i) =>
          assert.ok(Math.abs(x - ref.values[k][i]) < 1e-6, `${name} p${k}[${i}]`)
        );
      });
      // Five parameters: ceil(5 / per) kernels where per ≥ 2 (a trailing group of one is one
      // kernel too); with the default 8 buffers adam gets 1 a group, so one kernel each.
      const want = per >= 2 ? Math.ceil(5 / per) : 5;
      assert.deepEqual(got.dispatches, [want, want, want], `${name}: kernels per step (${per})`);
      assert.ok(per < 2 || want < 5, `${name}: fewer than one a parameter`);
      // Parameter 0 shares its storage with another tensor at step 1: updated on its own then
      // (its assign gives it new storage, so steps 2 and 3 group it), the other tensor unchanged.
      const shared = await train("webgpu", make, true);
      const first = per >= 2 ? 1 + Math.ceil(4 / per) : 5;
      assert.deepEqual(shared.dispatches, [first, want, want], `${name}: shared`);
      shared.values.forEach((v, k) => {
        v.forEach((x, i) =>
          assert.ok(Math.abs(x - ref.values[k][i]) < 1e-6, `${name} s${k}[${i}]`)
        );
      });
      const before = await train("cpu-reference", make, true);
      assert.deepEqual(
        shared.aliasValues!.map((x) => Math.fround(x)),
        before.aliasValues,
        `${name}: alias`,
      );
    }
    await setDevice("cpu");
  },
);

import assert from "node:assert/strict";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { formatTensor, formatValues } from "../../kernels/tensor_format.ts";
import { setDevice } from "../../kernels/device.ts";
import { gpuTest } from "./webgpu/gpu_available.ts";

Deno.test("tensor display: toString shows dtype, shape, device and values", () => {
  const t = tensor([[1, 2.5, -3], [4, 5, 6]]);
  assert.equal(t.toString(), "Tensor float32 [2,3] on cpu\n[[ 1., 2.5, -3.],\n [ 4.,  5.,  6.]]");
  assert.equal(tensor([1, 2, 3], [3], "int32").toString(), "Tensor int32 [3] on cpu\n[1, 2, 3]");
  assert.equal(tensor([0.5], []).toString(), "Tensor float32 [] on cpu\n0.5");
  t.dispose();
  assert.equal(t.toString(), "Tensor float32 [2,3] on cpu (disposed)");
});

Deno.test("tensor display: console.log and Deno.inspect show the values, not backend internals", () => {
  const t = tensor([1, 2], [2]);
  const shown = Deno.inspect(t);
  assert.equal(shown, "Tensor float32 [2] on cpu\n[1., 2.]");
  assert.doesNotMatch(shown, /DataRef|CpuBackend|handle/);
  assert.equal(Deno.inspect({ w: t }).includes("Tensor float32 [2] on cpu"), true);
});

/** The lines `t.print()` logs, caught instead of shown. */
async function printed(t: Tensor): Promise<string[]> {
  const logged: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void logged.push(a.join(" "));
  try {
    await t.print();
  } finally {
    console.log = orig;
  }
  return logged;
}

Deno.test("tensor display: print() logs the same text", async () => {
  const t = tensor([[0.25, 1e-6]]);
  assert.deepEqual(await printed(t), ["Tensor float32 [1,2] on cpu\n[[2.5000e-1, 1.0000e-6]]"]);
});

Deno.test("tensor display: large tensors are elided with ... on each long axis", () => {
  const v = new Float32Array(2000).map((_, i) => i);
  const s = formatValues([40, 50], "float32", v);
  const lines = s.split("\n");
  assert.equal(lines.length, 7); // 3 rows, "...", 3 rows
  assert.equal(lines[0], "[[   0.,    1.,    2., ...,   47.,   48.,   49.],");
  assert.equal(lines[3], " ...,");
  assert.equal(lines[6], " [1950., 1951., 1952., ..., 1997., 1998., 1999.]]");
  // Up to the threshold nothing is elided.
  assert.doesNotMatch(formatValues([1000], "int32", new Int32Array(1000)), /\.\.\./);
});

Deno.test("tensor display: 3-D blocks, NaN and Infinity, a device without sync reads", () => {
  const s = formatValues([2, 1, 2], "float32", new Float32Array([1, NaN, Infinity, -0.5]));
  assert.equal(s, "[[[      1.,      NaN]],\n\n [[Infinity,     -0.5]]]");
  assert.equal(
    formatTensor({ shape: [2], dtype: "float32", device: "webgpu" }, undefined),
    "Tensor float32 [2] on webgpu (values stay on the device: use `await t.print()`)",
  );
});

await gpuTest(
  "tensor display: on WebGPU toString points to print(), which shows the values",
  async () => {
    await setDevice("webgpu");
    try {
      const t = tensor([1, 2], [2]);
      assert.equal(
        Deno.inspect(t),
        "Tensor float32 [2] on webgpu (values stay on the device: use `await t.print()`)",
      );
      assert.deepEqual(await printed(t), ["Tensor float32 [2] on webgpu\n[1., 2.]"]);
      t.dispose();
    } finally {
      await setDevice("cpu");
    }
  },
);

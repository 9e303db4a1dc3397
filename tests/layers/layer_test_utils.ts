import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import { loadModel } from "../../io/model_file.ts";
import { gradients } from "../../kernels/autograd.ts";
import { setDevice } from "../../kernels/device.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import type { Layer } from "../../layers/module.ts";
import type { Sequential } from "../../layers/sequential.ts";
import { withDir } from "../io/temp_dir.ts";
import { values } from "./recurrent_fixture.ts";

/** Standard normals of `shape` from `seed`, in float32 (or float64). */
export function normals(shape: number[], seed = 1, dtype: "float32" | "float64" = "float32") {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, () => rng.normal());
  return tensor(dtype === "float64" ? Float64Array.from(v) : Float32Array.from(v), shape);
}

/** Builds `layer` for `x` (batch axis first) and runs it in inference mode. */
export function runLayer<L extends Layer>(layer: L, x: Tensor, seed = 0): Tensor {
  if (!layer.isBuilt) layer.build(x.shape.slice(1), new Rng(seed));
  return layer.call(x, { training: false });
}

/**
 * The call of a layer with a kernel and bias (`KernelAndBias`: dense, the convolutions), built
 * for `inputShape` (batch axis first), with its kernel and bias replaced by the arguments: so
 * `float64Gradcheck` checks the gradient of input, kernel and bias together in float64.
 */
export function withKernelAndBias(layer: Layer, inputShape: number[]) {
  layer.build(inputShape.slice(1), new Rng(0));
  return (x: Tensor, kernel: Tensor, bias?: Tensor): Tensor => {
    (layer as unknown as { params: { kernel: Tensor; bias?: Tensor } }).params = { kernel, bias };
    return layer.call(x, { training: true });
  };
}

/**
 * Saves `model` as a model file, loads it back and asserts the same summary, weight names and
 * outputs on `x` to the bit (the layers' configs and weights survive the round trip); frees both
 * models.
 */
export async function assertReloadsSame(model: Sequential, x: Tensor): Promise<void> {
  await withDir(async (dir) => {
    const before = await model.apply(x).data();
    await model.save(dir);
    const loaded = await loadModel(dir);
    assert.equal(loaded.summary(), model.summary());
    assert.deepEqual(loaded.weights().map((w) => w.name), model.weights().map((w) => w.name));
    assert.deepEqual(await loaded.apply(x).data(), before);
    model.dispose();
    loaded.dispose();
  });
}

/**
 * Asserts equal lengths and |got − want| ≤ tol·max(1, |want|) at every index (float32 devices
 * against the CPU), the message naming `what` and the index.
 */
export function assertCloseTo(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
}

/**
 * Output and gradients (input, then each weight) of a seeded weighted sum of the output of the
 * layer `make()` builds, on `device`, read back to the host: one side of a WebGPU-vs-CPU check.
 */
export async function outputAndGradients(
  make: () => Layer,
  shape: number[],
  device: "cpu" | "webgpu",
): Promise<Float32Array[]> {
  await setDevice(device);
  const layer = make();
  const x = tensor(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), 1)), shape);
  x.requiresGrad = true;
  const y = layer.apply(x);
  const probe = tensor(Float32Array.from(values(y.size, 2)), y.shape);
  const gs = gradients(y.mul(probe).sum(), [x, ...layer.weights().map((w) => w.tensor)]);
  const host = await Promise.all([y, ...gs].map(async (t) => Float32Array.from(await t!.data())));
  layer.dispose();
  return host;
}

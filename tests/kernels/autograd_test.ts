import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { backward, grad, gradients, zeroGrad } from "../../kernels/autograd.ts";
import { tidy } from "../../kernels/engine.ts";
import { matmul, relu, softmaxCrossEntropy, sum } from "../../kernels/ops/mod.ts";
import { tensor, variable } from "../../kernels/tensor.ts";
import { undisposed } from "./undisposed.ts";

await setDevice("cpu");

Deno.test("grad of x² is 2x", () => {
  const [dx] = grad((x) => x.mul(x).sum())(tensor([3, -1]));
  assert.deepEqual(Array.from(dx.dataSync()), [6, -2]);
});

Deno.test("a tensor used twice accumulates both paths", () => {
  const [dx] = grad((x) => x.mul(2).add(x.square()).sum())(tensor([1, 2]));
  assert.deepEqual(Array.from(dx.dataSync()), [4, 6]); // 2 + 2x
});

Deno.test("backward() accumulates into .grad like PyTorch; zeroGrad clears", () => {
  const w = variable(tensor([1, 2, 3]));
  backward(w.mul(w).sum());
  backward(w.sum());
  assert.deepEqual(Array.from(w.grad!.dataSync()), [3, 5, 7]);
  zeroGrad([w]);
  assert.equal(w.grad, undefined);
  w.dispose();
});

Deno.test("gradients() refuses an output that needs no gradient", () => {
  assert.throws(() => gradients(tensor([1]).sum(), []), /does not depend/);
});

Deno.test("a reshape view shares storage and passes gradients back", () => {
  const [dx] = grad((x) => x.reshape([2, 2]).matmul(tensor([[1], [2]])).sum())(
    tensor([1, 2, 3, 4]),
  );
  assert.deepEqual(Array.from(dx.dataSync()), [1, 2, 1, 2]);
});

Deno.test("no tape growth: 200 training steps leave tensor count and bytes flat", () => {
  const w = variable(tensor(new Float32Array(64 * 10).fill(0.01), [64, 10]));
  const x = tensor(new Float32Array(32 * 64).map((_, i) => Math.sin(i)), [32, 64]);
  const y = tensor(Int32Array.from({ length: 32 }, (_, i) => i % 10));
  const step = () =>
    tidy(() => {
      const loss = softmaxCrossEntropy(relu(matmul(x, w)), y);
      const [g] = gradients(loss, [w]);
      w.assign(w.sub(g!.mul(0.1)));
    });
  step();
  const before = undisposed();
  for (let i = 0; i < 200; i++) step();
  assert.equal(undisposed(), before);
  assert.ok(sum(w).dataSync()[0] !== 0.01 * 640, "the steps changed the weights");
  for (const t of [w, x, y]) t.dispose();
});

/**
 * Binary ops' gradients are lazy: a product's gradient for an operand that needs none (a dropout
 * mask, a constant) is never computed, so no kernel runs for it. Counted with the backend's
 * dispatch counter; the gradients that are computed keep their values.
 */
import assert from "node:assert/strict";
import "../../../kernels/ops/mod.ts";
import { gradients } from "../../../kernels/autograd.ts";
import { setDevice } from "../../../kernels/device.ts";
import { backend } from "../../../kernels/engine.ts";
import { div, mul, sum } from "../../../kernels/ops/mod.ts";
import { tensor } from "../../../kernels/tensor.ts";

/** Kernels run by `f`. */
function dispatchesOf(f: () => unknown): number {
  const before = backend().counters.dispatches;
  f();
  return backend().counters.dispatches - before;
}

Deno.test("mul/div gradients: the operand that needs no gradient costs no kernel", async () => {
  await setDevice("cpu-reference");
  const x = tensor([1, 2, 3]), c = tensor([2, 0, -1]);
  x.requiresGrad = true;
  for (
    const [name, op, expect] of [
      ["mul", mul, [2, 0, -1]],
      ["div", div, [0.5, Infinity, -1]],
    ] as const
  ) {
    const y = sum(op(x, c));
    let g: number[] = [];
    // seed (1) + sum's gradient (1) + dy·c or dy/c (1): nothing for c.
    const n = dispatchesOf(() => g = Array.from(gradients(y, [x])[0]!.dataSync()));
    assert.deepEqual(g, expect, name);
    c.requiresGrad = true;
    const both = sum(op(x, c));
    const nBoth = dispatchesOf(() => gradients(both, [x, c]));
    c.requiresGrad = false;
    assert.ok(nBoth > n, `${name}: the second gradient runs when asked (${nBoth} vs ${n})`);
    assert.equal(n, nBoth - (name === "mul" ? 1 : 3), `${name}: kernels for x's gradient only`);
  }
});

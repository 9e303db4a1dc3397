/**
 * Values of the data-movement ops against hand-written expectations (NumPy semantics). The
 * registry tests cover their gradients and WebGPU parity; here the composites' meaning: Python
 * slicing rules, split/stack/tile layouts, view ops and bad-input errors.
 */
import assert from "node:assert/strict";
import {
  concat,
  expandDims,
  gradients,
  pad,
  permute,
  reverse,
  slice,
  split,
  squeeze,
  stack,
  stridedSlice,
  sum,
  tensor,
  tile,
  transpose,
  unstack,
} from "../../../mod.ts";
import { mul } from "../../../kernels/ops/mod.ts";
import { backend } from "../../../kernels/engine.ts";

const arange = (n: number, shape: number[]) =>
  tensor(Float32Array.from({ length: n }, (_, i) => i), shape);
const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

Deno.test("transpose reverses axes; permute reorders them", () => {
  const x = arange(6, [2, 3]);
  const t = transpose(x);
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual(values(t), [0, 3, 1, 4, 2, 5]);
  const y = permute(arange(24, [2, 3, 4]), [2, 0, 1]);
  assert.deepEqual(y.shape, [4, 2, 3]);
  // y[k, i, j] = x[i, j, k] = 12i + 4j + k
  assert.equal(values(y)[1 * 6 + 1 * 3 + 2], 12 + 8 + 1);
  assert.throws(() => permute(x, [0, 0]), /not a permutation/);
});

Deno.test("stridedSlice follows Python slicing (negative steps, clamping, open ends)", () => {
  const x = arange(10, [10]);
  assert.deepEqual(values(stridedSlice(x, [null], [null], [-1])), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  assert.deepEqual(values(stridedSlice(x, [1], [8], [3])), [1, 4, 7]);
  assert.deepEqual(values(stridedSlice(x, [-3], [null])), [7, 8, 9]);
  assert.deepEqual(values(stridedSlice(x, [8], [2], [-2])), [8, 6, 4]);
  assert.deepEqual(values(stridedSlice(x, [-100], [100], [4])), [0, 4, 8]);
  assert.deepEqual(stridedSlice(x, [5], [2]).shape, [0]);
  const m = arange(12, [3, 4]);
  // m[::-1, 1::2]
  assert.deepEqual(values(stridedSlice(m, [null, 1], [null, null], [-1, 2])), [9, 11, 5, 7, 1, 3]);
  assert.throws(() => stridedSlice(x, [0], [1], [0]), /non-zero integer/);
});

Deno.test("slice takes begin and size (-1: to the end); reverse flips axes", () => {
  const m = arange(12, [3, 4]);
  assert.deepEqual(values(slice(m, [1, 1], [2, -1])), [5, 6, 7, 9, 10, 11]);
  assert.deepEqual(values(slice(m, 2)), [8, 9, 10, 11]);
  assert.throws(() => slice(m, [0, 2], [1, 3]), /outside/);
  assert.deepEqual(values(reverse(m, 1)).slice(0, 4), [3, 2, 1, 0]);
  assert.deepEqual(values(reverse(m)).slice(0, 2), [11, 10]);
});

Deno.test("concat, split, stack and unstack invert each other", () => {
  const a = arange(6, [2, 3]), b = arange(4, [2, 2]);
  const c = concat([a, b], -1);
  assert.deepEqual(c.shape, [2, 5]);
  assert.deepEqual(values(c), [0, 1, 2, 0, 1, 3, 4, 5, 2, 3]);
  const [a2, b2] = split(c, [3, -1], 1);
  assert.deepEqual(values(a2), values(a));
  assert.deepEqual(values(b2), values(b));
  assert.throws(() => split(c, 2, 1), /equal parts/);
  const s = stack([a, a, a], 1);
  assert.deepEqual(s.shape, [2, 3, 3]);
  const parts = unstack(s, 1);
  assert.equal(parts.length, 3);
  assert.deepEqual(values(parts[2]), values(a));
  assert.throws(() => concat([a, arange(3, [3, 1])], 1), /match on every axis/);
  // More inputs than one kernel binds: joined in groups, same result.
  const many = Array.from({ length: 17 }, (_, i) => tensor([i, -i], [1, 2]));
  const joined = concat(many, 0);
  assert.deepEqual(joined.shape, [17, 2]);
  assert.deepEqual(values(joined).slice(30), [15, -15, 16, -16]);
});

Deno.test("pad adds a constant border; tile repeats; expandDims and squeeze are views", () => {
  const x = tensor([1, 2], [1, 2]);
  assert.deepEqual(values(pad(x, [[1, 0], [0, 1]], 9)), [9, 9, 9, 1, 2, 9]);
  assert.throws(() => pad(x, [[-1, 0], [0, 0]]), /non-negative/);
  const t = tile(tensor([[1, 2], [3, 4]]), [2, 3]);
  assert.deepEqual(t.shape, [4, 6]);
  assert.deepEqual(values(t).slice(0, 12), [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
  assert.deepEqual(expandDims(x, -1).shape, [1, 2, 1]);
  assert.deepEqual(squeeze(expandDims(x, 0)).shape, [2]);
  assert.throws(() => squeeze(x, 1), /size 2, not 1/);
});

Deno.test("split's gradient is one concat of its pieces' gradients, zeros where none", () => {
  const x = arange(40, [2, 20]);
  x.requiresGrad = true;
  const pieces = split(x, 20, 1);
  // Pieces 3 and 4 and the last two get no gradient; piece 7's is NaN (stays in its columns).
  const used = pieces.filter((_, k) => k !== 3 && k !== 4 && k < 18);
  const loss = used.map((p, k) => sum(mul(p, k === 5 ? NaN : k + 1))).reduce((a, b) => a.add(b));
  const ran: string[] = [];
  const be = backend();
  const exec = be.exec;
  be.exec = (op, ...rest) => (ran.push(op.name), exec.call(be, op, ...rest));
  let gx;
  try {
    [gx] = gradients(loss, [x]);
  } finally {
    be.exec = exec;
  }
  const want = Array.from({ length: 20 }, (_, j) => {
    const k = j - (j > 4 ? 2 : 0); // piece j's position in `used`
    return j === 3 || j === 4 || j >= 18 ? 0 : k === 5 ? NaN : k + 1;
  });
  assert.deepEqual(values(gx!), [...want, ...want]);
  assert.equal(ran.filter((n) => n === "stridedSliceGrad").length, 0, ran.join());
  // 16 pieces and 2 zero blocks (one per run of missing pieces): 3 concats of ≤ 7, then 1.
  assert.equal(ran.filter((n) => n === "concat").length, 4, ran.join());
});

Deno.test("composite gradients: tile sums its copies, split hands each part its slice", () => {
  const x = tensor([1, 2, 3]);
  x.requiresGrad = true;
  const [g] = gradients(sum(mul(tile(x, [2]), tensor([1, 2, 3, 4, 5, 6]))), [x]);
  assert.deepEqual(values(g!), [5, 7, 9]);
  const [p, q] = split(x, [1, 2]);
  const [gx] = gradients(sum(mul(p, 10)).add(sum(q)), [x]);
  assert.deepEqual(values(gx!), [10, 1, 1]);
});

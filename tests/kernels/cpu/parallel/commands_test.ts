/**
 * Command lists (parallel/commands.ts): encoded calls run in order with the WASM kernels and a
 * GEMM on the shared memory; malformed lists and GEMM operands outside the memory throw instead
 * of running.
 */
import assert from "node:assert/strict";
import { CommandList, heapGemm, runCommands } from "../../../../kernels/cpu/parallel/commands.ts";
import { gemm } from "../../../../kernels/cpu/gemm.ts";
import { wasmKernels } from "../../../../kernels/cpu/wasm/module.ts";

const k = wasmKernels();

Deno.test({
  name: "a command list runs its GEMM and WASM calls in order on the shared memory",
  ignore: !k,
  fn: () => {
    const { heap, fn } = k!;
    const a = heap.alloc(6)!, b = heap.alloc(6)!, c = heap.alloc(4)!;
    try {
      a.set([1, -2, 3, 4, -5, 6]); // [2, 3]
      b.set([1, 0, 0, 1, 1, 1]); // [3, 2]
      const l = new CommandList();
      l.gemm(false, false, 2, 2, 3, 1, a.byteOffset, 3, b.byteOffset, 2, 0, c.byteOffset, 2);
      l.call("relu_f32", c.byteOffset, c.byteOffset, 4); // after the GEMM, on its output
      runCommands(l.values, fn, heapGemm(heap.memory, gemm));
      // a·b = [[1 + 3, −2 + 3], [4 + 6, −5 + 6]], then ReLU.
      assert.deepEqual(Array.from(c), [4, 1, 10, 1]);
      l.clear();
      assert.equal(l.values.length, 0);
    } finally {
      [a, b, c].forEach((v) => heap.release(v));
    }
  },
});

Deno.test({
  name: "malformed lists and out-of-memory GEMM operands throw",
  ignore: !k,
  fn: () => {
    const { heap, fn } = k!;
    const g = heapGemm(heap.memory, gemm);
    assert.throws(() => runCommands(new Float64Array([9, 1, 2]), fn, g), /malformed/);
    const l = new CommandList();
    l.call("relu_f32", 0, 0, 4);
    assert.throws(() => runCommands(l.values.subarray(0, 4), fn, g), /malformed/);
    const end = heap.sizeBytes;
    assert.throws(() => g(false, false, 2, 2, 2, 1, end - 8, 2, 0, 2, 0, 0, 2), /outside/);
    assert.throws(() => g(false, false, 2, 2, 2, 1, 2, 2, 0, 2, 0, 0, 2), /outside/); // unaligned
  },
});

Deno.test("a GEMM by name encodes as the same GEMM in BLAS order, with its defaults", () => {
  const named = new CommandList(), positional = new CommandList();
  named.gemm({ m: 2, n: 3, k: 4, a: 64, lda: 4, b: 128, ldb: 3, c: 256, ldc: 3 });
  positional.gemm(false, false, 2, 3, 4, 1, 64, 4, 128, 3, 0, 256, 3);
  const ptrs = { a: 8, lda: 5, b: 16, ldb: 7, c: 32, ldc: 6 };
  named.gemm({ transA: true, transB: true, m: 5, n: 6, k: 7, alpha: 2, beta: 1, ...ptrs });
  positional.gemm(true, true, 5, 6, 7, 2, 8, 5, 16, 7, 1, 32, 6);
  assert.deepEqual(Array.from(named.values), Array.from(positional.values));
});

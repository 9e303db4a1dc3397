import assert from "node:assert/strict";
import { kernelSource, MAX_PARAMS } from "../../../kernels/webgpu/bindings.ts";
import { bindingChunks } from "../../../kernels/webgpu/chunking.ts";
import { splitSumKernel } from "../../../kernels/webgpu/split_k.ts";
import { elementwise } from "../../../kernels/webgpu/wgsl.ts";

/** The WebGPU backend's pure parts, without a device: bindings, chunking, the split-K sum. */

Deno.test("kernelSource declares inputs, the output and the parameter slot", () => {
  const k = { ...elementwise(8, "out[i] = in0[i] * pf(0);"), f32: [2], u32: [3], vec4Inputs: [1] };
  const src = kernelSource(k, ["float32", "float32", "int32"], "f32", [2]);
  assert.match(src, /@binding\(0\) var<storage, read> in0: array<f32>;/);
  assert.match(src, /@binding\(1\) var<storage, read> in1: array<vec4<f32>>;/);
  assert.match(src, /@binding\(2\) var<storage, read_write> in2: array<i32>;/);
  assert.match(src, /@binding\(3\) var<storage, read_write> out: array<f32>;/);
  assert.match(src, /@binding\(4\) var<uniform> P_/);
  // u32 parameters follow the f32 ones in the slot.
  assert.match(src, /fn pu\(i: u32\) -> u32 \{ let j = i \+ 1u;/);
  assert.ok(src.endsWith(k.code));
  assert.doesNotMatch(kernelSource(elementwise(8, "out[i] = 1.0;"), [], "f32"), /P_/);
  const tooMany = { ...k, f32: Array(MAX_PARAMS + 1).fill(0) };
  assert.throws(() => kernelSource(tooMany, ["float32"], "f32"), /at most 64 parameters/);
});

Deno.test("bindingChunks splits an input past the binding limit on aligned row ranges", () => {
  const limits = { maxStorageBufferBindingSize: 1000, minStorageBufferOffsetAlignment: 256 };
  const base = elementwise(1, "");
  assert.deepEqual(bindingChunks(base, limits), [undefined]);
  const chunked = {
    ...base,
    u32: [7, 0, 0],
    chunked: { input: 0, rowBytes: 12, rows: 200, param: 1 },
  };
  const chunks = bindingChunks(chunked, limits);
  // 12-byte rows: starts must be multiples of 64 rows (768 bytes) to stay 256-aligned.
  assert.deepEqual(chunks.map((c) => [c!.offset, c!.size, c!.u32]), [
    [0, 768, [7, 0, 64]],
    [768, 768, [7, 64, 64]],
    [1536, 768, [7, 128, 64]],
    [2304, 96, [7, 192, 8]],
  ]);
});

Deno.test("splitSumKernel adds the partials of each element", () => {
  const k = splitSumKernel(10, 3);
  assert.match(k.code, /for \(var k = 1u; k < 3u; k\+\+\) \{ s \+= in0\[k \* 10u \+ i\]; \}/);
});

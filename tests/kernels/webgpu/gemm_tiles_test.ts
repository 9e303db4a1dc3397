import assert from "node:assert/strict";
import {
  chooseSplits,
  DEFAULT_GEMM_LIMITS,
  gemmKernel,
  type GemmLimits,
  setGemmLimits,
  tileBytes,
  tileShape,
} from "../../../kernels/webgpu/gemm.ts";

/**
 * GEMM tile shapes against device limits (no GPU needed: pure functions and generated WGSL).
 * Every tile must fit the limits it was chosen for; bigger limits buy taller narrow tiles.
 */

const SHAPES: [number, number][] = [
  [3136, 16], // W3's 16-filter conv
  [28800, 32], // W4's 32-filter conv
  [73728, 64], // W2's 64-filter conv
  [400, 16], // a filter gradient: short M
  [9, 32],
  [1, 1],
  [128, 10],
  [1024, 1024],
];

function fits(t: { tm: number; tn: number }, lim: GemmLimits): boolean {
  return tileBytes(t.tm, t.tn) <= lim.workgroupStorage &&
    (t.tm / 4) * (t.tn / 4) <= lim.invocations;
}

Deno.test("tiles fit WebGPU's minimum limits (16 KB, 256 invocations)", () => {
  for (const [m, n] of SHAPES) {
    const t = tileShape(m, n, DEFAULT_GEMM_LIMITS);
    assert.ok(fits(t, DEFAULT_GEMM_LIMITS), `${m}×${n}: ${JSON.stringify(t)}`);
    assert.ok(t.tn >= Math.min(n, 16) && t.tm >= 4, `${m}×${n}: ${JSON.stringify(t)}`);
  }
  assert.deepEqual(tileShape(73728, 64, DEFAULT_GEMM_LIMITS), { tm: 64, tn: 64 });
});

Deno.test("more workgroup memory gives narrow outputs taller tiles, still within the limits", () => {
  const big: GemmLimits = { workgroupStorage: 32768, invocations: 256 };
  for (const [m, n] of SHAPES) assert.ok(fits(tileShape(m, n, big), big), `${m}×${n}`);
  assert.deepEqual(tileShape(3136, 16, DEFAULT_GEMM_LIMITS), { tm: 64, tn: 16 });
  assert.deepEqual(tileShape(3136, 16, big), { tm: 128, tn: 16 });
  assert.deepEqual(tileShape(28800, 32, big), { tm: 128, tn: 32 });
  const huge: GemmLimits = { workgroupStorage: 65536, invocations: 1024 };
  assert.deepEqual(tileShape(3136, 16, huge), { tm: 256, tn: 16 }, "capped at 256 invocations");
  const few: GemmLimits = { workgroupStorage: 65536, invocations: 64 };
  for (const [m, n] of SHAPES) assert.ok(fits(tileShape(m, n, few), few), `${m}×${n} in 64`);
});

Deno.test("the generated kernel declares the tile the limits allow", () => {
  try {
    setGemmLimits(DEFAULT_GEMM_LIMITS);
    const spec = {
      M: 3136,
      N: 16,
      K: 400,
      loadA: "0.0",
      loadB: "0.0",
      aKContiguous: true,
      bNContiguous: true,
    };
    const small = gemmKernel(spec);
    // A: 64 rows × 8 vec4s, B: 32 × 4 vec4s → 16 KB in all.
    assert.match(small.code, /var<workgroup> As: array<vec4f, 512>;/);
    assert.match(small.code, /var<workgroup> Bs: array<vec4f, 128>;/);
    assert.deepEqual(small.workgroups, [1, 49, chooseSplits(3136, 16, 400)]);
    setGemmLimits({ workgroupStorage: 32768, invocations: 256 });
    assert.match(gemmKernel(spec).code, /var<workgroup> As: array<vec4f, 1024>;/);
  } finally {
    setGemmLimits(DEFAULT_GEMM_LIMITS);
  }
});

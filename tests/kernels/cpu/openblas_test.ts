/**
 * The optional OpenBLAS path: cblas_sgemm/dgemm through FFI against the triple-loop oracle,
 * the dispatcher's choice of path (and its fallbacks), conv2d through BLAS against the
 * reference kernels, and the behaviour without the library or without --allow-ffi (child
 * processes). BLAS comparisons are skipped when the library is absent, except under CI, where
 * its absence is a failure (CI installs libopenblas0-pthread).
 */
import assert from "node:assert/strict";
import { gemm, gemmNaive } from "../../../kernels/cpu/gemm.ts";
import {
  BLAS_MIN_WORK,
  cpuGemm,
  cpuGemmPath,
  cpuGemmStats,
  setBlasEnabled,
} from "../../../kernels/cpu/gemm_dispatch.ts";
import { type GemmFn, loadOpenBlas } from "../../../kernels/cpu/openblas.ts";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
} from "../../../kernels/cpu/conv2d_fast.ts";
import { convGeometry, type ConvPads } from "../../../kernels/cpu/im2col.ts";
import { getOp } from "../../../kernels/op.ts";
import type { FloatArray } from "../../../kernels/dtype.ts";
import "../../../kernels/ops/mod.ts";
import { filled, type FloatCtor } from "./filled.ts";
import { type GemmCase, gemmProblem } from "./gemm_problem.ts";

const { blas, reason } = loadOpenBlas();
const noBlas = blas === null;

/** Unit roundoff of each element type. */
const unit = (ctor: FloatCtor) => ctor === Float32Array ? 2 ** -24 : 2 ** -53;

const abs = (a: FloatArray) => a.map(Math.abs) as FloatArray;

/**
 * Asserts |got − want| ≤ (terms + 2)·u·bound elementwise, where `bound` is the same computation
 * on absolute values: the textbook forward-error bound of a sum of `terms` products in
 * precision u. A wrong transpose, offset or stride is off by O(1) and fails it.
 */
function assertClose(
  got: FloatArray,
  want: FloatArray,
  bound: FloatArray,
  terms: number,
  u: number,
  label: string,
): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    const tol = (terms + 2) * u * bound[i];
    const d = Math.abs(got[i] - want[i]);
    assert.ok(d <= tol, `${label}: element ${i}: got ${got[i]}, want ${want[i]} (tol ${tol})`);
  }
}

/** Runs `fn` on case `c` and compares the whole C array (padding included) with the oracle. */
function checkGemm(fn: GemmFn<FloatArray>, ctor: FloatCtor, c: GemmCase, seed: number): void {
  const { transA, transB, M, N, K } = c;
  const { alpha, beta, pad, lda, ldb, ldc, A, B, C0 } = gemmProblem(c, ctor, ctor, seed);
  const got = C0.slice(), want = C0.slice();
  const bound = abs(C0.map((v) => (Number.isNaN(v) ? 0 : v)) as FloatArray);
  fn(transA, transB, M, N, K, alpha, A, pad, lda, B, pad, ldb, beta, got, pad, ldc);
  gemmNaive(transA, transB, M, N, K, alpha, A, pad, lda, B, pad, ldb, beta, want, pad, ldc);
  const [aA, aB] = [abs(A), abs(B)];
  gemmNaive(
    transA,
    transB,
    M,
    N,
    K,
    Math.abs(alpha),
    aA,
    pad,
    lda,
    aB,
    pad,
    ldb,
    Math.abs(beta),
    bound,
    pad,
    ldc,
  );
  const label = `${ctor.name} ${JSON.stringify(c)}`;
  assertClose(got, want, bound, K, unit(ctor), label);
}

const TRANS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
/** Odd sizes around OpenBLAS's own kernel widths (16×4, 8×8 …) and 1-sized edges. */
const SHAPES = [[1, 1, 1], [1, 37, 5], [37, 1, 5], [5, 3, 1], [17, 13, 11], [33, 65, 31], [
  130,
  70,
  257,
]];

Deno.test("openblas: CI has the library", { ignore: !Deno.env.get("CI") }, () => {
  assert.ok(blas !== null, `CI must run the OpenBLAS path, but: ${reason}`);
});

Deno.test("openblas: describes its build", { ignore: noBlas }, () => {
  assert.match(blas!.label, /^OpenBLAS \d+\.\d+\.\d+ \(/);
  assert.ok(blas!.threads >= 1, `threads ${blas!.threads}`);
  setBlasEnabled(true); // whatever DL_BLAS says in this shell
  try {
    assert.deepEqual(cpuGemmPath(), { name: "openblas", detail: blas!.label });
  } finally {
    setBlasEnabled(null);
  }
});

Deno.test(
  "openblas: sgemm = oracle, every transpose, odd shapes, offsets",
  { ignore: noBlas },
  () => {
    const sgemm = blas!.sgemm as GemmFn<FloatArray>;
    for (const [transA, transB] of TRANS) {
      SHAPES.forEach(([M, N, K], i) => {
        checkGemm(sgemm, Float32Array, { transA, transB, M, N, K }, i);
        checkGemm(sgemm, Float32Array, { transA, transB, M, N, K, pad: 3, nanC: true }, 50 + i);
        checkGemm(
          sgemm,
          Float32Array,
          { transA, transB, M, N, K, alpha: -0.5, beta: 1.5, pad: 2 },
          90 + i,
        );
      });
    }
  },
);

Deno.test("openblas: dgemm = oracle in float64", { ignore: noBlas || !blas?.dgemm }, () => {
  const dgemm = blas!.dgemm as GemmFn<FloatArray>;
  for (const [transA, transB] of TRANS) {
    SHAPES.forEach(([M, N, K], i) => {
      checkGemm(dgemm, Float64Array, { transA, transB, M, N, K, pad: 1, nanC: true }, 7 + i);
      checkGemm(dgemm, Float64Array, { transA, transB, M, N, K, alpha: 2, beta: -1 }, 70 + i);
    });
  }
});

/** Calls cpuGemm and returns which path took it (from the call counters). */
function pathOf(run: () => void): "openblas" | "typescript" {
  const s0 = cpuGemmStats();
  run();
  const s1 = cpuGemmStats();
  assert.equal(s1.openblas + s1.typescript - s0.openblas - s0.typescript, 1);
  return s1.openblas > s0.openblas ? "openblas" : "typescript";
}

Deno.test("cpuGemm: picks OpenBLAS only where it is safe and pays", { ignore: noBlas }, () => {
  setBlasEnabled(true);
  try {
    const n = 32, A = filled(Float32Array, n * n, 1), B = filled(Float32Array, n * n, 2);
    const C = new Float32Array(n * n);
    const run = (M: number, N: number, K: number, a: FloatArray = A, c: FloatArray = C) => () =>
      cpuGemm(false, false, M, N, K, 1, a, 0, K, B, 0, N, 0, c, 0, N);
    assert.equal(pathOf(run(n, n, n)), "openblas");
    assert.ok(2 * 2 * 2 < BLAS_MIN_WORK);
    assert.equal(pathOf(run(2, 2, 2)), "typescript", "too small to pay for the call");
    assert.equal(pathOf(run(n, n, 0)), "typescript", "K = 0");
    const A64 = filled(Float64Array, n * n, 1);
    assert.equal(pathOf(run(n, n, n, A64)), "typescript", "mixed element types");
    assert.equal(pathOf(run(n, n, n, A64, new Float64Array(n * n))), "typescript", "mixed, B f32");
    // An operand past the end of its array would be an out-of-bounds native read.
    assert.equal(pathOf(run(n + 1, n, n)), "typescript", "A too short");
    assert.equal(pathOf(run(n, n, n, A, new Float32Array(n * n - 1))), "typescript", "C too short");
  } finally {
    setBlasEnabled(null);
  }
});

Deno.test("cpuGemm: disabled, it is the TypeScript gemm bit for bit", () => {
  setBlasEnabled(false);
  try {
    assert.equal(cpuGemmPath().name, "typescript");
    assert.match(cpuGemmPath().detail, /disabled by setBlasEnabled/);
    for (const [transA, transB] of TRANS) {
      const [M, N, K] = [45, 37, 70];
      const A = filled(Float32Array, M * K, 3), B = filled(Float32Array, K * N, 4);
      const got = new Float32Array(M * N), want = new Float32Array(M * N);
      const lda = transA ? M : K, ldb = transB ? K : N;
      assert.equal(
        pathOf(() => cpuGemm(transA, transB, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, got, 0, N)),
        "typescript",
      );
      gemm(transA, transB, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, want, 0, N);
      assert.deepEqual(got, want);
    }
  } finally {
    setBlasEnabled(null);
  }
});

// conv2d through whichever GEMM is enabled, against the reference kernels.

/** The registered reference kernel of `name` (the oracle), called on plain arrays. */
function reference(
  name: string,
  ins: [FloatArray, number[]][],
  attrs: unknown,
  out: FloatArray,
  outShape: number[],
): void {
  out.fill(0);
  getOp(name)!.cpu(ins.map(([data, shape]) => ({ data, shape })), attrs, out, outShape);
}

interface ConvCase {
  n: number;
  h: number;
  cin: number;
  k: number;
  cout: number;
  stride: number;
  pads: ConvPads;
}

const pad = (p: number): ConvPads => ({ top: p, bottom: p, left: p, right: p });
const CONV_CASES: ConvCase[] = [
  { n: 3, h: 9, cin: 3, k: 3, cout: 8, stride: 1, pads: pad(1) },
  { n: 2, h: 11, cin: 4, k: 5, cout: 6, stride: 2, pads: { top: 0, bottom: 1, left: 2, right: 0 } },
  { n: 4, h: 6, cin: 16, k: 1, cout: 8, stride: 1, pads: pad(0) }, // pointwise: no im2col
  // 28·28·9 = 7056 column values per sample: 595 per 4 M run, so the batch needs two runs and
  // backprop filter accumulates the second with beta = 1.
  { n: 600, h: 28, cin: 1, k: 3, cout: 2, stride: 1, pads: pad(1) },
];

/** Forward and both backprops for `c`, returning how many GEMMs went through OpenBLAS. */
function checkConv(c: ConvCase, ctor: FloatCtor, seed: number): number {
  const xShape = [c.n, c.h, c.h, c.cin], wShape = [c.k, c.k, c.cin, c.cout];
  const strides = [c.stride, c.stride];
  const g = convGeometry(xShape, wShape, strides, c.pads);
  const yShape = [c.n, g.oh, g.ow, c.cout];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = filled(ctor, size(xShape), seed), w = filled(ctor, size(wShape), seed + 1);
  const dy = filled(ctor, size(yShape), seed + 2);
  const attrs = { strides, pads: c.pads };
  const s0 = cpuGemmStats();
  const one = (
    what: string,
    terms: number,
    outShape: number[],
    run: (out: FloatArray) => void,
    ref: (ins: [FloatArray, FloatArray], out: FloatArray) => void,
    ins: [FloatArray, FloatArray],
  ) => {
    const got = new ctor(size(outShape)).fill(NaN), want = new ctor(got.length);
    const bound = new ctor(got.length);
    run(got);
    ref(ins, want);
    ref([abs(ins[0]), abs(ins[1])], bound);
    assertClose(got, want, bound, terms, unit(ctor), `${what} ${ctor.name} ${JSON.stringify(c)}`);
  };
  one(
    "forward",
    c.k * c.k * c.cin,
    yShape,
    (y) => conv2dForward(x, xShape, w, wShape, strides, c.pads, y),
    ([a, b], y) => reference("conv2d", [[a, xShape], [b, wShape]], attrs, y, yShape),
    [x, w],
  );
  one(
    "backprop input",
    c.k * c.k * c.cout,
    xShape,
    (dx) => conv2dBackpropInput(dy, yShape, w, wShape, xShape, strides, c.pads, dx),
    ([a, b], dx) =>
      reference(
        "conv2dBackpropInput",
        [[a, yShape], [b, wShape]],
        { ...attrs, xShape },
        dx,
        xShape,
      ),
    [dy, w],
  );
  one(
    "backprop filter",
    c.n * g.oh * g.ow,
    wShape,
    (dw) => conv2dBackpropFilter(x, xShape, dy, yShape, wShape, strides, c.pads, dw),
    ([a, b], dw) =>
      reference(
        "conv2dBackpropFilter",
        [[a, xShape], [b, yShape]],
        { ...attrs, wShape },
        dw,
        wShape,
      ),
    [x, dy],
  );
  return cpuGemmStats().openblas - s0.openblas;
}

Deno.test(
  "conv2d through OpenBLAS = reference, forward and both backprops",
  { ignore: noBlas },
  () => {
    setBlasEnabled(true);
    try {
      CONV_CASES.forEach((c, i) => {
        // Each case's GEMMs are big enough for BLAS: ≥ 3 calls (more with two runs).
        assert.ok(checkConv(c, Float32Array, 10 + i) >= 3, `case ${i} did not use OpenBLAS`);
        if (c.n < 100) assert.ok(checkConv(c, Float64Array, 20 + i) >= 3, `case ${i} float64`);
      });
    } finally {
      setBlasEnabled(null);
    }
  },
);

Deno.test("conv2d with OpenBLAS disabled = reference, and never calls it", () => {
  setBlasEnabled(false);
  try {
    CONV_CASES.forEach((c, i) => assert.equal(checkConv(c, Float32Array, 30 + i), 0));
  } finally {
    setBlasEnabled(null);
  }
});

// The path a fresh process takes under given permissions and environment.

const PROBE = new URL("./blas_path_probe.ts", import.meta.url).pathname;

async function probe(flags: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, PROBE],
    // Empty values read as unset, so a DL_BLAS or OPENBLAS_LIB in this shell does not leak in.
    env: { DL_BLAS: "", OPENBLAS_LIB: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `probe ${flags} failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(text) as { path: string; detail: string; stats: object; matches: boolean };
}

Deno.test("without --allow-ffi: TypeScript, no prompt, no throw", async () => {
  const r = await probe(["--allow-env"], {});
  assert.equal(r.path, "typescript");
  assert.match(r.detail, /no FFI permission/);
  assert.deepEqual(r.stats, { openblas: 0, typescript: 1 });
  assert.ok(r.matches);
});

Deno.test("--allow-ffi for one file only: TypeScript, no throw", async () => {
  // dlopen would work, but reading the build string needs unscoped FFI; loading must not throw.
  const lib = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
  const r = await probe(["--allow-env", `--allow-ffi=${lib}`], {});
  assert.deepEqual([r.path, r.stats, r.matches], [
    "typescript",
    { openblas: 0, typescript: 1 },
    true,
  ]);
  assert.match(r.detail, /no FFI permission/);
});

Deno.test("DL_BLAS=off: TypeScript", async () => {
  const r = await probe(["-A"], { DL_BLAS: "off" });
  assert.deepEqual([r.path, r.stats, r.matches], [
    "typescript",
    { openblas: 0, typescript: 1 },
    true,
  ]);
  assert.match(r.detail, /DL_BLAS=off/);
});

Deno.test("OPENBLAS_LIB pointing nowhere: TypeScript, and says why", async () => {
  const r = await probe(["-A"], { OPENBLAS_LIB: "/nonexistent/libopenblas.so.0" });
  assert.deepEqual([r.path, r.stats, r.matches], [
    "typescript",
    { openblas: 0, typescript: 1 },
    true,
  ]);
  assert.match(r.detail, /OPENBLAS_LIB=\/nonexistent\/libopenblas\.so\.0/);
});

Deno.test("with --allow-ffi: OpenBLAS by default", { ignore: noBlas }, async () => {
  const r = await probe(["-A"], {});
  assert.deepEqual([r.path, r.stats, r.matches], [
    "openblas",
    { openblas: 1, typescript: 0 },
    true,
  ]);
  assert.equal(r.detail, blas!.label);
});

Deno.test("OPENBLAS_NUM_THREADS caps the threads the label names", { ignore: noBlas }, async () => {
  const r = await probe(["-A"], { OPENBLAS_NUM_THREADS: "1" });
  assert.equal(r.path, "openblas");
  assert.match(r.detail, /\b1 thread\b/);
});

Deno.test({
  name: "importing the toolkit does not load OpenBLAS; the first GEMM does",
  ignore: Deno.build.os !== "linux" || noBlas,
  fn: async () => {
    const script = new URL("./import_probe.ts", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "-A", script],
      env: { DL_BLAS: "", OPENBLAS_LIB: "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.deepEqual(r, { afterImport: false, afterMatmul: true });
  },
});

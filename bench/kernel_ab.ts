/**
 * One op's fast CPU kernel against its reference kernel, alternating in one process:
 * `deno run -A bench/kernel_ab.ts --op gelu --shapes 2048x512 [--attrs '{"approximate":"none"}']
 * [--rounds 15]`. `--shapes` lists the input shapes separated by `;` (e.g.
 * `2048x512;2048x512` for geluGrad); inputs are seeded normals. Each round times one launch on
 * the fast backend and one on the reference, in turn, so the machine's slow and fast spells fall
 * on both; prints the median and the range (min–max) of each, in ms. `--sides` picks who takes
 * turns (default `fast,reference`): also `fast-no-wasm` (the fast backend with the WASM kernels
 * off: its TypeScript loops) and `fast-one-thread` (the helper thread off).
 */
import { cliFlags } from "../experiment/main.ts";
import { CpuBackend } from "../kernels/cpu/backend.ts";
import type { TypedArray } from "../kernels/dtype.ts";
import { getOp } from "../kernels/op.ts";
import "../kernels/ops/mod.ts";
import { Rng } from "../kernels/random.ts";
import { setWasmKernels } from "../kernels/cpu/wasm/module.ts";
import { helperReady, setHelperEnabled } from "../kernels/cpu/parallel/helper.ts";

const values = cliFlags(
  {
    op: { type: "string", help: "registered op name", default: "gelu" },
    shapes: {
      type: "string",
      help: "input shapes, ';'-separated, axes by 'x'",
      default: "2048x512",
    },
    attrs: { type: "string", help: "the op's attributes as JSON", default: "{}" },
    rounds: { type: "integer", help: "alternating rounds", default: 15 },
    sides: {
      type: "string",
      help: "','-separated: fast, reference, fast-no-wasm, fast-one-thread",
      default: "fast,reference",
    },
  },
  Deno.args,
  {
    command: "deno run -A bench/kernel_ab.ts",
    description: "An op's fast CPU kernel vs its reference kernel, alternating in one process.",
  },
);
const def = getOp(values.op);
if (!def) throw new Error(`kernel_ab: unknown op "${values.op}"; use a registered op name`);
const shapes = values.shapes.split(";").map((s) => s === "" ? [] : s.split("x").map(Number));
const attrs = JSON.parse(values.attrs);
const info = def.infer(shapes.map((shape) => ({ shape, dtype: "float32" })), attrs as never);
const rng = new Rng(7);
const data = shapes.map((s) =>
  Float32Array.from({ length: s.reduce((a, c) => a * c, 1) }, () => rng.normal())
);
/** Each side: a backend, and the WASM and helper-thread settings it runs under. */
const SIDES: Record<string, { b: CpuBackend; wasm: boolean; helper: boolean }> = {
  fast: { b: new CpuBackend(true), wasm: true, helper: true },
  reference: { b: new CpuBackend(false), wasm: true, helper: true },
  "fast-no-wasm": { b: new CpuBackend(true), wasm: false, helper: true },
  "fast-one-thread": { b: new CpuBackend(true), wasm: true, helper: false },
};
const names = values.sides.split(",");
for (const n of names) {
  if (!SIDES[n]) throw new Error(`kernel_ab: unknown side "${n}"; use ${Object.keys(SIDES)}`);
}
await helperReady(); // time the steady state, not the helper's start
const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r <= values.rounds; r++) {
  for (const name of names) {
    const { b, wasm, helper } = SIDES[name];
    const handles = data.map((d, i) => ({
      handle: b.upload(d),
      shape: shapes[i],
      dtype: "float32",
    }));
    const wasWasm = setWasmKernels(wasm), wasHelper = setHelperEnabled(helper);
    const t0 = performance.now();
    const out = b.exec(def, handles as never, attrs, info.shape, info.dtype) as TypedArray;
    const ms = performance.now() - t0;
    setWasmKernels(wasWasm);
    setHelperEnabled(wasHelper);
    if (r > 0) times[name].push(ms); // round 0 warms every side up
    if (out.length < 0) console.log(out);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const line = (v: number[]) =>
  `median ${median(v).toFixed(2)} ms (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)})`;
console.log(`${values.op} [${values.shapes}] ${values.attrs}, ${values.rounds} rounds:`);
for (const n of names) console.log(`  ${n.padEnd(16)} ${line(times[n])}`);
if (times.fast && times.reference) {
  console.log(`  ratio of medians ${(median(times.reference) / median(times.fast)).toFixed(1)}×`);
}

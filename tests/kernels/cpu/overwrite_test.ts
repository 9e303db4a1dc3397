import assert from "node:assert/strict";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { kernelsForBackend } from "../../../kernels/kernel_registry.ts";
import type { DType, TypedArray } from "../../../kernels/dtype.ts";
import { getOp, type OpTestCase } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";
// Every optimiser, so optimizerStep has a case for each update rule.
import "../../../train/optimizers.ts";
import { sizeOf } from "../../../kernels/shape.ts";
import { caseData } from "../op_inputs.ts";

/**
 * Fast kernels registered with `overwrites` get reused output arrays without zeroing. Each one
 * runs every registry case twice: into a fresh zeroed array, and into a pooled array poisoned
 * with NaN (int32: a sentinel); both results must be identical, so no element is left unwritten.
 */

const EXPECTED = [
  "add",
  "sub",
  "mul",
  "div",
  "relu",
  "reluGrad",
  "step",
  "neg",
  "sigmoid",
  "tanh",
  "gelu",
  "geluGrad",
  "softmax",
  "softmaxGrad",
  "permute",
  "stridedSlice",
  "sum",
  "broadcastTo",
  "matmul",
  "batchMatmul",
  "conv2d",
  "conv2dBackpropInput",
  "conv2dBackpropFilter",
  "maxPool2d",
  "maxPool2dGrad",
  "optimizerStep",
  "dropoutMask",
  "batchVariance",
  "batchNormTrain",
  "batchNormGradStats",
  "batchNormInputGrad",
  "lstmCell",
  "lstmCellGrad",
];

const overwriting = kernelsForBackend("cpu").filter((k) => k.overwrites).map((k) => k.kernelName);

Deno.test("the expected kernels skip zeroing, and scatter kernels do not", () => {
  assert.deepEqual(
    [...overwriting].sort(),
    [...EXPECTED].sort(),
  );
});

function run(b: CpuBackend, name: string, c: OpTestCase, poison: boolean): TypedArray {
  const def = getOp(name)!;
  const data = caseData(c, 17);
  const infos = c.inputs.map((s) => ({
    shape: s.shape,
    dtype: (s.int !== undefined ? "int32" : "float32") as DType,
  }));
  const info = def.infer(infos, c.attrs);
  if (poison) {
    const junk = b.pool.take(info.dtype, sizeOf(info.shape));
    junk.fill(info.dtype === "int32" ? 0x7fffffff : NaN);
    b.pool.give(junk);
  }
  const handles = c.inputs.map((s, i) => ({
    handle: b.upload(
      s.int !== undefined ? Int32Array.from(data[i]) : Float32Array.from(data[i]),
    ),
    shape: s.shape,
    dtype: infos[i].dtype,
  }));
  return b.exec(def, handles, c.attrs, info.shape, info.dtype) as TypedArray;
}

/** The conv backprops have no registry cases of their own: derive them from conv2d's. */
function convBackpropCases(name: string): OpTestCase[] {
  const conv = getOp("conv2d")!;
  return (conv.tests ?? []).map((c) => {
    const [x, w] = c.inputs.map((s) => s.shape);
    const y = conv.infer([{ shape: x, dtype: "float32" }, { shape: w, dtype: "float32" }], c.attrs)
      .shape;
    return name === "conv2dBackpropInput"
      ? {
        name: c.name,
        inputs: [{ shape: y }, { shape: w }],
        attrs: { ...c.attrs as object, xShape: x },
      }
      : {
        name: c.name,
        inputs: [{ shape: x }, { shape: y }],
        attrs: { ...c.attrs as object, wShape: w },
      };
  });
}

/** The pooling gradient's cases: maxPool2d's, with a dy of the pooled shape. */
function poolGradCases(): OpTestCase[] {
  const pool = getOp("maxPool2d")!;
  return (pool.tests ?? []).map((c) => {
    const x = c.inputs[0].shape;
    const y = pool.infer([{ shape: x, dtype: "float32" }], c.attrs).shape;
    return { name: c.name, inputs: [c.inputs[0], { shape: y }], attrs: c.attrs };
  });
}

/** batchNorm gradient ops' cases: batchNormTrain's x, with dy of its shape and per-channel values. */
function batchNormGradCases(name: string): OpTestCase[] {
  return (getOp("batchNormTrain")!.tests ?? []).map((c) => {
    const [x, g] = c.inputs;
    const stats = { shape: [4, g.shape[0]] };
    const inputs = name === "batchNormGradStats" ? [x, x] : [x, x, g, stats];
    return { name: c.name, inputs, attrs: c.attrs };
  });
}

/** lstmCellGrad's cases: lstmCell's, with the record's gradient, the record and prev. */
function lstmGradCases(): OpTestCase[] {
  const cell = getOp("lstmCell")!;
  return (cell.tests ?? []).map((c) => {
    const prev = c.inputs[1];
    const rec = cell.infer(
      c.inputs.map((s) => ({ shape: s.shape, dtype: "float32" as DType })),
      c.attrs,
    ).shape;
    return {
      name: c.name,
      inputs: [{ shape: rec }, { shape: rec }, ...(prev ? [prev] : [])],
      attrs: {},
    };
  });
}

for (const name of overwriting) {
  Deno.test(`${name}: a poisoned reused output gives the same result as a fresh one`, () => {
    const cases = name.startsWith("conv2dBackprop")
      ? convBackpropCases(name)
      : name === "maxPool2dGrad"
      ? poolGradCases()
      : ["batchNormGradStats", "batchNormInputGrad"].includes(name)
      ? batchNormGradCases(name)
      : name === "lstmCellGrad"
      ? lstmGradCases()
      : getOp(name)!.tests ?? [];
    assert.ok(cases.length > 0, `${name} has registry cases`);
    for (const c of cases) {
      const fresh = run(new CpuBackend(true), name, c, false);
      const reused = run(new CpuBackend(true), name, c, true);
      assert.deepEqual(Array.from(reused), Array.from(fresh), `${name} ${c.name}`);
    }
  });
}

/**
 * multiHeadAttention: float64 outputs against PyTorch's softmax(QKᵀ/√d)V on fixed inputs (with an
 * attention mask, a fully masked row and the causal mask), the whole layer's float64 gradient,
 * WebGPU vs CPU outputs and gradients, dropout, shapes, errors and model files.
 */
import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import "../../kernels/tensor_methods.ts";
import { gradients } from "../../kernels/autograd.ts";
import { type DeviceName, setDevice } from "../../kernels/device.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import type { MultiHeadAttention } from "../../layers/attention.ts";
import * as layers from "../../layers/mod.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { gradcheck } from "../../train/gradcheck.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";
import * as torchRef from "./attention_data.ts";
import { assertReloadsSame } from "./layer_test_utils.ts";

/** The inputs of attention_torch_reference.py: sin(0.37·i + c)·0.8, float64. */
function fill(shape: number[], c: number, dtype: "float32" | "float64" = "float64"): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + c) * 0.8);
  return tensor(dtype === "float64" ? Float64Array.from(v) : Float32Array.from(v), shape);
}

const [B, T, S, QF, VF, KF, H, KD, VD, OUT] = [2, 3, 4, 5, 6, 3, 2, 3, 2, 4];
const inputs = (dtype: "float32" | "float64" = "float64") => ({
  query: fill([B, T, QF], 0.1, dtype),
  value: fill([B, S, VF], 0.2, dtype),
  key: fill([B, S, KF], 0.3, dtype),
});
// The reference's mask: two masked scores and the fully masked row (b = 1, t = 1).
const maskValues = new Float32Array(B * T * S).fill(1);
maskValues[0 * T * S + 0 * S + 3] = 0;
maskValues[0 * T * S + 2 * S + 1] = 0;
for (let s = 0; s < S; s++) maskValues[1 * T * S + 1 * S + s] = 0;
const mask = () => tensor(maskValues, [B, T, S]);

/** A built layer whose weights are the reference's (float64 unless asked). */
function referenceLayer(dtype: "float32" | "float64" = "float64", dropout = 0): MultiHeadAttention {
  const mha = layers.multiHeadAttention({
    numHeads: H,
    keyDim: KD,
    valueDim: VD,
    outputShape: OUT,
    dropout,
  });
  const x = inputs("float32");
  mha.apply([x.query, x.value, x.key]); // builds it
  for (const w of mha.weights()) w.tensor.dispose();
  const part = (k: number[], b: number[], c: number) => ({
    kernel: fill(k, c, dtype),
    bias: fill(b, c + 0.1, dtype),
  });
  const p = {
    query: part([QF, H, KD], [H, KD], 1.0),
    key: part([KF, H, KD], [H, KD], 1.2),
    value: part([VF, H, VD], [H, VD], 1.4),
    output: part([H, VD, OUT], [OUT], 1.6),
  };
  mha.params = p;
  return mha;
}

function close(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  what: string,
  tolAt: (i: number) => number = () => tol,
) {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    assert.ok(
      d <= tolAt(i) * Math.max(1, Math.abs(want[i])),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
}

/**
 * The fully masked row's outputs (b = 1, t = 1) to 1e-7: its scores are all −1e9, and softmax
 * subtracts a log-sum-exp of −1e9 + log 4, whose float64 ulp (1.2e-7) limits the exponent;
 * PyTorch subtracts the max instead and gets exactly 1/4. Every other output to 1e-12.
 */
const maskedRowTol = (i: number) => (Math.floor(i / OUT) === 1 * T + 1 ? 1e-7 : 1e-12);

for (const device of ["cpu", "cpu-reference"] as DeviceName[]) {
  Deno.test(`multiHeadAttention on ${device} equals PyTorch's float64 attention math`, async () => {
    await setDevice(device);
    try {
      const mha = referenceLayer();
      const { query, value, key } = inputs();
      const run = (o: { attentionMask?: Tensor; useCausalMask?: boolean }) => {
        const y = mha.applyAttention(query, { value, key, ...o });
        assert.deepEqual(y.shape, [B, T, OUT]);
        assert.equal(y.dtype, "float64");
        return y.dataSync();
      };
      close(run({}), torchRef.plain, 1e-12, "plain");
      close(run({ attentionMask: mask() }), torchRef.masked, 1e-12, "masked", maskedRowTol);
      close(
        run({ attentionMask: mask(), useCausalMask: true }),
        torchRef.causalAndMask,
        1e-12,
        "causal and mask",
        maskedRowTol,
      );
      // The list form is the same call without masks.
      close(mha.apply([query, value, key]).dataSync(), torchRef.plain, 1e-12, "apply([q, v, k])");
    } finally {
      await setDevice("cpu");
    }
  });
}

Deno.test("multiHeadAttention: a fully masked row averages the values, as Keras", async () => {
  await setDevice("cpu");
  // With every key masked the scores are all −1e9: equal weights, whatever Q·Kᵀ was (to the
  // 1e-7 of a log-sum-exp at 1e9, see maskedRowTol).
  const mha = referenceLayer();
  const { query, value, key } = inputs();
  const none = tensor(new Float32Array(B * T * S), [B, T, S]);
  const y = mha.applyAttention(query, { value, key, attentionMask: none }).dataSync();
  const p = mha.params!;
  const v = value.reshape([B * S, VF]).matmul(p.value.kernel.reshape([VF, H * VD]))
    .add(p.value.bias!.reshape([H * VD])).reshape([B, S, H * VD]).mean(1); // [B, H·VD]
  const want = v.matmul(p.output.kernel.reshape([H * VD, OUT])).add(p.output.bias!).dataSync();
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = Array.from(y.slice((b * T + t) * OUT, (b * T + t + 1) * OUT));
      close(row, want.slice(b * OUT, (b + 1) * OUT), 1e-7, `row ${b},${t}`);
    }
  }
});

Deno.test("multiHeadAttention: gradient of the whole layer in float64 (inputs and weights)", async () => {
  await setDevice("cpu-reference");
  try {
    const mha = referenceLayer();
    const { query, value, key } = inputs();
    const p = mha.params!;
    const probe = fill([B, T, OUT], 2.5);
    const ws = [p.query, p.key, p.value, p.output].flatMap((w) => [w.kernel, w.bias!]);
    for (const useCausalMask of [false, true]) {
      const fn = (q: Tensor, v: Tensor, k: Tensor, ...w: Tensor[]) => {
        mha.params = {
          query: { kernel: w[0], bias: w[1] },
          key: { kernel: w[2], bias: w[3] },
          value: { kernel: w[4], bias: w[5] },
          output: { kernel: w[6], bias: w[7] },
        };
        const y = mha.applyAttention(q, { value: v, key: k, attentionMask: mask(), useCausalMask });
        return y.mul(probe).sum();
      };
      const res = gradcheck(fn, [query, value, key, ...ws]);
      // Absolute bounds: the key bias's true gradient is 0 (adding q·b_k to every score of a row
      // leaves its softmax unchanged), so its relative error is noise over noise. The gradients
      // are O(1); finite differences agree to ~1e-9, a wrong one is off by ~1e-2.
      for (const r of res.inputs) assert.ok(r.maxAbsError < 1e-8, JSON.stringify(res));
    }
  } finally {
    await setDevice("cpu");
  }
});

/** Output and gradients (query, value, every weight) in float32 on `device`. */
async function parityRun(device: "cpu" | "webgpu"): Promise<Float32Array[]> {
  await setDevice(device);
  const mha = referenceLayer("float32");
  const { query, value, key } = inputs("float32");
  query.requiresGrad = value.requiresGrad = true;
  const ws = mha.weights().map((w) => w.tensor);
  for (const w of ws) w.requiresGrad = true;
  const y = mha.applyAttention(query, { value, key, attentionMask: mask(), useCausalMask: true });
  const gs = gradients(y.mul(fill(y.shape, 2.5, "float32")).sum(), [query, value, ...ws]);
  const out = [y, ...gs.map((g) => g!)];
  const host = await Promise.all(out.map(async (t) => Float32Array.from(await t.data())));
  mha.dispose();
  return host;
}

await gpuTest("multiHeadAttention: webgpu vs cpu outputs and gradients (masks on)", async () => {
  const cpu = await parityRun("cpu");
  const gpu = await parityRun("webgpu");
  await setDevice("cpu");
  cpu.forEach((c, k) => close(gpu[k], c, 1e-5, `output/gradient ${k}`));
});

Deno.test("multiHeadAttention: dropout on the probabilities only in training, seeded", async () => {
  await setDevice("cpu");
  const { query, value, key } = inputs("float32");
  const mha = referenceLayer("float32", 0.5);
  const evalOut = mha.apply([query, value, key]).dataSync();
  const a = mha.apply([query, value, key], { training: true }).dataSync();
  const b = mha.apply([query, value, key], { training: true }).dataSync();
  close(evalOut, torchRef.plain, 1e-5, "eval is the plain attention");
  assert.ok(a.some((v, i) => Math.abs(v - evalOut[i]) > 1e-3), "training applies dropout");
  assert.ok(a.some((v, i) => v !== b[i]), "each call draws a new mask");
});

Deno.test("multiHeadAttention: shapes, self-attention, symbolic inputs, weights", async () => {
  await setDevice("cpu");
  const x = fill([2, 5, 8], 0, "float32");
  const self = layers.multiHeadAttention({ numHeads: 2, keyDim: 4 });
  assert.deepEqual(self.apply(x).shape, [2, 5, 8]);
  assert.deepEqual(self.weights().map((w) => [w.name, w.tensor.shape]), [
    ["multi_head_attention/query/kernel", [8, 2, 4]],
    ["multi_head_attention/query/bias", [2, 4]],
    ["multi_head_attention/key/kernel", [8, 2, 4]],
    ["multi_head_attention/key/bias", [2, 4]],
    ["multi_head_attention/value/kernel", [8, 2, 4]],
    ["multi_head_attention/value/bias", [2, 4]],
    ["multi_head_attention/attention_output/kernel", [2, 4, 8]],
    ["multi_head_attention/attention_output/bias", [8]],
  ]);
  const noBias = layers.multiHeadAttention({ numHeads: 3, keyDim: 2, useBias: false });
  noBias.apply(x);
  assert.equal(noBias.weights().length, 4);
  const q = input({ shape: [5, 8] }), v = input({ shape: [7, 3] });
  const cross = layers.multiHeadAttention({ numHeads: 2, keyDim: 4, valueDim: 6, outputShape: 9 });
  assert.deepEqual(cross.apply([q, v]).shape, [5, 9]);
  assert.throws(
    () => cross.apply([q, input({ shape: [7] })]),
    /value must be \[batch, time, features\]/,
  );
  assert.throws(
    () => cross.apply([q, v, input({ shape: [6, 3] })]),
    /key and value need the same length/,
  );
  assert.throws(
    () => self.applyAttention(x, { attentionMask: tensor(new Float32Array(10), [2, 5]) }),
    /attentionMask must be \[batch, T, S\] = \[2,5,5\]/,
  );
  assert.throws(() => layers.multiHeadAttention({ numHeads: 0, keyDim: 4 }), /numHeads/);
  assert.throws(() => layers.multiHeadAttention({ numHeads: 2, keyDim: 4, dropout: 1 }), /dropout/);
});

Deno.test("multiHeadAttention: config and model file round trip", async () => {
  await setDevice("cpu");
  const c = layerToConfig(layers.multiHeadAttention({ numHeads: 2, keyDim: 3, dropout: 0.1 }));
  assert.deepEqual(c, {
    className: "MultiHeadAttention",
    config: { numHeads: 2, keyDim: 3, dropout: 0.1 },
  });
  assert.deepEqual(layerToConfig(layerFromConfig(c)), c);
  const model = new Sequential([
    layers.multiHeadAttention({ numHeads: 2, keyDim: 3, inputShape: [4, 6] }),
    layers.flatten(),
    layers.dense({ units: 2 }),
  ], { seed: 5 });
  await assertReloadsSame(model, fill([3, 4, 6], 0.4, "float32"));
});

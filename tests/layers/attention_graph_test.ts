/**
 * multiHeadAttention's call options inside functional and Sequential models (issue 17, gap B):
 * `useCausalMask` as a call option or a layer option, and an attention mask that is a model
 * input; each equals `applyAttention` bit for bit.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Model } from "../../layers/model.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { gradcheck } from "../../train/gradcheck.ts";

await setDevice("cpu");

const B = 2, T = 4, S = 3, F = 5;

function fill(shape: number[], c: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + c) * 0.8), shape);
}

Deno.test("graph attention: useCausalMask as a call option equals applyAttention with it", () => {
  const x = input({ shape: [T, F] });
  const mha = layers.multiHeadAttention({ numHeads: 2, keyDim: 3 });
  const m = new Model({ inputs: x, outputs: mha.apply([x, x], { useCausalMask: true }), seed: 1 });
  const xs = fill([B, T, F], 0.3);
  const got = m.apply(xs).dataSync();
  assert.deepEqual(got, mha.applyAttention(xs, { useCausalMask: true }).dataSync());
  assert.match(m.summary(), /input_\d+, input_\d+, useCausalMask: true/);
  // Not the unmasked attention: the mask is applied.
  assert.notDeepEqual(got, mha.applyAttention(xs).dataSync());
  // A call's own option wins over the layer's default; a later plain call is not causal.
  assert.deepEqual(mha.apply(xs).dataSync(), mha.applyAttention(xs).dataSync());
});

Deno.test("graph attention: the layer option useCausalMask makes a Sequential's self-attention causal", () => {
  const causal = layers.multiHeadAttention({
    numHeads: 2,
    keyDim: 3,
    useCausalMask: true,
    inputShape: [T, F],
  });
  const m = new Sequential([causal], { seed: 2 });
  const xs = fill([B, T, F], 0.5);
  const y = m.apply(xs).dataSync();
  assert.deepEqual(y, causal.applyAttention(xs, { useCausalMask: true }).dataSync());
  // A call's useCausalMask: false overrides the layer's default.
  assert.notDeepEqual(y, causal.applyAttention(xs, { useCausalMask: false }).dataSync());
  assert.throws(
    () => layers.multiHeadAttention({ numHeads: 1, keyDim: 2, useCausalMask: "yes" as never }),
    /useCausalMask must be true or false, got "yes"/,
  );
});

Deno.test("graph attention: an attention mask that is a model input equals applyAttention with it", () => {
  const q = input({ shape: [T, F] }), v = input({ shape: [S, F] });
  const am = input({ shape: [T, S], name: "attention_mask" });
  const mha = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2 });
  const y = mha.apply([q, v], { attentionMask: am, useCausalMask: true });
  const m = new Model({ inputs: [q, v, am], outputs: y, seed: 3 });
  const qs = fill([B, T, F], 0.1), vs = fill([B, S, F], 0.2);
  const mv = new Float32Array(B * T * S).fill(1);
  mv[1] = 0;
  mv[T * S + 2 * S + 0] = 0;
  const mask = tensor(mv, [B, T, S]);
  const got = m.apply([qs, vs, mask]).dataSync();
  const want = mha.applyAttention(qs, { value: vs, attentionMask: mask, useCausalMask: true });
  assert.deepEqual(got, want.dataSync());
  assert.notDeepEqual(got, mha.applyAttention(qs, { value: vs, useCausalMask: true }).dataSync());
  assert.match(m.summary(), /attention_mask \(attentionMask\)/);
  assert.throws(
    () => mha.apply([q, v], { attentionMask: input({ shape: [S, T] }) }),
    /attentionMask must be one symbolic tensor of \[batch, T, S\] = \[batch,4,3\], got \[batch,3,4\]/,
  );
  assert.throws(
    () => mha.apply([q, v], { initialState: [q] }),
    /takes the call options attentionMask, useCausalMask, got "initialState"/,
  );
});

Deno.test("graph attention: float64 gradient of a functional model with the causal mask and a mask input", () => {
  const q = input({ shape: [T, F] }), v = input({ shape: [S, F] }), am = input({ shape: [T, S] });
  const y = layers.multiHeadAttention({ numHeads: 2, keyDim: 3 })
    .apply([q, v], { attentionMask: am, useCausalMask: true });
  const m = new Model({ inputs: [q, v, am], outputs: y, seed: 4 });
  const mv = new Float32Array(B * T * S).fill(1);
  mv[T * S + 3 * S + 1] = 0;
  const r = gradcheck(m, {
    x: [fill([B, T, F], 0.7), fill([B, S, F], 0.9), tensor(mv, [B, T, S])],
    y: fill([B, T, F], 1.3),
  }, { loss: (out: Tensor, p: Tensor) => out.mul(p).sum() });
  assert.equal(r.parameters.length, 8);
  // attention_test's bound: the key bias's true gradient is 0, so only absolute errors count.
  for (const p of r.parameters) assert.ok(p.maxAbsError < 1e-8, `${p.name}: ${JSON.stringify(p)}`);
});

/**
 * lstmCell's meaning (the registry tests cover its gradient and backend parity): the record's
 * parts against the Keras formulas written out in float64, a packed [h | c] state and a previous
 * record read alike, and clear errors for shapes that do not fit.
 */
import assert from "node:assert/strict";
import { LSTM_RECORD, lstmCell } from "../../../kernels/ops/lstm_cell.ts";
import { Rng } from "../../../kernels/random.ts";
import { tensor } from "../../../kernels/tensor.ts";

const B = 2, U = 3;
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const rand = (n: number, seed: number) => {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
};

Deno.test("lstmCell: the record is [h | c | i | f | g | o | tanh c] of the Keras cell", () => {
  const z = rand(B * 4 * U, 1), hc = rand(B * 2 * U, 2);
  const rec = lstmCell(tensor(z, [B, 4 * U]), tensor(hc, [B, 2 * U])).dataSync();
  assert.equal(rec.length, B * LSTM_RECORD.width * U);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < U; k++) {
      const zi = z[b * 4 * U + k], zf = z[b * 4 * U + U + k];
      const zc = z[b * 4 * U + 2 * U + k], zo = z[b * 4 * U + 3 * U + k];
      const c = sig(zf) * hc[b * 2 * U + U + k] + sig(zi) * Math.tanh(zc);
      const want = [
        sig(zo) * Math.tanh(c),
        c,
        sig(zi),
        sig(zf),
        Math.tanh(zc),
        sig(zo),
        Math.tanh(c),
      ];
      want.forEach((v, part) => {
        const got = rec[b * 7 * U + part * U + k];
        assert.ok(Math.abs(got - v) < 1e-15, `row ${b} unit ${k} part ${part}: ${got} vs ${v}`);
      });
    }
  }
  // A previous record reads its c where the packed state has it; no state is c = 0.
  const asRecord = lstmCell(tensor(z, [B, 4 * U]), lstmCell(tensor(z, [B, 4 * U]))).dataSync();
  const first = lstmCell(tensor(z, [B, 4 * U])).dataSync();
  const packed = Float64Array.from({ length: B * 2 * U }, (_, j) => {
    const b = Math.floor(j / (2 * U)), k = j % (2 * U);
    return first[b * 7 * U + k];
  });
  assert.deepEqual(
    asRecord,
    lstmCell(tensor(z, [B, 4 * U]), tensor(packed, [B, 2 * U])).dataSync(),
  );
});

Deno.test("lstmCell: shapes that do not fit are clear errors", () => {
  const z = tensor(rand(B * 4 * U, 3), [B, 4 * U]);
  assert.throws(() => lstmCell(tensor(rand(10, 1), [2, 5])), /z is not \[batch, 4·units\]/);
  assert.throws(
    () => lstmCell(z, tensor(rand(B * 3 * U, 4), [B, 3 * U])),
    /the state does not match z: .* got z \[2,12\], state \[2,9\]/,
  );
  assert.throws(
    () => lstmCell(z, tensor(rand(2 * U, 4), [1, 2 * U])),
    /the state does not match z/,
  );
  assert.throws(() => lstmCell(z, z.cast("float32")), /needs float tensors of one dtype/);
});

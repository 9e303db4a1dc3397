/**
 * bench/batch_norm_ab.ts: both variants are timed and the fused training call is back
 * afterwards.
 */
import assert from "node:assert/strict";
import { compareBatchNorm } from "../../bench/batch_norm_ab.ts";
import { setDevice } from "../../kernels/device.ts";
import { BatchNorm } from "../../layers/batch_norm.ts";

Deno.test("batch_norm_ab: fused and composed timed on W5; the fused call is restored", async () => {
  await setDevice("cpu");
  const call = BatchNorm.prototype.call;
  const r = await compareBatchNorm("W5", 1, 1);
  assert.deepEqual(Object.keys(r.ms).sort(), ["composed", "fused"]);
  for (const t of Object.values(r.ms)) assert.ok(t.min > 0 && t.median >= t.p25);
  assert.equal(BatchNorm.prototype.call, call);
});

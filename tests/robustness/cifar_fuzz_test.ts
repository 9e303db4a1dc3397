import assert from "node:assert/strict";
import { CIFAR10_RECORD_BYTES, parseCifar10Batch } from "../../datasets/cifar10.ts";
import { DatasetError } from "../../datasets/errors.ts";
import { cifarBatchBytes } from "../datasets/cifar10_fixture.ts";
import { fuzz } from "./fuzz.ts";

const seeds = [cifarBatchBytes(0, 3), cifarBatchBytes(5, 1)];
// The label bytes of the first records.
const hot: [number, number][] = [[0, 1], [CIFAR10_RECORD_BYTES, CIFAR10_RECORD_BYTES + 1]];

Deno.test("fuzz CIFAR-10 batches: whole records load with labels 0–9, anything else is a DatasetError", async () => {
  const r = await fuzz(
    seeds,
    (b) => {
      const s = parseCifar10Batch(b, "b.bin");
      assert.equal(s.n * CIFAR10_RECORD_BYTES, b.length);
      assert.equal(s.images.length, s.n * 3072);
      assert.ok(s.labels.every((l) => l <= 9));
    },
    (e) => e instanceof DatasetError && /^b\.bin: /.test(e.message),
    { hot },
  );
  assert.ok(r.loaded > 0 && r.rejected > 0, JSON.stringify(r));
});

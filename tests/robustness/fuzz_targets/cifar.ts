/** Fuzz target of the CIFAR-10 batch parser (cifar_fuzz_test.ts runs it). @module */
import assert from "node:assert/strict";
import { CIFAR10_RECORD_BYTES, parseCifar10Batch } from "../../../datasets/cifar10.ts";
import { DatasetError } from "../../../datasets/errors.ts";
import { cifarBatchBytes } from "../../datasets/cifar10_fixture.ts";
import type { FuzzTarget } from "../fuzz.ts";

/** Whole records load with labels 0–9; the label bytes of the first records are hit most. */
export const cifar: FuzzTarget = {
  seeds: () => [cifarBatchBytes(0, 3), cifarBatchBytes(5, 1)],
  parse: (b) => {
    const s = parseCifar10Batch(b, "b.bin");
    assert.equal(s.n * CIFAR10_RECORD_BYTES, b.length);
    assert.equal(s.images.length, s.n * 3072);
    assert.ok(s.labels.every((l) => l <= 9));
  },
  isClean: (e) => e instanceof DatasetError && /^b\.bin: /.test(e.message),
  opts: { hot: [[0, 1], [CIFAR10_RECORD_BYTES, CIFAR10_RECORD_BYTES + 1]] },
};

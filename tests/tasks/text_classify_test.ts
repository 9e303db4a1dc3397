import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import { arcTexts } from "../../datasets/opinion_arcs.ts";
import { task, TEXT_CLASSIFY_PARAMS, textClassifier } from "../../tasks/text_classify.ts";
import { hasTorch, quickFloorTest, runTwin, twinSmokeTest } from "./task_checks.ts";

/** SHA-256 (hex) of the ids then the labels, little-endian int32: the twin's --print-data-hash. */
async function sha256(...parts: Int32Array[]): Promise<string> {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("text-classify: ids [48] → 8 logits; 45 192 parameters in Keras' layout", async () => {
  await setDevice("cpu");
  const m = textClassifier(1).ensureBuilt([48]);
  assert.equal(m.countParams(), TEXT_CLASSIFY_PARAMS);
  assert.equal(TEXT_CLASSIFY_PARAMS, 45192);
  assert.deepEqual(m.weights().map((w) => w.tensor.shape), [
    [1000, 32],
    [32, 96],
    [32, 96],
    [2, 96],
    [32, 96],
    [32, 96],
    [2, 96],
    [64, 8],
    [8],
  ]);
  const ids = tensor(Int32Array.from({ length: 3 * 48 }, (_, i) => i % 1000), [3, 48]);
  assert.deepEqual(m.apply(ids).shape, [3, 8]);
  m.dispose();
  ids.dispose();
});

Deno.test({
  name: "text_classify_torch.py generates the same texts and arcs as datasets/opinion_arcs.ts",
  ignore: !hasTorch,
  fn: async () => {
    const train = arcTexts(new Rng(2), 500), test = arcTexts(new Rng(3), 200);
    const [hashes] = await runTwin("text_classify_torch.py", [
      "--limit",
      "500",
      "--test-limit",
      "200",
      "--print-data-hash",
    ]);
    assert.equal(hashes.train, await sha256(train.ids, train.labels));
    assert.equal(hashes.test, await sha256(test.ids, test.labels));
  },
});

quickFloorTest(task);
twinSmokeTest("text_classify_torch.py", TEXT_CLASSIFY_PARAMS);

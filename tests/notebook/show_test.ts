import assert from "node:assert/strict";
import { showWith } from "../../notebook/show.ts";
import { SETTLE_MS } from "../../notebook/jupyter_progress.ts";
import { JUPYTER_DISPLAY } from "../../notebook/display.ts";
import { progressLogger } from "../../train/callbacks/builtin.ts";
import type { TrainingContext } from "../../train/callbacks/callback.ts";

const rich = { [JUPYTER_DISPLAY]: () => ({ "text/plain": "rich text", "text/html": "<b>r</b>" }) };

Deno.test("show displays every object, then waits for the kernel to publish them", async () => {
  const shown: unknown[] = [];
  let doneAt = 0;
  const j = {
    display(obj: unknown, opts?: { raw?: boolean }) {
      shown.push(opts?.raw ? (obj as Record<string, string>)["text/plain"] : obj);
      doneAt = performance.now();
      return Promise.resolve();
    },
  };
  await showWith(j, [rich, 42, { a: [1, 2] }]);
  const waited = performance.now() - doneAt;
  // Rich objects go to the kernel as they are; plain values as uncoloured text.
  assert.deepEqual(shown, [rich, "42", "{ a: [ 1, 2 ] }"]);
  assert.ok(waited >= SETTLE_MS - 5, `resolved ${waited.toFixed(1)} ms after the last display`);
});

Deno.test("outside a notebook show prints the text form", async () => {
  const lines: unknown[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(...a);
  try {
    await showWith(undefined, [rich, "plain"]);
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ["rich text", "plain"]);
});

Deno.test("in a notebook fit's end waits for the kernel to publish the last progress line", async () => {
  const j = { display: () => Promise.resolve() };
  const cb = progressLogger(undefined, () => ({}), j);
  const t0 = performance.now();
  await cb.onTrainEnd!({} as TrainingContext);
  assert.ok(performance.now() - t0 >= SETTLE_MS - 5);
  const t1 = performance.now();
  await progressLogger((_s) => {}).onTrainEnd!({} as TrainingContext);
  assert.ok(performance.now() - t1 < SETTLE_MS / 2, "no wait outside a notebook");
});

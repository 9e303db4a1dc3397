import assert from "node:assert/strict";
import { currentJupyter, type JupyterDisplayOptions } from "../../notebook/jupyter_progress.ts";
import { progressLogger } from "../../train/callbacks/builtin.ts";
import type { TrainingContext } from "../../train/callbacks/callback.ts";
import type { EpochRecord } from "../../train/history.ts";

/** A fake `Deno.jupyter` that records every display call. */
function fakeJupyter() {
  const calls: { text: string; opts: JupyterDisplayOptions }[] = [];
  return {
    calls,
    display(obj: unknown, opts: JupyterDisplayOptions = {}) {
      calls.push({ text: (obj as Record<string, string>)["text/plain"], opts });
      return Promise.resolve();
    },
  };
}

Deno.test("outside a notebook there is no Deno.jupyter", () => {
  assert.equal(currentJupyter(), undefined);
});

Deno.test("in a notebook each epoch is one output line updated in place", () => {
  const j = fakeJupyter();
  const cb = progressLogger(undefined, () => ({}), j);
  const ctx = { stepsPerEpoch: 200, epochs: 2 } as unknown as TrainingContext;
  const rec = { epoch: 1, loss: 0.5, acc: 0.9, seconds: 1, samplesPerSecond: 1 } as EpochRecord;
  for (const epoch of [1, 2]) {
    cb.onEpochBegin!(epoch, ctx);
    for (let b = 0; b < 200; b++) {
      cb.onBatchEnd!(b, { epoch, batch: b, loss: 1 / (b + 1), acc: 0.5 } as never, ctx);
    }
    cb.onEpochEnd!(epoch, { ...rec, epoch }, ctx);
  }
  const ids = [...new Set(j.calls.map((c) => c.opts.display_id))];
  assert.equal(ids.length, 2, "one display per epoch");
  for (const id of ids) {
    const mine = j.calls.filter((c) => c.opts.display_id === id);
    assert.ok(mine.length >= 2 && mine.length < 200, `${mine.length} redraws, not one per batch`);
    assert.equal(mine[0].opts.update, false);
    assert.ok(mine.slice(1).every((c) => c.opts.update === true && c.opts.raw === true));
    assert.match(mine.at(-1)!.text, /^epoch \d\/2 200\/200 .*loss 0\.5000 acc 0\.9000/);
    assert.ok(mine.every((c) => !c.text.includes("\n") && !c.text.includes("\r")));
  }
});

Deno.test("a custom write keeps plain lines even in a notebook", () => {
  const out: string[] = [];
  const cb = progressLogger((s) => out.push(s));
  const ctx = { stepsPerEpoch: 10, epochs: 1 } as unknown as TrainingContext;
  cb.onEpochBegin!(1, ctx);
  cb.onEpochEnd!(
    1,
    { epoch: 1, loss: 1, acc: NaN, seconds: 1, samplesPerSecond: 1 } as EpochRecord,
    ctx,
  );
  assert.equal(out.length, 1);
  assert.ok(out[0].endsWith("\n"));
});

import assert from "node:assert/strict";
import {
  currentJupyter,
  type JupyterDisplayOptions,
  jupyterLine,
} from "../../notebook/jupyter_progress.ts";
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

Deno.test("in a notebook each epoch is one output line updated in place", async () => {
  const j = fakeJupyter();
  const cb = progressLogger(undefined, () => ({}), j);
  const ctx = { stepsPerEpoch: 200, epochs: 2 } as unknown as TrainingContext;
  const rec = { epoch: 1, loss: 0.5, acc: 0.9, seconds: 1, samplesPerSecond: 1 } as EpochRecord;
  for (const epoch of [1, 2]) {
    cb.onEpochBegin!(epoch, ctx);
    for (let b = 0; b < 200; b++) {
      cb.onBatchEnd!(b, { epoch, batch: b, loss: 1 / (b + 1), acc: 0.5 } as never, ctx);
    }
    await cb.onEpochEnd!(epoch, { ...rec, epoch }, ctx);
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

Deno.test("a line's sends run in order and flush waits for the last one", async () => {
  const shown: string[] = [];
  let open = 0, most = 0;
  const slow = {
    async display(obj: unknown) {
      most = Math.max(most, ++open);
      // The first send is the slowest: a later one must still land after it.
      await new Promise((r) => setTimeout(r, shown.length === 0 ? 20 : 1));
      shown.push((obj as Record<string, string>)["text/plain"]);
      open--;
    },
  };
  const show = jupyterLine(slow);
  for (const t of ["a", "b", "c"]) show(t);
  assert.deepEqual(shown, [], "nothing is sent synchronously");
  await show.flush();
  assert.deepEqual(shown, ["a", "b", "c"]);
  assert.equal(most, 1, "one send at a time");
});

Deno.test("fit's epoch end waits until its last progress line reached the notebook", async () => {
  const shown: string[] = [];
  const j = {
    async display(obj: unknown) {
      await new Promise((r) => setTimeout(r, 5));
      shown.push((obj as Record<string, string>)["text/plain"]);
    },
  };
  const cb = progressLogger(undefined, () => ({}), j);
  const ctx = { stepsPerEpoch: 3, epochs: 1 } as unknown as TrainingContext;
  cb.onEpochBegin!(1, ctx);
  cb.onBatchEnd!(0, { epoch: 1, batch: 0, loss: 1 } as never, ctx);
  await cb.onEpochEnd!(
    1,
    { epoch: 1, loss: 0.25, acc: NaN, seconds: 1, samplesPerSecond: 1 } as EpochRecord,
    ctx,
  );
  assert.match(shown.at(-1) ?? "", /^epoch 1\/1 3\/3 .*loss 0\.2500/);
});

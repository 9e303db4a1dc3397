/**
 * Processes killed at a bad moment: kill -9 in the middle of checkpoint saves never leaves a
 * broken checkpoint, and Ctrl-C (SIGINT) during a task's training stops it at once without
 * writing partial results.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { setDevice } from "../../kernels/device.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { loadCheckpoint } from "../../train/checkpoint.ts";

/** Starts `args` under deno and resolves once its stdout has shown `marker`. */
async function startUntil(args: string[], marker: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // A watchdog, not a timing check: a child that never prints the marker must not hang CI.
  const watchdog = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const reader = child.stdout.getReader();
  let seen = "";
  while (!seen.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) {
      clearTimeout(watchdog);
      throw new Error(`child ended before printing "${marker}": ${seen.slice(-500)}`);
    }
    seen += new TextDecoder().decode(value);
  }
  clearTimeout(watchdog);
  // Keep draining so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done);
  })();
  return child;
}

Deno.test("kill -9 during checkpoint saves: the file always loads, with a complete save's meta", async () => {
  await setDevice("cpu");
  const dir = await Deno.makeTempDir();
  const path = join(dir, "m.ckpt");
  const child = join(import.meta.dirname!, "save_loop_child.ts");
  const model = new Sequential([layers.dense({ units: 1000, inputShape: [1000] })], { seed: 9 })
    .build();
  let last = 0;
  for (let round = 0; round < 4; round++) {
    const p = await startUntil(["run", "-A", child, path], "saved 1\n");
    // Kill at different points of a save (a 4 MB write takes a few milliseconds).
    await new Promise((r) => setTimeout(r, 3 + 7 * round));
    p.kill("SIGKILL");
    const status = await p.status;
    assert.equal(status.signal, "SIGKILL");
    await p.stderr.cancel();
    const meta = await loadCheckpoint(model, path);
    assert.ok(Number.isInteger(meta.n) && (meta.n as number) >= 1, JSON.stringify(meta));
    last = meta.n as number;
  }
  assert.ok(last >= 1);
  // Only the checkpoint and the temporary files of killed writers (dot-prefixed, never loaded).
  for await (const e of Deno.readDir(dir)) {
    assert.ok(e.name === "m.ckpt" || /^\.m\.ckpt\.\d+\.[0-9a-f]{8}\.tmp$/.test(e.name), e.name);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("SIGINT during a task's training: exits at once, no partial results written", async () => {
  const out = await Deno.makeTempDir();
  const task = join(import.meta.dirname!, "../../tasks/mnist_mlp_relu.ts");
  const p = await startUntil(
    // All 48 000 training images: the kill lands early in epoch 1, before the results writer
    // and the checkpoint write their first set at its end (a 500-image epoch ended first under load).
    ["run", "-A", task, "--device", "cpu", "--epochs", "100000", "--out", out],
    "epoch 1/",
  );
  p.kill("SIGINT");
  const status = await p.status;
  await p.stderr.cancel();
  assert.equal(status.success, false);
  assert.equal(status.signal, "SIGINT");
  const left = [];
  for await (const e of Deno.readDir(out)) left.push(e.name);
  assert.deepEqual(left, []);
  await Deno.remove(out, { recursive: true });
});

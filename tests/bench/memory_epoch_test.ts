/**
 * bench/memory_epoch.ts end to end on a few W1 steps (18) on the CPU: the series is sampled every
 * `--every` steps, the file has the summary fields, and a training step leaves no tensor behind.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../bench/memory_epoch.ts", import.meta.url));

Deno.test("memory_epoch writes an RSS series with its slope and live-tensor counts", async () => {
  const out = `${await Deno.makeTempDir()}/memory.json`;
  const args = ["run", "-A", script, "--workload", "W1", "--steps", "18", "--every", "3"];
  const r = await new Deno.Command(Deno.execPath(), {
    args: [...args, "--out", out],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  const j = JSON.parse(await Deno.readTextFile(out));
  assert.deepEqual(j.samples.map((s: { step: number }) => s.step), [3, 6, 9, 12, 15, 18]);
  assert.equal(j.steps, 18);
  assert.match(j.device, /^CPU/);
  assert.ok(j.rssFirstMiB > 0 && j.peakRssMiB >= j.rssMaxMiB, JSON.stringify(j));
  assert.equal(typeof j.rssSlopeSecondHalfMiBPerStep, "number");
  assert.equal(j.liveTensorsLast, j.liveTensorsFirst, "a step must not leak tensors");
  assert.match(new TextDecoder().decode(r.stdout), /W1 on CPU.*18 steps/);
});

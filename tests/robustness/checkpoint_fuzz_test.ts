import assert from "node:assert/strict";
import { fuzzInWorker } from "./fuzz_watchdog.ts";

Deno.test("fuzz checkpoints: a mutated file loads finite weights or fails cleanly, model untouched", async () => {
  const url = new URL("./fuzz_targets/checkpoint.ts", import.meta.url);
  const r = await fuzzInWorker(url, "checkpoint");
  assert.ok(r.loaded > 0 && r.rejected > 0, JSON.stringify(r));
});

import assert from "node:assert/strict";
import { fuzzInWorker } from "./fuzz_watchdog.ts";

Deno.test("fuzz safetensors: a mutated file loads exactly or fails naming it, no huge allocation", async () => {
  const url = new URL("./fuzz_targets/safetensors.ts", import.meta.url);
  const r = await fuzzInWorker(url, "safetensors");
  assert.ok(r.loaded > 0 && r.rejected > 0, JSON.stringify(r));
});

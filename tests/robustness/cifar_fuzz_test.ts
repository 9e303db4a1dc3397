import assert from "node:assert/strict";
import { fuzzInWorker } from "./fuzz_watchdog.ts";

Deno.test("fuzz CIFAR-10 batches: whole records load with labels 0–9, anything else is a DatasetError", async () => {
  const r = await fuzzInWorker(new URL("./fuzz_targets/cifar.ts", import.meta.url), "cifar");
  assert.ok(r.loaded > 0 && r.rejected > 0, JSON.stringify(r));
});

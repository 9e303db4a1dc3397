import assert from "node:assert/strict";
import { fuzzInWorker } from "./fuzz_watchdog.ts";

const targets = new URL("./fuzz_targets/idx.ts", import.meta.url);

Deno.test("fuzz IDX: every mutated file loads exactly or is a DatasetError naming it", async () => {
  const r = await fuzzInWorker(targets, "idx");
  assert.ok(r.loaded > 0 && r.rejected > 0, JSON.stringify(r));
});

Deno.test("fuzz gzip'd IDX: corrupt or cut gzip streams are DatasetErrors too", async () => {
  const r = await fuzzInWorker(targets, "idxGzip");
  assert.ok(r.rejected > 0, JSON.stringify(r));
});

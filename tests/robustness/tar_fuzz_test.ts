import assert from "node:assert/strict";
import { fuzzInWorker } from "./fuzz_watchdog.ts";

Deno.test("fuzz tar: mutated archives read fully or fail with a DatasetError, no huge allocation", async () => {
  const r = await fuzzInWorker(new URL("./fuzz_targets/tar.ts", import.meta.url), "tar");
  assert.ok(r.loaded > 0 && r.rejected > 0, JSON.stringify(r));
});

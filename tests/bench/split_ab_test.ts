/**
 * bench/split_ab.ts: every setting is timed, the helper runs halves only under "helper", and the
 * toggles are back on afterwards.
 */
import assert from "node:assert/strict";
import { compareSplit, SETTINGS } from "../../bench/split_ab.ts";
import { openBlasPath } from "../../kernels/cpu/gemm_dispatch.ts";
import { helperStats } from "../../kernels/cpu/parallel/helper.ts";
import { wasmKernels } from "../../kernels/cpu/wasm/module.ts";
import { setDevice } from "../../kernels/device.ts";

Deno.test({
  name: "split_ab: each setting timed; the helper ran the halves of its blocks only",
  ignore: !wasmKernels() || openBlasPath() === undefined,
  fn: async () => {
    await setDevice("cpu");
    const r = await compareSplit("W3", 1, 2);
    assert.deepEqual(Object.keys(r.ms).sort(), Object.keys(SETTINGS).sort());
    for (const t of Object.values(r.ms)) assert.ok(t.p25 > 0 && t.median >= t.p25);
    // W3 splits 5 passes a step; the helper's block is 3 steps (one after the switch).
    assert.equal(r.helperRan, 15);
    const pairs = helperStats.pairs;
    await compareSplit("W3", 0, 0); // one warm-up step with the toggles restored: split
    assert.ok(helperStats.pairs > pairs);
  },
});

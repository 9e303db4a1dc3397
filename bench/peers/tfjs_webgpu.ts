/**
 * TensorFlow.js's WebGPU backend on the same adapter as ours, in Deno (issue: WebGPU backend):
 * `deno run -A bench/peers/tfjs_webgpu.ts [seconds] [W1,...,W7,matmul]` prints one JSON line
 * per case (see bench/peers/tfjs_run.ts: loss read back every 10 steps and at the end of a repeat,
 * like our WebGPU bench), or `{peer, error}` when the backend does not start.
 */
// Pinned inline on purpose: TF.js is a benchmark peer, not a toolkit dependency, so it stays out
// of deno.json's import map and is fetched only when this script runs.
// deno-lint-ignore no-import-prefix
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
// deno-lint-ignore no-import-prefix
import "npm:@tensorflow/tfjs-backend-webgpu@4.22.0";
import { runTfjs } from "./tfjs_run.ts";

const seconds = Number(Deno.args[0] ?? 3);
const names = (Deno.args[1] ?? "W1").split(",");
const peer = "tfjs-webgpu";
let ok = false, why = "";
try {
  ok = await tf.setBackend("webgpu");
  await tf.ready();
} catch (e) {
  why = String(e);
}
if (!ok) {
  console.log(JSON.stringify({
    peer,
    version: tf.version.tfjs,
    error: `webgpu backend did not initialise${why ? `: ${why}` : ""}`,
  }));
  Deno.exit(0);
}
const adapter = await navigator.gpu?.requestAdapter();
const info = adapter?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
await runTfjs(tf, names, seconds, {
  peer,
  version: tf.version.tfjs,
  adapter: info?.description ?? "unknown adapter",
  isFallbackAdapter: info?.isFallbackAdapter,
});

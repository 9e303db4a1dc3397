/**
 * TensorFlow.js's CPU backends in Deno, a peer for `deno task bench --peers`:
 * `deno run -A bench/peers/tfjs_cpu.ts cpu|wasm [seconds] [W1,...,W7,matmul]` prints one JSON
 * line per case (see bench/peers/tfjs_run.ts), or `{peer, error}` when the backend does not load.
 */
// Pinned inline on purpose: TF.js is a benchmark peer, not a toolkit dependency, so it stays out
// of deno.json's import map and is fetched only when this script runs.
// deno-lint-ignore no-import-prefix
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
// deno-lint-ignore no-import-prefix
import "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import { runTfjs } from "./tfjs_run.ts";

const backendName = Deno.args[0] ?? "cpu";
const seconds = Number(Deno.args[1] ?? 3);
const names = (Deno.args[2] ?? "W1").split(",");
const peer = `tfjs-${backendName}`;
let ok = false, why = "";
try {
  ok = await tf.setBackend(backendName);
  await tf.ready();
} catch (e) {
  why = String(e);
}
if (!ok || tf.getBackend() !== backendName) {
  console.log(JSON.stringify({
    peer,
    version: tf.version.tfjs,
    error: `the ${backendName} backend did not initialise${why ? `: ${why}` : ""}`,
  }));
  Deno.exit(0);
}
await runTfjs(tf, names, seconds, { peer, version: tf.version.tfjs, threads: 1 });

/**
 * Child process of signals_test.ts: saves a checkpoint of a ~4 MB model to `Deno.args[0]` over
 * and over, with the save count in its meta, printing "saved N" after each save.
 */
import { setDevice } from "../../kernels/device.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { saveCheckpoint } from "../../train/checkpoint.ts";

await setDevice("cpu");
const model = new Sequential([layers.dense({ units: 1000, inputShape: [1000] })], { seed: 1 })
  .build();
for (let n = 1;; n++) {
  await saveCheckpoint(model, Deno.args[0], { n });
  console.log(`saved ${n}`);
}

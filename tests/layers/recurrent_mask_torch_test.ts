/**
 * Masked recurrent layers against PyTorch (/usr/bin/python3, recurrent_mask_torch.py, float64):
 * a right-padded batch with its mask gives, in both directions, the final states and the kept
 * steps of the sequence that nn.LSTM / nn.GRU give on the batch packed with
 * pack_padded_sequence (the same weights, moved into torch's layout by the script).
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import type { RecurrentLayer } from "../../layers/recurrent.ts";
import { ignoreWithoutTorch, runTorchJson } from "../torch_python.ts";
import { randomTensor } from "./recurrent_fixture.ts";

const SCRIPT = new URL("./recurrent_mask_torch.py", import.meta.url).pathname;
const B = 3, T = 5, F = 4, U = 3;
const LENGTHS = [5, 2, 3];

Deno.test({
  name: "masked lstm and gru (both directions) equal PyTorch's packed sequences (≤ 1e-12)",
  ignore: ignoreWithoutTorch,
  fn: async () => {
    await setDevice("cpu");
    const keep = LENGTHS.flatMap((n) => Array.from({ length: T }, (_, s) => (s < n ? 1 : 0)));
    const mask = tensor(Float64Array.from(keep), [B, T]);
    // Padded steps hold values, not zeros: the mask alone must make them not count.
    const x = randomTensor([B, T, F], 1);
    for (const kind of ["lstm", "gru"] as const) {
      const g = kind === "lstm" ? 4 : 3;
      const weights = (seed: number) => ({
        kernel: randomTensor([F, g * U], seed, 0.6),
        recurrentKernel: randomTensor([U, g * U], seed + 1, 0.6),
        bias: randomTensor(kind === "lstm" ? [g * U] : [2, g * U], seed + 2, 0.3),
      });
      const wf = weights(10), wb = weights(20);
      const make = (goBackwards: boolean): RecurrentLayer =>
        kind === "lstm"
          ? layers.lstm({ units: U, returnSequences: true, goBackwards })
          : layers.gru({ units: U, returnSequences: true, goBackwards });
      const [fSeq, ...fStates] = make(false).runWith(x, wf, undefined, mask);
      const [bSeq, ...bStates] = make(true).runWith(x, wb, undefined, mask);
      const asJob = (w: typeof wf) => ({
        g,
        kernel: Array.from(w.kernel.dataSync()),
        recurrent: Array.from(w.recurrentKernel.dataSync()),
        bias: Array.from(w.bias.dataSync()),
      });
      const [torch] = await runTorchJson(SCRIPT, [{
        kind,
        units: U,
        x: Array.from(x.dataSync()),
        xShape: [B, T, F],
        lengths: LENGTHS,
        forward: asJob(wf),
        backward: asJob(wb),
      }]);
      let worst = 0;
      const near = (a: ArrayLike<number>, b: number[], what: string) => {
        assert.equal(a.length, b.length, what);
        for (let i = 0; i < b.length; i++) {
          worst = Math.max(worst, Math.abs(a[i] - b[i]));
          assert.ok(Math.abs(a[i] - b[i]) <= 1e-12, `${kind} ${what}[${i}]: ${a[i]} vs ${b[i]}`);
        }
      };
      fStates.forEach((s, i) => near(s.dataSync(), torch.forward[i], `forward state ${i}`));
      bStates.forEach((s, i) => near(s.dataSync(), torch.backward[i], `backward state ${i}`));
      // Kept steps: torch's forward half, and its reverse half against ours read back in order.
      const f = fSeq.dataSync(), b = bSeq.reverse(1).dataSync();
      const ours: number[] = [], theirs: number[] = [];
      LENGTHS.forEach((len, n) => {
        for (let s = 0; s < len; s++) {
          for (let j = 0; j < U; j++) {
            ours.push(f[(n * T + s) * U + j], b[(n * T + s) * U + j]);
            const at = (n * T + s) * 2 * U + j;
            theirs.push(torch.seq[at], torch.seq[at + U]);
          }
        }
      });
      near(ours, theirs, "kept steps");
      console.log(`  ${kind}: max |ours − torch| ${worst.toExponential(1)}`);
    }
  },
});

/** The `optimizers` task's Fashion-MNIST CNN: its layer shapes and its parameter count. */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { FASHION_CNN_PARAMS, fashionCnn } from "../../tasks/optimizers/fashion_cnn.ts";

Deno.test("fashionCnn: two 3×3 convs, FC 32, FC 10; 26 698 parameters", async () => {
  await setDevice("cpu");
  const m = fashionCnn(1).build();
  // conv 3·3·1·8 + 8, conv 3·3·8·16 + 16, dense (7·7·16)·32 + 32, dense 32·10 + 10.
  assert.equal(FASHION_CNN_PARAMS, 80 + 1168 + 25120 + 330);
  assert.equal(m.countParams(), FASHION_CNN_PARAMS);
  assert.deepEqual(m.weights().map((w) => w.tensor.shape), [
    [3, 3, 1, 8],
    [8],
    [3, 3, 8, 16],
    [16],
    [784, 32],
    [32],
    [32, 10],
    [10],
  ]);
  m.dispose();
});

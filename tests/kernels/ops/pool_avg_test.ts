/**
 * Average pooling and the 1-D poolings: Keras' padding "same" semantics on every backend (an
 * average divides by the real elements of its window, a max never sees the padding), and the
 * float64 gradients of the 1-D compositions (the registry checks avgPool2d itself).
 */
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from "../../../kernels/ops/mod.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { testOnDevices } from "../device_rules.ts";
import { float64Gradcheck } from "../float64_gradcheck.ts";

const F32 = (v: number[], shape: number[]) => tensor(Float32Array.from(v), shape);
const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

testOnDevices("pooling", [
  {
    // Keras: AveragePooling2D(3, strides=1, padding="same") of 1..9 (corners average 4 values).
    name: "avgPool2d same divides by the real elements",
    run: () => avgPool2d(F32(nine, [1, 3, 3, 1]), { poolSize: 3, strides: 1, padding: "same" }),
    want: [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7],
  },
  {
    name: "avgPool2d valid 2x2",
    run: () => avgPool2d(F32([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1])),
    want: [3.5, 5.5],
  },
  {
    // Zero padding would make these 0: same-padded max pooling ignores the padding.
    name: "maxPool2d same over negatives ignores padding",
    run: () => maxPool2d(F32(nine.map((v) => -v), [1, 3, 3, 1]), { padding: "same" }),
    want: [-1, -3, -7, -9],
  },
  {
    name: "avgPool1d same: the last window holds one step",
    run: () => avgPool1d(F32([1, 2, 3, 4], [1, 4, 1]), { strides: 1, padding: "same" }),
    want: [1.5, 2.5, 3.5, 4],
  },
  {
    name: "maxPool1d per feature",
    run: () => maxPool1d(F32([1, -1, 3, -3, 2, 5, 0, 4], [1, 4, 2])),
    want: [3, -1, 2, 5],
  },
]);

float64Gradcheck(
  "avgPool1d same, stride 2",
  [[2, 5, 3]],
  (x) => avgPool1d(x, { poolSize: 3, strides: 2, padding: "same" }),
);
float64Gradcheck("maxPool1d", [[2, 6, 2]], (x) => maxPool1d(x, { poolSize: 3 }));

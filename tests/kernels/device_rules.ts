import assert from "node:assert/strict";
import "../../kernels/ops/mod.ts";
import { type DeviceName, setDevice } from "../../kernels/device.ts";
import { tidy } from "../../kernels/engine.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { gpuAvailable } from "./webgpu/gpu_available.ts";

/**
 * Value-by-value rules run on every backend (fast CPU, CPU reference, WebGPU where an adapter
 * exists, required in CI): each `run` must give exactly `want` (NaN is NaN, −0 is not +0;
 * non-integers are compared after rounding to float32).
 */
export interface DeviceRule {
  name: string;
  run: () => Tensor;
  want: number[];
}

const available = await gpuAvailable();
const devices: DeviceName[] = ["cpu", "cpu-reference", "webgpu"];

/** The first element where `got` differs from `want`, described; undefined when equal. */
export function valueMismatch(got: ArrayLike<number>, want: number[]): string | undefined {
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  const show = (v: number) => (Object.is(v, -0) ? "-0" : String(v));
  for (let i = 0; i < want.length; i++) {
    const w = Number.isInteger(want[i]) || !Number.isFinite(want[i])
      ? want[i]
      : Math.fround(want[i]);
    if (!Object.is(got[i], w) && !(Number.isNaN(got[i]) && Number.isNaN(w))) {
      return `element ${i} is ${show(got[i])}, want ${show(w)}`;
    }
  }
}

/** Registers one Deno test per rule and device, named `<prefix> on <device>: <rule>`. */
export function testOnDevices(prefix: string, rules: DeviceRule[]): void {
  for (const device of devices) {
    for (const rule of rules) {
      Deno.test({
        name: `${prefix} on ${device}: ${rule.name}`,
        ignore: device === "webgpu" && !available.ok && !Deno.env.get("CI"),
        fn: async () => {
          await setDevice(device);
          try {
            const y = tidy(() => rule.run());
            const got = await y.data();
            y.dispose();
            const bad = valueMismatch(got, rule.want);
            assert.equal(bad, undefined, `${rule.name} on ${device}: ${bad}`);
          } finally {
            await setDevice("cpu");
          }
        },
      });
    }
  }
}

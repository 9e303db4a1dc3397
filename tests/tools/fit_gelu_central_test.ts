import assert from "node:assert/strict";
import { cdfOdd, centralErrors, fitCentral, slopeOdd } from "../../tools/fit_gelu_central.ts";
import { ACTIVATION_MATH } from "../../kernels/ops/activation_math.ts";

/**
 * tools/fit_gelu_central.ts against what kernels.c holds: the gelu kernels' central polynomials
 * are the script's output for its bound and term count, digit for digit, and they are float64
 * accurate on (−B, B).
 */

const source = Deno.readTextFileSync(
  new URL("../../kernels/cpu/wasm/kernels.c", import.meta.url),
);

function held(name: string): number[] {
  const body = new RegExp(`static const double ${name}\\[(\\d+)\\] = \\{([^}]*)\\}`).exec(source);
  assert.ok(body, `${name} not found in kernels.c`);
  const values = body[2].split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  assert.equal(values.length, Number(body[1]));
  return values;
}

Deno.test("kernels.c's central gelu polynomials are fit_gelu_central's", () => {
  const bound = Number(/#define GELU_BOUND ([\d.]+)/.exec(source)?.[1]);
  assert.equal(bound, 2.5);
  const p = held("GELU_P"), q = held("GELU_Q");
  assert.deepEqual(p, fitCentral(cdfOdd, bound, p.length));
  assert.deepEqual(q, fitCentral(slopeOdd, bound, q.length));
  const [wf, wg] = centralErrors(p, q, bound);
  assert.ok(wf < 1e-12 && wg < 1e-12, `relative errors ${wf}, ${wg}`);
});

Deno.test("the series behind the fit agree with the reference's Φ and gelu′", () => {
  const gelu = ACTIVATION_MATH.gelu;
  for (const x of [-2.4, -1, -0.3, 0.01, 0.7, 2.4]) {
    assert.ok(Math.abs(0.5 + x * cdfOdd(x) - gelu.f(x, {}) / x) < 1e-15, `Φ(${x})`);
    assert.ok(Math.abs(0.5 + x * slopeOdd(x) - gelu.df(x, {})) < 1e-15, `gelu′(${x})`);
  }
});

import assert from "node:assert/strict";
import { chebyshev, erfcx, horner, monomial } from "../../tools/fit_erfcx.ts";

/**
 * tools/fit_erfcx.ts against what kernels.c holds: the gelu kernels' erfcx coefficients are the
 * script's output for K = 4, 20 terms, digit for digit, and that polynomial is float64 accurate.
 */

const source = Deno.readTextFileSync(
  new URL("../../kernels/cpu/wasm/kernels.c", import.meta.url),
);

Deno.test("kernels.c's erfcx coefficients are fit_erfcx's for K = 4, 20 terms", () => {
  const k = Number(/#define ERFCX_K ([\d.]+)/.exec(source)?.[1]);
  const body = /static const double ERFCX_P\[(\d+)\] = \{([^}]*)\}/.exec(source);
  assert.ok(body, "ERFCX_P not found in kernels.c");
  const held = body[2].split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  assert.equal(held.length, Number(body[1]));
  assert.deepEqual(held, monomial(chebyshev(k, held.length)));
  assert.equal(k, 4);
});

Deno.test("the fitted polynomial is within 1e-13 of erfcx on z in [0, 27]", () => {
  const p = monomial(chebyshev(4, 20));
  let worst = 0;
  for (let i = 0; i <= 20_000; i++) {
    const z = 27 * i / 20_000, ref = erfcx(z);
    worst = Math.max(worst, Math.abs(horner(p, 1 - 8 / (z + 4)) - ref) / ref);
  }
  assert.ok(worst < 1e-13, `worst relative error ${worst}`);
  // erfcx(0) = 1, and erfcx(z) → 1/(z√π): the reference values themselves.
  assert.equal(erfcx(0), 1);
  assert.ok(Math.abs(erfcx(1e4) * 1e4 * Math.sqrt(Math.PI) - 1) < 1e-8);
});

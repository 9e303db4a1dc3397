import assert from "node:assert/strict";
import { cosineDecay, piecewiseConstantDecay, polynomialDecay } from "../../train/schedules.ts";
import { sgd } from "../../train/optimizers.ts";

/** Keras' schedules at their boundaries, against their formulas written out. */

const near = (got: number, want: number, what: string) =>
  assert.ok(
    Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)),
    `${what}: ${got} vs ${want}`,
  );

Deno.test("cosineDecay without warm-up: η₀ at 0, the α floor from decaySteps on", () => {
  const s = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
  near(s(0), 0.1, "t=0");
  near(s(50), 0.1 * (0.9 * 0.5 + 0.1), "t=50 (cos = 0)");
  near(s(25), 0.1 * (0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)) + 0.1), "t=25");
  near(s(100), 0.01, "t=100");
  near(s(1000), 0.01, "past the end");
});

Deno.test("cosineDecay with warm-up: linear to warmupTarget, then the cosine from it", () => {
  const s = cosineDecay({
    initialLearningRate: 0,
    warmupTarget: 1e-3,
    warmupSteps: 10,
    decaySteps: 20,
  });
  near(s(0), 0, "t=0");
  near(s(4), 4e-4, "t=4");
  near(s(10), 1e-3, "end of warm-up");
  near(s(20), 0.5e-3, "half the decay");
  near(s(30), 0, "end");
  near(s(99), 0, "past the end");
  assert.throws(
    () => cosineDecay({ initialLearningRate: 1, decaySteps: 5, warmupSteps: 3 }),
    /warmupSteps needs warmupTarget/,
  );
  assert.throws(() => cosineDecay({ initialLearningRate: 1, decaySteps: 0 }), /positive/);
});

Deno.test("piecewiseConstantDecay: a boundary step still takes the value before it", () => {
  const s = piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
  assert.deepEqual([0, 10, 11, 20, 21, 1e6].map(s), [1, 1, 0.5, 0.5, 0.1, 0.1]);
  assert.throws(
    () => piecewiseConstantDecay({ boundaries: [10], values: [1] }),
    /1 boundaries need 2 values, got 1/,
  );
  assert.throws(
    () => piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] }),
    /must increase/,
  );
});

Deno.test("polynomialDecay: capped at decaySteps, or cycling with a stretched period", () => {
  const o = { initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01, power: 2 };
  const s = polynomialDecay(o);
  near(s(0), 0.1, "t=0");
  near(s(5), 0.09 * 0.25 + 0.01, "t=5");
  near(s(10), 0.01, "t=10");
  near(s(25), 0.01, "past the end");
  const c = polynomialDecay({ ...o, cycle: true });
  near(c(0), 0.1, "cycle t=0");
  near(c(10), 0.01, "cycle t=10");
  near(c(15), 0.09 * (1 - 15 / 20) ** 2 + 0.01, "cycle t=15 (period 20)");
  near(c(20), 0.01, "cycle t=20");
  near(c(21), 0.09 * (1 - 21 / 30) ** 2 + 0.01, "cycle t=21 (period 30)");
  // Keras' defaults: end 1e-4, power 1.
  near(polynomialDecay({ initialLearningRate: 1, decaySteps: 4 })(1), 0.9999 * 0.75 + 1e-4, "lin");
});

Deno.test("an optimiser follows a new schedule step by step", () => {
  const opt = sgd({ learningRate: piecewiseConstantDecay({ boundaries: [1], values: [3, 2] }) });
  const seen: number[] = [];
  for (let t = 0; t < 3; t++) {
    seen.push(opt.currentLearningRate());
    opt.iterations++;
  }
  assert.deepEqual(seen, [3, 3, 2]);
});

/**
 * Option checks for layers, `fit` and optimisers, run when the object is created, so a bad value
 * is an error naming the option, the value and the valid range before any work starts (not an
 * `Infinity` shape or a silently useless model later).
 * Example: `checkOptions("dense", { units: [o.units, "int≥1", "required"] })`.
 * @module
 */

/**
 * What a value must be: `int≥1` (whole number ≥ 1), `ints≥1` (one or a pair `[h, w]` of them),
 * `>0` (finite and positive), `≥0` (finite, not negative), `[0,1)` (0 ≤ v < 1).
 */
export type Rule = "int≥1" | "ints≥1" | ">0" | "≥0" | "[0,1)";

const WANT: Record<Rule, string> = {
  "int≥1": "a whole number ≥ 1",
  "ints≥1": "a whole number ≥ 1 or a pair [h, w] of them",
  ">0": "a finite number > 0",
  "≥0": "a finite number ≥ 0",
  "[0,1)": "a number in [0, 1)",
};

function holds(rule: Rule, v: unknown): boolean {
  const int1 = (x: unknown) => typeof x === "number" && Number.isInteger(x) && x >= 1;
  if (typeof v !== "number" && rule !== "ints≥1") return false;
  const n = v as number;
  switch (rule) {
    case "int≥1":
      return int1(v);
    case "ints≥1":
      return int1(v) || (Array.isArray(v) && v.length === 2 && v.every(int1));
    case ">0":
      return Number.isFinite(n) && n > 0;
    case "≥0":
      return Number.isFinite(n) && n >= 0;
    case "[0,1)":
      return n >= 0 && n < 1;
  }
}

/**
 * Checks each `name: [value, rule, required?]` (an optional value left `undefined` takes its
 * default and is skipped); throws `RangeError("<where>: <name> <value> is not valid; it must be
 * …")` for the first that breaks its rule.
 */
export function checkOptions(
  where: string,
  checks: Record<string, [unknown, Rule] | [unknown, Rule, "required"]>,
): void {
  for (const [name, [v, rule, required]] of Object.entries(checks)) {
    if ((v === undefined && !required) || holds(rule, v)) continue;
    const shown = typeof v === "string" ? `"${v}"` : Array.isArray(v) ? `[${v}]` : String(v);
    throw new RangeError(`${where}: ${name} ${shown} is not valid; it must be ${WANT[rule]}`);
  }
}

/** The valid range of every optimiser hyperparameter, by option name (Keras/PyTorch names). */
const OPTIMIZER_RULES: Record<string, Rule> = {
  learningRate: ">0",
  weightDecay: "≥0",
  momentum: "[0,1)",
  beta1: "[0,1)",
  beta2: "[0,1)",
  rho: "[0,1)",
  epsilon: ">0",
  initialAccumulatorValue: "≥0",
};

/**
 * Checks the hyperparameters of optimiser `name` that appear in `opts` (a schedule given as
 * `learningRate` is checked when used). Example: `checkOptimizerOptions("adam", { beta1: 1 })`
 * throws "adam: beta1 1 is not valid; it must be a number in [0, 1)".
 */
export function checkOptimizerOptions(name: string, opts: object): void {
  const checks: Record<string, [unknown, Rule]> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (k in OPTIMIZER_RULES && typeof v !== "function") checks[k] = [v, OPTIMIZER_RULES[k]];
  }
  checkOptions(name, checks);
}

import assert from "node:assert/strict";
import {
  type FlagSchema,
  HelpRequest,
  nonNegativeNumber,
  numberIn,
  parseFlags,
  positiveNumber,
  UsageError,
  usageText,
} from "../../experiment/flags.ts";
import { COMMON_FLAGS } from "../../experiment/run.ts";

const SCHEMA = {
  ...COMMON_FLAGS,
  lr: { type: "number", help: "step", default: 0.1, valid: (n) => n > 0, range: "> 0" },
  mode: { type: "string", help: "how", choices: ["a", "b"], default: "a" },
  sweep: { type: "boolean", help: "more runs" },
} as const satisfies FlagSchema;
const TEXT = { command: "t", description: "A test task.", quick: "2 epochs on 64 samples" };

Deno.test("parseFlags: typed values, defaults, --name value and --name=value", () => {
  const v = parseFlags(SCHEMA, ["--epochs", "3", "--lr=0.5", "--sweep", "--mode", "b"], TEXT);
  assert.equal(v.epochs, 3);
  assert.equal(v.lr, 0.5);
  assert.equal(v.sweep, true);
  assert.equal(v.mode, "b");
  assert.equal(v.seed, 1);
  assert.equal(v.device, "auto");
  assert.equal(v["batch-size"], undefined);
  assert.equal(v.quick, false);
});

Deno.test("parseFlags: a negative or fractional count says what is valid, not 'ambiguous'", () => {
  for (const bad of ["-1", "0", "1.5", "x", ""]) {
    assert.throws(
      () => parseFlags(SCHEMA, ["--epochs", bad], TEXT),
      (e: Error) =>
        e instanceof UsageError &&
        e.message === `--epochs must be an integer ≥ 1, got "${bad}"`,
      bad,
    );
  }
  assert.throws(() => parseFlags(SCHEMA, ["--seed", "-3"], TEXT), /--seed must be an integer ≥ 0/);
  assert.throws(
    () => parseFlags(SCHEMA, ["--lr", "-1"], TEXT),
    /--lr must be a number > 0, got "-1"/,
  );
  assert.throws(() => parseFlags(SCHEMA, ["--mode", "c"], TEXT), /--mode must be one of a, b/);
  assert.throws(
    () => parseFlags(SCHEMA, ["--device", "tpu"], TEXT),
    /--device must be one of auto/,
  );
  assert.throws(() => parseFlags(SCHEMA, ["--epochs"], TEXT), /--epochs needs a value/);
});

Deno.test("parseFlags: unknown flags and positionals are usage errors carrying the usage", () => {
  assert.throws(
    () => parseFlags(SCHEMA, ["--bogus"], TEXT),
    (e: Error) =>
      e instanceof UsageError && e.message === "unknown flag --bogus" &&
      e.usage.includes("--epochs N"),
  );
  assert.throws(() => parseFlags(SCHEMA, ["stray"], TEXT), /unexpected argument "stray"/);
  assert.throws(() => parseFlags(SCHEMA, ["--sweep=yes"], TEXT), UsageError);
});

Deno.test("--help: every flag with its default, task defaults, and what --quick does", () => {
  const text = { ...TEXT, shownDefaults: { epochs: "12" } };
  assert.throws(
    () => parseFlags(SCHEMA, ["--help"], text),
    (e: Error) => e instanceof HelpRequest && e.usage === usageText(SCHEMA, text),
  );
  const u = usageText(SCHEMA, text);
  assert.match(u, /^deno task t \[flags\]/);
  assert.match(u, /--epochs N +training epochs; default 12/);
  assert.match(u, /--seed N .*; default 1/);
  assert.match(u, /--device V .*\(auto \| cpu \| cpu-reference \| webgpu\); default auto/);
  assert.match(u, /--lr N +step; default 0\.1/);
  assert.match(u, /\n--quick: 2 epochs on 64 samples$/);
});

Deno.test("positiveNumber / nonNegativeNumber / numberIn: ranges in the check and the message", () => {
  const schema = {
    lr: positiveNumber("step", 0.1),
    l2: nonNegativeNumber("decay", 0),
    ratio: numberIn("share", 0.5, [0, 1], true),
    noise: numberIn("noise", 0, [0, 0.5]),
    cap: positiveNumber("no default"),
  } as const satisfies FlagSchema;
  const v = parseFlags(schema, ["--l2", "0", "--noise", "0.5"], TEXT);
  assert.deepEqual([v.lr, v.l2, v.ratio, v.noise, v.cap], [0.1, 0, 0.5, 0.5, undefined]);
  assert.throws(
    () => parseFlags(schema, ["--lr", "0"], TEXT),
    /--lr must be a number > 0, got "0"/,
  );
  assert.throws(() => parseFlags(schema, ["--l2", "-0.1"], TEXT), /--l2 must be a number ≥ 0/);
  assert.throws(
    () => parseFlags(schema, ["--ratio", "1"], TEXT),
    /--ratio must be a number in \(0, 1\)/,
  );
  assert.throws(() => parseFlags(schema, ["--noise", "0.6"], TEXT), /in \[0, 0\.5\]/);
});

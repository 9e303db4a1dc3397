/**
 * A typed flag schema on node:util parseArgs: each flag says its type, its valid values, its
 * default and its help line, and the parse returns values of those types or a {@link UsageError}
 * that names the flag and what is valid. `--help` raises {@link HelpRequest} with the usage.
 * @module
 */
import { parseArgs } from "node:util";

/** A switch: present or not. */
export interface BooleanFlag {
  type: "boolean";
  help: string;
}

/** Free text, or one of `choices`. */
export interface StringFlag {
  type: "string";
  help: string;
  default?: string;
  choices?: readonly string[];
}

/** A whole number in [min, max]. */
export interface IntegerFlag {
  type: "integer";
  help: string;
  default?: number;
  /** Smallest valid value (default 1: counts of epochs, samples and batches). */
  min?: number;
  max?: number;
}

/** A finite number that passes `valid`, described by `range` in messages ("> 0", "in [0, 0.5]"). */
export interface NumberFlag {
  type: "number";
  help: string;
  default?: number;
  valid?: (n: number) => boolean;
  range?: string;
}

/** A number flag valid when > 0. Example: `lr: positiveNumber("learning rate", 0.03)`. */
export function positiveNumber<D extends number | undefined = undefined>(
  help: string,
  defaultValue?: D,
): NumberFlag & { default: D } {
  return { type: "number", help, default: defaultValue as D, valid: (n) => n > 0, range: "> 0" };
}

/** A number flag valid when ≥ 0. Example: `l2: nonNegativeNumber("L2 rate", 0)`. */
export function nonNegativeNumber<D extends number | undefined = undefined>(
  help: string,
  defaultValue?: D,
): NumberFlag & { default: D } {
  return { type: "number", help, default: defaultValue as D, valid: (n) => n >= 0, range: "≥ 0" };
}

/**
 * A number flag valid in [lo, hi], or in (lo, hi) when `open`.
 * Example: `noise: numberIn("noise", 0, [0, 0.5])`.
 */
export function numberIn<D extends number | undefined = undefined>(
  help: string,
  defaultValue: D,
  [lo, hi]: [number, number],
  open = false,
): NumberFlag & { default: D } {
  return {
    type: "number",
    help,
    default: defaultValue,
    valid: open ? (n) => n > lo && n < hi : (n) => n >= lo && n <= hi,
    range: open ? `in (${lo}, ${hi})` : `in [${lo}, ${hi}]`,
  };
}

/** The devices a `--device` flag accepts (kernels/device.ts). */
export const DEVICE_CHOICES = ["auto", "cpu", "cpu-reference", "webgpu"] as const;

/**
 * A `--device` flag defaulting to `defaultName`. Example: `device: deviceFlag("cpu")`.
 */
export function deviceFlag(defaultName: string, help = "where tensors live"): StringFlag & {
  default: string;
} {
  return { type: "string", help, default: defaultName, choices: DEVICE_CHOICES };
}

/** One flag of a schema. */
export type FlagSpec = BooleanFlag | StringFlag | IntegerFlag | NumberFlag;

/** Flags by name as typed on the command line (`batch-size`, not `batchSize`). */
export type FlagSchema = Record<string, FlagSpec>;

type ValueOf<F extends FlagSpec> = F extends BooleanFlag ? boolean
  : F extends StringFlag ? (F extends { default: string } ? string : string | undefined)
  : F extends { default: number } ? number
  : number | undefined;

/** The parsed values of a schema, by flag name; flags without a default may be undefined. */
export type FlagValues<S extends FlagSchema> = { [K in keyof S]: ValueOf<S[K]> };

/** Bad command line: printed with the usage, exit status 2 (no stack trace: see runMain). */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `--help` was given: `usage` is the text to print (exit status 0). */
export class HelpRequest extends Error {
  constructor(readonly usage: string) {
    super("help requested");
    this.name = "HelpRequest";
  }
}

/** What the usage text says besides the flags. */
export interface UsageText {
  /** `deno task <command>`, or the whole command when it starts with "deno " (a script). */
  command: string;
  description: string;
  /** What `--quick` does for this task, one sentence. */
  quick?: string;
  /** Task-specific default shown for a flag whose schema default is general (e.g. epochs). */
  shownDefaults?: Record<string, string>;
}

const placeholder = (f: FlagSpec) =>
  f.type === "boolean" ? "" : f.type === "string" ? (f.choices ? " V" : " TEXT") : " N";

/** What is valid for `f`, in words: "an integer ≥ 1", "one of cpu, webgpu", "a number > 0". */
export function validValues(f: FlagSpec): string {
  switch (f.type) {
    case "boolean":
      return "a switch (no value)";
    case "string":
      return f.choices ? `one of ${f.choices.join(", ")}` : "text";
    case "integer": {
      const min = f.min ?? 1;
      return f.max === undefined ? `an integer ≥ ${min}` : `an integer in [${min}, ${f.max}]`;
    }
    case "number":
      return `a number${f.range ? ` ${f.range}` : ""}`;
  }
}

/**
 * The usage text: the command line, the description, one line per flag with what it takes and
 * its default, and what --quick does.
 */
export function usageText(schema: FlagSchema, text: UsageText): string {
  const lines = Object.entries(schema).map(([name, f]) => {
    const shown = text.shownDefaults?.[name] ??
      (f.type !== "boolean" && f.default !== undefined ? String(f.default) : undefined);
    const choices = f.type === "string" && f.choices ? ` (${f.choices.join(" | ")})` : "";
    return `  --${name}${placeholder(f)}`.padEnd(24) + f.help + choices +
      (shown !== undefined ? `; default ${shown === "" ? '""' : shown}` : "");
  });
  return [
    `${text.command.startsWith("deno ") ? text.command : `deno task ${text.command}`} [flags]`,
    "",
    text.description,
    "",
    "Flags:",
    ...lines,
    "  --help".padEnd(24) + "this text",
    ...(text.quick ? ["", `--quick: ${text.quick}`] : []),
  ].join("\n");
}

function convert(name: string, f: FlagSpec, raw: string, usage: string): string | number {
  const bad = () => new UsageError(`--${name} must be ${validValues(f)}, got "${raw}"`, usage);
  switch (f.type) {
    case "string":
      if (f.choices && !f.choices.includes(raw)) throw bad();
      return raw;
    case "integer": {
      const n = raw.trim() === "" ? NaN : Number(raw);
      if (!Number.isInteger(n) || n < (f.min ?? 1) || (f.max !== undefined && n > f.max)) {
        throw bad();
      }
      return n;
    }
    case "number": {
      const n = raw.trim() === "" ? NaN : Number(raw);
      if (!Number.isFinite(n) || (f.valid && !f.valid(n))) throw bad();
      return n;
    }
    default:
      throw bad();
  }
}

/**
 * Parses `args` against `schema`. A valued flag takes the next argument even when it starts
 * with "-" (so `--epochs -1` is a range error, not parseArgs' "ambiguous"); `--name=value` works
 * too. Unknown flags, positionals and invalid values throw {@link UsageError}; `--help` throws
 * {@link HelpRequest}. Example:
 * `parseFlags({ lr: { type: "number", help: "step", default: 0.1 } }, ["--lr", "0.5"], usage).lr`.
 */
export function parseFlags<S extends FlagSchema>(
  schema: S,
  args: string[],
  text: UsageText,
): FlagValues<S> {
  const usage = usageText(schema, text);
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.startsWith("--") ? a.slice(2).split("=")[0] : "";
    const f = schema[name];
    if (f && f.type !== "boolean" && !a.includes("=")) {
      if (i + 1 >= args.length) throw new UsageError(`--${name} needs a value`, usage);
      joined.push(`--${name}=${args[++i]}`);
    } else joined.push(a);
  }
  const options: Record<string, { type: "string" | "boolean" }> = {
    help: { type: "boolean" },
  };
  for (const [k, f] of Object.entries(schema)) {
    options[k] = { type: f.type === "boolean" ? "boolean" : "string" };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: joined, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    // parseArgs' messages name the option but not the fix; ours say what this task takes.
    const code = (e as { code?: string }).code;
    const m = /'([^']+)'/.exec((e as Error).message)?.[1] ?? "";
    const msg = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
      ? `unknown flag ${m.startsWith("-") ? m : `--${m}`}`
      : code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"
      ? `unexpected argument "${m}" (every argument is a --flag)`
      : (e as Error).message;
    throw new UsageError(msg, usage);
  }
  if (values.help) throw new HelpRequest(usage);
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(schema)) {
    const v = values[k];
    if (f.type === "boolean") out[k] = v === true;
    else if (v === undefined) out[k] = f.default;
    else out[k] = convert(k, f, v as string, usage);
  }
  return out as FlagValues<S>;
}

/**
 * The common task flags (tasks/common.ts) plus flags of one task, without re-declaring the
 * common ones: the task's own flags are split off by name and parsed with node:util, the rest go
 * to `parseTaskFlags`, which validates them and prints `--help`.
 * @module
 */
import { parseArgs } from "node:util";
import { parseTaskFlags, type TaskFlags } from "./common.ts";

/** A task-specific flag: a string value, or a boolean switch. */
export interface ExtraFlag {
  type: "string" | "boolean";
  /** One line for `--help`. */
  help: string;
  default?: string;
}

/** The common flags and the task's own flags, as given (strings) or their defaults. */
export interface FlagsWithExtras {
  common: TaskFlags;
  extra: Record<string, string | boolean | undefined>;
}

/**
 * Splits `args` into the task's own flags (`extras`, by name) and the common ones, and parses
 * both strictly (an unknown flag throws). `--name value` and `--name=value` both work.
 * Example: `parseWithExtras(Deno.args, "playground", "…", { lr: { type: "string", help: "…" } })`.
 */
export function parseWithExtras(
  args: string[],
  task: string,
  description: string,
  extras: Record<string, ExtraFlag>,
): FlagsWithExtras {
  const own: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.startsWith("--") ? a.slice(2).split("=")[0] : "";
    const spec = extras[name];
    if (!spec) {
      rest.push(a);
      continue;
    }
    own.push(a);
    // A string flag written as `--name value` takes the next argument as its value, even when
    // it starts with "-" (a negative number, or an empty list given as "").
    if (spec.type === "string" && !a.includes("=") && i + 1 < args.length) own.push(args[++i]);
  }
  const lines = Object.entries(extras).map(([k, s]) =>
    `  --${k}${s.type === "string" ? " V" : ""}`.padEnd(26) + s.help +
    (s.default !== undefined ? ` (default ${s.default === "" ? '""' : s.default})` : "")
  );
  const common = parseTaskFlags(rest, task, `${description}\n\nTask flags:\n${lines.join("\n")}`);
  const options = Object.fromEntries(
    Object.entries(extras).map(([k, s]) => [k, { type: s.type }]),
  ) as Record<string, { type: "string" | "boolean" }>;
  // parseArgs reads "--x -1" as two flags; joining name and value keeps negative values intact.
  const joined: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const name = own[i].slice(2).split("=")[0];
    if (extras[name].type === "string" && !own[i].includes("=")) {
      if (i + 1 >= own.length) throw new Error(`--${name} needs a value`);
      joined.push(`--${name}=${own[++i]}`);
    } else joined.push(own[i]);
  }
  const { values } = parseArgs({ args: joined, options, strict: true, allowPositionals: false });
  const extra: Record<string, string | boolean | undefined> = {};
  for (const [k, s] of Object.entries(extras)) {
    const v = (values as Record<string, string | boolean | undefined>)[k];
    extra[k] = v ?? (s.type === "boolean" ? false : s.default);
  }
  return { common, extra };
}

/** A finite number from a flag's text, or a clear error naming the flag. */
export function numberFlag(name: string, v: string, check?: (n: number) => boolean): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || (check && !check(n))) {
    throw new Error(`--${name}: invalid value "${v}"`);
  }
  return n;
}

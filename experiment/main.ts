/**
 * The entry point of a task run from the command line: usage errors print the message and the
 * usage and exit 2, `--help` prints the usage and exits 0, a {@link TaskError} or a dataset error
 * prints its message and exits 1 (none of them with a stack trace); anything else is a bug and
 * keeps its trace.
 * @module
 */
import { DatasetError } from "../datasets/errors.ts";
import { TaskError } from "./errors.ts";
import {
  type FlagSchema,
  type FlagValues,
  HelpRequest,
  parseFlags,
  UsageError,
  type UsageText,
} from "./flags.ts";

/**
 * The exit status for a command-line error, after printing it: `--help` prints the usage (0), a
 * bad flag its message and the usage (2); undefined for any other error (not printed).
 * Example: `catch (e) { const code = usageExit(e); if (code === undefined) throw e; return code; }`.
 */
export function usageExit(e: unknown): number | undefined {
  if (e instanceof HelpRequest) {
    console.log(e.usage);
    return 0;
  }
  if (e instanceof UsageError) {
    console.error(`error: ${e.message}\n\n${e.usage}`);
    return 2;
  }
}

/**
 * Parses a script's command line with {@link parseFlags} and exits as {@link runMain} does for
 * `--help` (usage, exit 0) and bad flags (message and usage, exit 2): the entry for scripts that
 * run at top level (bench, profile, tools), so no entry point shows parseArgs' stack trace.
 * Example: `const f = cliFlags({ steps: { type: "integer", help: "steps", default: 20 } },
 * Deno.args, { command: "profile", description: "time each op" });`
 */
export function cliFlags<S extends FlagSchema>(
  schema: S,
  args: string[],
  text: UsageText,
): FlagValues<S> {
  try {
    return parseFlags(schema, args, text);
  } catch (e) {
    const code = usageExit(e);
    if (code === undefined) throw e;
    Deno.exit(code);
  }
}

/**
 * Runs `main` and turns the errors a user can fix into a message and an exit status.
 * Example: `if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));`
 */
export async function runMain(main: () => Promise<unknown>): Promise<void> {
  try {
    await main();
  } catch (e) {
    const code = usageExit(e);
    if (code !== undefined) Deno.exit(code);
    if (e instanceof TaskError || e instanceof DatasetError) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}

/**
 * The entry point of a task run from the command line: usage errors print the message and the
 * usage and exit 2, `--help` prints the usage and exits 0, a {@link TaskError} or a dataset error
 * prints its message and exits 1 (none of them with a stack trace); anything else is a bug and
 * keeps its trace.
 * @module
 */
import { DatasetError } from "../datasets/errors.ts";
import { TaskError } from "./errors.ts";
import { HelpRequest, UsageError } from "./flags.ts";

/**
 * Runs `main` and turns the errors a user can fix into a message and an exit status.
 * Example: `if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));`
 */
export async function runMain(main: () => Promise<unknown>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (e instanceof HelpRequest) {
      console.log(e.usage);
      Deno.exit(0);
    }
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${e.usage}`);
      Deno.exit(2);
    }
    if (e instanceof TaskError || e instanceof DatasetError) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}

/**
 * A task cannot run as asked (an unwritable output folder, a data folder that does not exist):
 * the message names the problem and the fix, and {@link runMain} prints it without a stack trace.
 * @module
 */

/** A misuse a task reports in one clear sentence (exit status 1). */
export class TaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskError";
  }
}

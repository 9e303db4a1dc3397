/**
 * `show(...)`: the dependable way to put rich output in a notebook cell. A cell's last
 * expression is published by Deno's kernel after the cell ends, and can lose the race with the
 * kernel's "idle" message (measured: 12 of 100 results lost); `await show(x)` sends `x` while
 * the cell runs and lets the kernel publish it before the cell ends.
 * @module
 */
import { currentJupyter, type JupyterApi, settle } from "./jupyter_progress.ts";
import { JUPYTER_DISPLAY, type MimeBundle } from "./display.ts";

/** The text form of `obj`: its bundle's `text/plain` when it has one. */
function plainText(obj: unknown): string | undefined {
  const f = (obj as { [JUPYTER_DISPLAY]?: () => MimeBundle } | null)?.[JUPYTER_DISPLAY];
  return typeof f === "function" ? f.call(obj)["text/plain"] : undefined;
}

/**
 * Displays each object in the notebook (tensors, models, History, Evaluation, `imageGrid`,
 * `lineChart`, or anything Deno's kernel shows) and resolves once the kernel has had time to
 * publish them. Outside a notebook it prints their text form. `jupyter` is for tests.
 * Example: `await show(await evaluate(model, test));`
 */
export async function show(...objs: unknown[]): Promise<void> {
  await showWith(currentJupyter(), objs);
}

/** {@link show} with an explicit `Deno.jupyter` (undefined: print); exported for tests. */
export async function showWith(jupyter: JupyterApi | undefined, objs: unknown[]): Promise<void> {
  if (!jupyter) {
    for (const o of objs) console.log(plainText(o) ?? o);
    return;
  }
  for (const o of objs) {
    // Plain values as uncoloured text: the kernel's own inspector adds ANSI colour codes.
    const plain = typeof o === "string" ? o : Deno.inspect(o, { colors: false, depth: 4 });
    await (plainText(o) === undefined
      ? jupyter.display({ "text/plain": plain }, { raw: true })
      : jupyter.display(o));
  }
  await settle();
}

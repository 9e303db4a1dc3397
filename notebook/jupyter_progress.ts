/**
 * `fit`'s progress in Deno's Jupyter kernel: one output line per epoch, replaced in place through
 * `Deno.jupyter.display(bundle, { raw: true, display_id, update })` instead of a new line per
 * redraw.
 * @module
 */

/** Options of Deno's `Deno.jupyter.display` that this file uses. */
export interface JupyterDisplayOptions {
  /** The object is a MIME bundle already. */
  raw?: boolean;
  /** Replace the output shown earlier under `display_id` (an `update_display_data` message). */
  update?: boolean;
  /** Names the output so later calls can replace it. */
  display_id?: string;
}

/** The part of `Deno.jupyter` used here (tests pass a fake). */
export interface JupyterApi {
  /** Shows `obj` in the cell's output (Deno's `Deno.jupyter.display`). */
  display(obj: unknown, options?: JupyterDisplayOptions): Promise<void> | void;
}

/**
 * `Deno.jupyter` inside `deno jupyter`, undefined elsewhere (where reading it throws).
 * Example: `const j = currentJupyter(); if (j) await j.display({ "text/plain": "hi" }, { raw: true });`
 */
export function currentJupyter(): JupyterApi | undefined {
  try {
    const j = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return typeof j?.display === "function" ? j : undefined;
  } catch {
    return undefined;
  }
}

let lines = 0;

/**
 * A function that shows `text` as one notebook output line: the first call displays it under a
 * fresh `display_id`, later calls replace it in place.
 * Example: `const show = jupyterLine(Deno.jupyter); show("epoch 1 3/10"); show("epoch 1 10/10");`
 */
export function jupyterLine(jupyter: JupyterApi): (text: string) => void {
  const id = `toolkit-progress-${Date.now().toString(36)}-${++lines}`;
  let shown = false;
  return (text) => {
    const update = shown;
    shown = true;
    // Fire and forget: a batch hook is synchronous, and a lost redraw only delays the line.
    Promise.resolve(jupyter.display({ "text/plain": text }, { raw: true, display_id: id, update }))
      .catch(() => {});
  };
}

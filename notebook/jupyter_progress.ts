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

/**
 * How long {@link settle} waits. Deno's kernel (2.9) queues a cell's outputs and publishes them
 * from its own thread, but says "idle" without waiting for that queue; Jupyter clients drop what
 * comes after "idle". Measured on a loaded 2-core machine: 16 of 200 results came after "idle",
 * by 0.2 to 7.3 ms; 100 ms leaves a wide margin.
 */
export const SETTLE_MS = 100;

/**
 * Waits {@link SETTLE_MS} so that the kernel publishes the outputs given so far before the cell
 * ends. Example: `await Deno.jupyter.display(svg); await settle();`
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

let lines = 0;

/** What {@link jupyterLine} returns: call it with each new text; `flush` awaits every send. */
export interface JupyterLine {
  /** Shows `text`, replacing the line shown before (sent after the earlier sends, in order). */
  (text: string): void;
  /**
   * Resolves once every text given so far reached the kernel. Await it before the cell ends: an
   * output sent after the cell's promise settled can arrive after the kernel said "idle" and be
   * dropped from (or misfiled in) the notebook.
   */
  flush(): Promise<void>;
}

/**
 * A function that shows `text` as one notebook output line: the first call displays it under a
 * fresh `display_id`, later calls replace it in place. Sends run one after another, so the last
 * text is the one left showing; `flush()` awaits them.
 * Example: `const show = jupyterLine(Deno.jupyter); show("epoch 1 3/10"); show("epoch 1 10/10"); await show.flush();`
 */
export function jupyterLine(jupyter: JupyterApi): JupyterLine {
  const id = `toolkit-progress-${Date.now().toString(36)}-${++lines}`;
  let shown = false;
  let pending: Promise<void> = Promise.resolve();
  const show = (text: string) => {
    const update = shown;
    shown = true;
    // A batch hook is synchronous, so the send is queued; a failed redraw only delays the line.
    pending = pending
      .then(() => jupyter.display({ "text/plain": text }, { raw: true, display_id: id, update }))
      .catch(() => {});
  };
  return Object.assign(show, { flush: () => pending });
}

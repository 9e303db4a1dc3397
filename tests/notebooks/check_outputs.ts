/**
 * Checks an executed notebook (nbformat 4 JSON): no cell raised, every code cell shows
 * something (an empty one is an output the kernel published after the cell ended, and lost),
 * and every cell tagged "plot" shows a rendered plot (`image/svg+xml` holding an `<svg`, or
 * non-empty `text/html`). Returns one line per fault.
 * @module
 */

/** The parts of a notebook cell read here. */
interface Cell {
  cell_type: string;
  id?: string;
  metadata?: { tags?: string[] };
  outputs?: {
    output_type: string;
    data?: Record<string, string | string[]>;
    ename?: string;
    evalue?: string;
  }[];
}

/** The tag that marks a cell whose output must include a plot or a table. */
export const PLOT_TAG = "plot";

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : v ?? "");

/** The faults of the executed notebook `nb` (`name` starts each line); empty when it is clean. */
export function notebookFaults(name: string, nb: { cells: Cell[] }): string[] {
  const faults: string[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const where = `${name} cell ${i} (${cell.id ?? "no id"})`;
    const outputs = cell.outputs ?? [];
    for (const o of outputs) {
      if (o.output_type === "error") faults.push(`${where}: ${o.ename}: ${o.evalue}`);
    }
    if (outputs.length === 0) faults.push(`${where}: no output`);
    if (cell.metadata?.tags?.includes(PLOT_TAG)) {
      const rendered = outputs.some((o) =>
        text(o.data?.["image/svg+xml"]).includes("<svg") ||
        text(o.data?.["text/html"]).trim() !== ""
      );
      if (!rendered) {
        faults.push(`${where}: tagged "${PLOT_TAG}" but no image/svg+xml or text/html`);
      }
    }
  });
  return faults;
}

/** The faults of a notebook as committed: outputs and execution counts must be cleared. */
export function committedFaults(
  name: string,
  nb: { cells: (Cell & { execution_count?: number | null })[] },
): string[] {
  return nb.cells.flatMap((c, i) =>
    c.cell_type === "code" && ((c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)
      ? [`${name} cell ${i}: committed with outputs; clear them (the CI run executes it)`]
      : []
  );
}

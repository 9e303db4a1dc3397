/**
 * The runtime import graph of the toolkit's source folders, and cycle finding over it. Edges are
 * static `import … from`, side-effect `import "…"` and `export … from`; `import type`,
 * `export type` and named lists made only of `type` names are erased by TypeScript and are no
 * edges, nor are dynamic `import()` calls (they run after every module has loaded).
 */

/** Module path (relative to the repository root) → the local modules it imports at run time. */
export type ImportGraph = Map<string, string[]>;

const STATIC_IMPORT =
  /^[ \t]*(?:import|export)[ \t]+(?!type\b)([^'";]*?)[ \t]*(?:from[ \t]+)?["']([^"']+)["'];?/gm;

/** The local runtime imports of one module's source, resolved against its path. */
export function runtimeImports(path: string, source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(STATIC_IMPORT)) {
    const clause = m[1].replace(/\s+from$/, "").trim();
    const spec = m[2];
    if (!spec.startsWith(".")) continue;
    // `export function f() { … "x" … }` and the like are not module statements.
    if (clause && !/^(\*|\{|[A-Za-z_$][\w$]*\s*(,|$)|\*\s+as\s)/.test(clause)) continue;
    const named = clause.match(/\{([^}]*)\}/);
    const bare = clause.replace(/\{[^}]*\}/, "").replace(/,/g, "").trim();
    if (named && !bare) {
      const names = named[1].split(",").map((s) => s.trim()).filter(Boolean);
      if (names.length > 0 && names.every((s) => s.startsWith("type "))) continue;
    }
    out.push(new URL(spec, `file:///${path}`).pathname.slice(1));
  }
  return out;
}

/** Reads every `.ts` module under `roots` (relative to the current directory). */
export async function importGraph(roots: string[]): Promise<ImportGraph> {
  const graph: ImportGraph = new Map();
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (p.endsWith(".ts")) graph.set(p, runtimeImports(p, await Deno.readTextFile(p)));
    }
  }
  for (const r of roots) await walk(r);
  return graph;
}

/**
 * Every import cycle's path (`a → b → a`), one per strongly connected set of modules, found
 * by depth-first search; edges to modules outside the graph are ignored.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const inCycle = new Set<string>();
  const visit = (v: string): void => {
    state.set(v, "open");
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (state.get(w) === "open") {
        const path = stack.slice(stack.indexOf(w));
        if (!path.some((p) => inCycle.has(p))) {
          for (const p of path) inCycle.add(p);
          cycles.push([...path, w]);
        }
      } else if (!state.has(w)) visit(w);
    }
    stack.pop();
    state.set(v, "done");
  };
  for (const v of [...graph.keys()].sort()) if (!state.has(v)) visit(v);
  return cycles;
}

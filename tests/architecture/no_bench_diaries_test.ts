/**
 * Library comments say what a choice is and why; the measurements behind it live in
 * bench/README.md. A bench workload label (W1–W7) in a library comment is the sign of a benchmark
 * diary, so this test fails on one, naming the file and line.
 */
import * as assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LIBRARY_DIRS = ["kernels", "layers", "train", "datasets"];
const WORKLOAD_LABEL = /\bW[1-7]\b/;

/** A comment's text and the 1-based line it starts on. */
interface Comment {
  line: number;
  text: string;
}

/**
 * The comments of TypeScript or C source: `//` and `/* *\/` outside string literals, also those
 * inside template literals (WGSL kernels carry their own `//` comments there).
 */
export function commentsOf(src: string): Comment[] {
  const out: Comment[] = [];
  // One entry per open template literal: the `${` depth inside it when we are in its code.
  const templates: number[] = [];
  let braces = 0, line = 1, i = 0;
  const inTemplateText = () => templates.length > 0 && templates.at(-1) === -1;
  const take = (end: number, from: number) => {
    const text = src.slice(from, end);
    out.push({ line, text });
    line += text.split("\n").length - 1;
    i = end;
  };
  while (i < src.length) {
    const c = src[i], next = src[i + 1];
    if (c === "\n") {
      line++, i++;
    } else if (c === "/" && next === "/") {
      // In template text a comment also ends where the template or a `${` does.
      const ends = inTemplateText() ? ["\n", "`", "${"] : ["\n"];
      const end = Math.min(
        ...ends.map((e) => src.indexOf(e, i)).map((e) => e < 0 ? src.length : e),
      );
      take(end, i);
    } else if (c === "/" && next === "*" && !inTemplateText()) {
      const end = src.indexOf("*/", i + 2);
      take(end < 0 ? src.length : end + 2, i);
    } else if (inTemplateText()) {
      if (c === "\\") i += 2;
      else if (c === "`") templates.pop(), i++;
      else if (c === "$" && next === "{") templates[templates.length - 1] = braces++, i += 2;
      else i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== "\n") j += src[j] === "\\" ? 2 : 1;
      i = j + 1;
    } else if (c === "`") {
      templates.push(-1), i++;
    } else if (c === "{") {
      braces++, i++;
    } else if (c === "}") {
      braces--, i++;
      if (templates.length > 0 && templates.at(-1) === braces) templates[templates.length - 1] = -1;
    } else i++;
  }
  return out;
}

/** Every .ts and .c file under `dir`, recursively. */
function* sourceFiles(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* sourceFiles(p);
    else if (/\.(ts|c)$/.test(e.name)) yield p;
  }
}

Deno.test("commentsOf finds line, block and template-literal comments, not strings", () => {
  const src = [
    'const s = "// W2 in a string";',
    "// line one",
    "const t = `code // wgsl note ${f({ a: 1 })} more`; /* block",
    "still block */ const u = '/* not */';",
  ].join("\n");
  const found = commentsOf(src);
  assert.deepEqual(found.map((c) => c.line), [2, 3, 3]);
  assert.deepEqual(found.map((c) => c.text.slice(0, 8)), ["// line ", "// wgsl ", "/* block"]);
});

Deno.test("no bench workload labels (W1–W7) in library comments", () => {
  const hits: string[] = [];
  for (const dir of LIBRARY_DIRS) {
    for (const file of sourceFiles(join(ROOT, dir))) {
      for (const c of commentsOf(Deno.readTextFileSync(file))) {
        const lines = c.text.split("\n");
        lines.forEach((l, k) => {
          if (WORKLOAD_LABEL.test(l)) {
            hits.push(`${relative(ROOT, file)}:${c.line + k}: ${l.trim()}`);
          }
        });
      }
    }
  }
  assert.deepEqual(
    hits,
    [],
    "benchmark diary in library comments: keep the why in a line or two and move the numbers, " +
      `with their command and date, to bench/README.md:\n${hits.join("\n")}`,
  );
});

/**
 * Markdown tables for results files and reports: one header row, a rule, one row per line, every
 * cell escaped, so no task writes `| … | … |` lines and their escaping by hand.
 * @module
 */

/** A cell's text with `|` escaped and line breaks as spaces, so it stays in its column. */
export function markdownCell(s: string): string {
  return s.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * A Markdown table (trailing newline). `header` is the column names, or one string of them
 * separated by " | "; columns listed in `right` are right-aligned.
 * Example: `markdownTable("a | n", [["x", "1"]], [1])` → `"| a | n |\n|---|---:|\n| x | 1 |\n"`.
 */
export function markdownTable(
  header: string | readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string {
  if (typeof header === "string") header = header.split(" | ");
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(" | ")} |`;
  const rule = `|${header.map((_, i) => (right.includes(i) ? "---:" : "---")).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n") + "\n";
}

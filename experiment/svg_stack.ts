/**
 * Several SVG figures combined in one: stacked top to bottom, each under its own bold label,
 * with a title (a figure of panels, e.g. the stages of a pipeline), or placed side by side.
 * @module
 */
import { escapeXml } from "./svg_plot.ts";

/** One panel: its label and a complete `<svg width="…" height="…">` document. */
export interface SvgPanel {
  /** Drawn above the panel (not as the panel's own title, which a nested svg would clip). */
  label: string;
  svg: string;
}

/**
 * The panels stacked under `title`, at least `minWidth` wide.
 * Example: `stackSvg("Pipeline", [{ label: "input", svg: imageGridSvg({ … }) }])`.
 */
export function stackSvg(title: string, panels: SvgPanel[], minWidth = 420): string {
  const parts: string[] = [];
  let y = 30, width = minWidth;
  for (const { label, svg } of panels) {
    const size = (k: string) => Number(new RegExp(`${k}="(\\d+(?:\\.\\d+)?)"`).exec(svg)?.[1]);
    const w = size("width"), h = size("height");
    if (!Number.isFinite(w) || !Number.isFinite(h)) {
      throw new Error(`stackSvg: panel "${label}" has no numeric width and height`);
    }
    parts.push(
      `<text x="8" y="${y + 14}" font-size="13" font-weight="bold">${escapeXml(label)}</text>`,
      // A nested <svg> with its own x/y places each panel without touching its contents.
      svg.replace("<svg ", `<svg x="0" y="${y + 20}" `),
    );
    y += 20 + h + 8;
    width = Math.max(width, w);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" ` +
    `viewBox="0 0 ${width} ${y}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n` +
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">` +
    `${escapeXml(title)}</text>\n${parts.join("\n")}\n</svg>\n`;
}

/**
 * Standalone SVG charts of equal height placed in one row under `title`. Each chart keeps its
 * own `<svg>` element (nested SVG is part of SVG 1.1, so this renders in browsers and on
 * GitHub), moved right by the widths before it.
 * Example: `sideBySideSvg([lineChartSvg(loss), lineChartSvg(acc)], "Adam vs SGD")`.
 */
export function sideBySideSvg(charts: string[], title: string): string {
  let x = 0, height = 0;
  const parts = charts.map((c) => {
    const m = c.match(/^<svg [^>]*width="(\d+)" height="(\d+)"/);
    if (!m) throw new Error("sideBySideSvg: a chart does not start with <svg … width height>");
    const placed = c.replace(/^<svg /, `<svg x="${x}" y="0" `);
    x += Number(m[1]);
    height = Math.max(height, Number(m[2]));
    return placed.trimEnd();
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${x}" height="${height}" ` +
    `viewBox="0 0 ${x} ${height}" font-family="sans-serif">\n<title>${escapeXml(title)}</title>\n` +
    `${parts.join("\n")}\n</svg>\n`;
}

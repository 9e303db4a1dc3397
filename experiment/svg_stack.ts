/**
 * Several SVG figures stacked top to bottom in one, each under its own bold label, with a title:
 * a figure of panels (e.g. the stages of a pipeline) from figures drawn separately.
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

import assert from "node:assert/strict";
import { sideBySideSvg, stackSvg } from "../../experiment/svg_stack.ts";

const panel = (w: number, h: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect/></svg>`;

Deno.test("stackSvg: panels under their labels, top to bottom, as wide as the widest", () => {
  const svg = stackSvg("A & B", [{ label: "first <1>", svg: panel(500, 40) }, {
    label: "second",
    svg: panel(100, 10),
  }]);
  // Title 30, then per panel a 20-high label, the panel and 8 of space: 30 + 68 + 38.
  assert.match(svg, /^<svg [^>]*width="500" height="136" viewBox="0 0 500 136"/);
  assert.match(svg, />A &amp; B<\/text>/);
  assert.match(svg, /y="44"[^>]*>first &lt;1&gt;<\/text>\n<svg x="0" y="50" xmlns/);
  assert.match(svg, /y="112"[^>]*>second<\/text>\n<svg x="0" y="118" xmlns/);
  assert.match(stackSvg("t", []), /width="420" height="30"/);
  assert.throws(() => stackSvg("t", [{ label: "bad", svg: "<svg/>" }]), /panel "bad"/);
});

Deno.test("sideBySideSvg: charts in one row, each moved right by the widths before it", () => {
  const svg = sideBySideSvg([panel(500, 40), panel(100, 60)], "A & B");
  assert.match(svg, /^<svg [^>]*width="600" height="60" viewBox="0 0 600 60"/);
  assert.match(svg, /<title>A &amp; B<\/title>/);
  assert.match(svg, /<svg x="0" y="0" xmlns[^>]*width="500"/);
  assert.match(svg, /<svg x="500" y="0" xmlns[^>]*width="100"/);
  assert.throws(() => sideBySideSvg(["<g/>"], "t"), /does not start with <svg/);
});

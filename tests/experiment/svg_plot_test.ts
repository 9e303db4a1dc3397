import assert from "node:assert/strict";
import {
  curvesSvg,
  epochSeries,
  escapeXml,
  lineChartSvg,
  niceTicks,
  PALETTE,
} from "../../experiment/svg_plot.ts";
import type { EpochRecord } from "../../train/history.ts";

/**
 * A small well-formedness check: one root <svg>, every tag closed in order, attributes quoted and
 * free of NaN/undefined/Infinity, no raw `<` or stray `&` in text. Returns the element names.
 */
function checkXml(svg: string): string[] {
  assert.ok(svg.startsWith("<svg "), "starts with <svg");
  assert.ok(svg.trimEnd().endsWith("</svg>"), "ends with </svg>");
  const names: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf("<", i);
    const text = svg.slice(i, lt < 0 ? svg.length : lt);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text), `stray & in text ${text}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    assert.ok(m, `malformed tag at ${lt}: ${svg.slice(lt, lt + 60)}`);
    const [, close, name, attrs, selfClose] = m;
    for (const [, value] of attrs.matchAll(/="([^"]*)"/g)) {
      assert.ok(!/NaN|undefined|Infinity/.test(value), `bad attribute value ${value}`);
      assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(value), `stray & in ${value}`);
    }
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the open tag`);
    else if (!selfClose) stack.push(name);
    if (!close) names.push(name);
    if (stack.length === 0) assert.equal(svg.slice(tag.lastIndex).trim(), "", "single root");
    i = tag.lastIndex;
  }
  assert.deepEqual(stack, [], "all tags closed");
  return names;
}

Deno.test("niceTicks: round steps inside the range, no float drift", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.05, 0.95), [0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(1, 12), [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(niceTicks(-3, 3), [-2, 0, 2]);
  assert.deepEqual(niceTicks(0.1, 0.35), [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  assert.deepEqual(niceTicks(2, 2), [2]);
  assert.deepEqual(niceTicks(NaN, 1), []);
});

Deno.test("escapeXml escapes the five XML specials", () => {
  assert.equal(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
});

Deno.test("lineChartSvg: well-formed, named series, distinct colours, escaped text", () => {
  const svg = lineChartSvg({
    title: "Loss <train & val>",
    xLabel: "epoch",
    yLabel: "loss",
    series: [
      { name: "train", x: [1, 2, 3, 4], y: [1, 0.5, 0.3, 0.2] },
      { name: 'val "held-out"', x: [1, 2, 3, 4], y: [1.1, NaN, 0.4, 0.35] },
      { name: "third", x: [1, 2, 3, 4], y: [0.9, 0.6, 0.5, 0.45] },
    ],
    width: 600,
    height: 400,
  });
  const names = checkXml(svg);
  assert.match(svg, /width="600" height="400"/);
  assert.ok(svg.includes("Loss &lt;train &amp; val&gt;"));
  assert.ok(svg.includes(">train</text>") && svg.includes(">val &quot;held-out&quot;</text>"));
  assert.ok(svg.includes(">third</text>"));
  for (const c of PALETTE.slice(0, 3)) assert.ok(svg.includes(`stroke="${c}"`), c);
  assert.equal(new Set(PALETTE).size, PALETTE.length);
  // The NaN splits the second series into two sub-paths (a gap), each starting with M.
  const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
  assert.equal(paths.length, 3);
  assert.equal((paths[1].match(/M/g) ?? []).length, 2);
  assert.equal((paths[0].match(/M/g) ?? []).length, 1);
  assert.ok(names.includes("title"));
});

Deno.test("lineChartSvg: logY skips non-positive values and labels decades", () => {
  const svg = lineChartSvg({
    title: "lr",
    xLabel: "step",
    yLabel: "value",
    series: [{ name: "decay", x: [0, 1, 2, 3, 4], y: [1, 0.1, 0, 0.001, 0.0001] }],
    logY: true,
  });
  checkXml(svg);
  for (const t of ["0.001", "0.01", "0.1", "1"]) assert.ok(svg.includes(`>${t}</text>`), t);
  assert.ok(svg.includes("value (log)"));
  const d = svg.match(/<path d="([^"]*)"/)![1];
  assert.equal((d.match(/M/g) ?? []).length, 2); // the 0 breaks the line
});

Deno.test("lineChartSvg: empty and degenerate data still make a valid chart", () => {
  const empty = lineChartSvg({ title: "t", xLabel: "x", yLabel: "y", series: [] });
  checkXml(empty);
  assert.ok(empty.includes("no data"));
  const allNaN = lineChartSvg({
    title: "t",
    xLabel: "x",
    yLabel: "y",
    series: [{ name: "s", x: [1, 2], y: [NaN, Infinity] }],
  });
  checkXml(allNaN);
  const one = lineChartSvg({
    title: "t",
    xLabel: "x",
    yLabel: "y",
    series: [{ name: "s", x: [1], y: [0.5] }],
  });
  checkXml(one);
  assert.equal((one.match(/<circle /g) ?? []).length, 1); // a lone point is still visible
  assert.throws(
    () =>
      lineChartSvg({ title: "", xLabel: "", yLabel: "", series: [{ name: "s", x: [1], y: [] }] }),
    /1 x but 0 y/,
  );
});

Deno.test("curvesSvg: loss and accuracy panels side by side, train vs validation", () => {
  const history: EpochRecord[] = [1, 2, 3].map((epoch) => ({
    epoch,
    loss: 1 / epoch,
    acc: 1 - 0.1 / epoch,
    valLoss: 1.2 / epoch,
    valAcc: 1 - 0.15 / epoch,
    seconds: 2,
    samplesPerSecond: 1000,
  }));
  const svg = curvesSvg(history);
  checkXml(svg);
  assert.match(svg, /^<svg [^>]*width="960" height="320"/);
  assert.ok(svg.includes(">Loss</text>") && svg.includes(">Accuracy</text>"));
  assert.equal((svg.match(/>train<\/text>/g) ?? []).length, 2);
  assert.equal((svg.match(/>validation<\/text>/g) ?? []).length, 2);
  assert.equal((svg.match(/<path /g) ?? []).length, 4);
  // Epoch ticks are whole numbers.
  assert.ok(!/>1\.5<\/text>/.test(svg));
});

Deno.test("curvesSvg: regression (accuracy NaN) and no validation", () => {
  const svg = curvesSvg([
    { epoch: 1, loss: 2, acc: NaN, seconds: 1, samplesPerSecond: 10 },
    { epoch: 2, loss: 1, acc: NaN, seconds: 1, samplesPerSecond: 10 },
  ]);
  checkXml(svg);
  assert.ok(!svg.includes("validation"));
  assert.ok(svg.includes("no data"));
  assert.equal((svg.match(/<path /g) ?? []).length, 1);
  checkXml(curvesSvg([]));
});

Deno.test("epochSeries: one series per run, x the epoch, a missing value a gap", () => {
  const e = (epoch: number, valAcc?: number): EpochRecord => ({
    epoch,
    loss: 1 / epoch,
    acc: 0.5,
    valAcc,
    seconds: 1,
    samplesPerSecond: 1,
  });
  const s = epochSeries(
    [{ name: "a", epochs: [e(1, 0.2), e(2)] }, { name: "b", epochs: [] }],
    (r) => r.valAcc,
  );
  assert.deepEqual(s, [{ name: "a", x: [1, 2], y: [0.2, NaN] }, { name: "b", x: [], y: [] }]);
});

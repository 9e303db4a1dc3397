/**
 * The GPU run's report without a GPU: a fake WebGPU label (a hardware adapter with its limits
 * and timestamp-query) and a fake PyTorch-CUDA peer record, as bench/peers/torch_peer.py prints
 * one on a CUDA machine, rendered by bench/report_md.ts: the table gives ours/torch-cuda and our
 * dispatches per step, the header names both devices, the limits and features.
 */
import assert from "node:assert/strict";
import { compare, renderMarkdown } from "../../bench/report_md.ts";
import type { PeerRecord } from "../../bench/peers_run.ts";
import type { CaseRecord } from "../../bench/run_one.ts";
import type { DeviceLabel } from "../../bench/device_label.ts";

Deno.test("report: ours on a GPU against PyTorch on CUDA, devices named, dispatches per step", () => {
  const step = {
    submits: 1,
    bufferCreations: 0,
    bytesUploaded: 0,
    readbacks: 0,
    pipelineCreations: 0,
    bindGroupCreations: 0,
  };
  const ours = [{
    name: "W2",
    unit: "samples/s",
    median: 9000,
    perStep: { ...step, dispatches: 38 },
    perReadbackStep: { ...step, dispatches: 38, submits: 2, readbacks: 1 },
    memory: { peakRssMiB: 400, rssStartMiB: 390, rssEndMiB: 391, rssSlopeMiBPerStep: 0 },
    steps: [10, 10, 10],
    liveTensorsGrowth: 0,
  }] as unknown as CaseRecord[];
  const cuda: PeerRecord = {
    peer: "torch-cuda",
    workload: "W2",
    unit: "samples/s",
    median: 30000,
    version: "2.5.1",
    device: "cuda",
    deviceName: "NVIDIA H200",
    cuda: "12.4",
    computeCapability: "9.0",
    tf32: false,
    threads: 16,
  };
  const device: DeviceLabel = {
    name: "webgpu",
    description: "NVIDIA H200 (Vulkan)",
    adapter: { description: "NVIDIA H200", vendor: "nvidia", isFallbackAdapter: false },
    limits: { maxStorageBuffersPerShaderStage: 1048576, maxStorageBufferBindingSize: 2 ** 31 },
    features: ["timestamp-query"],
    adapterFeatures: ["shader-f16", "timestamp-query"],
    software: false,
  };
  const rows = compare(ours, [cuda]);
  assert.equal(rows[0].peers["torch-cuda"].ratio, 0.3);
  const md = renderMarkdown({
    date: "2027-01-15",
    command: "deno task bench --device webgpu --peers",
    machine: { cpu: "x", cores: 16, os: "linux", deno: "2", v8: "v" },
    device,
    secondsPerRepeat: 1,
    ours,
    comparison: rows,
    peerThreads: 1,
    peers: [cuda],
  });
  assert.match(md, /\| W2 \| samples\/s \| 9\.00e\+3 \| 38 \| 3\.00e\+4 \| 0\.30 \|/);
  assert.match(md, /adapter "NVIDIA H200", vendor nvidia, isFallbackAdapter false/);
  assert.doesNotMatch(md, /not GPU speed/);
  assert.match(md, /maxStorageBufferBindingSize 2147483648/);
  assert.match(md, /enabled timestamp-query; adapter offers shader-f16, timestamp-query/);
  assert.match(
    md,
    /torch-cuda: version 2\.5\.1, on cuda, NVIDIA H200, CUDA 12\.4, compute capability 9\.0, TF32 off/,
  );
  // On CUDA the thread count says nothing about the peer's speed: not shown.
  assert.doesNotMatch(md, /torch-cuda:[^;]*thread/);
  // Our counters: 38 dispatches and 1 submit per step (2 and 1 readback with the loss read).
  assert.match(md, /\| W2 \| 38 \| 1 \(2\) \| 0 \(0\) \| 0 \| 0 \(1\) \|/);
});

Deno.test("report: peak RSS of ours beside PyTorch's, per workload, with ours/peer", () => {
  const step = {
    submits: 0,
    bufferCreations: 0,
    bytesUploaded: 0,
    readbacks: 0,
    pipelineCreations: 0,
    bindGroupCreations: 0,
    dispatches: 40,
  };
  const ours = ["W2", "W6"].map((name, i) => ({
    name,
    unit: "samples/s",
    median: 800,
    perStep: step,
    perReadbackStep: step,
    memory: { peakRssMiB: [425, 673][i], rssStartMiB: 1, rssEndMiB: 1, rssSlopeMiBPerStep: 0 },
    steps: [10],
    liveTensorsGrowth: 0,
  })) as unknown as CaseRecord[];
  const torch = (workload: string, peakRssMiB?: number): PeerRecord => ({
    peer: "torch",
    workload,
    unit: "samples/s",
    median: 1000,
    ...(peakRssMiB === undefined ? {} : { peakRssMiB }),
  });
  const rows = compare(ours, [torch("W2", 500), torch("W6")]);
  assert.equal(rows[0].peakRssMiB, 425);
  assert.equal(rows[0].peers.torch.peakRssMiB, 500);
  const md = renderMarkdown({
    date: "2026-12-04",
    command: "deno task bench --peers",
    machine: { cpu: "x", cores: 2, os: "linux", deno: "2", v8: "v" },
    secondsPerRepeat: 1,
    ours,
    comparison: rows,
    peerThreads: 2,
  });
  assert.match(md, /\| W2 \| 425\.0 \| 500\.0 \| 0\.85 \|/);
  // A peer that reports no RSS for a workload leaves its cells empty, not a made-up ratio.
  assert.match(md, /\| W6 \| 673\.0 \| — \| — \|/);
  // Without any peer RSS there is no memory table at all.
  const bare = renderMarkdown({
    date: "2026-12-04",
    command: "deno task bench --peers",
    machine: { cpu: "x", cores: 2, os: "linux", deno: "2", v8: "v" },
    secondsPerRepeat: 1,
    ours,
    comparison: compare(ours, [torch("W2")]),
    peerThreads: 2,
  });
  assert.doesNotMatch(bare, /Peak RSS of each case/);
});

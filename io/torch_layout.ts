/**
 * PyTorch's names and layouts for a Sequential's weights, so the equivalent `torch.nn.Sequential`
 * loads them with `load_state_dict` and predicts the same, and a state dict written from
 * PyTorch loads here.
 *
 * The equivalent module ({@link torchSequentialSource} prints it) expands each layer in order:
 * Dense → `Linear` (+ its activation), Conv2D → `Conv2d` (+ activation; `ZeroPad2d` first when
 * the padding is uneven), DepthwiseConv2D → `Conv2d(groups=C)` (weight [C·M, 1, kh, kw]),
 * SeparableConv2D → that without bias, then a 1×1 `Conv2d` (weight [filters, C·M, 1, 1]),
 * UpSampling2D → `Upsample` ("bilinear" with align_corners=False), Conv1D → `Conv1d`
 * (`ConstantPad1d` first for causal or uneven pads), Conv2DTranspose → `ConvTranspose2d`
 * (`padding`/`output_padding` from Keras' output size; a cropping `ZeroPad2d` after it for an
 * odd "same" total), MaxPool2D → `MaxPool2d`, Flatten → `Flatten`, Dropout → `Dropout`,
 * BatchNorm → `BatchNorm2d`/`BatchNorm1d`, Activation → `ReLU`/`Sigmoid`/`Tanh`/`Softmax(dim=1)`;
 * "linear" adds nothing. Keys are `<index>.<param>` in that module: `0.weight`, `0.bias`,
 * `3.running_mean`. Layouts: Linear weight [out, in]; Conv2d weight [out, in, kh, kw]; Conv1d
 * weight [out, in, k]; ConvTranspose2d weight [in, out, kh, kw]; BatchNorm weight (γ), bias (β),
 * running_mean, running_var, num_batches_tracked (I64, 0).
 * PyTorch is NCHW: a Dense after a Flatten of an [H, W, C] tensor gets its input columns in
 * C·H·W order, and torch inputs are `x.permute(0, 3, 1, 2)` of ours (`x.permute(0, 2, 1)` for
 * [batch, steps, channels]). A model whose first weighted layer is a Dense on [steps, features]
 * (or any rank ≥ 2) instead keeps our layout: `Linear` works on the last axis, as Dense, so the
 * input goes in as it is and a softmax is `Softmax(dim=-1)`; a conv, pool or batch norm after
 * it would need channels-first and is refused ({@link torchInputPermutation} gives the input's
 * permutation).
 * @module
 */
import type { TypedArray } from "../kernels/dtype.ts";
import {
  conv1dAttrs,
  conv2dTransposeAttrs,
  type Padding,
  resolvePads,
  windowAttrs,
} from "../kernels/ops/mod.ts";
import { fmtShape, sameShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { Activation, type ActivationName, type ActivationOptions } from "../layers/activations.ts";
import { BatchNorm } from "../layers/batch_norm.ts";
import { Conv1D } from "../layers/conv1d.ts";
import { Conv2D } from "../layers/conv2d.ts";
import { Conv2DTranspose } from "../layers/conv2d_transpose.ts";
import { Dense } from "../layers/dense.ts";
import { DepthwiseConv2D } from "../layers/depthwise_conv2d.ts";
import { SeparableConv2D } from "../layers/separable_conv2d.ts";
import { Dropout } from "../layers/dropout.ts";
import { Flatten } from "../layers/flatten.ts";
import type { Layer } from "../layers/module.ts";
import { MaxPool2D } from "../layers/pooling.ts";
import type { Sequential } from "../layers/sequential.ts";
import { UpSampling2D } from "../layers/spatial.ts";
import { readSafetensors, type SafetensorsArray, writeSafetensors } from "./safetensors.ts";
import { assignWeights, hostArrayFor, loadWeightsInto, saveWeights } from "./weights.ts";

/** Options of {@link saveSafetensors} / {@link loadSafetensors}. */
export interface SafetensorsLayoutOptions {
  /** "native" (default): our names ("dense_1/kernel") and layouts; "torch": PyTorch's. */
  layout?: "native" | "torch";
}

/** One tensor of the torch state dict and the weight of ours it comes from. */
interface TorchParam {
  key: string;
  /** Our tensor; undefined for num_batches_tracked (PyTorch-only bookkeeping). */
  tensor?: Tensor;
  torchShape: number[];
  /** Axis permutation from our layout (reshaped to `viewShape`) to PyTorch's. */
  perm?: number[];
  viewShape?: number[];
}

/** The equivalent torch.nn.Sequential: its modules (Python source) and its parameters. */
export interface TorchPlan {
  modules: string[];
  params: TorchParam[];
  /** Axis permutation from our batched input to the torch module's ([0, 3, 1, 2] for NHWC). */
  inputPerm: number[];
}

/**
 * The torch.nn module of an activation (none for linear), with its options; `dim` is the
 * softmax axis: 1 for channels-first or flat tensors, -1 for a tensor kept in our layout.
 */
function torchActivation(
  name: ActivationName,
  o: ActivationOptions = {},
  dim = 1,
): string | undefined {
  const modules: Record<ActivationName, string | undefined> = {
    linear: undefined,
    relu: "nn.ReLU()",
    sigmoid: "nn.Sigmoid()",
    tanh: "nn.Tanh()",
    softmax: `nn.Softmax(dim=${dim})`,
    logSoftmax: `nn.LogSoftmax(dim=${dim})`,
    leakyRelu: `nn.LeakyReLU(${py(o.alpha ?? 0.2)})`,
    elu: `nn.ELU(${py(o.alpha ?? 1)})`,
    selu: "nn.SELU()",
    gelu: o.approximate === "tanh" ? 'nn.GELU(approximate="tanh")' : "nn.GELU()",
    silu: "nn.SiLU()",
    swish: "nn.SiLU()",
    softplus: "nn.Softplus()",
    hardSigmoid: "nn.Hardsigmoid()",
    relu6: "nn.ReLU6()",
  };
  return modules[name];
}

/** A float printed as Python would write the value a person meant (1 − 0.99 → 0.01). */
const py = (v: number) => String(Number(v.toPrecision(12)));
const pair = (a: number, b: number) => (a === b ? `${a}` : `(${a}, ${b})`);

/**
 * The torch modules of a 2-D convolution over an [H, W, C] `shape` with `win`'s kernel, strides
 * and dilation: `nn.ZeroPad2d` first when Keras' pads are uneven (Conv2d pads both sides alike),
 * then `nn.Conv2d(cin, cout, …)`, with `groups` for a depthwise one.
 */
function convModules(
  name: string,
  shape: number[],
  win: { kernelSize: [number, number]; strides: [number, number]; dilationRate: [number, number] },
  padding: Padding | undefined,
  cin: number,
  cout: number,
  bias: boolean,
  groups = 1,
): string[] {
  const [kh, kw] = win.kernelSize, [sh, sw] = win.strides, [dh, dw] = win.dilationRate;
  const p = windowAttrs(name, [shape[0], shape[1]], win.kernelSize, {
    strides: win.strides,
    padding,
    dilations: win.dilationRate,
  }).pads;
  const even = p.top === p.bottom && p.left === p.right;
  const modules = even ? [] : [`nn.ZeroPad2d((${p.left}, ${p.right}, ${p.top}, ${p.bottom}))`];
  const pad = even && (p.top || p.left) ? `, padding=${pair(p.top, p.left)}` : "";
  const stride = sh === 1 && sw === 1 ? "" : `, stride=${pair(sh, sw)}`;
  const dilation = dh === 1 && dw === 1 ? "" : `, dilation=${pair(dh, dw)}`;
  const group = groups === 1 ? "" : `, groups=${groups}`;
  modules.push(
    `nn.Conv2d(${cin}, ${cout}, ${pair(kh, kw)}${stride}${pad}${dilation}${group}${
      bias ? "" : ", bias=False"
    })`,
  );
  return modules;
}

/**
 * The torch modules and state-dict entries equivalent to `model` (built), in order. Throws,
 * naming the layer, for what PyTorch's modules cannot express.
 */
export function torchPlan(model: Sequential): TorchPlan {
  model.build();
  const modules: string[] = [];
  const params: TorchParam[] = [];
  let shape = model.inputShape!;
  // [H, W, C] when the features are a Flatten of an NHWC tensor not yet consumed by a Dense.
  let flattened: number[] | undefined;
  // A Dense first on rank ≥ 2 keeps our layout in torch (Linear's last axis is Dense's); torch.nn
  // has no permute module, so the tensor stays so until a Flatten makes it flat.
  const first = model.layers.find((l) => !(l instanceof Dropout || l instanceof Activation));
  const ours = first instanceof Dense && shape.length >= 2;
  const inputPerm = ours || shape.length === 1
    ? shape.map((_, i) => i).concat(shape.length)
    : [0, shape.length, ...shape.slice(1).map((_, i) => i + 1)];
  // The softmax axis of an activation on a tensor of `rank` (without the batch).
  const dim = (rank: number) => (ours && rank >= 2 ? -1 : 1);
  const add = (source: string) => modules.push(source);
  const param = (p: Omit<TorchParam, "key"> & { name: string }) =>
    params.push({ ...p, key: `${modules.length - 1}.${p.name}` });
  const fail = (l: Layer, why: string): never => {
    throw new Error(`torch layout: ${l.name}: ${why}`);
  };
  // A conv's modules: its ZeroPad2d (uneven pads) first, then the Conv2d.
  const add2d = (ms: string[]) => ms.forEach(add);
  for (const l of model.layers) {
    const out = l.outputShape(shape) as number[];
    const spatial = [
      Conv1D,
      Conv2D,
      Conv2DTranspose,
      DepthwiseConv2D,
      SeparableConv2D,
      MaxPool2D,
      UpSampling2D,
      BatchNorm,
    ].some((c) => l instanceof c);
    if (ours && shape.length >= 2 && spatial) {
      fail(
        l,
        `after a Dense on ${fmtShape(shape)} the torch tensor keeps our layout, and ` +
          `${l.constructor.name} needs it channels-first (torch.nn has no permute module)`,
      );
    }
    if (l instanceof Dense) {
      // torch's Linear works on the last axis, which for an NCHW/NCL tensor is not ours.
      if (shape.length !== 1 && !ours) {
        fail(
          l,
          `a Dense on ${fmtShape(shape)} after a channels-first layer is not mapped ` +
            "(torch's Linear would take the wrong axis); Flatten first",
        );
      }
      const k = l.params!.kernel;
      const [inF, outF] = k.shape;
      add(`nn.Linear(${inF}, ${outF}${l.params!.bias ? "" : ", bias=False"})`);
      if (flattened) {
        const [h, w, c] = flattened;
        param({
          name: "weight",
          tensor: k,
          torchShape: [outF, inF],
          viewShape: [h, w, c, outF],
          perm: [3, 2, 0, 1],
        });
      } else {
        param({
          name: "weight",
          tensor: k,
          torchShape: [outF, inF],
          viewShape: [inF, outF],
          perm: [1, 0],
        });
      }
      if (l.params!.bias) param({ name: "bias", tensor: l.params!.bias, torchShape: [outF] });
      flattened = undefined;
      const act = torchActivation(l.opts.activation ?? "linear", {}, dim(out.length));
      if (act) add(act);
    } else if (l instanceof Conv2D) {
      const k = l.params!.kernel, cin = shape[2], cout = l.opts.filters;
      add2d(convModules(l.name, shape, l, l.opts.padding, cin, cout, !!l.params!.bias));
      param({
        name: "weight",
        tensor: k,
        torchShape: [cout, cin, ...l.kernelSize],
        viewShape: k.shape,
        perm: [3, 2, 0, 1],
      });
      if (l.params!.bias) param({ name: "bias", tensor: l.params!.bias, torchShape: [cout] });
      const act = torchActivation(l.opts.activation ?? "linear");
      if (act) add(act);
    } else if (l instanceof DepthwiseConv2D || l instanceof SeparableConv2D) {
      // Depthwise = Conv2d(groups=C): weight [C·M, 1, kh, kw], out channel c·M + m as ours.
      const w = l.window, cin = shape[2], mid = cin * w.depthMultiplier;
      const dk = l instanceof DepthwiseConv2D ? l.kernel! : l.depthwiseKernel!;
      const bias = l.bias;
      const depthBias = l instanceof DepthwiseConv2D && !!bias;
      add2d(convModules(l.name, shape, w, w.opts.padding, cin, mid, depthBias, cin));
      param({
        name: "weight",
        tensor: dk,
        torchShape: [mid, 1, ...w.kernelSize],
        viewShape: [...w.kernelSize, mid],
        perm: [2, 0, 1],
      });
      if (depthBias) param({ name: "bias", tensor: bias!, torchShape: [mid] });
      if (l instanceof SeparableConv2D) {
        const f = l.opts.filters;
        add(`nn.Conv2d(${mid}, ${f}, 1${bias ? "" : ", bias=False"})`);
        param({
          name: "weight",
          tensor: l.pointwiseKernel!,
          torchShape: [f, mid, 1, 1],
          viewShape: [mid, f],
          perm: [1, 0],
        });
        if (bias) param({ name: "bias", tensor: bias, torchShape: [f] });
      }
      const act = torchActivation(l.opts.activation ?? "linear");
      if (act) add(act);
    } else if (l instanceof Conv1D) {
      const k = l.params!.kernel, [kl, cin, cout] = k.shape, o = l.opts;
      const a = conv1dAttrs(shape[0], kl, {
        strides: o.strides,
        padding: o.padding,
        dilations: o.dilationRate,
      });
      const [left, right] = [a.pads.left, a.pads.right];
      // Causal and uneven "same" pads go in a ConstantPad1d: Conv1d pads both ends alike.
      if (left !== right) add(`nn.ConstantPad1d((${left}, ${right}), 0.0)`);
      const pad = left === right && left ? `, padding=${left}` : "";
      const stride = a.strides[1] === 1 ? "" : `, stride=${a.strides[1]}`;
      const d = a.dilations?.[1] ?? 1, dilation = d === 1 ? "" : `, dilation=${d}`;
      add(
        `nn.Conv1d(${cin}, ${cout}, ${kl}${stride}${pad}${dilation}${
          l.params!.bias ? "" : ", bias=False"
        })`,
      );
      param({
        name: "weight",
        tensor: k,
        torchShape: [cout, cin, kl],
        viewShape: k.shape,
        perm: [2, 1, 0],
      });
      if (l.params!.bias) param({ name: "bias", tensor: l.params!.bias, torchShape: [cout] });
      const act = torchActivation(o.activation ?? "linear");
      if (act) add(act);
    } else if (l instanceof Conv2DTranspose) {
      const k = l.params!.kernel, [kh, kw, cout, cin] = k.shape, [sh, sw] = l.strides;
      const [dh, dw] = l.dilationRate;
      const { outHW, attrs: { pads } } = conv2dTransposeAttrs([shape[0], shape[1]], l.kernelSize, {
        strides: l.strides,
        padding: l.opts.padding,
        dilations: l.dilationRate,
      });
      // torch crops `padding` from both ends of the full output ((in − 1)·s + extent) and
      // extends the end by output_padding; Keras crops pads.top/left first, then keeps outHW.
      const full = [0, 1].map((a) =>
        (shape[a] - 1) * l.strides[a] + (l.kernelSize[a] - 1) * l.dilationRate[a] + 1
      );
      const start = [pads.top, pads.left];
      const extra = [0, 1].map((a) => start[a] * 2 + outHW[a] - full[a]);
      // An odd "same" total crops one more at the end than torch can: a negative ZeroPad2d does.
      const outPad = extra.map((e) => Math.max(e, 0)), crop = extra.map((e) => Math.min(e, 0));
      const opt = (name: string, [a, b]: number[], none: number) =>
        a === none && b === none ? "" : `, ${name}=${pair(a, b)}`;
      add(
        `nn.ConvTranspose2d(${cin}, ${cout}, ${pair(kh, kw)}${opt("stride", [sh, sw], 1)}${
          opt("padding", start, 0)
        }${opt("output_padding", outPad, 0)}${l.params!.bias ? "" : ", bias=False"}${
          opt("dilation", [dh, dw], 1)
        })`,
      );
      param({
        name: "weight",
        tensor: k,
        torchShape: [cin, cout, kh, kw],
        viewShape: k.shape,
        perm: [3, 2, 0, 1],
      });
      if (l.params!.bias) param({ name: "bias", tensor: l.params!.bias, torchShape: [cout] });
      if (crop[0] || crop[1]) add(`nn.ZeroPad2d((0, ${crop[1]}, 0, ${crop[0]}))`);
      const act = torchActivation(l.opts.activation ?? "linear");
      if (act) add(act);
    } else if (l instanceof MaxPool2D) {
      const p = resolvePads(l.opts.padding ?? "valid", shape[0], shape[1], ...l.pool, l.strides);
      if (p.top !== p.bottom || p.left !== p.right) {
        fail(l, "uneven pooling padding has no torch.nn.MaxPool2d equivalent");
      }
      const pad = p.top || p.left ? `, padding=${pair(p.top, p.left)}` : "";
      add(`nn.MaxPool2d(${pair(...l.pool)}, ${pair(...l.strides)}${pad})`);
    } else if (l instanceof UpSampling2D) {
      const [a, b] = l.size;
      add(
        l.opts.interpolation === "bilinear"
          ? `nn.Upsample(scale_factor=${pair(a, b)}, mode="bilinear", align_corners=False)`
          : `nn.Upsample(scale_factor=${pair(a, b)}, mode="nearest")`,
      );
    } else if (l instanceof Flatten) {
      // Flatten of a tensor in our layout gives our order: nothing to permute after it.
      if (ours && shape.length >= 2) flattened = undefined;
      else if (shape.length === 3) flattened = shape;
      // [steps, channels] is torch's [C, L]: flattened like an NCHW tensor of height 1.
      else if (shape.length === 2) flattened = [1, ...shape];
      else if (shape.length !== 1) fail(l, `flattening ${fmtShape(shape)} is not mapped`);
      add("nn.Flatten()");
    } else if (l instanceof Dropout) {
      add(`nn.Dropout(p=${py(l.rate)})`);
    } else if (l instanceof BatchNorm) {
      if (flattened) fail(l, "a batch norm between a Flatten and a Dense is not mapped");
      const c = shape[shape.length - 1];
      const kind = shape.length === 3 ? "BatchNorm2d" : shape.length === 1 ? "BatchNorm1d" : "";
      if (!kind) fail(l, `batch norm over ${fmtShape(shape)} is not mapped`);
      add(`nn.${kind}(${c}, eps=${py(l.epsilon)}, momentum=${py(1 - l.momentum)})`);
      param({ name: "weight", tensor: l.gamma, torchShape: [c] });
      param({ name: "bias", tensor: l.beta, torchShape: [c] });
      param({ name: "running_mean", tensor: l.movingMean, torchShape: [c] });
      param({ name: "running_var", tensor: l.movingVar, torchShape: [c] });
      param({ name: "num_batches_tracked", torchShape: [] });
    } else if (l instanceof Activation) {
      const act = torchActivation(l.activation, l.options, dim(shape.length));
      if (act) add(act);
    } else {
      fail(l, `${l.constructor.name} has no torch mapping`);
    }
    shape = out;
  }
  return { modules, params, inputPerm };
}

/**
 * How our batched input maps to the torch module's: `x.permute(...perm)` in PyTorch. [0, 3, 1,
 * 2] for NHWC, [0, 2, 1] for [batch, steps, channels], the identity for flat input or a model
 * that starts with a Dense (kept in our layout). Example: `torchInputPermutation(model)`.
 */
export function torchInputPermutation(model: Sequential): number[] {
  return torchPlan(model).inputPerm;
}

/**
 * Python source of the equivalent `torch.nn.Sequential` (with `from torch import nn`).
 * Example: `nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax(dim=1))`.
 */
export function torchSequentialSource(model: Sequential): string {
  return `nn.Sequential(\n${torchPlan(model).modules.map((m) => `    ${m},`).join("\n")}\n)`;
}

/** `data` of `shape` with its axes reordered by `perm` (row-major, any typed array). */
export function permuteAxes<T extends TypedArray>(data: T, shape: number[], perm: number[]): T {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const stride = perm.map((p) => inStrides[p]); // input stride of each output axis
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const idx = new Array(outShape.length).fill(0);
  let src = 0;
  for (let o = 0; o < data.length; o++) {
    out[o] = data[src];
    // Advance the output index like an odometer, moving `src` by the matching input strides.
    for (let a = outShape.length - 1; a >= 0; a--) {
      if (++idx[a] < outShape[a]) {
        src += stride[a];
        break;
      }
      src -= stride[a] * (outShape[a] - 1);
      idx[a] = 0;
    }
  }
  return out;
}

const inverse = (perm: number[]) => perm.map((_, i) => perm.indexOf(i));

/**
 * Writes `model`'s weights to a safetensors file: our names and layouts, or with
 * `{ layout: "torch" }` the state dict of the equivalent torch.nn.Sequential. Example:
 * `await saveSafetensors(model, "net.safetensors", { layout: "torch" });`
 */
export async function saveSafetensors(
  model: Sequential,
  path: string,
  opts: SafetensorsLayoutOptions = {},
): Promise<void> {
  if ((opts.layout ?? "native") === "native") return saveWeights(model.weights(), path);
  const out: Record<string, { shape: number[]; data: SafetensorsArray }> = {};
  for (const p of torchPlan(model).params) {
    if (!p.tensor) {
      out[p.key] = { shape: [], data: new BigInt64Array(1) };
      continue;
    }
    const data = await p.tensor.data();
    out[p.key] = {
      shape: p.torchShape,
      data: p.perm ? permuteAxes(data, p.viewShape!, p.perm) : data,
    };
  }
  await writeSafetensors(path, out, { format: "pt" });
}

/**
 * Loads weights into `model` from a safetensors file: our names and layouts, or with
 * `{ layout: "torch" }` a state dict of the equivalent torch.nn.Sequential (as written by
 * PyTorch). Missing, extra or mis-shaped tensors throw before any weight changes.
 */
export async function loadSafetensors(
  model: Sequential,
  path: string,
  opts: SafetensorsLayoutOptions = {},
): Promise<void> {
  if ((opts.layout ?? "native") === "native") {
    await loadWeightsInto(model.weights(), path);
    return;
  }
  const file = await readSafetensors(path);
  const fail = (why: string): never => {
    throw new Error(`loadSafetensors: ${path}: ${why}`);
  };
  const params = torchPlan(model).params;
  const keys = new Set(params.map((p) => p.key));
  const missing = params.filter((p) => p.tensor && !file.tensors.has(p.key)).map((p) => p.key);
  if (missing.length) {
    fail(
      `no tensor named ${missing.join(", ")} (the file holds ${
        [...file.tensors.keys()].join(", ")
      })`,
    );
  }
  const extra = [...file.tensors.keys()].filter((k) => !keys.has(k));
  if (extra.length) fail(`tensors the equivalent torch model does not have: ${extra.join(", ")}`);
  const targets: { name: string; tensor: Tensor }[] = [];
  const arrays: TypedArray[] = [];
  for (const p of params) {
    if (!p.tensor) continue;
    const t = file.tensors.get(p.key)!;
    if (!sameShape(t.shape, p.torchShape)) {
      fail(
        `${p.key} is ${fmtShape(t.shape)} in the file, the model needs ${fmtShape(p.torchShape)}`,
      );
    }
    const data = hostArrayFor(p.tensor.dtype, t, (why) => fail(`${p.key}: ${why}`));
    const torchView = p.perm ? p.perm.map((i) => p.viewShape![i]) : undefined;
    arrays.push(p.perm ? permuteAxes(data, torchView!, inverse(p.perm)) : data);
    targets.push({ name: p.key, tensor: p.tensor });
  }
  assignWeights(targets, arrays);
}

import type { DType } from "./dtype.ts";
import * as ops from "./ops/all.ts";
import { Tensor } from "./tensor_core.ts";

/**
 * Method forms of the ops (`x.matmul(w).add(b).relu()`), attached here rather than in
 * tensor.ts so the Tensor class does not import every op family.
 */
declare module "./tensor_core.ts" {
  interface Tensor {
    add(b: Tensor | number): Tensor;
    sub(b: Tensor | number): Tensor;
    mul(b: Tensor | number): Tensor;
    div(b: Tensor | number): Tensor;
    matmul(b: Tensor, opts?: { transposeA?: boolean; transposeB?: boolean }): Tensor;
    sum(axes?: number | number[], keepDims?: boolean): Tensor;
    mean(axes?: number | number[], keepDims?: boolean): Tensor;
    max(axes?: number | number[], keepDims?: boolean): Tensor;
    min(axes?: number | number[], keepDims?: boolean): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    softmax(): Tensor;
    logSoftmax(): Tensor;
    argmax(axis?: number): Tensor;
    cast(dtype: DType): Tensor;
    transpose(perm?: number[]): Tensor;
    permute(perm: number[]): Tensor;
    slice(begin: number | number[], size?: number | number[]): Tensor;
    stridedSlice(
      begin: ops.SliceBound[],
      end: ops.SliceBound[],
      strides?: ops.SliceBound[],
    ): Tensor;
    pad(paddings: [number, number][], value?: number): Tensor;
    tile(reps: number[]): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axes?: number | number[]): Tensor;
    reverse(axes?: number | number[]): Tensor;
    split(sections: number | number[], axis?: number): Tensor[];
    pow(b: Tensor | number): Tensor;
    clip(lo: number, hi: number): Tensor;
    less(b: Tensor | number): Tensor;
    lessEqual(b: Tensor | number): Tensor;
    greater(b: Tensor | number): Tensor;
    notEqual(b: Tensor | number): Tensor;
    prod(axes?: number | number[], keepDims?: boolean): Tensor;
    cumsum(axis?: number, opts?: { exclusive?: boolean; reverse?: boolean }): Tensor;
    argmin(axis?: number): Tensor;
    leakyRelu(alpha?: number): Tensor;
    elu(alpha?: number): Tensor;
    selu(): Tensor;
    gelu(opts?: { approximate?: "none" | "tanh" }): Tensor;
    silu(): Tensor;
    softplus(): Tensor;
  }
}

const p = Tensor.prototype;
p.add = function (b) {
  return ops.add(this, b);
};
p.sub = function (b) {
  return ops.sub(this, b);
};
p.mul = function (b) {
  return ops.mul(this, b);
};
p.div = function (b) {
  return ops.div(this, b);
};
p.matmul = function (b, opts) {
  return ops.matmul(this, b, opts);
};
p.sum = function (axes, keepDims) {
  return ops.sum(this, axes, keepDims);
};
p.mean = function (axes, keepDims) {
  return ops.mean(this, axes, keepDims);
};
p.max = function (axes, keepDims) {
  return ops.max(this, axes, keepDims);
};
p.min = function (axes, keepDims) {
  return ops.min(this, axes, keepDims);
};
p.neg = function () {
  return ops.neg(this);
};
p.exp = function () {
  return ops.exp(this);
};
p.log = function () {
  return ops.log(this);
};
p.sqrt = function () {
  return ops.sqrt(this);
};
p.square = function () {
  return ops.square(this);
};
p.relu = function () {
  return ops.relu(this);
};
p.sigmoid = function () {
  return ops.sigmoid(this);
};
p.tanh = function () {
  return ops.tanh(this);
};
p.softmax = function () {
  return ops.softmax(this);
};
p.logSoftmax = function () {
  return ops.logSoftmax(this);
};
p.argmax = function (axis) {
  return ops.argmax(this, axis);
};
p.cast = function (dtype) {
  return ops.cast(this, dtype);
};
p.transpose = function (perm) {
  return ops.transpose(this, perm);
};
p.permute = function (perm) {
  return ops.permute(this, perm);
};
p.slice = function (begin, size) {
  return ops.slice(this, begin, size);
};
p.stridedSlice = function (begin, end, strides) {
  return ops.stridedSlice(this, begin, end, strides);
};
p.pad = function (paddings, value) {
  return ops.pad(this, paddings, value);
};
p.tile = function (reps) {
  return ops.tile(this, reps);
};
p.expandDims = function (axis) {
  return ops.expandDims(this, axis);
};
p.squeeze = function (axes) {
  return ops.squeeze(this, axes);
};
p.reverse = function (axes) {
  return ops.reverse(this, axes);
};
p.split = function (sections, axis) {
  return ops.split(this, sections, axis);
};
p.pow = function (b) {
  return ops.pow(this, b);
};
p.clip = function (lo, hi) {
  return ops.clip(this, lo, hi);
};
p.less = function (b) {
  return ops.less(this, b);
};
p.lessEqual = function (b) {
  return ops.lessEqual(this, b);
};
p.greater = function (b) {
  return ops.greater(this, b);
};
p.notEqual = function (b) {
  return ops.notEqual(this, b);
};
p.prod = function (axes, keepDims) {
  return ops.prod(this, axes, keepDims);
};
p.cumsum = function (axis, opts) {
  return ops.cumsum(this, axis, opts);
};
p.argmin = function (axis) {
  return ops.argmin(this, axis);
};
p.leakyRelu = function (alpha) {
  return ops.leakyRelu(this, alpha);
};
p.elu = function (alpha) {
  return ops.elu(this, alpha);
};
p.selu = function () {
  return ops.selu(this);
};
p.gelu = function (opts) {
  return ops.gelu(this, opts);
};
p.silu = function () {
  return ops.silu(this);
};
p.softplus = function () {
  return ops.softplus(this);
};

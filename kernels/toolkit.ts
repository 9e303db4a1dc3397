/**
 * Loads the whole toolkit for its effects: every op (ops/all.ts), the tensor methods
 * (tensor_methods.ts) and the device layer with the default CPU backend, which registers its
 * kernels (device.ts → cpu/backend.ts → cpu/register_all.ts). The public entry points
 * (mod.ts, kernels/tensor.ts, kernels/ops/mod.ts, kernels/autograd.ts) import it, so importing
 * any of them gives the same toolkit; modules inside kernels/ never do (that would be a cycle).
 */
import "./ops/all.ts";
import "./tensor_methods.ts";
import "./device.ts";

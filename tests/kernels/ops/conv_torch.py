"""PyTorch's values for tests/kernels/ops/conv_torch_test.ts: dilated conv2d, conv1d and
conv_transpose2d on the test's inputs, forward and the gradients of sum(y * r), in float64.

Reads a JSON list of jobs (argv[1]) in our layouts (NHWC, [batch, steps, channels], filters
[kh, kw, in, out] / [k, in, out] / transposed [kh, kw, out, in]) with explicit pads, converts
them to torch's (NCHW, [out, in, kh, kw], ConvTranspose2d [in, out, kh, kw]) and writes the
results back in our layouts to argv[2].
Run by the test: /usr/bin/python3 tests/kernels/ops/conv_torch.py jobs.json out.json
"""
import json
import sys

import torch
import torch.nn.functional as F


def t(values, shape):
    return torch.tensor(values, dtype=torch.float64).reshape(shape).requires_grad_(True)


def run(job):
    x, w, r = t(job["x"], job["xShape"]), t(job["w"], job["wShape"]), job["r"]
    b = t(job["b"], [len(job["b"])]) if job.get("b") is not None else None
    top, bottom, left, right = job["pads"]
    sh, sw = job["strides"]
    dh, dw = job["dilations"]
    kind = job["kind"]
    if kind == "conv2d":
        xt = F.pad(x.permute(0, 3, 1, 2), (left, right, top, bottom))
        y = F.conv2d(xt, w.permute(3, 2, 0, 1), b, stride=(sh, sw), dilation=(dh, dw))
        y = y.permute(0, 2, 3, 1)
    elif kind == "conv1d":
        xt = F.pad(x.permute(0, 2, 1), (left, right))
        y = F.conv1d(xt, w.permute(2, 1, 0), b, stride=sw, dilation=dw).permute(0, 2, 1)
    elif kind == "conv_transpose2d":
        # Keras' output [oh, ow] is the full transposed output cropped by the pads "same"
        # gives on it; output_padding extends the full output where Keras' is longer.
        oh, ow = job["outHW"]
        kh, kw = job["wShape"][0], job["wShape"][1]
        full_h = (job["xShape"][1] - 1) * sh + (kh - 1) * dh + 1
        full_w = (job["xShape"][2] - 1) * sw + (kw - 1) * dw + 1
        extra = (max(0, top + oh - full_h), max(0, left + ow - full_w))
        y = F.conv_transpose2d(x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1), None,
                               stride=(sh, sw), output_padding=extra, dilation=(dh, dw))
        y = y[:, :, top:top + oh, left:left + ow]
        if b is not None:
            y = y + b.view(1, -1, 1, 1)
        y = y.permute(0, 2, 3, 1)
    else:
        raise ValueError(kind)
    rt = torch.tensor(r, dtype=torch.float64).reshape(y.shape)
    inputs = [x, w] + ([b] if b is not None else [])
    grads = torch.autograd.grad((y * rt).sum(), inputs)
    flat = lambda v: v.detach().reshape(-1).tolist()
    return {"y": flat(y), "yShape": list(y.shape), "grads": [flat(g) for g in grads]}


jobs = json.load(open(sys.argv[1]))
json.dump([run(j) for j in jobs], open(sys.argv[2], "w"))

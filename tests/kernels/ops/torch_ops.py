"""PyTorch's values for tests/kernels/ops/torch_ops_test.ts: depthwise conv2d (as F.conv2d with
groups = channels) and bilinear upsampling (F.interpolate, mode="bilinear",
align_corners=False) on the test's inputs, forward and the gradients of sum(y * r), in float64.

Reads a JSON list of jobs (argv[1]) in our layouts (NHWC, depthwise filter [kh, kw, C, M]) with
explicit pads, converts them to torch's (NCHW, weight [C*M, 1, kh, kw]) and writes the results
back in our layouts to argv[2].
Run by the test: /usr/bin/python3 tests/kernels/ops/torch_ops.py jobs.json out.json
"""
import json
import sys

import torch
import torch.nn.functional as F


def t(values, shape):
    return torch.tensor(values, dtype=torch.float64).reshape(shape).requires_grad_(True)


def run(job):
    x = t(job["x"], job["xShape"])
    inputs = [x]
    if job["kind"] == "depthwise":
        w = t(job["w"], job["wShape"])
        inputs.append(w)
        kh, kw, c, m = job["wShape"]
        top, bottom, left, right = job["pads"]
        xt = F.pad(x.permute(0, 3, 1, 2), (left, right, top, bottom))
        # [kh, kw, C, M] -> [C*M, 1, kh, kw]: output channel c*M + m, as ours.
        wt = w.permute(2, 3, 0, 1).reshape(c * m, 1, kh, kw)
        y = F.conv2d(xt, wt, None, stride=tuple(job["strides"]), dilation=tuple(job["dilations"]),
                     groups=c)
    elif job["kind"] == "bilinear":
        y = F.interpolate(x.permute(0, 3, 1, 2), scale_factor=tuple(job["scale"]),
                          mode="bilinear", align_corners=False)
    else:
        raise ValueError(job["kind"])
    y = y.permute(0, 2, 3, 1)
    rt = torch.tensor(job["r"], dtype=torch.float64).reshape(y.shape)
    grads = torch.autograd.grad((y * rt).sum(), inputs)
    flat = lambda v: v.detach().reshape(-1).tolist()
    return {"y": flat(y), "yShape": list(y.shape), "grads": [flat(g) for g in grads]}


jobs = json.load(open(sys.argv[1]))
json.dump([run(j) for j in jobs], open(sys.argv[2], "w"))

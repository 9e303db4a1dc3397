"""PyTorch's second derivatives for tests/kernels/ops/second_derivative_test.ts, in float64.

Reads {"x": [...], "shape": [r, c], "q": [...], "r": [...]} (argv[1]) and writes, per activation,
d/dx sum(r * d/dx sum(q * f(x))) (grad of grad, create_graph=True) to argv[2].
Run by the test: /usr/bin/python3 tests/kernels/ops/second_derivative_torch.py in.json out.json
"""
import json
import sys

import torch
import torch.nn.functional as F

ACTS = {
    "relu": F.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda x: F.softmax(x, dim=-1),
    "logSoftmax": lambda x: F.log_softmax(x, dim=-1),
    "leakyRelu": lambda x: F.leaky_relu(x, 0.1),
    "elu": lambda x: F.elu(x, 0.7),
    "selu": F.selu,
    "gelu": F.gelu,
    "gelu tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "softplus": F.softplus,
    # F.hardsigmoid has no double backward in torch: its definition relu6(x + 3) / 6 does.
    "hardSigmoid": lambda x: F.relu6(x + 3) / 6,
    "relu6": F.relu6,
}

job = json.load(open(sys.argv[1]))
q = torch.tensor(job["q"], dtype=torch.float64).reshape(job["shape"])
r = torch.tensor(job["r"], dtype=torch.float64).reshape(job["shape"])
out = {}
for name, f in ACTS.items():
    x = torch.tensor(job["x"], dtype=torch.float64).reshape(job["shape"]).requires_grad_(True)
    (g,) = torch.autograd.grad((q * f(x)).sum(), x, create_graph=True)
    (h,) = torch.autograd.grad((r * g).sum(), x, allow_unused=True)
    out[name] = (h if h is not None else torch.zeros_like(x)).detach().reshape(-1).tolist()
json.dump(out, open(sys.argv[2], "w"))

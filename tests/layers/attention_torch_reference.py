"""Prints PyTorch's values for tests/layers/attention_test.ts (pasted into attention_data.ts).

Multi-head attention written out in torch float64 with Keras 3's weight layout (query/key/value
kernels [features, heads, dim], output kernel [heads, valueDim, out]): softmax(Q·Kᵀ/√keyDim)·V
per head, masked scores set to -1e9 as Keras does. torch 1.13 has no
scaled_dot_product_attention, so the same math is spelled out. Inputs are deterministic
formulas that the test rebuilds: fill(shape, c)[i] = sin(0.37·i + c)·0.8.
Run: /usr/bin/python3 tests/layers/attention_torch_reference.py
"""
import json
import math

import torch

torch.set_default_dtype(torch.float64)


def fill(shape, c):
    n = math.prod(shape)
    return torch.tensor([math.sin(0.37 * i + c) * 0.8 for i in range(n)]).reshape(shape)


B, T, S, QF, VF, KF, H, KD, VD, OUT = 2, 3, 4, 5, 6, 3, 2, 3, 2, 4
query, value, key = fill([B, T, QF], 0.1), fill([B, S, VF], 0.2), fill([B, S, KF], 0.3)
w = {
    "query/kernel": fill([QF, H, KD], 1.0), "query/bias": fill([H, KD], 1.1),
    "key/kernel": fill([KF, H, KD], 1.2), "key/bias": fill([H, KD], 1.3),
    "value/kernel": fill([VF, H, VD], 1.4), "value/bias": fill([H, VD], 1.5),
    "attention_output/kernel": fill([H, VD, OUT], 1.6), "attention_output/bias": fill([OUT], 1.7),
}
# Row (b=1, t=1) is fully masked: Keras gives it equal weights on every key.
mask = torch.ones(B, T, S)
mask[0, 0, 3] = 0
mask[0, 2, 1] = 0
mask[1, 1, :] = 0


def mha(mask):
    q = torch.einsum("btf,fhd->bhtd", query, w["query/kernel"]) + w["query/bias"][None, :, None]
    k = torch.einsum("bsf,fhd->bhsd", key, w["key/kernel"]) + w["key/bias"][None, :, None]
    v = torch.einsum("bsf,fhd->bhsd", value, w["value/kernel"]) + w["value/bias"][None, :, None]
    scores = q @ k.transpose(-1, -2) / math.sqrt(KD)
    if mask is not None:
        scores = scores.masked_fill(mask[:, None] <= 0.5, -1e9)
    probs = torch.softmax(scores, dim=-1)
    o = probs @ v  # [B, H, T, VD]
    return torch.einsum("bhtd,hdo->bto", o, w["attention_output/kernel"]) + w["attention_output/bias"]


causal = torch.tril(torch.ones(T, S))[None].expand(B, T, S)
print(json.dumps({
    "plain": mha(None).flatten().tolist(),
    "masked": mha(mask).flatten().tolist(),
    "causalAndMask": mha(mask * causal).flatten().tolist(),
}))

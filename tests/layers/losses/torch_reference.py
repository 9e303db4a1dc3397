"""Reference values for tests/layers/losses/*_test.ts, computed by PyTorch in float64.

Run with /usr/bin/python3 tests/layers/losses/torch_reference.py; the tests hard-code what it
prints (inputs chosen so Keras' clipping to [1e-7, 1 - 1e-7] changes nothing, where Keras and
PyTorch agree up to rounding).
"""
import json

import torch
import torch.nn.functional as F

t = lambda x: torch.tensor(x, dtype=torch.float64)
LOGITS = t([[0.2, -1.3, 0.7, 2.1], [1.5, 0.3, -0.4, -2.2], [-0.6, 0.9, 0.05, 0.4]])
IDS = torch.tensor([3, 0, 1])
PROBS = t([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.15, 0.05], [0.25, 0.25, 0.4, 0.1]])
Q = t([[0.25, 0.25, 0.25, 0.25], [0.6, 0.2, 0.1, 0.1], [0.3, 0.3, 0.3, 0.1]])
BIN_LOGITS = t([[0.3, -1.2], [2.5, -0.7], [-3.1, 0.8]])
BIN_PROBS = t([[0.8, 0.3], [0.65, 0.1], [0.2, 0.9]])
BIN_Y = t([[1, 0], [0, 1], [1, 1]])
PRED = t([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [0.1, 0.1, 0.1]])
TARGET = t([[0.0, 0.5, 2.8], [1.0, 1.2, -0.35], [2.0, -1.0, 0.4]])
W = t([0.5, 2.0, 1.0])
onehot = F.one_hot(IDS, 4).double()
smooth = lambda y, s, c: y * (1 - s) + s / c

out = {
    "categoricalLogits": F.cross_entropy(LOGITS, IDS).item(),
    "categoricalLogitsSmooth01": F.cross_entropy(LOGITS, IDS, label_smoothing=0.1).item(),
    "categoricalProbs": F.nll_loss(torch.log(PROBS), IDS).item(),
    "categoricalProbsSmooth02": -(smooth(onehot, 0.2, 4) * torch.log(PROBS)).sum(1).mean().item(),
    "categoricalLogitsWeighted": (F.cross_entropy(LOGITS, IDS, reduction="none") * W).mean().item(),
    "binaryLogits": F.binary_cross_entropy_with_logits(BIN_LOGITS, BIN_Y).item(),
    "binaryProbs": F.binary_cross_entropy(BIN_PROBS, BIN_Y).item(),
    "binaryProbsSmooth02": F.binary_cross_entropy(BIN_PROBS, smooth(BIN_Y, 0.2, 2)).item(),
    "binaryLogitsWeighted": (
        F.binary_cross_entropy_with_logits(BIN_LOGITS, BIN_Y, reduction="none").mean(1) * W
    ).mean().item(),
    "mae": F.l1_loss(PRED, TARGET).item(),
    "huber1": F.huber_loss(PRED, TARGET, delta=1.0).item(),
    "huber05": F.huber_loss(PRED, TARGET, delta=0.5).item(),
    "huber05Weighted": (F.huber_loss(PRED, TARGET, delta=0.5, reduction="none").mean(1) * W)
    .mean().item(),
    "kld": F.kl_div(torch.log(Q), PROBS, reduction="batchmean").item(),
}
print(json.dumps(out, indent=2))

"""PyTorch's values for tests/layers/recurrent_mask_torch_test.ts: nn.LSTM / nn.GRU (one layer,
both directions) on a right-padded batch packed with pack_padded_sequence, in float64.

Reads a JSON list of jobs (argv[1]): kind ("lstm" | "gru"), x [B, T, F], lengths, and per
direction Keras' weights (kernel [F, g*U], recurrent [U, g*U], bias [g*U] or GRU's [2, 3U]).
Writes per job the final states of each direction and the kept steps of the output sequence
(argv[2]), in Keras' layouts. Run by the test: /usr/bin/python3 recurrent_mask_torch.py in out
"""
import json
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def keras_to_torch(kind, units, w):
    """Keras' kernel/recurrent/bias to torch's (weight_ih, weight_hh, bias_ih, bias_hh)."""
    k = torch.tensor(w["kernel"], dtype=torch.float64).reshape(-1, w["g"] * units)
    r = torch.tensor(w["recurrent"], dtype=torch.float64).reshape(units, w["g"] * units)
    b = torch.tensor(w["bias"], dtype=torch.float64)
    if kind == "lstm":  # i, f, c, o in both
        return k.T, r.T, b.reshape(-1), torch.zeros(4 * units, dtype=torch.float64)
    # GRU: Keras z, r, h; torch r, z, n. Rows of the bias: input bias, recurrent bias.
    order = lambda m: torch.cat([m[..., units:2 * units], m[..., :units], m[..., 2 * units:]], -1)
    b = b.reshape(2, 3 * units)
    return order(k).T, order(r).T, order(b[0]), order(b[1])


def run(job):
    kind, units = job["kind"], job["units"]
    x = torch.tensor(job["x"], dtype=torch.float64).reshape(job["xShape"])
    cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
    net = cls(x.shape[2], units, batch_first=True, bidirectional=True).double()
    with torch.no_grad():
        for suffix, w in (("", job["forward"]), ("_reverse", job["backward"])):
            wi, wh, bi, bh = keras_to_torch(kind, units, w)
            getattr(net, "weight_ih_l0" + suffix).copy_(wi)
            getattr(net, "weight_hh_l0" + suffix).copy_(wh)
            getattr(net, "bias_ih_l0" + suffix).copy_(bi)
            getattr(net, "bias_hh_l0" + suffix).copy_(bh)
        packed = pack_padded_sequence(x, torch.tensor(job["lengths"]), batch_first=True,
                                      enforce_sorted=False)
        out, states = net(packed)
        seq, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    states = states if isinstance(states, tuple) else (states,)
    # states: [direction, B, U] each; seq [B, T, 2U] (forward then reverse features).
    flat = lambda v: v.reshape(-1).tolist()
    return {
        "forward": [flat(s[0]) for s in states],
        "backward": [flat(s[1]) for s in states],
        "seq": flat(seq),
    }


jobs = json.load(open(sys.argv[1]))
json.dump([run(j) for j in jobs], open(sys.argv[2], "w"))

"""PyTorch twin of `deno task text-classify`: the same texts, model, recipe and batch order.

Usage: /usr/bin/python3 tasks/peers/text_classify_torch.py [--epochs 6] [--batch-size 64]
         [--lr 0.01] [--seed 1] [--limit 10000] [--test-limit 4000] [--threads 1]
         [--print-data-hash]

Data: the opinion-arcs language of datasets/opinion_arcs.ts, generated here id for id: the
toolkit's Rng (mulberry32 seeded through a PCG hash) is reimplemented below, and the generator
draws in the same order (length, fillers from the Zipf table, then per third of the text the
opinion word's position, whether "not" precedes it, its sign and the word) with the same float64
arithmetic. Training texts come from Rng(2), test texts from Rng(3) (data seed 1, whatever
--seed is). `--print-data-hash` prints the SHA-256 of the ids and labels
(tests/tasks/text_classify_test.ts compares it with ours) and exits.

Model as tasks/text_classify.ts: Embedding(1000, 32) initialised uniform +-0.05 (Keras), a
bidirectional nn.GRU(32, batch_first) over all 48 steps (the padding at the front is read as a
word, no packing, as ours), max over time of the 64 concatenated features, Linear 8 (logits).
GRU init as Keras': Glorot-uniform input kernels, orthogonal recurrent kernels, both bias rows
zero (PyTorch's bias_ih/bias_hh are Keras' two rows with reset_after); nn.GRU's gate form is
Keras' reset_after form. Linear: Glorot-uniform, zero bias. 45 192 parameters.

Recipe: validation = the last 10% of the training texts, unshuffled; the batch order is fit's
(Rng(seed) shuffles the training indices once per pass, in place, Fisher-Yates), batch 64, Adam lr
1e-2 eps 1e-7, softmax cross-entropy. Prints the run, each epoch and the test as JSON lines
(tasks/peers/twin_common.py).
"""
import hashlib
import json

import numpy as np
import torch
import torch.nn as nn

import twin_common  # beside this script, so on sys.path

VOCABULARY, OPINION_WORDS, NOT, FIRST_FILLER = 1000, 16, 33, 34
MIN_LENGTH, MAX_LENGTH, CLASSES = 24, 48, 8
EMBED, UNITS = 32, 32
DATA_SEED = 1
M32 = 0xFFFFFFFF


def imul(a, b):
    """Math.imul: the low 32 bits of a*b, as an unsigned number."""
    return (a * b) & M32


def pcg_hash(v):
    """kernels/random.ts pcgHash."""
    state = (imul(v & M32, 747796405) + 2891336453) & M32
    word = imul(((state >> ((state >> 28) + 4)) ^ state) & M32, 277803737)
    return ((word >> 22) ^ word) & M32


class Rng:
    """kernels/random.ts Rng (mulberry32): uniform, int and shuffle draw the same numbers."""

    def __init__(self, seed):
        self.s = pcg_hash(seed & M32)

    def uniform(self):
        self.s = (self.s + 0x6D2B79F5) & M32
        t = self.s
        t = imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + imul(t ^ (t >> 7), t | 61)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    def int(self, n):
        return int(self.uniform() * n)  # floor: the value is ≥ 0

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = self.int(i + 1)
            a[i], a[j] = a[j], a[i]
        return a


def filler_cdf():
    n = VOCABULARY - FIRST_FILLER
    cdf, s = [], 0.0
    for r in range(n):
        s += 1 / (r + 1)
        cdf.append(s)
    return [c / s for c in cdf]


def draw_from(cdf, u):
    lo, hi = 0, len(cdf) - 1
    while lo < hi:
        mid = (lo + hi) >> 1
        if cdf[mid] > u:
            hi = mid
        else:
            lo = mid + 1
    return lo


def arc_texts(rng, n):
    """datasets/opinion_arcs.ts arcTexts: ids [n, 48] front-padded with 0, arcs [n]."""
    cdf = filler_cdf()
    ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)
    labels = np.zeros(n, dtype=np.int32)
    for i in range(n):
        length = MIN_LENGTH + rng.int(MAX_LENGTH - MIN_LENGTH + 1)
        text = [FIRST_FILLER + draw_from(cdf, rng.uniform()) for _ in range(length)]
        label = 0
        for k in range(3):
            start, end = (k * length) // 3, ((k + 1) * length) // 3
            pos = start + 1 + rng.int(end - start - 1)
            negated, negative = rng.int(2), rng.int(2)
            if negated:
                text[pos - 1] = NOT
            text[pos] = 1 + negative * OPINION_WORDS + rng.int(OPINION_WORDS)
            label = label * 2 + (negative ^ negated)
        ids[i, MAX_LENGTH - length:] = text
        labels[i] = label
    return ids, labels


def data_hash(parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(np.ascontiguousarray(p, dtype="<i4").tobytes())
    return h.hexdigest()


class TextClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, EMBED)
        self.gru = nn.GRU(EMBED, UNITS, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * UNITS, CLASSES)
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
        for sfx in ("", "_reverse"):
            nn.init.xavier_uniform_(getattr(self.gru, f"weight_ih_l0{sfx}"))
            nn.init.orthogonal_(getattr(self.gru, f"weight_hh_l0{sfx}"))
            nn.init.zeros_(getattr(self.gru, f"bias_ih_l0{sfx}"))
            nn.init.zeros_(getattr(self.gru, f"bias_hh_l0{sfx}"))
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, ids):
        seq, _ = self.gru(self.embedding(ids))
        return self.fc(seq.max(dim=1).values)


def main():
    ap = twin_common.flags(__doc__, epochs=6, validation_split=0.1, data_flag=None)
    ap.set_defaults(batch_size=64, limit=10000, test_limit=4000)
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--print-data-hash", action="store_true")
    a = ap.parse_args()
    x, y = arc_texts(Rng(2 * DATA_SEED), a.limit)
    xt, yt = arc_texts(Rng(2 * DATA_SEED + 1), a.test_limit)
    if a.print_data_hash:
        print(json.dumps({"train": data_hash([x, y]), "test": data_hash([xt, yt])}))
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, y = torch.from_numpy(x.astype(np.int64)), torch.from_numpy(y.astype(np.int64))
    test = torch.from_numpy(xt.astype(np.int64)), torch.from_numpy(yt.astype(np.int64))
    split = len(y) - int(len(y) * a.validation_split)  # the last fraction, unshuffled
    data = {"train": (x[:split], y[:split]), "val": (x[split:], y[split:]), "test": test}
    net = TextClassifier()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, eps=1e-7)
    # fit's BatchStream: one Rng(seed), the pool reshuffled in place at the start of each pass.
    order_rng, pool = Rng(a.seed), list(range(split))
    order = lambda _epoch: torch.tensor(order_rng.shuffle(pool))  # noqa: E731
    source = f"opinion arcs (generated, data seed {DATA_SEED})"
    twin_common.run("text_classify_torch", a, net, opt, data, source, order=order, lr=a.lr)


if __name__ == "__main__":
    main()

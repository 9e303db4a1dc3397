"""PyTorch twin of the lab's MNIST CNN with the Keras 2 recipe (docs/RECIPES.md, issue 19).

Usage: /usr/bin/python3 tasks/peers/mnist_cnn_torch.py [--optimizer adadelta|adam] [--lr X]
         [--epochs 12] [--batch-size 128] [--seed 1] [--limit N] [--test-limit N] [--dropout]
         [--loss keras|logits] [--threads 1] [--mnist-dir DIR]

Model: Conv 32 3x3 ReLU -> Conv 64 3x3 ReLU -> MaxPool 2 -> [Dropout .25] -> Flatten ->
Dense 128 ReLU -> [Dropout .5] -> Dense 10 softmax (NCHW). Recipe as Keras 2's
examples/mnist_cnn.py and Model.fit: Glorot-uniform kernels, zero biases, pixels / 255,
validation = the last 20% of the training set before shuffling (48 000 / 12 000), training set
reshuffled every epoch, batch 128, 12 epochs, Adadelta lr 1.0 rho 0.95 eps 1e-7
(K.epsilon()). Loss "keras" (default) is Keras 2's categorical cross-entropy on the softmax
output, clipped to [1e-7, 1 - 1e-7]; "logits" is the fused log-softmax one. The training
accuracy and loss of an epoch are Keras' BaseLogger numbers: the mean over the epoch's batches,
weighted by batch size, measured in training mode (dropout on) on the weights before each step.

Prints the run, each epoch and the test as JSON lines (tasks/peers/twin_common.py).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import twin_common  # beside this script, so on sys.path

EPSILON = 1e-7  # Keras 2's K.epsilon()


def model(dropout):
    layers = [nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2)]
    layers += [nn.Dropout(0.25)] if dropout else []
    layers += [nn.Flatten(), nn.Linear(12 * 12 * 64, 128), nn.ReLU()]
    layers += [nn.Dropout(0.5)] if dropout else []
    layers += [nn.Linear(128, 10)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            # PyTorch's conv fans (channels x kernel area) are Keras' fan_in / fan_out too.
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def loss_fn(kind):
    if kind == "logits":
        return lambda logits, y: F.cross_entropy(logits, y)

    def keras(logits, y):
        p = torch.softmax(logits, dim=1).clamp(EPSILON, 1 - EPSILON)
        return -torch.log(p.gather(1, y.unsqueeze(1))).mean()
    return keras


def main():
    ap = twin_common.flags(__doc__, epochs=12, validation_split=0.2)
    ap.add_argument("--optimizer", choices=["adadelta", "adam"], default="adadelta")
    ap.add_argument("--lr", type=float, help="default: 1.0 (adadelta), 0.001 (adam)")
    ap.add_argument("--rho", type=float, default=0.95)
    ap.add_argument("--eps", type=float, default=EPSILON)
    ap.add_argument("--dropout", action="store_true", help="the mnist-cnn-dropout model")
    ap.add_argument("--loss", choices=["keras", "logits"], default="keras")
    a = ap.parse_args()
    d = twin_common.find_mnist_dir(a.data_dir, "mnist_cnn_torch")
    # Keras 2: the last fraction is validation, the first int(n * (1 - split)) train.
    data = twin_common.prepare(a, d, channel=True,
                               train_count=lambda n: int(n * (1 - a.validation_split)))
    net = model(a.dropout)
    lr = a.lr if a.lr is not None else (1.0 if a.optimizer == "adadelta" else 1e-3)
    if a.optimizer == "adadelta":
        opt = torch.optim.Adadelta(net.parameters(), lr=lr, rho=a.rho, eps=a.eps)
        hyper = {"lr": lr, "rho": a.rho, "eps": a.eps}
    else:
        opt = torch.optim.Adam(net.parameters(), lr=lr, eps=a.eps)
        hyper = {"lr": lr, "eps": a.eps}
    twin_common.run("mnist_cnn_torch", a, net, opt, data, d, loss_fn(a.loss),
                    optimizer=a.optimizer, **hyper, loss=a.loss, dropout=a.dropout)


if __name__ == "__main__":
    main()

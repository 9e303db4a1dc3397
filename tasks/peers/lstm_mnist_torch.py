"""PyTorch twin of `deno task lstm-mnist`: the same row-by-row LSTM and recipe on MNIST.

Usage: /usr/bin/python3 tasks/peers/lstm_mnist_torch.py [--epochs 6] [--batch-size 128]
         [--lr 0.001] [--seed 1] [--limit N] [--test-limit N] [--threads 1] [--mnist-dir DIR]

Model: each 28x28 image is 28 steps of 28 pixels (nn.LSTM, batch_first, 128 units); the last h
goes to Linear 10 (logits). Initialisation as Keras' LSTM and the toolkit's: Glorot-uniform
input kernel, orthogonal recurrent kernel, input bias zero except the forget gate's at 1
(unitForgetBias); PyTorch's second bias (bias_hh) is held at zero and frozen, so the model has
the toolkit's single bias and its 81 674 parameters. The gate order (i, f, g, o) is Keras'.
Recipe as tasks/lstm_mnist.ts: pixels / 255, validation = the last 10% of the training set
before shuffling, reshuffled every epoch, batch 128, Adam lr 1e-3 eps 1e-7, softmax
cross-entropy on the logits. Prints the run, each epoch and the test as JSON lines
(tasks/peers/twin_common.py).
"""
import torch
import torch.nn as nn

import twin_common  # beside this script, so on sys.path

UNITS = 128


class RowLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, UNITS, batch_first=True)
        self.fc = nn.Linear(UNITS, 10)
        nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
        nn.init.orthogonal_(self.lstm.weight_hh_l0)
        with torch.no_grad():
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_ih_l0[UNITS:2 * UNITS] = 1.0  # forget gate
            self.lstm.bias_hh_l0.zero_()
        self.lstm.bias_hh_l0.requires_grad_(False)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.fc(h[-1])


def main():
    twin_common.adam_main("lstm_mnist_torch", __doc__, RowLstm, twin_common.find_mnist_dir,
                          epochs=6, channel=False,
                          params=lambda net: [p for p in net.parameters() if p.requires_grad])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Quality of result of compressed weights on the shipped classifier.

usage: /usr/bin/python3 scripts/models/eval_compressed.py COMPRESSED_DIR [MODEL_DIR]

Runs the LSTM of MODEL_DIR (default workloads/models/sines_lstm) in double on
its full test set (test/x.npy) twice, with the original W, U and with those
of COMPRESSED_DIR (as written by `sharpsim compress`), puts both through the
classifier head, and prints the accuracy of each, the argmax agreement and
the mean KL divergence of the softmax (exact || compressed). The numbers of
docs/compression.md's trained-model table come from here. It stands in until
`sharpsim run --functional` reports errors against the dense weights.
"""
import os
import sys

import numpy as np


def last_h(W, U, b, x):
    H = U.shape[1]
    h = np.zeros((x.shape[1], H))
    c = np.zeros_like(h)
    sig = lambda z: 1 / (1 + np.exp(-z))
    for t in range(x.shape[0]):
        z = x[t] @ W.T + h @ U.T + b
        c = sig(z[:, H:2 * H]) * c + sig(z[:, :H]) * np.tanh(z[:, 2 * H:3 * H])
        h = sig(z[:, 3 * H:]) * np.tanh(c)
    return h


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))


def main():
    comp = sys.argv[1]
    model = sys.argv[2] if len(sys.argv) > 2 else "workloads/models/sines_lstm"
    ld = lambda d, n: np.load(os.path.join(d, n)).astype(np.float64)
    b, x = ld(model, "b.npy"), ld(model, "test/x.npy")
    Wc, bc = ld(model, "head/Wc.npy"), ld(model, "head/bc.npy")
    labels = ld(model, "test/labels.npy").astype(int)
    ref = last_h(ld(model, "W.npy"), ld(model, "U.npy"), b, x) @ Wc.T + bc
    got = last_h(ld(comp, "W.npy"), ld(comp, "U.npy"), b, x) @ Wc.T + bc
    lp, lq = log_softmax(ref), log_softmax(got)
    kl = np.mean(np.sum(np.exp(lp) * (lp - lq), axis=1))
    print(f"accuracy exact {np.mean(ref.argmax(1) == labels):.4f}  compressed {np.mean(got.argmax(1) == labels):.4f}  "
          f"argmax agreement {np.mean(ref.argmax(1) == got.argmax(1)):.4f}  mean KL {kl:.4g}")


if __name__ == "__main__":
    main()

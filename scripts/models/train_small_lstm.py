#!/usr/bin/env python3
"""Train the small LSTM classifier shipped in workloads/models/sines_lstm/.

Task (generated here, nothing downloaded): each sequence has T = 32 frames of
I = 8 channels; every channel is a sinusoid whose frequency is set by the
sequence's class (4 classes, 1, 2, 3 or 4 cycles per sequence, slightly
jittered), each channel with its own random phase and amplitude, plus
Gaussian noise of standard deviation 0.3. A one-layer LSTM (H = 64) reads the
sequence; a linear classifier on the last hidden state gives 4 logits
(softmax at inference).

Deterministic on a CPU: fixed seed, one thread. Runs in well under a minute.
Run with Debian's interpreter (it has python3-torch and python3-numpy):

    /usr/bin/python3 scripts/models/train_small_lstm.py [OUT_DIR]

Writes, in the layout sim/func/weights.h reads (gate order i, f, g, o, the
PyTorch order; b = b_ih + b_hh):
    W.npy (4H, I)  U.npy (4H, H)  b.npy (4H,)
    x.npy (T, 16, I)      the first 16 test sequences: a batch the SHARP
                          presets can run (the workload's batch_size)
the classifier head, and the whole test set:
    head/Wc.npy (K, H)  head/bc.npy (K,)
    test/x.npy (T, 256, I)  test/labels.npy (256,)
as little-endian float32 (labels are small integers stored exactly).
Prints the test accuracy and the singular values of each gate's augmented
matrix [W_x W_h] next to those of seeded uniform weights of the same shape.
"""
import os
import sys

import numpy as np
import torch

SEED = 14
T, I, H, K = 32, 8, 64, 4
N_TRAIN, N_TEST = 4096, 256
EPOCHS, BATCH = 12, 64


def make_data(n, gen):
    labels = torch.randint(0, K, (n,), generator=gen)
    t = torch.arange(T, dtype=torch.float32) / T
    cycles = (labels.float() + 1.0) * (1.0 + 0.05 * torch.randn(n, generator=gen))
    phase = 2 * np.pi * torch.rand(n, I, generator=gen)
    amp = 0.5 + torch.rand(n, I, generator=gen)
    arg = 2 * np.pi * cycles[:, None, None] * t[None, :, None] + phase[:, None, :]
    x = amp[:, None, :] * torch.sin(arg) + 0.3 * torch.randn(n, T, I, generator=gen)
    return x, labels


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(I, H, batch_first=True)
        self.fc = torch.nn.Linear(H, K)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


def spectrum(m):
    return np.linalg.svd(m, compute_uv=False)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "workloads/models/sines_lstm"
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(SEED)
    xtr, ytr = make_data(N_TRAIN, gen)
    xte, yte = make_data(N_TEST, gen)
    net = Net()
    # Weight decay pulls the random part of the initial weights down, so what
    # remains is mostly what the task needed: a low-rank structure.
    opt = torch.optim.AdamW(net.parameters(), lr=1e-2, weight_decay=0.1)
    lossf = torch.nn.CrossEntropyLoss()
    for epoch in range(EPOCHS):
        perm = torch.randperm(N_TRAIN, generator=gen)
        for s in range(0, N_TRAIN, BATCH):
            idx = perm[s:s + BATCH]
            opt.zero_grad()
            loss = lossf(net(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        with torch.no_grad():
            acc = (net(xte).argmax(1) == yte).float().mean().item()
        print(f"epoch {epoch + 1:2d}  loss {loss.item():.4f}  test accuracy {acc:.4f}")

    os.makedirs(os.path.join(out, "head"), exist_ok=True)
    os.makedirs(os.path.join(out, "test"), exist_ok=True)
    f4 = lambda a: np.ascontiguousarray(np.asarray(a, dtype="<f4"))
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    W, U = sd["lstm.weight_ih_l0"], sd["lstm.weight_hh_l0"]
    b = sd["lstm.bias_ih_l0"] + sd["lstm.bias_hh_l0"]
    np.save(os.path.join(out, "W.npy"), f4(W))
    np.save(os.path.join(out, "U.npy"), f4(U))
    np.save(os.path.join(out, "b.npy"), f4(b))
    # (T, B, I), time-major as weights.h wants it
    xt = xte.numpy().transpose(1, 0, 2)
    np.save(os.path.join(out, "x.npy"), f4(xt[:, :16, :]))
    np.save(os.path.join(out, "test", "x.npy"), f4(xt))
    np.save(os.path.join(out, "test", "labels.npy"), f4(yte.numpy()))
    np.save(os.path.join(out, "head", "Wc.npy"), f4(sd["fc.weight"]))
    np.save(os.path.join(out, "head", "bc.npy"), f4(sd["fc.bias"]))

    # The accuracy of the float32 weights as saved, recomputed in numpy so
    # the number in the README does not depend on torch's kernels.
    x = xte.numpy().astype(np.float64)
    Wd, Ud, bd = W.astype(np.float64), U.astype(np.float64), b.astype(np.float64)
    h = np.zeros((N_TEST, H))
    c = np.zeros((N_TEST, H))
    sig = lambda z: 1 / (1 + np.exp(-z))
    for t in range(T):
        z = x[:, t, :] @ Wd.T + h @ Ud.T + bd
        i, f, g, o = sig(z[:, :H]), sig(z[:, H:2 * H]), np.tanh(z[:, 2 * H:3 * H]), sig(z[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
    logits = h @ sd["fc.weight"].astype(np.float64).T + sd["fc.bias"].astype(np.float64)
    print(f"test accuracy (numpy, float32 weights): {(logits.argmax(1) == yte.numpy()).mean():.4f}")

    rng = np.random.default_rng(SEED)
    k = 1 / np.sqrt(H)
    print("singular values of [W_x W_h] per gate, normalised to the largest (first 16):")
    for gi, name in enumerate("ifgo"):
        rows = slice(gi * H, (gi + 1) * H)
        tr = spectrum(np.hstack([W[rows], U[rows]]).astype(np.float64))
        rnd = spectrum(rng.uniform(-k, k, (H, I + H)))
        print(f"  gate {name} trained: " + " ".join(f"{v:.3f}" for v in tr[:16] / tr[0]))
        print(f"  gate {name} seeded : " + " ".join(f"{v:.3f}" for v in rnd[:16] / rnd[0]))
        e_tr = np.cumsum(tr ** 2) / np.sum(tr ** 2)
        e_rn = np.cumsum(rnd ** 2) / np.sum(rnd ** 2)
        print(f"  gate {name} energy in the top 8 of {len(tr)}: trained {e_tr[7]:.3f}, seeded {e_rn[7]:.3f}")


if __name__ == "__main__":
    main()

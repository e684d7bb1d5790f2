"""Exports small PyTorch recurrent models to ONNX as backend-test-style
cases (model.onnx, test_data_set_0/input_<k>.pb and output_<k>.pb, the
expected outputs computed by torch in float32) for `sharpsim check`.

usage: torch_e2e.py OUT_DIR    (prints the case directories, one a line)

The cases cover what a user's export produces: a module called without
initial states (the exporter builds zero states from the input's shape),
a GRU (exported with linear_before_reset = 1), a vanilla tanh RNN, a
two-layer LSTM (num_layers = 2) whose output is its Y, and a chain of two
single-layer modules with given initial states and all of Y, Y_h, Y_c as
outputs, and a keyword-spotter-like GRU with an nn.Linear classifier head
applied to every step: on the 3-D sequence (exported as MatMul + Add) and
on the sequence reshaped to (T*B, H) (Reshape, then Gemm with transB = 1),
each also followed by torch.softmax over the classes (Softmax, axis -1).
A num_layers > 1 module's h_n and c_n are a Concat of the
layers' states, which import refuses as outputs (docs/onnx.md).
Bidirectional: a GRU (its output exported as Transpose + Reshape of Y to
(T, B, 2H), h_n as Y_h (2, B, H)), the same GRU under a linear head that
reads the 2H-wide sequence, and a two-layer bidirectional LSTM whose second
layer reads the first's. A vanilla RNN with
nonlinearity='relu' (exported with activations ['Relu']).
"""
import os
import sys
import warnings

import numpy as np
import onnx
import torch
from onnx import numpy_helper

T, B, I = 6, 2, 8


class Chain(torch.nn.Module):
    """Two stacked single-layer LSTMs with given initial states."""

    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.LSTM(I, 16)
        self.l2 = torch.nn.LSTM(16, 12)

    def forward(self, x, h1, c1, h2, c2):
        y, _ = self.l1(x, (h1, c1))
        y, (h, c) = self.l2(y, (h2, c2))
        return y, h, c


class KWS(torch.nn.Module):
    """A GRU and a linear classifier head on every step's h (logits)."""

    def __init__(self, flat):
        super().__init__()
        self.flat = flat
        self.gru = torch.nn.GRU(I, 16)
        self.head = torch.nn.Linear(16, 5)

    def forward(self, x):
        y, _ = self.gru(x)
        return (self.head(y.reshape(-1, 16) if self.flat else y),)


class KWSSoftmax(torch.nn.Module):
    """KWS with the classifier's softmax over its logits (dim -1)."""

    def __init__(self, flat):
        super().__init__()
        self.kws = KWS(flat)
        with torch.no_grad():
            self.kws.head.weight.mul_(6.0)  # logits of a few units: exp's range matters

    def forward(self, x):
        return (torch.softmax(self.kws(x)[0], dim=-1),)


class BiKWS(torch.nn.Module):
    """A bidirectional GRU and a linear head on every step's [h_fwd; h_bwd]."""

    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(I, 12, bidirectional=True)
        self.head = torch.nn.Linear(24, 5)

    def forward(self, x):
        y, _ = self.gru(x)
        return (self.head(y),)


class YOnly(torch.nn.Module):
    """A module's output sequence only."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return (self.m(x)[0],)


class NoState(torch.nn.Module):
    """A single-layer module called without states."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        y, h = self.m(x)
        return (y,) + (tuple(h) if isinstance(h, tuple) else (h,))


def save_case(out, name, module, inputs, in_names, out_names):
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    module.eval()
    with torch.no_grad():
        want = module(*inputs)
    torch.onnx.export(module, tuple(inputs), os.path.join(d, "model.onnx"), opset_version=14,
                      input_names=in_names, output_names=out_names)
    for k, (n, v) in enumerate(zip(in_names, inputs)):
        t = numpy_helper.from_array(v.numpy().astype(np.float32), n)
        with open(os.path.join(d, "test_data_set_0", "input_%d.pb" % k), "wb") as f:
            f.write(t.SerializeToString())
    for k, (n, v) in enumerate(zip(out_names, want)):
        t = numpy_helper.from_array(v.numpy().astype(np.float32), n)
        with open(os.path.join(d, "test_data_set_0", "output_%d.pb" % k), "wb") as f:
            f.write(t.SerializeToString())
    onnx.checker.check_model(onnx.load(os.path.join(d, "model.onnx")))
    print(d)


def main():
    out = sys.argv[1]
    # The exporter's notes on shape inference and batch sizes concern
    # running the model at another batch size, which these cases never do.
    warnings.filterwarnings("ignore")
    torch.manual_seed(7)
    x = torch.rand(T, B, I) * 2 - 1
    save_case(out, "torch_lstm", NoState(torch.nn.LSTM(I, 16)), [x], ["X"], ["Y", "Y_h", "Y_c"])
    save_case(out, "torch_gru", NoState(torch.nn.GRU(I, 12)), [x], ["X"], ["Y", "Y_h"])
    save_case(out, "torch_rnn", NoState(torch.nn.RNN(I, 10)), [x], ["X"], ["Y", "Y_h"])
    save_case(out, "torch_lstm_2layers", YOnly(torch.nn.LSTM(I, 16, num_layers=2)), [x], ["X"], ["Y"])
    st = [torch.rand(1, B, 16) - 0.5, torch.rand(1, B, 16) - 0.5, torch.rand(1, B, 12) - 0.5,
          torch.rand(1, B, 12) - 0.5]
    save_case(out, "torch_lstm_chain", Chain(), [x] + st, ["X", "h1", "c1", "h2", "c2"], ["Y", "Y_h", "Y_c"])
    save_case(out, "torch_gru_head", KWS(False), [x], ["X"], ["logits"])
    save_case(out, "torch_gru_head_gemm", KWS(True), [x], ["X"], ["logits"])
    save_case(out, "torch_gru_head_softmax", KWSSoftmax(False), [x], ["X"], ["probs"])
    save_case(out, "torch_gru_head_gemm_softmax", KWSSoftmax(True), [x], ["X"], ["probs"])
    save_case(out, "torch_rnn_relu", NoState(torch.nn.RNN(I, 10, nonlinearity="relu")), [x], ["X"], ["Y", "Y_h"])
    save_case(out, "torch_gru_bidir", NoState(torch.nn.GRU(I, 12, bidirectional=True)), [x], ["X"], ["Y", "Y_h"])
    save_case(out, "torch_gru_bidir_head", BiKWS(), [x], ["X"], ["logits"])
    save_case(out, "torch_lstm_bidir_2layers", YOnly(torch.nn.LSTM(I, 10, num_layers=2, bidirectional=True)), [x],
              ["X"], ["Y"])


if __name__ == "__main__":
    main()

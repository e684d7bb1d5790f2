"""Builds ONNX LSTM models with peepholes (input P) and with input_forget = 1,
and LSTM and RNN models with direction reverse, as backend-test-style cases (model.onnx, test_data_set_0/input_<k>.pb and
output_<k>.pb) for `sharpsim check`.

usage: lstm_variants.py OUT_DIR    (prints the case directories, one a line)

The expected outputs come from `reference` below, the INDEPENDENT
REFERENCE of these tests: plain numpy in float64 written from the ONNX
operator's equations, sharing nothing with sharpsim, rounded to float32 at
the end. onnx 1.12 (Debian) has no reference evaluator, and the later
onnx.reference ignores input_forget (its LSTM lists it as unused), so the
coupled semantics are ONNX Runtime's CPU kernel's, the one implementation
of the attribute: f = 1 - i after the activation; the f blocks of W, R, B
(and P) are present but unused. The f blocks are filled with large values
here so that using them by mistake shows.

Cases:
  lstm_peephole       P with three different rows (ONNX order i, o, f), so
                      a wrong reordering fails; B, initial_h, initial_c given
  lstm_input_forget   input_forget = 1, B and initial states given
  lstm_forget_peep    a coupled layer feeding a peephole layer (Squeeze in
                      between), outputs Y of the second, Y_c of the first
  lstm_reverse        direction reverse: the ONNX operator runs over X from
                      the last step to the first and writes Y at the
                      original time index (Y[t] is h after seeing
                      X[T-1] .. X[t]); Y_h, Y_c are the states after X[0]
  rnn_reverse_bm      an RNN (tanh) with direction reverse and layout 1
  lstm_fwd_rev_fwd    a forward LSTM, a reverse LSTM reading its Y, and a
                      forward LSTM reading the reverse one's Y (Squeezes in
                      between): a reverse layer inside a stack, outputs
                      the last Y and the reverse layer's Y_h
  lstm_seq_lens       sequence_lens [7, 3] (an int32 initializer): Y is 0
                      past each length, Y_h and Y_c are each sequence's
                      state at its own last step
  lstm_reverse_seq_lens  direction reverse with sequence_lens [3, 7, 1]:
                      each sequence runs from its own last element
                      X[len-1] down to X[0]; Y is 0 past each length, Y_h
                      and Y_c are the states after X[0] for every sequence
  lstm_bidir_seq_lens  direction bidirectional with sequence_lens
                      [5, 7, 2]: Y (T, 2, B, H), Y_h and Y_c (2, B, H):
                      the forward direction's state at len-1, the reverse
                      one's after X[0]
  lstm_bidir_seq_lens_chain  the same bidirectional layer, its Y merged by
                      Transpose + Reshape to (T, B, 2H) (as PyTorch
                      exports it) into a forward LSTM with the same
                      lengths: the second layer reads 0 past each length
  lstm_bidir_seq_lens_then_all_t  the same chain, the second layer
                      without lengths: it runs all T steps over those 0s
  rnn_bidir_seq_lens_bm  an RNN (Tanh), bidirectional, layout 1, lengths
                      [2, 7, 4]: Y (B, T, 2, H), Y_h (B, 2, H)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

T, B, I = 7, 2, 3


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference(x, W, R, Bias, P, h0, c0, coupled):
    """The ONNX LSTM (forward, default activations) in float64: x (T, B, I),
    W (4H, I), R (4H, H), Bias (8H,), P (3H,) ordered i, o, f; returns
    Y (T, B, H), h_T, c_T."""
    H = R.shape[1]
    b = Bias[:4 * H] + Bias[4 * H:]
    p_i, p_o, p_f = P[:H], P[H:2 * H], P[2 * H:]
    h, c, ys = h0, c0, []
    for t in range(x.shape[0]):
        gates = x[t] @ W.T + h @ R.T + b
        gi, go, gf, gc = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
        i = sig(gi + p_i * c)
        f = 1.0 - i if coupled else sig(gf + p_f * c)
        c = f * c + i * np.tanh(gc)
        o = sig(go + p_o * c)
        h = o * np.tanh(c)
        ys.append(h)
    return np.stack(ys), h, c


def rnn_reference(x, W, R, Bias, h0):
    """The ONNX RNN (forward, Tanh) in float64: returns Y (T, B, H), h_T."""
    H = R.shape[1]
    h, ys = h0, []
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W.T + h @ R.T + Bias[:H] + Bias[H:])
        ys.append(h)
    return np.stack(ys), h


def params(rng, H, In, coupled):
    s = 1.0 / np.sqrt(H)
    W = rng.uniform(-s, s, (4 * H, In))
    R = rng.uniform(-s, s, (4 * H, H))
    Bias = rng.uniform(-s, s, 8 * H)
    if coupled:
        # The f block (rows 2H..3H of W and R, of each half of B): unused.
        W[2 * H:3 * H] = 40.0
        R[2 * H:3 * H] = -40.0
        Bias[2 * H:3 * H] = 40.0
        Bias[6 * H:7 * H] = 40.0
    # float32 values, so that the model's tensors are exactly these
    return [a.astype(np.float32).astype(np.float64) for a in (W, R, Bias)]


def f32(a):
    return np.asarray(a, np.float64).astype(np.float32)


def write(out, name, graph, inputs, outputs):
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for kind, vals in (("input", inputs), ("output", outputs)):
        for k, (n, v) in enumerate(vals):
            with open(os.path.join(d, "test_data_set_0", "%s_%d.pb" % (kind, k)), "wb") as f:
                f.write(numpy_helper.from_array(f32(v), n).SerializeToString())
    print(d)


def lstm_node(prefix, x, H, coupled, peep, outs, **attrs):
    ins = [x, prefix + "W", prefix + "R", prefix + "B", "", prefix + "h0", prefix + "c0"]
    if peep:
        ins.append(prefix + "P")
    if coupled:
        attrs["input_forget"] = 1
    return helper.make_node("LSTM", ins, outs, hidden_size=H, **attrs)


def layer(rng, prefix, H, In, coupled, peep):
    """Parameters of one layer, its initializers and its node's inputs."""
    W, R, Bias = params(rng, H, In, coupled)
    # P rows far apart (ONNX order i, o, f) so that a swap changes h.
    P = np.concatenate([rng.uniform(0.5, 1.0, H), rng.uniform(-1.0, -0.5, H),
                        rng.uniform(-0.2, 0.2, H)]) if peep else np.zeros(3 * H)
    P = f32(P).astype(np.float64)
    h0 = f32(rng.uniform(-0.5, 0.5, (B, H))).astype(np.float64)
    c0 = f32(rng.uniform(-1.0, 1.0, (B, H))).astype(np.float64)
    init = [numpy_helper.from_array(f32(W[None]), prefix + "W"),
            numpy_helper.from_array(f32(R[None]), prefix + "R"),
            numpy_helper.from_array(f32(Bias[None]), prefix + "B"),
            numpy_helper.from_array(f32(h0[None]), prefix + "h0"),
            numpy_helper.from_array(f32(c0[None]), prefix + "c0")]
    if peep:
        init.append(numpy_helper.from_array(f32(P[None]), prefix + "P"))
    return (W, R, Bias, P, h0, c0), init


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def single(out, rng, name, H, coupled, peep):
    x = f32(rng.uniform(-1, 1, (T, B, I))).astype(np.float64)
    p, init = layer(rng, "", H, I, coupled, peep)
    Y, hT, cT = reference(x, *p, coupled)
    node = lstm_node("", "X", H, coupled, peep, ["Y", "Y_h", "Y_c"])
    g = helper.make_graph([node], name, [vi("X", [T, B, I])],
                          [vi("Y", [T, 1, B, H]), vi("Y_h", [1, B, H]), vi("Y_c", [1, B, H])], init)
    write(out, name, g, [("X", x)], [("Y", Y[:, None]), ("Y_h", hT[None]), ("Y_c", cT[None])])


def stacked(out, rng):
    H1, H2 = 6, 4
    x = f32(rng.uniform(-1, 1, (T, B, I))).astype(np.float64)
    p1, init1 = layer(rng, "l1_", H1, I, True, False)
    p2, init2 = layer(rng, "l2_", H2, H1, False, True)
    Y1, _, c1 = reference(x, *p1, True)
    # The second layer reads the first's float32 output, as ONNX would.
    Y2, _, _ = reference(f32(Y1).astype(np.float64), *p2, False)
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [lstm_node("l1_", "X", H1, True, False, ["Y1", "", "C1"]),
             helper.make_node("Squeeze", ["Y1", "axes"], ["Y1s"]),
             lstm_node("l2_", "Y1s", H2, False, True, ["Y2"])]
    g = helper.make_graph(nodes, "lstm_forget_peep", [vi("X", [T, B, I])],
                          [vi("Y2", [T, 1, B, H2]), vi("C1", [1, B, H1])], init1 + init2 + [axes])
    write(out, "lstm_forget_peep", g, [("X", x)], [("Y2", Y2[:, None]), ("C1", c1[None])])


def reverse_cases(out, rng):
    H = 5
    x = f32(rng.uniform(-1, 1, (T, B, I))).astype(np.float64)
    p, init = layer(rng, "", H, I, False, False)
    # ONNX reverse: the forward recurrence over X flipped in time, its Y
    # flipped back; the final states are those after X[0].
    Yr, hT, cT = reference(x[::-1], *p, False)
    node = lstm_node("", "X", H, False, False, ["Y", "Y_h", "Y_c"], direction="reverse")
    g = helper.make_graph([node], "lstm_reverse", [vi("X", [T, B, I])],
                          [vi("Y", [T, 1, B, H]), vi("Y_h", [1, B, H]), vi("Y_c", [1, B, H])], init)
    write(out, "lstm_reverse", g, [("X", x)], [("Y", Yr[::-1][:, None]), ("Y_h", hT[None]), ("Y_c", cT[None])])

    # RNN, layout 1: X (B, T, I), Y (B, T, 1, H), Y_h (B, 1, H).
    H = 6
    s = 1.0 / np.sqrt(H)
    W, R, Bias = (f32(rng.uniform(-s, s, shape)).astype(np.float64)
                  for shape in ((H, I), (H, H), (2 * H,)))
    h0 = f32(rng.uniform(-0.5, 0.5, (B, H))).astype(np.float64)
    xb = f32(rng.uniform(-1, 1, (B, T, I))).astype(np.float64)
    Yr, hT = rnn_reference(np.swapaxes(xb, 0, 1)[::-1], W, R, Bias, h0)
    init = [numpy_helper.from_array(f32(W[None]), "W"), numpy_helper.from_array(f32(R[None]), "R"),
            numpy_helper.from_array(f32(Bias[None]), "B"), numpy_helper.from_array(f32(h0[:, None]), "h0")]
    node = helper.make_node("RNN", ["X", "W", "R", "B", "", "h0"], ["Y", "Y_h"], hidden_size=H,
                            direction="reverse", layout=1)
    g = helper.make_graph([node], "rnn_reverse_bm", [vi("X", [B, T, I])],
                          [vi("Y", [B, T, 1, H]), vi("Y_h", [B, 1, H])], init)
    Y = np.swapaxes(Yr[::-1], 0, 1)[:, :, None]
    write(out, "rnn_reverse_bm", g, [("X", xb)], [("Y", Y), ("Y_h", hT[:, None])])


def stack_reverse(out, rng):
    H1, H2, H3 = 5, 4, 3
    x = f32(rng.uniform(-1, 1, (T, B, I))).astype(np.float64)
    p1, init1 = layer(rng, "l1_", H1, I, False, False)
    p2, init2 = layer(rng, "l2_", H2, H1, False, False)
    p3, init3 = layer(rng, "l3_", H3, H2, False, False)
    Y1, _, _ = reference(x, *p1, False)
    # the reverse layer reads the first's float32 Y in time order
    Y2r, h2, _ = reference(f32(Y1).astype(np.float64)[::-1], *p2, False)
    Y2 = Y2r[::-1]
    Y3, _, _ = reference(f32(Y2).astype(np.float64), *p3, False)
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [lstm_node("l1_", "X", H1, False, False, ["Y1"]),
             helper.make_node("Squeeze", ["Y1", "axes"], ["Y1s"]),
             lstm_node("l2_", "Y1s", H2, False, False, ["Y2", "H2"], direction="reverse"),
             helper.make_node("Squeeze", ["Y2", "axes"], ["Y2s"]),
             lstm_node("l3_", "Y2s", H3, False, False, ["Y3"])]
    g = helper.make_graph(nodes, "lstm_fwd_rev_fwd", [vi("X", [T, B, I])],
                          [vi("Y3", [T, 1, B, H3]), vi("H2", [1, B, H2])], init1 + init2 + init3 + [axes])
    write(out, "lstm_fwd_rev_fwd", g, [("X", x)], [("Y3", Y3[:, None]), ("H2", h2[None])])


def seq_lens(out, rng):
    H, lens = 5, [T, 3]
    x = f32(rng.uniform(-1, 1, (T, B, I))).astype(np.float64)
    p, init = layer(rng, "", H, I, False, False)
    W, R_, Bias, P, h0, c0 = p
    Y, hT, cT = np.zeros((T, B, H)), np.zeros((B, H)), np.zeros((B, H))
    for b, n in enumerate(lens):
        # each sequence alone over its own length; the rest of Y stays 0
        yb, hb, cb = reference(x[:n, b:b + 1], W, R_, Bias, P, h0[b:b + 1], c0[b:b + 1], False)
        Y[:n, b], hT[b], cT[b] = yb[:, 0], hb[0], cb[0]
    init.append(numpy_helper.from_array(np.array(lens, np.int32), "seq_lens"))
    node = helper.make_node("LSTM", ["X", "W", "R", "B", "seq_lens", "h0", "c0"], ["Y", "Y_h", "Y_c"],
                            hidden_size=H)
    g = helper.make_graph([node], "lstm_seq_lens", [vi("X", [T, B, I])],
                          [vi("Y", [T, 1, B, H]), vi("Y_h", [1, B, H]), vi("Y_c", [1, B, H])], init)
    write(out, "lstm_seq_lens", g, [("X", x)], [("Y", Y[:, None]), ("Y_h", hT[None]), ("Y_c", cT[None])])


def lens_dir(x, lens, p, back):
    """One direction of an ONNX LSTM over a padded batch: each sequence
    alone over its own length, time reversed when back (ONNX's reverse
    direction starts at X[len-1]); Y (T, B, H) is 0 past each length, the
    states are each sequence's last (after X[len-1], or after X[0])."""
    W, R_, Bias, P, h0, c0 = p
    H = R_.shape[1]
    Y, hT, cT = np.zeros((x.shape[0], len(lens), H)), np.zeros((len(lens), H)), np.zeros((len(lens), H))
    for b, n in enumerate(lens):
        xb = x[:n, b:b + 1]
        yb, hb, cb = reference(xb[::-1] if back else xb, W, R_, Bias, P, h0[b:b + 1], c0[b:b + 1], False)
        Y[:n, b], hT[b], cT[b] = (yb[::-1] if back else yb)[:, 0], hb[0], cb[0]
    return Y, hT, cT


def dir_layer(rng, prefix, H, In, nd):
    """nd directions' parameters (each as `layer` draws them) and their
    initializers stacked on ONNX's num_directions axis."""
    ps, inits = [], []
    for d in range(nd):
        p, init = layer(rng, prefix, H, In, False, False)
        ps.append(p)
        inits.append(init)
    init = [numpy_helper.from_array(np.concatenate([numpy_helper.to_array(i[k]) for i in inits]), inits[0][k].name)
            for k in range(5)]
    return ps, init


def lens_cases(out, rng):
    global B
    saved, B = B, 3
    try:
        H = 4
        lens = [3, 7, 1]
        x = f32(rng.uniform(-1, 1, (T, B, I))).astype(np.float64)
        (p,), init = dir_layer(rng, "", H, I, 1)
        Y, hT, cT = lens_dir(x, lens, p, True)
        init.append(numpy_helper.from_array(np.array(lens, np.int32), "seq_lens"))
        node = helper.make_node("LSTM", ["X", "W", "R", "B", "seq_lens", "h0", "c0"], ["Y", "Y_h", "Y_c"],
                                hidden_size=H, direction="reverse")
        g = helper.make_graph([node], "lstm_reverse_seq_lens", [vi("X", [T, B, I])],
                              [vi("Y", [T, 1, B, H]), vi("Y_h", [1, B, H]), vi("Y_c", [1, B, H])], init)
        write(out, "lstm_reverse_seq_lens", g, [("X", x)],
              [("Y", Y[:, None]), ("Y_h", hT[None]), ("Y_c", cT[None])])

        lens = [5, 7, 2]
        x = f32(rng.uniform(-1, 1, (T, B, I))).astype(np.float64)
        (pf, pb), init = dir_layer(rng, "", H, I, 2)
        Yf, hf, cf = lens_dir(x, lens, pf, False)
        Yb, hb, cb = lens_dir(x, lens, pb, True)
        sl = numpy_helper.from_array(np.array(lens, np.int64), "seq_lens")
        node = helper.make_node("LSTM", ["X", "W", "R", "B", "seq_lens", "h0", "c0"], ["Y", "Y_h", "Y_c"],
                                hidden_size=H, direction="bidirectional")
        g = helper.make_graph([node], "lstm_bidir_seq_lens", [vi("X", [T, B, I])],
                              [vi("Y", [T, 2, B, H]), vi("Y_h", [2, B, H]), vi("Y_c", [2, B, H])], init + [sl])
        write(out, "lstm_bidir_seq_lens", g, [("X", x)],
              [("Y", np.stack([Yf, Yb], 1)), ("Y_h", np.stack([hf, hb])), ("Y_c", np.stack([cf, cb]))])

        # the chain: Y (T, 2, B, H) -> Transpose (T, B, 2, H) -> Reshape
        # (T, B, 2H), [h_fwd; h_bwd], 0 past each length in both halves
        H2 = 3
        (p2,), init2 = dir_layer(rng, "l2_", H2, 2 * H, 1)
        Ym = f32(np.concatenate([Yf, Yb], 2)).astype(np.float64)
        shape = numpy_helper.from_array(np.array([0, 0, -1], np.int64), "shape")
        # the second layer with the same lengths, or without: then it runs
        # all T steps, reading the first layer's zeros past each length
        for name, l2 in (("lstm_bidir_seq_lens_chain", lens), ("lstm_bidir_seq_lens_then_all_t", [T] * B)):
            Y2, h2, _ = lens_dir(Ym, l2, p2, False)
            nodes = [node,
                     helper.make_node("Transpose", ["Y"], ["Yt"], perm=[0, 2, 1, 3]),
                     helper.make_node("Reshape", ["Yt", "shape"], ["Ym"]),
                     helper.make_node("LSTM", ["Ym", "l2_W", "l2_R", "l2_B", "seq_lens" if l2 is lens else "",
                                               "l2_h0", "l2_c0"], ["Y2", "Y2_h"], hidden_size=H2)]
            g = helper.make_graph(nodes, name, [vi("X", [T, B, I])],
                                  [vi("Y2", [T, 1, B, H2]), vi("Y_h", [2, B, H]), vi("Y2_h", [1, B, H2])],
                                  init + init2 + [sl, shape])
            write(out, name, g, [("X", x)], [("Y2", Y2[:, None]), ("Y_h", np.stack([hf, hb])), ("Y2_h", h2[None])])

        # RNN (Tanh), bidirectional, layout 1: X (B, T, I), Y (B, T, 2, H),
        # Y_h (B, 2, H); lengths [2, 7, 4]
        H, lens = 5, [2, 7, 4]
        s = 1.0 / np.sqrt(H)
        W, R_, Bias = (f32(rng.uniform(-s, s, shape)).astype(np.float64)
                       for shape in ((2, H, I), (2, H, H), (2, 2 * H)))
        xb = f32(rng.uniform(-1, 1, (B, T, I))).astype(np.float64)
        Y, hT = np.zeros((B, T, 2, H)), np.zeros((B, 2, H))
        for b, n in enumerate(lens):
            xs = xb[b:b + 1, :n].swapaxes(0, 1)  # (n, 1, I)
            for d in range(2):
                yd, hd = rnn_reference(xs[::-1] if d else xs, W[d], R_[d], Bias[d], np.zeros((1, H)))
                Y[b, :n, d], hT[b, d] = (yd[::-1] if d else yd)[:, 0], hd[0]
        init = [numpy_helper.from_array(f32(a), n) for a, n in ((W, "W"), (R_, "R"), (Bias, "B"))]
        init.append(numpy_helper.from_array(np.array(lens, np.int32), "seq_lens"))
        node = helper.make_node("RNN", ["X", "W", "R", "B", "seq_lens"], ["Y", "Y_h"], hidden_size=H,
                                direction="bidirectional", layout=1)
        g = helper.make_graph([node], "rnn_bidir_seq_lens_bm", [vi("X", [B, T, I])],
                              [vi("Y", [B, T, 2, H]), vi("Y_h", [B, 2, H])], init)
        write(out, "rnn_bidir_seq_lens_bm", g, [("X", xb)], [("Y", Y), ("Y_h", hT)])
    finally:
        B = saved


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(2026)
    single(out, rng, "lstm_peephole", 5, False, True)
    single(out, rng, "lstm_input_forget", 5, True, False)
    stacked(out, rng)
    reverse_cases(out, rng)
    stack_reverse(out, rng)
    seq_lens(out, rng)
    lens_cases(out, rng)


if __name__ == "__main__":
    main()

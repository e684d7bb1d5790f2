#!/usr/bin/env python3
"""Independent numpy reference for `sharpsim compress` and `sharpsim decompose`.

usage: check.py compress MODEL_DIR OUT_DIR   (re-derives OUT_DIR from MODEL_DIR)
       check.py decompose MODEL_DIR OUT_DIR  (re-derives the factors' QoR)

compress: reads the options back from OUT_DIR/summary.json, redoes the
pruning, quantization or codebook with numpy from the original weights, and
compares the written matrices (exactly for pruning and quantization, to
1e-12 for k-means whose sums may round differently) and every number of the
summary: non-zeros, error, and the bytes of each layout from the closed forms
re-written here.

decompose: checks every refinement step's sigma against numpy's SVD of the
residual left by the written factors, that the kept indices are those of the
NZ largest |v|, the residual norms of the summary, and the progressive
layer's QoR (relative error, cosine, mean KL, argmax agreement, accuracy)
with an LSTM written here in numpy.

Exits 1 with a message per mismatch.
"""
import json
import os
import sys

import numpy as np

FAILS = []


def fail(msg):
    FAILS.append(msg)
    print("check: FAIL: " + msg)


def close(what, got, want, rtol=1e-9, atol=1e-12):
    if got is None or want is None:
        if got != want:
            fail(f"{what}: {got} vs {want}")
        return
    if not abs(got - want) <= atol + rtol * abs(want):
        fail(f"{what}: {got!r} vs numpy {want!r}")


def removed(s, n):
    return min(n, int(np.floor(s * n + 1e-9)))


def keep_best(scores, positions, keep):
    """positions of the `keep` best (score descending, position ascending)."""
    order = np.lexsort((positions, -scores))
    return positions[order[:keep]]


def prune(w, p):
    rows, cols = w.shape
    flat = w.ravel().copy()
    mask = np.zeros(flat.size, dtype=bool)
    s, kind = p["sparsity"], p["method"]
    if kind == "magnitude":
        pos = np.arange(flat.size)
        mask[keep_best(np.abs(flat), pos, flat.size - removed(s, flat.size))] = True
    elif kind == "row":
        k = cols - removed(s, cols)
        for r in range(rows):
            pos = np.arange(r * cols, (r + 1) * cols)
            mask[keep_best(np.abs(flat[pos]), pos, k)] = True
    elif kind == "ese":
        P = p["units"]
        m = cols * (rows // P)
        for u in range(P):
            pos = np.array([r * cols + c for r in range(u, rows, P) for c in range(cols)])
            mask[keep_best(np.abs(flat[pos]), pos, m - removed(s, m))] = True
    elif kind == "block":
        b = p["block"]
        br, bc = -(-rows // b), -(-cols // b)
        score = np.array([np.sum(w[i * b:(i + 1) * b, j * b:(j + 1) * b] ** 2)
                          for i in range(br) for j in range(bc)])
        kept = keep_best(score, np.arange(br * bc), br * bc - removed(s, br * bc))
        m2 = np.zeros((rows, cols), dtype=bool)
        for k in kept:
            i, j = divmod(int(k), bc)
            m2[i * b:(i + 1) * b, j * b:(j + 1) * b] = True
        mask = m2.ravel()
    return np.where(mask, flat, 0.0).reshape(w.shape)


def groups(shape, group, block):
    """group id of every entry, row-major over groups."""
    rows, cols = shape
    r, c = np.indices(shape)
    if group == "tensor":
        return np.zeros(shape, dtype=int)
    if group == "row":
        return r
    return (r // block) * (-(-cols // block)) + c // block


def quantize(w, q):
    qmax = 2 ** (q["bits"] - 1) - 1
    g = groups(w.shape, q["scale"], q["block"])
    out = np.zeros_like(w)
    for gid in np.unique(g):
        sel = g == gid
        scale = float(np.float32(np.max(np.abs(w[sel])) / qmax))
        if scale == 0.0:
            continue
        out[sel] = np.clip(np.round(w[sel] / scale), -qmax, qmax) * scale
    return out


def codebook(w, cb):
    k, kind = cb["entries"], cb["kind"]
    g = groups(w.shape, cb["group"], cb["block"])
    out = w.copy()
    flat_w, flat_g = w.ravel(), g.ravel()
    for gid in np.unique(flat_g):
        pos = np.nonzero((flat_g == gid) & (flat_w != 0.0))[0]  # row-major
        v = flat_w[pos]
        if v.size == 0:
            continue
        if kind == "uniform":
            m = np.max(np.abs(v))
            c = np.array([-m + j * 2.0 * m / (k - 1) for j in range(k)])
        else:
            lo, hi = v.min(), v.max()
            c = np.array([(lo + hi) / 2.0] if k == 1 else [lo + j * (hi - lo) / (k - 1) for j in range(k)])
        a = np.argmin(np.abs(v[:, None] - c[None, :]), axis=1)
        if kind == "kmeans":
            for _ in range(cb.get("iters", 30)):
                cnt = np.bincount(a, minlength=k)
                sums = np.bincount(a, weights=v, minlength=k)
                c = np.where(cnt > 0, sums / np.maximum(cnt, 1), c)
                b = np.argmin(np.abs(v[:, None] - c[None, :]), axis=1)
                moved = np.any(b != a)
                a = b
                if not moved:
                    break
        c = c.astype(np.float32).astype(np.float64)
        out.ravel()[pos] = c[a]
    return out


def store_bits(layout, rows, cols, nnz, nzb, s):
    v, x, p, b = s["v"], s["x"], s["p"], s["b"]
    if layout == "dense":
        bits = rows * cols * v
    elif layout == "bitmask":
        bits = rows * cols + nnz * v
    elif layout == "csr":
        bits = nnz * (v + x) + (rows + 1) * p
    elif layout == "csc":
        bits = nnz * (v + x) + (cols + 1) * p
    else:
        bits = nzb * (b * b * v + x) + (-(-rows // b) + 1) * p
    ng = {"none": 0, "tensor": 1, "row": rows,
          "block": -(-rows // max(s["gb"], 1)) * -(-cols // max(s["gb"], 1))}[s["group"]]
    return bits + ng * s["side_bits"]


def matrix_bytes(w, layout, tile, s):
    rows, cols = w.shape
    tr, tc = tile
    total = 0
    for r in range(0, rows, tr):
        for c in range(0, cols, tc):
            t = w[r:r + tr, c:c + tc]
            b = s["b"]
            nzb = sum(1 for i in range(0, t.shape[0], b) for j in range(0, t.shape[1], b)
                      if np.any(t[i:i + b, j:j + b] != 0))
            total += -(-store_bits(layout, t.shape[0], t.shape[1], int(np.count_nonzero(t)), nzb, s) // 8)
    return total


def check_compress(model, out):
    summ = json.load(open(os.path.join(out, "summary.json")))
    p, q, cb = summ["prune"], summ["quantize"], summ["codebook"]
    s = {"x": summ["index_bits"], "p": summ["ptr_bits"], "b": summ["bsr_block"], "v": 16,
         "group": "none", "gb": 0, "side_bits": 0}
    if q:
        s.update(v=q["bits"], group=q["scale"], gb=q["block"], side_bits=32)
    if cb:
        s.update(v=cb["index_bits"], group=cb["group"], gb=cb["block"], side_bits=cb["entries"] * cb["entry_bits"])
    for m in summ["matrices"]:
        name = m["name"]
        w0 = np.load(os.path.join(model, name + ".npy")).astype(np.float64)
        w = w0
        if p:
            w = prune(w, p)
        if q:
            w = quantize(w, q)
        if cb:
            w = codebook(w, cb)
        got = np.load(os.path.join(out, name + ".npy"))
        if got.shape != w.shape:
            fail(f"{out}/{name}: shape {got.shape} vs {w.shape}")
            continue
        if cb and cb["kind"] == "kmeans":
            if not np.allclose(got, w, rtol=1e-12, atol=1e-12) or not np.array_equal(got != 0, w != 0):
                fail(f"{out}/{name}: k-means weights differ from numpy by {np.max(np.abs(got - w))}")
        elif not np.array_equal(got, w):
            bad = np.argwhere(got != w)
            fail(f"{out}/{name}: {len(bad)} weights differ from numpy, first at {tuple(bad[0])}: "
                 f"{got[tuple(bad[0])]!r} vs {w[tuple(bad[0])]!r}")
        nnz = int(np.count_nonzero(got))
        if m["nnz"] != nnz:
            fail(f"{out}/{name}: nnz {m['nnz']} vs numpy {nnz}")
        if p:
            want = {"magnitude": w0.size - removed(p["sparsity"], w0.size),
                    "row": w0.shape[0] * (w0.shape[1] - removed(p["sparsity"], w0.shape[1]))}.get(p["method"])
            if p["method"] == "ese":
                mm = w0.shape[1] * (w0.shape[0] // p["units"])
                want = p["units"] * (mm - removed(p["sparsity"], mm))
            if want is not None and not q and not cb and nnz != want:
                fail(f"{out}/{name}: {nnz} non-zeros after pruning, closed form {want}")
        close(f"{out}/{name} density", m["density"], nnz / got.size)
        d = got - w0
        close(f"{out}/{name} rel_fro", m["error"]["rel_fro"], np.linalg.norm(d) / np.linalg.norm(w0))
        close(f"{out}/{name} max_abs", m["error"]["max_abs"], float(np.max(np.abs(d))))
        tile = tuple(m["tile"])
        by = m["bytes"]["by_layout"]
        for layout in ("dense", "bitmask", "csr", "csc", "bsr"):
            if by[layout] is None:
                continue
            want = matrix_bytes(got, layout, tile, s)
            if by[layout] != want:
                fail(f"{out}/{name}: {layout} bytes {by[layout]} vs closed form {want}")
        f16 = matrix_bytes(got, "dense", tile, dict(s, v=16, group="none"))
        if m["bytes"]["fp16"] != f16:
            fail(f"{out}/{name}: fp16 bytes {m['bytes']['fp16']} vs {f16}")
        if m["bytes"]["stored"] != by[m["bytes"]["layout"]]:
            fail(f"{out}/{name}: stored bytes are not those of layout {m['bytes']['layout']}")


def sig(z):
    return 1 / (1 + np.exp(-z))


def lstm(W, U, b, x, gate):
    """gate(g, xt) -> (B, H) pre-activation without bias; returns last h."""
    T, B, _ = x.shape
    H = U.shape[1]
    h = np.zeros((B, H))
    c = np.zeros((B, H))
    for t in range(T):
        xt = np.hstack([x[t], h])
        z = [gate(g, xt) + b[g * H:(g + 1) * H] for g in range(4)]
        c = sig(z[1]) * c + sig(z[0]) * np.tanh(z[2])
        h = sig(z[3]) * np.tanh(c)
    return h


def kl_rows(ref, got):
    def logsm(z):
        m = z.max(axis=1, keepdims=True)
        return z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    lp, lq = logsm(ref), logsm(got)
    return np.sum(np.exp(lp) * (lp - lq), axis=1)


def check_decompose(model, out):
    summ = json.load(open(os.path.join(out, "summary.json")))
    W = np.load(os.path.join(model, "W.npy")).astype(np.float64)
    U = np.load(os.path.join(model, "U.npy")).astype(np.float64)
    b = np.load(os.path.join(model, "b.npy")).astype(np.float64)
    x = np.load(summ["inputs"] or os.path.join(model, "x.npy")).astype(np.float64)
    H = U.shape[1]
    nz, N = summ["nz"], summ["steps"]
    fac = []
    for gi, gname in enumerate("ifgo"):
        A = np.hstack([W[gi * H:(gi + 1) * H], U[gi * H:(gi + 1) * H]])
        sg = np.load(os.path.join(out, gname + "_sigma.npy"))
        u = np.load(os.path.join(out, gname + "_u.npy"))
        v = np.load(os.path.join(out, gname + "_v.npy"))
        ix = np.load(os.path.join(out, gname + "_vidx.npy")).astype(int)
        if sg.shape != (N,) or u.shape != (N, H) or v.shape != (N, nz) or ix.shape != (N, nz):
            fail(f"{out}: gate {gname} factor shapes {sg.shape} {u.shape} {v.shape} {ix.shape}")
            return
        E = A.copy()
        n0 = np.linalg.norm(A)
        res = summ["gates"][gi]["residual_rel"]
        close(f"gate {gname} residual 0", res[0], 1.0)
        for n in range(N):
            Us, S, Vt = np.linalg.svd(E)
            close(f"gate {gname} step {n + 1} sigma", sg[n], S[0], rtol=1e-10)
            if abs(abs(np.dot(u[n], Us[:, 0])) - 1) > 1e-8:
                fail(f"gate {gname} step {n + 1}: u is not numpy's leading left vector")
            if S.size > 1 and S[0] - S[1] > 1e-6 * S[0]:
                v1 = Vt[0] * np.sign(np.dot(u[n], Us[:, 0]))
                want = np.sort(np.lexsort((np.arange(v1.size), -np.abs(v1)))[:nz])
                if not np.array_equal(ix[n], want):
                    fail(f"gate {gname} step {n + 1}: kept indices are not the {nz} largest |v|")
                elif not np.allclose(v[n], v1[want], atol=1e-8):
                    fail(f"gate {gname} step {n + 1}: v values differ from numpy's")
            p = np.zeros(A.shape[1])
            p[ix[n]] = v[n]
            E = E - sg[n] * np.outer(u[n], p)
            close(f"gate {gname} residual {n + 1}", res[n + 1], np.linalg.norm(E) / n0, rtol=1e-8, atol=1e-12)
        fac.append((sg, u, v, ix))
    Wc = np.load(os.path.join(model, "head", "Wc.npy")).astype(np.float64)
    bc = np.load(os.path.join(model, "head", "bc.npy")).astype(np.float64)
    labels = np.load(summ["labels"]).astype(int) if summ["labels"] else None
    Ag = [np.hstack([W[g * H:(g + 1) * H], U[g * H:(g + 1) * H]]) for g in range(4)]
    href = lstm(W, U, b, x, lambda g, xt: xt @ Ag[g].T)
    lref = href @ Wc.T + bc
    for row in summ["progressive"]:
        k = row["steps"]

        def gate(g, xt):
            sg, u, v, ix = fac[g]
            s = np.stack([xt[:, ix[n]] @ v[n] for n in range(k)], axis=1)  # (B, k)
            return (s * sg[:k]) @ u[:k]
        h = lstm(W, U, b, x, gate)
        lg = h @ Wc.T + bc
        d = (h - href).ravel()
        close(f"k={k} rel_error", row["rel_error"], np.linalg.norm(d) / np.linalg.norm(href), rtol=1e-7)
        cosv = np.dot(h.ravel(), href.ravel()) / (np.linalg.norm(h) * np.linalg.norm(href))
        close(f"k={k} cosine", row["cosine"], cosv, rtol=1e-9)
        close(f"k={k} mean_kl", row["mean_kl"], float(np.mean(kl_rows(lref, lg))), rtol=1e-6, atol=1e-14)
        close(f"k={k} argmax_agreement", row["argmax_agreement"], float(np.mean(lref.argmax(1) == lg.argmax(1))))
        if labels is not None:
            close(f"k={k} accuracy", row["accuracy"], float(np.mean(lg.argmax(1) == labels)))
        elif "accuracy" in row:
            fail(f"k={k}: accuracy reported without labels")
        ops = k * (2 * H + 2 * nz + 1)
        if row["ops_per_gate"] != ops:
            fail(f"k={k}: ops per gate {row['ops_per_gate']}, closed form {ops}")


def main():
    what, model, out = sys.argv[1:4]
    {"compress": check_compress, "decompose": check_decompose}[what](model, out)
    if FAILS:
        sys.exit(1)
    print(f"check: {what} {out}: numpy agrees")


if __name__ == "__main__":
    main()

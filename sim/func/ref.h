/*
 * ref.h - the golden reference: LSTM (plain, peephole, coupled), GRU (both
 * forms) and vanilla RNN in double precision, with plain loops and libm
 * exp/tanh. It shares no code with the datapath model (no arith/, no
 * act.c, and not the cell descriptors of sim/cell/: each cell's equations
 * are restated here): it reads the parameters as doubles before any
 * rounding, so its difference from a datapath run is the
 * datapath's whole error.
 *
 * Per step t and sequence b (weights.h gives the layouts; W.x is absent when
 * I == 0):
 *   LSTM     i,f,o = sig(W x + U h + b), g = tanh(W x + U h + b)   (per gate)
 *            c = f*c + i*g,  h = o*tanh(c)
 *   peephole i = sig(W_i x + U_i h + b_i + P_i*c),  f likewise with P_f,
 *            g as LSTM,  c = f*c + i*g,
 *            o = sig(W_o x + U_o h + b_o + P_o*c) with the new c,  h = o*tanh(c)
 *            (Gers & Schmidhuber 2000)
 *   coupled  gates i, g, o as LSTM's;  c = (1 - i)*c + i*g,  h = o*tanh(c)
 *            (CIFG, Greff et al. 2017)
 *   GRU      r = sig(W_r x + U_r h + b_r),  z = sig(W_z x + U_z h + b_z)
 *     lbr    n = tanh(W_n x + b_n + r*(U_n h + b_hn))
 *     rbm    n = tanh(W_n x + U_n (r*h) + b_n)
 *            h = (1 - z)*n + z*h
 *   vanilla  h = tanh(W x + U h + b)
 *   qrnn     z = tanh(W_z x + b_z),  f, o = sig(W x + b)  (no U)
 *            c = f*c + (1 - f)*z,  h = o*c   (Bradbury et al. 2017, fo-pooling)
 * sequence_lens (weights_t.len): a sequence past its length outputs 0 and
 * keeps its state (ONNX's Y); a backward pass starts each sequence at its
 * own last element (ref_run_backward).
 *   LSTMP    any LSTM above with its output o*tanh(c) as m, then
 *            h = W_proj m, P wide (U reads it: G*H x P); c stays H wide
 * with sig(v) = 1 / (1 + exp(-v)). These are the default activations: a
 * layer's own (weights.h's act, ONNX's roles) replace sig by f, the
 * candidate's tanh (LSTM g, GRU n) by g, the output's tanh(c) by h, and
 * the vanilla RNN's tanh by f; each function is restated here from its
 * definition (act.h lists them), only act.h's enum is shared.
 */
#ifndef SHARPSIM_REF_H
#define SHARPSIM_REF_H

#include <stddef.h>

#include "../common/err.h"
#include "weights.h"

/* Runs all T steps of all B sequences. h_out receives T*B*HP values, index
 * (t*B + b)*HP + j (HP = H, or LSTMP's P); c_out (cells with a state c only, may be NULL) the same
 * for c. */
int ref_run(const weights_t *w, double *h_out, double *c_out, sim_err_t *err);

/* The backward direction of a bidirectional layer: w (its own parameters
 * and initial state) runs over x (T, B, I), the forward direction's input,
 * from t = T - 1 down to t = 0 (with lengths, sequence b from len[b] - 1); h_out and c_out are indexed by time as in
 * ref_run, so h_out at t is the state after x_{T-1} .. x_t. The layer's
 * output at t is [forward h(t); backward h(t)]. */
int ref_run_backward(const weights_t *w, const double *x, double *h_out, double *c_out, sim_err_t *err);

/* The same run one step at a time, holding only the last step's h and c (so
 * a caller that consumes each step keeps memory flat in T). Step t of every
 * sequence computes exactly what ref_run computes for it (each sequence's
 * arithmetic is independent of the others and of the loop order).
 * ref_state_step: x is step t's input (B, I), ignored (may be NULL) when
 * I == 0 (w->x is not read); h_out receives (B, HP), c_out (B, H) (may be NULL) the
 * same for c. */
typedef struct ref_state ref_state_t;
ref_state_t *ref_state_create(const weights_t *w, sim_err_t *err);
void ref_state_step(ref_state_t *s, const double *x, double *h_out, double *c_out);
/* Bytes the state holds (constant in T). */
size_t ref_state_bytes(const ref_state_t *s);
void ref_state_destroy(ref_state_t *s);

/* Error of `got` against `ref` over n values. The relative error of a value
 * is |got - ref| / max(|ref|, REF_REL_FLOOR), so values near zero (where a
 * relative error says nothing) are judged on an absolute 1e-3 scale. */
#define REF_REL_FLOOR 1e-3

typedef struct ref_diff {
	size_t n;
	double max_abs;	  /* max |got - ref| */
	double max_rel;	  /* max |got - ref| / max(|ref|, REF_REL_FLOOR) */
	double rms;	  /* sqrt(mean((got - ref)^2)) */
	size_t worst;	  /* index of max_abs */
	size_t nonfinite; /* entries of got that are NaN or inf */
} ref_diff_t;

void ref_diff(const double *got, const double *ref, size_t n, ref_diff_t *out);

/* ref_diff over a sequence handed over in pieces: after ref_acc_add of
 * consecutive pieces (a zeroed ref_acc_t to start), ref_acc_done gives
 * bit for bit what ref_diff gives over their concatenation (the same sums
 * in the same order). */
typedef struct ref_acc {
	ref_diff_t d; /* rms still the sum of squares */
	double sq;
} ref_acc_t;
void ref_acc_add(ref_acc_t *a, const double *got, const double *ref, size_t n);
void ref_acc_done(const ref_acc_t *a, ref_diff_t *out);

#endif

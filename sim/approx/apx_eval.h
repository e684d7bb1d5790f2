/*
 * apx_eval.h - the quality of result of a progressive layer after each of
 * its refinement steps, against the exact layer (docs/progressive.md §5.7).
 *
 * Values are not computed in the engine: the datapath's functional model
 * computes dense tiles, and a progressive layer's tiles are dot products of
 * gathered operands and VS updates. So `run --functional` on a one-layer
 * workload with a progressive layer times it in the engine and evaluates
 * it here, in double, as `sharpsim decompose` does: the gates' factors
 * from the layer's weights (its .npy directory, or the seeded weights a
 * functional run draws for layer 1) or from approx_factors (decompose's
 * output, shapes checked against the layer), the layer run with the first k
 * refinements (apx_lstm.h) for k = 1..N, and the relative error and cosine
 * similarity of its last hidden state over the batch against the exact
 * layer's (ref.h; metrics apx_qor.h).
 */
#ifndef SHARPSIM_APX_EVAL_H
#define SHARPSIM_APX_EVAL_H

#include <stdint.h>

#include "../common/err.h"
#include "../config/workload.h"
#include "../func/weights.h"

/* Layer l of w (approx set, LSTM, unidirectional); rel and cos receive
 * approx_steps values each (after 1, 2, .. N refinements). With dump_dir
 * (else NULL), the partial outputs go there as .npy, float64:
 * layer<l+1>_h_refined.npy of shape (N, T, B, H), h of every step after k
 * refinements in row k-1, and layer<l+1>_h_exact.npy (T, B, H). With kl and
 * agree (else NULL), the classifier after layer l (apx_eval_check_head) is
 * applied in double to the last step's h of the exact layer and of the
 * k-refinement layer: kl receives the mean over the batch of KL(P || Q),
 * P and Q their softmax distributions (from log-softmax of the logits,
 * apx_qor.h), agree the fraction of sequences whose argmax agrees.
 * SIM_EINPUT for weights that cannot be read or disagree with the layer,
 * and the errors of apx_svd_decompose. */
int apx_eval_layer(const workload_t *w, size_t l, uint64_t seed, double *rel, double *cos, double *kl, double *agree,
		   const char *dump_dir, sim_err_t *err);
/* Whether the layers after the progressive layer 0 form a classifier that
 * --functional evaluates beside it: none (0, no KL), or fc layers (any
 * number, also none) ending in a softmax (1), each over layer 0's
 * timesteps and batch. Anything else is SIM_EINPUT at the offending
 * layer's file:line:col (-1). */
int apx_eval_check_head(const workload_t *w, sim_err_t *err);
/* Layer l's weights and inputs as a functional run draws them (seed + l *
 * 0x9E3779B97F4A7C15) or reads them (its weights: directory, relative to
 * the workload file); NULL with err set. */
weights_t *apx_eval_weights(const workload_t *w, size_t l, uint64_t seed, sim_err_t *err);
/* Reads every progressive layer's approx_factors, if set, and checks them
 * against the layer (R = H rows, C = I + H columns, approx_nz, at least
 * approx_steps steps): SIM_EINPUT at the layer's file:line:col. */
int apx_eval_check_factors(const workload_t *w, sim_err_t *err);

#endif

/*
 * apx_lstm.h - a layer run in double with every gate's W x + U h replaced by
 * the first k refinement steps of its rank-1 factors (apx_svd.h), the
 * progressive inference of Kouris et al. Cells: LSTM (gates i, f, g, o) and
 * vanilla. GRU is refused: its candidate gate multiplies U_n h by r before
 * adding W_n x, so [W_n U_n] does not act on one vector x~ = [x; h].
 *
 * Same equations, layouts and activations (libm) as ref.h, so with the
 * factors of the exact matrices (k = rank, NZ = C) the output is ref_run's
 * up to rounding.
 */
#ifndef SHARPSIM_APX_LSTM_H
#define SHARPSIM_APX_LSTM_H

#include <stdint.h>

#include "../common/err.h"
#include "../func/weights.h"
#include "apx_svd.h"

/* SIM_EINPUT for a GRU or fc layer. */
int apx_lstm_check(const weights_t *w, sim_err_t *err);
/* a (H x (I + H), row-major) = [W_g U_g], gate g's augmented matrix. */
void apx_lstm_gate_matrix(const weights_t *w, unsigned g, double *a);
/* Runs all T steps of all B sequences with f[g] (G factor sets, each H x
 * (I + H)) truncated to k steps. h_out: T*B*H values as ref_run's. *ops
 * (may be NULL) receives the gate operations done, T*B*G*k*(2H + 2NZ + 1). */
int apx_lstm_run(const weights_t *w, apx_factors_t *const *f, unsigned k, double *h_out, uint64_t *ops, sim_err_t *err);
/* logits (B x K) = h (B x H) Wc^T + bc: a linear classifier head. */
void apx_lstm_head(const double *Wc, const double *bc, size_t K, size_t H, const double *h, size_t B, double *logits);

#endif

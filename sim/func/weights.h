/*
 * weights.h - one layer's parameters and input sequence, in double, before
 * any rounding to a datapath format (the golden reference uses them as they
 * are; the datapath quantizes them with cellmath.h).
 *
 * Layout (G = 4 LSTM and peephole LSTM with gate order i, f, g, o; G = 3
 * GRU with r, z, n and coupled LSTM with i, g, o; G = 1 vanilla; I = 0 when
 * the layer skips its input, i.e. no W and no x):
 *   W   (G*H, I)   row g*H + j = gate g, hidden index j     (row-major)
 *   U   (G*H, HP)  HP = H, or P for an LSTMP layer (proj_size P): U reads
 *                  the projected h
 *   W_proj (P, H)  LSTMP only: h = W_proj (o*tanh(c)); no bias (PyTorch's)
 *   b   (G*H,)     one bias per gate row (for GRU r, z: b_i* + b_h* folded;
 *                  for GRU linear_before_reset, n: the input-side b_in)
 *   b_hn (H,)      GRU linear_before_reset only: the bias inside r*(U_n h + b_hn)
 *   P   (3, H)     peephole LSTM only: element-wise peephole weights, rows
 *                  i, f, o (ONNX's P is ordered i, o, f)
 *   h0  (B, HP)    initial hidden state, zeros unless given
 *   c0  (B, H)     initial cell state (LSTM cells), zeros unless given
 *   x   (T, B, I)  the input sequence
 *
 * Random parameters: W, U, b, b_hn, P uniform in [-1/sqrt(H), 1/sqrt(H)) (the
 * frameworks' default init), then x uniform in [-1, 1), drawn in that order
 * (row-major) from rng.h seeded with `seed`. x is drawn last, so deferring
 * it (weights_random_rows) moves no other array's draws.
 *
 * A directory of .npy files (npy.h; any of <f2, <f4, <f8) holds the same
 * arrays named W.npy, U.npy, b.npy, b_hn.npy, P.npy, W_proj.npy, h0.npy,
 * c0.npy, x.npy
 * with the shapes above. W.npy and x.npy are not read when the layer skips
 * its input; b_hn.npy is required for GRU linear_before_reset only, P.npy
 * for the peephole LSTM only, W_proj.npy for LSTMP only; h0.npy and c0.npy
 * are optional. Random W_proj is drawn after P, before x.
 *
 * Bidirectional layers: the directory holds the forward direction as above
 * and a subdirectory `backward/` with the backward direction's own W.npy,
 * U.npy, b.npy (b_hn.npy, P.npy, h0.npy, c0.npy as above) and no x.npy: both
 * directions read the layer's one input sequence, x.npy of the directory
 * itself, in time order (the backward pass walks it from t = T - 1 down).
 * Random parameters of the backward direction are drawn as above from their
 * own seed (fpipe.c), without x.
 */
#ifndef SHARPSIM_WEIGHTS_H
#define SHARPSIM_WEIGHTS_H

#include <stdint.h>

#include "../arith/act.h"
#include "../common/err.h"
#include "../config/workload.h"
#include "npy.h"
#include "rng.h"

typedef struct weights {
	cell_kind_t cell;
	gru_form_t gru_form;
	uint32_t G, I, H, T, B;
	uint32_t HP; /* width of h: H, or LSTMP's P */
	double *W, *U, *b;
	double *b_hn; /* NULL unless GRU linear_before_reset */
	double *P;    /* NULL unless peephole LSTM: (3, H), rows i, f, o */
	double *Wp;   /* NULL unless LSTMP: W_proj (HP, H) */
	double *h0, *c0;
	double *x; /* NULL when I == 0, for a backward direction, or deferred */
	/* x_deferred: x was not drawn (weights_random_rows with defer_x);
	 * x_gen is the generator's state at its first draw, from which xseq.h
	 * draws it a block of steps at a time */
	bool x_deferred;
	rng_state_t x_gen;
	uint32_t *len; /* sequence_lens: sequence b runs steps t < len[b] (B); NULL: all T */
	bool backward; /* the backward direction of a bidirectional layer */
	/* The layer's activation per role f, g, h (workload.h), resolved: auto
	 * to the cell's own, alpha and beta 0 to the function's defaults. */
	act_spec_t act[LAYER_ROLES];
} weights_t;

/* The subdirectory of a layer's weights directory that holds its backward
 * direction. */
#define WEIGHTS_BACKWARD_DIR "backward"

/* Random parameters for layer l. NULL (with err set) when out of memory.
 * backward: the backward direction's (no x drawn). */
weights_t *weights_random(const layer_cfg_t *l, uint64_t seed, sim_err_t *err);
weights_t *weights_random_dir(const layer_cfg_t *l, uint64_t seed, bool backward, sim_err_t *err);
/* The same draws, with W and U handed to row(ctx, u, r, v, n) one row
 * at a time as they are drawn (u: a row of U, else of W; v: its n values,
 * valid during the call; a large matrix's rows in the order its lanes draw
 * them, rng.h, not row order) instead of being kept: w->W and w->U stay NULL.
 * For a caller that lays the rows out at once (fpipe.c, without the double
 * reference), so that the matrices never exist whole in double. row NULL:
 * W and U kept whole, as weights_random_dir. defer_x: x (drawn last) is not
 * drawn: w->x stays NULL, w->x_deferred is set and w->x_gen holds the
 * generator at x's first draw (xseq.h), so that x, T x B x I doubles, never
 * exists whole either. */
typedef void (*weights_row_fn)(void *ctx, bool u, size_t r, const double *v, size_t n);
weights_t *weights_random_rows(const layer_cfg_t *l, uint64_t seed, bool backward, weights_row_fn row, void *ctx,
			       bool defer_x, sim_err_t *err);
/* Parameters from dir/<name>.npy. NULL with err set (the message names the
 * file and, for a wrong shape, the expected one). backward: from
 * dir/backward/, without x. */
weights_t *weights_load(const layer_cfg_t *l, const char *dir, sim_err_t *err);
weights_t *weights_load_dir(const layer_cfg_t *l, const char *dir, bool backward, sim_err_t *err);
/* Writes every array of w into dir (which must exist) as dtype. */
int weights_save(const weights_t *w, const char *dir, npy_dtype_t dtype, sim_err_t *err);
void weights_destroy(weights_t *w);

#endif

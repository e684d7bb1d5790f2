/*
 * act.h - the activation functions of the A-MFU and the cell updater.
 *
 * Two modes (act_cfg_t, hw_cfg.h):
 *   ACT_EXACT  libm in double: sigmoid(x) = 1 / (1 + exp(-x)), tanh(x).
 *   ACT_PWL    piecewise-linear over [-range, range] with `segments`
 *              uniform segments of width h = 2 * range / segments. The
 *              breakpoints are x_k = -range + k * h (k = 0..segments) and the
 *              line of segment k is the chord through (x_k, f(x_k)) and
 *              (x_{k+1}, f(x_{k+1})), stored as slope a_k and intercept b_k
 *              (y = a_k * x + b_k: the hardware's one multiply and one add,
 *              the segment index being the top bits of x + range). Outside
 *              the range sigmoid and tanh saturate at f(-range) / f(range)
 *              (the other functions: below), so the approximation is
 *              continuous everywhere. The chord's error on a segment is at
 *              most h^2 / 8 * max|f''| there.
 *
 * Inputs and outputs are doubles: the caller rounds the output once into its
 * datapath format (fp16, bf16, fp32 or a fixed-point Q format), so neither
 * mode adds a rounding step of its own. A float argument converts exactly.
 *
 * The functions (ONNX's RNN activation list; alpha, beta as act_spec gives
 * them):
 *   sigmoid           1 / (1 + e^-x)
 *   tanh              tanh(x)
 *   relu              max(0, x)
 *   leaky_relu        x >= 0 ? x : alpha x              (alpha default 0.01)
 *   hard_sigmoid      max(0, min(1, alpha x + beta))    (0.2, 0.5)
 *   affine            alpha x + beta                    (1, 0)
 *   thresholded_relu  x >= alpha ? x : 0                (1)
 *   softsign          x / (1 + |x|)
 *   scaled_tanh       alpha tanh(beta x)                (1, 1)
 *   elu               x >= 0 ? x : alpha (e^x - 1)      (1)
 *   softplus          log(1 + e^x)
 * The piecewise-linear ones (relu, leaky_relu, hard_sigmoid, affine,
 * thresholded_relu: act_is_linear) are computed exactly in both modes: the
 * PWL unit's comparator picks the piece and its multiply-add computes it,
 * no table and no approximation. The others take the chord table in PWL
 * mode. Outside [-range, range] a table continues with the function's
 * asymptote slope through its end value: 0 for the bounded ones (sigmoid,
 * tanh, softsign, scaled_tanh: saturation, as before), and on the right of
 * elu and softplus slope 1, i.e. y = x for elu (exact there) and
 * y = x + log(1 + e^-range) for softplus (its error < e^-range); on their
 * left both saturate (elu at -alpha (1 - e^-range), softplus at
 * log(1 + e^-range)). So the approximation is continuous everywhere.
 * sigmoid and tanh keep precomputed tables; the other tables' chords are
 * evaluated where needed (the same slope and intercept a table would hold,
 * computed the same way).
 */
#ifndef SHARPSIM_ACT_H
#define SHARPSIM_ACT_H

#include <stdbool.h>
#include <stddef.h>

#include "../config/hw_cfg.h"

/* The order is the workload's (layer_act_t, workload.h, after its auto:
 * act_fn_t = layer_act_t - 1). */
typedef enum {
	ACT_SIGMOID = 0,
	ACT_TANH,
	ACT_RELU,
	ACT_LEAKY_RELU,
	ACT_HARD_SIGMOID,
	ACT_AFFINE,
	ACT_THRESHOLDED_RELU,
	ACT_SOFTSIGN,
	ACT_SCALED_TANH,
	ACT_ELU,
	ACT_SOFTPLUS,
	ACT_N_FN
} act_fn_t;

/* A function with its parameters (unused ones ignored). */
typedef struct act_spec {
	act_fn_t fn;
	double alpha, beta;
} act_spec_t;

/* fn with its default parameters (the header's list; 0 for unused). */
act_spec_t act_default(act_fn_t fn);
/* Whether fn is piecewise linear (computed exactly in both modes). */
bool act_is_linear(act_fn_t fn);
/* Whether fn reads alpha, beta. */
bool act_takes_alpha(act_fn_t fn);
bool act_takes_beta(act_fn_t fn);

typedef struct act act_t;

/* Precomputes the PWL tables. NULL when out of memory or when PWL mode has
 * segments < 1 or range not > 0 (the config module rejects those first). */
act_t *act_create(const act_cfg_t *cfg);
void act_destroy(act_t *a);

double act_sigmoid(const act_t *a, double x);
double act_tanh(const act_t *a, double x);
/* fn with its default parameters. */
double act_eval(const act_t *a, act_fn_t fn, double x);
double act_eval_spec(const act_t *a, const act_spec_t *s, double x);

/* exp(x) for x <= 0, the softmax's exp(z - m) (docs/hardware.md §2.11):
 * libm in ACT_EXACT; in ACT_PWL the chord of the uniform segment of
 * [-range, range] holding x (the sigmoid's and tanh's segments, through
 * exp at their ends), and exp(-range) below -range (a term that small adds
 * less than the table's error to a sum of at least one). */
double act_exp_neg(const act_t *a, double x);

/* The exact function in double (libm), whatever the mode. */
double act_exact(act_fn_t fn, double x);
double act_exact_spec(const act_spec_t *s, double x);

/* max |act_eval(x) - act_exact(x)| over `points` (>= 2) equally spaced x in
 * [lo, hi], both ends included. */
double act_max_error(const act_t *a, act_fn_t fn, double lo, double hi, size_t points);
double act_max_error_spec(const act_t *a, const act_spec_t *s, double lo, double hi, size_t points);

#endif

/*
 * act.h - the activation functions of the A-MFU and the cell updater's tanh.
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
 *              the range the output saturates at f(-range) / f(range), so the
 *              approximation is continuous everywhere. The chord's error on a
 *              segment is at most h^2 / 8 * max|f''| there.
 *
 * Inputs and outputs are doubles: the caller rounds the output once into its
 * datapath format (fp16, bf16, fp32 or a fixed-point Q format), so neither
 * mode adds a rounding step of its own. A float argument converts exactly.
 */
#ifndef SHARPSIM_ACT_H
#define SHARPSIM_ACT_H

#include <stddef.h>

#include "../config/hw_cfg.h"

typedef enum { ACT_SIGMOID = 0, ACT_TANH } act_fn_t;

typedef struct act act_t;

/* Precomputes the PWL tables. NULL when out of memory or when PWL mode has
 * segments < 1 or range not > 0 (the config module rejects those first). */
act_t *act_create(const act_cfg_t *cfg);
void act_destroy(act_t *a);

double act_sigmoid(const act_t *a, double x);
double act_tanh(const act_t *a, double x);
double act_eval(const act_t *a, act_fn_t fn, double x);

/* The exact function in double (libm), whatever the mode. */
double act_exact(act_fn_t fn, double x);

/* max |act_eval(x) - act_exact(x)| over `points` (>= 2) equally spaced x in
 * [lo, hi], both ends included. */
double act_max_error(const act_t *a, act_fn_t fn, double lo, double hi, size_t points);

#endif

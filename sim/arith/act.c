#include "act.h"

#include <math.h>
#include <stdlib.h>

typedef struct pwl {
	double *slope, *icpt;  /* segments entries each */
	double lo_val, hi_val; /* saturation values f(-range), f(range) */
} pwl_t;

struct act {
	act_mode_t mode;
	uint32_t segments;
	double range, h;
	pwl_t fn[2]; /* sigmoid and tanh, indexed by act_fn_t */
};

act_spec_t act_default(act_fn_t fn)
{
	act_spec_t s = { .fn = fn };
	switch (fn) {
	case ACT_LEAKY_RELU:
		s.alpha = 0.01;
		break;
	case ACT_HARD_SIGMOID:
		s.alpha = 0.2, s.beta = 0.5;
		break;
	case ACT_AFFINE:
		s.alpha = 1.0;
		break;
	case ACT_THRESHOLDED_RELU:
	case ACT_ELU:
		s.alpha = 1.0;
		break;
	case ACT_SCALED_TANH:
		s.alpha = 1.0, s.beta = 1.0;
		break;
	default:
		break;
	}
	return s;
}

bool act_is_linear(act_fn_t fn)
{
	return fn == ACT_RELU || fn == ACT_LEAKY_RELU || fn == ACT_HARD_SIGMOID || fn == ACT_AFFINE ||
	       fn == ACT_THRESHOLDED_RELU;
}

bool act_takes_alpha(act_fn_t fn)
{
	return fn == ACT_LEAKY_RELU || fn == ACT_HARD_SIGMOID || fn == ACT_AFFINE || fn == ACT_THRESHOLDED_RELU ||
	       fn == ACT_SCALED_TANH || fn == ACT_ELU;
}

bool act_takes_beta(act_fn_t fn)
{
	return fn == ACT_HARD_SIGMOID || fn == ACT_AFFINE || fn == ACT_SCALED_TANH;
}

double act_exact_spec(const act_spec_t *s, double x)
{
	double a = s->alpha, b = s->beta;
	switch (s->fn) {
	case ACT_SIGMOID:
		return 1.0 / (1.0 + exp(-x));
	case ACT_TANH:
		return tanh(x);
	case ACT_RELU:
		return x > 0 ? x : 0.0;
	case ACT_LEAKY_RELU:
		return x >= 0 ? x : a * x;
	case ACT_HARD_SIGMOID:
		return fmax(0.0, fmin(1.0, a * x + b));
	case ACT_AFFINE:
		return a * x + b;
	case ACT_THRESHOLDED_RELU:
		return x >= a ? x : 0.0;
	case ACT_SOFTSIGN:
		return x / (1.0 + fabs(x));
	case ACT_SCALED_TANH:
		return a * tanh(b * x);
	case ACT_ELU:
		return x >= 0 ? x : a * expm1(x);
	case ACT_SOFTPLUS:
		/* log(1 + e^x) without overflow: x + log(1 + e^-x) for x > 0 */
		return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
	case ACT_N_FN:
		break;
	}
	return NAN;
}

double act_exact(act_fn_t fn, double x)
{
	act_spec_t s = act_default(fn);
	return act_exact_spec(&s, x);
}

act_t *act_create(const act_cfg_t *cfg)
{
	act_t *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->mode = cfg->mode;
	if (cfg->mode != ACT_PWL)
		return a;
	if (cfg->segments < 1 || !(cfg->range > 0.0)) {
		free(a);
		return NULL;
	}
	a->segments = cfg->segments;
	a->range = cfg->range;
	a->h = 2.0 * cfg->range / cfg->segments;
	for (int f = 0; f < 2; f++) {
		pwl_t *p = &a->fn[f];
		p->slope = malloc(cfg->segments * sizeof *p->slope);
		p->icpt = malloc(cfg->segments * sizeof *p->icpt);
		if (!p->slope || !p->icpt) {
			act_destroy(a);
			return NULL;
		}
		for (uint32_t k = 0; k < cfg->segments; k++) {
			double x0 = -a->range + k * a->h, x1 = -a->range + (k + 1) * a->h;
			double y0 = act_exact((act_fn_t)f, x0), y1 = act_exact((act_fn_t)f, x1);
			p->slope[k] = (y1 - y0) / (x1 - x0);
			p->icpt[k] = y0 - p->slope[k] * x0;
		}
		p->lo_val = act_exact((act_fn_t)f, -a->range);
		p->hi_val = act_exact((act_fn_t)f, a->range);
	}
	return a;
}

void act_destroy(act_t *a)
{
	if (!a)
		return;
	for (int f = 0; f < 2; f++) {
		free(a->fn[f].slope);
		free(a->fn[f].icpt);
	}
	free(a);
}

/* The segment of x in [-range, range]. */
static uint32_t act_segment(const act_t *a, double x)
{
	double u = (x + a->range) / a->h;
	uint32_t k = (uint32_t)u; /* u >= 0: truncation is floor */
	return k >= a->segments ? a->segments - 1 : k;
}

/* A table function other than sigmoid and tanh: its chord at x, computed
 * as act_create computes the stored ones; outside the range, the
 * asymptote slope through the end value (act.h). */
static double act_chord(const act_t *a, const act_spec_t *s, double x)
{
	bool right_linear = s->fn == ACT_ELU || s->fn == ACT_SOFTPLUS;
	if (x <= -a->range)
		return act_exact_spec(s, -a->range);
	if (x >= a->range) {
		double y = act_exact_spec(s, a->range);
		return right_linear ? y + (x - a->range) : y;
	}
	uint32_t k = act_segment(a, x);
	double x0 = -a->range + k * a->h, x1 = -a->range + (k + 1) * a->h;
	double y0 = act_exact_spec(s, x0), y1 = act_exact_spec(s, x1);
	double slope = (y1 - y0) / (x1 - x0), icpt = y0 - slope * x0;
	return slope * x + icpt;
}

double act_eval_spec(const act_t *a, const act_spec_t *s, double x)
{
	if (a->mode != ACT_PWL || x != x || act_is_linear(s->fn))
		return act_exact_spec(s, x);
	if (s->fn != ACT_SIGMOID && s->fn != ACT_TANH)
		return act_chord(a, s, x);
	const pwl_t *p = &a->fn[s->fn];
	if (x <= -a->range)
		return p->lo_val;
	if (x >= a->range)
		return p->hi_val;
	uint32_t k = act_segment(a, x);
	return p->slope[k] * x + p->icpt[k];
}

double act_exp_neg(const act_t *a, double x)
{
	if (a->mode != ACT_PWL || x != x)
		return exp(x);
	if (x <= -a->range)
		return exp(-a->range);
	uint32_t k = act_segment(a, x);
	double x0 = -a->range + k * a->h, x1 = -a->range + (k + 1) * a->h;
	double y0 = exp(x0), y1 = exp(x1);
	double slope = (y1 - y0) / (x1 - x0);
	return slope * x + (y0 - slope * x0);
}

double act_eval(const act_t *a, act_fn_t fn, double x)
{
	act_spec_t s = act_default(fn);
	return act_eval_spec(a, &s, x);
}

double act_sigmoid(const act_t *a, double x)
{
	return act_eval(a, ACT_SIGMOID, x);
}

double act_tanh(const act_t *a, double x)
{
	return act_eval(a, ACT_TANH, x);
}

double act_max_error_spec(const act_t *a, const act_spec_t *s, double lo, double hi, size_t points)
{
	double worst = 0.0;
	for (size_t i = 0; i < points; i++) {
		double x = lo + (hi - lo) * (double)i / (double)(points - 1);
		double e = fabs(act_eval_spec(a, s, x) - act_exact_spec(s, x));
		if (e > worst)
			worst = e;
	}
	return worst;
}

double act_max_error(const act_t *a, act_fn_t fn, double lo, double hi, size_t points)
{
	act_spec_t s = act_default(fn);
	return act_max_error_spec(a, &s, lo, hi, points);
}

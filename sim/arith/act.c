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
	pwl_t fn[2]; /* indexed by act_fn_t */
};

double act_exact(act_fn_t fn, double x)
{
	return fn == ACT_SIGMOID ? 1.0 / (1.0 + exp(-x)) : tanh(x);
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

double act_eval(const act_t *a, act_fn_t fn, double x)
{
	if (a->mode != ACT_PWL || x != x)
		return act_exact(fn, x);
	const pwl_t *p = &a->fn[fn];
	if (x <= -a->range)
		return p->lo_val;
	if (x >= a->range)
		return p->hi_val;
	double u = (x + a->range) / a->h;
	uint32_t k = (uint32_t)u; /* u >= 0: truncation is floor */
	if (k >= a->segments)
		k = a->segments - 1;
	return p->slope[k] * x + p->icpt[k];
}

double act_sigmoid(const act_t *a, double x)
{
	return act_eval(a, ACT_SIGMOID, x);
}

double act_tanh(const act_t *a, double x)
{
	return act_eval(a, ACT_TANH, x);
}

double act_max_error(const act_t *a, act_fn_t fn, double lo, double hi, size_t points)
{
	double worst = 0.0;
	for (size_t i = 0; i < points; i++) {
		double x = lo + (hi - lo) * (double)i / (double)(points - 1);
		double e = fabs(act_eval(a, fn, x) - act_exact(fn, x));
		if (e > worst)
			worst = e;
	}
	return worst;
}

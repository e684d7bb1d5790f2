#include "head.h"

#include <math.h>
#include <stdbool.h>

static size_t head_argmax(const double *v, size_t h)
{
	size_t best = 0;
	for (size_t j = 1; j < h; j++)
		if (v[j] > v[best])
			best = j;
	return best;
}

/* log sum_j exp(v_j), about the maximum m. */
static double head_lse(const double *v, size_t h, double m)
{
	double s = 0;
	for (size_t j = 0; j < h; j++)
		s += exp(v[j] - m);
	return m + log(s);
}

void head_acc_add(head_acc_t *a, const double *got, const double *ref, size_t n, size_t h)
{
	for (size_t i = 0; i < n; i++) {
		const double *g = got + i * h, *r = ref + i * h;
		bool finite = true;
		for (size_t j = 0; j < h; j++)
			finite = finite && isfinite(g[j]);
		a->decisions++;
		if (!finite) {
			a->changed++;
			a->kl_sum = INFINITY;
			continue;
		}
		size_t ar = head_argmax(r, h), ag = head_argmax(g, h);
		a->changed += ar != ag;
		double lr = head_lse(r, h, r[ar]), lg = head_lse(g, h, g[ag]), kl = 0;
		for (size_t j = 0; j < h; j++) {
			double lp = r[j] - lr, lq = g[j] - lg;
			kl += exp(lp) * (lp - lq);
		}
		a->kl_sum += kl;
	}
}

/*
 * apx_qor.c - the metrics of apx_qor.h.
 */
#include "apx_qor.h"

#include <math.h>

double apx_qor_rel_error(const double *got, const double *ref, size_t n)
{
	double d = 0.0, r = 0.0;
	for (size_t i = 0; i < n; i++) {
		d += (got[i] - ref[i]) * (got[i] - ref[i]);
		r += ref[i] * ref[i];
	}
	if (r == 0.0)
		return d == 0.0 ? 0.0 : INFINITY;
	return sqrt(d) / sqrt(r);
}

double apx_qor_cosine(const double *got, const double *ref, size_t n)
{
	double gr = 0.0, gg = 0.0, rr = 0.0;
	for (size_t i = 0; i < n; i++) {
		gr += got[i] * ref[i];
		gg += got[i] * got[i];
		rr += ref[i] * ref[i];
	}
	if (gg == 0.0 || rr == 0.0)
		return gg == rr ? 1.0 : 0.0;
	return gr / (sqrt(gg) * sqrt(rr));
}

/* log(sum(exp(z))) with the maximum taken out first. */
static double log_sum_exp(const double *z, size_t k)
{
	double m = z[0];
	for (size_t i = 1; i < k; i++)
		m = fmax(m, z[i]);
	double s = 0.0;
	for (size_t i = 0; i < k; i++)
		s += exp(z[i] - m);
	return m + log(s);
}

void apx_qor_softmax(const double *z, size_t k, double *p)
{
	double l = log_sum_exp(z, k);
	for (size_t i = 0; i < k; i++)
		p[i] = exp(z[i] - l);
}

double apx_qor_kl(const double *ref_logits, const double *got_logits, size_t k)
{
	double lr = log_sum_exp(ref_logits, k), lg = log_sum_exp(got_logits, k), kl = 0.0;
	for (size_t i = 0; i < k; i++) {
		double lp = ref_logits[i] - lr, p = exp(lp);
		if (p > 0.0)
			kl += p * (lp - (got_logits[i] - lg));
	}
	return kl;
}

double apx_qor_mean_kl(const double *ref_logits, const double *got_logits, size_t rows, size_t k)
{
	double s = 0.0;
	for (size_t r = 0; r < rows; r++)
		s += apx_qor_kl(ref_logits + r * k, got_logits + r * k, k);
	return rows ? s / (double)rows : 0.0;
}

size_t apx_qor_argmax(const double *z, size_t k)
{
	size_t b = 0;
	for (size_t i = 1; i < k; i++)
		if (z[i] > z[b])
			b = i;
	return b;
}

double apx_qor_argmax_agreement(const double *ref_logits, const double *got_logits, size_t rows, size_t k)
{
	size_t same = 0;
	for (size_t r = 0; r < rows; r++)
		same += apx_qor_argmax(ref_logits + r * k, k) == apx_qor_argmax(got_logits + r * k, k);
	return rows ? (double)same / (double)rows : 1.0;
}

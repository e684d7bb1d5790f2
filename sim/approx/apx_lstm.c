/*
 * apx_lstm.c - the progressive layer of apx_lstm.h.
 */
#include "apx_lstm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int apx_lstm_check(const weights_t *w, sim_err_t *err)
{
	if (w->cell != CELL_LSTM && w->cell != CELL_VANILLA)
		return sim_err(err, SIM_EINPUT,
			       "progressive rank-1 inference takes lstm or vanilla layers, "
			       "not %s (its gates do not all act on one [x; h])",
			       workload_cell_name(w->cell));
	return SIM_OK;
}

void apx_lstm_gate_matrix(const weights_t *w, unsigned g, double *a)
{
	size_t I = w->I, H = w->H, C = I + H;
	for (size_t j = 0; j < H; j++) {
		size_t row = (size_t)g * H + j;
		for (size_t c = 0; c < I; c++)
			a[j * C + c] = w->W[row * I + c];
		for (size_t c = 0; c < H; c++)
			a[j * C + I + c] = w->U[row * H + c];
	}
}

static double sig(double v)
{
	return 1.0 / (1.0 + exp(-v));
}

int apx_lstm_run(const weights_t *w, apx_factors_t *const *f, unsigned k, double *h_out, uint64_t *ops, sim_err_t *err)
{
	int rc = apx_lstm_check(w, err);
	if (rc)
		return rc;
	size_t I = w->I, H = w->H, B = w->B, G = w->G, C = I + H;
	for (size_t g = 0; g < G; g++)
		if (apx_factors_rows(f[g]) != H || apx_factors_cols(f[g]) != C)
			return sim_err(err, SIM_EINPUT,
				       "gate %zu factors are %zu x %zu, expected %zu x %zu "
				       "for this layer",
				       g, apx_factors_rows(f[g]), apx_factors_cols(f[g]), H, C);
	double *h = calloc(B * H, sizeof *h), *c = calloc(B * H, sizeof *c);
	double *xt = malloc(C * sizeof *xt), *z = malloc(G * H * sizeof *z);
	if (!h || !c || !xt || !z) {
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
		goto out;
	}
	if (w->h0)
		memcpy(h, w->h0, B * H * sizeof *h);
	if (w->c0)
		memcpy(c, w->c0, B * H * sizeof *c);
	uint64_t n = 0;
	for (size_t t = 0; t < w->T; t++) {
		for (size_t b = 0; b < B; b++) {
			double *hb = h + b * H, *cb = c + b * H;
			if (I)
				memcpy(xt, w->x + (t * B + b) * I, I * sizeof *xt);
			memcpy(xt + I, hb, H * sizeof *xt);
			for (size_t g = 0; g < G; g++) {
				n += apx_svd_eval(f[g], k, xt, z + g * H);
				for (size_t j = 0; j < H; j++)
					z[g * H + j] += w->b[g * H + j];
			}
			for (size_t j = 0; j < H; j++) {
				if (w->cell == CELL_VANILLA) {
					hb[j] = tanh(z[j]);
					continue;
				}
				double i = sig(z[j]), fg = sig(z[H + j]), gg = tanh(z[2 * H + j]),
				       o = sig(z[3 * H + j]);
				cb[j] = fg * cb[j] + i * gg;
				hb[j] = o * tanh(cb[j]);
			}
			memcpy(h_out + (t * B + b) * H, hb, H * sizeof *hb);
		}
	}
	if (ops)
		*ops = n;
out:
	free(h);
	free(c);
	free(xt);
	free(z);
	return rc;
}

void apx_lstm_head(const double *Wc, const double *bc, size_t K, size_t H, const double *h, size_t B, double *logits)
{
	for (size_t b = 0; b < B; b++)
		for (size_t k = 0; k < K; k++) {
			double s = bc ? bc[k] : 0.0;
			for (size_t j = 0; j < H; j++)
				s += Wc[k * H + j] * h[b * H + j];
			logits[b * K + k] = s;
		}
}

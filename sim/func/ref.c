#include "ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double sig(double v)
{
	return 1.0 / (1.0 + exp(-v));
}

/* out[r] = sum_k M[r][k] * v[k] for rows r0 .. r0+n-1 of an ncol-wide M. */
static void matvec(const double *M, size_t ncol, size_t r0, size_t n, const double *v, double *out)
{
	for (size_t r = 0; r < n; r++) {
		const double *row = M + (r0 + r) * ncol;
		double s = 0.0;
		for (size_t k = 0; k < ncol; k++)
			s += row[k] * v[k];
		out[r] = s;
	}
}

int ref_run(const weights_t *w, double *h_out, double *c_out, sim_err_t *err)
{
	size_t H = w->H, I = w->I, G = w->G, GH = G * H;
	/* one block: wx[GH] uh[GH] h c r z n rh, each H */
	double *mem = calloc(2 * GH + 6 * H + 1, sizeof *mem);
	if (!mem)
		return sim_err(err, SIM_ENOMEM, "reference model: out of memory");
	double *wx = mem, *uh = wx + GH, *h = uh + GH, *c = h + H;
	double *r = c + H, *z = r + H, *n = z + H, *rh = n + H;
	const double *bb = w->b;
	if (w->cell == CELL_FC) {
		/* y_t = W x_t + b: no recurrence, no state, no activation */
		for (size_t tb = 0; tb < (size_t)w->T * w->B; tb++) {
			matvec(w->W, I, 0, H, w->x + tb * I, h);
			for (size_t j = 0; j < H; j++)
				h_out[tb * H + j] = h[j] + bb[j];
		}
		free(mem);
		return SIM_OK;
	}
	for (size_t b = 0; b < w->B; b++) {
		memcpy(h, w->h0 + b * H, H * sizeof *h);
		memcpy(c, w->c0 + b * H, H * sizeof *c);
		for (size_t t = 0; t < w->T; t++) {
			if (I > 0)
				matvec(w->W, I, 0, GH, w->x + (t * w->B + b) * I, wx);
			matvec(w->U, H, 0, GH, h, uh);
			if (w->cell == CELL_LSTM) {
				for (size_t j = 0; j < H; j++) {
					double i = sig(wx[j] + uh[j] + bb[j]);
					double f = sig(wx[H + j] + uh[H + j] + bb[H + j]);
					double g = tanh(wx[2 * H + j] + uh[2 * H + j] + bb[2 * H + j]);
					double o = sig(wx[3 * H + j] + uh[3 * H + j] + bb[3 * H + j]);
					c[j] = f * c[j] + i * g;
					h[j] = o * tanh(c[j]);
				}
			} else if (w->cell == CELL_LSTM_PEEPHOLE) {
				const double *pi = w->P, *pf = w->P + H, *po = w->P + 2 * H;
				for (size_t j = 0; j < H; j++) {
					double i = sig(wx[j] + uh[j] + bb[j] + pi[j] * c[j]);
					double f = sig(wx[H + j] + uh[H + j] + bb[H + j] + pf[j] * c[j]);
					double g = tanh(wx[2 * H + j] + uh[2 * H + j] + bb[2 * H + j]);
					c[j] = f * c[j] + i * g;
					double o = sig(wx[3 * H + j] + uh[3 * H + j] + bb[3 * H + j] + po[j] * c[j]);
					h[j] = o * tanh(c[j]);
				}
			} else if (w->cell == CELL_LSTM_COUPLED) {
				for (size_t j = 0; j < H; j++) {
					double i = sig(wx[j] + uh[j] + bb[j]);
					double g = tanh(wx[H + j] + uh[H + j] + bb[H + j]);
					double o = sig(wx[2 * H + j] + uh[2 * H + j] + bb[2 * H + j]);
					c[j] = (1.0 - i) * c[j] + i * g;
					h[j] = o * tanh(c[j]);
				}
			} else if (w->cell == CELL_GRU) {
				for (size_t j = 0; j < H; j++) {
					r[j] = sig(wx[j] + uh[j] + bb[j]);
					z[j] = sig(wx[H + j] + uh[H + j] + bb[H + j]);
				}
				if (w->gru_form == GRU_LBR) {
					for (size_t j = 0; j < H; j++)
						n[j] = tanh(wx[2 * H + j] + bb[2 * H + j] +
							    r[j] * (uh[2 * H + j] + w->b_hn[j]));
				} else {
					/* U_n (r*h) replaces the U_n h computed above */
					for (size_t j = 0; j < H; j++)
						rh[j] = r[j] * h[j];
					matvec(w->U, H, 2 * H, H, rh, uh + 2 * H);
					for (size_t j = 0; j < H; j++)
						n[j] = tanh(wx[2 * H + j] + uh[2 * H + j] + bb[2 * H + j]);
				}
				for (size_t j = 0; j < H; j++)
					h[j] = (1.0 - z[j]) * n[j] + z[j] * h[j];
			} else {
				for (size_t j = 0; j < H; j++)
					h[j] = tanh(wx[j] + uh[j] + bb[j]);
			}
			memcpy(h_out + (t * w->B + b) * H, h, H * sizeof *h);
			if (c_out)
				memcpy(c_out + (t * w->B + b) * H, c, H * sizeof *c);
		}
	}
	free(mem);
	return SIM_OK;
}

void ref_diff(const double *got, const double *ref, size_t n, ref_diff_t *out)
{
	memset(out, 0, sizeof *out);
	out->n = n;
	double sq = 0.0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(got[i])) {
			out->nonfinite++;
			continue;
		}
		double d = fabs(got[i] - ref[i]);
		double den = fabs(ref[i]) > REF_REL_FLOOR ? fabs(ref[i]) : REF_REL_FLOOR;
		if (d > out->max_abs) {
			out->max_abs = d;
			out->worst = i;
		}
		if (d / den > out->max_rel)
			out->max_rel = d / den;
		sq += d * d;
	}
	out->rms = n ? sqrt(sq / (double)n) : 0.0;
}

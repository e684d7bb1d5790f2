#include "ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double sig(double v)
{
	return 1.0 / (1.0 + exp(-v));
}

/* The layer's activation of role r (weights.h; the functions restated from
 * their ONNX definitions, not act.c's code). */
static double ref_act(const weights_t *w, unsigned r, double v)
{
	const act_spec_t *s = &w->act[r];
	double a = s->alpha, b = s->beta;
	switch (s->fn) {
	case ACT_SIGMOID:
		return sig(v);
	case ACT_TANH:
		return tanh(v);
	case ACT_RELU:
		return v < 0 ? 0.0 : v;
	case ACT_LEAKY_RELU:
		return v < 0 ? a * v : v;
	case ACT_HARD_SIGMOID: {
		double y = a * v + b;
		return y < 0 ? 0.0 : y > 1 ? 1.0 : y;
	}
	case ACT_AFFINE:
		return a * v + b;
	case ACT_THRESHOLDED_RELU:
		return v < a ? 0.0 : v;
	case ACT_SOFTSIGN:
		return v / (1.0 + fabs(v));
	case ACT_SCALED_TANH:
		return a * tanh(b * v);
	case ACT_ELU:
		return v < 0 ? a * (exp(v) - 1.0) : v;
	case ACT_SOFTPLUS:
		return v > 30 ? v + exp(-v) : log(1.0 + exp(v));
	default:
		return NAN;
	}
}
#define F(v) ref_act(w, LAYER_ROLE_F, (v))
#define G(v) ref_act(w, LAYER_ROLE_G, (v))
#define Hh(v) ref_act(w, LAYER_ROLE_H, (v))

/* out[r] = sum_k M[r][k] * v[k] for rows r0 .. r0+n-1 of an ncol-wide M,
 * each row's sum in k order. Eight rows are summed side by side: eight
 * independent chains of adds instead of one (the host overlaps them), and
 * each row's value is the one its own loop gives, since a row's adds and
 * their order are unchanged. */
static void matvec(const double *M, size_t ncol, size_t r0, size_t n, const double *v, double *out)
{
	size_t r = 0;
	for (; r + 8 <= n; r += 8) {
		const double *m0 = M + (r0 + r) * ncol, *m1 = m0 + ncol, *m2 = m1 + ncol, *m3 = m2 + ncol;
		const double *m4 = m3 + ncol, *m5 = m4 + ncol, *m6 = m5 + ncol, *m7 = m6 + ncol;
		double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0;
		for (size_t k = 0; k < ncol; k++) {
			double vk = v[k];
			s0 += m0[k] * vk, s1 += m1[k] * vk, s2 += m2[k] * vk, s3 += m3[k] * vk;
			s4 += m4[k] * vk, s5 += m5[k] * vk, s6 += m6[k] * vk, s7 += m7[k] * vk;
		}
		out[r] = s0, out[r + 1] = s1, out[r + 2] = s2, out[r + 3] = s3;
		out[r + 4] = s4, out[r + 5] = s5, out[r + 6] = s6, out[r + 7] = s7;
	}
	for (; r < n; r++) {
		const double *row = M + (r0 + r) * ncol;
		double s = 0.0;
		for (size_t k = 0; k < ncol; k++)
			s += row[k] * v[k];
		out[r] = s;
	}
}

struct ref_state {
	const weights_t *w;
	double *mem;			  /* the block below, one allocation */
	double *h, *c;			  /* per sequence b: h (B, HP) and c (B, H) of the last step */
	double *wx, *uh, *r, *z, *n, *rh; /* scratch of one (step, sequence) */
	double *m;			  /* LSTMP: o*tanh(c) before the projection (H) */
	uint32_t t;			  /* steps taken (sequence_lens: who has finished) */
	size_t bytes;
};

/* One step of one sequence: h (HP), c (H) of step t - 1 become step t's;
 * x is the step's (I,) input (unused when I == 0). An LSTMP layer's LSTM
 * output o*h(c) goes to m, and h = W_proj m. */
static void ref_cell(ref_state_t *s, const double *x, double *h, double *c)
{
	const weights_t *w = s->w;
	size_t H = w->H, I = w->I, GH = (size_t)w->G * H;
	double *wx = s->wx, *uh = s->uh, *r = s->r, *z = s->z, *n = s->n, *rh = s->rh;
	const double *bb = w->b;
	if (I > 0)
		matvec(w->W, I, 0, GH, x, wx);
	if (w->U)
		matvec(w->U, w->HP, 0, GH, h, uh); /* qrnn has no U: uh stays 0 */
	double *out = w->Wp ? s->m : h;		   /* the LSTMs' o*h(c) */
	if (w->cell == CELL_LSTM) {
		for (size_t j = 0; j < H; j++) {
			double i = F(wx[j] + uh[j] + bb[j]);
			double f = F(wx[H + j] + uh[H + j] + bb[H + j]);
			double g = G(wx[2 * H + j] + uh[2 * H + j] + bb[2 * H + j]);
			double o = F(wx[3 * H + j] + uh[3 * H + j] + bb[3 * H + j]);
			c[j] = f * c[j] + i * g;
			out[j] = o * Hh(c[j]);
		}
	} else if (w->cell == CELL_LSTM_PEEPHOLE) {
		const double *pi = w->P, *pf = w->P + H, *po = w->P + 2 * H;
		for (size_t j = 0; j < H; j++) {
			double i = F(wx[j] + uh[j] + bb[j] + pi[j] * c[j]);
			double f = F(wx[H + j] + uh[H + j] + bb[H + j] + pf[j] * c[j]);
			double g = G(wx[2 * H + j] + uh[2 * H + j] + bb[2 * H + j]);
			c[j] = f * c[j] + i * g;
			double o = F(wx[3 * H + j] + uh[3 * H + j] + bb[3 * H + j] + po[j] * c[j]);
			out[j] = o * Hh(c[j]);
		}
	} else if (w->cell == CELL_LSTM_COUPLED) {
		for (size_t j = 0; j < H; j++) {
			double i = F(wx[j] + uh[j] + bb[j]);
			double g = G(wx[H + j] + uh[H + j] + bb[H + j]);
			double o = F(wx[2 * H + j] + uh[2 * H + j] + bb[2 * H + j]);
			c[j] = (1.0 - i) * c[j] + i * g;
			out[j] = o * Hh(c[j]);
		}
	} else if (w->cell == CELL_QRNN) {
		for (size_t j = 0; j < H; j++) {
			double zz = G(wx[j] + bb[j]);
			double f = F(wx[H + j] + bb[H + j]);
			double o = F(wx[2 * H + j] + bb[2 * H + j]);
			c[j] = f * c[j] + (1.0 - f) * zz;
			h[j] = o * c[j];
		}
	} else if (w->cell == CELL_GRU) {
		for (size_t j = 0; j < H; j++) {
			r[j] = F(wx[j] + uh[j] + bb[j]);
			z[j] = F(wx[H + j] + uh[H + j] + bb[H + j]);
		}
		if (w->gru_form == GRU_LBR) {
			for (size_t j = 0; j < H; j++)
				n[j] = G(wx[2 * H + j] + bb[2 * H + j] + r[j] * (uh[2 * H + j] + w->b_hn[j]));
		} else {
			/* U_n (r*h) replaces the U_n h computed above */
			for (size_t j = 0; j < H; j++)
				rh[j] = r[j] * h[j];
			matvec(w->U, H, 2 * H, H, rh, uh + 2 * H);
			for (size_t j = 0; j < H; j++)
				n[j] = G(wx[2 * H + j] + uh[2 * H + j] + bb[2 * H + j]);
		}
		for (size_t j = 0; j < H; j++)
			h[j] = (1.0 - z[j]) * n[j] + z[j] * h[j];
	} else {
		for (size_t j = 0; j < H; j++)
			h[j] = F(wx[j] + uh[j] + bb[j]);
	}
	if (w->Wp)
		matvec(w->Wp, H, 0, w->HP, s->m, h);
}

#undef F
#undef G
#undef Hh

ref_state_t *ref_state_create(const weights_t *w, sim_err_t *err)
{
	size_t H = w->H, B = w->B, GH = (size_t)w->G * H;
	ref_state_t *s = calloc(1, sizeof *s);
	size_t HP = w->HP, n = B * HP + B * H + 2 * GH + 5 * H + 1;
	double *mem = s ? calloc(n, sizeof *mem) : NULL;
	if (!mem) {
		free(s);
		sim_err(err, SIM_ENOMEM, "reference model: out of memory");
		return NULL;
	}
	s->w = w;
	s->mem = mem;
	s->h = mem, s->c = s->h + B * HP, s->wx = s->c + B * H, s->uh = s->wx + GH;
	s->r = s->uh + GH, s->z = s->r + H, s->n = s->z + H, s->rh = s->n + H, s->m = s->rh + H;
	s->bytes = sizeof *s + n * sizeof *mem;
	/* fc has neither h0 nor c0 (weights.c); its steps never read them */
	if (w->h0)
		memcpy(s->h, w->h0, B * HP * sizeof *s->h);
	if (w->c0)
		memcpy(s->c, w->c0, B * H * sizeof *s->c);
	return s;
}

size_t ref_state_bytes(const ref_state_t *s)
{
	return s->bytes;
}

void ref_state_step(ref_state_t *s, const double *x, double *h_out, double *c_out)
{
	const weights_t *w = s->w;
	size_t H = w->H, I = w->I, HP = w->HP;
	for (size_t b = 0; b < w->B; b++) {
		double *h = s->h + b * HP, *c = s->c + b * H;
		if (w->len && w->len[b] <= s->t) {
			/* finished (ONNX sequence_lens): its output is 0, its state
			 * stays as its last step left it */
			memset(h_out + b * HP, 0, HP * sizeof *h_out);
			if (c_out)
				memset(c_out + b * H, 0, H * sizeof *c_out);
			continue;
		}
		if (w->cell == CELL_FC) {
			/* y_t = W x_t + b: no recurrence, no state, no activation */
			matvec(w->W, I, 0, H, x + b * I, h);
			for (size_t j = 0; j < H; j++)
				h[j] += w->b[j];
		} else if (w->cell == CELL_SOFTMAX) {
			/* y = exp(x - max x) / sum exp(x - max x), in double */
			const double *z = x + b * I;
			double m = z[0], sum = 0;
			for (size_t j = 1; j < H; j++)
				m = z[j] > m ? z[j] : m;
			for (size_t j = 0; j < H; j++)
				sum += h[j] = exp(z[j] - m);
			for (size_t j = 0; j < H; j++)
				h[j] /= sum;
		} else {
			ref_cell(s, x ? x + b * I : NULL, h, c);
		}
		memcpy(h_out + b * HP, h, HP * sizeof *h);
		if (c_out)
			memcpy(c_out + b * H, c, H * sizeof *c);
	}
	s->t++;
}

void ref_state_destroy(ref_state_t *s)
{
	if (!s)
		return;
	free(s->mem);
	free(s);
}

int ref_run(const weights_t *w, double *h_out, double *c_out, sim_err_t *err)
{
	ref_state_t *s = ref_state_create(w, err);
	if (!s)
		return err->code;
	size_t BH = (size_t)w->B * w->H, BHP = (size_t)w->B * w->HP;
	for (size_t t = 0; t < w->T; t++)
		ref_state_step(s, w->I ? w->x + t * w->B * w->I : NULL, h_out + t * BHP, c_out ? c_out + t * BH : NULL);
	ref_state_destroy(s);
	return SIM_OK;
}

int ref_run_backward(const weights_t *w, const double *x, double *h_out, double *c_out, sim_err_t *err)
{
	ref_state_t *s = ref_state_create(w, err);
	if (!s)
		return err->code;
	size_t B = w->B, I = w->I, H = w->H, HP = w->HP, BH = B * H, BHP = B * HP;
	if (!w->len) {
		for (size_t t = w->T; t-- > 0;)
			ref_state_step(s, I ? x + t * B * I : NULL, h_out + t * BHP, c_out ? c_out + t * BH : NULL);
		ref_state_destroy(s);
		return SIM_OK;
	}
	/* Lengths: sequence b's step k reads x at len[b] - 1 - k and its h
	 * goes there; times at or past its length stay 0 (ONNX's Y). */
	double *xs = calloc(B * I + BHP + BH + 1, sizeof *xs), *hs = xs + B * I, *cs = hs + BHP;
	if (!xs) {
		ref_state_destroy(s);
		return sim_err(err, SIM_ENOMEM, "reference model: out of memory");
	}
	memset(h_out, 0, sizeof *h_out * BHP * w->T);
	if (c_out)
		memset(c_out, 0, sizeof *c_out * BH * w->T);
	for (uint32_t k = 0; k < w->T; k++) {
		for (size_t b = 0; b < B; b++)
			if (k < w->len[b])
				memcpy(xs + b * I, x + ((w->len[b] - 1 - k) * B + b) * I, I * sizeof *xs);
		ref_state_step(s, I ? xs : NULL, hs, cs);
		for (size_t b = 0; b < B; b++) {
			if (k >= w->len[b])
				continue;
			size_t t = w->len[b] - 1 - k;
			memcpy(h_out + (t * B + b) * HP, hs + b * HP, HP * sizeof *hs);
			if (c_out)
				memcpy(c_out + (t * B + b) * H, cs + b * H, H * sizeof *cs);
		}
	}
	free(xs);
	ref_state_destroy(s);
	return SIM_OK;
}

void ref_acc_add(ref_acc_t *a, const double *got, const double *ref, size_t n)
{
	ref_diff_t *o = &a->d;
	size_t base = o->n;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(got[i])) {
			o->nonfinite++;
			continue;
		}
		double d = fabs(got[i] - ref[i]);
		double den = fabs(ref[i]) > REF_REL_FLOOR ? fabs(ref[i]) : REF_REL_FLOOR;
		if (d > o->max_abs) {
			o->max_abs = d;
			o->worst = base + i;
		}
		if (d / den > o->max_rel)
			o->max_rel = d / den;
		a->sq += d * d;
	}
	o->n += n;
}

void ref_acc_done(const ref_acc_t *a, ref_diff_t *out)
{
	*out = a->d;
	out->rms = a->d.n ? sqrt(a->sq / (double)a->d.n) : 0.0;
}

void ref_diff(const double *got, const double *ref, size_t n, ref_diff_t *out)
{
	ref_acc_t a = { 0 };
	ref_acc_add(&a, got, ref, n);
	ref_acc_done(&a, out);
}

#include "onnx_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../func/npy.h"
#include "onnx_pb.h"

#define E32 0x1p-24 /* fp32 unit roundoff: sums, biases, c */

/* A bound on |f(p~) - f(p)| for |p~ - p| <= e: the largest |f'| over
 * [p - e, p + e] times e (mean value theorem). sigmoid', tanh' and
 * softsign' are even and decrease with |x|: taken at the point of the
 * interval nearest to 0 (z); scaled_tanh likewise at beta z. The
 * piecewise-linear functions' slopes are their pieces' (relu's 0 when the
 * interval lies left of 0); elu's at most max(1, alpha), softplus' below
 * 1. thresholded_relu jumps by alpha at alpha: added when the interval
 * holds it. */
static double act_dev(const act_spec_t *f, double p, double e)
{
	double z = fmax(0.0, fabs(p) - e), a = fabs(f->alpha), s, t;
	switch (f->fn) {
	case ACT_SIGMOID:
		s = 1.0 / (1.0 + exp(-z));
		return s * (1.0 - s) * e;
	case ACT_TANH:
		t = tanh(z);
		return (1.0 - t * t) * e;
	case ACT_SCALED_TANH:
		t = tanh(fabs(f->beta) * z);
		return a * fabs(f->beta) * (1.0 - t * t) * e;
	case ACT_SOFTSIGN:
		return e / ((1.0 + z) * (1.0 + z));
	case ACT_RELU:
		return p + e > 0 ? e : 0.0;
	case ACT_LEAKY_RELU:
	case ACT_ELU:
		return fmax(1.0, a) * e;
	case ACT_HARD_SIGMOID:
	case ACT_AFFINE:
		return a * e;
	case ACT_THRESHOLDED_RELU:
		return e + (fabs(p - f->alpha) <= e ? fabs(f->alpha) : 0.0);
	default: /* softplus */
		return e;
	}
}

/* An activation's output error: the input's error e through act_dev,
 * then rounding the result to D (u of its magnitude). */
static double act_err(const act_spec_t *f, double pre, double e, double out, double u)
{
	double d = act_dev(f, pre, e);
	return d + u * (fabs(out) + d);
}

/* One direction of a layer's bound, along its exact trajectory (computed
 * here in double). In: w, x0 (layer 0's input, the forward direction's x),
 * the previous layer's exact h and error xh, xe ((T, B, I), NULL for layer
 * 0), u; back: the backward direction of a bidirectional layer, which
 * walks time from T - 1 down (with lengths, from len[b] - 1). Out, zeroed
 * by the caller: the exact h (T, B, H) and the bounds eh, ec (T, B, H) on
 * |datapath - exact| of h and c, indexed by time. */
typedef struct lb {
	const weights_t *w;
	const double *x0;
	bool back;
	const double *xh, *xe;
	double u, gam;
	double pm; /* a mul_D's rounding: 0 for fp16 (exact), else fp32's 2^-24 */
	double *hx, *eh, *ec;
	double *pre, *E, *sx; /* per row (G*H): pre-activation, its error, sum |W||x| */
} lb_t;

/* One row's dot product with v: its exact value a, sum |row||v| m, and the
 * error inherited from v's bounds ev through |row| (ev NULL: v exact). */
static void row_dot(const double *row, const double *v, const double *ev, uint32_t n, double *a, double *m, double *ee)
{
	*a = *m = *ee = 0;
	for (uint32_t k = 0; k < n; k++) {
		*a += row[k] * v[k];
		*m += fabs(row[k] * v[k]);
		if (ev)
			*ee += fabs(row[k]) * ev[k];
	}
}

/* Row r's W.x part: exact value, sum |W||x|, and the inherited error
 * through |W| (x rounded to D when it is the model's input). */
static void row_x(const lb_t *L, size_t r, const double *x, const double *ex, double *v, double *sx, double *e)
{
	double ee;
	row_dot(L->w->W + r * L->w->I, x, ex, L->w->I, v, sx, &ee);
	*e = (2 * L->u + L->u * L->u + L->gam) * *sx + (1 + L->u) * ee;
}

/* Row r's U.v part likewise, v the stored vector with error ev. */
static void row_h(const lb_t *L, size_t r, const double *v, const double *ev, double *val, double *sv, double *e)
{
	double ee;
	row_dot(L->w->U + r * L->w->H, v, ev, L->w->H, val, sv, &ee);
	*e = (L->u + L->gam) * *sv + (1 + L->u) * ee;
}

/* The peephole term of cellmath's cm_peep, pre' = add(pre, mul_D(rnd_D(p),
 * rnd_D(c))), for an exact pre and c with bounds E and ec: returns the
 * exact pre + p*c and sets *e to its bound. P is a weight (rounded to D),
 * c is rounded to D from its fp32 word, the product rounds to fp32 unless
 * D is fp16, the add rounds to fp32. */
static double peep_pre(const lb_t *L, double pre, double E, double p, double c, double ec, double *e)
{
	double u = L->u;
	double rc = ec + u * (fabs(c) + ec); /* rnd_D(c) */
	double pc = p * c;
	double ep = (1 + u) * fabs(p) * rc + u * fabs(p) * fabs(c);
	ep += L->pm * (fabs(pc) + ep);
	double v = pre + pc, ev = E + ep;
	*e = ev + E32 * (fabs(v) + ev);
	return v;
}

/* The cell updater's sigmoid, act_D((1 + tanh(y/2)) / 2) (peephole cells):
 * mathematically sigmoid(y); its evaluation in double (tanh, one add, two
 * exact halvings) differs from that by less than 2^-50, added on top of
 * the activation's bound. */
#define SIG_T_DBL 0x1p-50

static void layer_bound(lb_t *L)
{
	const weights_t *w = L->w;
	double u = L->u;
	uint32_t H = w->H, G = w->G;
	/* the layer's activations per role (weights.h) */
	const act_spec_t *F = &w->act[LAYER_ROLE_F], *Gf = &w->act[LAYER_ROLE_G], *Hf = &w->act[LAYER_ROLE_H];
	/* peephole cells compute a sigmoid f through tanh (cellmath.h) */
	double sig_t = F->fn == ACT_SIGMOID ? SIG_T_DBL : 0;
	size_t bh = (size_t)w->B * H;
	if (w->cell == CELL_SOFTMAX) {
		/* p = softmax(z) over the head's logits z, each off by at most
		 * its bound e_k (xe): with eps = max e_k, p_j(z + dz) / p_j(z) lies
		 * in [e^-2eps, e^2eps]. The datapath's own softmax of the logits it
		 * has (cellmath.h, cm_softmax; tests/test_softmax.c derives it) is
		 * within (1 + u + d_j)(1 + u)^2 (1 + K 2^-24) / (1 - u - d_max) - 1
		 * relative, d_j = |z_j - m| 2^-24 (the fp32 z_j - m), plus half a
		 * subnormal per rounding of e_j and p_j (fp16: 2^-25 each). The
		 * float32 reference's softmax has the same structure at u = 2^-24. */
		double half_sub = u == 0x1p-11 ? 0x1p-25 : u == 0x1p-8 ? 0x1p-134 : 0x1p-150;
		for (size_t tb = 0; tb < (size_t)w->T * w->B; tb++) {
			const double *z = L->xh + tb * H, *ez = L->xe ? L->xe + tb * H : NULL;
			double m = z[0], eps = 0, sum = 0;
			for (uint32_t j = 0; j < H; j++) {
				m = z[j] > m ? z[j] : m;
				eps = ez && ez[j] > eps ? ez[j] : eps;
			}
			for (uint32_t j = 0; j < H; j++)
				sum += exp(z[j] - m);
			double dmax = 0;
			for (uint32_t j = 0; j < H; j++)
				dmax = fmax(dmax, (m - z[j] + 2 * eps) * E32);
			for (uint32_t j = 0; j < H; j++) {
				double p = exp(z[j] - m) / sum, dj = (m - z[j] + 2 * eps) * E32;
				double rel = (1 + u + dj) * (1 + u) * (1 + u) * (1 + H * E32) / (1 - u - dmax) - 1;
				L->hx[tb * H + j] = p;
				L->eh[tb * H + j] =
					p * (exp(2 * eps) * (1 + rel) - 1) + 2 * half_sub * (1 + u) * (1 + u);
				L->ec[tb * H + j] = 0;
			}
		}
		return;
	}
	if (w->cell == CELL_FC) {
		/* y = rnd_D(add(W.x, b)): row_x's MVM bound (weights rounded to D,
		 * fp32 accumulation, the inherited error through |W|), the bias
		 * add inside gam, then one rounding of the output to D. No state,
		 * no activation, steps independent. */
		for (size_t tb = 0; tb < (size_t)w->T * w->B; tb++) {
			size_t xo = tb * w->I;
			const double *x = L->xh ? L->xh + xo : L->x0 + xo, *ex = L->xe ? L->xe + xo : NULL;
			for (uint32_t j = 0; j < H; j++) {
				double xv, xs, xe;
				row_x(L, j, x, ex, &xv, &xs, &xe);
				double y = xv + w->b[j], e = xe + L->gam * fabs(w->b[j]);
				L->hx[tb * H + j] = y;
				L->eh[tb * H + j] = e + u * (fabs(y) + e);
				L->ec[tb * H + j] = 0;
			}
		}
		return;
	}
	for (uint32_t b = 0; b < w->B; b++) {
		/* h_{t-1} and c_{t-1} exact, and their bounds: h0 is rounded to D,
		 * c0 to fp32. */
		double *h = L->sx + (size_t)G * H, *eh = h + H, *c = eh + H, *ec = c + H, *rh = ec + H, *erh = rh + H;
		for (uint32_t j = 0; j < H; j++) {
			h[j] = w->h0[(size_t)b * H + j];
			eh[j] = u * fabs(h[j]);
			c[j] = w->c0 ? w->c0[(size_t)b * H + j] : 0.0; /* a GRU or RNN has none */
			ec[j] = E32 * fabs(c[j]);
		}
		/* With lengths, sequence b runs len[b] steps, a backward pass from
		 * its own last element len[b] - 1 down (ONNX's reverse direction);
		 * its h, c and bounds past len[b] stay 0 (the caller's zeroed
		 * arrays): ONNX's Y there is 0 and the dump holds exactly 0. */
		uint32_t steps = w->len ? w->len[b] : w->T;
		for (uint32_t s = 0; s < steps; s++) {
			uint32_t t = L->back ? steps - 1 - s : s;
			size_t xo = ((size_t)t * w->B + b) * w->I;
			const double *x = L->xh ? L->xh + xo : L->x0 + xo, *ex = L->xe ? L->xe + xo : NULL;
			bool rbm = w->cell == CELL_GRU && w->gru_form == GRU_RBM;
			bool lbr = w->cell == CELL_GRU && w->gru_form == GRU_LBR;
			for (size_t r = 0; r < (size_t)G * H; r++) {
				double xv, xs, xe, hv, hs, he;
				row_x(L, r, x, ex, &xv, &xs, &xe);
				if ((rbm || lbr) && r >= 2u * H) {
					/* n: its U part is added below, with r. */
					L->pre[r] = xv + w->b[r];
					L->E[r] = xe + L->gam * fabs(w->b[r]);
					L->sx[r] = xs;
					continue;
				}
				row_h(L, r, h, eh, &hv, &hs, &he);
				L->pre[r] = xv + hv + w->b[r];
				L->E[r] = xe + he + L->gam * fabs(w->b[r]);
			}
			for (uint32_t j = 0; j < H; j++) {
				double *P = L->pre, *E = L->E;
				double nh, ehn;
				if (w->cell == CELL_LSTM || w->cell == CELL_LSTM_PEEPHOLE ||
				    w->cell == CELL_LSTM_COUPLED) {
					/* Gate rows: i, f, g, o; coupled i, g, o (f = 1 - i). */
					bool cpl = w->cell == CELL_LSTM_COUPLED, pp = w->cell == CELL_LSTM_PEEPHOLE;
					size_t rg = (cpl ? 1u : 2u) * H + j, ro = (cpl ? 2u : 3u) * H + j;
					double pi = P[j], epi = E[j], pf = P[H + j], epf = E[H + j];
					if (pp) {
						pi = peep_pre(L, pi, epi, w->P[j], c[j], ec[j], &epi);
						pf = peep_pre(L, pf, epf, w->P[H + j], c[j], ec[j], &epf);
					}
					double i = act_exact_spec(F, pi), g = act_exact_spec(Gf, P[rg]);
					double ei = act_err(F, pi, epi, i, u) + (pp ? sig_t : 0),
					       eg = act_err(Gf, P[rg], E[rg], g, u);
					double f, ef;
					if (cpl) {
						/* f = rnd_D(add(1, -i)) */
						f = 1 - i;
						ef = ei + E32 + u * (fabs(f) + ei + E32);
					} else {
						f = act_exact_spec(F, pf);
						ef = act_err(F, pf, epf, f, u) + (pp ? sig_t : 0);
					}
					double rc = ec[j] + u * (fabs(c[j]) + ec[j]); /* rnd_D(c) */
					double fc = f * c[j], ig = i * g;
					double efc = ef * (fabs(c[j]) + rc) + f * rc,
					       eig = ei * (fabs(g) + eg) + i * eg;
					efc += L->pm * (fabs(fc) + efc);
					eig += L->pm * (fabs(ig) + eig);
					double cn = fc + ig, ecn = efc + eig;
					ecn += E32 * (fabs(cn) + ecn);
					double po = P[ro], epo = E[ro];
					if (pp)
						po = peep_pre(L, po, epo, w->P[2 * H + j], cn, ecn, &epo);
					double o = act_exact_spec(F, po),
					       eo = act_err(F, po, epo, o, u) + (pp ? sig_t : 0);
					double th = act_exact_spec(Hf, cn), eth = act_err(Hf, cn, ecn, th, u);
					nh = o * th;
					ehn = eo * (fabs(th) + eth) + o * eth;
					ehn += L->pm * (fabs(nh) + ehn);
					ehn += u * (fabs(nh) + ehn);
					c[j] = cn;
					ec[j] = ecn;
				} else if (w->cell == CELL_GRU) {
					double r = act_exact_spec(F, P[j]), z = act_exact_spec(F, P[H + j]);
					double er = act_err(F, P[j], E[j], r, u),
					       ez = act_err(F, P[H + j], E[H + j], z, u);
					double pn, en;
					if (lbr) {
						double av, as, ae;
						row_h(L, 2u * H + j, h, eh, &av, &as, &ae);
						double a = av + w->b_hn[j];
						ae += L->gam * fabs(w->b_hn[j]);
						double ra = ae + u * (fabs(a) + ae); /* rnd_D(a) */
						double ep = er * (fabs(a) + ra) + r * ra;
						ep += L->pm * (fabs(r * a) + ep);
						pn = P[2 * H + j] + r * a;
						en = E[2 * H + j] + ep +
						     2 * E32 * (L->sx[2 * H + j] + fabs(w->b[2 * H + j]) + fabs(r * a));
					} else {
						/* r.h of every element first: U_n reads the whole vector. */
						if (j == 0)
							for (uint32_t k = 0; k < H; k++) {
								double rk = act_exact_spec(F, P[k]),
								       erk = act_err(F, P[k], E[k], rk, u);
								rh[k] = rk * h[k];
								erh[k] = erk * (fabs(h[k]) + eh[k]) + rk * eh[k];
								erh[k] += L->pm * (fabs(rh[k]) + erh[k]);
								erh[k] += u * (fabs(rh[k]) + erh[k]);
							}
						double hv, hs, he;
						row_h(L, 2u * H + j, rh, erh, &hv, &hs, &he);
						pn = P[2 * H + j] + hv;
						en = E[2 * H + j] + he;
					}
					double n = act_exact_spec(Gf, pn), enn = act_err(Gf, pn, en, n, u);
					double omz = 1 - z, eomz = ez + E32 + u * (fabs(omz) + ez + E32);
					nh = omz * n + z * h[j];
					ehn = eomz * (fabs(n) + enn) + omz * enn + ez * (fabs(h[j]) + eh[j]) +
					      z * eh[j];
					ehn += (E32 + 2 * L->pm) * (fabs(omz * n) + fabs(z * h[j]) + ehn);
					ehn += u * (fabs(nh) + ehn);
				} else {
					nh = act_exact_spec(F, P[j]);
					ehn = act_err(F, P[j], E[j], nh, u);
				}
				size_t o = (size_t)t * bh + (size_t)b * H + j;
				L->hx[o] = nh;
				L->eh[o] = ehn;
				L->ec[o] = cell_get(w->cell)->flags & CELL_F_STATE ? ec[j] : 0;
			}
			/* h_t replaces h_{t-1} only now: every row above read h_{t-1}. */
			for (uint32_t j = 0; j < H; j++) {
				size_t o = (size_t)t * bh + (size_t)b * H + j;
				h[j] = L->hx[o];
				eh[j] = L->eh[o];
			}
		}
	}
}

/* Terms of a row's fp32 accumulation (docs/numerics.md): the I + H
 * products and the bias add, plus margin; an fc row has no U.h. */
static double gamma_terms(const weights_t *w)
{
	return (double)(w->I + (w->cell == CELL_FC ? 0u : w->H) + 3);
}

typedef struct bounds {
	size_t L;
	double **eh, **ec; /* per layer, (T, B, H) */
} bounds_t;

static void bounds_free(bounds_t *b)
{
	for (size_t l = 0; l < b->L; l++) {
		free(b->eh[l]);
		free(b->ec[l]);
	}
	free(b->eh);
	free(b->ec);
}

/* The datapath's bound (u of D, products rounding by pm) plus the float32
 * reference's own (u = 2^-24, every product rounding, its inherited input
 * error the float32 one of the layer below). A bidirectional layer's
 * bounds are in the dump's (T, 2, B, H) order; the next layer reads its
 * exact h and errors as the sequence (T, B, 2H) of [h_fwd; h_bwd]. */
static int all_bounds(const onnx_model_t *m, double u, double pm, bounds_t *bd, sim_err_t *err)
{
	size_t L = onnx_model_layers(m);
	bd->L = 0;
	bd->eh = calloc(L, sizeof *bd->eh);
	bd->ec = calloc(L, sizeof *bd->ec);
	double *prev[2][2] = { { NULL, NULL }, { NULL, NULL } }; /* [datapath, reference][h exact, error] */
	int rc = bd->eh && bd->ec ? SIM_OK : sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t l = 0; !rc && l < L; l++) {
		const weights_t *wd[2] = { onnx_model_weights(m, l), onnx_model_weights_backward(m, l) };
		const weights_t *w = wd[0];
		size_t nd = wd[1] ? 2 : 1, H = w->H, B = w->B;
		size_t n = (size_t)w->T * B * H, rows = (size_t)w->G * H;
		double *cur[2][2][3] = { { { NULL } } }; /* [direction][datapath, reference][h, eh, ec] */
		double *next[2][2] = { { NULL } };
		double *scratch = calloc(3 * rows + 6 * H, sizeof *scratch);
		double *eh = calloc(nd * n, sizeof *eh), *ec = calloc(nd * n, sizeof *ec);
		bool ok = scratch && eh && ec;
		for (size_t d = 0; d < nd; d++)
			for (int k = 0; k < 2; k++)
				for (int q = 0; q < 3; q++)
					ok &= (cur[d][k][q] = calloc(n, sizeof(double))) != NULL;
		for (int k = 0; k < 2; k++)
			for (int q = 0; q < 2; q++)
				ok &= (next[k][q] = calloc(nd * n, sizeof(double))) != NULL;
		for (size_t d = 0; ok && d < nd; d++)
			for (int k = 0; k < 2; k++) {
				lb_t lb = { .w = wd[d],
					    .x0 = w->x,
					    .back = d == 1 || onnx_model_reverse(m, l),
					    .xh = prev[k][0],
					    .xe = prev[k][1],
					    .u = k ? E32 : u,
					    .pm = k ? E32 : pm,
					    .gam = gamma_terms(w) * E32,
					    .hx = cur[d][k][0],
					    .eh = cur[d][k][1],
					    .ec = cur[d][k][2],
					    .pre = scratch,
					    .E = scratch + rows,
					    .sx = scratch + 2 * rows };
				layer_bound(&lb);
			}
		for (size_t t = 0; ok && t < w->T; t++)
			for (size_t d = 0; d < nd; d++)
				for (size_t b = 0; b < B; b++)
					for (size_t j = 0; j < H; j++) {
						size_t src = (t * B + b) * H + j, dump = ((t * nd + d) * B + b) * H + j;
						size_t seq = (t * B + b) * nd * H + d * H + j;
						eh[dump] = cur[d][0][1][src] + cur[d][1][1][src];
						ec[dump] = cur[d][0][2][src] + cur[d][1][2][src];
						/* the next layer reads this one's exact h and its error */
						next[0][0][seq] = cur[d][0][0][src];
						next[0][1][seq] = eh[dump];
						next[1][0][seq] = cur[d][1][0][src];
						next[1][1][seq] = cur[d][1][1][src];
					}
		for (size_t d = 0; d < nd; d++)
			for (int k = 0; k < 2; k++)
				for (int q = 0; q < 3; q++)
					free(cur[d][k][q]);
		for (int k = 0; k < 2; k++)
			for (int q = 0; q < 2; q++) {
				free(prev[k][q]);
				prev[k][q] = next[k][q];
			}
		free(scratch);
		bd->eh[l] = eh;
		bd->ec[l] = ec;
		bd->L = l + 1;
		if (!ok)
			rc = sim_err(err, SIM_ENOMEM, "out of memory");
	}
	for (int k = 0; k < 2; k++)
		for (int q = 0; q < 2; q++)
			free(prev[k][q]);
	return rc;
}

static const char *kind_name(onnx_out_kind_t k)
{
	return k == ONNX_OUT_Y ? "Y" : k == ONNX_OUT_Y_H ? "Y_h" : "Y_c";
}

int onnx_check_outputs(const onnx_model_t *m, const char *data_dir, const char *dump_dir, const hw_cfg_t *hw,
		       onnx_check_result_t *res, sim_err_t *err)
{
	memset(res, 0, sizeof *res);
	res->tol_min = INFINITY;
	double u;
	if (hw->precision.mul == PREC_FP16)
		u = 0x1p-11;
	else if (hw->precision.mul == PREC_BF16)
		u = 0x1p-8;
	else if (hw->precision.mul == PREC_FP32)
		u = E32;
	else
		return sim_err(err, SIM_EINPUT,
			       "check: precision.mul is not fp16, bf16 or fp32, expected one of those "
			       "(the tolerance is derived for floating-point data formats)");
	if (hw->activation.mode != ACT_EXACT)
		return sim_err(err, SIM_EINPUT,
			       "check: activation.mode is pwl, expected exact (the tolerance does not "
			       "include the piecewise-linear error)");
	bounds_t bd = { 0 };
	int rc = all_bounds(m, u, hw->precision.mul == PREC_FP16 ? 0 : E32, &bd, err);
	size_t T = onnx_model_weights(m, 0)->T;
	for (size_t k = 0; !rc && k < onnx_model_outputs(m); k++) {
		size_t l;
		onnx_out_kind_t kind;
		const char *name = onnx_model_output(m, k, &l, &kind);
		const weights_t *w = onnx_model_weights(m, l);
		char p[1200], what[300];
		snprintf(p, sizeof p, "%s/output_%zu.pb", data_dir, k);
		snprintf(what, sizeof what, "output '%.200s'", name);
		onnx_pb_t *pb = onnx_pb_read(p, &onnx__tensor_proto__descriptor, err);
		if (!pb) {
			rc = err->code;
			break;
		}
		onnx_tensor_t want;
		rc = onnx_pb_tensor((const Onnx__TensorProto *)onnx_pb_msg(pb), p, what, &want, err);
		onnx_pb_free(pb);
		if (rc)
			break;
		snprintf(p, sizeof p, "%s/layer%zu_%s.npy", dump_dir, l, kind == ONNX_OUT_Y_C ? "c" : "h");
		npy_array_t got;
		rc = npy_read(p, &got, err);
		if (rc) {
			onnx_tensor_free(&want);
			break;
		}
		size_t H = w->H, B = w->B, bh = B * H, nd = onnx_model_weights_backward(m, l) ? 2 : 1;
		size_t n = kind == ONNX_OUT_Y ? T * nd * bh : nd * bh;
		if (want.count != n || got.count != T * nd * bh) {
			char d[ONNX_PB_MAX_DIMS * 24];
			rc = sim_err(err, SIM_EINPUT, "%s/output_%zu.pb: %s (%s) has shape %s, expected %zu values",
				     data_dir, k, what, kind_name(kind),
				     onnx_dims_str(want.ndim, want.dims, d, sizeof d), n);
		}
		/* Element i of an output is (t, d, b, j): Y is (T, nd, B, H),
		 * merged (T, B, nd*H), batch-major (B, T, nd, H) = (B, T, nd*H)
		 * (squeezed when nd = 1); Y_h, Y_c are (nd, B, H), batch-major
		 * (B, nd, H), direction d's last step. The dump is (t, d, b, j),
		 * indexed by time; a bidirectional layer's backward direction and
		 * a reverse layer end at t = 0 (with lengths too: the backward
		 * pass's last step for every sequence), a forward direction with
		 * lengths at each sequence's own last step, len[b] - 1. Y past a
		 * sequence's length is 0 in ONNX and in the dump, compared
		 * exactly (its bound is 0). */
		bool bm = onnx_model_batch_major(m, l), cat = onnx_model_output_concat(m, k);
		bool rev = onnx_model_reverse(m, l);
		for (size_t i = 0; !rc && i < n; i++) {
			size_t j = i % H, s, d, b;
			if (kind != ONNX_OUT_Y) {
				d = bm ? i / H % nd : i / bh;
				b = bm ? i / (nd * H) : i / H % B;
				s = d || rev ? 0 : w->len ? w->len[b] - 1 : T - 1;
			} else if (bm) {
				d = i / H % nd, s = i / (nd * H) % T, b = i / (T * nd * H);
			} else if (cat) {
				d = i / H % nd, b = i / (nd * H) % B, s = i / (nd * bh);
			} else {
				b = i / H % B, d = i / bh % nd, s = i / (nd * bh);
			}
			size_t at = ((s * nd + d) * B + b) * H + j;
			double tol = (kind == ONNX_OUT_Y_C ? bd.ec : bd.eh)[l][at];
			double g = got.data[at], e = fabs(g - want.data[i]);
			/* an exact value passes even where the bound is 0 (relu of a
			 * surely negative pre-activation) */
			double ratio = e == 0 ? 0 : e / tol;
			res->values++;
			res->tol_min = fmin(res->tol_min, tol);
			res->tol_max = fmax(res->tol_max, tol);
			res->max_err = fmax(res->max_err, e);
			if (!(ratio <= res->max_ratio)) {
				res->max_ratio = isnan(ratio) ? INFINITY : ratio;
				snprintf(res->worst, sizeof res->worst,
					 "%s (%s of layer %zu) element %zu: got %.9g, "
					 "expected %.9g, |diff| %.3g, tolerance %.3g",
					 what, kind_name(kind), l + 1, i, g, want.data[i], e, tol);
			}
		}
		npy_free(&got);
		onnx_tensor_free(&want);
	}
	bounds_free(&bd);
	res->pass = !rc && res->max_ratio <= 1.0;
	return rc;
}

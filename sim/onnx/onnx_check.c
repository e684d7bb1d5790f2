#include "onnx_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../func/npy.h"
#include "onnx_pb.h"

#define E32 0x1p-24 /* fp32 unit roundoff: sums, biases, c */

/* Magnitudes of one gate's rows (rows g*H .. g*H+H-1). */
typedef struct gate_mag {
	double su; /* max_r sum_j |U_rj| */
	double sw; /* max_r sum_j |W_rj| */
	double b;  /* max_r |b_r| */
} gate_mag_t;

static double max_abs(const double *v, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		m = fmax(m, fabs(v[i]));
	return m;
}

static gate_mag_t gate_mag(const weights_t *w, uint32_t g)
{
	gate_mag_t m = { 0 };
	for (uint32_t j = 0; j < w->H; j++) {
		size_t r = (size_t)g * w->H + j;
		double su = 0, sw = 0;
		for (uint32_t k = 0; k < w->H; k++)
			su += fabs(w->U[r * w->H + k]);
		for (uint32_t k = 0; k < w->I; k++)
			sw += fabs(w->W[r * w->I + k]);
		m.su = fmax(m.su, su);
		m.sw = fmax(m.sw, sw);
		m.b = fmax(m.b, fabs(w->b[r]));
	}
	return m;
}

/* max over rows of gate g and sequences of sum_j |W_rj| |x_tbj|. */
static double gate_sx(const weights_t *w, uint32_t g, uint32_t t)
{
	double m = 0;
	for (uint32_t b = 0; b < w->B; b++) {
		const double *x = w->x + ((size_t)t * w->B + b) * w->I;
		for (uint32_t j = 0; j < w->H; j++) {
			const double *row = w->W + ((size_t)g * w->H + j) * w->I;
			double s = 0;
			for (uint32_t k = 0; k < w->I; k++)
				s += fabs(row[k] * x[k]);
			m = fmax(m, s);
		}
	}
	return m;
}

/* Per-step bounds eh[t], ec[t] on the error of h_t and c_t of one layer
 * whose datapath rounds to a format of unit roundoff u. Layer 0 reads
 * w->x (rounded to D); a later layer reads the previous layer's h, of
 * magnitude at most xm and error at most ex[t] (ex NULL for layer 0).
 * *hm gets the bound on |h| the next layer's xm is. */
static void layer_bound(const weights_t *w, double u, const double *ex, double xm, double *eh, double *ec,
			double *hm)
{
	gate_mag_t g[4];
	for (uint32_t k = 0; k < w->G; k++)
		g[k] = gate_mag(w, k);
	size_t bh = (size_t)w->B * w->H;
	/* |h| <= 1 after a step (o * tanh, a convex mix of tanh and h, tanh);
	 * an initial state may be larger. */
	double Hm = fmax(1.0, max_abs(w->h0, bh));
	double Cm = max_abs(w->c0, bh);
	double Bhn = w->b_hn ? max_abs(w->b_hn, w->H) : 0;
	double gam = (double)(w->I + w->H + 3) * E32;
	double e_h = u * Hm, e_c = E32 * Cm;
	*hm = Hm;
	for (uint32_t t = 0; t < w->T; t++) {
		double e_x = ex ? ex[t] : 0;
		double E[4];
		/* The pre-activation of gate k: x and W rounded (2u), U rounded (u),
		 * the fp32 tree, accumulator and bias adds (gam of the magnitudes),
		 * plus the inherited errors of x and h through |W| and |U|. */
		for (uint32_t k = 0; k < w->G; k++) {
			double sx = ex ? xm * g[k].sw : gate_sx(w, k, t);
			double uh = g[k].su * Hm;
			E[k] = (2 * u + u * u + gam) * sx + (1 + u) * g[k].sw * e_x + (u + gam) * uh +
			       (1 + u) * g[k].su * e_h + gam * g[k].b;
		}
		double sig = 0.25, nh;
		if (w->cell == CELL_LSTM) {
			double ei = sig * E[0] + u, ef = sig * E[1] + u, eg = E[2] + u, eo = sig * E[3] + u;
			double rc = e_c + u * (Cm + e_c); /* rnd_D(c) */
			double ecn = ef * (Cm + rc) + rc + ei * (1 + eg) + eg + E32 * (Cm + 1 + ef + ei + rc + eg);
			Cm += 1;
			double eth = ecn + u;
			nh = eo * (1 + eth) + eth + u;
			e_c = ecn;
		} else if (w->cell == CELL_GRU) {
			double er = sig * E[0] + u, ez = sig * E[1] + u, en;
			double sx = ex ? xm * g[2].sw : gate_sx(w, 2, t);
			if (w->gru_form == GRU_LBR) {
				double am = g[2].su * Hm + Bhn;
				double ea = (u + gam) * g[2].su * Hm + (1 + u) * g[2].su * e_h + gam * am;
				double ra = ea + u * (am + ea);
				double ep = er * (am + ra) + ra;
				double en_pre = (2 * u + u * u + gam) * sx + (1 + u) * g[2].sw * e_x + gam * g[2].b + ep +
						E32 * (sx + g[2].b + am);
				en = en_pre + u;
			} else {
				double erh = er * (Hm + e_h) + e_h + u * Hm;
				double en_pre = (2 * u + u * u + gam) * sx + (1 + u) * g[2].sw * e_x +
						(u + gam) * g[2].su * Hm + (1 + u) * g[2].su * erh + gam * g[2].b;
				en = en_pre + u;
			}
			double eomz = ez + E32 + u;
			nh = eomz * (1 + en) + en + ez * (Hm + e_h) + e_h + E32 * (1 + Hm) + u * Hm;
		} else {
			nh = E[0] + u;
		}
		e_h = nh;
		eh[t] = e_h;
		ec[t] = e_c;
	}
}

typedef struct bounds {
	double *eh, *ec; /* (layers, T) */
} bounds_t;

static int all_bounds(const onnx_model_t *m, double u, bounds_t *b, sim_err_t *err)
{
	size_t L = onnx_model_layers(m), T = onnx_model_weights(m, 0)->T;
	b->eh = calloc(L * T, sizeof *b->eh);
	b->ec = calloc(L * T, sizeof *b->ec);
	double *h2 = calloc(T, sizeof *h2), *c2 = calloc(T, sizeof *c2);
	if (!b->eh || !b->ec || !h2 || !c2) {
		free(h2);
		free(c2);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	double hm = 0, hm2 = 0;
	for (size_t l = 0; l < L; l++) {
		const weights_t *w = onnx_model_weights(m, l);
		/* The datapath's bound, plus the float32 reference's own bound
		 * (its inherited x error is the float32 one of the layer below). */
		const double *ex = l ? b->eh + (l - 1) * T : NULL;
		double prev_hm = hm;
		layer_bound(w, u, ex, prev_hm, b->eh + l * T, b->ec + l * T, &hm);
		layer_bound(w, E32, l ? h2 : NULL, prev_hm, h2, c2, &hm2);
		for (size_t t = 0; t < T; t++) {
			b->eh[l * T + t] += h2[t];
			b->ec[l * T + t] += c2[t];
		}
	}
	free(h2);
	free(c2);
	return SIM_OK;
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
	else
		return sim_err(err, SIM_EINPUT, "check: precision.mul is not fp16 or bf16, expected one of those (the "
			       "tolerance is derived for floating-point data formats)");
	if (hw->activation.mode != ACT_EXACT)
		return sim_err(err, SIM_EINPUT, "check: activation.mode is pwl, expected exact (the tolerance does not "
			       "include the piecewise-linear error)");
	bounds_t bd = { 0 };
	int rc = all_bounds(m, u, &bd, err);
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
		size_t bh = (size_t)w->B * w->H, first = kind == ONNX_OUT_Y ? 0 : (T - 1) * bh;
		size_t n = kind == ONNX_OUT_Y ? T * bh : bh;
		if (want.count != n || got.count != T * bh) {
			char d[ONNX_PB_MAX_DIMS * 24];
			rc = sim_err(err, SIM_EINPUT, "%s/output_%zu.pb: %s (%s) has shape %s, expected %zu values", data_dir,
				     k, what, kind_name(kind), onnx_dims_str(want.ndim, want.dims, d, sizeof d), n);
		}
		/* Y is (T, 1, B, H) or squeezed (T, B, H), Y_h and Y_c (1, B, H):
		 * flat, they are the dump's (T, B, H) order or its last step. */
		for (size_t i = 0; !rc && i < n; i++) {
			size_t t = kind == ONNX_OUT_Y ? i / bh : T - 1;
			double tol = (kind == ONNX_OUT_Y_C ? bd.ec : bd.eh)[l * T + t];
			double g = got.data[first + i], e = fabs(g - want.data[i]);
			double ratio = e / tol;
			res->values++;
			res->tol_min = fmin(res->tol_min, tol);
			res->tol_max = fmax(res->tol_max, tol);
			res->max_err = fmax(res->max_err, e);
			if (!(ratio <= res->max_ratio)) {
				res->max_ratio = isnan(ratio) ? INFINITY : ratio;
				snprintf(res->worst, sizeof res->worst, "%s (%s of layer %zu) element %zu: got %.9g, "
					 "expected %.9g, |diff| %.3g, tolerance %.3g", what, kind_name(kind), l + 1, i, g,
					 want.data[i], e, tol);
			}
		}
		npy_free(&got);
		onnx_tensor_free(&want);
	}
	free(bd.eh);
	free(bd.ec);
	res->pass = !rc && res->max_ratio <= 1.0;
	return rc;
}

#include "apx_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../func/npy.h"
#include "../func/ref.h"
#include "../func/weights.h"
#include "apx_lstm.h"
#include "apx_qor.h"
#include "apx_svd.h"

/* fc layers a classifier after a progressive layer may have. */
#define APX_EVAL_MAX_HEAD 8

/* A directory named in the workload, relative to the workload file. */
static void eval_path(const workload_t *wl, const char *name, char *path, size_t len)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", wl->path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if (name[0] == '/')
		snprintf(path, len, "%s", name);
	else
		snprintf(path, len, "%s/%s", dir, name);
}

/* Layer l's weights as a functional run draws or reads them (fpipe.c:
 * seed + l * 0x9E3779B97F4A7C15; a directory relative to the workload). */
weights_t *apx_eval_weights(const workload_t *wl, size_t l, uint64_t seed, sim_err_t *err)
{
	const layer_cfg_t *lc = &wl->layers[l];
	if (!lc->weights[0])
		return weights_random(lc, seed + l * UINT64_C(0x9E3779B97F4A7C15), err);
	char path[1600];
	eval_path(wl, lc->weights, path, sizeof path);
	return weights_load(lc, path, err);
}

/* The layer's factors from approx_factors, one set per gate (decompose's
 * prefixes i, f, g, o); a disagreement is the layer's file:line:col. */
static int eval_load_factors(const workload_t *wl, size_t l, apx_factors_t **f, sim_err_t *err)
{
	static const char *const gate[4] = { "i", "f", "g", "o" };
	const layer_cfg_t *lc = &wl->layers[l];
	size_t C = (size_t)(lc->skip_input ? 0 : lc->input_size) + lc->hidden_size;
	char path[1600];
	eval_path(wl, lc->approx_factors, path, sizeof path);
	sim_err_t why = { 0 };
	for (unsigned g = 0; g < 4; g++) {
		int rc = apx_factors_load(path, gate[g], lc->hidden_size, C, lc->approx_steps, lc->approx_nz, &f[g],
					  &why);
		if (rc)
			return sim_err_at(err, rc, wl->path, lc->line, lc->col, "layer %zu: approx_factors: %s", l + 1,
					  why.msg);
	}
	return SIM_OK;
}

int apx_eval_check_factors(const workload_t *wl, sim_err_t *err)
{
	for (size_t l = 0; l < wl->n_layers; l++) {
		if (wl->layers[l].approx == APPROX_NONE || !wl->layers[l].approx_factors[0])
			continue;
		apx_factors_t *f[4] = { NULL };
		int rc = eval_load_factors(wl, l, f, err);
		for (unsigned g = 0; g < 4; g++)
			apx_factors_destroy(f[g]);
		if (rc)
			return rc;
	}
	return SIM_OK;
}

int apx_eval_check_head(const workload_t *wl, sim_err_t *err)
{
	const layer_cfg_t *l0 = &wl->layers[0];
	if (wl->n_layers == 1)
		return 0;
	for (size_t i = 1; i < wl->n_layers; i++) {
		const layer_cfg_t *l = &wl->layers[i];
		unsigned f = cell_get(l->cell)->flags;
		bool last = i + 1 == wl->n_layers;
		const char *why = NULL;
		if (f & (CELL_F_RECURRENT | CELL_F_STATE))
			why = "a recurrent layer after it would need its h sequence from the datapath";
		else if (last && !(f & CELL_F_SOFTMAX))
			why = "the layers after it do not end in a softmax";
		else if (l->timesteps != l0->timesteps || l->batch_size != l0->batch_size)
			why = "the classifier reads the progressive layer's every step and sequence";
		if (why) {
			sim_err_at(err, SIM_EINPUT, wl->path, l->line, l->col,
				   "--functional evaluates a progressive layer (approx: svd_prune) and a "
				   "classifier after it in double: %s, expected fc layers over timesteps %u and "
				   "batch_size %u ending in a softmax (or the progressive layer alone)",
				   why, l0->timesteps, l0->batch_size);
			return -1;
		}
	}
	return 1;
}

/* The classifier after layer 0 (fc layers, then the softmax) on the last
 * step's h (B x H0): the final fc's logits into out (B x K), through tmp
 * (room for B times the widest layer). Returns SIM_OK or the weights'
 * error. */
static int eval_head(weights_t *const *hw, size_t n, const double *h, size_t B, size_t H, size_t widest, double *tmp,
		     double *out)
{
	const double *in = h;
	size_t width = H;
	for (size_t i = 0; i < n; i++) {
		double *dst = i + 1 == n ? out : tmp + (i % 2) * B * widest;
		apx_lstm_head(hw[i]->W, hw[i]->b, hw[i]->H, width, in, B, dst);
		in = dst;
		width = hw[i]->H;
	}
	if (!n)
		memcpy(out, h, B * H * sizeof *out);
	return SIM_OK;
}

int apx_eval_layer(const workload_t *wl, size_t l, uint64_t seed, double *rel, double *cos, double *kl, double *agree,
		   const char *dump_dir, sim_err_t *err)
{
	const layer_cfg_t *lc = &wl->layers[l];
	apx_factors_t *f[4] = { NULL };
	double *mat = NULL, *href = NULL, *hk = NULL, *tmp = NULL, *lref = NULL, *lk = NULL;
	weights_t *hw[APX_EVAL_MAX_HEAD] = { NULL };
	int rc = SIM_OK;
	if (kl && wl->n_layers - l - 2 > APX_EVAL_MAX_HEAD)
		return sim_err(err, SIM_EINPUT, "a classifier of %zu fc layers, expected at most %d",
			       wl->n_layers - l - 2, APX_EVAL_MAX_HEAD);
	weights_t *w = apx_eval_weights(wl, l, seed, err);
	if (!w)
		return err->code == SIM_EIO ? (err->code = SIM_EINPUT) : err->code;
	size_t R = w->H, C = (size_t)w->I + w->H, H = w->H, B = w->B, T = w->T;
	mat = malloc(R * C * sizeof *mat);
	href = malloc(T * B * H * sizeof *href);
	hk = malloc(T * B * H * sizeof *hk);
	if (!mat || !href || !hk) {
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
		goto out;
	}
	if (lc->approx_factors[0])
		rc = eval_load_factors(wl, l, f, err);
	for (unsigned g = 0; g < w->G && !rc && !lc->approx_factors[0]; g++) {
		apx_lstm_gate_matrix(w, g, mat);
		rc = apx_svd_decompose(mat, R, C, lc->approx_steps, lc->approx_nz, &f[g], err);
	}
	if (!rc)
		rc = ref_run(w, href, NULL, err);
	/* the classifier: the fc layers between layer l and the softmax */
	size_t nh = kl ? wl->n_layers - l - 2 : 0, K = H, widest = H;
	for (size_t i = 0; !rc && i < nh; i++) {
		if (!(hw[i] = apx_eval_weights(wl, l + 1 + i, seed, err)))
			rc = err->code == SIM_EIO ? (err->code = SIM_EINPUT) : err->code;
		else
			K = hw[i]->H, widest = K > widest ? K : widest;
	}
	if (!rc && kl &&
	    (!(tmp = malloc(2 * B * widest * sizeof *tmp)) || !(lref = malloc(B * K * sizeof *lref)) ||
	     !(lk = malloc(B * K * sizeof *lk))))
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	const double *hlast = href + (T - 1) * B * H, *hl = hk + (T - 1) * B * H;
	if (!rc && kl)
		rc = eval_head(hw, nh, hlast, B, H, widest, tmp, lref);
	/* The partial outputs themselves: h of every step after k refinements,
	 * k = 1..N, written as each k is evaluated, beside the exact layer's. */
	npy_writer_t *dump = NULL;
	if (!rc && dump_dir) {
		char path[4096];
		size_t shape[4] = { lc->approx_steps, T, B, H };
		snprintf(path, sizeof path, "%s/layer%zu_h_exact.npy", dump_dir, l + 1);
		rc = npy_write(path, NPY_F8, 3, shape + 1, href, err);
		snprintf(path, sizeof path, "%s/layer%zu_h_refined.npy", dump_dir, l + 1);
		if (!rc && !(dump = npy_writer_open(path, NPY_F8, 4, shape, err)))
			rc = err->code;
	}
	for (unsigned k = 1; !rc && k <= lc->approx_steps; k++) {
		if ((rc = apx_lstm_run(w, f, k, hk, NULL, err)) ||
		    (dump && (rc = npy_writer_put(dump, hk, T * B * H, err))))
			break;
		rel[k - 1] = apx_qor_rel_error(hl, hlast, B * H);
		cos[k - 1] = apx_qor_cosine(hl, hlast, B * H);
		if (kl && !(rc = eval_head(hw, nh, hl, B, H, widest, tmp, lk))) {
			kl[k - 1] = apx_qor_mean_kl(lref, lk, B, K);
			agree[k - 1] = apx_qor_argmax_agreement(lref, lk, B, K);
		}
	}
	if (dump && rc)
		npy_writer_abort(dump);
	else if (dump)
		rc = npy_writer_commit(dump, err);
out:
	for (size_t i = 0; i < sizeof hw / sizeof hw[0]; i++)
		weights_destroy(hw[i]);
	free(tmp);
	free(lref);
	free(lk);
	for (unsigned g = 0; g < 4; g++)
		apx_factors_destroy(f[g]);
	free(mat);
	free(href);
	free(hk);
	weights_destroy(w);
	return rc;
}

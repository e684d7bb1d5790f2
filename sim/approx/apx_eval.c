#include "apx_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../func/ref.h"
#include "../func/weights.h"
#include "apx_lstm.h"
#include "apx_qor.h"
#include "apx_svd.h"

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

int apx_eval_layer(const workload_t *wl, size_t l, uint64_t seed, double *rel, double *cos, sim_err_t *err)
{
	const layer_cfg_t *lc = &wl->layers[l];
	apx_factors_t *f[4] = { NULL };
	double *mat = NULL, *href = NULL, *hk = NULL;
	int rc = SIM_OK;
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
	const double *hlast = href + (T - 1) * B * H, *hl = hk + (T - 1) * B * H;
	for (unsigned k = 1; !rc && k <= lc->approx_steps; k++) {
		if ((rc = apx_lstm_run(w, f, k, hk, NULL, err)))
			break;
		rel[k - 1] = apx_qor_rel_error(hl, hlast, B * H);
		cos[k - 1] = apx_qor_cosine(hl, hlast, B * H);
	}
out:
	for (unsigned g = 0; g < 4; g++)
		apx_factors_destroy(f[g]);
	free(mat);
	free(href);
	free(hk);
	weights_destroy(w);
	return rc;
}

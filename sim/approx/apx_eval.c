#include "apx_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../func/ref.h"
#include "../func/weights.h"
#include "apx_lstm.h"
#include "apx_qor.h"
#include "apx_svd.h"

/* Layer l's weights as a functional run draws or reads them (fpipe.c:
 * seed + l * 0x9E3779B97F4A7C15; a directory relative to the workload). */
static weights_t *eval_weights(const workload_t *wl, size_t l, uint64_t seed, sim_err_t *err)
{
	const layer_cfg_t *lc = &wl->layers[l];
	if (!lc->weights[0])
		return weights_random(lc, seed + l * UINT64_C(0x9E3779B97F4A7C15), err);
	char dir[1024], path[1600];
	snprintf(dir, sizeof dir, "%s", wl->path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if (lc->weights[0] == '/')
		snprintf(path, sizeof path, "%s", lc->weights);
	else
		snprintf(path, sizeof path, "%s/%s", dir, lc->weights);
	return weights_load(lc, path, err);
}

int apx_eval_layer(const workload_t *wl, size_t l, uint64_t seed, double *rel, double *cos, sim_err_t *err)
{
	const layer_cfg_t *lc = &wl->layers[l];
	apx_factors_t *f[4] = { NULL };
	double *mat = NULL, *href = NULL, *hk = NULL;
	int rc = SIM_OK;
	weights_t *w = eval_weights(wl, l, seed, err);
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
	for (unsigned g = 0; g < w->G && !rc; g++) {
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

#include "apx_anytime.h"

#include <stdlib.h>

#include "../func/ref.h"
#include "apx_eval.h"
#include "apx_qor.h"

/* Unit j is final at done[j], the latest left_at of the blocks covering
 * it; read[] is h_t with every unit not final by `when` taken from prev. */
static void anytime_read(uint32_t H, uint32_t B, const double *ht, const double *prev, uint64_t when,
			 const uint64_t *done, double *read)
{
	for (uint32_t b = 0; b < B; b++)
		for (uint32_t j = 0; j < H; j++)
			read[(size_t)b * H + j] = done[j] <= when ? ht[(size_t)b * H + j] : prev[(size_t)b * H + j];
}

int apx_anytime_eval(const workload_t *wl, size_t l, uint64_t seed, run_anytime_t *at, sim_err_t *err)
{
	weights_t *w = apx_eval_weights(wl, l, seed, err);
	if (!w)
		return err->code == SIM_EIO ? (err->code = SIM_EINPUT) : err->code;
	size_t H = w->H, B = w->B, T = w->T, nb = at->nblock;
	double *href = malloc(T * B * H * sizeof *href), *zero = calloc(B * H, sizeof *zero),
	       *read = malloc(B * H * sizeof *read);
	uint64_t *done = malloc(H * sizeof *done);
	at->rel_error = malloc(T * nb * sizeof *at->rel_error);
	at->cosine = malloc(T * nb * sizeof *at->cosine);
	int rc = SIM_OK;
	if (!href || !zero || !read || !done || !at->rel_error || !at->cosine)
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	if (!rc)
		rc = ref_run(w, href, NULL, err);
	for (size_t t = 0; !rc && t < T; t++) {
		const uint64_t *left = at->left_at + t * nb;
		for (size_t j = 0; j < H; j++)
			done[j] = 0;
		for (size_t b = 0; b < nb; b++)
			for (uint32_t j = at->j0[b]; j < at->j0[b] + at->rows[b] && j < H; j++)
				done[j] = left[b] > done[j] ? left[b] : done[j];
		const double *ht = href + t * B * H;
		const double *prev = t ? href + (t - 1) * B * H : w->h0 ? w->h0 : zero;
		for (size_t b = 0; b < nb; b++) {
			anytime_read((uint32_t)H, (uint32_t)B, ht, prev, left[b], done, read);
			at->rel_error[t * nb + b] = apx_qor_rel_error(read, ht, B * H);
			at->cosine[t * nb + b] = apx_qor_cosine(read, ht, B * H);
		}
	}
	free(href);
	free(zero);
	free(read);
	free(done);
	weights_destroy(w);
	return rc;
}

#include "weights.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cell/cell.h"
#include "rng.h"

_Static_assert(LACT_SOFTPLUS - 1 == ACT_SOFTPLUS && LACT_SIGMOID - 1 == ACT_SIGMOID,
	       "layer_act_t is act_fn_t shifted by its auto");

/* The array table: name, pointer slot, shape, whether it exists / must
 * be given for this layer. */
#define WEIGHTS_SLOTS 9
typedef struct slot {
	const char *name;
	double **ptr;
	unsigned ndim;
	size_t shape[3];
	bool present;  /* part of this layer at all */
	bool required; /* must be in a weights directory */
} slot_t;

static size_t slot_table(weights_t *w, slot_t *s)
{
	const cell_desc_t *d = cell_get(w->cell);
	/* b_hn is the bias inside r*(U_n h + b_hn): it exists where a gate's
	 * W.x stays apart from its U.h (GRU linear_before_reset). */
	bool lbr = cell_variant(d, w->gru_form)->x_apart >= 0, peep = d->flags & CELL_F_PEEPHOLE;
	/* An fc layer has no U and no initial state: W (H, I) and b only; a
	 * qrnn layer no U and no h0, but c0. */
	bool rec = d->flags & CELL_F_RECURRENT, state = d->flags & CELL_F_STATE;
	/* A softmax has no parameters: its one input is x (the logits). */
	bool param = !(d->flags & CELL_F_SOFTMAX);
	size_t gh = (size_t)w->G * w->H;
	bool proj = w->HP != w->H;
	slot_t t[] = {
		{ "W", &w->W, 2, { gh, w->I, 0 }, param && w->I > 0, param && w->I > 0 },
		{ "U", &w->U, 2, { gh, w->HP, 0 }, rec, rec },
		{ "b", &w->b, 1, { gh, 0, 0 }, param, param },
		{ "b_hn", &w->b_hn, 1, { w->H, 0, 0 }, lbr, lbr },
		{ "P", &w->P, 2, { 3, w->H, 0 }, peep, peep },
		{ "W_proj", &w->Wp, 2, { w->HP, w->H, 0 }, proj, proj },
		{ "x", &w->x, 3, { w->T, w->B, w->I }, w->I > 0 && !w->backward, w->I > 0 && !w->backward },
		{ "h0", &w->h0, 2, { w->B, w->HP, 0 }, rec, false },
		{ "c0", &w->c0, 2, { w->B, w->H, 0 }, state, false },
	};
	_Static_assert(sizeof t / sizeof t[0] == WEIGHTS_SLOTS, "one slot per array");
	memcpy(s, t, sizeof t);
	return sizeof t / sizeof t[0];
}

static size_t slot_count(const slot_t *s)
{
	size_t n = 1;
	for (unsigned i = 0; i < s->ndim; i++)
		n *= s->shape[i];
	return n;
}

void weights_destroy(weights_t *w)
{
	if (!w)
		return;
	slot_t s[WEIGHTS_SLOTS];
	size_t n = slot_table(w, s);
	for (size_t i = 0; i < n; i++)
		free(*s[i].ptr);
	free(w->len);
	free(w);
}

/* Allocates the struct and zeroed arrays for every present slot (but W and
 * U when `streamed`, x when `defer_x`: weights_random_rows). */
static weights_t *alloc_layer(const layer_cfg_t *l, bool backward, bool streamed, bool defer_x, sim_err_t *err)
{
	weights_t *w = calloc(1, sizeof *w);
	if (!w) {
		sim_err(err, SIM_ENOMEM, "out of memory for the layer's weights");
		return NULL;
	}
	w->backward = backward;
	for (unsigned r = 0; r < LAYER_ROLES; r++) {
		/* auto: the cell's own f (cell.h), g and h tanh */
		act_fn_t fn = (act_fn_t)(workload_role_act(l, r) - 1);
		w->act[r] = act_default(fn);
		if (act_takes_alpha(fn) && l->act_alpha[r] != 0)
			w->act[r].alpha = l->act_alpha[r];
		if (act_takes_beta(fn) && l->act_beta[r] != 0)
			w->act[r].beta = l->act_beta[r];
	}
	w->cell = l->cell;
	w->gru_form = l->gru_form;
	w->G = workload_gates(l->cell);
	w->I = l->skip_input ? 0 : l->input_size;
	w->H = l->hidden_size;
	w->HP = workload_layer_h(l);
	w->T = l->timesteps;
	w->B = l->batch_size;
	if (l->sequence_lens.n) {
		if (!(w->len = malloc(sizeof *w->len * w->B))) {
			weights_destroy(w);
			sim_err(err, SIM_ENOMEM, "out of memory for the layer's weights");
			return NULL;
		}
		memcpy(w->len, l->sequence_lens.len, sizeof *w->len * w->B);
	}
	slot_t s[WEIGHTS_SLOTS];
	size_t n = slot_table(w, s);
	for (size_t i = 0; i < n; i++) {
		if (!s[i].present || (streamed && (s[i].ptr == &w->W || s[i].ptr == &w->U)) ||
		    (defer_x && s[i].ptr == &w->x))
			continue;
		size_t c = slot_count(&s[i]);
		*s[i].ptr = calloc(c ? c : 1, sizeof(double));
		if (!*s[i].ptr) {
			weights_destroy(w);
			sim_err(err, SIM_ENOMEM, "out of memory for the layer's weights");
			return NULL;
		}
	}
	return w;
}

weights_t *weights_random(const layer_cfg_t *l, uint64_t seed, sim_err_t *err)
{
	return weights_random_dir(l, seed, false, err);
}

weights_t *weights_random_dir(const layer_cfg_t *l, uint64_t seed, bool backward, sim_err_t *err)
{
	return weights_random_rows(l, seed, backward, NULL, NULL, false, err);
}

/* A rows x n matrix's draws (uniform in [-k, k)) handed to row() a row at
 * a time, v holding RNG_LANES rows. A large matrix is drawn in lanes
 * (rng.h): lane l draws rows l * q, l * q + 1, ... (q = rows / RNG_LANES),
 * so each call forms one row of every lane and hands them on in lane
 * order; the rows left over, and a small matrix's, follow one by one from
 * where the last lane ends. Either way row j holds the stream's values
 * j * n .. j * n + n - 1 and r ends after the matrix. */
static void random_rows(rng_t *r, double k, size_t rows, size_t n, double *v, weights_row_fn row, void *ctx, bool u)
{
	size_t q = rows / RNG_LANES, j = 0;
	if (q && rows * n >= RNG_LANES_MIN) {
		rng_lanes_t ln;
		rng_lanes_split(r, (uint64_t)q * n, &ln);
		for (size_t i = 0; i < q; i++) {
			rng_lanes_fill_uniform(&ln, -k, k, v, n);
			for (unsigned l = 0; l < RNG_LANES; l++)
				row(ctx, u, l * q + i, v + l * n, n);
		}
		rng_lanes_get(&ln, RNG_LANES - 1, r);
		j = RNG_LANES * q;
	}
	for (; j < rows; j++) {
		rng_fill_uniform(r, -k, k, v, n);
		row(ctx, u, j, v, n);
	}
}

weights_t *weights_random_rows(const layer_cfg_t *l, uint64_t seed, bool backward, weights_row_fn row, void *ctx,
			       bool defer_x, sim_err_t *err)
{
	weights_t *w = alloc_layer(l, backward, row != NULL, defer_x, err);
	if (!w)
		return NULL;
	rng_t *r = rng_create(seed);
	double *v = NULL; /* RNG_LANES rows of W or U, when they are streamed */
	if (row && !(v = malloc(RNG_LANES * (size_t)(w->I > w->HP ? w->I : w->HP) * sizeof *v + 1))) {
		rng_destroy(r);
		r = NULL;
	}
	if (!r) {
		weights_destroy(w);
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	double k = 1.0 / sqrt((double)w->H);
	slot_t s[WEIGHTS_SLOTS];
	size_t n = slot_table(w, s);
	for (size_t i = 0; i < n; i++) {
		bool param = strcmp(s[i].name, "x") != 0;
		bool state = strcmp(s[i].name, "h0") == 0 || strcmp(s[i].name, "c0") == 0;
		if (!s[i].present || state)
			continue;
		if (defer_x && s[i].ptr == &w->x) {
			w->x_deferred = true;
			rng_save(r, &w->x_gen); /* x is drawn last (weights.h): no later draw moves */
			continue;
		}
		if (row && (s[i].ptr == &w->W || s[i].ptr == &w->U)) {
			/* the same draws as the whole array's, row by row */
			random_rows(r, k, s[i].shape[0], s[i].shape[1], v, row, ctx, s[i].ptr == &w->U);
			continue;
		}
		if (param)
			rng_fill_uniform(r, -k, k, *s[i].ptr, slot_count(&s[i]));
		else
			rng_fill_uniform(r, -1.0, 1.0, *s[i].ptr, slot_count(&s[i]));
	}
	rng_destroy(r);
	free(v);
	return w;
}

static void join(char *buf, size_t len, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	snprintf(buf, len, "%s%s%s.npy", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
}

weights_t *weights_load(const layer_cfg_t *l, const char *dir, sim_err_t *err)
{
	return weights_load_dir(l, dir, false, err);
}

weights_t *weights_load_dir(const layer_cfg_t *l, const char *top, bool backward, sim_err_t *err)
{
	weights_t *w = alloc_layer(l, backward, false, false, err);
	if (!w)
		return NULL;
	char dir[1024];
	size_t tl = strlen(top);
	if (backward)
		snprintf(dir, sizeof dir, "%s%s%s", top, tl && top[tl - 1] == '/' ? "" : "/", WEIGHTS_BACKWARD_DIR);
	else
		snprintf(dir, sizeof dir, "%s", top);
	slot_t s[WEIGHTS_SLOTS];
	size_t n = slot_table(w, s);
	for (size_t i = 0; i < n; i++) {
		if (!s[i].present)
			continue;
		char path[1100];
		join(path, sizeof path, dir, s[i].name);
		struct stat st;
		if (!s[i].required && stat(path, &st) != 0 && errno == ENOENT)
			continue; /* optional and absent: keep the zeros */
		npy_array_t a;
		if (npy_read(path, &a, err) != SIM_OK) {
			weights_destroy(w);
			return NULL;
		}
		bool ok = a.ndim == s[i].ndim;
		for (unsigned d = 0; ok && d < a.ndim; d++)
			ok = a.shape[d] == s[i].shape[d];
		if (!ok) {
			char got[128], want[128];
			const char *name = workload_cell_name(w->cell);
			sim_err(err, SIM_EINPUT,
				"%s: shape %s, expected %s for a%s %s layer with hidden %u and input %u", path,
				npy_shape_str(a.ndim, a.shape, got, sizeof got),
				npy_shape_str(s[i].ndim, s[i].shape, want, sizeof want),
				strncmp(name, "lstm", 4) == 0 ? "n" : "", name, w->H, w->I);
			npy_free(&a);
			weights_destroy(w);
			return NULL;
		}
		memcpy(*s[i].ptr, a.data, a.count * sizeof(double));
		npy_free(&a);
	}
	return w;
}

int weights_save(const weights_t *w, const char *dir, npy_dtype_t dtype, sim_err_t *err)
{
	slot_t s[WEIGHTS_SLOTS];
	size_t n = slot_table((weights_t *)w, s);
	for (size_t i = 0; i < n; i++) {
		if (!s[i].present || (strcmp(s[i].name, "c0") == 0 && !(cell_get(w->cell)->flags & CELL_F_STATE)))
			continue;
		char path[1024];
		join(path, sizeof path, dir, s[i].name);
		int rc = npy_write(path, dtype, s[i].ndim, s[i].shape, *s[i].ptr, err);
		if (rc)
			return rc;
	}
	return SIM_OK;
}

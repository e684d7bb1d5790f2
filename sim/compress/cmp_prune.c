/*
 * cmp_prune.c - the pruners of cmp_prune.h. Each builds a list of candidate
 * items (entries or blocks) with a score and a position, sorts it once by
 * (score descending, position ascending) and zeroes everything past the
 * number of survivors, so the tie rule is the sort key and nothing else.
 */
#include "cmp_prune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct item {
	double score;
	size_t pos;
} item_t;

static int by_score(const void *a, const void *b)
{
	const item_t *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* floor(s*n), nudged by 1e-9 so that a decimal sparsity means what it says:
 * 0.29 * 100 is 28.999999999999996 in double and must remove 29, not 28. */
static size_t removed(double s, size_t n)
{
	size_t r = (size_t)floor(s * (double)n + 1e-9);
	return r > n ? n : r;
}

const char *cmp_prune_name(cmp_prune_kind_t k)
{
	switch (k) {
	case CMP_PRUNE_MAGNITUDE:
		return "magnitude";
	case CMP_PRUNE_BLOCK:
		return "block";
	case CMP_PRUNE_ROW:
		return "row";
	case CMP_PRUNE_ESE:
		return "ese";
	}
	return "?";
}

int cmp_prune_parse(const char *s, cmp_prune_kind_t *out)
{
	for (int k = CMP_PRUNE_MAGNITUDE; k <= CMP_PRUNE_ESE; k++)
		if (!strcmp(s, cmp_prune_name((cmp_prune_kind_t)k))) {
			*out = (cmp_prune_kind_t)k;
			return 0;
		}
	return -1;
}

size_t cmp_count_nnz(const double *w, size_t rows, size_t cols)
{
	size_t n = 0;
	for (size_t i = 0; i < rows * cols; i++)
		n += w[i] != 0.0;
	return n;
}

int cmp_prune_check(const cmp_prune_cfg_t *cfg, size_t rows, size_t cols, sim_err_t *err)
{
	if (!(cfg->sparsity >= 0.0 && cfg->sparsity < 1.0))
		return sim_err(err, SIM_EINPUT,
			       "sparsity %g is outside [0, 1), expected a fraction of "
			       "weights to remove such as 0.9",
			       cfg->sparsity);
	if (rows == 0 || cols == 0)
		return sim_err(err, SIM_EINPUT, "empty matrix (%zu x %zu), expected at least one weight", rows, cols);
	if (cfg->kind == CMP_PRUNE_BLOCK && cfg->block == 0)
		return sim_err(err, SIM_EINPUT, "block size 0, expected a block edge of at least 1");
	if (cfg->kind == CMP_PRUNE_ESE && (cfg->units == 0 || cfg->units > rows))
		return sim_err(err, SIM_EINPUT,
			       "%zu processing units for %zu rows, expected 1 to %zu "
			       "(every unit owns at least one row)",
			       cfg->units, rows, rows);
	return SIM_OK;
}

size_t cmp_prune_slots(const cmp_prune_cfg_t *cfg, size_t rows, size_t cols)
{
	double s = cfg->sparsity;
	switch (cfg->kind) {
	case CMP_PRUNE_MAGNITUDE:
		return rows * cols - removed(s, rows * cols);
	case CMP_PRUNE_ROW:
		return rows * (cols - removed(s, cols));
	case CMP_PRUNE_ESE: {
		size_t m = cols * (rows / cfg->units);
		return cfg->units * (m - removed(s, m));
	}
	case CMP_PRUNE_BLOCK: {
		size_t b = cfg->block, br = (rows + b - 1) / b, bc = (cols + b - 1) / b;
		return (br * bc - removed(s, br * bc)) * b * b;
	}
	}
	return 0;
}

/* Keeps the `keep` best of items[0..n), zeroing the rest of w at the
 * positions they name. */
static void keep_best(item_t *items, size_t n, size_t keep, double *w)
{
	qsort(items, n, sizeof *items, by_score);
	for (size_t i = keep; i < n; i++)
		w[items[i].pos] = 0.0;
}

static int prune_blocks(const cmp_prune_cfg_t *cfg, double *w, size_t rows, size_t cols, sim_err_t *err)
{
	size_t b = cfg->block, br = (rows + b - 1) / b, bc = (cols + b - 1) / b, nb = br * bc;
	item_t *it = malloc(nb * sizeof *it);
	if (!it)
		return sim_err(err, SIM_ENOMEM, "out of memory for %zu blocks", nb);
	for (size_t k = 0; k < nb; k++) {
		size_t r0 = k / bc * b, c0 = k % bc * b;
		double s = 0.0;
		for (size_t r = r0; r < rows && r < r0 + b; r++)
			for (size_t c = c0; c < cols && c < c0 + b; c++)
				s += w[r * cols + c] * w[r * cols + c];
		it[k] = (item_t){ s, k };
	}
	qsort(it, nb, sizeof *it, by_score);
	for (size_t i = nb - removed(cfg->sparsity, nb); i < nb; i++) {
		size_t k = it[i].pos, r0 = k / bc * b, c0 = k % bc * b;
		for (size_t r = r0; r < rows && r < r0 + b; r++)
			for (size_t c = c0; c < cols && c < c0 + b; c++)
				w[r * cols + c] = 0.0;
	}
	free(it);
	return SIM_OK;
}

int cmp_prune(const cmp_prune_cfg_t *cfg, double *w, size_t rows, size_t cols, size_t *nnz, sim_err_t *err)
{
	int rc = cmp_prune_check(cfg, rows, cols, err);
	if (rc)
		return rc;
	if (cfg->kind == CMP_PRUNE_BLOCK) {
		rc = prune_blocks(cfg, w, rows, cols, err);
	} else {
		item_t *it = malloc(rows * cols * sizeof *it);
		if (!it)
			return sim_err(err, SIM_ENOMEM, "out of memory for %zu x %zu weights", rows, cols);
		if (cfg->kind == CMP_PRUNE_MAGNITUDE) {
			for (size_t i = 0; i < rows * cols; i++)
				it[i] = (item_t){ fabs(w[i]), i };
			keep_best(it, rows * cols, rows * cols - removed(cfg->sparsity, rows * cols), w);
		} else if (cfg->kind == CMP_PRUNE_ROW) {
			size_t keep = cols - removed(cfg->sparsity, cols);
			for (size_t r = 0; r < rows; r++) {
				for (size_t c = 0; c < cols; c++)
					it[c] = (item_t){ fabs(w[r * cols + c]), r * cols + c };
				keep_best(it, cols, keep, w);
			}
		} else {
			size_t P = cfg->units, m = cols * (rows / P), keep = m - removed(cfg->sparsity, m);
			for (size_t u = 0; u < P; u++) {
				size_t n = 0;
				for (size_t r = u; r < rows; r += P)
					for (size_t c = 0; c < cols; c++, n++)
						it[n] = (item_t){ fabs(w[r * cols + c]), r * cols + c };
				keep_best(it, n, keep, w);
			}
		}
		free(it);
	}
	if (!rc && nnz)
		*nnz = cmp_count_nnz(w, rows, cols);
	return rc;
}

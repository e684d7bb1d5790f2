/*
 * cmp_codebook.c - uniform and k-means codebooks (cmp_codebook.h). Each
 * group is gathered into a contiguous list of (value, position) first, so
 * the clustering loop is the same for rows, blocks and whole tensors.
 */
#include "cmp_codebook.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *cmp_codebook_kind_name(cmp_cb_kind_t k)
{
	return k == CMP_CB_KMEANS ? "kmeans" : "uniform";
}

int cmp_codebook_kind_parse(const char *s, cmp_cb_kind_t *out)
{
	if (!strcmp(s, "kmeans"))
		*out = CMP_CB_KMEANS;
	else if (!strcmp(s, "uniform"))
		*out = CMP_CB_UNIFORM;
	else
		return -1;
	return 0;
}

int cmp_codebook_preset(const char *ratio, cmp_codebook_cfg_t *out, sim_err_t *err)
{
	unsigned b;
	if (!strcmp(ratio, "5.3"))
		b = 6;
	else if (!strcmp(ratio, "8"))
		b = 4;
	else if (!strcmp(ratio, "16"))
		b = 2;
	else
		return sim_err(err, SIM_EINPUT, "compression ratio '%s' is not offered, expected 5.3, 8 or 16", ratio);
	*out = (cmp_codebook_cfg_t){ CMP_CB_KMEANS, b, (size_t)1 << b, CMP_GROUP_BLOCK, 256, 30 };
	return SIM_OK;
}

int cmp_codebook_check(const cmp_codebook_cfg_t *cfg, sim_err_t *err)
{
	if (cfg->index_bits < 1 || cfg->index_bits > CMP_CB_MAX_INDEX_BITS)
		return sim_err(err, SIM_EINPUT, "codebook index width %u bits, expected 1 to %d", cfg->index_bits,
			       CMP_CB_MAX_INDEX_BITS);
	size_t cap = (size_t)1 << cfg->index_bits;
	if (cfg->entries > cap)
		return sim_err(err, SIM_EINPUT,
			       "codebook of %zu entries is larger than %u-bit indices "
			       "allow, expected at most %zu entries",
			       cfg->entries, cfg->index_bits, cap);
	if (cfg->entries < (cfg->kind == CMP_CB_UNIFORM ? 2u : 1u))
		return sim_err(err, SIM_EINPUT, "codebook of %zu entries, expected at least %d", cfg->entries,
			       cfg->kind == CMP_CB_UNIFORM ? 2 : 1);
	if (cfg->group == CMP_GROUP_NONE)
		return sim_err(err, SIM_EINPUT, "a codebook needs a group, expected tensor, row or block");
	if (cfg->group == CMP_GROUP_BLOCK && cfg->block == 0)
		return sim_err(err, SIM_EINPUT, "block size 0, expected a block edge of at least 1");
	if (cfg->kind == CMP_CB_KMEANS && cfg->iters < 1)
		return sim_err(err, SIM_EINPUT, "k-means with 0 iterations, expected at least 1");
	return SIM_OK;
}

/* Index of the entry nearest to v; ties go to the lower index. */
static size_t nearest(const double *c, size_t k, double v)
{
	size_t best = 0;
	double bd = fabs(v - c[0]);
	for (size_t j = 1; j < k; j++) {
		double d = fabs(v - c[j]);
		if (d < bd) {
			bd = d;
			best = j;
		}
	}
	return best;
}

/* Builds the codebook c[0..k) of the n values v and their assignment a. */
static void cluster(const cmp_codebook_cfg_t *cfg, const double *v, size_t n, double *c, size_t *a, double *sum,
		    size_t *cnt)
{
	size_t k = cfg->entries;
	double lo = INFINITY, hi = -INFINITY, m = 0.0;
	for (size_t i = 0; i < n; i++) {
		lo = fmin(lo, v[i]);
		hi = fmax(hi, v[i]);
		m = fmax(m, fabs(v[i]));
	}
	if (n == 0)
		lo = hi = 0.0;
	for (size_t j = 0; j < k; j++) {
		if (cfg->kind == CMP_CB_UNIFORM)
			c[j] = -m + (double)j * 2.0 * m / (double)(k - 1);
		else
			c[j] = k == 1 ? (lo + hi) / 2.0 : lo + (double)j * (hi - lo) / (double)(k - 1);
	}
	for (size_t i = 0; i < n; i++)
		a[i] = nearest(c, k, v[i]);
	if (cfg->kind == CMP_CB_KMEANS) {
		for (unsigned it = 0; it < cfg->iters; it++) {
			memset(sum, 0, k * sizeof *sum);
			memset(cnt, 0, k * sizeof *cnt);
			for (size_t i = 0; i < n; i++) {
				sum[a[i]] += v[i];
				cnt[a[i]]++;
			}
			for (size_t j = 0; j < k; j++)
				if (cnt[j])
					c[j] = sum[j] / (double)cnt[j];
			bool moved = false;
			for (size_t i = 0; i < n; i++) {
				size_t b = nearest(c, k, v[i]);
				moved |= b != a[i];
				a[i] = b;
			}
			if (!moved)
				break;
		}
	}
	for (size_t j = 0; j < k; j++)
		c[j] = (double)(float)c[j];
}

int cmp_codebook_apply(const cmp_codebook_cfg_t *cfg, double *w, size_t rows, size_t cols, double *centroids,
		       uint8_t *index, sim_err_t *err)
{
	int rc = cmp_codebook_check(cfg, err);
	if (rc)
		return rc;
	size_t n = rows * cols, k = cfg->entries;
	size_t ng = cmp_group_count(cfg->group, cfg->block, rows, cols);
	double *v = malloc((n ? n : 1) * sizeof *v), *c = malloc(k * sizeof *c), *sum = malloc(k * sizeof *sum);
	size_t *pos = malloc((n ? n : 1) * sizeof *pos), *a = malloc((n ? n : 1) * sizeof *a);
	size_t *cnt = malloc(k * sizeof *cnt), *start = calloc(ng + 1, sizeof *start);
	if (!v || !c || !sum || !pos || !a || !cnt || !start) {
		rc = sim_err(err, SIM_ENOMEM, "out of memory for a %zu x %zu codebook", rows, cols);
		goto out;
	}
	/* counting sort of the non-zeros by group, row-major within a group */
	for (size_t r = 0; r < rows; r++)
		for (size_t col = 0; col < cols; col++)
			if (w[r * cols + col] != 0.0)
				start[cmp_group_of(cfg->group, cfg->block, cols, r, col) + 1]++;
	for (size_t g = 0; g < ng; g++)
		start[g + 1] += start[g];
	{
		size_t *fill = calloc(ng ? ng : 1, sizeof *fill);
		if (!fill) {
			rc = sim_err(err, SIM_ENOMEM, "out of memory for a %zu x %zu codebook", rows, cols);
			goto out;
		}
		for (size_t r = 0; r < rows; r++)
			for (size_t col = 0; col < cols; col++) {
				size_t i = r * cols + col;
				if (w[i] == 0.0)
					continue;
				size_t g = cmp_group_of(cfg->group, cfg->block, cols, r, col);
				size_t at = start[g] + fill[g]++;
				v[at] = w[i];
				pos[at] = i;
			}
		free(fill);
	}
	if (index)
		memset(index, 0, n);
	for (size_t g = 0; g < ng; g++) {
		size_t lo = start[g], cnt_g = start[g + 1] - lo;
		cluster(cfg, v + lo, cnt_g, c, a + lo, sum, cnt);
		for (size_t i = 0; i < cnt_g; i++) {
			w[pos[lo + i]] = c[a[lo + i]];
			if (index)
				index[pos[lo + i]] = (uint8_t)a[lo + i];
		}
		if (centroids)
			memcpy(centroids + g * k, c, k * sizeof *c);
	}
out:
	free(v);
	free(c);
	free(sum);
	free(pos);
	free(a);
	free(cnt);
	free(start);
	return rc;
}

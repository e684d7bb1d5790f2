#include "cmp_mask.h"

#include <math.h>
#include <stdlib.h>

struct cmp_mask {
	size_t rows, cols;
	uint64_t *zero; /* one bit per position, row-major: set = pruned */
	uint64_t nnz;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n >= 1 (the modulo bias is below 2^-40 for any n a
 * matrix has, and it is the same on every machine). */
static size_t pick(uint64_t *s, size_t n)
{
	return (size_t)(splitmix(s) % n);
}

size_t cmp_mask_removed(double s, size_t n)
{
	return (size_t)floor(s * (double)n + 1e-9);
}

static bool bit(const uint64_t *b, size_t i)
{
	return b[i >> 6] >> (i & 63) & 1;
}

static void set(uint64_t *b, size_t i)
{
	b[i >> 6] |= 1ull << (i & 63);
}

/* Floyd's algorithm: k distinct items of 0..n-1, uniformly, in O(k), into
 * out[0..k); `chosen` is a scratch set of n bits, empty on entry and on
 * return. */
static void floyd(uint64_t *s, size_t n, size_t k, uint64_t *chosen, size_t *out)
{
	size_t m = 0;
	for (size_t j = n - k; j < n; j++) {
		size_t t = pick(s, j + 1);
		size_t v = bit(chosen, t) ? j : t;
		set(chosen, v);
		out[m++] = v;
	}
	for (size_t i = 0; i < m; i++)
		chosen[out[i] >> 6] = 0;
}

cmp_mask_t *cmp_mask_create(size_t rows, size_t cols, cmp_mask_pattern_t pattern, double sparsity, size_t block,
			    uint64_t seed)
{
	cmp_mask_t *m = calloc(1, sizeof *m);
	size_t n = rows * cols;
	if (!m)
		return NULL;
	m->rows = rows;
	m->cols = cols;
	m->zero = calloc(n / 64 + 1, sizeof(uint64_t));
	size_t b = pattern == CMP_MASK_BLOCK ? block : 1;
	size_t nbr = (rows + b - 1) / b, nbc = (cols + b - 1) / b;
	/* Items sampled at a time: all positions, a row's, a block row's. */
	size_t items = pattern == CMP_MASK_UNSTRUCTURED ? n : nbc;
	uint64_t *chosen = calloc(items / 64 + 1, sizeof(uint64_t));
	size_t *out = malloc((items ? items : 1) * sizeof *out);
	if (!m->zero || !chosen || !out) {
		free(chosen);
		free(out);
		cmp_mask_destroy(m);
		return NULL;
	}
	uint64_t s = seed;
	if (pattern == CMP_MASK_UNSTRUCTURED) {
		size_t k = cmp_mask_removed(sparsity, n);
		floyd(&s, n, k, chosen, out);
		for (size_t i = 0; i < k; i++)
			set(m->zero, out[i]);
	} else if (pattern == CMP_MASK_ROW_BALANCED) {
		size_t k = cmp_mask_removed(sparsity, cols);
		for (size_t r = 0; r < rows; r++) {
			floyd(&s, cols, k, chosen, out);
			for (size_t i = 0; i < k; i++)
				set(m->zero, r * cols + out[i]);
		}
	} else {
		size_t k = cmp_mask_removed(sparsity, nbc);
		for (size_t br = 0; br < nbr; br++) {
			floyd(&s, nbc, k, chosen, out);
			for (size_t i = 0; i < k; i++)
				for (size_t r = br * b; r < rows && r < (br + 1) * b; r++)
					for (size_t c = out[i] * b; c < cols && c < (out[i] + 1) * b; c++)
						set(m->zero, r * cols + c);
		}
	}
	free(chosen);
	free(out);
	m->nnz = n;
	for (size_t i = 0; i < n / 64 + 1; i++)
		for (uint64_t w = m->zero[i]; w; w &= w - 1)
			m->nnz--;
	return m;
}

cmp_mask_t *cmp_mask_from_values(const double *w, size_t rows, size_t cols)
{
	cmp_mask_t *m = calloc(1, sizeof *m);
	size_t n = rows * cols;
	if (!m || !(m->zero = calloc(n / 64 + 1, sizeof *m->zero))) {
		free(m);
		return NULL;
	}
	m->rows = rows;
	m->cols = cols;
	for (size_t i = 0; i < n; i++)
		if (w[i] == 0)
			set(m->zero, i);
		else
			m->nnz++;
	return m;
}

void cmp_mask_destroy(cmp_mask_t *m)
{
	if (!m)
		return;
	free(m->zero);
	free(m);
}

bool cmp_mask_nz(const cmp_mask_t *m, size_t r, size_t c)
{
	return !bit(m->zero, r * m->cols + c);
}

uint64_t cmp_mask_nnz(const cmp_mask_t *m)
{
	return m->nnz;
}

/*
 * cmp_store.c - storage accounting (cmp_store.h).
 */
#include "cmp_store.h"

#include <string.h>

static const char *const LAYOUT_NAMES[] = { "dense", "bitmask", "csr", "csc", "bsr" };

const char *cmp_layout_name(cmp_layout_t l)
{
	return (unsigned)l < 5 ? LAYOUT_NAMES[l] : "?";
}

int cmp_layout_parse(const char *s, cmp_layout_t *out)
{
	for (unsigned l = 0; l < 5; l++)
		if (!strcmp(s, LAYOUT_NAMES[l])) {
			*out = (cmp_layout_t)l;
			return 0;
		}
	return -1;
}

static unsigned bits_for(size_t n)
{
	unsigned b = 0;
	while (b < 64 && ((uint64_t)1 << b) < n)
		b++;
	return b ? b : 1;
}

static int need_bits(const char *what, unsigned have, size_t count, sim_err_t *err)
{
	unsigned want = bits_for(count);
	if (have < want)
		return sim_err(err, SIM_EINPUT, "%u-bit %s cannot address %zu, expected at least %u bits", have, what,
			       count, want);
	return SIM_OK;
}

int cmp_store_check(const cmp_store_cfg_t *cfg, size_t rows, size_t cols, sim_err_t *err)
{
	if (cfg->value_bits < 1 || cfg->value_bits > 32)
		return sim_err(err, SIM_EINPUT, "value width %u bits, expected 1 to 32", cfg->value_bits);
	if ((cfg->layout == CMP_LAYOUT_BSR && cfg->block == 0) ||
	    (cfg->side != CMP_SIDE_NONE && cfg->group == CMP_GROUP_BLOCK && cfg->group_block == 0))
		return sim_err(err, SIM_EINPUT, "block size 0, expected a block edge of at least 1");
	size_t b = cfg->block ? cfg->block : 1;
	int rc = SIM_OK;
	switch (cfg->layout) {
	case CMP_LAYOUT_CSR:
		rc = need_bits("column indices", cfg->index_bits, cols, err);
		break;
	case CMP_LAYOUT_CSC:
		rc = need_bits("row indices", cfg->index_bits, rows, err);
		break;
	case CMP_LAYOUT_BSR:
		rc = need_bits("block column indices", cfg->index_bits, (cols + b - 1) / b, err);
		break;
	default:
		break;
	}
	if (!rc && cfg->layout >= CMP_LAYOUT_CSR)
		rc = need_bits("pointers", cfg->ptr_bits, rows * cols + 1, err);
	if (rc)
		return rc;
	if (cfg->side != CMP_SIDE_NONE && cfg->group == CMP_GROUP_NONE)
		return sim_err(err, SIM_EINPUT, "scales or a codebook need a group, expected tensor, row or block");
	if (cfg->side == CMP_SIDE_CODEBOOK && (cfg->value_bits > 16 || cfg->entries > ((size_t)1 << cfg->value_bits)))
		return sim_err(err, SIM_EINPUT, "codebook of %zu entries is larger than %u-bit indices allow",
			       cfg->entries, cfg->value_bits);
	return SIM_OK;
}

static uint64_t side_bits(const cmp_store_cfg_t *cfg, size_t rows, size_t cols)
{
	uint64_t groups = cmp_group_count(cfg->group, cfg->group_block, rows, cols);
	switch (cfg->side) {
	case CMP_SIDE_SCALE:
		return groups * cfg->scale_bits;
	case CMP_SIDE_CODEBOOK:
		return groups * cfg->entries * cfg->entry_bits;
	default:
		return 0;
	}
}

uint64_t cmp_store_bits(const cmp_store_cfg_t *cfg, size_t rows, size_t cols, cmp_tile_count_t n)
{
	uint64_t v = cfg->value_bits, x = cfg->index_bits, p = cfg->ptr_bits, cells = (uint64_t)rows * cols;
	uint64_t bits = 0;
	switch (cfg->layout) {
	case CMP_LAYOUT_DENSE:
		bits = cells * v;
		break;
	case CMP_LAYOUT_BITMASK:
		bits = cells + n.nnz * v;
		break;
	case CMP_LAYOUT_CSR:
		bits = n.nnz * (v + x) + (rows + 1) * p;
		break;
	case CMP_LAYOUT_CSC:
		bits = n.nnz * (v + x) + (cols + 1) * p;
		break;
	case CMP_LAYOUT_BSR: {
		uint64_t b = cfg->block;
		bits = n.nz_blocks * (b * b * v + x) + ((rows + b - 1) / b + 1) * p;
		break;
	}
	}
	return bits + side_bits(cfg, rows, cols);
}

uint64_t cmp_store_bytes(const cmp_store_cfg_t *cfg, size_t rows, size_t cols, cmp_tile_count_t n)
{
	return (cmp_store_bits(cfg, rows, cols, n) + 7) / 8;
}

cmp_tile_count_t cmp_tile_count(const double *w, size_t ld, size_t r0, size_t c0, size_t rows, size_t cols,
				size_t block)
{
	cmp_tile_count_t n = { 0, 0 };
	size_t b = block ? block : 1;
	for (size_t br = 0; br < rows; br += b)
		for (size_t bc = 0; bc < cols; bc += b) {
			size_t in_block = 0;
			for (size_t r = br; r < rows && r < br + b; r++)
				for (size_t c = bc; c < cols && c < bc + b; c++)
					in_block += w[(r0 + r) * ld + c0 + c] != 0.0;
			n.nnz += in_block;
			n.nz_blocks += in_block > 0;
		}
	return n;
}

uint64_t cmp_store_tile_bytes(const cmp_store_cfg_t *cfg, const double *w, size_t ld, size_t r0, size_t c0, size_t rows,
			      size_t cols)
{
	return cmp_store_bytes(cfg, rows, cols, cmp_tile_count(w, ld, r0, c0, rows, cols, cfg->block));
}

uint64_t cmp_store_matrix_bytes(const cmp_store_cfg_t *cfg, const double *w, size_t rows, size_t cols, size_t tile_rows,
				size_t tile_cols)
{
	uint64_t total = 0;
	for (size_t r = 0; r < rows; r += tile_rows)
		for (size_t c = 0; c < cols; c += tile_cols) {
			size_t tr = rows - r < tile_rows ? rows - r : tile_rows;
			size_t tc = cols - c < tile_cols ? cols - c : tile_cols;
			total += cmp_store_tile_bytes(cfg, w, cols, r, c, tr, tc);
		}
	return total;
}

long long cmp_store_crossover(const cmp_store_cfg_t *sparse, const cmp_store_cfg_t *dense, size_t rows, size_t cols)
{
	uint64_t d = cmp_store_bytes(dense, rows, cols, (cmp_tile_count_t){ rows * cols, 0 });
	size_t b = sparse->block ? sparse->block : 1;
	int blocks = sparse->layout == CMP_LAYOUT_BSR;
	if (cmp_store_bytes(sparse, rows, cols, (cmp_tile_count_t){ 0, 0 }) > d)
		return -1;
	/* sparse bytes never fall as the count grows: bisect for the last
	 * count that still fits in the dense bytes */
	size_t lo = 0, hi = blocks ? ((rows + b - 1) / b) * ((cols + b - 1) / b) : rows * cols;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		cmp_tile_count_t n = blocks ? (cmp_tile_count_t){ mid * b * b, mid } : (cmp_tile_count_t){ mid, 0 };
		if (cmp_store_bytes(sparse, rows, cols, n) <= d)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (long long)lo;
}

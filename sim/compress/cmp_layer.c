#include "cmp_layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../func/weights.h"
#include "cmp_prune.h"
#include "cmp_quant.h"

static const cmp_group_t cmp_layer_group[] = {
	[WSCALE_ROW] = CMP_GROUP_ROW, [WSCALE_BLOCK] = CMP_GROUP_BLOCK, [WSCALE_TENSOR] = CMP_GROUP_TENSOR
};

/* fp16 dense, or symmetric integers with one fp32 scale per group, the
 * quantizer's choice (docs/compression.md §6). */
cmp_store_cfg_t cmp_layer_store(const layer_cfg_t *l)
{
	static const cmp_layout_t layout[] = { [SFMT_DENSE] = CMP_LAYOUT_DENSE,
					       [SFMT_BITMASK] = CMP_LAYOUT_BITMASK,
					       [SFMT_CSR] = CMP_LAYOUT_CSR,
					       [SFMT_BSR] = CMP_LAYOUT_BSR };
	cmp_store_cfg_t c = { .layout = layout[l->sparse_format], .value_bits = workload_weight_bits(l) };
	if (l->sparse_format == SFMT_CSR || l->sparse_format == SFMT_BSR) {
		c.index_bits = l->index_bits;
		c.ptr_bits = 32; /* a row (block row) pointer: a byte offset into the tile, 32 bits */
		c.block = l->sparsity_block;
	}
	cmp_codebook_cfg_t cb;
	if (cmp_layer_codebook(l, &cb)) {
		/* each weight an index, each group's entries as side data */
		c.value_bits = cb.index_bits;
		c.side = CMP_SIDE_CODEBOOK;
		c.group = cb.group;
		c.group_block = cb.block;
		c.entries = cb.entries;
		c.entry_bits = CMP_CB_ENTRY_BITS;
	} else if (l->weight_bits != WBITS_16) {
		c.side = CMP_SIDE_SCALE;
		c.group = cmp_layer_group[l->weight_scale];
		c.group_block = l->weight_scale_block;
		c.scale_bits = 32;
	}
	return c;
}

bool cmp_layer_codebook(const layer_cfg_t *l, cmp_codebook_cfg_t *out)
{
	static const char *const ratio[] = { [WCB_NEU5_3] = "5.3", [WCB_NEU8] = "8", [WCB_NEU16] = "16" };
	if (l->weight_codebook == WCB_NONE)
		return false;
	if (l->weight_codebook >= WCB_NEU5_3) {
		sim_err_t e = { 0 };
		return cmp_codebook_preset(ratio[l->weight_codebook], out, &e) == SIM_OK;
	}
	*out = (cmp_codebook_cfg_t){ .kind = l->weight_codebook == WCB_KMEANS ? CMP_CB_KMEANS : CMP_CB_UNIFORM,
				     .index_bits = l->codebook_bits,
				     .entries = l->codebook_entries ? l->codebook_entries : 1u << l->codebook_bits,
				     .group = cmp_layer_group[l->weight_scale],
				     .block = l->weight_scale_block,
				     .iters = 30 };
	return true;
}

/* Columns of the W.x and U.h partitions; an fc layer's one matrix is
 * issued as the H partition (sched.c). */
static void cmp_layer_cols(const layer_cfg_t *l, size_t cols[2])
{
	bool recurrent = cell_get(l->cell)->flags & CELL_F_RECURRENT;
	cols[0] = recurrent && !l->skip_input ? l->input_size : 0;
	cols[1] = recurrent ? l->hidden_size : l->input_size;
}

/* The magnitude pruner of the layer's sparsity_pattern. */
static cmp_prune_cfg_t cmp_layer_pruner(const layer_cfg_t *l)
{
	static const cmp_prune_kind_t kind[] = { [SPARSE_UNSTRUCTURED] = CMP_PRUNE_MAGNITUDE,
						 [SPARSE_BLOCK] = CMP_PRUNE_BLOCK,
						 [SPARSE_ROW_BALANCED] = CMP_PRUNE_ROW };
	return (cmp_prune_cfg_t){
		.kind = kind[l->sparsity_pattern], .sparsity = l->sparsity, .block = l->sparsity_block, .units = 1
	};
}

/* Prunes M (rows x cols) by magnitude, in place. */
static int cmp_layer_prune(const layer_cfg_t *l, double *M, size_t rows, size_t cols, sim_err_t *err)
{
	cmp_prune_cfg_t c = cmp_layer_pruner(l);
	return cmp_prune(&c, M, rows, cols, NULL, err);
}

/* The zeros of the layer's weights pruned by magnitude: reads the
 * directory (as fpipe.c does: relative to the workload file's
 * directory), prunes a copy of each matrix, marks its zeros. */
static int cmp_layer_magnitude(const layer_cfg_t *l, const char *wl_path, bool backward_dir, const size_t cols[2],
			       size_t rows, cmp_mask_t *mask[2], sim_err_t *err)
{
	char dir[1024];
	const char *slash = wl_path ? strrchr(wl_path, '/') : NULL;
	if (l->weights[0] == '/' || !slash)
		snprintf(dir, sizeof dir, "%s", l->weights);
	else
		snprintf(dir, sizeof dir, "%.*s/%s", (int)(slash - wl_path), wl_path, l->weights);
	weights_t *w = weights_load_dir(l, dir, backward_dir, err);
	if (!w)
		return err->code;
	bool fc = !(cell_get(l->cell)->flags & CELL_F_RECURRENT);
	const double *M[2] = { fc ? NULL : w->W, fc ? w->W : w->U };
	int rc = SIM_OK;
	for (int part = 0; !rc && part < 2; part++) {
		if (!cols[part])
			continue;
		double *copy = malloc(rows * cols[part] * sizeof *copy);
		if (!copy) {
			rc = sim_err(err, SIM_ENOMEM, "out of memory pruning the weights of %s", dir);
			break;
		}
		memcpy(copy, M[part], rows * cols[part] * sizeof *copy);
		rc = cmp_layer_prune(l, copy, rows, cols[part], err);
		if (!rc && !(mask[part] = cmp_mask_from_values(copy, rows, cols[part])))
			rc = sim_err(err, SIM_ENOMEM, "out of memory pruning the weights of %s", dir);
		free(copy);
	}
	weights_destroy(w);
	return rc;
}

/* Seeded: drawn from the layer's seed, the pass and the partition, so that
 * a bidirectional layer's two passes and a layer's W and U are pruned
 * apart. */
int cmp_layer_masks(const layer_cfg_t *l, size_t i, const char *wl_path, bool backward_dir, cmp_mask_t *mask[2],
		    uint64_t *nnz, sim_err_t *err)
{
	static const cmp_mask_pattern_t pat[] = { [SPARSE_UNSTRUCTURED] = CMP_MASK_UNSTRUCTURED,
						  [SPARSE_BLOCK] = CMP_MASK_BLOCK,
						  [SPARSE_ROW_BALANCED] = CMP_MASK_ROW_BALANCED };
	size_t rows = (size_t)workload_gates(l->cell) * l->hidden_size, cols[2];
	cmp_layer_cols(l, cols);
	*nnz = 0;
	mask[0] = mask[1] = NULL;
	if (l->sparsity_mask == SMASK_MAGNITUDE) {
		int rc = cmp_layer_magnitude(l, wl_path, backward_dir, cols, rows, mask, err);
		for (int part = 0; !rc && part < 2; part++)
			*nnz += mask[part] ? cmp_mask_nnz(mask[part]) : 0;
		return rc;
	}
	for (int part = 0; part < 2; part++) {
		if (!cols[part])
			continue;
		uint64_t seed = l->sparsity_seed ^ (0x100000001b3ULL * (2 * i + (uint64_t)part + 1));
		mask[part] = cmp_mask_create(rows, cols[part], pat[l->sparsity_pattern], l->sparsity, l->sparsity_block,
					     seed);
		if (!mask[part])
			return sim_err(err, SIM_ENOMEM, "out of memory drawing the zero mask of layer %zu", i + 1);
		*nnz += cmp_mask_nnz(mask[part]);
	}
	return SIM_OK;
}

bool cmp_layer_changes(const layer_cfg_t *l)
{
	return workload_sparse(l) || l->weight_bits != WBITS_16 || l->weight_codebook != WCB_NONE;
}

static int cmp_layer_matrix(const layer_cfg_t *l, const cmp_mask_t *mask, double *M, size_t rows, size_t cols,
			    sim_err_t *err)
{
	/* a magnitude mask is the pruner's zeros on these very weights */
	int rc = l->sparsity_mask == SMASK_MAGNITUDE && workload_sparse(l) ? cmp_layer_prune(l, M, rows, cols, err)
									   : SIM_OK;
	if (rc)
		return rc;
	if (mask)
		for (size_t r = 0; r < rows; r++)
			for (size_t c = 0; c < cols; c++)
				if (!cmp_mask_nz(mask, r, c))
					M[r * cols + c] = 0;
	cmp_codebook_cfg_t cb;
	if (cmp_layer_codebook(l, &cb))
		return cmp_codebook_apply(&cb, M, rows, cols, NULL, NULL, err);
	if (l->weight_bits == WBITS_16)
		return SIM_OK;
	cmp_quant_cfg_t q = { .bits = workload_weight_bits(l),
			      .group = cmp_layer_group[l->weight_scale],
			      .block = l->weight_scale_block };
	return cmp_quantize(&q, M, rows, cols, NULL, err);
}

int cmp_layer_apply(const layer_cfg_t *l, size_t i, double *W, double *U, sim_err_t *err)
{
	cmp_mask_t *mask[2] = { NULL, NULL };
	uint64_t nnz;
	int rc = workload_sparse(l) && l->sparsity_mask == SMASK_SEEDED
			 ? cmp_layer_masks(l, i, NULL, false, mask, &nnz, err)
			 : SIM_OK;
	size_t rows = (size_t)workload_gates(l->cell) * l->hidden_size, cols[2];
	cmp_layer_cols(l, cols);
	/* fc: its one matrix is W, masked as the H partition */
	bool fc = !(cell_get(l->cell)->flags & CELL_F_RECURRENT);
	double *M[2] = { fc ? NULL : W, fc ? W : U };
	for (int part = 0; !rc && part < 2; part++)
		if (cols[part] && M[part])
			rc = cmp_layer_matrix(l, mask[part], M[part], rows, cols[part], err);
	cmp_mask_destroy(mask[0]);
	cmp_mask_destroy(mask[1]);
	return rc;
}

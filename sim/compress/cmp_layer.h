/*
 * cmp_layer.h - a workload layer's weights as the hardware stores them: the
 * one place that turns a layer's storage keys (weight_bits, weight_scale,
 * sparsity*, sparse_format) into the pieces the rest of the simulator uses,
 * so that the timing (plan.c: bytes and zero masks) and the values
 * (fpipe.c: the weights the datapath multiplies) cannot disagree.
 *
 *   cmp_layer_store   the storage format whose bytes the tiles carry
 *   cmp_layer_masks   the zero masks of a pass's W and U, drawn from the
 *                     layer's sparsity_seed and the pass index, or the
 *                     zeros of its weights pruned by magnitude
 *   cmp_layer_apply   the stored values of W and U, in double: zeroed by
 *                     those masks, then quantized to weight_bits with their
 *                     scales (cmp_quant.h), or replaced by their codebook
 *                     entries (cmp_codebook.h); both leave zeros zero
 *
 * Contract: for the same layer and pass index (and, for a magnitude mask,
 * the same weights: those of its directory), the positions cmp_layer_apply
 * zeroes are exactly those cmp_layer_masks marks zero (the timing's useful
 * MACs), and the quantized values are those `sharpsim
 * compress --bits B --scale G` writes for the same matrix: scales are taken
 * per group of the whole matrix (a row, a block from the matrix corner, the
 * matrix); a tile stores its own copy of the scales of the groups it
 * touches (cmp_store.h), the same values.
 */
#ifndef SHARPSIM_CMP_LAYER_H
#define SHARPSIM_CMP_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../config/workload.h"
#include "cmp_codebook.h"
#include "cmp_mask.h"
#include "cmp_store.h"

cmp_store_cfg_t cmp_layer_store(const layer_cfg_t *l);
/* Whether the layer stores codebook indices (weight_codebook), and then its
 * codebook (*out): a NeuCompression ratio's preset, or k-means or uniform
 * with codebook_bits, codebook_entries (0: 2^bits) and the weight_scale
 * group, at most 30 Lloyd iterations (sharpsim compress's default). */
bool cmp_layer_codebook(const layer_cfg_t *l, cmp_codebook_cfg_t *out);
/* The masks of pass i's W.x (mask[0]) and U.h (mask[1]) partitions, NULL
 * for a partition the layer does not have (an fc layer's one matrix is the
 * H partition); *nnz their non-zeros. The caller destroys both.
 * sparsity_mask: seeded draws them; magnitude reads the layer's `weights`
 * directory (relative to wl_path's directory; backward_dir: its
 * `backward/` set, a bidirectional layer's second pass) and prunes it as
 * cmp_layer_apply does. */
int cmp_layer_masks(const layer_cfg_t *l, size_t i, const char *wl_path, bool backward_dir, cmp_mask_t *mask[2],
		    uint64_t *nnz, sim_err_t *err);
/* Whether the stored values differ from the layer's weights at all
 * (pruned or below 16 bits). */
bool cmp_layer_changes(const layer_cfg_t *l);
/* W (G*H x I, may be NULL when I = 0) and U (G*H x H; for fc, W is its one
 * matrix and U is NULL) replaced in place by their stored values for pass i. */
int cmp_layer_apply(const layer_cfg_t *l, size_t i, double *W, double *U, sim_err_t *err);

#endif

/*
 * cmp_quant.h - symmetric uniform quantization of a row-major matrix to b
 * bits (b in {16, 8, 4, 2}) with one scale per group of weights, in place:
 * each weight is replaced by the value the hardware would reconstruct.
 *
 * Per group (the whole tensor, a row, or a b x b block; cmp_group_t):
 *   qmax  = 2^(b-1) - 1              (2 bits: qmax = 1, i.e. ternary -1/0/+1)
 *   scale = fp32(max|w| / qmax)      scales are stored as fp32
 *   q     = clamp(rne(w / scale), -qmax, qmax)
 *   w'    = q * scale
 * rne rounds to nearest, ties to even (nearbyint in the default rounding
 * mode, numpy's np.round). The code -2^(b-1) is never used, so the grid is
 * symmetric and 0 stays exactly 0 (pruned weights stay pruned). A group whose
 * weights are all 0 gets scale 0 and stays 0.
 *
 * The grouping type is shared with cmp_codebook.h and cmp_store.h.
 */
#ifndef SHARPSIM_CMP_QUANT_H
#define SHARPSIM_CMP_QUANT_H

#include <stddef.h>

#include "../common/err.h"

typedef enum {
	CMP_GROUP_NONE = 0, /* no side data at all (fp16/fp32 weights) */
	CMP_GROUP_TENSOR,   /* one per matrix (per tile, when stored in tiles) */
	CMP_GROUP_ROW,	    /* one per row */
	CMP_GROUP_BLOCK	    /* one per b x b block, edge blocks smaller */
} cmp_group_t;

/* Number of groups of a rows x cols matrix (0 for NONE). */
size_t cmp_group_count(cmp_group_t g, size_t block, size_t rows, size_t cols);
/* The group of entry (r, c), numbered row-major over groups. */
size_t cmp_group_of(cmp_group_t g, size_t block, size_t cols, size_t r, size_t c);
/* "none", "tensor", "row", "block"; parse returns -1 if unknown. */
const char *cmp_group_name(cmp_group_t g);
int cmp_group_parse(const char *s, cmp_group_t *out);

typedef struct cmp_quant_cfg {
	unsigned bits;	   /* 16, 8, 4 or 2 */
	cmp_group_t group; /* TENSOR, ROW or BLOCK */
	size_t block;	   /* BLOCK: edge >= 1 */
} cmp_quant_cfg_t;

/* SIM_EINPUT for a bit width outside {16, 8, 4, 2}, a group of NONE or a
 * block edge of 0. */
int cmp_quant_check(const cmp_quant_cfg_t *cfg, sim_err_t *err);
/* Quantizes w in place. scales (may be NULL) receives cmp_group_count()
 * values. */
int cmp_quantize(const cmp_quant_cfg_t *cfg, double *w, size_t rows, size_t cols, double *scales, sim_err_t *err);

#endif

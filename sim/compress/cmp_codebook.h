/*
 * cmp_codebook.h - weight sharing: every non-zero weight of a group is
 * replaced by the nearest of k shared values (a codebook), stored as a
 * b-bit index, k <= 2^b. Zeros are left alone: a pruned weight is described
 * by the sparse format (cmp_store.h), not by a codebook entry, as in Deep
 * Compression (Han, Mao and Dally, ICLR 2016).
 *
 * Codebook kinds, per group (tensor, row or b x b block; cmp_quant.h):
 *   UNIFORM  k >= 2 values evenly spaced over [-m, m], m = max|w|:
 *            c_j = -m + j * 2m / (k - 1)
 *   KMEANS   Lloyd's algorithm on the group's non-zero values, initialised
 *            linearly between their minimum and maximum (c_j = lo + j*(hi -
 *            lo)/(k - 1); k = 1: (lo + hi)/2), the initialisation Han et al.
 *            found best for weights; deterministic, so no seed is needed.
 *            Each iteration assigns every value to its nearest entry (ties
 *            to the lower index), then moves each entry to the mean of its
 *            values (summed in row-major order); an entry with no values
 *            keeps its place. Stops when no assignment changes or after
 *            `iters` iterations.
 * Entries are stored as fp32: the values written back are fp32(c_j).
 *
 * NeuCompression-style fixed ratios (RNNAccel, Kao et al. 2020), counted
 * against fp32 weights with one codebook of fp32 entries per 256 x 256
 * block (B = 65536 weights), ratio = 32 B / (b B + 32 k):
 *   5.3x: b = 6, k = 64:  2097152 / (393216 + 2048) = 5.306
 *   8x:   b = 4, k = 16:  2097152 / (262144 +  512) = 7.984
 *   16x:  b = 2, k = 4:   2097152 / (131072 +  128) = 15.985
 * i.e. about 6, 4 and 2 bits a weight; against fp16 weights each ratio
 * halves. cmp_codebook_preset() returns these choices.
 */
#ifndef SHARPSIM_CMP_CODEBOOK_H
#define SHARPSIM_CMP_CODEBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "cmp_quant.h"

typedef enum { CMP_CB_KMEANS = 0, CMP_CB_UNIFORM } cmp_cb_kind_t;

#define CMP_CB_MAX_INDEX_BITS 8
#define CMP_CB_ENTRY_BITS 32

typedef struct cmp_codebook_cfg {
	cmp_cb_kind_t kind;
	unsigned index_bits; /* 1..8 */
	size_t entries;	     /* k, 1..2^index_bits (UNIFORM: >= 2) */
	cmp_group_t group;   /* TENSOR, ROW or BLOCK */
	size_t block;	     /* BLOCK: edge >= 1 */
	unsigned iters;	     /* KMEANS: at most this many Lloyd iterations (>= 1) */
} cmp_codebook_cfg_t;

/* The choices behind ratio "5.3", "8" or "16" (see above); SIM_EINPUT for
 * any other ratio. kind is k-means. */
int cmp_codebook_preset(const char *ratio, cmp_codebook_cfg_t *out, sim_err_t *err);
/* SIM_EINPUT for an index width outside 1..8, a codebook larger than the
 * index width can address, and the other range errors of the fields. */
int cmp_codebook_check(const cmp_codebook_cfg_t *cfg, sim_err_t *err);
/* Replaces every non-zero weight by its entry. centroids (may be NULL)
 * receives groups x entries values (fp32-rounded), index (may be NULL)
 * rows x cols indices (0 for zero weights). */
int cmp_codebook_apply(const cmp_codebook_cfg_t *cfg, double *w, size_t rows, size_t cols, double *centroids,
		       uint8_t *index, sim_err_t *err);
const char *cmp_codebook_kind_name(cmp_cb_kind_t k);
int cmp_codebook_kind_parse(const char *s, cmp_cb_kind_t *out);

#endif

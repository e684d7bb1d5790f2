/*
 * cmp_mask.h - the zero mask of a pruned weight matrix, for the timing
 * model: which positions of a rows x cols matrix hold a non-zero weight.
 *
 * The timing run does not read weights, so the mask is drawn at plan time
 * from a seed: the same (pattern, sparsity, block, seed, shape) give the
 * same mask, hence the same tiles and cycles. Each pattern removes a number
 * of positions fixed in closed form by the sparsity s in [0, 1), with
 * floor(s*n) taken after adding 1e-9 as cmp_prune.h does, and chooses
 * which ones uniformly at random (Floyd's sampling, a splitmix64 stream):
 *   UNSTRUCTURED  floor(s*n) of the n = rows*cols positions; as magnitude
 *                 pruning of i.i.d. weights would;
 *   ROW_BALANCED  floor(s*cols) in every row (cmp_prune.h's ROW);
 *   BLOCK         the matrix cut into b x b blocks from its corner (edge
 *                 blocks smaller): floor(s*nbc) of the nbc blocks of every
 *                 block row, whole (balanced block sparsity: every b rows
 *                 keep the same number of blocks, so row blocks of the
 *                 array take the same time).
 * Non-zeros: n - floor(s*n); rows*(cols - floor(s*cols)); and, when b
 * divides rows and cols, rows*cols - (rows/b)*floor(s*cols/b)*b*b.
 */
#ifndef SHARPSIM_CMP_MASK_H
#define SHARPSIM_CMP_MASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { CMP_MASK_UNSTRUCTURED = 0, CMP_MASK_BLOCK, CMP_MASK_ROW_BALANCED } cmp_mask_pattern_t;

typedef struct cmp_mask cmp_mask_t;

/* NULL when out of memory. block >= 1 (BLOCK); sparsity in [0, 1). */
cmp_mask_t *cmp_mask_create(size_t rows, size_t cols, cmp_mask_pattern_t pattern, double sparsity, size_t block,
			    uint64_t seed);
/* The mask of a matrix's own zeros (row-major w): non-zero where w is.
 * NULL when out of memory. */
cmp_mask_t *cmp_mask_from_values(const double *w, size_t rows, size_t cols);
void cmp_mask_destroy(cmp_mask_t *m);
/* Is position (r, c) a non-zero? */
bool cmp_mask_nz(const cmp_mask_t *m, size_t r, size_t c);
/* Non-zeros of the whole matrix, counted on the mask. */
uint64_t cmp_mask_nnz(const cmp_mask_t *m);
/* floor(s*n + 1e-9): positions (or blocks) a sparsity s removes of n. */
size_t cmp_mask_removed(double s, size_t n);

#endif

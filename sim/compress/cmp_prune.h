/*
 * cmp_prune.h - offline pruning of a dense row-major matrix (rows x cols),
 * in place: pruned entries become exactly 0.0.
 *
 * Every method removes a number of entries fixed in closed form by the
 * sparsity s in [0, 1), so tests and the timing model can predict the count
 * of survivors without running the pruner ("slots" below; a surviving entry
 * that was already 0.0 stays a slot but is not a non-zero):
 *   (floor(s*n) is taken after adding 1e-9, so 0.29 of 100 removes 29.)
 *   MAGNITUDE  unstructured: the floor(s*n) smallest |w| of all n = rows*cols
 *              entries go; survivors n - floor(s*n).
 *   BLOCK      b x b blocks (edge blocks may be smaller), scored by the sum of
 *              squares of their entries; the floor(s*nb) lowest-scoring of the
 *              nb blocks go.
 *   ROW        row-balanced: every row keeps the same k = cols - floor(s*cols)
 *              largest |w|, so rows of a tile take equal time on a unit.
 *   ESE        load-balanced as in ESE (Han et al., FPGA 2017): row r belongs
 *              to processing unit r mod P (row interleave); every unit keeps
 *              the same number K of its own largest |w|, K = m - floor(s*m)
 *              with m = cols * floor(rows / P) the size of the smallest unit's
 *              share; units that own one row more are pruned a little harder.
 *              Needs rows >= P.
 * Ties in |w| (or block score) are broken by position: the entry that comes
 * first in row-major order (block order for BLOCK) survives. The result
 * depends only on the values, never on a seed.
 */
#ifndef SHARPSIM_CMP_PRUNE_H
#define SHARPSIM_CMP_PRUNE_H

#include <stddef.h>

#include "../common/err.h"

typedef enum { CMP_PRUNE_MAGNITUDE = 0, CMP_PRUNE_BLOCK, CMP_PRUNE_ROW, CMP_PRUNE_ESE } cmp_prune_kind_t;

typedef struct cmp_prune_cfg {
	cmp_prune_kind_t kind;
	double sparsity; /* fraction of slots removed, [0, 1) */
	size_t block;	 /* BLOCK: block edge b >= 1 */
	size_t units;	 /* ESE: processing units P >= 1 */
} cmp_prune_cfg_t;

/* Checks cfg against a rows x cols matrix. SIM_EINPUT with a message naming
 * the offending parameter ("sparsity 1.5 is outside [0, 1)"). */
int cmp_prune_check(const cmp_prune_cfg_t *cfg, size_t rows, size_t cols, sim_err_t *err);
/* The number of slots that survive, in closed form (see above). BLOCK:
 * surviving blocks times b*b, exact when b divides rows and cols, an upper
 * bound otherwise (edge blocks are smaller, and which survive depends on
 * the values). */
size_t cmp_prune_slots(const cmp_prune_cfg_t *cfg, size_t rows, size_t cols);
/* Prunes w in place; *nnz (if not NULL) receives the non-zeros left. */
int cmp_prune(const cmp_prune_cfg_t *cfg, double *w, size_t rows, size_t cols, size_t *nnz, sim_err_t *err);
/* "magnitude", "block", "row", "ese"; cmp_prune_parse returns -1 if unknown. */
const char *cmp_prune_name(cmp_prune_kind_t k);
int cmp_prune_parse(const char *s, cmp_prune_kind_t *out);
/* Non-zeros of a rows x cols matrix. */
size_t cmp_count_nnz(const double *w, size_t rows, size_t cols);

#endif

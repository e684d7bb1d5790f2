/*
 * epur_dpu.h - one E-PUR dot-product unit (DPU): `width` multipliers, an
 * adder tree and an accumulator, one row segment a cycle [E-PUR].
 *
 *   cycle     c        c+1 .. c+m-1   c+m .. c+m+t-1   c+m+t .. c+D-1
 *   segment   issue -> multipliers   -> adder tree    -> accumulator
 *                      (mult_latency)   (tree_latency)   (acc_latency)
 *
 * D = mult_latency + tree_latency + acc_latency. A row of length L is
 * ceil(L / width) segments issued on consecutive cycles; its sum leaves the
 * accumulator at the end of cycle c_last + D - 1, where c_last is the cycle
 * its last segment issued. The pipeline is fully pipelined: a new segment
 * may issue every cycle, so rows of different steps or phases follow each
 * other without a bubble.
 *
 * Contract: at most one issue per cycle, in non-decreasing cycle order; the
 * unit itself counts nothing (the sequencer that owns the counters knows
 * why a lane is idle). Only a row's last segment carries a tag: the tag is
 * what epur_dpu_pop() hands back when the row's sum is complete.
 */
#ifndef SHARPSIM_EPUR_DPU_H
#define SHARPSIM_EPUR_DPU_H

#include <stdbool.h>
#include <stdint.h>

/* What a finished row is: a W.x sum bound for the precompute store (or,
 * for a layer without recurrence, for the MFU), or a U.h sum bound for the
 * MFU and the cell update of `step`. */
typedef enum { EPUR_ROW_X = 0, EPUR_ROW_H } epur_row_kind_t;

typedef struct epur_row {
	epur_row_kind_t kind;
	uint32_t step;
} epur_row_t;

typedef struct epur_dpu epur_dpu_t;

/* NULL when out of memory. depth = D >= 1. */
epur_dpu_t *epur_dpu_create(uint32_t depth);
void epur_dpu_destroy(epur_dpu_t *d);
/* Issues one segment in cycle now; last: the row's last segment, tagged
 * with *row. */
void epur_dpu_issue(epur_dpu_t *d, uint64_t now, bool last, const epur_row_t *row);
/* A row whose sum completes at the end of cycle now, if any (then true). */
bool epur_dpu_pop(epur_dpu_t *d, uint64_t now, epur_row_t *out);
bool epur_dpu_empty(const epur_dpu_t *d);

#endif

/*
 * epur_mfu.h - one E-PUR multifunctional unit (MFU): the per-gate unit that
 * turns a finished dot product into a gate value and, with its peers, into
 * h_t [E-PUR].
 *
 *   cycle   c                 c+1 .. c+a            c+a+1 .. c+a+e
 *   row     sum from the DPU  add W.x (precompute   element-wise cell ops
 *           (end of cycle c)  store) + bias,        (c_t, h_t), h_t[j]
 *                             activation (act_lat)  written (elem_lat)
 *
 * A row pushed at the end of cycle c leaves at the end of cycle
 * c + act_latency + elem_latency (elem_latency 0 for a layer without a cell
 * update: its activation is its output). The gate units run in lock step
 * on the rows of the same hidden indices, so the element-wise stage sees all
 * gates of an index together; E-PUR's MFUs hand each other their gate values
 * for it (sharpsim's reading, docs/baselines/epur.md).
 *
 * Contract: at most one push per cycle, in non-decreasing cycle order, one
 * latency for the unit's whole life (one layer pass).
 */
#ifndef SHARPSIM_EPUR_MFU_H
#define SHARPSIM_EPUR_MFU_H

#include <stdbool.h>
#include <stdint.h>

#include "epur_dpu.h"

typedef struct epur_mfu epur_mfu_t;

/* NULL when out of memory. latency = act_latency + elem_latency >= 1. */
epur_mfu_t *epur_mfu_create(uint32_t latency);
void epur_mfu_destroy(epur_mfu_t *m);
/* A row whose sum completed at the end of cycle now enters the MFU. */
void epur_mfu_push(epur_mfu_t *m, uint64_t now, const epur_row_t *row);
/* A row whose output is written at the end of cycle now, if any. */
bool epur_mfu_pop(epur_mfu_t *m, uint64_t now, epur_row_t *out);
bool epur_mfu_empty(const epur_mfu_t *m);

#endif

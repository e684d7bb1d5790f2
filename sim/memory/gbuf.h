/*
 * gbuf.h - the gate buffer: activated gate values waiting for the cell
 * updater, and the r*h vector of GRU reset_before_matmul.
 *
 * The MFU writes a row block's activated gates; element e = j*B + b (hidden
 * index j of sequence b) is ready when all gates of the cell have been
 * written for it. The cell updater consumes elements strictly in order, so
 * the buffer keeps a ready frontier: the length of the ready prefix. Two
 * steps can be live at once (the element-level scoreboard lets step t+1's
 * gates arrive while step t drains), so state is kept per step parity.
 */
#ifndef SHARPSIM_GBUF_H
#define SHARPSIM_GBUF_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/snap.h"
#include "../common/stats.h"
#include "../common/unit.h"
#include "../config/workload.h"

typedef struct gbuf gbuf_t;

gbuf_t *gbuf_create(uint32_t max_elems, stats_t *st);
void gbuf_destroy(gbuf_t *g);
/* New layer: H*n elements per step, n the step's active sequences
 * (workload_active: B without sequence_lens), element e = j*n + b;
 * `gates` writes complete an element. lc must outlive the layer.
 * With whole_vector (cell_update: vector, or a schedule flagged
 * SCHED_F_WHOLE_VECTOR such as brainwave) no element is ready before every
 * element of the step is: the cell update of the whole vector starts after
 * the last gate's activations (docs/hardware.md §3). */
void gbuf_begin_layer(gbuf_t *g, const layer_cfg_t *lc, unsigned gates, bool whole_vector);
/* Gates written for hidden [j0, j0+n) of sequence seq at step `step`. */
int gbuf_write(gbuf_t *g, uint32_t step, unsigned ngates, uint32_t j0, uint32_t n, uint32_t seq);
/* Elements of `step` ready, counted from the first (a prefix length). */
uint32_t gbuf_ready(const gbuf_t *g, uint32_t step);
/* The cell updater read the next n ready elements of `step`. */
void gbuf_consume(gbuf_t *g, uint32_t step, uint32_t n);
/* GRU reset_before_matmul: r*h elements written for `step`. */
void gbuf_rh_add(gbuf_t *g, uint32_t step, uint32_t n);
uint32_t gbuf_rh(const gbuf_t *g, uint32_t step);
/* LSTMP: projected h elements (P*B per step) written to the I/H buffer
 * for `step`, by the MFU's projection packets (cell.h, CELL_PHASE_PROJ).
 * Kept with the step's slot: step t's count lives until step t+2's gates
 * arrive, which needs step t+1's U.h, which waits for all of it. */
void gbuf_proj_add(gbuf_t *g, uint32_t step, uint32_t n);
uint32_t gbuf_proj(const gbuf_t *g, uint32_t step);
/* End of the run: sets gatebuf.peak_values, the most gate values held at
 * once. The peak is kept out of the counters until then, so that a
 * steady-state jump, which adds each counter's change over a period, cannot
 * scale it: a repeated period repeats the occupancy, so it cannot raise it. */
void gbuf_finish(gbuf_t *g);
/* Steady-state jump (snap.h); steps must be even (state is per parity). */
void gbuf_snapshot(const gbuf_t *g, snap_t *s);
void gbuf_shift(gbuf_t *g, uint64_t cycles, uint32_t steps, uint32_t ids);

/* This unit behind the unit interface (unit.h). */
extern const unit_ops_t gbuf_unit;

#endif

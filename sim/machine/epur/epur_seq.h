/*
 * epur_seq.h - E-PUR's sequencer: runs one pass of a layer (one direction)
 * on the gate units, cycle by cycle, in E-PUR's order [E-PUR]:
 *
 *   for each chunk of steps t0 .. t0+tc-1 (tc = what the precompute store holds):
 *     W.x phase: for each slot of rows, for each vector x_t (t in the chunk,
 *                every batch element), for each width-wide segment of the row:
 *                one issue; the row stays in the DPU while the vectors pass
 *                (it is read from the weight buffer once per chunk)
 *     U.h phase: for each step t of the chunk: wait until h_{t-1} is written,
 *                then for each slot, for each batch element, for each
 *                segment: one issue
 *
 * A slot is `units` consecutive rows of the step's G*H rows, hidden index
 * major and gate minor, so for an LSTM on four units slot j holds the i, f,
 * g, o rows of hidden index j, one per unit (E-PUR's gate units); a cell
 * with fewer gates packs rows of several indices into a slot, and the last
 * slot may leave units without a row (idle.no_row). With epur.dpu.rows = k
 * (a what-if; E-PUR has k = 1) each unit's DPU is k row engines of
 * width / k lanes and a slot is units * k rows.
 *
 * One step's timing, last segment issued at cycle c (D = DPU depth,
 * a = act latency, e = element-wise latency, L = D + a + e):
 *
 *   cycle  c        c+D-1          c+D-1+a+e     c+L
 *          issue    sum done       h_t written   step t+1's first issue
 *          |<------ L - 1 idle cycles: idle.dependency ------>|
 *
 * and the pass ends with the last h written, L - 1 cycles after its last
 * issue (idle.fill_drain). A W.x phase of the next chunk needs no h and
 * issues right after the last U.h issue of the previous chunk, filling that
 * gap. The W.x sum a U.h row needs was issued before that row on the same
 * in-order DPU (a chunk's W.x precedes its U.h), so it is in the store by
 * the time the MFU reads it: that read never waits. Every unit-lane of every
 * cycle lands in exactly one counter: busy,
 * idle.padding, idle.no_row, idle.dependency, idle.fill_drain, and in a
 * cold run idle.load for the initial weight load.
 */
#ifndef SHARPSIM_EPUR_SEQ_H
#define SHARPSIM_EPUR_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../common/stats.h"
#include "../../config/workload.h"
#include "../machine.h"
#include "epur.h"

/* The run's counters, registered once (epur_seq_register); `all` views
 * the same pointers as an array, for the exact jump's deltas. */
#define EPUR_NCTR 20
typedef struct epur_ctr {
	union {
		struct {
			uint64_t *cycles;
			uint64_t *busy, *padding, *no_row, *dependency, *fill_drain, *load; /* lane-cycles */
			uint64_t *issued, *rows;
			uint64_t *wbuf_bytes, *ibuf_bytes, *hbuf_rd_bytes, *hbuf_wr_bytes;
			uint64_t *pre_writes, *pre_reads, *chunks;
			uint64_t *act, *elem;
			uint64_t *dram_bytes;
			uint64_t *jumped; /* sim.jumped_cycles: not hardware */
		};
		uint64_t *all[EPUR_NCTR];
	};
} epur_ctr_t;

int epur_seq_register(stats_t *st, epur_ctr_t *c, sim_err_t *err);

/* Steps the precompute store holds for layer l: T when the layer has no
 * W.x to keep (fc, skip_input), else bytes / (value_bytes * G * H * B)
 * capped at T; 0 means not even one step fits. */
uint32_t epur_seq_steps_per_chunk(const epur_cfg_t *cfg, const layer_cfg_t *l);

/* Runs one pass of layer l with tc steps per chunk (tc >= 1), adding to
 * the counters; fills out's cycles and MACs. With `fast`, the steps of a
 * chunk between its second and its last are jumped over exactly: each
 * starts from the same state (pipelines empty, h_{t-1} just written), so
 * each repeats the counter deltas and the cycles the step before measured
 * (sim.jumped_cycles counts the cycles covered). */
int epur_seq_pass(const epur_cfg_t *cfg, const layer_cfg_t *l, uint32_t tc, bool fast, const epur_ctr_t *ctr,
		  machine_pass_t *out, sim_err_t *err);

#endif

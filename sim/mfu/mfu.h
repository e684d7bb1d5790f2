/*
 * mfu.h - the activation multi-function units (A-MFU).
 *
 * `units` MFUs each start one value per cycle (initiation interval 1) and
 * finish it `latency` cycles later (docs/hardware.md §2.4: the paper's partitioned
 * tanh, 29.14 ns at 2 ns a cycle, is 15 stages). Values of consecutive row
 * blocks pack into the same cycle. A block's activated gates are written to
 * the gate buffer when its last value finishes.
 *
 *   cycle      s            s+1 .. s+L-1      s+L
 *   value      start (<=U)  pipeline          result -> gate buffer
 *                                              (cell updater sees it at s+L+1)
 *
 * What the MFU evaluates (the rest happens in the cell updater, which has
 * its own tanh): bias add for every value, then the activation the cell's
 * descriptor gives each gate (sim/cell/cell.h: sigmoid for LSTM i, f, o and
 * GRU r, z; tanh for LSTM g and GRU n in the reset_before_matmul form;
 * none for vanilla, fc, and the peephole LSTM's i, f, o). The gate the
 * descriptor names rh_gate (GRU reset_before_matmul's r) also produces r*h
 * for the n gate's U product. An LSTMP layer's projection packets
 * (cell.h, CELL_PHASE_PROJ) take the same pipeline, one value per unit and
 * cycle, but only narrow the sum to a data word: no bias, no activation;
 * they write h to the I/H buffer (gbuf_proj) instead of the gate buffer.
 */
#ifndef SHARPSIM_MFU_H
#define SHARPSIM_MFU_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/fifo.h"
#include "../common/stats.h"
#include "../common/unit.h"
#include "../config/hw_cfg.h"
#include "../config/workload.h"
#include "../memory/gbuf.h"
#include "../report/trace.h"

/* A finished H row block on its way from the accumulators to the MFU. */
typedef struct mfu_packet {
	uint32_t step;
	uint32_t seg; /* segment index in the layer's program */
	uint16_t seq;
	uint8_t phase;
	uint8_t ngates;
	uint8_t gate[4];
	uint32_t j0, valid_pg;
	uint32_t values;   /* real rows: ngates * valid_pg */
	uint32_t x_values; /* W.x values read back from the intermediate buffer */
} mfu_packet_t;

typedef struct mfu mfu_t;

/* Called when a packet's activations are written (functional mode). */
typedef void (*mfu_sink_fn)(void *ctx, const mfu_packet_t *p);

mfu_t *mfu_create(const mfu_cfg_t *cfg, stats_t *st);
void mfu_destroy(mfu_t *m);
/* lc must outlive the layer (only read here). */
void mfu_begin_layer(mfu_t *m, const layer_cfg_t *lc);
/* What a tick tells the engine, in registers rather than through two more
 * calls each tick (docs/performance.md): what mfu_quiet_for would return
 * right after it (its input FIFO unchanged since), the X values released
 * from the intermediate buffer this cycle (GRU linear_before_reset reads
 * them), and whether it started values (a cycle counted in mfu.busy). */
typedef struct mfu_tick {
	uint64_t quiet;
	uint32_t released;
	bool started;
} mfu_tick_t;
/* One cycle: finish what is due into the gate buffer, then start values
 * from the input FIFO. */
mfu_tick_t mfu_tick(mfu_t *m, fifo_t *in, gbuf_t *out);
bool mfu_idle(const mfu_t *m);
/* Cycles from now during which a tick would only count starvation: no
 * value to start (input FIFO empty) and no packet due (0: none). */
uint64_t mfu_quiet_for(const mfu_t *m, const fifo_t *in);
/* Its input queue, for the unit interface's quiet_for (unit.h). */
void mfu_connect(mfu_t *m, const fifo_t *in);
/* Steady-state jump (snap.h). */
void mfu_snapshot(const mfu_t *m, snap_t *s);
void mfu_shift(mfu_t *m, uint64_t cycles, uint32_t steps, uint32_t ids);
/* A packet's state fields (also the items of the MFU's input FIFO). */
extern const snap_table_t mfu_packet_state;
/* Adds the function counts (mfu.sigmoid, .tanh and the others) of the
 * packets started since the last flush: the engine flushes before anything
 * reads the statistics (accel_settle), and a new layer flushes the last
 * one's. */
void mfu_flush(mfu_t *m);
/* Fast-forward over k such cycles (k <= mfu_quiet_for). */
void mfu_skip(mfu_t *m, uint64_t k);
/* The cycle its clock stands at: its ticks and skipped cycles so far, all
 * shifted by the steady-state jump's. The engine owes it the cycles from
 * there to its own clock (accel_cycle). */
uint64_t mfu_now(const mfu_t *m);
void mfu_set_sink(mfu_t *m, mfu_sink_fn fn, void *ctx);
/* Each packet becomes a slice on the A-MFU track (NULL: off). */
void mfu_set_trace(mfu_t *m, trace_t *t);

/* This unit behind the unit interface (unit.h). */
extern const unit_ops_t mfu_unit;

#endif

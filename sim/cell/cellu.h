/*
 * cellu.h - the cell updater.
 *
 * Takes up to `lanes` ready elements (hidden index x sequence) per cycle from
 * the gate buffer, strictly in order, and finishes them L = latency +
 * tanh_latency cycles later (the arithmetic around a tanh as deep as the
 * MFU's, docs/hardware.md §2.5), writing h to the I/H buffer (and c to the cell-state buffer). The
 * controller's h scoreboard reads what has been written.
 *
 *   cycle      u                 u+1 .. u+L-1     u+L
 *   element    read gates (<=lanes)  pipeline     h, c written (controller
 *                                                 may issue on it in u+L)
 *
 * Per element it does what the layer's cell descriptor says (its ops,
 * sim/cell/cell.h): LSTM c = f*c + i*g, h = o*tanh(c) (3 multiplies, 1 add,
 * 1 tanh); GRU linear_before_reset n = tanh(nx + r*nh), h = n + z*(h - n)
 * (2 multiplies, 3 adds, 1 tanh); GRU reset_before_matmul h = n + z*(h - n)
 * (1 multiply, 2 adds); vanilla h = tanh(pre) (1 tanh); fc writes the
 * biased sums out; the coupled LSTM forms f = 1 - i first (1 more add);
 * the peephole LSTM adds P*c to i, f, o and evaluates their sigmoids here,
 * which makes it peephole_latency + tanh_latency cycles deeper (a second
 * tanh pass before the c update); qrnn c = f*c + (1-f)*z, h = o*c (3
 * multiplies, 2 adds). docs/hardware.md §2.5.
 *
 * An element of step t that reads c_{t-1} or h_{t-1} is taken only once
 * that element of step t-1 is written (cell.wait_recurrence counts the
 * cycles it waited): implied by the step barrier for every cell with U.h,
 * binding for a qrnn, whose gates run ahead. A step has H elements per
 * active sequence (sequence_lens, workload_active), element j*n + p.
 */
#ifndef SHARPSIM_CELLU_H
#define SHARPSIM_CELLU_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/stats.h"
#include "../common/unit.h"
#include "../config/hw_cfg.h"
#include "../config/workload.h"
#include "../memory/gbuf.h"
#include "../report/trace.h"

typedef struct cellu cellu_t;

/* Called when elements [e0, e0+n) of `step` are written (functional mode). */
typedef void (*cellu_sink_fn)(void *ctx, uint32_t step, uint32_t e0, uint32_t n);

/* cfg->lanes and cfg->tanh_latency must be resolved (non-zero). */
cellu_t *cellu_create(const cell_cfg_t *cfg, stats_t *st);
void cellu_destroy(cellu_t *c);
/* New layer: H elements per active sequence of each step
 * (workload_active). lc must outlive the layer. */
void cellu_begin_layer(cellu_t *c, const layer_cfg_t *lc);
/* What a tick tells the engine: whether it read elements (a cycle counted
 * in cell.busy) and what cellu_quiet_for would return right after it, the
 * gate buffer unchanged since. Returned in registers rather than asked
 * through two more calls each tick (docs/performance.md). */
typedef struct cellu_tick {
	uint64_t quiet;
	bool took;
} cellu_tick_t;
cellu_tick_t cellu_tick(cellu_t *c, gbuf_t *in);
/* Elements of h written for `step` (a prefix: in order). */
uint32_t cellu_h_written(const cellu_t *c, uint32_t step);
/* The layer's last step is fully written. */
bool cellu_layer_done(const cellu_t *c);
bool cellu_idle(const cellu_t *c);
/* Cycles from now during which a tick would only count starvation: no
 * ready element and nothing due (0: none). The gate buffer must not change
 * meanwhile (the caller checks the MFU is quiet too). */
uint64_t cellu_quiet_for(const cellu_t *c, const gbuf_t *in);
/* Its input, for the unit interface's quiet_for (unit.h). */
void cellu_connect(cellu_t *c, const gbuf_t *in);
/* Steady-state jump (snap.h). */
void cellu_snapshot(const cellu_t *c, snap_t *s);
void cellu_shift(cellu_t *c, uint64_t cycles, uint32_t steps, uint32_t ids);
/* Fast-forward over k such cycles. */
void cellu_skip(cellu_t *c, uint64_t k);
/* The cycle its clock stands at: its ticks and skipped cycles so far, all
 * shifted by the steady-state jump's. The engine owes it the cycles from
 * there to its own clock (accel_cycle). */
uint64_t cellu_now(const cellu_t *c);
/* Adds the per-element counts (cell.updates, .mults, .adds, .tanh, the
 * other functions, I/H and c buffer traffic) of the elements read since
 * the last flush: the engine flushes before anything reads the statistics
 * (accel_settle), cellu_begin_layer before the per-element work changes. */
void cellu_flush(cellu_t *c);
void cellu_set_sink(cellu_t *c, cellu_sink_fn fn, void *ctx);
/* Each step's updates become a slice on the cell-updater track (NULL: off). */
void cellu_set_trace(cellu_t *c, trace_t *t);

/* This unit behind the unit interface (unit.h). */
extern const unit_ops_t cellu_unit;

#endif

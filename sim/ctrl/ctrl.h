/*
 * ctrl.h - the controller: issues one (column tile, sequence) per cycle.
 *
 *   cycle   c                         c+1 .. c+R-1         c+R
 *   ctrl    pick/continue a segment,  weight-buffer read   tile at the VS
 *           check deps and weights    (R = read_latency)   array (cu input)
 *
 * Every cycle the controller puts one token into the weight-read line: a
 * tile, or a bubble that carries the reason nothing was issued. When the
 * token reaches the VS array its lanes are counted: a tile's real lanes as
 * useful, its pruned (zero-weight) lanes as zero_weight and the rest as
 * padding; a bubble's N*K lanes under its reason.
 * A tile is issued only when its weights are readable (wbuf.h: in the
 * buffer, port bandwidth) and the decompression unit has room for them
 * (dcmp.h); the first failing check names the bubble (weight_fetch, then
 * decompress).
 *
 * Segments start whole (docs/hardware.md §3): under the step barrier (deps: step)
 * a segment of step t waits until all of h_{t-1} is written (GRU
 * reset_before_matmul's n segments until all of r*h is written), except
 * Unfolded's X segments, which need nothing but intermediate-buffer space
 * and run ahead while the H segments wait. With deps: element an H tile
 * waits only for the h elements its columns read. An LSTMP layer's
 * projection segments (cell.h, CELL_PHASE_PROJ) wait for all of step t's
 * o*tanh(c), and its U.h segments for all of the projected h_{t-1}, in
 * either deps mode: the projection's rows each read every column.
 *
 * W.x and U.h. The weights sit in two partitions, so a segment covers one
 * of them. Sequential, Batch and Intergate issue a block's X segment and
 * then its H segment back to back: the accumulators simply continue from
 * the X columns into the H columns (one row block, as the hardware does a
 * block over [x; h]). Unfolded's X segments run ahead, so their sums go to
 * the intermediate buffer and the H segment starts from them (has_init);
 * it starts only once all its partner's X blocks have left the
 * accumulators (ctrl_x_written), else it waits (a dependency). GRU
 * linear_before_reset keeps W_n.x apart from U_n.h: its X blocks always go
 * to the intermediate buffer and the MFU reads them (ctrl_mfu_reads_x).
 *
 * sequence_lens: a step's tokens are those of its active sequences
 * (workload_active, a prefix of the batch), so a finished sequence costs
 * no cycle of any unit: fewer tokens per tile, fewer values and elements
 * behind them; the barriers count the active sequences' elements.
 *
 * Contract: the caller freezes the line (passes frozen = true) in a cycle
 * in which the VS array refused the line's head tile; the controller then
 * issues nothing and counts a stall.
 */
#ifndef SHARPSIM_CTRL_H
#define SHARPSIM_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include "../cell/cellu.h"
#include "../common/snap.h"
#include "../common/stats.h"
#include "../common/unit.h"
#include "../compute/cu.h"
#include "../config/hw_cfg.h"
#include "../memory/gbuf.h"
#include "../memory/dcmp.h"
#include "../memory/ibuf.h"
#include "../memory/wbuf.h"
#include "../func/delta.h"
#include "../report/trace.h"
#include "sched.h"

typedef enum {
	IDLE_PADDING = 0,
	IDLE_DEPENDENCY,
	IDLE_FILL_DRAIN,
	IDLE_BACKPRESSURE,
	IDLE_WEIGHT_FETCH,
	IDLE_DECOMPRESS,
	IDLE_ZERO_WEIGHT,
	IDLE_NCAUSES
} idle_cause_t;

const char *ctrl_cause_name(idle_cause_t c);

typedef struct ctrl_token {
	bool is_tile;
	uint8_t cause; /* idle_cause_t of a bubble */
	/* tile: its tile_meta_t has no zero or wait lanes and no progressive
	 * or softmax work, so the VS array's counts need only the token */
	bool plain;
	/* tile: plain, and neither first nor last of its block; in a layer
	 * without delta its lanes, columns and tree adds are its program
	 * tile's (the engine may count them per run of such tiles) */
	bool mid;
	uint32_t seg; /* tile: segment index */
	uint32_t col; /* tile: column tile */
	cu_tile_t t;
} ctrl_token_t;

/* A token's header, config and flags (is_tile .. t.has_init): all a middle
 * tile's token must hold where the VS array counts it per run (accel_vs),
 * its seg, col and mid, and the compute unit's tap its first and cfg. */
#define CTRL_TOK_MID offsetof(ctrl_token_t, t.tag)

typedef struct ctrl_layer {
	const sched_prog_t *prog;
	cell_kind_t cell;
	gru_form_t form;
	uint32_t hidden, timesteps, batch;
	/* Weight sets: the batch's sequences fall into `sets` equal groups,
	 * each with weights of its own (an interleaved bidirectional layer: 2).
	 * A column tile is read from the weight buffer once per group, with
	 * the group's first sequence. */
	uint32_t sets;
	uint32_t proj;		/* LSTMP's P (0: none): U.h of step t waits for h_{t-1}'s P*B projected elements */
	const layer_cfg_t *lc;	/* the pass's layer: the sequences active per step (workload_active) */
	bool last;		/* no layer follows */
	bool delta;		/* a delta network (functional runs): a segment of a delta-encoded
				* partition issues only its used columns, compacted into
				* ceil(used / Kc) tiles, at least one; its U.h segments wait for
				* all of h_{t-1} (the encoder's list is complete only then) */
	uint32_t delta_latency; /* ... and delta_latency cycles more (the encoder) */
	bool lazy_reads;	/* the engine calls ctrl_settle before it reads a counter: an
				 * all-ready segment may count its reads per segment (stepped runs) */
	bool mid_short;		/* the engine ticks with ctrl_tick_lazy_mid and reads a middle tile's
				 * token for no more than its first CTRL_TOK_MID bytes (its plain
				 * stepped copy, which counts such tiles per run: accel_impl.h,
				 * vs_lazy) */
} ctrl_layer_t;

/* Where a cu block (by tag.block) came from. */
typedef struct ctrl_block {
	uint32_t id, seg, step;
	uint32_t xq; /* its X-queue slot while queued (valid only where xq_id[xq] == id) */
} ctrl_block_t;

/* What the controller may look at: narrow, read-mostly views. */
typedef struct ctrl_view {
	const cellu_t *cellu;
	const gbuf_t *gbuf;
	wbuf_t *wbuf;
	dcmp_t *dcmp;
	ibuf_t *ibuf;
	const dlt_t *dlt; /* the delta encoder's counts (NULL: no delta layer) */
} ctrl_view_t;

typedef struct ctrl ctrl_t;

/* ring: blocks that can be issued and not yet finished (accumulators +
 * read latency + margin); xq: X segments that can wait in the
 * intermediate buffer at once (its capacity in rows). */
ctrl_t *ctrl_create(const sched_desc_t *sd, deps_kind_t deps, uint32_t ring, uint32_t xq, stats_t *st);
void ctrl_destroy(ctrl_t *c);
/* Returns SIM_ENOMEM when the layer's token table cannot be allocated. */
int ctrl_begin_layer(ctrl_t *c, const ctrl_layer_t *layer);
void ctrl_tick(ctrl_t *c, const ctrl_view_t *v, bool frozen, ctrl_token_t *out);
/* ctrl_tick(c, v, false, out) when that tick only issues the next token
 * of a lazily counted segment (ctrl_impl.h, a_lazy), which is not its
 * last: returns true. Else does nothing and returns false. */
bool ctrl_tick_lazy(ctrl_t *c, ctrl_token_t *out);
/* ctrl_tick_lazy, but in a layer that is ctrl_layer_t.mid_short a middle
 * tile's token (ctrl_token_t.mid) is written only up to CTRL_TOK_MID, its
 * tag and counts left as the line's slot held them. */
bool ctrl_tick_lazy_mid(ctrl_t *c, ctrl_token_t *out);
const ctrl_block_t *ctrl_block(const ctrl_t *c, uint32_t id);
/* Fast-forward. `head` is the read line's head token (the VS array takes
 * it this cycle) and the line holds R tokens. Returns the number k of
 * cycles, starting now, in each of which the head is a tile of the segment
 * being issued that neither opens nor closes a row block, and the
 * controller's token is that segment's next one, issued with no check that
 * can fail: deps: step (the segment's barrier was passed when it started)
 * and the caller has established that every weight is readable. 0 when the
 * line is not in such a run. */
uint64_t ctrl_run_length(const ctrl_t *c, const ctrl_token_t *head, uint32_t R);
/* Exactly k ctrl_tick() calls of such a run: the k tokens go into the ring
 * of R line slots from *idx on, which advances by k. */
void ctrl_run(ctrl_t *c, const ctrl_view_t *v, uint64_t k, ctrl_token_t *line, uint32_t R, uint32_t *idx);
/* Counts the reads of tiles issued but not yet counted (ctrl_t.a_lazy)
 * into the weight buffer, the decompression unit and the controller's
 * `tiles`: due before anything outside the controller's issue reads those
 * counters (accel_settle). */
void ctrl_settle(ctrl_t *c, const ctrl_view_t *v);
/* Each segment's issue becomes a slice on the controller track (NULL: off). */
void ctrl_set_trace(ctrl_t *c, trace_t *t);
/* The step whose first main segment (the first segment, or for Unfolded
 * and E-PUR the first U.h segment) started in the last tick, or -1. The
 * steady-state jump takes its snapshots there. */
int64_t ctrl_step_started(const ctrl_t *c);
/* The furthest step any of the controller's state refers to. */
uint32_t ctrl_max_step(const ctrl_t *c);
uint32_t ctrl_next_id(const ctrl_t *c);
/* The controller is waiting for its next tile's weights from DRAM: a tick
 * would issue a weight-fetch bubble and change nothing else. */
bool ctrl_waits_for_dram(const ctrl_t *c, const ctrl_view_t *v);
/* The DRAM stream and byte position the waiting tile needs. */
bool ctrl_dram_need(const ctrl_t *c, const ctrl_view_t *v, int *stream, uint64_t *pos);
/* Exactly k ticks of such waiting. */
void ctrl_skip_wait(ctrl_t *c, uint64_t k);
/* Steady-state jump (snap.h). */
void ctrl_snapshot(const ctrl_t *c, snap_t *s);
void ctrl_shift(ctrl_t *c, uint64_t cycles, uint32_t steps, uint32_t ids);
/* A read-line token's state fields. */
extern const snap_table_t ctrl_token_state;
/* The MFU reads X blocks back from the intermediate buffer. */
bool ctrl_mfu_reads_x(const ctrl_t *c);
/* An X block left the accumulators for the intermediate buffer: b, its
 * entry as ctrl_block found it by tag.block (the caller has it already,
 * so it is not looked up twice). */
void ctrl_x_written(ctrl_t *c, const ctrl_block_t *b);

/* This unit behind the unit interface (unit.h). */
extern const unit_ops_t ctrl_unit;

#endif

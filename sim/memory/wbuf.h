/*
 * wbuf.h - the weight buffer: where each tile's weights come from and when.
 *
 * Per layer the weights are laid out in the schedule's canonical order
 * (sched.h). A prefix of `resident` bytes lives in the buffer; the rest is
 * streamed from DRAM every step through a staging area of stage_bytes
 * (docs/hardware.md §2.0). A tile can be read in a cycle when
 *   - resident: its bytes have been loaded (a warm start preloads the first
 *     layer; later layers load through DRAM_LOAD into space the buffer has
 *     free, so a load overlaps the previous layer as far as space allows);
 *   - streamed: its bytes have arrived through DRAM_STREAM, whose requests
 *     run at most stage_bytes ahead of the tiles already consumed;
 *   - and the read port has the bandwidth: every active VS unit reads one
 *     K-wide bank row, 2*K bytes; `bytes_per_cycle` caps the port (a token
 *     bucket refilled each cycle). With the default cap of a full tile per
 *     cycle the port never stalls.
 */
#ifndef SHARPSIM_WBUF_H
#define SHARPSIM_WBUF_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/stats.h"
#include "../common/unit.h"
#include "../config/hw_cfg.h"
#include "../ctrl/sched.h"
#include "dram.h"

typedef struct wbuf wbuf_t;

typedef struct wbuf_layer_plan {
	uint64_t step_bytes; /* weights of one step */
	uint64_t resident;   /* bytes kept in the buffer (canonical prefix) */
	uint32_t timesteps;
	bool load_live; /* resident part must be loaded through DRAM */
} wbuf_layer_plan_t;

wbuf_t *wbuf_create(const wbuf_cfg_t *cfg, uint32_t vs_units, uint32_t vs_width, dram_t *dram, stats_t *st);
void wbuf_destroy(wbuf_t *w);

/* Plans every layer before the run; `warm` preloads layer 0. With
 * all_on_chip (the resident policy) loads are not bounded by the buffer;
 * otherwise loaded-but-unfinished layers and the staging area of a streamed
 * layer share its capacity. */
int wbuf_plan(wbuf_t *w, const wbuf_layer_plan_t *layers, uint32_t n, bool all_on_chip, bool warm);
/* Enters layer l with its program, whose every tile is stored `sets` times
 * (an interleaved bidirectional layer: once per direction), the sets of a
 * tile side by side; tiles' residency follows plan[l].resident, counted
 * in whole tiles of every set. Invariant: a layer with sets > 1 is all
 * resident (plan.c refuses to stream one). */
void wbuf_begin_layer(wbuf_t *w, uint32_t l, const sched_prog_t *prog, uint32_t sets);
/* Layer l finished: its resident space is free for later loads. */
void wbuf_end_layer(wbuf_t *w, uint32_t l);

typedef enum { WBUF_READY = 0, WBUF_WAIT_DRAM, WBUF_WAIT_PORT } wbuf_wait_t;

/* Can column tile c of segment s of step t, weight set `set`, be read
 * this cycle? */
wbuf_wait_t wbuf_tile_ready(const wbuf_t *w, uint32_t seg, uint32_t c, uint32_t step, uint32_t set);
/* Are all of segment s's streamed bytes (step t) inside the window DRAM may
 * already fetch? The window only grows, so such a segment is sure to get
 * its weights. A segment issued out of stream order (Unfolded's run-ahead
 * W.x) must pass this before it starts, or it could wait for bytes that
 * arrive only after tiles queued behind it are consumed: a deadlock. */
bool wbuf_seg_in_window(const wbuf_t *w, uint32_t seg, uint32_t step);
/* For a tile waiting on DRAM: the stream and the byte position that must
 * have arrived. False when the tile does not wait on DRAM. */
bool wbuf_tile_need(const wbuf_t *w, uint32_t seg, uint32_t c, uint32_t step, uint32_t set, int *stream, uint64_t *pos);
/* Reads the current layer's tile whose metadata is m (sched_tile; the
 * caller has it at hand). Precondition: ready; every set's tile has the
 * same bank rows and bytes. Returns the bank bytes read. */
uint64_t wbuf_tile_read(wbuf_t *w, const tile_meta_t *m);
/* wbuf_tile_read while wbuf_all_ready: the whole layer is on chip
 * (r_eff is its step's bytes, so no tile moves the stream) and the port
 * is uncapped, so a read only counts its rows and bytes. */
void wbuf_tile_read_all_ready(wbuf_t *w, const tile_meta_t *m);
/* A delta layer's compacted tile (ctrl.h): `cols` of tile c's columns,
 * gathered by the encoder's list. Each column is one bank row per row
 * group, so rows and bytes are the tile's times cols / its columns; a
 * delta layer is resident and dense fp16 (accel.c refuses the rest). */
uint64_t wbuf_cols_read(wbuf_t *w, uint32_t seg, uint32_t c, uint32_t cols);
/* wbuf_tile_ready for such a tile: a capped port needs only its bytes. */
wbuf_wait_t wbuf_cols_ready(const wbuf_t *w, uint32_t seg, uint32_t c, uint32_t step, uint32_t cols);
void wbuf_tick(wbuf_t *w);
/* Exactly k ticks in which no tile is read: the port's bucket fills
 * (capped) and the DRAM writes so far are counted. */
void wbuf_skip(wbuf_t *w, uint64_t k);
/* wbuf_tile_ready is WBUF_READY for every tile in every cycle from now
 * to the end of the layer: it has seen the layer's weights all in with
 * the port uncapped (set by a tick, cleared only by wbuf_begin_layer). */
bool wbuf_all_ready(const wbuf_t *w);
/* Every tile of the current layer is readable in any cycle from now on:
 * resident, loaded, the port uncapped, and no DRAM transfer pending. */
bool wbuf_quiet(const wbuf_t *w);
/* wbuf_tick does nothing in any cycle from now until the next layer
 * (wbuf_end_layer, wbuf_begin_layer) while the DRAM stays settled: every
 * weight is in, the port is uncapped and every DRAM byte requested is
 * counted. */
bool wbuf_settled(const wbuf_t *w);
/* Fast-forward: reads column tiles c0 .. c0+n-1 of segment s, exactly as n
 * wbuf_tile_read() calls (precondition: wbuf_quiet). */
void wbuf_read_run(wbuf_t *w, uint32_t seg, uint32_t c0, uint32_t n);
/* Reads already summed by the caller (ctrl_settle): rows and bytes added,
 * the peak raised to `peak` (precondition: wbuf_all_ready). */
void wbuf_count_reads(wbuf_t *w, uint64_t rows, uint64_t bytes, uint64_t peak);
uint64_t wbuf_peak_bytes(const wbuf_t *w);
/* The steady-state jump may be tried (core/ff.c): the buffer is quiet and
 * the channel steady, or the layer streams and its loads are over (its
 * state, relative to the step's stream position, is in the snapshot). */
bool wbuf_jump_ok(const wbuf_t *w);
/* Steps a jump must stay short of the layer's end: the stream runs up to
 * stage_bytes ahead of the tiles consumed and stops at the layer's last
 * byte, which does not repeat (0 for a layer that does not stream). */
uint32_t wbuf_jump_margin(const wbuf_t *w);

/* This unit behind the unit interface (unit.h). */
extern const unit_ops_t wbuf_unit;

#endif

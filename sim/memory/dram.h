/*
 * dram.h - the main-memory channel that feeds the weight buffer.
 *
 * One channel of `gbps` GB/s and `latency` cycles, shared by two request
 * streams in fixed priority: DRAM_STREAM (weights fetched every step because
 * they do not fit on chip) before DRAM_LOAD (a layer's resident weights,
 * loaded once). A consumer raises a stream's limit (how many bytes it may
 * have requested so far: its buffer space) and reads how many have arrived.
 *
 * Rate: bandwidth is kept in micro-bytes per cycle, so the channel requests
 * exactly floor(k * bw) bytes in k cycles of continuous demand; a byte
 * requested in cycle c arrives in cycle c + latency. Hence B bytes need
 * ceil(B / bw) cycles plus the latency (dram_transfer_cycles), which the
 * stepping reproduces exactly.
 */
#ifndef SHARPSIM_DRAM_H
#define SHARPSIM_DRAM_H

#include <stdint.h>

#include "../common/snap.h"
#include "../common/stats.h"
#include "../common/unit.h"
#include "../config/hw_cfg.h"

enum { DRAM_STREAM = 0, DRAM_LOAD = 1, DRAM_NSTREAMS = 2 };

typedef struct dram dram_t;

dram_t *dram_create(const dram_cfg_t *cfg, double clock_mhz, stats_t *st);
void dram_destroy(dram_t *d);
void dram_set_limit(dram_t *d, int stream, uint64_t limit);
uint64_t dram_requested(const dram_t *d, int stream);
uint64_t dram_arrived(const dram_t *d, int stream);
/* Marks bytes as already present (a warm start's preloaded weights). */
void dram_preload(dram_t *d, int stream, uint64_t bytes);
void dram_tick(dram_t *d);
/* Cycles to move `bytes` on an idle channel, latency included. */
uint64_t dram_transfer_cycles(const dram_t *d, uint64_t bytes);
/* Fast-forward k ticks with no stream below its limit (precondition:
 * !dram_busy): no bytes move, the fraction resets, history repeats. */
void dram_skip(dram_t *d, uint64_t k);
/* The cycle its clock stands at: its ticks and skipped cycles so far, all
 * shifted by the steady-state jump's. Once the channel has settled the
 * engine owes it the cycles from there to its own clock (accel_cycle). */
uint64_t dram_now(const dram_t *d);
/* No demand, no fraction pending, and the latency history holds only the
 * current totals: the channel looks the same at any later cycle. */
int dram_steady(const dram_t *d);
/* Idle and settled: no demand, and every slot of the latency history
 * holds the current totals, so a tick only moves the clock (as dram_skip
 * does) and what has arrived does not depend on the clock. It stays so
 * until a stream's limit is raised. The cheap form of dram_steady the
 * engine asks each cycle. */
bool dram_settled(const dram_t *d);
/* Stream s has no demand and its history holds only its total: whatever
 * the other stream does, s looks the same at any later cycle. */
int dram_stream_idle(const dram_t *d, int s);
/* The steady-state jump (snap.h). The snapshot writes the channel's state
 * with stream s's byte totals relative to `base` (the consumer's position
 * at the snapshot's step) and its latency history by age, so a channel
 * streaming the same bytes per step compares equal a step later; the other
 * stream's totals are written as they are. The shift moves the clock by
 * `cycles` keeping the history's ages, and stream s's totals by `bytes`. */
void dram_snapshot(const dram_t *d, snap_t *snap, int s, uint64_t base);
void dram_shift_stream(dram_t *d, uint64_t cycles, int s, uint64_t bytes);
/* Closed forms of k ticks with the limits fixed. Within a tick the budget
 * (carry + bw) goes to stream 0 first, then stream 1, whole bytes only;
 * the fraction is kept while demand is unmet. So after m ticks the two
 * streams together have requested T(m) = min(W, floor((carry + m bw) / 1e6))
 * more bytes (W: what the limits still allow), stream 0 the first
 * min(want0, T) of them and stream 1 the rest.
 * dram_ticks_until: ticks after which stream s has `pos` bytes arrived
 * (requested, then `latency` cycles), or UINT64_MAX if its limit stops it
 * short. dram_advance: exactly k dram_tick() calls. */
uint64_t dram_ticks_until(const dram_t *d, int s, uint64_t pos);
void dram_advance(dram_t *d, uint64_t k);
/* Would a tick change anything (is any stream below its limit)? */
int dram_busy(const dram_t *d);

/* This unit behind the unit interface (unit.h). */
extern const unit_ops_t dram_unit;

#endif

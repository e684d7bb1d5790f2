/*
 * trace.h - Chrome trace-event JSON (opens in Perfetto and chrome://tracing).
 *
 * One track ("thread") per hardware unit; each segment, block, packet or
 * step is a complete slice ("ph":"X") with its cycle span converted to
 * microseconds at the configured clock, tagged with step, gate and rows.
 * Idle stretches of the VS array are slices named after their cause.
 * Counter tracks ("ph":"C"), one sample per counter window: DRAM (bytes in
 * flight, read GB/s), weight buffer (read and write GB/s), intermediate
 * buffer (values held, of its capacity), accumulators -> MFU FIFO (items
 * held), accumulators (blocks in flight) and the VS array's utilization
 * over the window.
 *
 * The window. Only cycles [from, from + cycles) are traced: a slice is
 * written when it ends inside the window (its start clipped to `from`), so
 * a slice still open at the window's end is left out; a step filter drops
 * slices tagged with a step outside [step_lo, step_hi]. The simulator may
 * fast-forward outside the window (trace_ff_room); what the window holds
 * is byte-identical to stepping every cycle (tests/trace/trace.sh).
 *
 * The file is written through afile (a temporary file beside the target,
 * renamed into place by trace_close(ok)), so a failed run leaves no trace
 * and two runs sharing a path each write a whole file. It stops growing
 * at max_bytes: later events are dropped, a final "trace truncated"
 * instant marks the cycle, the note callback says so once, and the rest
 * of the run may fast-forward (nothing more will be written).
 */
#ifndef SHARPSIM_TRACE_H
#define SHARPSIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/stats.h"

enum { TRACE_CTRL = 1, TRACE_VS, TRACE_VS_IDLE, TRACE_ACC, TRACE_MFU, TRACE_CELL, TRACE_NTRACKS };

typedef struct trace_opts {
	double clock_mhz;
	uint64_t from;		  /* first traced cycle */
	uint64_t cycles;	  /* window length; 0: to the end of the run */
	int64_t step_lo, step_hi; /* slices tagged with a step outside: dropped; -1: no filter */
	uint64_t max_bytes;	  /* 0: no cap */
	uint64_t window;	  /* counter sample period, cycles; 0: 1000 */
	uint64_t nk;		  /* multipliers (N x K), for utilization */
	uint64_t expect_cycles;	  /* cycles the run will take, when known (0: unknown): for the estimate */
	/* Progress notes (an estimate of time and size, the cap): called at
	 * most once each; NULL: none. */
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
} trace_opts_t;

/* What the counter tracks show that no counter holds: levels at the
 * sample's cycle. */
typedef struct trace_levels {
	uint64_t dram_in_flight; /* bytes requested, not arrived */
	uint64_t ibuf_used, ibuf_capacity;
	uint64_t preact_items;
	uint64_t acc_in_flight;
} trace_levels_t;

typedef struct trace trace_t;

trace_t *trace_open(const char *path, const trace_opts_t *o, sim_err_t *err);
/* ok = false discards the file. */
int trace_close(trace_t *t, bool ok, sim_err_t *err);
/* args: the inside of a JSON object (e.g. "\"step\":3"), or NULL. */
void trace_slice(trace_t *t, int track, const char *name, uint64_t start, uint64_t end, const char *args);
/* How many cycles from now may pass without stepping: 0 inside the window,
 * up to its start before it, UINT64_MAX after it (nothing more to write). */
uint64_t trace_ff_room(const trace_t *t, uint64_t now);
/* True when a counter sample is due at cycle now (call every stepped
 * cycle); then trace_sample writes it from the counters and levels. */
bool trace_sample_due(const trace_t *t, uint64_t now);
void trace_sample(trace_t *t, uint64_t now, const stats_t *st, const trace_levels_t *lv);

#endif

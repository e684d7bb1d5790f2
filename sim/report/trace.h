/*
 * trace.h - Chrome trace-event JSON (opens in Perfetto and chrome://tracing).
 *
 * One track ("thread") per hardware unit; each segment, block, packet or
 * step is a complete slice ("ph":"X") with its cycle span converted to
 * microseconds at the configured clock, tagged with step, gate and rows.
 * Idle stretches of the VS array are slices named after their cause. The
 * file is written to PATH.tmp and renamed into place by trace_close(), so a
 * failed run leaves no half-written trace.
 */
#ifndef SHARPSIM_TRACE_H
#define SHARPSIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"

enum {
	TRACE_CTRL = 1,
	TRACE_VS,
	TRACE_VS_IDLE,
	TRACE_ACC,
	TRACE_MFU,
	TRACE_CELL,
	TRACE_NTRACKS
};

typedef struct trace trace_t;

trace_t *trace_open(const char *path, double clock_mhz, sim_err_t *err);
/* ok = false discards the file. */
int trace_close(trace_t *t, bool ok, sim_err_t *err);
/* args: the inside of a JSON object (e.g. "\"step\":3"), or NULL. */
void trace_slice(trace_t *t, int track, const char *name, uint64_t start, uint64_t end, const char *args);

#endif

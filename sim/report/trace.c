#include "trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/afile.h"

/* Counters whose change per window the counter tracks show. */
enum { TR_DRAM_RD, TR_WBUF_RD, TR_WBUF_WR, TR_IBUF_WR, TR_IBUF_RD, TR_USEFUL, TR_NCOUNT };
static const char *const tr_counter[TR_NCOUNT] = {
	"dram.read_bytes", "wbuf.read_bytes", "wbuf.write_bytes", "interbuf.writes", "interbuf.reads", "vs.useful_macs",
};

struct trace {
	afile_t *a;
	FILE *f;
	trace_opts_t o;
	uint64_t to;	     /* end of the window (exclusive); UINT64_MAX: the run's end */
	uint64_t bytes;	     /* written so far */
	uint64_t wanted;     /* bytes the events so far take, written or not (for the estimate) */
	uint64_t last_cycle; /* latest slice end or sample written */
	bool capped, estimated;
	uint64_t prev[TR_NCOUNT], prev_at;
	bool have_prev;
	uint64_t slices;
	struct timespec t0;
	bool have_t0;
	uint64_t c0;
};

static const char *const track_names[TRACE_NTRACKS] = {
	NULL, "controller", "VS array", "VS array idle (cause)", "accumulators", "A-MFU", "cell updater",
};

/* Writes one event, or nothing once the cap is reached. */
static void trace_put(trace_t *t, const char *ev)
{
	size_t n = strlen(ev);
	t->wanted += n;
	if (t->capped)
		return;
	if (t->o.max_bytes && t->bytes + n > t->o.max_bytes) {
		t->capped = true;
		if (t->o.note) {
			char msg[256];
			snprintf(msg, sizeof msg,
				 "the trace reached its cap of %" PRIu64 " MB at cycle %" PRIu64
				 "; later events are left out (raise --trace-max-mb, or trace a window with "
				 "--trace-from/--trace-cycles)",
				 t->o.max_bytes >> 20, t->last_cycle);
			t->o.note(t->o.note_ctx, msg);
		}
		return;
	}
	fputs(ev, t->f);
	t->bytes += n;
}

trace_t *trace_open(const char *path, const trace_opts_t *o, sim_err_t *err)
{
	trace_t *t = calloc(1, sizeof *t);
	if (!t) {
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	t->o = *o;
	if (!t->o.window)
		t->o.window = 1000;
	t->to = o->cycles && o->from <= UINT64_MAX - o->cycles ? o->from + o->cycles : UINT64_MAX;
	if (!(t->a = afile_open(path, err))) {
		free(t);
		return NULL;
	}
	t->f = afile_stream(t->a);
	char ev[512];
	trace_put(t, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
		     "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"sharpsim\"}}");
	for (int i = 1; i < TRACE_NTRACKS; i++) {
		snprintf(
			ev, sizeof ev,
			",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":\"%s\"}}"
			",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"sort_index\":%d}}",
			i, track_names[i], i, i);
		trace_put(t, ev);
	}
	snprintf(ev, sizeof ev,
		 ",\n{\"name\":\"trace window\",\"ph\":\"M\",\"pid\":1,\"args\":{\"from_cycle\":%" PRIu64
		 ",\"cycles\":%" PRIu64 ",\"counter_window\":%" PRIu64 "}}",
		 o->from, o->cycles, t->o.window);
	trace_put(t, ev);
	return t;
}

/* The step a slice is tagged with ("step":N in args), or -1. */
static int64_t trace_step_of(const char *args)
{
	const char *p = args ? strstr(args, "\"step\":") : NULL;
	return p ? strtoll(p + 7, NULL, 10) : -1;
}

/* Once, after half a second of tracing: the time and size the whole
 * window will take at the rate so far. */
static void trace_estimate(trace_t *t, uint64_t now)
{
	if (t->estimated || !t->o.note || (t->slices & 1023))
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (!t->have_t0) {
		t->t0 = ts;
		t->c0 = now;
		t->have_t0 = true;
		return;
	}
	double s = (double)(ts.tv_sec - t->t0.tv_sec) + 1e-9 * (double)(ts.tv_nsec - t->t0.tv_nsec);
	if (s < 0.5 || now <= t->c0)
		return;
	t->estimated = true;
	uint64_t end = t->to != UINT64_MAX ? t->to : t->o.expect_cycles;
	if (!end || end <= now)
		return;
	double rate = (double)(now - t->c0) / s, bpc = (double)t->wanted / (double)(now - t->o.from + 1);
	uint64_t span = end - (t->o.from < end ? t->o.from : 0);
	char msg[400];
	snprintf(msg, sizeof msg,
		 "tracing %" PRIu64 " cycles one at a time at %.2f M cycles/s and %.1f bytes "
		 "per cycle so far: about %.0f s more and %.0f MB in all%s (--trace-from/--trace-cycles "
		 "trace a window)",
		 span, rate / 1e6, bpc, (double)(end - now) / rate, bpc * (double)span / 1e6,
		 t->o.max_bytes && bpc * (double)span > (double)t->o.max_bytes ? ", more than --trace-max-mb allows"
									       : "");
	t->o.note(t->o.note_ctx, msg);
}

void trace_slice(trace_t *t, int track, const char *name, uint64_t start, uint64_t end, const char *args)
{
	if (end <= t->o.from || end > t->to)
		return;
	if (t->o.step_lo >= 0) {
		int64_t s = trace_step_of(args);
		if (s >= 0 && (s < t->o.step_lo || s > t->o.step_hi))
			return;
	}
	if (start < t->o.from)
		start = t->o.from;
	t->last_cycle = end;
	t->slices++;
	trace_estimate(t, end);
	double us = 1.0 / t->o.clock_mhz;
	char ev[768];
	snprintf(ev, sizeof ev,
		 ",\n{\"name\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%.6f,\"dur\":%.6f,"
		 "\"args\":{\"cycle\":%" PRIu64 ",\"cycles\":%" PRIu64 "%s%s}}",
		 name, track, (double)start * us, (double)(end - start) * us, start, end - start, args ? "," : "",
		 args ? args : "");
	trace_put(t, ev);
}

uint64_t trace_ff_room(const trace_t *t, uint64_t now)
{
	if (now >= t->to || t->capped)
		return UINT64_MAX;
	return now < t->o.from ? t->o.from - now : 0;
}

bool trace_sample_due(const trace_t *t, uint64_t now)
{
	return now >= t->o.from && now < t->to && (now - t->o.from) % t->o.window == 0 && !t->capped;
}

static void trace_counter(trace_t *t, const char *track, double ts, const char *series)
{
	char ev[512];
	snprintf(ev, sizeof ev, ",\n{\"name\":\"%s\",\"ph\":\"C\",\"pid\":1,\"ts\":%.6f,\"args\":{%s}}", track, ts,
		 series);
	trace_put(t, ev);
}

void trace_sample(trace_t *t, uint64_t now, const stats_t *st, const trace_levels_t *lv)
{
	uint64_t cur[TR_NCOUNT];
	for (int i = 0; i < TR_NCOUNT; i++) {
		cur[i] = 0;
		stats_find(st, tr_counter[i], &cur[i]);
	}
	double ts = (double)now / t->o.clock_mhz;
	char s[400];
	t->last_cycle = now;
	snprintf(s, sizeof s, "\"bytes in flight\":%" PRIu64, lv->dram_in_flight);
	/* Rates cover the window that ends here; the first sample has none. */
	if (t->have_prev && now > t->prev_at) {
		double w = (double)(now - t->prev_at), gbps = t->o.clock_mhz / 1000.0;
		uint64_t d[TR_NCOUNT];
		for (int i = 0; i < TR_NCOUNT; i++)
			d[i] = cur[i] >= t->prev[i] ? cur[i] - t->prev[i] : cur[i];
		snprintf(s + strlen(s), sizeof s - strlen(s), ",\"read GB/s\":%.4f", (double)d[TR_DRAM_RD] / w * gbps);
		trace_counter(t, "DRAM", ts, s);
		snprintf(s, sizeof s, "\"read GB/s\":%.4f,\"write GB/s\":%.4f", (double)d[TR_WBUF_RD] / w * gbps,
			 (double)d[TR_WBUF_WR] / w * gbps);
		trace_counter(t, "weight buffer", ts, s);
		snprintf(s, sizeof s,
			 "\"values held\":%" PRIu64 ",\"capacity\":%" PRIu64 ",\"writes/cycle\":%.4f,"
			 "\"reads/cycle\":%.4f",
			 lv->ibuf_used, lv->ibuf_capacity, (double)d[TR_IBUF_WR] / w, (double)d[TR_IBUF_RD] / w);
		trace_counter(t, "intermediate buffer", ts, s);
		snprintf(s, sizeof s, "\"utilization\":%.4f",
			 t->o.nk ? (double)d[TR_USEFUL] / (w * (double)t->o.nk) : 0.0);
		trace_counter(t, "VS array utilization", ts, s);
	} else {
		trace_counter(t, "DRAM", ts, s);
		snprintf(s, sizeof s, "\"values held\":%" PRIu64 ",\"capacity\":%" PRIu64, lv->ibuf_used,
			 lv->ibuf_capacity);
		trace_counter(t, "intermediate buffer", ts, s);
	}
	snprintf(s, sizeof s, "\"items\":%" PRIu64, lv->preact_items);
	trace_counter(t, "accumulators -> MFU FIFO", ts, s);
	snprintf(s, sizeof s, "\"blocks in flight\":%" PRIu64, lv->acc_in_flight);
	trace_counter(t, "accumulators", ts, s);
	memcpy(t->prev, cur, sizeof cur);
	t->prev_at = now;
	t->have_prev = true;
}

int trace_close(trace_t *t, bool ok, sim_err_t *err)
{
	if (!t)
		return SIM_OK;
	if (!ok) {
		afile_abort(t->a);
		free(t);
		return SIM_OK;
	}
	if (t->capped)
		fprintf(t->f,
			",\n{\"name\":\"trace truncated (--trace-max-mb)\",\"ph\":\"i\",\"s\":\"g\",\"pid\":1,"
			"\"ts\":%.6f}",
			(double)t->last_cycle / t->o.clock_mhz);
	fputs("\n]}\n", t->f);
	int rc = afile_commit(t->a, err);
	free(t);
	return rc;
}

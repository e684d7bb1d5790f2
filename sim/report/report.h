/*
 * report.h - a run's results as text (for people), JSON (for tools) or CSV
 * (for spreadsheets and sweeps). Data only: the caller chooses the stream.
 *
 * JSON keys (stable; tests/golden pins them): version, config_hash, hw,
 * workload, scheduler, weights ("resident" | "streamed" | "mixed"),
 * weights_fit, cold, cycles, load_cycles, latency_us, useful_macs,
 * issued_macs, utilization, peak_gflops, peak_convention, macs_per_cycle,
 * wbuf_peak_gbps, layers[], stages{ctrl,vs,acc,mfu,cell: busy,stall,
 * starve}, idle_causes{padding,dependency,fill_drain,backpressure,
 * weight_fetch}, counters{every registered counter}, and, when priced,
 * the energy fields; counter_descriptions{name: text} last, only when asked
 * (describe_counters), so that the default output stays as pinned.
 */
#ifndef SHARPSIM_REPORT_H
#define SHARPSIM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../config/workload.h"
#include "../core/run.h"
#include "../energy/energy.h"

typedef enum { REPORT_TEXT = 0, REPORT_JSON, REPORT_CSV } report_format_t;

typedef struct report_ctx {
	const char *version;
	uint64_t config_hash;
	const workload_t *w;
	const run_result_t *r;
	const energy_report_t *energy; /* NULL: not priced */
	bool describe_counters; /* JSON: add counter_descriptions{name: text}
				 * after counters; text: list every counter */
} report_ctx_t;

void report_write(FILE *f, report_format_t fmt, const report_ctx_t *c);
/* The CSV header line matching report_write(REPORT_CSV). */
void report_csv_header(FILE *f, const report_ctx_t *c);
/* "text", "json" or "csv"; -1 for anything else. */
int report_parse_format(const char *s, report_format_t *out);

#endif

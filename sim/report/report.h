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
 * weight_fetch, decompress}, counters{every registered counter}, and, when priced,
 * the energy fields; counter_descriptions{name: text} last, only when asked
 * (describe_counters), so that the default output stays as pinned.
 */
#ifndef SHARPSIM_REPORT_H
#define SHARPSIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../config/workload.h"
#include "../core/run.h"
#include "../energy/energy.h"

typedef enum { REPORT_TEXT = 0, REPORT_JSON, REPORT_CSV } report_format_t;

typedef struct report_ctx {
	bool per_layer; /* CSV: a row per layer pass after the run's row */
	const char *version;
	uint64_t config_hash;
	const workload_t *w;
	const run_result_t *r;
	const energy_report_t *energy; /* NULL: not priced */
	bool describe_counters;	       /* JSON: add counter_descriptions{name: text}
				 * after counters; text: list every counter */
} report_ctx_t;

void report_write(FILE *f, report_format_t fmt, const report_ctx_t *c);
/*
 * One CSV schema for run, compare and sweep (REPORT_CSV_SCHEMA, written in
 * every row's "schema" column): the head columns, then (sweep only) the
 * swept keys, then the result columns, then a command's extra columns
 * (compare's ratios). A value a row does not have is left empty: "row" is
 * "run" or "layer" (`run --per-layer`), "layer" and "pass" are set on
 * layer rows, "design" on compare's rows; layer rows leave the whole-run
 * columns (load_cycles, idle_*, energy) empty. Bump the schema when a
 * column is renamed, moved or its meaning changes. docs/outputs.md.
 */
#define REPORT_CSV_SCHEMA 4
#define REPORT_CSV_SCHEMA_TEXT "4"
extern const char *const report_csv_head[];    /* NULL-terminated */
extern const char *const report_csv_results[]; /* NULL-terminated */
/* A column's value for a row, or NULL/"" when the row has none; buf is
 * scratch space the result may point into. */
typedef const char *(*report_csv_get_t)(const void *ctx, const char *name, char *buf, size_t size);
/* The header of the schema plus extra columns (NULL-terminated, or NULL). */
void report_csv_header_cols(FILE *f, const char *const *extra);
/* One row of the same columns, each value from get (schema is filled in). */
void report_csv_line(FILE *f, const char *const *extra, report_csv_get_t get, const void *ctx);
/* One field, quoted when it holds a comma, quote or line break. */
void report_csv_field(FILE *f, const char *s);
/*
 * A run's rows, by the one writer of run rows (run, compare and sweep all
 * take it): the run's value of column name for its run row (layer < 0) or
 * for layer pass `layer` of c->r->layers, or "" when that row has none
 * (whole-run columns on a layer row, energy when unpriced). Driven by
 * run_result_t and its layers[] alone, so any machine that fills them gets
 * per-layer rows. The value may point into buf.
 */
const char *report_csv_value(const report_ctx_t *c, long layer, const char *name, char *buf, size_t size);
/* A command's say over a column of one of the run's rows (layer as above):
 * its own value (design, compare's ratios), or NULL for the run's. */
typedef const char *(*report_csv_over_t)(const void *ctx, long layer, const char *name, char *buf, size_t size);
/* The run's row, then, when c->per_layer, a row per layer pass (row=layer,
 * in pass order), each with extra columns after the schema's; over (may be
 * NULL) is asked first for every column. No header. */
void report_csv_rows(FILE *f, const report_ctx_t *c, const char *const *extra, report_csv_over_t over,
		     const void *over_ctx);
/* The CSV header line matching report_write(REPORT_CSV). */
void report_csv_header(FILE *f, const report_ctx_t *c);
/* "text", "json" or "csv"; -1 for anything else. */
int report_parse_format(const char *s, report_format_t *out);

#endif

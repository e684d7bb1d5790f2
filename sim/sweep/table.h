/*
 * table.h - the rows of a sweep, deduplicated by config_hash, with the
 * columns and the canonical order shared by `sweep` and `merge`.
 *
 * Canonical order (so that a finished sweep, a resumed one and a merge of
 * its parts write byte-identical files): rows sorted by hw, workload
 * (natural order: sharp-1k < sharp-4k < sharp-16k), scheduler (sequential,
 * batch, intergate, unfolded), then every swept parameter column in column
 * order (natural order), then config_hash. Columns: the CSV schema's
 * head (report_csv_head: schema, version, config_hash, row, layer, pass,
 * hw, workload, scheduler, design; the CSV always has them all), the swept hardware keys in the order of the
 * hardware parameter table, the swept workload keys ("w.KEY") in the order
 * of the layer table, then the result columns (sweep_result_columns), then
 * any other key in strcmp order. A row lacking a column leaves it empty in
 * CSV and omits it in JSON. A row is a point; its sub-rows (per-layer rows)
 * follow it and are not rows of the table (sorting, deduplication, the
 * summary and the figures see points only).
 */
#ifndef SHARPSIM_SWEEP_TABLE_H
#define SHARPSIM_SWEEP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../common/err.h"
#include "record.h"

typedef struct sweep_table sweep_table_t;

/* The result columns of the CSV schema (report_csv_results of
 * report/report.h), in order, ending with the energy columns (empty when
 * the run was not priced). NULL-terminated. */
extern const char *const *const sweep_result_columns;

sweep_table_t *sweep_table_create(void);
void sweep_table_free(sweep_table_t *t);

/* Adds a copy of r unless a row with the same config_hash is present
 * (returns 1 then, 0 when added; SIM_ENOMEM-style negatives never: an
 * allocation failure is reported as -1). Registers r's keys as columns. */
int sweep_table_add(sweep_table_t *t, const sweep_rec_t *r);
bool sweep_table_has(const sweep_table_t *t, const char *config_hash);
/* Registers a column (no-op when present). */
int sweep_table_add_column(sweep_table_t *t, const char *name);

size_t sweep_table_rows(const sweep_table_t *t);
const sweep_rec_t *sweep_table_row(const sweep_table_t *t, size_t i);
size_t sweep_table_cols(const sweep_table_t *t);
const char *sweep_table_col(const sweep_table_t *t, size_t i);
/* True for a swept-parameter column (a hardware key or "w.KEY"). */
bool sweep_is_param_column(const char *name);

/* True for energy_uj, avg_power_w, area_mm2, gflops_per_w (present only
 * when the runs were priced). */
bool sweep_is_energy_column(const char *name);

/* Sorts rows and columns canonically. */
void sweep_table_sort(sweep_table_t *t);

void sweep_table_csv_header(const sweep_table_t *t, FILE *f);
/* r's line, then a line per sub-row of r (its per-layer rows, record.h):
 * a point's lines stay together, in pass order, in every file. */
void sweep_table_csv_row(const sweep_table_t *t, const sweep_rec_t *r, FILE *f);
/* One JSON object a line, keys in column order; sub-rows as for CSV. */
void sweep_table_jsonl_row(const sweep_table_t *t, const sweep_rec_t *r, FILE *f);
/* Rewrites dir/results.csv and dir/results.jsonl from the table as it is,
 * each atomically. */
int sweep_table_write_files(const sweep_table_t *t, const char *dir, sim_err_t *err);

/* The summary: rows grouped by everything except the scheduler; per group
 * the best scheduler (fewest cycles) and its speedup over sequential, then
 * the geometric-mean speedup of each scheduler per hw. */
void sweep_table_summary(const sweep_table_t *t, FILE *f);

#endif

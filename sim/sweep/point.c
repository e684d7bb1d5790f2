#include "point.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/pipeline.h"
#include "../energy/energy.h"
#include "../report/report.h"

/* How a record types a column of the CSV schema for JSON: the names and
 * words are strings, true/false booleans, other values numbers, and a
 * number that is not finite (an energy of an empty run) null. */
static char point_type(const char *col, const char *v)
{
	static const char *const strings[] = { "version",   "config_hash", "row",  "pass",    "hw", "workload",
					       "scheduler", "design",	   "tile", "weights", NULL };
	for (size_t i = 0; strings[i]; i++)
		if (!strcmp(col, strings[i]))
			return 's';
	if (!strcmp(v, "true") || !strcmp(v, "false"))
		return 'b';
	char *end;
	return isfinite(strtod(v, &end)) && !*end ? 'n' : 'z';
}

/* Adds column col of the run's row (layer < 0) or of layer pass `layer`,
 * its value from the run's CSV writer (report_csv_value), unless the row
 * has none. */
static int point_col(const report_ctx_t *c, long layer, const char *col, sweep_rec_t *row)
{
	char buf[256];
	const char *v = report_csv_value(c, layer, col, buf, sizeof buf);
	return v && *v ? sweep_rec_add(row, col, point_type(col, v), v) : SIM_OK;
}

/*
 * A row of the point (layer < 0: its run; else a pass), each value as
 * `run --format csv` writes it, by the same writer: the schema's head, the
 * point's swept-parameter columns, the result columns. A point row has no
 * "row" field (the CSV says "run" for it; results.jsonl stays as it was
 * before layer rows), a layer row has row = "layer".
 */
static int point_fields(const report_ctx_t *c, const sweep_point_t *pt, long layer, sweep_rec_t *row)
{
	int rc = SIM_OK;
	for (size_t i = 0; report_csv_head[i]; i++)
		if (strcmp(report_csv_head[i], "schema") && (layer >= 0 || strcmp(report_csv_head[i], "row")))
			rc |= point_col(c, layer, report_csv_head[i], row);
	for (size_t i = 0; i < sweep_rec_len(pt->label); i++)
		rc |= sweep_rec_add(row, sweep_rec_key(pt->label, i), sweep_rec_type(pt->label, i),
				    sweep_rec_value(pt->label, i));
	for (size_t i = 0; report_csv_results[i]; i++)
		rc |= point_col(c, layer, report_csv_results[i], row);
	return rc ? SIM_ENOMEM : SIM_OK;
}

/* The point's row and, with per_layer, its passes' rows as sub-rows
 * (record.h), so that the journal holds them as one record. */
static int point_rows(const sweep_spec_t *s, const sweep_point_t *pt, const run_outcome_t *o, const char *version,
		      sweep_rec_t *row)
{
	report_ctx_t c = { .version = version,
			   .config_hash = o->config_hash,
			   .w = &o->w,
			   .r = &o->r,
			   .energy = o->priced ? &o->e : NULL };
	int rc = point_fields(&c, pt, -1, row);
	for (size_t l = 0; !rc && s->per_layer && l < o->r.n_layers; l++) {
		sweep_rec_t *lr = sweep_rec_create();
		rc = !lr ? SIM_ENOMEM : point_fields(&c, pt, (long)l, lr);
		if (lr && rc)
			sweep_rec_free(lr);
		else if (!rc)
			rc = sweep_rec_add_child(row, lr);
	}
	return rc;
}

int sweep_point_run(const sweep_spec_t *s, size_t i, const energy_tech_t *tech, tile_cache_t *tiles,
		    config_memo_t *memo, const char *version, sweep_rec_t **out, sim_err_t *err)
{
	const sweep_point_t *pt = &s->pts[i];
	/* The point was hashed when the spec was expanded; a config or workload
	 * file edited since would label this row with a stale hash. */
	run_job_t job = {
		.hw_path = pt->hw_path,
		.hw_over = (const char *const *)pt->p,
		.n_hw = pt->np,
		.wl_path = pt->wl_path,
		.wl_over = (const char *const *)pt->w,
		.n_wl = pt->nw,
		.version = version,
		.expect_hash = pt->hash,
		.memo = memo,
		.tech = s->energy ? tech : NULL,
		.opts = { .cold = s->cold,
			  .fast_forward = s->fast_forward,
			  .tile_cache = tiles,
			  .functional = s->functional,
			  .no_reference = true, /* a row holds no error figures */
			  .seed = 1 },
	};
	run_outcome_t o;
	int rc = run_pipeline(&job, &o, err);
	if (rc)
		return rc;
	sweep_rec_t *row = sweep_rec_create();
	if (!row || point_rows(s, pt, &o, version, row))
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	run_outcome_free(&o);
	if (rc) {
		sweep_rec_free(row);
		return rc;
	}
	*out = row;
	return SIM_OK;
}

/*
 * point.h - running one point of a sweep in this process and turning the
 * run into a result row (sweep_result_columns of table.h plus the point's
 * swept-parameter columns).
 *
 * The sweep's workers call this for point after point in one process (see
 * the pool in cli/cli_sweep.c), so a run must leave nothing behind: it
 * frees what it allocates and its row depends on the point alone, not on
 * the points run before it (tests/test_sweep.c). The row travels back to
 * the sweeper as an encoded record (record.h). With the spec's per_layer,
 * the row carries the run's per-layer rows as sub-rows, so that the
 * journal holds a point and its layer rows as one record.
 */
#ifndef SHARPSIM_SWEEP_POINT_H
#define SHARPSIM_SWEEP_POINT_H

#include "../common/err.h"
#include "../config/config_memo.h"
#include "../config/tile_cache.h"
#include "../energy/energy.h"
#include "record.h"
#include "spec.h"

/* Runs point i of s. tech: the technology table when s->energy (NULL when
 * not priced); it is only read, so one table serves every point of a sweep
 * rather than being parsed again per point. tiles: the process's tile-table
 * cache, kept across its points for the same reason (NULL: load per point).
 * memo: the process's config memo (config_memo.h), kept across its points
 * likewise (NULL: load and hash each point's config afresh). */
int sweep_point_run(const sweep_spec_t *s, size_t i, const energy_tech_t *tech, tile_cache_t *tiles,
		    config_memo_t *memo, const char *version, sweep_rec_t **out, sim_err_t *err);

#endif

/*
 * point.h - running one point of a sweep in this process and turning the
 * run into a result row (sweep_result_columns of table.h plus the point's
 * swept-parameter columns).
 *
 * The sweep runs each point in a forked child that calls this, so a crash
 * or a deadlock of one point cannot take the sweeper down; the row travels
 * back to the parent as an encoded record (record.h).
 */
#ifndef SHARPSIM_SWEEP_POINT_H
#define SHARPSIM_SWEEP_POINT_H

#include "../common/err.h"
#include "record.h"
#include "spec.h"

/* Runs point i of s. tech: the technology table when s->energy (NULL or ""
 * when not priced). */
int sweep_point_run(const sweep_spec_t *s, size_t i, const char *tech, const char *version, sweep_rec_t **out,
		    sim_err_t *err);

#endif

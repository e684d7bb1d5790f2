/*
 * spec.h - a sweep spec: the cartesian product of hardware configs,
 * workloads, schedulers and parameter values, expanded into points.
 *
 *   title: "DeepBench, weights resident"   # optional, names the figures
 *   hw: [configs/sharp-1k.yaml, ...]        # files (a single string is fine)
 *   workloads: [workloads/deepbench]        # files or directories (their *.yaml, sorted)
 *   schedulers: [sequential, unfolded]      # optional; default: each config's own
 *   params:                                 # optional hardware keys (as -p)
 *     compute.tile: [config1, config4]      #   key: list of values, or
 *     design:                               #   any name: list of maps, each
 *       - {compute.vs_width: 64, compute.vs_units: 16}   # setting keys together
 *   workload_params:                        # optional layer keys (as -w), same forms
 *     skip_input: [false, true]
 *   cold: false                             # run options of every point
 *   energy: true                            #   price the runs (energy columns)
 *   tech: configs/tech/sharp-32nm.yaml      #   "" = the built-in default path
 *   fast_forward: true                      #   exact steady-state jumps (as run)
 *   per_layer: false                        #   a row per layer pass after each point's
 *                                           #   (a report option: no config_hash changes)
 *   functional: false                       #   compute values (as run --functional, seed 1):
 *                                           #   what a delta network's timing needs
 *
 * Axes multiply in the order hw, workloads, schedulers, params (in file
 * order), workload_params (in file order); the point index (`--point I`)
 * counts in that order. Paths resolve against the working directory, else
 * against the spec's own directory.
 *
 * Everything is checked before anything runs: unknown spec keys and
 * unknown parameter keys (with a suggestion), values out of range (at their
 * line and column), and every point's config and workload are loaded, so a
 * cross-key inconsistency (a tile N cannot form) is reported at the point's
 * first swept value. Points whose effective config hashes alike run once.
 * A technology table (tech:, when energy is on) and any tile table a point
 * names must exist before the first point runs.
 *
 * Expansion is one point at a time (an odometer over the axes), with
 * duplicates found through a hash index, and the loads of configs and
 * workloads memoized by file and overrides (a study has few distinct
 * ones), so its time is linear in the points; a spec of more than SWEEP_MAX_POINTS points is refused from the
 * axis lengths alone, before anything is expanded.
 */
#ifndef SHARPSIM_SWEEP_SPEC_H
#define SHARPSIM_SWEEP_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "record.h"

typedef struct sweep_point {
	char *hw_path, *wl_path;
	char **p; /* "key=value" hardware overrides */
	size_t np;
	char **w; /* "key=value" workload overrides */
	size_t nw;
	sweep_rec_t *label; /* swept-parameter columns and their values */
	char hash[17];	    /* config_hash as hex */
	char hw_name[64];
	char wl_name[128];
	char sched[16];
} sweep_point_t;

/* Loading a point costs about a millisecond (its config and workload are
 * read and checked), so this is a few minutes of expansion at most; the
 * studies of the paper have about a thousand. */
#define SWEEP_MAX_POINTS 100000

typedef struct sweep_spec {
	char *path;
	char *title;
	bool cold, energy, fast_forward, per_layer, functional;
	char *tech;	    /* "" = caller's default */
	sweep_point_t *pts; /* unique points, in expansion order */
	size_t n;
	size_t n_expanded; /* before removing duplicate configs */
	char **param_cols; /* every swept column name */
	size_t n_param_cols;
	size_t cap;	  /* of pts */
	size_t *index;	  /* open-addressing hash index of pts by hash: i + 1, 0 = empty */
	size_t index_cap; /* 0 or a power of two */
} sweep_spec_t;

/* Called during expansion with the points expanded so far and the total. */
typedef void sweep_spec_progress_fn(void *ctx, size_t done, size_t total);

int sweep_spec_load(const char *path, const char *version, sweep_spec_t *out, sim_err_t *err);
/* As sweep_spec_load, reporting progress to fn (may be NULL) every 256
 * points. */
int sweep_spec_load_progress(const char *path, const char *version, sweep_spec_progress_fn *fn, void *ctx,
			     sweep_spec_t *out, sim_err_t *err);
/* The index of the unique point whose config_hash is hash, or -1. */
long sweep_spec_find(const sweep_spec_t *s, const char *hash);
void sweep_spec_free(sweep_spec_t *s);

#endif

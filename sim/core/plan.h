/*
 * plan.h - everything about a run that is decided before the clock starts.
 *
 * plan_build() takes the hardware config as written, the workload and an
 * optional tile table (loaded by the caller: the plan reads no file) and
 * resolves every "auto" in the order resolve.h gives: lanes, banks, port
 * bandwidth, accumulators, then per pass the tile config (the table, else
 * explored on the fly by running the engine on a two-step copy of the
 * layer with each config fixed, so no plan built there explores again) and
 * the weight placement (resident or streamed). It expands bidirectional
 * layers into passes and builds each pass's program. The engine
 * (engine_run, run.h) runs a plan and decides nothing of this.
 */
#ifndef SHARPSIM_PLAN_H
#define SHARPSIM_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../config/config.h"
#include "../config/hw_cfg.h"
#include "../config/tile_cache.h"
#include "../config/workload.h"
#include "../ctrl/sched.h"
#include "../sched/registry.h"
#include "resolve.h"

typedef struct plan_pass {
	uint32_t layer; /* index in the workload */
	bool backward;	/* the backward pass of a bidirectional layer, or a reverse layer */
	/* Weight sets the pass issues each tile with: 2 for a bidirectional
	 * layer under direction_schedule: interleaved (its sequences
	 * 0..B-1 are the forward direction, B..2B-1 the backward one), else 1. */
	uint32_t sets;
	tile_sel_t tile; /* resolved tile config */
	tile_source_t tile_src;
	bool resident;	       /* weights kept on chip (else streamed) */
	bool fit;	       /* one step's weights fit the buffer */
	bool fit_fp16;	       /* ... and would fit at fp16 (else they fit only compressed) */
	uint64_t bytes;	       /* stored weight bytes of one step, every set */
	uint64_t fp16_bytes;   /* what they would be at fp16 */
	uint64_t nnz_per_step; /* pruned layer: non-zero weights of W and U, counted on the masks (0: dense) */
} plan_pass_t;

typedef struct plan {
	hw_cfg_t hw;			  /* every auto resolved */
	const sched_desc_t *sched;	  /* the schedule hw.scheduler names */
	const sched_registry_t *registry; /* where it was looked up */
	workload_t passes;		  /* one unidirectional layer per pass (owned array) */
	plan_pass_t *pass;		  /* per pass */
	sched_prog_t *progs;		  /* per pass: one step's program */
	uint32_t n, k;			  /* VS units, effective lanes per unit */
	bool weights_fit;		  /* every pass's weights fit */
	weight_policy_t weights;	  /* RESIDENT, STREAM, or AUTO when passes differ */
} plan_t;

/* table: the tile table for tile: auto (NULL: explore every layer).
 * cache: where layers explored on the fly are kept under the resolved
 * config's timing key (tile_cache_explored; NULL: within this plan only).
 * registry: where hw->scheduler is looked up (NULL: the built-in ones).
 * On error *out holds nothing to free. */
int plan_build(const hw_cfg_t *hw, const workload_t *w, const tile_table_t *table, tile_cache_t *cache,
	       const sched_registry_t *registry, plan_t *out, sim_err_t *err);
void plan_free(plan_t *p);

#endif

/*
 * resolve.h - turning the config as written into the config as built.
 *
 * The user's config keeps "auto" (so the effective-config dump and
 * config_hash show what was written); before any component is created the
 * core resolves each auto in this order:
 *   1. cell_updater.tanh_latency = mfu.latency  (docs/hardware.md §2.5)
 *   2. weight_buffer.banks = N                   (one bank per VS unit)
 *   3. bytes_per_cycle     = N*K*2 (a full tile) (docs/hardware.md §2, "peak bandwidth")
 *   4. accumulators        = M + ceil(log2 N) + A + 1: a block of one tile
 *      holds its accumulator from issue until it leaves, M + d + A cycles
 *      later, so that many keep one-tile blocks (short Unfolded segments at
 *      large N) flowing back to back; and at least the largest batch, since
 *      each sequence of a block has its own (resolve_accumulators)
 *   5. per layer: the tile config (explore table, else explored on the fly)
 *      and the weight placement (resident / stream), in plan.c.
 * Precision fix16x16 pairs two 16x8 multipliers per MAC, so its array has
 * K/2 effective lanes per VS unit.
 */
#ifndef SHARPSIM_RESOLVE_H
#define SHARPSIM_RESOLVE_H

#include "../common/err.h"
#include "../config/config.h"
#include "../config/hw_cfg.h"
#include "../config/tile_cache.h"
#include "../config/workload.h"
#include "../sched/registry.h"

void resolve_hw(hw_cfg_t *hw);
/* compute.accumulators as built: the configured count, or for auto the
 * count above, raised to max_batch. */
uint32_t resolve_accumulators(const hw_cfg_t *hw, uint32_t max_batch);
/* Effective multiplier lanes per VS unit for the precision. */
uint32_t resolve_lanes(const hw_cfg_t *hw);
/* Capacity of the intermediate buffer, in fp32 values available to run-ahead. */
uint64_t resolve_inter_values(const hw_cfg_t *hw);

typedef enum { TILE_FROM_CONFIG = 0, TILE_FROM_TABLE, TILE_EXPLORED } tile_source_t;

/* The timing key of hw as exploration runs it (a copy resolved by
 * resolve_hw, so "auto" and the value it resolves to are one key, and its
 * weights resident, as explore_layer places them whatever the config says:
 * the placement moves a run's cycles but never a tile choice). explore
 * writes it into a table; a run uses a table only under the same key. */
uint64_t resolve_timing_key(const hw_cfg_t *hw);

/* A tile table found but not used: explored for another configuration
 * (its timing key differs from the run's) or written before tables carried
 * a key. The caller says so once; the run explores each layer instead. */
typedef struct tile_stale {
	bool stale;
	bool has_key;	    /* false: an old table without a timing_key */
	uint64_t table_key; /* when has_key */
	uint64_t run_key;
	char path[HW_PATH_MAX + 32];
} tile_stale_t;

/* The tile table for hw: compute.tile_table when set (an error if it does
 * not exist), else configs/tiles/<name>.yaml when it exists (*out NULL when
 * there is none: every layer is then explored). Loaded through cache, which
 * owns the table. A table whose timing key is not hw's is never used: *out
 * is NULL and *stale (if not NULL) says which table and why. */
int resolve_tile_table(const hw_cfg_t *hw, tile_cache_t *cache, const tile_table_t **out, tile_stale_t *stale,
		       sim_err_t *err);
/* The tile config a layer runs with (hw already resolved): the configured
 * one, the table's (table may be NULL), one explored earlier under hw's
 * key (memo, may be NULL), or explored on the fly (then added to memo). */
int resolve_tile(const hw_cfg_t *hw, const tile_table_t *table, tile_table_t *memo, const sched_registry_t *registry,
		 const layer_cfg_t *l, tile_sel_t *out, tile_source_t *src, sim_err_t *err);

/* The key a tile table holds a pass of workload layer l under: its layer
 * key with the direction as the pass runs it. A forward, reverse or
 * sequential bidirectional pass is one unidirectional pass (the same
 * program and cycles); an interleaved bidirectional layer is one pass of
 * both directions, a different run. A delta layer is keyed as the dense
 * layer it skips columns of. */
uint64_t resolve_layer_key(const hw_cfg_t *hw, const layer_cfg_t *l);
/* l runs as one pass of both its directions (direction_schedule). */
bool resolve_interleaved(const hw_cfg_t *hw, const layer_cfg_t *l);

#endif

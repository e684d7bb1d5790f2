#include "resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/datadir.h"
#include "../config/config.h"
#include "../ctrl/sched.h"
#include "explore.h"

uint32_t resolve_lanes(const hw_cfg_t *hw)
{
	uint32_t k = hw->compute.vs_width;
	return hw->precision.mul == PREC_FIX16X16 ? (k / 2 ? k / 2 : 1) : k;
}

uint32_t resolve_accumulators(const hw_cfg_t *hw, uint32_t max_batch)
{
	if (hw->compute.accumulators)
		return hw->compute.accumulators;
	uint32_t d = 0;
	while ((1u << d) < hw->compute.vs_units)
		d++;
	uint32_t a = hw->compute.mult_latency + d + hw->compute.acc_latency + 1;
	return a > max_batch ? a : max_batch;
}

void resolve_hw(hw_cfg_t *hw)
{
	uint32_t k = resolve_lanes(hw);
	/* The cell updater's tanh is the same function as the MFU's, built the
	 * same way, so unless set it has the MFU's depth (docs/hardware.md §2.5). */
	if (!hw->cell.tanh_latency)
		hw->cell.tanh_latency = hw->mfu.latency;
	if (!hw->memory.wbuf.banks)
		hw->memory.wbuf.banks = hw->compute.vs_units;
	if (!hw->memory.wbuf.bytes_per_cycle)
		hw->memory.wbuf.bytes_per_cycle = (uint64_t)hw->compute.vs_units * k * 2;
}

uint64_t resolve_inter_values(const hw_cfg_t *hw)
{
	uint64_t bytes = hw->memory.inter_bytes;
	if (hw->memory.inter_double)
		bytes /= 2;
	return bytes / 4;
}

uint64_t resolve_timing_key(const hw_cfg_t *hw)
{
	hw_cfg_t h = *hw;
	resolve_hw(&h);
	h.memory.weights = WEIGHTS_RESIDENT;
	return config_timing_key(&h);
}

int resolve_tile_table(const hw_cfg_t *hw, tile_cache_t *cache, const tile_table_t **out, tile_stale_t *stale,
		       sim_err_t *err)
{
	*out = NULL;
	if (stale)
		memset(stale, 0, sizeof *stale);
	char path[HW_PATH_MAX + 32];
	if (hw->compute.tile_table[0])
		snprintf(path, sizeof path, "%s", hw->compute.tile_table);
	else
		snprintf(path, sizeof path, "configs/tiles/%s.yaml", hw->name);
	char found[DATADIR_PATH_MAX];
	const char *table = datadir_find(path, found, sizeof found);
	if (access(table, R_OK) != 0) {
		if (hw->compute.tile_table[0])
			return sim_err(err, SIM_EINPUT,
				       "%s: cannot open the tile table named by compute.tile_table, "
				       "expected a file written by `sharpsim explore`",
				       path);
		return SIM_OK;
	}
	const tile_table_t *t = NULL;
	int rc = tile_cache_get(cache, table, &t, err);
	if (rc)
		return rc;
	/* A choice explored on another machine (or on an unknown one) is not
	 * this machine's best: explore each layer instead of reusing it. */
	uint64_t key = resolve_timing_key(hw);
	if (!t->has_key || t->timing_key != key) {
		if (stale)
			*stale = (tile_stale_t){
				.stale = true, .has_key = t->has_key, .table_key = t->timing_key, .run_key = key
			};
		if (stale)
			snprintf(stale->path, sizeof stale->path, "%s", path);
		return SIM_OK;
	}
	*out = t;
	return SIM_OK;
}

bool resolve_interleaved(const hw_cfg_t *hw, const layer_cfg_t *l)
{
	return l->direction == DIR_BI && hw->direction_schedule == DIRSCHED_INTERLEAVED;
}

uint64_t resolve_layer_key(const hw_cfg_t *hw, const layer_cfg_t *l)
{
	layer_cfg_t u = *l;
	u.direction = resolve_interleaved(hw, l) ? DIR_BI : DIR_UNI;
	/* A delta layer's cycles follow its data; it takes the dense layer's
	 * tile (explore_layer explores it dense). */
	u.delta = false;
	u.delta_threshold_x = u.delta_threshold_h = 0;
	/* A magnitude mask follows the weights; explore_layer explores a
	 * seeded mask of the same sparsity, so both share its key. */
	u.sparsity_mask = SMASK_SEEDED;
	return config_layer_timing_key(&u);
}

int resolve_tile(const hw_cfg_t *hw, const tile_table_t *table, tile_table_t *memo, const sched_registry_t *registry,
		 const layer_cfg_t *l, tile_sel_t *out, tile_source_t *src, sim_err_t *err)
{
	if (hw->compute.tile != TILE_AUTO) {
		*out = hw->compute.tile;
		*src = TILE_FROM_CONFIG;
		return SIM_OK;
	}
	uint32_t k = resolve_lanes(hw);
	uint64_t key = resolve_layer_key(hw, l);
	const tile_entry_t *e = table ? config_tile_lookup(table, hw->compute.vs_units, k, hw->scheduler, key) : NULL;
	if (e) {
		*out = e->best;
		*src = TILE_FROM_TABLE;
		return SIM_OK;
	}
	*src = TILE_EXPLORED;
	e = memo ? config_tile_lookup(memo, hw->compute.vs_units, k, hw->scheduler, key) : NULL;
	if (e) {
		*out = e->best;
		return SIM_OK;
	}
	tile_entry_t x;
	int rc = explore_layer(hw, registry, l, &x, err);
	if (rc)
		return rc;
	*out = x.best;
	/* Kept for the next pass under this key; when memory is short it is
	 * not kept, and explored again then. */
	tile_entry_t *grown = memo ? realloc(memo->e, (memo->n + 1) * sizeof *grown) : NULL;
	if (grown) {
		memo->e = grown;
		memo->e[memo->n++] = x;
	}
	return SIM_OK;
}

/*
 * explore.h - the offline tile-config exploration (docs/hardware.md §4).
 *
 * For one layer shape, runs the cycle model with each tile config the
 * hardware can form (padding reconfiguration as configured) over two time
 * steps, one sequence, warm weights, and keeps the config with the fewest
 * cycles (ties go to the deeper tap, config4 first). Two steps include one
 * step boundary, where the schedules differ; more steps repeat it.
 */
#ifndef SHARPSIM_EXPLORE_H
#define SHARPSIM_EXPLORE_H

#include "../common/err.h"
#include "../config/config.h"
#include "../sched/registry.h"

/* registry: where hw->scheduler is looked up (NULL: the built-in ones). */
int explore_layer(const hw_cfg_t *hw, const sched_registry_t *registry, const layer_cfg_t *l, tile_entry_t *out,
		  sim_err_t *err);

#endif

/*
 * explore.h - the offline tile-config exploration (docs/hardware.md §4).
 *
 * For one pass of a layer, runs the cycle model with each tile config the
 * hardware can form (padding reconfiguration as configured) at the
 * layer's own timesteps and batch, warm weights, fast-forwarded (exact),
 * and keeps the config with the fewest cycles (ties go to the deeper tap,
 * config4 first). The ranking can invert between two steps and the
 * layer's real length (the steady state weighs the step boundary T - 1
 * times, the first step's fill once), so it is taken on the run the
 * layer will be.
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

/*
 * hw_cfg.c - names of the hardware enums, from the parameter table's name
 * lists so that a report prints exactly what a config file accepts.
 */
#include "hw_cfg.h"

#include "../machine/machine.h"
#include "../sched/registry.h"
#include "params.h"

const char *hw_sched_name(sched_kind_t s)
{
	const sched_desc_t *d = sched_registry_get(sched_registry_builtin(), (size_t)s);
	return d ? d->name : "?";
}

const char *hw_design_name(const hw_cfg_t *hw)
{
	return hw->machine ? machine_names[hw->machine] : hw_sched_name(hw->scheduler);
}

const char *hw_tile_name(tile_sel_t t)
{
	return (unsigned)t <= TILE_CONFIG4 ? param_tile_names[t] : "?";
}

const char *hw_weights_name(weight_policy_t w)
{
	return (unsigned)w <= WEIGHTS_STREAM ? param_weights_names[w] : "?";
}

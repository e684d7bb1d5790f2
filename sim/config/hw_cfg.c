/*
 * hw_cfg.c - names of the hardware enums, from the parameter table's name
 * lists so that a report prints exactly what a config file accepts.
 */
#include "hw_cfg.h"

#include "params.h"

const char *hw_sched_name(sched_kind_t s)
{
	return (unsigned)s < SCHED_KIND_ALL ? param_sched_names[s] : "?";
}

const char *hw_tile_name(tile_sel_t t)
{
	return (unsigned)t <= TILE_CONFIG4 ? param_tile_names[t] : "?";
}

const char *hw_weights_name(weight_policy_t w)
{
	return (unsigned)w <= WEIGHTS_STREAM ? param_weights_names[w] : "?";
}

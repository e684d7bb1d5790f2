/*
 * vanilla.c - the Elman RNN cell, one gate: h = f(W x + U h + b), f the
 * layer's role f (tanh unless act_f says otherwise, e.g. relu).
 * The MFU adds the bias and the cell updater evaluates f.
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t vanilla_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	(void)v;
	return cm_act(cm, CM_ROLE_F, e->gate[0]);
}

const cell_desc_t cell_desc_vanilla = {
	.name = "vanilla",
	.description = "Elman RNN, h = tanh(W x + U h + b)",
	.cite = "Elman 1990",
	.flags = CELL_F_RECURRENT | CELL_F_FUNCTIONAL,
	.gates = 1,
	.n_variants = 1,
	.act_roles = 1,
	.act_f = CELL_ACT_TANH,
	.variant = { {
		.phases = 1,
		.phase_ngates = { 1 },
		.phase_gate = { { 0 } },
		.act = { CELL_ACT_NONE },
		.x_apart = -1,
		.rh_gate = -1,
		.ops = { .tanhs = 1, .role_evals = { 1, 0, 0 } },
	} },
	.step = vanilla_step,
};

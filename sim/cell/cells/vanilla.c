/*
 * vanilla.c - the Elman RNN cell, one gate: h = tanh(W x + U h + b).
 * The MFU adds the bias and the cell updater evaluates the tanh.
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t vanilla_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	(void)v;
	return cm_act(cm, ACT_TANH, e->gate[0]);
}

const cell_desc_t cell_desc_vanilla = {
	.name = "vanilla",
	.description = "Elman RNN, h = tanh(W x + U h + b)",
	.cite = "Elman 1990",
	.flags = CELL_F_RECURRENT | CELL_F_FUNCTIONAL,
	.gates = 1,
	.n_variants = 1,
	.variant = { {
		.phases = 1,
		.phase_ngates = { 1 },
		.phase_gate = { { 0 } },
		.act = { CELL_ACT_NONE },
		.x_apart = -1,
		.rh_gate = -1,
		.ops = { .tanhs = 1 },
	} },
	.step = vanilla_step,
};

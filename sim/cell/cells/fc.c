/*
 * fc.c - a fully connected layer: hidden_size outputs W x + b from
 * input_size inputs for each of `timesteps` vectors, no recurrence. Its one
 * partition (the input) is issued as the H partition, so its blocks go to
 * the MFU (bias add); the cell updater writes the biased sums out.
 *
 * Functional: y = W x + b, no activation. The MFU's activations are the
 * gates' sigmoid and tanh; a classifier head's logits want none (softmax or
 * argmax follow outside the accelerator), so the cell updater only narrows
 * the biased sum word to a data word (cm_narrow), the format the next layer
 * or the host reads.
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t fc_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	(void)v;
	return cm_narrow(cm, e->gate[0]);
}

const cell_desc_t cell_desc_fc = {
	.name = "fc",
	.description = "fully connected, no recurrence",
	.cite = "",
	.flags = CELL_F_FUNCTIONAL,
	.gates = 1,
	.n_variants = 1,
	.act_roles = 0,
	.act_f = CELL_ACT_NONE,
	.variant = { {
		.phases = 1,
		.phase_ngates = { 1 },
		.phase_gate = { { 0 } },
		.act = { CELL_ACT_NONE },
		.x_apart = -1,
		.rh_gate = -1,
		.ops = { 0 },
	} },
	.step = fc_step,
};

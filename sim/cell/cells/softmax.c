/*
 * softmax.c - the network's output softmax, p_j = exp(z_j - m) / S with
 * m = max_j z_j and S = sum_j exp(z_j - m), over the K outputs z of the
 * layer before it (input_size = hidden_size = K), for each of `timesteps`
 * vectors. No weights, no recurrence.
 *
 * A softmax is not a per-element cell: every output needs the whole
 * vector's maximum and sum. Its program is therefore its own
 * (sim/ctrl/smx_prog.h, docs/hardware.md §2.11): a max-and-exp pass at the
 * MFU, the sum S through the adder tree as a dot product with a ones
 * vector, one reciprocal at the MFU, and a VS scalar x vector multiply
 * r * e, whose K products leave the accumulators as this cell's one gate.
 * The MFU passes those through (CELL_ACT_NONE, no bias) and the cell
 * updater narrows them to data words, as for fc.
 *
 * Functional: the products p_j are computed whole per vector in the
 * datapath's arithmetic (cellmath.h, cm_softmax); the step narrows them.
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t softmax_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	(void)v;
	return cm_narrow(cm, e->gate[0]);
}

const cell_desc_t cell_desc_softmax = {
	.name = "softmax",
	.description = "output softmax over the previous layer's outputs, no weights",
	.cite = "",
	.flags = CELL_F_FUNCTIONAL | CELL_F_SOFTMAX,
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
	.step = softmax_step,
};

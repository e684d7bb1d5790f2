/*
 * fc.c - a fully connected layer: hidden_size outputs W x + b from
 * input_size inputs for each of `timesteps` vectors, no recurrence. Its one
 * partition (the input) is issued as the H partition, so its blocks go to
 * the MFU (bias add); the cell updater writes the biased sums out. Not
 * computed by --functional.
 */
#include "../cell.h"

const cell_desc_t cell_desc_fc = {
	.name = "fc",
	.description = "fully connected, no recurrence",
	.cite = "",
	.flags = 0,
	.gates = 1,
	.n_variants = 1,
	.variant = { {
		.phases = 1,
		.phase_ngates = { 1 },
		.phase_gate = { { 0 } },
		.act = { CELL_ACT_NONE },
		.x_apart = -1,
		.rh_gate = -1,
		.ops = { 0 },
	} },
};

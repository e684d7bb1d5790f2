/*
 * lstm_coupled.c - LSTM with coupled input and forget gates (CIFG; Greff
 * et al. 2017, "LSTM: A Search Space Odyssey", variant CIFG), gates i, g, o:
 *   i, o = sig(W x + U h + b),  g = tanh(W x + U h + b)
 *   f = 1 - i
 *   c = f*c + i*g,  h = o*tanh(c)
 * Three gates of MACs (G = 3): the VS array does 3H rows per step. The MFU
 * activates every gate; the cell updater forms 1 - i (one add) before
 * LSTM's update: 3 multiplies, 2 adds, 1 tanh per element.
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t coupled_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	(void)v;
	uint32_t h;
	cm_lstm_cell(cm, e->gate[0], cm_one_minus(cm, e->gate[0]), e->gate[1], e->gate[2], e->c, &h);
	return h;
}

const cell_desc_t cell_desc_lstm_coupled = {
	.name = "lstm_coupled",
	.description = "LSTM with coupled input-forget gate (CIFG, f = 1 - i), gates i g o",
	.cite = "Greff, Srivastava, Koutnik, Steunebrink & Schmidhuber 2017 (CIFG)",
	.flags = CELL_F_RECURRENT | CELL_F_STATE | CELL_F_PROJ | CELL_F_FUNCTIONAL,
	.gates = 3,
	.gate_names = { "i", "g", "o" },
	.n_variants = 1,
	.act_roles = 3,
	.act_f = CELL_ACT_SIGMOID,
	.variant = { {
		.phases = 1,
		.phase_ngates = { 3 },
		.phase_gate = { { 0, 1, 2 } },
		.act = { CELL_ACT_SIGMOID, CELL_ACT_TANH, CELL_ACT_SIGMOID },
		.x_apart = -1,
		.rh_gate = -1,
		.ops = { .mults = 3, .adds = 2, .tanhs = 1, .role_evals = { 0, 0, 1 }, .c_reads = 1, .c_writes = 1 },
	} },
	.step = coupled_step,
};

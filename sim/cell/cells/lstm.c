/*
 * lstm.c - the LSTM cell (Hochreiter & Schmidhuber 1997, with the forget
 * gate of Gers et al. 2000), gates i, f, g, o:
 *   i, f, o = sig(W x + U h + b),  g = tanh(W x + U h + b)
 *   c = f*c + i*g,  h = o*tanh(c)
 * The MFU activates every gate; the cell updater does 3 multiplies, 1 add
 * and 1 tanh per element and reads and writes c.
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t lstm_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	(void)v;
	uint32_t h;
	cm_lstm_cell(cm, e->gate[0], e->gate[1], e->gate[2], e->gate[3], e->c, &h);
	return h;
}

const cell_desc_t cell_desc_lstm = {
	.name = "lstm",
	.description = "LSTM, gates i f g o",
	.cite = "Hochreiter & Schmidhuber 1997; forget gate: Gers, Schmidhuber & Cummins 2000",
	.flags = CELL_F_RECURRENT | CELL_F_STATE | CELL_F_PROJ | CELL_F_APPROX | CELL_F_FUNCTIONAL,
	.gates = 4,
	.gate_names = { "i", "f", "g", "o" },
	.n_variants = 1,
	.act_roles = 3,
	.act_f = CELL_ACT_SIGMOID,
	.variant = { {
		.phases = 1,
		.phase_ngates = { 4 },
		.phase_gate = { { 0, 1, 2, 3 } },
		.act = { CELL_ACT_SIGMOID, CELL_ACT_SIGMOID, CELL_ACT_TANH, CELL_ACT_SIGMOID },
		.x_apart = -1,
		.rh_gate = -1,
		.ops = { .mults = 3, .adds = 1, .tanhs = 1, .role_evals = { 0, 0, 1 }, .c_reads = 1, .c_writes = 1 },
	} },
	.step = lstm_step,
};

/*
 * lstm_peephole.c - LSTM with peephole connections (Gers & Schmidhuber
 * 2000, "Recurrent nets that time and count"; ONNX LSTM's P input):
 *   i = sig(W_i x + U_i h + b_i + P_i * c_{t-1})
 *   f = sig(W_f x + U_f h + b_f + P_f * c_{t-1})
 *   g = tanh(W_g x + U_g h + b_g)
 *   c_t = f*c_{t-1} + i*g
 *   o = sig(W_o x + U_o h + b_o + P_o * c_t)
 *   h = o*tanh(c_t)
 * with P (3, H) element-wise weights, rows i, f, o (ONNX orders P as
 * i, o, f: an importer reorders it, as it reorders W's gates).
 *
 * Where the hardware does it (docs/architecture.md, "Decisions"): every
 * peephole term in the cell updater, which owns the cell-state buffer. The
 * MFU adds the bias to i, f and o and passes the sums on unactivated (it
 * tanh's g as for LSTM); the cell updater adds P*c to each, evaluates the
 * sigmoids on its tanh units as (1 + tanh(x/2)) / 2, and is
 * cell_updater.peephole_latency + tanh_latency cycles deeper for such a
 * layer (the i, f sigmoids are a second tanh pass before c). Per
 * element: LSTM's 3 multiplies, 1 add, 1 tanh, plus 3 multiplies (P*c),
 * 3 adds (the peephole terms), 3 tanh and 3 adds (the sigmoids; the
 * halvings are exponent or shift steps, free).
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t peephole_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	(void)v;
	uint32_t i = cm_cell_f(cm, cm_peep(cm, e->gate[0], e->peep[0], *e->c));
	uint32_t f = cm_cell_f(cm, cm_peep(cm, e->gate[1], e->peep[1], *e->c));
	cm_lstm_state(cm, i, f, e->gate[2], e->c);
	uint32_t o = cm_cell_f(cm, cm_peep(cm, e->gate[3], e->peep[2], *e->c));
	return cm_lstm_out(cm, o, *e->c);
}

const cell_desc_t cell_desc_lstm_peephole = {
	.name = "lstm_peephole",
	.description = "LSTM with peephole connections P (3, H): i, f see c_{t-1}, o sees c_t",
	.cite = "Gers & Schmidhuber 2000; ONNX LSTM input P",
	.flags = CELL_F_RECURRENT | CELL_F_STATE | CELL_F_PROJ | CELL_F_PEEPHOLE | CELL_F_FUNCTIONAL,
	.gates = 4,
	.gate_names = { "i", "f", "g", "o" },
	.n_variants = 1,
	.act_roles = 3,
	.act_f = CELL_ACT_SIGMOID,
	.variant = { {
		.phases = 1,
		.phase_ngates = { 4 },
		.phase_gate = { { 0, 1, 2, 3 } },
		.act = { CELL_ACT_NONE, CELL_ACT_NONE, CELL_ACT_TANH, CELL_ACT_NONE },
		.x_apart = -1,
		.rh_gate = -1,
		.ops = { .mults = 6, .adds = 7, .tanhs = 4, .role_evals = { 3, 0, 1 }, .c_reads = 1, .c_writes = 1 },
	} },
	.step = peephole_step,
};

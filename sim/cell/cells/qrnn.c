/*
 * qrnn.c - the quasi-recurrent cell with fo-pooling and window 1 (Bradbury,
 * Merity, Xiong & Socher 2017, "Quasi-Recurrent Neural Networks"), gates
 * z, f, o, every matrix product on x alone:
 *   z = tanh(W_z x + b_z),  f, o = sig(W x + b)
 *   c = f*c + (1 - f)*z,    h = o*c
 * No U: h_{t-1} feeds nothing, so no step waits on it and the VS array
 * runs the W.x of step after step (its one partition, issued as the H
 * partition as fc's is, its blocks to the MFU) as far as the gate buffer's
 * two steps allow. The only recurrence is c, element-wise in the cell
 * updater, which may read element e of step t only once c_{t-1}[e] is
 * written (cellu.h): that loop, not U.h, binds a QRNN.
 *
 * Why QRNN rather than SRU (docs/architecture.md, "Decisions"): SRU's
 * gates add v*c_{t-1} inside the sigmoid (a peephole on the previous c) and
 * its highway term needs x_t in the cell updater, with I = H; QRNN's gates
 * are plain activated products, which is what the MFU already does, so
 * the cell is this file and an element-wise update.
 *
 * The MFU activates every gate; the cell updater forms 1 - f (1 add),
 * c = f*c + (1 - f)*z (2 multiplies, 1 add) and h = o*c (1 multiply): 3
 * multiplies, 2 adds, no tanh, and reads and writes c.
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t qrnn_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	(void)v;
	uint32_t f = e->gate[1];
	cm_lstm_state(cm, cm_one_minus(cm, f), f, e->gate[0], e->c);
	return cm_qrnn_out(cm, e->gate[2], *e->c);
}

const cell_desc_t cell_desc_qrnn = {
	.name = "qrnn",
	.description = "QRNN, fo-pooling, window 1: gates z f o on x only, c = f*c + (1-f)*z, h = o*c",
	.cite = "Bradbury, Merity, Xiong & Socher 2017",
	.flags = CELL_F_STATE | CELL_F_FUNCTIONAL,
	.gates = 3,
	.gate_names = { "z", "f", "o" },
	.n_variants = 1,
	.act_roles = 2,
	.act_f = CELL_ACT_SIGMOID,
	.variant = { {
		.phases = 1,
		.phase_ngates = { 3 },
		.phase_gate = { { 0, 1, 2 } },
		.act = { CELL_ACT_TANH, CELL_ACT_SIGMOID, CELL_ACT_SIGMOID },
		.x_apart = -1,
		.rh_gate = -1,
		.ops = { .mults = 3, .adds = 2, .c_reads = 1, .c_writes = 1 },
	} },
	.step = qrnn_step,
};

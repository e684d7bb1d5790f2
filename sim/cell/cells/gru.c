/*
 * gru.c - the GRU cell (Cho et al. 2014), gates r, z, n, in two forms
 * (workload.h's gru_form_t, one variant each):
 *   r = sig(W_r x + U_r h + b_r),  z = sig(W_z x + U_z h + b_z)
 *   linear_before_reset  n = tanh(W_n x + b_n + r*(U_n h + b_hn))   (cuDNN)
 *   reset_before_matmul  n = tanh(W_n x + U_n (r*h) + b_n)          (original)
 *   h = (1 - z)*n + z*h
 * linear_before_reset keeps W_n x apart from U_n h (no init merge): the
 * MFU passes both on and the cell updater computes n (2 multiplies, 3
 * adds, 1 tanh with the h update). reset_before_matmul runs r, z first
 * (phase 0), whose r also yields r*h, then n over r*h (phase 1); the MFU
 * activates n and the cell updater only blends (1 multiply, 2 adds).
 */
#include "../cell.h"

#include "../../func/cellmath.h"

static uint32_t gru_step(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e)
{
	uint32_t n = e->gate[2];
	if (v->x_apart >= 0)
		n = cm_gru_lbr_n(cm, e->gate[3], e->gate[2], e->bias[2], e->b_hn, e->gate[0]);
	return cm_gru_h(cm, e->gate[1], n, e->h_prev);
}

const cell_desc_t cell_desc_gru = {
	.name = "gru",
	.description = "GRU, gates r z n (gru_form selects where r applies)",
	.cite = "Cho et al. 2014; linear_before_reset: cuDNN and ONNX GRU",
	.flags = CELL_F_RECURRENT | CELL_F_FUNCTIONAL | CELL_F_FORMS,
	.gates = 3,
	.gate_names = { "r", "z", "n" },
	.n_variants = 2,
	.act_roles = 2,
	.act_f = CELL_ACT_SIGMOID,
	.variant = {
		[GRU_LBR] = {
			.phases = 1,
			.phase_ngates = { 3 },
			.phase_gate = { { 0, 1, 2 } },
			.act = { CELL_ACT_SIGMOID, CELL_ACT_SIGMOID, CELL_ACT_NONE },
			.x_apart = 2,
			.rh_gate = -1,
			.ops = { .mults = 2, .adds = 3, .tanhs = 1, .role_evals = { 0, 1, 0 }, .h_reads = 1 },
		},
		[GRU_RBM] = {
			.phases = 2,
			.phase_ngates = { 2, 1 },
			.phase_gate = { { 0, 1 }, { 2 } },
			.act = { CELL_ACT_SIGMOID, CELL_ACT_SIGMOID, CELL_ACT_TANH },
			.x_apart = -1,
			.rh_gate = 0,
			.ops = { .mults = 1, .adds = 2, .h_reads = 1 },
		},
	},
	.step = gru_step,
};

/*
 * workload.c - per-layer arithmetic of a workload (gates, MACs) and its
 * release. Loading is in config.c.
 */
#include "workload.h"

#include <stdlib.h>

#include "../cell/cell.h"

unsigned workload_gates(cell_kind_t c)
{
	const cell_desc_t *d = cell_get(c);
	return d ? d->gates : 0;
}

const char *workload_cell_name(cell_kind_t c)
{
	const cell_desc_t *d = cell_get(c);
	return d ? d->name : "?";
}

/* Saturates at UINT64_MAX: the largest legal layer (H = 65536,
 * I = 1048576, T = 1e7, B = 1024) would overflow 64 bits. */
uint64_t workload_layer_macs(const layer_cfg_t *l)
{
	uint64_t in = l->skip_input ? 0 : l->input_size;
	const cell_desc_t *d = cell_get(l->cell);
	uint64_t cols = d && !(d->flags & CELL_F_RECURRENT) ? l->input_size : in + workload_layer_h(l);
	/* Per step and sequence: the gates' G*H*cols, then the projection's P*H. */
	uint64_t step;
	if (d && (d->flags & CELL_F_SOFTMAX)) /* the sum's K lanes and the update's K (smx_prog.h) */
		step = 2 * (uint64_t)l->hidden_size;
	else if (__builtin_mul_overflow((uint64_t)workload_gates(l->cell) * l->hidden_size, cols, &step) ||
		 __builtin_add_overflow(step, (uint64_t)l->proj_size * l->hidden_size, &step))
		return UINT64_MAX;
	const uint64_t f[] = { step, workload_seq_steps(l), l->direction == DIR_BI ? 2 : 1 };
	uint64_t m = 1;
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (__builtin_mul_overflow(m, f[i], &m))
			return UINT64_MAX;
	return m;
}

uint32_t workload_active(const layer_cfg_t *l, uint32_t t)
{
	if (!l->sequence_lens.n)
		return l->batch_size;
	uint32_t n = 0;
	for (uint32_t b = 0; b < l->sequence_lens.n; b++)
		n += l->sequence_lens.len[b] > t;
	return n;
}

uint32_t workload_active_until(const layer_cfg_t *l, uint32_t t)
{
	if (!l->sequence_lens.n)
		return l->timesteps;
	/* the smallest length above t ends step t's batch */
	uint32_t end = l->timesteps;
	for (uint32_t b = 0; b < l->sequence_lens.n; b++)
		if (l->sequence_lens.len[b] > t && l->sequence_lens.len[b] < end)
			end = l->sequence_lens.len[b];
	return end;
}

uint64_t workload_seq_steps(const layer_cfg_t *l)
{
	if (!l->sequence_lens.n)
		return (uint64_t)l->timesteps * l->batch_size;
	uint64_t s = 0;
	for (uint32_t b = 0; b < l->sequence_lens.n; b++)
		s += l->sequence_lens.len[b];
	return s;
}

uint32_t workload_layer_h(const layer_cfg_t *l)
{
	return l->proj_size ? l->proj_size : l->hidden_size;
}

uint32_t workload_layer_output(const layer_cfg_t *l)
{
	return workload_layer_h(l) * (l->direction == DIR_BI ? 2 : 1);
}

unsigned workload_act_roles(cell_kind_t c)
{
	const cell_desc_t *d = cell_get(c);
	return d ? d->act_roles : 0;
}

layer_act_t workload_role_act(const layer_cfg_t *l, unsigned r)
{
	if (l->act[r] != LACT_AUTO)
		return l->act[r];
	bool sig = r == LAYER_ROLE_F && cell_get(l->cell)->act_f == CELL_ACT_SIGMOID;
	return sig ? LACT_SIGMOID : LACT_TANH;
}

unsigned workload_weight_bits(const layer_cfg_t *l)
{
	static const unsigned bits[] = { [WBITS_16] = 16, [WBITS_8] = 8, [WBITS_4] = 4, [WBITS_2] = 2 };
	return bits[l->weight_bits];
}

bool workload_sparse(const layer_cfg_t *l)
{
	return l->sparsity > 0 || l->sparse_format != SFMT_DENSE;
}

void workload_free(workload_t *w)
{
	if (!w)
		return;
	free(w->layers);
	w->layers = NULL;
	w->n_layers = 0;
}

#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "../cell/cell.h"
#include "../compress/cmp_layer.h"
#include "../compute/cu.h"

void plan_free(plan_t *p)
{
	if (p->progs)
		for (size_t i = 0; i < p->passes.n_layers; i++)
			sched_free(&p->progs[i]);
	free(p->progs);
	free(p->pass);
	free(p->passes.layers);
	memset(p, 0, sizeof *p);
}

/* Expands the workload into passes over the hardware, in run order: a
 * bidirectional layer runs its forward pass, then its backward pass (the
 * same shape, its own weights; the two share the accelerator one after the
 * other, and the next layer starts when both are done). Interleaved, it is
 * one pass of 2B sequences, the first B forward and the last B backward:
 * the two directions' recurrences are independent, so the array works on
 * one while the other waits for its h (docs/hardware.md §3.4). A reverse
 * layer is one backward pass: the same program and cycles as a forward one
 * (which step holds which time is the values' business, fpipe.c). */
static int plan_passes(plan_t *p, const workload_t *w, sim_err_t *err)
{
	size_t n = 0;
	for (size_t i = 0; i < w->n_layers; i++)
		n += w->layers[i].direction == DIR_BI && !resolve_interleaved(&p->hw, &w->layers[i]) ? 2 : 1;
	p->passes = *w;
	p->passes.layers = calloc(n, sizeof *p->passes.layers);
	p->pass = calloc(n, sizeof *p->pass);
	p->progs = calloc(n, sizeof *p->progs);
	if (!p->passes.layers || !p->pass || !p->progs)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	p->passes.n_layers = n;
	for (size_t i = 0, k = 0; i < w->n_layers; i++) {
		bool both = resolve_interleaved(&p->hw, &w->layers[i]);
		for (int d = 0; d < (w->layers[i].direction == DIR_BI && !both ? 2 : 1); d++, k++) {
			p->passes.layers[k] = w->layers[i];
			p->passes.layers[k].direction = DIR_UNI;
			p->pass[k].layer = (uint32_t)i;
			p->pass[k].backward = d == 1 || w->layers[i].direction == DIR_REV;
			p->pass[k].sets = both ? 2 : 1;
			if (both)
				p->passes.layers[k].batch_size *= 2;
		}
	}
	return SIM_OK;
}

/* Tile config, program and weight placement of pass i, of workload layer
 * orig. */
static int plan_pass(plan_t *p, const tile_table_t *table, tile_table_t *memo, size_t i, const layer_cfg_t *orig,
		     sim_err_t *err)
{
	const hw_cfg_t *hw = &p->hw;
	const layer_cfg_t *l = &p->passes.layers[i];
	plan_pass_t *pp = &p->pass[i];
	if (hw->compute.accumulators < l->batch_size)
		return sim_err(err, SIM_EINPUT,
			       "layer %u: compute.accumulators (%u) is smaller than its batch_size (%u)%s; the tiles "
			       "of a row block interleave the sequences, each with its own accumulator, expected "
			       "at least %u",
			       pp->layer + 1, hw->compute.accumulators, l->batch_size / pp->sets,
			       pp->sets > 1 ? " times its two directions (direction_schedule: interleaved)" : "",
			       l->batch_size);
	/* The config refuses it (config.c); a workload built in code must not
	 * reach the engine with no columns at all. */
	if (!(cell_get(l->cell)->flags & CELL_F_RECURRENT) && (l->skip_input || !l->input_size))
		return sim_err(err, SIM_EINPUT,
			       "layer %u: a %s layer's products read only x, expected an input (no skip_input)",
			       pp->layer + 1, workload_cell_name(l->cell));
	if (l->proj_size && (workload_sparse(l) || l->weight_bits != WBITS_16 || l->weight_codebook != WCB_NONE))
		return sim_err(err, SIM_EINPUT,
			       "layer %u: a projection (proj_size) on pruned, narrow or codebook weights is not "
			       "modelled, expected sparsity: 0, sparse_format: dense, weight_bits: 16 and "
			       "weight_codebook: none with it",
			       pp->layer + 1);
	if (l->sequence_lens.n && pp->sets > 1)
		return sim_err(err, SIM_EINPUT,
			       "layer %u: sequence_lens with direction_schedule: interleaved is not modelled (the "
			       "packed batch would mix the two directions), expected direction_schedule: sequential",
			       pp->layer + 1);
	bool fixed = p->sched->flags & SCHED_F_FIXED_TILE;
	if (fixed) {
		pp->tile = TILE_CONFIG4; /* fixed dot-product (native) tiles */
		pp->tile_src = TILE_FROM_CONFIG;
	} else {
		int rc = resolve_tile(hw, table, memo, p->registry, orig, &pp->tile, &pp->tile_src, err);
		if (rc == SIM_EINPUT && l->approx != APPROX_NONE)
			sim_err_prefix(err, "layer %u: ", pp->layer + 1); /* located by the pipeline */
		if (rc)
			return rc;
	}
	sched_params_t sp = {
		.sched = p->sched,
		.cell = l->cell,
		.gru_form = l->gru_form,
		.input_size = l->skip_input ? 0 : l->input_size,
		.hidden_size = l->hidden_size,
		.proj_size = l->proj_size,
		.vs_units = p->n,
		.vs_width = p->k,
		.cfg = (unsigned)pp->tile,
		.pad_reconfig = hw->compute.pad_reconfig && !fixed,
		.max_seg_values = (uint32_t)(resolve_inter_values(hw) / l->batch_size),
	};
	if (!sched_cfg_ok(&sp, sp.cfg))
		return sim_err(err, SIM_EINPUT,
			       "layer %zu: tile config%u cannot be formed (N=%u, K=%u, %s, hidden %u; "
			       "the intermediate buffer holds %llu values), expected a config N is divisible "
			       "by and whose row segment fits",
			       i + 1, sp.cfg, p->n, p->k, workload_cell_name(l->cell), l->hidden_size,
			       (unsigned long long)resolve_inter_values(hw));
	cmp_store_cfg_t store = cmp_layer_store(l);
	sp.store = &store;
	sim_err_t why = { 0 };
	if (cmp_store_check(&store, 1, 1, &why))
		return sim_err(err, why.code, "layer %zu: weight storage: %s", i + 1, why.msg);
	cmp_mask_t *mask[2] = { NULL, NULL };
	int rc = SIM_OK;
	if (pp->sets > 1 && (p->sched->flags & SCHED_F_X_PRECOMPUTED))
		return sim_err(err, SIM_EINPUT,
			       "layer %u: direction_schedule: interleaved is not modelled for the %s schedule (its "
			       "input phase reads each tile once for every step), expected direction_schedule: "
			       "sequential",
			       pp->layer + 1, p->sched->name);
	if (workload_sparse(l) && pp->sets > 1)
		return sim_err(err, SIM_EINPUT,
			       "layer %u: direction_schedule: interleaved issues both directions from one program, "
			       "but a pruned layer's directions have masks of their own, expected "
			       "direction_schedule: sequential for a sparse bidirectional layer",
			       pp->layer + 1);
	if (workload_sparse(l)) {
		if (cmp_store_check(&store, p->k * 8, p->n, &why))
			return sim_err(err, why.code, "layer %zu: weight storage: %s", i + 1, why.msg);
		rc = cmp_layer_masks(l, i, p->passes.path, orig->direction == DIR_BI && pp->backward, mask,
				     &pp->nnz_per_step, err);
		sp.mask[0] = mask[0];
		sp.mask[1] = mask[1];
		sp.skip_zero = store.layout != CMP_LAYOUT_DENSE;
	}
	/* A progressive layer: its own program (apx_prog.h), issued in order
	 * by any of SHARP's schedules; its scalars leave the accumulators
	 * latency(cfg) after the last dot tile and are operands a cycle later. */
	apx_shape_t apx = { .nz = l->approx_nz,
			    .steps = l->approx_steps,
			    .value_bits = l->approx_value_bits,
			    .index_bits = l->approx_index_bits,
			    .batch = l->batch_size,
			    .order = l->approx_order,
			    .accumulators = hw->compute.accumulators,
			    .scalar_latency = hw->compute.mult_latency + cu_tree_depth(p->n, sp.cfg) +
					      hw->compute.acc_latency + 1 };
	if (l->approx != APPROX_NONE) {
		if (p->sched->flags & SCHED_F_BASELINE)
			return sim_err(err, SIM_EINPUT,
				       "layer %u is progressive (approx: svd_prune), which is modelled on SHARP's "
				       "datapath, not on %s's, expected scheduler: intergate (or another SHARP "
				       "schedule)",
				       pp->layer + 1, p->sched->name);
		sp.approx = &apx;
	}
	/* An output softmax: its own program (smx_prog.h); its MFU passes are
	 * timed from the MFU's units and latency, its sum leaves the
	 * accumulators as a progressive layer's scalar does. */
	smx_shape_t smx = { .batch = l->batch_size,
			    .mfu_units = hw->mfu.units,
			    .mfu_latency = hw->mfu.latency,
			    .scalar_latency = apx.scalar_latency };
	if (cell_get(l->cell)->flags & CELL_F_SOFTMAX) {
		if (p->sched->flags & SCHED_F_BASELINE)
			return sim_err(err, SIM_EINPUT,
				       "layer %u is a softmax, which is modelled on SHARP's datapath, not on %s's, "
				       "expected scheduler: intergate (or another SHARP schedule)",
				       pp->layer + 1, p->sched->name);
		sp.softmax = &smx;
	}
	if (!rc && (rc = sched_build(&sp, &p->progs[i], err)) == SIM_EINPUT && sp.approx)
		sim_err_prefix(err, "layer %u: ", pp->layer + 1); /* located by the pipeline */
	cmp_mask_destroy(mask[0]);
	cmp_mask_destroy(mask[1]);
	if (rc)
		return rc;
	const memory_cfg_t *m = &hw->memory;
	uint64_t bytes = p->progs[i].step_bytes * pp->sets;
	bool fit = bytes <= m->wbuf.bytes;
	pp->fp16_bytes = p->progs[i].fp16_step_bytes * pp->sets;
	pp->fit_fp16 = pp->fp16_bytes <= m->wbuf.bytes;
	bool resident = m->weights == WEIGHTS_RESIDENT || (m->weights == WEIGHTS_AUTO && fit);
	if (pp->sets > 1 && !resident)
		return sim_err(err, SIM_EINPUT,
			       "layer %u: direction_schedule: interleaved keeps both directions' weights on chip, "
			       "but their %llu bytes do not fit the weight buffer (%llu), expected "
			       "direction_schedule: sequential, -p memory.weights=resident or a larger buffer",
			       pp->layer + 1, (unsigned long long)bytes, (unsigned long long)m->wbuf.bytes);
	if ((p->sched->flags & SCHED_F_NEEDS_RESIDENT) && !resident)
		return sim_err(err, SIM_EINPUT,
			       "layer %zu: the %s baseline is modelled with its weights on chip (its input "
			       "phase reads W once, its recurrent phase U every step), but %llu bytes do not fit "
			       "the weight buffer, expected -p memory.weights=resident or a larger buffer",
			       i + 1, p->sched->name, (unsigned long long)bytes);
	uint64_t tile_max = p->progs[i].tile_bytes_max;
	if (!resident && m->wbuf.stage_bytes < tile_max)
		return sim_err(err, SIM_EINPUT,
			       "layer %zu streams its weights but memory.weight_buffer.stage_bytes (%llu) is "
			       "smaller than one tile (%llu bytes), expected at least one tile of staging",
			       i + 1, (unsigned long long)m->wbuf.stage_bytes, (unsigned long long)tile_max);
	pp->resident = resident;
	pp->fit = fit;
	pp->bytes = bytes;
	return SIM_OK;
}

int plan_build(const hw_cfg_t *hw, const workload_t *w, const tile_table_t *table, tile_cache_t *cache,
	       const sched_registry_t *registry, plan_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!w->n_layers)
		return sim_err(err, SIM_EINPUT, "%s: the workload has no layers, expected at least one", w->path);
	out->registry = registry ? registry : sched_registry_builtin();
	if (!(out->sched = sched_registry_get(out->registry, (size_t)hw->scheduler)))
		return sim_err(err, SIM_EINPUT, "scheduler #%d is not registered, expected one of the %zu registered",
			       (int)hw->scheduler, sched_registry_count(out->registry));
	out->hw = *hw;
	uint32_t max_batch = 1;
	for (size_t i = 0; i < w->n_layers; i++) {
		uint32_t b = w->layers[i].batch_size * (resolve_interleaved(hw, &w->layers[i]) ? 2 : 1);
		max_batch = b > max_batch ? b : max_batch;
	}
	out->hw.compute.accumulators = resolve_accumulators(&out->hw, max_batch);
	resolve_hw(&out->hw);
	out->n = out->hw.compute.vs_units;
	out->k = resolve_lanes(&out->hw);
	int rc = plan_passes(out, w, err);
	/* Layers explored here are kept under the resolved config's key (every
	 * auto filled, so a different batch's accumulators is another key). */
	tile_table_t own = { 0 };
	tile_table_t *memo = cache ? tile_cache_explored(cache, resolve_timing_key(&out->hw)) : &own;
	bool all_fit = true, any_stream = false, any_res = false;
	for (size_t i = 0; !rc && i < out->passes.n_layers; i++) {
		rc = plan_pass(out, table, memo, i, &w->layers[out->pass[i].layer], err);
		all_fit &= out->pass[i].fit;
		any_stream |= !out->pass[i].resident;
		any_res |= out->pass[i].resident;
	}
	config_tile_table_free(&own);
	if (rc) {
		plan_free(out);
		return rc;
	}
	out->weights_fit = all_fit;
	out->weights = any_stream && any_res ? WEIGHTS_AUTO : any_stream ? WEIGHTS_STREAM : WEIGHTS_RESIDENT;
	return SIM_OK;
}

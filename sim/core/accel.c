/*
 * accel.c - the accelerator: builds the components, owns the global clock.
 *
 * Tick order within one cycle (sink to source, so that a slot freed by a
 * consumer can be refilled by its producer in the same cycle, and a value
 * produced in cycle c is consumed no earlier than c+1):
 *   1. cell updater   finishes due elements (h written), reads ready ones
 *   2. A-MFU          finishes due packets into the gate buffer, starts values
 *   3. accumulators   the finished row block offered this cycle goes to the
 *                     MFU FIFO (H) or the intermediate buffer (X)
 *   4. VS array       the weight-read line's head token: a tile is accepted
 *                     (or refused: the line freezes), a bubble is counted
 *   5. controller     puts this cycle's token into the line
 *   6. weight buffer, DRAM, compute unit clocks advance
 *
 * Every cycle counts all N*K multiplier lanes exactly once, as useful,
 * padding, or idle for a cause, so at the end
 *     cycles * N * K == useful_macs + padding + dependency + fill_drain
 *                       + backpressure + weight_fetch
 * which every run checks, together with useful_macs == G*H*(I+H)*T*B.
 */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cell/cellu.h"
#include "../common/fifo.h"
#include "../common/snap.h"
#include "../compute/cu.h"
#include "../ctrl/ctrl.h"
#include "../ctrl/sched.h"
#include "../func/fpipe.h"
#include "../memory/dram.h"
#include "../memory/gbuf.h"
#include "../memory/ibuf.h"
#include "../memory/wbuf.h"
#include "../mfu/mfu.h"
#include "../report/trace.h"
#include "resolve.h"

/* Steady-state patterns up to this many steps long are found. */
#define ACCEL_HIST 9

typedef struct accel {
	hw_cfg_t hw;
	const workload_t *w;     /* the passes: a bidirectional layer is two */
	workload_t passes;
	uint32_t *pass_layer;    /* workload layer of each pass */
	run_opts_t opts;
	stats_t *st;
	uint32_t n, k;
	uint64_t nk;
	cu_t *cu;
	fifo_t *preact;
	mfu_t *mfu;
	gbuf_t *gbuf;
	cellu_t *cellu;
	ibuf_t *ibuf;
	wbuf_t *wbuf;
	dram_t *dram;
	ctrl_t *ctrl;
	ctrl_view_t view;
	ctrl_token_t *line;
	uint32_t nline, line_idx;
	sched_prog_t *progs;
	tile_sel_t *tiles;
	uint32_t layer;
	uint64_t now;
	uint64_t *useful, *issued, *idle[IDLE_NCAUSES];
	uint64_t *vs_busy, *vs_stall, *vs_starve, *acc_busy, *acc_stall, *acc_starve;
	trace_t *trace;
	fpipe_t *fp;
	cu_backend_t be;        /* non-NULL ctx: the compute unit is a backend */
	const char *broken;      /* an invariant failed mid-run (internal error) */
	snap_t snap[ACCEL_HIST];  /* steady-state jump: the last step snapshots, by step */
	uint64_t *snap_counters[ACCEL_HIST];
	uint64_t snap_first;     /* first step of the current run of snapshots */
	int snap_have;           /* consecutive step snapshots held */
	uint64_t *jumped;        /* cycles covered by steady-state jumps */
	uint64_t seg_start, idle_start;
	int idle_cause;
} accel_t;

static void accel_destroy(accel_t *a)
{
	cu_destroy(a->cu);
	fifo_destroy(a->preact);
	mfu_destroy(a->mfu);
	gbuf_destroy(a->gbuf);
	cellu_destroy(a->cellu);
	ibuf_destroy(a->ibuf);
	wbuf_destroy(a->wbuf);
	dram_destroy(a->dram);
	ctrl_destroy(a->ctrl);
	fpipe_destroy(a->fp);
	if (a->be.ctx)
		a->be.destroy(a->be.ctx);
	free(a->line);
	if (a->progs)
		for (size_t i = 0; i < a->w->n_layers; i++)
			sched_free(&a->progs[i]);
	free(a->progs);
	free(a->tiles);
	free(a->passes.layers);
	free(a->pass_layer);
	for (int i = 0; i < ACCEL_HIST; i++) {
		snap_free(&a->snap[i]);
		free(a->snap_counters[i]);
	}
}

/* Expands the workload into passes over the hardware, in run order: a
 * bidirectional layer runs its forward pass, then its backward pass (the
 * same shape, its own weights; the two share the accelerator one after the
 * other, and the next layer starts when both are done). */
static int accel_passes(accel_t *a, const workload_t *w, sim_err_t *err)
{
	size_t n = 0;
	for (size_t i = 0; i < w->n_layers; i++)
		n += w->layers[i].direction == DIR_BI ? 2 : 1;
	a->passes = *w;
	a->passes.layers = calloc(n, sizeof *a->passes.layers);
	a->pass_layer = calloc(n, sizeof *a->pass_layer);
	if (!a->passes.layers || !a->pass_layer)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	a->passes.n_layers = n;
	for (size_t i = 0, k = 0; i < w->n_layers; i++)
		for (int d = 0; d < (w->layers[i].direction == DIR_BI ? 2 : 1); d++, k++) {
			a->passes.layers[k] = w->layers[i];
			a->passes.layers[k].direction = DIR_UNI;
			a->pass_layer[k] = (uint32_t)i;
		}
	a->w = &a->passes;
	return SIM_OK;
}

static int accel_counters(accel_t *a)
{
	static const char *const idle_desc[IDLE_NCAUSES] = {
		"lane-cycles idle: rows/columns beyond the matrix",
		"lane-cycles idle: waiting for h (or r*h)",
		"lane-cycles idle: pipeline fill, drain and tap-switch bubbles",
		"lane-cycles idle: accumulators, FIFO or intermediate buffer full",
		"lane-cycles idle: weights not yet in the buffer or port busy",
	};
	char name[64];
	a->useful = stats_counter(a->st, "vs.useful_macs", "multiply-accumulates on real weights and operands");
	a->issued = stats_counter(a->st, "vs.issued_macs", "multiply-accumulates issued (N*K per tile cycle)");
	for (int i = 0; i < IDLE_NCAUSES; i++) {
		snprintf(name, sizeof name, "idle.%s", ctrl_cause_name((idle_cause_t)i));
		if (!(a->idle[i] = stats_counter(a->st, name, idle_desc[i])))
			return SIM_EINTERNAL;
	}
	a->vs_busy = stats_counter(a->st, "vs.busy", "cycles the VS array accepted a tile");
	a->vs_stall = stats_counter(a->st, "vs.stall", "cycles a tile waited at the VS array (refused)");
	a->vs_starve = stats_counter(a->st, "vs.starve", "cycles no tile reached the VS array");
	a->acc_busy = stats_counter(a->st, "acc.busy", "cycles a finished row block left the accumulators");
	a->acc_stall = stats_counter(a->st, "acc.stall", "cycles a finished block waited for the MFU FIFO");
	a->acc_starve = stats_counter(a->st, "acc.starve", "cycles no block was finished");
	a->jumped = stats_counter(a->st, "sim.jumped_cycles", "cycles covered by exact steady-state jumps (not hardware)");
	if (!a->useful || !a->issued || !a->vs_busy || !a->vs_stall || !a->vs_starve || !a->acc_busy ||
	    !a->acc_stall || !a->acc_starve || !a->jumped)
		return SIM_EINTERNAL;
	return SIM_OK;
}

/* Resolves tile configs, builds every layer's program and the weight plan. */
static int accel_plan(accel_t *a, run_result_t *r, sim_err_t *err)
{
	const workload_t *w = a->w;
	a->progs = calloc(w->n_layers, sizeof *a->progs);
	a->tiles = calloc(w->n_layers, sizeof *a->tiles);
	wbuf_layer_plan_t *plan = calloc(w->n_layers, sizeof *plan);
	r->layers = calloc(w->n_layers, sizeof *r->layers);
	if (!a->progs || !a->tiles || !plan || !r->layers) {
		free(plan);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	r->n_layers = w->n_layers;
	const memory_cfg_t *m = &a->hw.memory;
	uint64_t space = m->weights == WEIGHTS_RESIDENT ? UINT64_MAX : m->wbuf.bytes - m->wbuf.stage_bytes;
	bool all_fit = true, any_stream = false, any_res = false;
	for (size_t i = 0; i < w->n_layers; i++) {
		const layer_cfg_t *l = &w->layers[i];
		if (a->hw.compute.accumulators < l->batch_size) {
			free(plan);
			return sim_err(err, SIM_EINPUT,
				       "layer %zu: compute.accumulators (%u) is smaller than its batch_size (%u); the tiles "
				       "of a row block interleave the sequences, each with its own accumulator, expected "
				       "at least %u", i + 1, a->hw.compute.accumulators, l->batch_size, l->batch_size);
		}
		tile_source_t src;
		bool baseline = a->hw.scheduler == SCHED_KIND_EPUR || a->hw.scheduler == SCHED_KIND_BRAINWAVE;
		int rc = SIM_OK;
		if (baseline)
			a->tiles[i] = TILE_CONFIG4; /* fixed dot-product (native) tiles */
		else
			rc = resolve_tile(&a->hw, l, &a->tiles[i], &src, err);
		if (rc) {
			free(plan);
			return rc;
		}
		sched_params_t p = {
			.kind = a->hw.scheduler, .cell = l->cell, .gru_form = l->gru_form,
			.input_size = l->skip_input ? 0 : l->input_size, .hidden_size = l->hidden_size,
			.vs_units = a->n, .vs_width = a->k, .cfg = (unsigned)a->tiles[i],
			.pad_reconfig = a->hw.compute.pad_reconfig && !baseline,
			.max_seg_values = (uint32_t)(resolve_inter_values(&a->hw) / l->batch_size),
		};
		if (!sched_cfg_ok(&p, p.cfg)) {
			free(plan);
			return sim_err(err, SIM_EINPUT,
				       "layer %zu: tile config%u cannot be formed (N=%u, K=%u, %s, hidden %u; "
				       "the intermediate buffer holds %llu values), expected a config N is divisible "
				       "by and whose row segment fits", i + 1, p.cfg, a->n, a->k,
				       workload_cell_name(l->cell), l->hidden_size,
				       (unsigned long long)resolve_inter_values(&a->hw));
		}
		rc = sched_build(&p, &a->progs[i], err);
		if (rc) {
			free(plan);
			return rc;
		}
		uint64_t bytes = a->progs[i].step_bytes;
		bool fit = bytes <= m->wbuf.bytes;
		bool resident = m->weights == WEIGHTS_RESIDENT || (m->weights == WEIGHTS_AUTO && fit);
		if (a->hw.scheduler == SCHED_KIND_EPUR && !resident) {
			free(plan);
			return sim_err(err, SIM_EINPUT,
				       "layer %zu: the epur baseline is modelled with its weights on chip (its input "
				       "phase reads W once, its recurrent phase U every step), but %llu bytes do not fit "
				       "the weight buffer, expected -p memory.weights=resident or a larger buffer",
				       i + 1, (unsigned long long)bytes);
		}
		uint64_t tile_max = 0;
		for (uint32_t s = 0; s < a->progs[i].n; s++) {
			const sched_seg_t *sg = &a->progs[i].seg[s];
			uint64_t tb = (uint64_t)sg->valid_rows * sched_tile_cols(sg, 0) * 2;
			tile_max = tb > tile_max ? tb : tile_max;
		}
		if (!resident && m->wbuf.stage_bytes < tile_max) {
			free(plan);
			return sim_err(err, SIM_EINPUT,
				       "layer %zu streams its weights but memory.weight_buffer.stage_bytes (%llu) is "
				       "smaller than one tile (%llu bytes), expected at least one tile of staging",
				       i + 1, (unsigned long long)m->wbuf.stage_bytes, (unsigned long long)tile_max);
		}
		plan[i].step_bytes = bytes;
		plan[i].timesteps = l->timesteps;
		plan[i].resident = resident ? bytes : (bytes < space ? bytes : space);
		plan[i].load_live = m->weights == WEIGHTS_RESIDENT ? a->opts.cold : (i > 0 || a->opts.cold);
		layer_result_t *lr = &r->layers[i];
		lr->cfg = *l;
		lr->layer = a->pass_layer[i];
		lr->backward = i > 0 && a->pass_layer[i - 1] == a->pass_layer[i];
		lr->tile = a->tiles[i];
		lr->weights = resident ? WEIGHTS_RESIDENT : WEIGHTS_STREAM;
		lr->weights_fit = fit;
		lr->weight_bytes = bytes;
		all_fit &= fit;
		any_stream |= !resident;
		any_res |= resident;
	}
	r->weights_fit = all_fit;
	r->weights = any_stream && any_res ? WEIGHTS_AUTO : any_stream ? WEIGHTS_STREAM : WEIGHTS_RESIDENT;
	r->load_cycles = dram_transfer_cycles(a->dram, plan[0].resident);
	int rc = wbuf_plan(a->wbuf, plan, (uint32_t)w->n_layers, m->weights == WEIGHTS_RESIDENT, !a->opts.cold);
	free(plan);
	return rc ? sim_err(err, rc, "out of memory") : SIM_OK;
}

static void fp_activate(void *ctx, const mfu_packet_t *p)
{
	fpipe_activate(ctx, p->seg, p->step, p->seq);
}

static void fp_update(void *ctx, uint32_t step, uint32_t e0, uint32_t n)
{
	fpipe_update(ctx, step, e0, n);
}

static int accel_build(accel_t *a, sim_err_t *err)
{
	const hw_cfg_t *hw = &a->hw;
	uint32_t max_elems = 1;
	for (size_t i = 0; i < a->w->n_layers; i++) {
		uint32_t e = a->w->layers[i].hidden_size * a->w->layers[i].batch_size;
		max_elems = e > max_elems ? e : max_elems;
	}
	cu_cfg_t cc = {
		.vs_units = a->n, .vs_width = a->k, .mult_latency = hw->compute.mult_latency,
		.acc_latency = hw->compute.acc_latency, .accumulators = hw->compute.accumulators,
		.functional = a->opts.functional, .prec = hw->precision.mul, .acc_bits = hw->precision.acc_bits,
	};
	a->nline = hw->memory.wbuf.read_latency;
	a->cu = cu_create(&cc, a->st);
	a->preact = fifo_create("preact", sizeof(mfu_packet_t), hw->fifo_depth, a->st);
	a->mfu = mfu_create(&hw->mfu, a->st);
	a->gbuf = gbuf_create(max_elems, a->st);
	a->cellu = cellu_create(&hw->cell, a->st);
	a->ibuf = ibuf_create(resolve_inter_values(hw), a->st);
	a->dram = dram_create(&hw->memory.dram, hw->clock_mhz, a->st);
	a->wbuf = a->dram ? wbuf_create(&hw->memory.wbuf, a->n, a->k, a->dram, a->st) : NULL;
	a->ctrl = ctrl_create(hw->scheduler, hw->deps, hw->compute.accumulators + a->nline + 8,
			      (uint32_t)resolve_inter_values(hw) + 1, a->st);
	a->line = calloc(a->nline, sizeof *a->line);
	if (!a->cu || !a->preact || !a->mfu || !a->gbuf || !a->cellu || !a->ibuf || !a->dram || !a->wbuf ||
	    !a->ctrl || !a->line || accel_counters(a))
		return sim_err(err, SIM_ENOMEM, "cannot build the accelerator (out of memory or a zero-sized unit)");
	for (uint32_t i = 0; i < a->nline; i++)
		a->line[i].cause = IDLE_FILL_DRAIN; /* the read line starts empty */
	a->view = (ctrl_view_t){ .cellu = a->cellu, .gbuf = a->gbuf, .wbuf = a->wbuf, .ibuf = a->ibuf };
	if (a->opts.cu_mode != CU_BACKEND_C) {
		if (!a->opts.cu_factory)
			return sim_err(err, SIM_EINPUT, "this sharpsim has no RTL in it, expected build/sharpsim-rtl "
				       "(make rtl-sim) for --cosim and --rtl");
		int rc = a->opts.cu_factory(&cc, a->opts.cu_mode, a->cu, a->opts.vcd_path, &a->be, err);
		if (rc)
			return rc;
	}
	if (a->opts.functional) {
		a->fp = fpipe_create(&a->hw, a->w, a->opts.seed, a->opts.dump_dir, a->st, err);
		if (!a->fp)
			return err->code ? err->code : SIM_ENOMEM;
		mfu_set_sink(a->mfu, fp_activate, a->fp);
		cellu_set_sink(a->cellu, fp_update, a->fp);
	}
	return SIM_OK;
}

static int accel_begin_layer(accel_t *a, uint32_t l, sim_err_t *err)
{
	const layer_cfg_t *lc = &a->w->layers[l];
	a->layer = l;
	ctrl_layer_t cl = {
		.prog = &a->progs[l], .cell = lc->cell, .form = lc->gru_form, .hidden = lc->hidden_size,
		.timesteps = lc->timesteps, .batch = lc->batch_size, .last = l + 1 == a->w->n_layers,
	};
	ctrl_begin_layer(a->ctrl, &cl);
	wbuf_begin_layer(a->wbuf, l, &a->progs[l]);
	mfu_begin_layer(a->mfu, lc->cell, lc->gru_form);
	gbuf_begin_layer(a->gbuf, lc->hidden_size, lc->batch_size, workload_gates(lc->cell),
			 a->hw.scheduler == SCHED_KIND_SEQUENTIAL || a->hw.scheduler == SCHED_KIND_BRAINWAVE);
	cellu_begin_layer(a->cellu, lc->cell, lc->gru_form, lc->hidden_size, lc->batch_size, lc->timesteps);
	a->snap_have = 0;
	return a->fp ? fpipe_begin_layer(a->fp, l, &a->progs[l], err) : SIM_OK;
}

static const char *seg_name(const accel_t *a, const sched_seg_t *s)
{
	static const char *const lstm[2][4] = {
		{ "W.x i", "W.x f", "W.x g", "W.x o" }, { "U.h i", "U.h f", "U.h g", "U.h o" },
	};
	static const char *const gru[2][3] = { { "W.x r", "W.x z", "W.x n" }, { "U.h r", "U.h z", "U.h n" } };
	static const char *const all[2] = { "W.x all gates", "U.h all gates" }, *const one[2] = { "W.x", "U.h" };
	cell_kind_t c = a->w->layers[a->layer].cell;
	if (s->ngates > 1)
		return all[s->part];
	if (c == CELL_LSTM)
		return lstm[s->part][s->gate[0]];
	return c == CELL_GRU ? gru[s->part][s->gate[0]] : one[s->part];
}

static void trace_segment(accel_t *a, uint32_t id, uint64_t end)
{
	const ctrl_block_t *b = ctrl_block(a->ctrl, id);
	if (!b)
		return;
	const sched_seg_t *s = &a->progs[a->layer].seg[b->seg];
	char args[192];
	snprintf(args, sizeof args,
		 "\"layer\":%u,\"step\":%u,\"block\":%u,\"rows\":\"%u..%u\",\"gates\":%u,\"config\":%u,\"tiles\":%u",
		 a->layer, b->step, s->block, s->j0, s->j0 + s->valid_pg - 1, s->ngates, s->cfg, s->ntiles);
	trace_slice(a->trace, TRACE_VS, seg_name(a, s), a->seg_start, end, args);
}

static void trace_idle(accel_t *a, int cause)
{
	if (cause == a->idle_cause)
		return;
	if (a->idle_cause >= 0)
		trace_slice(a->trace, TRACE_VS_IDLE, ctrl_cause_name((idle_cause_t)a->idle_cause), a->idle_start,
			    a->now, NULL);
	a->idle_cause = cause;
	a->idle_start = a->now;
}

/* Stage 3: the accumulators' output. */
static void accel_acc_out(accel_t *a)
{
	const cu_out_t *o = a->be.ctx ? a->be.out_peek(a->be.ctx) : cu_out_peek(a->cu);
	if (!o) {
		(*a->acc_starve)++;
		return;
	}
	const ctrl_block_t *b = ctrl_block(a->ctrl, o->tag.block);
	if (!b) {
		a->broken = "a finished block's tag is no longer known to the controller";
		return;
	}
	const sched_seg_t *s = &a->progs[a->layer].seg[b->seg];
	if (a->fp)
		fpipe_block(a->fp, b->seg, b->step, o);
	if (s->part == SCHED_PART_X) {
		if (a->hw.scheduler != SCHED_KIND_EPUR) /* E-PUR's sums go to its precompute store */
			ibuf_write(a->ibuf, s->valid_rows);
		ctrl_x_written(a->ctrl, o->tag.block);
	} else {
		if (!fifo_can_push(a->preact)) {
			(*a->acc_stall)++;
			return;
		}
		mfu_packet_t p = {
			.step = b->step, .seg = b->seg, .seq = o->tag.seq, .phase = s->phase, .ngates = s->ngates,
			.j0 = s->j0, .valid_pg = s->valid_pg, .values = s->valid_rows,
			.x_values = ctrl_mfu_reads_x(a->ctrl) && s->partner >= 0 ? s->valid_rows : 0,
		};
		memcpy(p.gate, s->gate, sizeof p.gate);
		fifo_push(a->preact, &p);
	}
	if (a->trace) {
		char args[128];
		snprintf(args, sizeof args, "\"step\":%u,\"seq\":%u,\"rows\":\"%u..%u\",\"config\":%u", b->step,
			 o->tag.seq, s->j0, s->j0 + s->valid_pg - 1, s->cfg);
		trace_slice(a->trace, TRACE_ACC, s->part == SCHED_PART_X ? "W.x block -> buffer" : "U.h block -> MFU",
			    a->now, a->now + 1, args);
	}
	if (a->be.ctx)
		a->be.out_pop(a->be.ctx);
	else
		cu_out_pop(a->cu);
	(*a->acc_busy)++;
}

/* Stage 4: the VS array takes the read line's head. Returns true when the
 * head tile was refused (the line freezes this cycle). */
static bool accel_vs(accel_t *a)
{
	ctrl_token_t *tok = &a->line[a->line_idx];
	if (!tok->is_tile) {
		*a->idle[tok->cause] += a->nk;
		(*a->vs_starve)++;
		if (a->trace)
			trace_idle(a, tok->cause);
		return false;
	}
	cu_refuse_t r = a->be.ctx ? a->be.in_ready(a->be.ctx, &tok->t) : cu_in_ready(a->cu, &tok->t);
	if (r != CU_REFUSE_NONE) {
		int cause = r == CU_REFUSE_SLOTS ? IDLE_BACKPRESSURE : IDLE_FILL_DRAIN;
		*a->idle[cause] += a->nk;
		(*a->vs_stall)++;
		if (a->trace)
			trace_idle(a, cause);
		return true;
	}
	if (a->fp)
		fpipe_tile(a->fp, tok->seg, tok->col, &tok->t);
	if (a->be.ctx)
		a->be.in_push(a->be.ctx, &tok->t);
	else
		cu_in_push(a->cu, &tok->t);
	*a->useful += tok->t.useful_lanes;
	*a->issued += a->nk;
	*a->idle[IDLE_PADDING] += a->nk - tok->t.useful_lanes;
	(*a->vs_busy)++;
	if (a->trace) {
		trace_idle(a, -1);
		if (tok->t.first && tok->t.tag.seq == 0)
			a->seg_start = a->now;
		if (tok->t.last && tok->t.tag.seq + 1u == a->w->layers[a->layer].batch_size)
			trace_segment(a, tok->t.tag.block, a->now + 1);
	}
	return false;
}

/*
 * Exact fast-forward. A burst of k cycles is taken only when, for each of
 * those cycles, stepping would do exactly this and nothing else:
 *   - the VS array accepts the line's head, a tile of the segment being
 *     issued that neither opens nor closes a row block (so no accumulator
 *     is claimed or released and no tap changes: same config), and its
 *     lanes count as that tile's (all such tiles have full columns);
 *   - the controller issues the same segment's next token with no failing
 *     check (ctrl_run_length: deps step, segment already started) and the
 *     weights are readable (wbuf_quiet: resident, loaded, port uncapped,
 *     no DRAM transfer pending, so neither the buffer nor DRAM changes);
 *   - no block is offered by the accumulators before now + k
 *     (cu_next_out), so the MFU FIFO and the intermediate buffer stay as
 *     they are;
 *   - the MFU has nothing to start and nothing due before now + k, so the
 *     gate buffer stays as it is, and the cell updater has nothing ready
 *     and nothing due before now + k.
 * Under these conditions every unit's tick is either the same tile step or
 * a pure starvation count, so k ticks collapse into counter additions and
 * clock advances (the *_skip and *_run functions, each stating the same
 * precondition). tests/test_fastforward.c compares every counter and the
 * cycle count against stepping on all cells, batches, schedulers, tile
 * configs and weight policies.
 */
static uint64_t accel_burst_len(const accel_t *a)
{
	if (!a->opts.fast_forward || a->fp || a->trace || a->be.ctx)
		return 0;
	uint64_t k = ctrl_run_length(a->ctrl, &a->line[a->line_idx], a->nline);
	if (k < 2 || !wbuf_quiet(a->wbuf))
		return 0;
	uint64_t next = cu_next_out(a->cu);
	if (next != UINT64_MAX)
		k = next > a->now && next - a->now < k ? next - a->now : next > a->now ? k : 0;
	uint64_t m = mfu_quiet_for(a->mfu, a->preact), c = cellu_quiet_for(a->cellu, a->gbuf);
	k = m < k ? m : k;
	return c < k ? c : k;
}

static void accel_burst(accel_t *a, uint64_t k)
{
	cu_tile_t t = a->line[a->line_idx].t;
	cellu_skip(a->cellu, k);
	mfu_skip(a->mfu, k);
	*a->acc_starve += k;
	*a->useful += k * t.useful_lanes;
	*a->issued += k * a->nk;
	*a->idle[IDLE_PADDING] += k * (a->nk - t.useful_lanes);
	*a->vs_busy += k;
	cu_accept_run(a->cu, &t, k);
	ctrl_run(a->ctrl, &a->view, k, a->line, a->nline, &a->line_idx);
	dram_skip(a->dram, k);
	a->now += k;
}

/*
 * Exact steady-state jump. At the start of each time step (the cycle the
 * controller starts the step's first main segment) every unit writes its
 * whole state into a snapshot, normalized: times relative to the cycle,
 * steps relative to the step, block ids relative to the next id (snap.h).
 * The machine is deterministic and nothing in it depends on absolute time,
 * step numbers or ids except through comparisons that the normalization
 * preserves, and except at a layer's ends (step 0's missing barrier, the
 * cursors reaching the last step). So if the snapshots at steps t-1 and t
 * are equal, step t runs exactly like step t-1, shifted by its period P
 * cycles, and so do the steps after it for as long as nothing reaches the
 * layer's end. The jump then advances m whole periods at once: every
 * absolute field moves by m*P cycles, m steps and m*dI block ids, and
 * every counter by m times its increase over the last period. m is even
 * (the gate buffer and cell updater keep state per step parity) and leaves
 * the furthest step any unit refers to two steps short of the last. Units
 * that move bytes (streaming weights, loads in flight) must be steady;
 * functional and traced runs step every cycle.
 */
static bool accel_jump_allowed(const accel_t *a)
{
	return a->opts.fast_forward && !a->fp && !a->trace && !a->be.ctx && wbuf_quiet(a->wbuf) &&
	       dram_steady(a->dram);
}

static void accel_snapshot(accel_t *a, snap_t *s, uint64_t step)
{
	snap_reset(s, a->now, step, ctrl_next_id(a->ctrl));
	ctrl_snapshot(a->ctrl, s);
	for (uint32_t i = 0; i < a->nline; i++)
		ctrl_token_snapshot(&a->line[(a->line_idx + i) % a->nline], s);
	cu_snapshot(a->cu, s);
	snap_put(s, fifo_count(a->preact));
	for (uint32_t i = 0; i < fifo_count(a->preact); i++)
		mfu_packet_snapshot(fifo_at(a->preact, i), s);
	mfu_snapshot(a->mfu, s);
	gbuf_snapshot(a->gbuf, s);
	cellu_snapshot(a->cellu, s);
	snap_put(s, ibuf_used(a->ibuf));
}

static void accel_shift(accel_t *a, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	ctrl_shift(a->ctrl, cycles, steps, ids);
	for (uint32_t i = 0; i < a->nline; i++)
		ctrl_token_shift(&a->line[i], steps, ids);
	cu_shift(a->cu, cycles, steps, ids);
	for (uint32_t i = 0; i < fifo_count(a->preact); i++)
		((mfu_packet_t *)fifo_at(a->preact, i))->step += steps;
	mfu_shift(a->mfu, cycles, steps);
	gbuf_shift(a->gbuf, steps);
	cellu_shift(a->cellu, cycles, steps);
	dram_shift(a->dram, cycles);
	a->now += cycles;
}

/* Called after every cycle: a snapshot at each step start, kept for the
 * last ACCEL_HIST - 1 steps; a jump when the snapshot p steps back agrees,
 * for the smallest even p (state is kept per step parity, and Unfolded's
 * run-ahead can settle into a pattern several steps long). */
static void accel_steady(accel_t *a)
{
	int64_t t = ctrl_step_started(a->ctrl);
	if (t < 1)
		return;
	if (!accel_jump_allowed(a)) {
		a->snap_have = 0;
		return;
	}
	size_t nc = stats_size(a->st);
	if (!a->snap_have || a->snap_first + (uint64_t)a->snap_have != (uint64_t)t) {
		a->snap_first = (uint64_t)t;
		a->snap_have = 0;
	}
	int slot = (int)((uint64_t)t % ACCEL_HIST);
	if (!a->snap_counters[slot] && !(a->snap_counters[slot] = calloc(512, sizeof(uint64_t))))
		return;
	snap_t *cur = &a->snap[slot];
	accel_snapshot(a, cur, (uint64_t)t);
	for (size_t i = 0; i < nc; i++)
		a->snap_counters[slot][i] = stats_value(a->st, i);
	a->snap_have++;
	for (int p = 2; p < ACCEL_HIST && p < a->snap_have; p += 2) {
		int bs = (int)(((uint64_t)t - (uint64_t)p) % ACCEL_HIST);
		const snap_t *back = &a->snap[bs];
		if (back->step + (uint64_t)p != (uint64_t)t || !snap_equal(back, cur))
			continue;
		uint32_t T = a->w->layers[a->layer].timesteps;
		uint64_t period = cur->now - back->now; /* p steps */
		uint32_t dids = (uint32_t)(cur->id - back->id);
		uint32_t reach = ctrl_max_step(a->ctrl);
		uint64_t groups = (T > reach + 2 ? T - reach - 2 : 0) / (uint64_t)p;
		if (groups < 1)
			return;
		for (size_t i = 0; i < nc; i++)
			stats_add(a->st, i, groups * (a->snap_counters[slot][i] - a->snap_counters[bs][i]));
		accel_shift(a, groups * period, (uint32_t)(groups * (uint64_t)p), (uint32_t)(groups * dids));
		*a->jumped += groups * period;
		a->snap_have = 0;
		return;
	}
}

/*
 * Exact skip over a wait for weights. When every token in the read line is
 * a weight-fetch bubble, the controller is waiting for its next tile's bytes
 * from DRAM, and the accumulators, MFU and cell updater are quiet, each
 * cycle only advances the DRAM and counts one weight-fetch bubble per unit:
 * the DRAM is ticked for real, cycle by cycle, until the tile would be
 * readable (or another unit's next event), and everything else is added in
 * bulk. Streamed layers are DRAM-bound, so this is most of their cycles.
 */
static uint64_t accel_wait_skip(accel_t *a)
{
	if (!a->opts.fast_forward || a->fp || a->trace || a->be.ctx || !ctrl_waits_for_dram(a->ctrl, &a->view))
		return 0;
	for (uint32_t i = 0; i < a->nline; i++)
		if (a->line[i].is_tile || a->line[i].cause != IDLE_WEIGHT_FETCH)
			return 0;
	uint64_t limit = mfu_quiet_for(a->mfu, a->preact), c = cellu_quiet_for(a->cellu, a->gbuf);
	limit = c < limit ? c : limit;
	uint64_t next = cu_next_out(a->cu);
	if (next != UINT64_MAX)
		limit = next > a->now && next - a->now < limit ? next - a->now : next > a->now ? limit : 0;
	if (limit < 2 || !dram_busy(a->dram))
		return 0;
	/* Advance the DRAM in closed form to the cycle its arrivals satisfy
	 * the controller (dram_ticks_until), or tick it while the controller
	 * would still wait when the limits do not let the closed form reach. */
	uint64_t k = 0;
	int s;
	uint64_t pos, until = UINT64_MAX;
	if (ctrl_dram_need(a->ctrl, &a->view, &s, &pos))
		until = dram_ticks_until(a->dram, s, pos);
	if (until != UINT64_MAX) {
		k = until < limit ? until : limit;
		dram_advance(a->dram, k);
	} else {
		while (k < limit && dram_busy(a->dram)) {
			dram_tick(a->dram);
			k++;
			if (!ctrl_waits_for_dram(a->ctrl, &a->view))
				break;
		}
	}
	if (!k)
		return 0;
	ctrl_skip_wait(a->ctrl, k);
	cellu_skip(a->cellu, k);
	mfu_skip(a->mfu, k);
	cu_skip(a->cu, k);
	*a->acc_starve += k;
	*a->idle[IDLE_WEIGHT_FETCH] += k * a->nk;
	*a->vs_starve += k;
	a->line_idx = (uint32_t)((a->line_idx + k) % a->nline);
	wbuf_skip(a->wbuf, k);
	a->now += k;
	return k;
}

static void accel_cycle(accel_t *a)
{
	cellu_tick(a->cellu, a->gbuf);
	uint32_t released = mfu_tick(a->mfu, a->preact, a->gbuf);
	if (released) {
		ibuf_read(a->ibuf, released);
		ibuf_free(a->ibuf, released);
	}
	accel_acc_out(a);
	bool frozen = accel_vs(a);
	if (frozen) {
		ctrl_tick(a->ctrl, &a->view, true, NULL);
	} else {
		ctrl_tick(a->ctrl, &a->view, false, &a->line[a->line_idx]);
		a->line_idx = a->line_idx + 1 == a->nline ? 0 : a->line_idx + 1;
	}
	wbuf_tick(a->wbuf);
	dram_tick(a->dram);
	if (a->be.ctx)
		a->be.tick(a->be.ctx);
	else
		cu_tick(a->cu);
	a->now++;
}

/* Something moved this cycle: a tile or block went through, DRAM moved a
 * byte, or a value is inside the MFU or cell updater (it will come out). */
static uint64_t accel_progress(const accel_t *a)
{
	uint64_t dram = dram_requested(a->dram, DRAM_STREAM) + dram_requested(a->dram, DRAM_LOAD);
	return *a->vs_busy + *a->acc_busy + dram;
}

static int accel_deadlock(const accel_t *a, sim_err_t *err)
{
	const ctrl_token_t *head = &a->line[a->line_idx];
	uint64_t overruns = 0;
	stats_find(a->st, "gatebuf.overruns", &overruns);
	if (overruns)
		return sim_err(err, SIM_EINTERNAL, "the gate buffer was written for a step it had no room for "
			       "(%llu times), so the cell updater waits forever", (unsigned long long)overruns);
	return sim_err(err, SIM_EDEADLOCK,
		       "deadlock: nothing moved for %llu cycles (cycle %llu, layer %u): "
		       "preact FIFO %u/%u, accumulators in flight %u, intermediate buffer %llu/%llu values, "
		       "weight-read head %s%s, cell updater %s, MFU %s",
		       (unsigned long long)a->hw.watchdog, (unsigned long long)a->now, a->layer + 1,
		       fifo_count(a->preact), fifo_depth(a->preact), cu_in_flight(a->cu),
		       (unsigned long long)ibuf_used(a->ibuf), (unsigned long long)ibuf_capacity(a->ibuf),
		       head->is_tile ? "tile" : "bubble: ", head->is_tile ? "" : ctrl_cause_name((idle_cause_t)head->cause),
		       cellu_idle(a->cellu) ? "idle" : "busy", mfu_idle(a->mfu) ? "idle" : "busy");
}

static int accel_check(const accel_t *a, run_result_t *r, sim_err_t *err)
{
	uint64_t lanes = *a->useful;
	for (int i = 0; i < IDLE_NCAUSES; i++)
		lanes += *a->idle[i];
	if (lanes != a->now * a->nk)
		return sim_err(err, SIM_EINTERNAL,
			       "lane conservation broken: cycles*N*K = %llu but useful + idle = %llu",
			       (unsigned long long)(a->now * a->nk), (unsigned long long)lanes);
	uint64_t overruns = 0;
	stats_find(a->st, "gatebuf.overruns", &overruns);
	if (overruns)
		return sim_err(err, SIM_EINTERNAL, "the gate buffer was written for a step it had no room for (%llu times)",
			       (unsigned long long)overruns);
	uint64_t want = 0;
	for (size_t i = 0; i < a->w->n_layers; i++)
		want += workload_layer_macs(&a->w->layers[i]);
	if (*a->useful != want)
		return sim_err(err, SIM_EINTERNAL, "useful MACs %llu differ from G*H*(I+H)*T*B = %llu",
			       (unsigned long long)*a->useful, (unsigned long long)want);
	(void)r;
	return SIM_OK;
}

static int accel_loop(accel_t *a, run_result_t *r, sim_err_t *err)
{
	uint64_t last = 0, mark = 0, layer_start = 0, layer_useful = 0, layer_issued = 0;
	int rc = accel_begin_layer(a, 0, err);
	if (rc)
		return rc;
	for (;;) {
		uint64_t k = accel_burst_len(a);
		if (k)
			accel_burst(a, k);
		else if (!(k = accel_wait_skip(a)))
			accel_cycle(a);
		if (a->broken)
			return sim_err(err, SIM_EINTERNAL, "cycle %llu: %s", (unsigned long long)a->now, a->broken);
		if (a->be.ctx && (rc = a->be.error(a->be.ctx, err)))
			return rc;
		if (!k) {
			uint64_t before = a->now;
			accel_steady(a);
			if (a->now != before) {
				mark = accel_progress(a);
				last = a->now;
				continue;
			}
		}
		uint64_t p = accel_progress(a);
		if (p != mark || !mfu_idle(a->mfu) || !cellu_idle(a->cellu)) {
			mark = p;
			last = a->now;
		} else if (a->now - last > a->hw.watchdog) {
			return accel_deadlock(a, err);
		}
		if (!cellu_layer_done(a->cellu))
			continue;
		layer_result_t *lr = &r->layers[a->layer];
		lr->cycles = a->now - layer_start;
		lr->useful_macs = *a->useful - layer_useful;
		lr->issued_macs = *a->issued - layer_issued;
		layer_start = a->now;
		layer_useful = *a->useful;
		layer_issued = *a->issued;
		wbuf_end_layer(a->wbuf, a->layer);
		if (a->fp && (rc = fpipe_end_layer(a->fp, a->layer, &lr->err, err)))
			return rc;
		if (a->layer + 1 == a->w->n_layers)
			break;
		if ((rc = accel_begin_layer(a, a->layer + 1, err)))
			return rc;
	}
	if (a->trace)
		trace_idle(a, -2);
	return SIM_OK;
}

int accel_run(const hw_cfg_t *hw, const workload_t *w, const run_opts_t *opts, run_result_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!w->n_layers)
		return sim_err(err, SIM_EINPUT, "%s: the workload has no layers, expected at least one", w->path);
	accel_t a = { 0 };
	a.hw = *hw;
	uint32_t max_batch = 1;
	for (size_t i = 0; i < w->n_layers; i++)
		max_batch = w->layers[i].batch_size > max_batch ? w->layers[i].batch_size : max_batch;
	a.hw.compute.accumulators = resolve_accumulators(&a.hw, max_batch);
	resolve_hw(&a.hw);
	if (opts->functional)
		for (size_t i = 0; i < w->n_layers; i++)
			if (w->layers[i].cell == CELL_FC || w->layers[i].direction == DIR_BI)
				return sim_err(err, SIM_EINPUT,
					       "%s: layer %zu is %s; functional mode computes lstm, gru and vanilla "
					       "unidirectional layers, expected those (run it without --functional for timing)",
					       w->path, i + 1, w->layers[i].cell == CELL_FC ? "fc" : "bidirectional");
	int prc = accel_passes(&a, w, err);
	if (prc) {
		accel_destroy(&a);
		return prc;
	}
	a.opts = *opts;
	a.n = a.hw.compute.vs_units;
	a.k = resolve_lanes(&a.hw);
	a.nk = (uint64_t)a.n * a.k;
	a.idle_cause = -1;
	a.st = out->stats = stats_create();
	if (!a.st) {
		accel_destroy(&a);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	int rc = accel_build(&a, err);
	if (!rc)
		rc = accel_plan(&a, out, err);
	if (!rc && opts->trace_path) {
		if (!(a.trace = trace_open(opts->trace_path, a.hw.clock_mhz, err))) {
			rc = err->code;
		} else {
			ctrl_set_trace(a.ctrl, a.trace);
			mfu_set_trace(a.mfu, a.trace);
			cellu_set_trace(a.cellu, a.trace);
		}
	}
	if (!rc)
		rc = accel_loop(&a, out, err);
	if (!rc)
		rc = accel_check(&a, out, err);
	if (a.trace) {
		int trc = trace_close(a.trace, rc == SIM_OK, rc ? NULL : err);
		rc = rc ? rc : trc;
	}
	if (!rc) {
		out->hw = a.hw;
		out->cycles = a.now;
		out->cold = opts->cold;
		out->functional = opts->functional;
		out->useful_macs = *a.useful;
		out->issued_macs = *a.issued;
		out->utilization = a.now ? (double)*a.useful / ((double)a.now * (double)a.nk) : 0;
		out->latency_us = (double)a.now / a.hw.clock_mhz;
		out->peak_gflops = 2.0 * (double)a.nk * a.hw.clock_mhz / 1000.0;
		out->wbuf_peak_bytes_per_cycle = wbuf_peak_bytes(a.wbuf);
	}
	accel_destroy(&a);
	if (rc)
		run_result_free(out);
	return rc;
}

void run_result_free(run_result_t *r)
{
	stats_destroy(r->stats);
	free(r->layers);
	r->stats = NULL;
	r->layers = NULL;
}

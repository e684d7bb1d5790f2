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
 *   6. weight buffer, decompression unit, DRAM, compute unit clocks advance
 * Units with nothing due are passed over and their cycles settled in bulk
 * (accel_cycle): the cell updater and MFU between their events, the
 * memory units of 6 once a layer's weights have settled.
 *
 * Every cycle counts all N*K multiplier lanes exactly once, as useful,
 * padding, or idle for a cause, so at the end
 *     cycles * N * K == useful_macs + padding + dependency + fill_drain
 *                       + backpressure + weight_fetch + decompress
 *                       + zero_weight
 * which every run checks, together with useful_macs == G*H*(I+H)*T*B (a
 * pruned layer: its non-zeros, counted on its masks, times T*B).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel_impl.h"
#include "resolve.h"
#include "../cell/cell.h"

static void accel_destroy(accel_t *a)
{
	stats_seal(a->st); /* the run's statistics outlive its fields */
	cu_destroy(a->cu);
	fifo_destroy(a->preact);
	mfu_destroy(a->mfu);
	gbuf_destroy(a->gbuf);
	cellu_destroy(a->cellu);
	ibuf_destroy(a->ibuf);
	wbuf_destroy(a->wbuf);
	dcmp_destroy(a->dcmp);
	dram_destroy(a->dram);
	ctrl_destroy(a->ctrl);
	fpipe_destroy(a->fp);
	if (a->be.ctx)
		a->be.destroy(a->be.ctx);
	free(a->line);
	free(a->vs_sum);
	for (int i = 0; i < ACCEL_HIST; i++) {
		snap_free(&a->snap[i]);
		free(a->snap_counters[i]);
	}
}

static int accel_counters(accel_t *a)
{
	static const char *const idle_desc[IDLE_NCAUSES] = {
		"lane-cycles idle: rows/columns beyond the matrix",
		"lane-cycles idle: waiting for h (or r*h)",
		"lane-cycles idle: pipeline fill, drain and tap-switch bubbles",
		"lane-cycles idle: accumulators, FIFO or intermediate buffer full",
		"lane-cycles idle: weights not yet in the buffer or port busy",
		"lane-cycles idle: the decompression unit has not expanded the next tile yet",
		"lane-cycles issued on a pruned (zero) weight: not skipped, not useful",
	};
	const struct {
		uint64_t *field;
		const char *name;
		stats_unit_t unit;
		const char *desc;
	} hot[] = {
		{ &a->useful, "vs.useful_macs", STATS_MACS, "multiply-accumulates on real weights and operands" },
		{ &a->issued, "vs.issued_macs", STATS_MACS, "multiply-accumulates issued (N*K per tile cycle)" },
		{ &a->vs_busy, "vs.busy", STATS_CYCLES, "cycles the VS array accepted a tile" },
		{ &a->vs_stall, "vs.stall", STATS_CYCLES, "cycles a tile waited at the VS array (refused)" },
		{ &a->vs_starve, "vs.starve", STATS_CYCLES, "cycles no tile reached the VS array" },
		{ &a->acc_busy, "acc.busy", STATS_CYCLES, "cycles a finished row block left the accumulators" },
		{ &a->acc_stall, "acc.stall", STATS_CYCLES, "cycles a finished block waited for the MFU FIFO" },
		{ &a->acc_starve, "acc.starve", STATS_CYCLES, "cycles no block was finished" },
		{ &a->bound_cell, "bound.cell", STATS_CYCLES,
		  "cycles the VS array waited for h while the cell updater read elements "
		  "(the cell updater bound the step)" },
		{ &a->bound_mfu, "bound.mfu", STATS_CYCLES,
		  "cycles the VS array waited for h while the MFU started values and the cell "
		  "updater read none (the MFU bound the step)" },
	};
	char name[64];
	/* Registration order is the dump order: keep it. */
	for (size_t i = 0; i < 2; i++)
		if (!stats_field(a->st, hot[i].name, hot[i].unit, hot[i].desc, hot[i].field))
			return SIM_EINTERNAL;
	for (int i = 0; i < IDLE_NCAUSES; i++) {
		snprintf(name, sizeof name, "idle.%s", ctrl_cause_name((idle_cause_t)i));
		if (!stats_field(a->st, name, STATS_LANE_CYCLES, idle_desc[i], &a->idle[i]))
			return SIM_EINTERNAL;
	}
	for (size_t i = 2; i < sizeof hot / sizeof hot[0]; i++)
		if (!stats_field(a->st, hot[i].name, hot[i].unit, hot[i].desc, hot[i].field))
			return SIM_EINTERNAL;
	a->jumped = stats_counter(a->st, "sim.jumped_cycles", STATS_CYCLES,
				  "cycles covered by exact steady-state jumps (not hardware)");
	/* The I/H buffer traffic of the VS array, apart from the cell
	 * updater's (ihbuf.reads/.writes); docs/energy.md prices both. */
	if (!stats_field(a->st, "ihbuf.operand_reads", STATS_VALUES,
			 "x and h operands read for the VS array (one per real tile column)", &a->ih_operand_reads))
		return SIM_EINTERNAL;
	a->ih_input_writes = stats_counter(a->st, "ihbuf.input_writes", STATS_VALUES,
					   "x_t elements written into the I/H buffer (first layer's input)");
	if (!a->jumped || !a->ih_input_writes)
		return SIM_EINTERNAL;
	/* Registered only for a workload with a progressive layer, so other
	 * runs' reports keep their counter set. */
	for (size_t i = 0; i < a->w->n_layers; i++)
		if (a->w->layers[i].approx != APPROX_NONE) {
			a->scale_mults = stats_counter(
				a->st, "approx.scale_mults", STATS_EVENTS,
				"progressive layers: sigma * s multiplies on the accumulator output, one per gate "
				"and refinement step (docs/progressive.md)");
			if (!a->scale_mults)
				return SIM_EINTERNAL;
			break;
		}
	/* Likewise for a softmax layer (smx_prog.h): its MFU work. */
	for (size_t i = 0; i < a->w->n_layers; i++)
		if (cell_get(a->w->layers[i].cell)->flags & CELL_F_SOFTMAX) {
			a->smx_compares = stats_counter(a->st, "softmax.max_compares", STATS_EVENTS,
							"softmax layers: comparisons finding each vector's maximum "
							"at the MFU (docs/hardware.md §2.11)");
			a->smx_exps = stats_counter(a->st, "softmax.exps", STATS_EVENTS,
						    "softmax layers: exp(z - m) evaluations at the MFU");
			a->smx_recips = stats_counter(a->st, "softmax.recips", STATS_EVENTS,
						      "softmax layers: reciprocals of a vector's sum at the MFU");
			if (!a->smx_compares || !a->smx_exps || !a->smx_recips)
				return SIM_EINTERNAL;
			break;
		}
	return SIM_OK;
}

/* The weight buffer's plan and the per-pass results the plan decides. */
/* The anytime record's blocks: the program's U.h segments (run.h). */
static bool accel_anytime_alloc(layer_result_t *lr, const sched_prog_t *p)
{
	run_anytime_t *at = lr->anytime = calloc(1, sizeof *at);
	if (!at)
		return false;
	for (uint32_t s = 0; s < p->n; s++)
		at->nblock += p->seg[s].part == SCHED_PART_H;
	at->j0 = calloc(at->nblock, sizeof *at->j0);
	at->rows = calloc(at->nblock, sizeof *at->rows);
	at->left_at = calloc((size_t)lr->cfg.timesteps * at->nblock, sizeof *at->left_at);
	if (!at->j0 || !at->rows || !at->left_at)
		return false;
	for (uint32_t s = 0, b = 0; s < p->n; s++)
		if (p->seg[s].part == SCHED_PART_H) {
			at->j0[b] = p->seg[s].j0;
			at->rows[b++] = p->seg[s].valid_pg;
		}
	return true;
}

static int accel_plan(accel_t *a, run_result_t *r, sim_err_t *err)
{
	const plan_t *pl = a->plan;
	size_t n = a->w->n_layers;
	wbuf_layer_plan_t *wp = calloc(n, sizeof *wp);
	r->layers = calloc(n, sizeof *r->layers);
	if (!wp || !r->layers) {
		free(wp);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	r->n_layers = n;
	const memory_cfg_t *m = &a->hw.memory;
	uint64_t space = m->weights == WEIGHTS_RESIDENT ? UINT64_MAX : m->wbuf.bytes - m->wbuf.stage_bytes;
	for (size_t i = 0; i < n; i++) {
		const plan_pass_t *pp = &pl->pass[i];
		uint64_t bytes = pp->bytes;
		wp[i].step_bytes = bytes;
		wp[i].timesteps = a->w->layers[i].timesteps;
		wp[i].resident = pp->resident ? bytes : (bytes < space ? bytes : space);
		wp[i].load_live = m->weights == WEIGHTS_RESIDENT ? a->opts.cold : (i > 0 || a->opts.cold);
		layer_result_t *lr = &r->layers[i];
		lr->cfg = a->w->layers[i];
		lr->layer = pp->layer;
		lr->backward = pp->backward;
		lr->both = pp->sets > 1;
		if (lr->both) { /* reported as the workload states it */
			lr->cfg.batch_size /= pp->sets;
			lr->cfg.direction = DIR_BI;
		}
		lr->tile = pp->tile;
		lr->weights = pp->resident ? WEIGHTS_RESIDENT : WEIGHTS_STREAM;
		lr->weights_fit = pp->fit;
		lr->weight_bytes = bytes;
		lr->fp16_weight_bytes = pp->fp16_bytes;
		lr->fits_only_compressed = pp->fit && !pp->fit_fp16;
		lr->nnz_per_step = pp->nnz_per_step;
		if (a->opts.anytime && lr->cfg.approx == APPROX_NONE && !accel_anytime_alloc(lr, &a->progs[i])) {
			free(wp);
			return sim_err(err, SIM_ENOMEM, "out of memory");
		}
		if (lr->cfg.approx != APPROX_NONE) {
			lr->refine_steps = lr->cfg.approx_steps;
			lr->refine_at = calloc((size_t)lr->cfg.timesteps * lr->refine_steps, sizeof *lr->refine_at);
			if (!lr->refine_at) {
				free(wp);
				return sim_err(err, SIM_ENOMEM, "out of memory");
			}
		}
	}
	a->results = r->layers;
	r->weights_fit = pl->weights_fit;
	r->weights = pl->weights;
	r->load_cycles = dram_transfer_cycles(a->dram, wp[0].resident);
	r->load_bytes = wp[0].resident;
	int rc = wbuf_plan(a->wbuf, wp, (uint32_t)n, m->weights == WEIGHTS_RESIDENT, !a->opts.cold);
	free(wp);
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

/* First phase: each unit created from its own config. */
static int accel_build(accel_t *a, sim_err_t *err)
{
	const hw_cfg_t *hw = &a->hw;
	uint32_t max_elems = 1;
	for (size_t i = 0; i < a->w->n_layers; i++) {
		uint32_t e = a->w->layers[i].hidden_size * a->w->layers[i].batch_size;
		max_elems = e > max_elems ? e : max_elems;
	}
	cu_cfg_t cc = {
		.vs_units = a->n,
		.vs_width = a->k,
		.mult_latency = hw->compute.mult_latency,
		.acc_latency = hw->compute.acc_latency,
		.accumulators = hw->compute.accumulators,
		.functional = a->opts.functional,
		.prec = hw->precision.mul,
		.acc_bits = hw->precision.acc_bits,
	};
	/* The read line is as long as the deepest layer's read path: the
	 * buffer's read latency, plus the decompression unit's for a layer
	 * that passes through it (accel_begin_layer sets each layer's). */
	a->nline_max = hw->memory.wbuf.read_latency;
	for (size_t i = 0; i < a->w->n_layers; i++) {
		uint32_t r = hw->memory.wbuf.read_latency + (dcmp_used(&a->progs[i]) ? hw->decompress.latency : 0);
		a->nline_max = r > a->nline_max ? r : a->nline_max;
	}
	a->nline = hw->memory.wbuf.read_latency;
	a->cu = cu_create(&cc, a->st);
	a->preact = fifo_create("preact", sizeof(mfu_packet_t), hw->fifo_depth, a->st);
	a->mfu = mfu_create(&hw->mfu, a->st);
	a->gbuf = gbuf_create(max_elems, a->st);
	a->cellu = cellu_create(&hw->cell, a->st);
	a->ibuf = ibuf_create(resolve_inter_values(hw), a->st);
	a->dram = dram_create(&hw->memory.dram, hw->clock_mhz, a->st);
	a->wbuf = a->dram ? wbuf_create(&hw->memory.wbuf, a->n, a->k, a->dram, a->st) : NULL;
	a->dcmp = dcmp_create(&hw->decompress, a->n, a->k, a->st);
	a->ctrl = ctrl_create(a->plan->sched, hw->deps, hw->compute.accumulators + a->nline_max + 8,
			      (uint32_t)resolve_inter_values(hw) + 1, a->st);
	a->line = calloc(a->nline_max, sizeof *a->line);
	if (!a->cu || !a->preact || !a->mfu || !a->gbuf || !a->cellu || !a->ibuf || !a->dram || !a->wbuf || !a->dcmp ||
	    !a->ctrl || !a->line || accel_counters(a))
		return sim_err(err, SIM_ENOMEM, "cannot build the accelerator (out of memory or a zero-sized unit)");
	for (uint32_t i = 0; i < a->nline_max; i++)
		a->line[i].cause = IDLE_FILL_DRAIN; /* the read line starts empty */
	a->head = a->line;
	a->line_end = a->line + a->nline;
	if (a->opts.cu_mode != CU_BACKEND_C) {
		if (!a->opts.cu_factory)
			return sim_err(err, SIM_EINPUT,
				       "this sharpsim has no RTL in it, expected build/sharpsim-rtl "
				       "(make rtl-sim) for --cosim and --rtl");
		int rc = a->opts.cu_factory(&cc, a->opts.cu_mode, a->cu, a->opts.vcd_path, &a->be, err);
		if (rc)
			return rc;
	}
	if (a->opts.functional) {
		size_t np = a->w->n_layers;
		fpipe_pass_t *fpp = calloc(np, sizeof *fpp);
		if (!fpp)
			return sim_err(err, SIM_ENOMEM, "out of memory");
		for (size_t k = 0; k < np; k++) {
			const plan_pass_t *pp = &a->plan->pass[k];
			bool twin = (k + 1 < np && a->plan->pass[k + 1].layer == pp->layer) ||
				    (k > 0 && a->plan->pass[k - 1].layer == pp->layer);
			fpp[k] = (fpipe_pass_t){ .layer = pp->layer, .backward = pp->backward, .bidir = twin };
		}
		fpipe_opts_t fo = { .seed = a->opts.seed,
				    .dump_dir = a->opts.dump_dir,
				    .reference = !a->opts.no_reference,
				    .words = a->opts.cu_mode != CU_BACKEND_C };
		a->fp = fpipe_create(&a->hw, a->w, fpp, &fo, a->st, err);
		free(fpp);
		if (!a->fp)
			return err->code ? err->code : SIM_ENOMEM;
	}
	if (a->opts.trace_path) {
		trace_opts_t to = { .step_lo = -1, .step_hi = -1 };
		if (a->opts.trace_opts)
			to = *a->opts.trace_opts;
		to.clock_mhz = a->hw.clock_mhz;
		to.nk = a->nk;
		if (!(a->trace = trace_open(a->opts.trace_path, &to, err)))
			return err->code;
	}
	return SIM_OK;
}

/* Second phase, the one place peers are wired: the unit list the
 * fast-forward walks, the controller's view of the units it checks, the
 * functional datapath's sinks and the trace hooks. */
static void accel_connect(accel_t *a)
{
	const unit_t units[] = {
		{ &cellu_unit, a->cellu }, { &mfu_unit, a->mfu },   { &gbuf_unit, a->gbuf }, { &cu_unit, a->cu },
		{ &ctrl_unit, a->ctrl },   { &dram_unit, a->dram }, { &wbuf_unit, a->wbuf }, { &dcmp_unit, a->dcmp },
	};
	_Static_assert(sizeof units / sizeof units[0] <= sizeof a->units / sizeof a->units[0], "room for the units");
	memcpy(a->units, units, sizeof units);
	a->nunits = sizeof units / sizeof units[0];
	a->nquiet = 0;
	for (uint32_t i = 0; i < a->nunits; i++)
		if (units[i].ops->quiet_for)
			a->quiet[a->nquiet++] = units[i];
	mfu_connect(a->mfu, a->preact);
	cellu_connect(a->cellu, a->gbuf);
	a->view =
		(ctrl_view_t){ .cellu = a->cellu, .gbuf = a->gbuf, .wbuf = a->wbuf, .dcmp = a->dcmp, .ibuf = a->ibuf };
	if (a->fp) {
		a->view.dlt = fpipe_delta(a->fp);
		mfu_set_sink(a->mfu, fp_activate, a->fp);
		cellu_set_sink(a->cellu, fp_update, a->fp);
	}
	if (a->trace) {
		ctrl_set_trace(a->ctrl, a->trace);
		mfu_set_trace(a->mfu, a->trace);
		cellu_set_trace(a->cellu, a->trace);
	}
}

/* Sets the weight-read line to r slots between layers. The line's tokens
 * are then all bubbles (the previous layer's tiles left it long before its
 * last h was written, and the new layer has issued nothing): a longer line
 * gets fill/drain bubbles behind the ones it holds, a shorter one drops
 * bubbles from its tail. Each cycle still counts the head token once. */
static void accel_set_line(accel_t *a, uint32_t r)
{
	if (r == a->nline)
		return;
	ctrl_token_t tmp[64 + 64]; /* read_latency + decompress.latency, both at most 64 */
	for (uint32_t i = 0; i < a->nline; i++)
		if (a->line[i].is_tile)
			a->broken = "a tile was still in the weight-read line at a layer boundary";
	for (uint32_t i = 0; i < r; i++)
		tmp[i] = i < a->nline ? a->line[(accel_line_idx(a) + i) % a->nline]
				      : (ctrl_token_t){ .is_tile = false, .cause = IDLE_FILL_DRAIN };
	memcpy(a->line, tmp, r * sizeof *tmp);
	a->nline = r;
	a->head = a->line;
	a->line_end = a->line + r;
}

/* The layer's vs_sum (accel_impl.h): its program's per-tile prefix sums. */
static int accel_vs_sums(accel_t *a, const sched_prog_t *p)
{
	if (p->ntile + 1 > a->vs_sum_room) {
		struct accel_tile_sum *t = realloc(a->vs_sum, (p->ntile + 1) * sizeof *t);
		if (!t)
			return SIM_ENOMEM;
		a->vs_sum = t;
		a->vs_sum_room = p->ntile + 1;
	}
	a->vs_sum[0] = (struct accel_tile_sum){ 0 };
	for (uint32_t i = 0; i < p->ntile; i++) {
		const tile_meta_t *m = &p->tile[i];
		a->vs_sum[i + 1] = (struct accel_tile_sum){ .useful = a->vs_sum[i].useful + m->useful_lanes,
							    .cols = a->vs_sum[i].cols + m->cols,
							    .adds = a->vs_sum[i].adds + m->useful_adds };
	}
	return SIM_OK;
}

/* The run has no trace, functional datapath or compute backend: its
 * stepped cycles may take accel_cycle_as's plain copy. */
static bool accel_plain(const accel_t *a)
{
	return !a->trace && !a->fp && !a->be.ctx;
}

static int accel_begin_layer(accel_t *a, uint32_t l, sim_err_t *err)
{
	const layer_cfg_t *lc = &a->w->layers[l];
	a->layer = l;
	a->segs = a->progs[l].seg;
	a->anytime = a->results[l].anytime != NULL;
	a->x_store = a->plan->sched->flags & SCHED_F_X_PRECOMPUTED;
	a->lazy_reads = !(a->opts.fast_forward && !a->fp && !a->be.ctx);
	/* One sequence: a run's tiles are consecutive columns (a batch's
	 * tokens repeat each column, and would end a run every tile). */
	a->vs_lazy = a->lazy_reads && !a->fp && !a->be.ctx && !lc->delta && lc->batch_size == 1;
	a->vs_seg = UINT32_MAX; /* no run: the last layer's was counted (accel_settle) */
	a->vs_c0 = a->vs_c1 = 0;
	if (a->vs_lazy && accel_vs_sums(a, &a->progs[l]))
		return sim_err(err, SIM_ENOMEM, "out of memory");
	ctrl_layer_t cl = {
		.prog = &a->progs[l],
		.cell = lc->cell,
		.form = lc->gru_form,
		.hidden = lc->hidden_size,
		.timesteps = lc->timesteps,
		.batch = lc->batch_size,
		.sets = a->plan->pass[l].sets,
		.proj = lc->proj_size,
		.lc = lc,
		.last = l + 1 == a->w->n_layers,
		.delta = lc->delta,
		.delta_latency = a->hw.delta_encoder_latency,
		.lazy_reads = a->lazy_reads,
		.mid_short = a->vs_lazy && accel_plain(a),
	};
	if (ctrl_begin_layer(a->ctrl, &cl))
		return sim_err(err, SIM_ENOMEM, "out of memory");
	wbuf_begin_layer(a->wbuf, l, &a->progs[l], a->plan->pass[l].sets);
	dcmp_begin_layer(a->dcmp, &a->progs[l]);
	accel_set_line(a, a->hw.memory.wbuf.read_latency + dcmp_latency(a->dcmp, &a->progs[l]));
	mfu_begin_layer(a->mfu, lc);
	bool whole_vector = a->hw.cell_update == CELL_UPDATE_VECTOR ||
			    (a->hw.cell_update == CELL_UPDATE_AUTO && (a->plan->sched->flags & SCHED_F_WHOLE_VECTOR));
	gbuf_begin_layer(a->gbuf, lc, workload_gates(lc->cell), whole_vector);
	cellu_begin_layer(a->cellu, lc);
	a->cellu_due = a->mfu_due = 0; /* the new layer's units act on their own terms */
	a->mem_settled = false;	       /* the layer's loads, window and decompression are new */
	/* The first layer's x_t comes from outside and is written into the I/H
	 * buffer step by step (the ping-pong prefetch), by every pass that
	 * reads it; a later layer's input is the h the cell updater already
	 * wrote there (ihbuf.writes). Counted whole here: when within the layer
	 * changes no total. */
	if (a->plan->pass[l].layer == 0 && !lc->skip_input)
		*a->ih_input_writes += (uint64_t)lc->input_size * workload_seq_steps(lc);
	a->snap_have = 0;
	return a->fp ? fpipe_begin_layer(a->fp, l, &a->progs[l], err) : SIM_OK;
}

/* Segment seg (a U.h one) of step `step` leaves for the MFU now: its
 * block's entry in the anytime record (its rank among the U.h segments). */
static void accel_anytime_left(accel_t *a, uint32_t seg, uint32_t step)
{
	const sched_prog_t *p = &a->progs[a->layer];
	run_anytime_t *at = a->results[a->layer].anytime;
	uint32_t b = 0;
	for (uint32_t s = 0; s < seg; s++)
		b += p->seg[s].part == SCHED_PART_H;
	at->left_at[(size_t)step * at->nblock + b] = a->now;
}

/* Stage 3: the accumulators' output. Stages 3 and 4 are `inline`: each
 * runs once per cycle from one call site (accel_cycle_as), and out of line
 * each cost a call, prologue and epilogue per stepped cycle
 * (docs/performance.md). `plain` (a constant at each call site): the run
 * has no trace, functional datapath or compute backend (accel_plain), so
 * their tests are compiled out. */
static inline __attribute__((always_inline)) void accel_acc_out(accel_t *a, const bool plain)
{
	if (plain && a->now < a->acc_due) { /* cu_out_peek would be NULL */
		a->acc_starve++;
		return;
	}
	const cu_out_t *o = !plain && a->be.ctx ? a->be.out_peek(a->be.ctx) : cu_out_peek(a->cu);
	if (!o) {
		if (plain)
			a->acc_due = cu_next_out(a->cu);
		a->acc_starve++;
		return;
	}
	const ctrl_block_t *b = ctrl_block(a->ctrl, o->tag.block);
	if (!b) {
		a->broken = "a finished block's tag is no longer known to the controller";
		return;
	}
	const sched_seg_t *s = &a->segs[b->seg];
	if (!plain && a->fp)
		fpipe_block(a->fp, b->seg, b->step, o);
	if (s->part == SCHED_PART_X) {
		if (!a->x_store) /* else to the schedule's own store */
			ibuf_write(a->ibuf, s->valid_rows);
		ctrl_x_written(a->ctrl, b);
	} else {
		if (!fifo_can_push(a->preact)) {
			a->acc_stall++;
			return;
		}
		/* Written in place into the FIFO's tail (fifo_push_slot): the
		 * packet is not built on the stack and copied by size. */
		mfu_packet_t *p = fifo_push_slot(a->preact);
		*p = (mfu_packet_t){
			.step = b->step,
			.seg = b->seg,
			.seq = o->tag.seq,
			.phase = s->phase,
			.ngates = s->ngates,
			.j0 = s->j0,
			.valid_pg = s->valid_pg,
			.values = s->valid_rows,
			.x_values = ctrl_mfu_reads_x(a->ctrl) && s->partner >= 0 ? s->valid_rows : 0,
		};
		memcpy(p->gate, s->gate, sizeof p->gate);
		a->mfu_due = a->now + 1; /* its input: the MFU acts next cycle */
		if (a->anytime && o->tag.seq + 1u == workload_active(&a->w->layers[a->layer], b->step))
			accel_anytime_left(a, b->seg, b->step);
	}
	if (!plain && a->trace) {
		char args[128];
		snprintf(args, sizeof args, "\"step\":%u,\"seq\":%u,\"rows\":\"%u..%u\",\"config\":%u", b->step,
			 o->tag.seq, s->j0, s->j0 + s->valid_pg - 1, s->cfg);
		trace_slice(a->trace, TRACE_ACC, s->part == SCHED_PART_X ? "W.x block -> buffer" : "U.h block -> MFU",
			    a->now, a->now + 1, args);
	}
	if (!plain && a->be.ctx)
		a->be.out_pop(a->be.ctx);
	else
		cu_out_pop(a->cu);
	a->acc_busy++;
}

uint32_t accel_zero_lanes(const accel_t *a, const ctrl_token_t *tok)
{
	const sched_prog_t *p = &a->progs[a->layer];
	return sched_tile(p, &p->seg[tok->seg], tok->col)->zero_lanes;
}

/* The counts of an accepted tile that is not ctrl_token_t.plain: zero
 * weights, a progressive layer's wait and scale multiplies, a softmax's MFU
 * work, a refinement's arrival. */
static void accel_vs_meta(accel_t *a, const ctrl_token_t *tok)
{
	const sched_prog_t *p = &a->progs[a->layer];
	const tile_meta_t *m = sched_tile(p, &p->seg[tok->seg], tok->col);
	uint32_t zero = m->zero_lanes;
	a->idle[IDLE_ZERO_WEIGHT] += zero;
	/* A progressive layer's wait tile holds the array for its scalar
	 * (apx_prog.h): a dependency, not padding. */
	a->idle[m->wait ? IDLE_DEPENDENCY : IDLE_PADDING] += a->nk - tok->t.useful_lanes - zero;
	if (m->scale_mults) /* only a progressive layer's tiles: the counter exists */
		*a->scale_mults += m->scale_mults;
	if (m->smx & TILE_SMX_EXP) { /* only a softmax's tiles: the counters exist */
		*a->smx_compares += m->cols;
		*a->smx_exps += m->cols;
	}
	if (m->smx & TILE_SMX_RECIP)
		(*a->smx_recips)++;
	if (m->refine && tok->t.tag.seq + 1u == a->w->layers[a->layer].batch_size) {
		const layer_result_t *lr = &a->results[a->layer];
		lr->refine_at[(size_t)tok->t.tag.step * lr->refine_steps + m->refine - 1] =
			a->now + a->hw.compute.mult_latency + cu_tree_depth(a->n, tok->t.cfg) +
			a->hw.compute.acc_latency;
	}
}

/* Counts the VS array's run of accepted middle tiles (accel_impl.h,
 * vs_lazy) as accel_vs counts each tile, and the compute unit's
 * (cu_count_mid): a plain tile's idle lanes are padding. */
static void accel_vs_settle(accel_t *a)
{
	if (a->vs_c0 == a->vs_c1)
		return;
	const sched_seg_t *s = &a->segs[a->vs_seg];
	const struct accel_tile_sum *x = &a->vs_sum[s->tile0 + a->vs_c0], *y = &a->vs_sum[s->tile0 + a->vs_c1];
	uint64_t n = a->vs_c1 - a->vs_c0, useful = y->useful - x->useful;
	a->useful += useful;
	a->issued += n * a->nk;
	a->ih_operand_reads += y->cols - x->cols;
	a->idle[IDLE_PADDING] += n * a->nk - useful;
	cu_count_mid(a->cu, n, y->adds - x->adds, s->cfg);
	a->vs_c0 = a->vs_c1;
}

/* The trace of a tile the VS array accepted: its busy slice, and its
 * segment's start and end. */
static void accel_vs_trace(accel_t *a, const ctrl_token_t *tok)
{
	accel_trace_idle(a, -1);
	if (tok->t.first && tok->t.tag.seq == 0)
		a->seg_start = a->now;
	if (tok->t.last && tok->t.tag.seq + 1u == workload_active(&a->w->layers[a->layer], tok->t.tag.step))
		accel_trace_segment(a, tok->t.tag.block, a->now + 1);
}

/* Stage 4: the VS array takes the read line's head, tok. Returns true
 * when the head tile was refused (the line freezes this cycle). `plain`:
 * as accel_acc_out's. */
static inline __attribute__((always_inline)) bool accel_vs(accel_t *a, ctrl_token_t *tok, const bool plain)
{
	if (!tok->is_tile) {
		a->idle[tok->cause] += a->nk;
		a->vs_starve++;
		if (!plain && a->trace)
			accel_trace_idle(a, tok->cause);
		return false;
	}
	if (tok->mid && a->now == a->vs_next && tok->col == a->vs_c1 && tok->seg == a->vs_seg) {
		/* the run's next tile, the cycle after its last (vs_next); no
		 * test of vs_lazy: without it there is no run (vs_seg stays
		 * UINT32_MAX, which no segment is) */
		a->vs_busy++;
		a->vs_c1++;
		a->vs_next++;
		cu_in_push_next(a->cu);
		if (!plain && a->trace)
			accel_vs_trace(a, tok);
		return false;
	}
	/* A tile counted with its run (vs_lazy's middle tiles) is pushed
	 * with cu_in_push_mid; any other is pushed whole, in the plain copy
	 * by the same call that accepts it (cu_in_offer). */
	bool whole = !(a->vs_lazy && tok->mid);
	cu_refuse_t r = !plain && a->be.ctx ? a->be.in_ready(a->be.ctx, &tok->t)
			: plain && whole    ? cu_in_offer(a->cu, &tok->t)
					    : cu_in_ready(a->cu, &tok->t);
	if (r != CU_REFUSE_NONE) {
		int cause = r == CU_REFUSE_SLOTS ? IDLE_BACKPRESSURE : IDLE_FILL_DRAIN;
		a->idle[cause] += a->nk;
		a->vs_stall++;
		if (!plain && a->trace)
			accel_trace_idle(a, cause);
		return true;
	}
	a->vs_busy++; /* per tile: the watchdog's progress mark reads it */
	if (!whole) {
		/* its counts are its program tile's: counted with its run */
		if (tok->seg != a->vs_seg || tok->col != a->vs_c1) {
			accel_vs_settle(a);
			a->vs_seg = tok->seg;
			a->vs_c0 = tok->col;
		}
		a->vs_c1 = tok->col + 1;
		a->vs_next = a->now + 1;
		cu_in_push_mid(a->cu, &tok->t);
	} else {
		if (!plain && a->fp)
			fpipe_tile(a->fp, tok->seg, tok->col, &tok->t);
		if (!plain && a->be.ctx)
			a->be.in_push(a->be.ctx, &tok->t);
		else if (!plain) /* the plain copy's cu_in_offer pushed it */
			cu_in_push(a->cu, &tok->t);
		if (plain && tok->t.last) /* it closes a block, offered after now */
			a->acc_due = a->now + 1;
		a->useful += tok->t.useful_lanes;
		a->issued += a->nk;
		a->ih_operand_reads += tok->t.cols;
		if (tok->plain) /* the common tile: its idle lanes are padding */
			a->idle[IDLE_PADDING] += a->nk - tok->t.useful_lanes;
		else
			accel_vs_meta(a, tok);
	}
	if (!plain && a->trace)
		accel_vs_trace(a, tok);
	return false;
}

/* The cycle after `now` plus q quiet ticks (q == UINT64_MAX: never). */
static uint64_t accel_due(uint64_t now, uint64_t q)
{
	return q == UINT64_MAX ? UINT64_MAX : now + 1 + q;
}

/* What a lagged unit is owed is the engine's clock less its own. A unit
 * clock ahead of the engine's is a broken invariant (a tick or skip that
 * paid too much): the difference would wrap to nearly 2^64 cycles, so it
 * is reported (`broken`) instead of skipped. */
void accel_settle_clocks(accel_t *a)
{
	uint64_t c = cellu_now(a->cellu), m = mfu_now(a->mfu), d = dram_now(a->dram);
	if (c > a->now || m > a->now || d > a->now) {
		a->broken = c > a->now	 ? "the cell updater's clock ran ahead of the engine's"
			    : m > a->now ? "the MFU's clock ran ahead of the engine's"
					 : "the DRAM's clock ran ahead of the engine's";
		return;
	}
	if (c != a->now)
		cellu_skip(a->cellu, a->now - c);
	if (m != a->now)
		mfu_skip(a->mfu, a->now - m);
	if (d != a->now)
		dram_skip(a->dram, a->now - d);
}

/* Brings the event-driven units' clocks and counters up to now and
 * flushes the cell updater's per-element counts (cellu_flush) and the
 * MFU's per-gate function counts (mfu_flush): called before anything
 * reads the units' state or the statistics. */
static void accel_settle(accel_t *a)
{
	accel_settle_clocks(a);
	cellu_flush(a->cellu);
	mfu_flush(a->mfu);
	if (a->lazy_reads) {
		ctrl_settle(a->ctrl, &a->view);
		accel_vs_settle(a);
	}
}

/*
 * One cycle. The cell updater and the MFU are ticked only when due: a
 * unit's tick in a cycle within its quiet_for is, by the unit contract,
 * its skip of one cycle (a starvation count and a clock step), so such
 * cycles are owed as a lag and paid in one skip. What can end a quiet
 * stretch early is new input: a packet pushed into the MFU's FIFO (stage
 * 3) wakes the MFU for the next cycle, and any MFU tick, which may write
 * the gate buffer, wakes the cell updater for the next cycle. A tick in a
 * quiet cycle is still exact, so waking a unit early costs only time.
 *
 * The weight buffer, the decompression unit and the DRAM settle once a
 * layer's weights are all in (resident, loaded, port uncapped, nothing
 * decompressed, the channel idle with its latency history at its totals):
 * from then on their ticks change nothing but the DRAM's clock, and
 * nothing but a layer boundary (a new load or stream window, the next
 * layer's decompression) can raise a stream's limit again, since a tile of
 * an all-resident layer never moves the stream. So they are passed over
 * until the next layer, the DRAM's clock owed as one dram_skip.
 *
 * Returns whether the cell updater or the MFU ticked: only their ticks
 * write h (cellu) or a projection (the MFU into the gate buffer), so a
 * layer can only be done after a cycle that returned true.
 *
 * Always inlined, with `plain` a constant: accel_cycle is the copy for
 * every run (out of line, called from the fast-forward loop and the
 * burst), and a stepped run without trace, functional datapath or compute
 * backend steps a copy of its own inside its loop (accel_step_plain),
 * which tests none of them and pays no call, prologue or epilogue.
 */
static inline __attribute__((always_inline)) bool accel_cycle_as(accel_t *a, const bool plain)
{
	bool ticked = false;
	bool took = false, started = false;
	if (a->now >= a->cellu_due) {
		if (cellu_now(a->cellu) != a->now)
			cellu_skip(a->cellu, a->now - cellu_now(a->cellu));
		cellu_tick_t ct = cellu_tick(a->cellu, a->gbuf);
		ticked = true;
		took = ct.took;
		a->cellu_due = accel_due(a->now, ct.quiet);
	}
	if (a->now >= a->mfu_due) {
		if (mfu_now(a->mfu) != a->now)
			mfu_skip(a->mfu, a->now - mfu_now(a->mfu));
		mfu_tick_t mt = mfu_tick(a->mfu, a->preact, a->gbuf);
		ticked = true;
		if (mt.released) {
			ibuf_read(a->ibuf, mt.released);
			ibuf_free(a->ibuf, mt.released);
		}
		started = mt.started;
		a->mfu_due = accel_due(a->now, mt.quiet);
		a->cellu_due = a->cellu_due < a->now + 1 ? a->cellu_due : a->now + 1;
	}
	accel_acc_out(a, plain);
	/* The read line's head: the VS array takes it, and the controller
	 * writes the next token into its slot unless the line freezes. */
	ctrl_token_t *head = a->head;
	if (!head->is_tile && head->cause == IDLE_DEPENDENCY) {
		if (took)
			a->bound_cell++;
		else if (started)
			a->bound_mfu++;
	}
	bool frozen = accel_vs(a, head, plain);
	if (frozen) {
		ctrl_tick(a->ctrl, &a->view, true, NULL);
	} else {
		if (!(plain ? ctrl_tick_lazy_mid(a->ctrl, head) : ctrl_tick_lazy(a->ctrl, head)))
			ctrl_tick(a->ctrl, &a->view, false, head);
		a->head = head + 1 == a->line_end ? a->line : head + 1;
	}
	if (!a->mem_settled) {
		wbuf_tick(a->wbuf);
		dcmp_tick(a->dcmp);
		dram_tick(a->dram);
		a->mem_settled = wbuf_settled(a->wbuf) && dcmp_quiet(a->dcmp) && dram_settled(a->dram);
	}
	if (!plain && a->be.ctx)
		a->be.tick(a->be.ctx);
	else
		cu_tick(a->cu);
	a->now++;
	return ticked;
}

static __attribute__((noinline)) bool accel_cycle(accel_t *a)
{
	return accel_cycle_as(a, false);
}

/*
 * An exact burst of k cycles (accel_burst_len): its tile steps are taken
 * in bulk (accel_front_run) while the cell updater, the MFU and the
 * accumulators' output stay quiet (accel_back_quiet), and a cycle in
 * which one of them acts is stepped (accel_cycle). A stepped cycle leaves
 * the state a bulk step of one would, so the burst's conditions, tested
 * for all k cycles at its start, hold for the rest of it: the burst goes
 * on through these events instead of ending at each, and the loop's own
 * tests are not paid for the cycles in between. Returns whether a stepped
 * cycle reported the cell updater or the MFU ticking (accel_cycle), the
 * only cycles the layer may end in. Out of line: inlined into the run's
 * loop it moved the engine's pointer out of a register there, one more
 * instruction on every cycle of a stepped run.
 */
static __attribute__((noinline)) bool accel_burst(accel_t *a, uint64_t k)
{
	bool ticked = false;
	for (uint64_t end = a->now + k; a->now < end;) {
		uint64_t j = accel_back_quiet(a, end - a->now);
		if (j) {
			/* The cell updater and the MFU are owed these cycles
			 * as accel_cycle owes them: their clocks stay put. */
			a->acc_starve += j;
			accel_front_run(a, j);
		} else {
			ticked |= accel_cycle(a);
			if (a->broken) /* reported at this cycle, as stepping does */
				break;
		}
	}
	return ticked;
}

/* The layer's last h is written: by the cell updater, or for LSTMP by
 * the MFU's last projection packet (gbuf_proj). */
static inline bool accel_layer_done(const accel_t *a)
{
	if (!cellu_layer_done(a->cellu))
		return false;
	const layer_cfg_t *lc = &a->w->layers[a->layer];
	return !lc->proj_size ||
	       gbuf_proj(a->gbuf, lc->timesteps - 1) == lc->proj_size * workload_active(lc, lc->timesteps - 1);
}

/* The checks after every cycle, stepped or jumped: a broken invariant, a
 * backend's error, and the watchdog (no progress and some unit busy for
 * longer than hw.watchdog cycles: a deadlock). `plain`: as accel_cycle_as's. */
static inline int accel_watch(accel_t *a, uint64_t *mark, uint64_t *last, sim_err_t *err, const bool plain)
{
	int rc;
	if (a->broken)
		return sim_err(err, SIM_EINTERNAL, "cycle %llu: %s", (unsigned long long)a->now, a->broken);
	if (!plain && a->be.ctx && (rc = a->be.error(a->be.ctx, err)))
		return rc;
	uint64_t p = accel_progress(a);
	if (p != *mark || !accel_units_idle(a)) {
		*mark = p;
		*last = a->now;
	} else if (a->now - *last > a->hw.watchdog) {
		accel_settle(a);
		return accel_deadlock(a, err);
	}
	return SIM_OK;
}

static void accel_trace_tick(accel_t *a)
{
	if (trace_sample_due(a->trace, a->now)) {
		accel_settle(a); /* the sample reads the counters */
		accel_trace_sample(a);
	}
}

/* accel_step_layer for a run that is accel_plain: the cycle's plain copy
 * inlined into the loop, the watchdog's mark and last progress cycle kept
 * in locals (registers) and handed back when the layer ends or fails. */
static int accel_step_plain(accel_t *a, uint64_t *mark, uint64_t *last, sim_err_t *err)
{
	uint64_t m = *mark, l = *last;
	int rc;
	a->acc_due = cu_next_out(a->cu);
	for (;;) {
		bool may_end = accel_cycle_as(a, true);
		if ((rc = accel_watch(a, &m, &l, err, true)))
			break;
		if (may_end && accel_layer_done(a))
			break;
	}
	*mark = m;
	*last = l;
	return rc;
}

/* A run without fast-forward: steps cycle by cycle to the end of the
 * layer. Its own loop, so its cycles test none of the fast-forward's
 * conditions. */
static int accel_step_layer(accel_t *a, uint64_t *mark, uint64_t *last, sim_err_t *err)
{
	if (accel_plain(a))
		return accel_step_plain(a, mark, last, err);
	for (;;) {
		bool may_end = accel_cycle(a);
		if (a->trace)
			accel_trace_tick(a);
		int rc = accel_watch(a, mark, last, err, false);
		if (rc)
			return rc;
		if (may_end && accel_layer_done(a))
			return SIM_OK;
	}
}

static int accel_loop(accel_t *a, run_result_t *r, sim_err_t *err)
{
	uint64_t last = 0, mark = 0, layer_start = 0, layer_useful = 0, layer_issued = 0;
	int rc = accel_begin_layer(a, 0, err);
	if (rc)
		return rc;
	/* Whether any fast-forward mechanism may apply (the burst and the wait
	 * skip are called only under it, accel_impl.h): a stepped run then
	 * pays for none of their tests per cycle. */
	const bool ff = a->opts.fast_forward && !a->fp && !a->be.ctx;
	for (;;) {
		if (!ff) {
			if ((rc = accel_step_layer(a, &mark, &last, err)))
				return rc;
		} else {
			/* Not settled here: the burst's test reads the owed units
			 * in their own terms and the wait skip settles their
			 * clocks itself (ff.c); accel_cycle pays what it owes. */
			uint64_t k = accel_burst_len(a);
			bool may_end = true; /* whether the layer may have ended */
			if (k)
				may_end = accel_burst(a, k);
			else if (!(k = accel_wait_skip(a)))
				may_end = accel_cycle(a);
			if (a->trace)
				accel_trace_tick(a);
			if (a->broken) /* before a jump moves the clock on */
				return sim_err(err, SIM_EINTERNAL, "cycle %llu: %s", (unsigned long long)a->now,
					       a->broken);
			/* A jump is sought only at a step's start (accel_steady),
			 * the one time the units are settled after a stepped
			 * cycle: the watchdog and the layer's end read nothing
			 * a lag or a pending count holds. */
			if (!k && ctrl_step_started(a->ctrl) >= 1) {
				uint64_t before = a->now;
				accel_settle(a);
				accel_steady(a);
				if (a->now != before) {
					mark = accel_progress(a);
					last = a->now;
					continue;
				}
			}
			if ((rc = accel_watch(a, &mark, &last, err, false)))
				return rc;
			if (!may_end || !accel_layer_done(a))
				continue;
		}
		accel_settle(a); /* the layer's counters, then the next layer's units */
		layer_result_t *lr = &r->layers[a->layer];
		lr->cycles = a->now - layer_start;
		lr->useful_macs = a->useful - layer_useful;
		lr->issued_macs = a->issued - layer_issued;
		layer_start = a->now;
		layer_useful = a->useful;
		layer_issued = a->issued;
		wbuf_end_layer(a->wbuf, a->layer);
		if (a->fp && (rc = fpipe_end_layer(a->fp, a->layer, &lr->err, err)))
			return rc;
		if (a->layer + 1 == a->w->n_layers)
			break;
		if ((rc = accel_begin_layer(a, a->layer + 1, err)))
			return rc;
	}
	if (a->trace)
		accel_trace_idle(a, -2);
	return SIM_OK;
}

/* A delta layer (docs/compression.md, Delta networks) skips the columns
 * its values decide, so it runs only with them, on what the encoder's
 * compaction is modelled for: dense fp16 weights (no mask, no decoding),
 * a U.h that multiplies h itself (GRU reset_before_matmul multiplies r*h,
 * a vector the encoder does not see), every sequence every step and no
 * projection. */
static int accel_check_delta(const workload_t *w, const run_opts_t *opts, sim_err_t *err)
{
	for (size_t i = 0; i < w->n_layers; i++) {
		const layer_cfg_t *l = &w->layers[i];
		if (!l->delta)
			continue;
		const char *why = NULL;
		if (!opts->functional)
			why = "which columns it skips depends on the values, expected a run with --functional";
		else if (workload_sparse(l) || l->weight_bits != WBITS_16 || l->weight_codebook != WCB_NONE)
			why = "the delta encoder's compaction is modelled for dense fp16 weights, expected "
			      "weight_bits: 16, weight_codebook: none, sparsity: 0 and sparse_format: dense";
		else if (cell_variant(cell_get(l->cell), l->gru_form)->rh_gate >= 0)
			why = "its U.h multiplies r*h, which the delta encoder does not see, expected "
			      "gru_form: linear_before_reset (DeltaRNN's GRU)";
		else if (l->proj_size || l->sequence_lens.n)
			why = "the delta encoder is modelled for a full batch and an unprojected h, expected "
			      "proj_size: 0 and no sequence_lens";
		if (why)
			return sim_err_at(err, SIM_EINPUT, w->path, l->line, l->col,
					  "layer %zu is a delta network (delta: true): %s", i + 1, why);
	}
	return SIM_OK;
}

int accel_check_opts(const workload_t *w, const run_opts_t *opts, sim_err_t *err)
{
	int drc = accel_check_delta(w, opts, err);
	if (drc)
		return drc;
	if (!opts->functional)
		return SIM_OK;
	char cells[128];
	cell_list(cells, sizeof cells, CELL_F_FUNCTIONAL);
	for (size_t i = 0; i < w->n_layers; i++)
		if (w->layers[i].approx != APPROX_NONE)
			return sim_err_at(err, SIM_EINPUT, w->path, w->layers[i].line, w->layers[i].col,
					  "layer %zu is progressive (approx: svd_prune), which the engine times "
					  "only; run_pipeline evaluates its values beside it (apx_eval.h), expected "
					  "a run without functional here",
					  i + 1);
	for (size_t i = 0; i < w->n_layers; i++)
		if (!(cell_get(w->layers[i].cell)->flags & CELL_F_FUNCTIONAL))
			return sim_err(err, SIM_EINPUT,
				       "%s: layer %zu is %s; functional mode computes %s layers, "
				       "expected those (run it without --functional for timing)",
				       w->path, i + 1, workload_cell_name(w->layers[i].cell), cells);
	return SIM_OK;
}

int accel_run_plan(const plan_t *plan, const run_opts_t *opts, run_result_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	int crc = accel_check_opts(&plan->passes, opts, err);
	if (crc)
		return crc;
	/* The functional datapath reads W.x sums from the intermediate buffer's
	 * run-ahead ring; a schedule with its own store of every step's W.x
	 * (E-PUR) would need that store modelled in values, which it is not. */
	/* E-PUR's input phase issues every (step, sequence) of W.x as one
	 * block each, in an order of its own; finished sequences are not
	 * modelled there. */
	for (size_t i = 0; i < plan->passes.n_layers; i++)
		if (plan->passes.layers[i].sequence_lens.n && (plan->sched->flags & SCHED_F_X_PRECOMPUTED))
			return sim_err(err, SIM_EINPUT,
				       "layer %u has sequence_lens; the %s schedule's precomputed W.x phase does not "
				       "model finished sequences, expected another scheduler or no sequence_lens",
				       plan->pass[i].layer + 1, plan->sched->name);
	if (opts->functional && (plan->sched->flags & SCHED_F_X_PRECOMPUTED))
		return sim_err(err, SIM_EINPUT,
			       "functional mode does not compute the %s schedule (its precomputed W.x store has no "
			       "values model), expected another scheduler, or a run without --functional",
			       plan->sched->name);
	/* An interleaved pass's sequences B..2B-1 are the backward direction,
	 * with weights and inputs of their own, which the functional datapath
	 * (one weight set per pass) does not compute; the values are those of
	 * the sequential schedule, which computes them. */
	for (size_t i = 0; i < plan->passes.n_layers; i++)
		if (plan->pass[i].sets > 1 && (opts->functional || opts->cu_mode != CU_BACKEND_C))
			return sim_err(err, SIM_EINPUT,
				       "layer %u: direction_schedule: interleaved is modelled in time only; its values "
				       "are the sequential schedule's, expected direction_schedule: sequential for "
				       "--functional and the RTL backends",
				       plan->pass[i].layer + 1);
	for (size_t i = 0; i < plan->passes.n_layers; i++)
		if (plan->passes.layers[i].delta && !plan->pass[i].resident)
			return sim_err(
				err, SIM_EINPUT,
				"layer %u is a delta network and its weights are streamed from DRAM; the encoder "
				"reads the used columns' weights at random, expected resident weights "
				"(memory.weights: resident or auto with a large enough buffer)",
				plan->pass[i].layer + 1);
	accel_t a = { 0 };
	a.plan = plan;
	a.hw = plan->hw;
	a.w = &plan->passes;
	a.progs = plan->progs;
	a.opts = *opts;
	/* The anytime record is written cycle by cycle; no jump fills it. */
	if (opts->anytime)
		a.opts.fast_forward = false;
	a.n = plan->n;
	a.k = plan->k;
	a.nk = (uint64_t)a.n * a.k;
	a.idle_cause = -1;
	a.st = out->stats = stats_create();
	if (!a.st) {
		accel_destroy(&a);
		return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	int rc = accel_build(&a, err);
	if (!rc) {
		accel_connect(&a);
		rc = accel_plan(&a, out, err);
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
		gbuf_finish(a.gbuf);
		out->hw = a.hw;
		out->cycles = a.now;
		out->cold = opts->cold;
		out->functional = opts->functional;
		out->reference = opts->functional && !opts->no_reference;
		out->useful_macs = a.useful;
		out->issued_macs = a.issued;
		out->utilization = a.now ? (double)a.useful / ((double)a.now * (double)a.nk) : 0;
		out->macs_per_cycle = a.nk;
		out->latency_us = (double)a.now / a.hw.clock_mhz;
		out->peak_gflops = 2.0 * (double)a.nk * a.hw.clock_mhz / 1000.0;
		for (size_t i = 0; i < a.w->n_layers; i++) {
			out->dense_macs += workload_layer_macs(&a.w->layers[i]);
			out->sparse |= workload_sparse(&a.w->layers[i]);
		}
		out->wbuf_peak_bytes_per_cycle = wbuf_peak_bytes(a.wbuf);
		uint64_t wait = 0;
		stats_find(a.st, "ctrl.dram_wait", &wait);
		out->dram_wait_fraction = a.now ? (double)wait / (double)a.now : 0;
		out->dram_bound = out->dram_wait_fraction > RUN_DRAM_BOUND_FRACTION;
	}
	accel_destroy(&a);
	if (rc)
		run_result_free(out);
	return rc;
}

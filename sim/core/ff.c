/*
 * ff.c - every fast-forward mechanism of the engine, in one place: the
 * exact burst over a run of identical tile steps, the exact skip over a
 * wait for weights, and the exact steady-state jump over repeated time
 * steps. Each is taken only when stepping would do exactly the same, so
 * results are those of stepping (tests/test_fastforward.c, test_stress.c).
 */
#include <stdlib.h>

#include "accel_impl.h"

/*
 * Exact fast-forward. A burst of k cycles is taken only when, for each of
 * those cycles, stepping would do exactly this at the VS array, the
 * controller and the memories:
 *   - the VS array accepts the line's head, a tile of the segment being
 *     issued that neither opens nor closes a row block (so no accumulator
 *     is claimed or released and no tap changes: same config), and its
 *     lanes count as that tile's (all such tiles have full columns);
 *   - the controller issues the same segment's next token with no failing
 *     check (ctrl_run_length: deps step, segment already started) and the
 *     weights are readable (wbuf_quiet: resident, loaded, port uncapped,
 *     no DRAM transfer pending, so neither the buffer nor DRAM changes)
 *     and the decompression unit cannot stall (dcmp_quiet).
 * Under these conditions each cycle's stages 4 to 6 are the same tile
 * step, so k of them collapse into counter additions and clock advances
 * (accel_front_run; the *_run functions each state the same
 * precondition). The accumulators' output, the MFU and the cell updater
 * go on beside it: between their events they only count starvation
 * (accel_back_quiet), and their events are stepped in their cycles
 * (accel.c, accel_burst, which shows the two sides do not meet).
 * tests/test_fastforward.c compares every counter and the cycle count
 * against stepping on all cells, batches, schedulers, tile configs and
 * weight policies.
 */
/* The fewest ticks, at most k, in which every unit stays quiet (unit.h). */
static uint64_t units_quiet(const accel_t *a, uint64_t k)
{
	for (uint32_t i = 0; i < a->nquiet && k; i++) {
		uint64_t q = a->quiet[i].ops->quiet_for(a->quiet[i].self);
		k = q < k ? q : k;
	}
	return k;
}

/* Cycles that may pass unstepped: all of them unless a trace window is
 * open or ahead (trace_ff_room), so what the window holds is what stepping
 * every cycle would write. */
static uint64_t accel_ff_room(const accel_t *a)
{
	return a->trace ? trace_ff_room(a->trace, a->now) : UINT64_MAX;
}

/* The quiet ticks from now of a unit accel_cycle ticks only when due, from
 * q, its own quiet_for with `lag` cycles owed: its clock stands lag cycles
 * behind the engine's. A unit is passed over only while quiet, so q >= lag;
 * 0 otherwise keeps the burst exact whatever. */
static uint64_t lagged_quiet(uint64_t q, uint64_t lag)
{
	return q == UINT64_MAX ? q : q > lag ? q - lag : 0;
}

/* The cell updater and the MFU are asked through their unit interface:
 * a third call of cellu_quiet_for kept it out of the stepped cycle
 * (accel_cycle), about one instruction a stepped cycle. */
uint64_t accel_back_quiet(const accel_t *a, uint64_t k)
{
	if (a->cellu_due < a->now + k) {
		uint64_t q = lagged_quiet(cellu_unit.quiet_for(a->cellu), a->now - cellu_now(a->cellu));
		k = q < k ? q : k;
	}
	if (k && a->mfu_due < a->now + k) {
		uint64_t q = lagged_quiet(mfu_unit.quiet_for(a->mfu), a->now - mfu_now(a->mfu));
		k = q < k ? q : k;
	}
	uint64_t out = cu_next_out(a->cu);
	if (out < a->now + k)
		k = out > a->now ? out - a->now : 0;
	return k;
}

uint64_t accel_burst_len(const accel_t *a)
{
	/* A burst counts every tile as its head's: a pruned layer's tiles
	 * differ in their lanes, so it is stepped (the steady-state jump,
	 * which compares whole states, still applies). That fast-forward
	 * applies at all is the caller's to know (accel_impl.h). */
	if (a->progs[a->layer].pruned)
		return 0;
	uint64_t k = ctrl_run_length(a->ctrl, a->head, a->nline);
	if (k < 2 || !wbuf_quiet(a->wbuf) || !dcmp_quiet(a->dcmp))
		return 0;
	uint64_t room = accel_ff_room(a);
	return room < k ? room : k;
}

void accel_front_run(accel_t *a, uint64_t k)
{
	cu_tile_t t = a->head->t;
	a->useful += k * t.useful_lanes;
	a->issued += k * a->nk;
	uint32_t zero = accel_zero_lanes(a, a->head);
	a->idle[IDLE_ZERO_WEIGHT] += k * zero;
	a->idle[IDLE_PADDING] += k * (a->nk - t.useful_lanes - zero);
	a->ih_operand_reads += k * t.cols;
	a->vs_busy += k;
	cu_accept_run(a->cu, &t, k);
	uint32_t idx = accel_line_idx(a);
	ctrl_run(a->ctrl, &a->view, k, a->line, a->nline, &idx);
	a->head = a->line + idx;
	if (!a->mem_settled) /* else its clock is owed, as accel_cycle owes it */
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
 * the furthest step any unit refers to two steps short of the last. Loads
 * in flight must be over. A streamed layer's byte positions enter the
 * snapshot relative to where its stream stands at the step (wbuf.c), so
 * its steps repeat too once the channel's pattern does, and the jump stays
 * short of the steps in which the stream reaches the layer's last byte
 * (wbuf_jump_margin). Functional runs step every cycle, traced runs inside
 * the trace window.
 */
static bool accel_jump_allowed(const accel_t *a)
{
	return a->opts.fast_forward && !a->fp && accel_ff_room(a) && !a->be.ctx && wbuf_jump_ok(a->wbuf);
}

static void accel_snapshot(accel_t *a, snap_t *s, uint64_t step)
{
	snap_reset(s, a->now, step, ctrl_next_id(a->ctrl));
	for (uint32_t i = 0; i < a->nunits; i++)
		if (a->units[i].ops->snapshot)
			a->units[i].ops->snapshot(a->units[i].self, s);
	/* What the engine itself holds between units: the weight-read line,
	 * the MFU's input FIFO and the intermediate buffer's fill. */
	for (uint32_t i = 0; i < a->nline; i++)
		snap_fields(s, &a->line[(accel_line_idx(a) + i) % a->nline], ctrl_token_state);
	snap_put(s, fifo_count(a->preact));
	for (uint32_t i = 0; i < fifo_count(a->preact); i++)
		snap_fields(s, fifo_at(a->preact, i), mfu_packet_state);
	snap_put(s, ibuf_used(a->ibuf));
}

static void accel_shift(accel_t *a, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	for (uint32_t i = 0; i < a->nunits; i++)
		if (a->units[i].ops->shift)
			a->units[i].ops->shift(a->units[i].self, cycles, steps, ids);
	for (uint32_t i = 0; i < a->nline; i++)
		snap_fields_shift(&a->line[i], ctrl_token_state, cycles, steps, ids);
	for (uint32_t i = 0; i < fifo_count(a->preact); i++)
		snap_fields_shift(fifo_at(a->preact, i), mfu_packet_state, cycles, steps, ids);
	a->now += cycles;
}

/* A progressive layer's refinement times over a jump from step t's start
 * over `steps` steps: every step before t had all its update tiles
 * accepted (step t starts behind h_{t-1}) and none of step t had, so step
 * s repeats step s - p shifted by the period (p steps, `period` cycles). */
static void accel_refine_fill(accel_t *a, uint64_t t, uint64_t steps, uint64_t p, uint64_t period)
{
	const layer_result_t *lr = &a->results[a->layer];
	for (uint64_t s = t; lr->refine_at && s < t + steps; s++)
		for (uint32_t n = 0; n < lr->refine_steps; n++)
			lr->refine_at[s * lr->refine_steps + n] =
				lr->refine_at[(s - p) * lr->refine_steps + n] + period;
}

/* Called after each stepped cycle that started a step (accel_impl.h): a
 * snapshot at each step start, kept for the last ACCEL_HIST - 1 steps; a
 * jump when the snapshot p steps back agrees, for the smallest even p
 * (state is kept per step parity, and Unfolded's run-ahead can settle into
 * a pattern several steps long). */
void accel_steady(accel_t *a)
{
	int64_t t = ctrl_step_started(a->ctrl);
	if (!accel_jump_allowed(a)) {
		a->snap_have = 0;
		return;
	}
	/* Near the layer's end no jump can follow, so no snapshot is taken:
	 * a jump at any step t' >= t needs groups >= 1 below with p >= 2,
	 * that is reach(t') + 4 <= T(t') <= the layer's timesteps, and reach
	 * (the controller's furthest cursor plus the stream's margin, fixed
	 * for the layer) never falls within a layer: the cursors only
	 * advance. A snapshot now could then be neither side of a jump. */
	if ((uint64_t)ctrl_max_step(a->ctrl) + wbuf_jump_margin(a->wbuf) + 4 > a->w->layers[a->layer].timesteps) {
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
		/* sequence_lens: the batch changes at a finished sequence, which
		 * ends the pattern as the layer's end does; the snapshots (and
		 * the two steps before the older, which units still refer to)
		 * must lie in one stretch of equal batch. */
		const layer_cfg_t *lc = &a->w->layers[a->layer];
		if (workload_active(lc, back->step >= 2 ? (uint32_t)back->step - 2 : 0) !=
		    workload_active(lc, (uint32_t)t))
			return;
		uint32_t T = workload_active_until(lc, (uint32_t)t);
		uint64_t period = cur->now - back->now; /* p steps */
		uint32_t dids = (uint32_t)(cur->id - back->id);
		uint32_t reach = ctrl_max_step(a->ctrl) + wbuf_jump_margin(a->wbuf);
		uint64_t groups = (T > reach + 2 ? T - reach - 2 : 0) / (uint64_t)p, room = accel_ff_room(a);
		if (period && room / period < groups)
			groups = room / period; /* fewer whole periods are as exact */
		if (groups < 1)
			return;
		for (size_t i = 0; i < nc; i++)
			stats_add(a->st, i, groups * (a->snap_counters[slot][i] - a->snap_counters[bs][i]));
		accel_shift(a, groups * period, (uint32_t)(groups * (uint64_t)p), (uint32_t)(groups * dids));
		accel_refine_fill(a, (uint64_t)t, groups * (uint64_t)p, (uint64_t)p, period);
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
uint64_t accel_wait_skip(accel_t *a)
{
	/* The read line first, its head before the rest: most cycles fail
	 * there at one token, before the controller's test asks the weight
	 * buffer (both tests are pure, so their order changes nothing). */
	const ctrl_token_t *head = a->head;
	if (head->is_tile || head->cause != IDLE_WEIGHT_FETCH)
		return 0;
	for (uint32_t i = 0; i < a->nline; i++)
		if (a->line[i].is_tile || a->line[i].cause != IDLE_WEIGHT_FETCH)
			return 0;
	if (!ctrl_waits_for_dram(a->ctrl, &a->view))
		return 0;
	accel_settle_clocks(a); /* the DRAM is ticked, the other units asked */
	uint64_t limit = units_quiet(a, accel_ff_room(a));
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
	/* The controller waits (its own closed form), the DRAM has advanced;
	 * every other unit takes k input-free ticks. */
	ctrl_skip_wait(a->ctrl, k);
	for (uint32_t i = 0; i < a->nunits; i++)
		if (a->units[i].ops->skip && a->units[i].self != (void *)a->dram)
			a->units[i].ops->skip(a->units[i].self, k);
	a->acc_starve += k;
	a->idle[IDLE_WEIGHT_FETCH] += k * a->nk;
	a->vs_starve += k;
	a->head = a->line + (accel_line_idx(a) + k) % a->nline;
	a->now += k;
	return k;
}

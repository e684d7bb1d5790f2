/*
 * accel_impl.h - the accelerator's state, shared by the files of the
 * engine: accel.c (build, connect, the clock and its pipeline stages),
 * ff.c (every fast-forward mechanism), check.c (invariants and the
 * watchdog) and accel_trace.c (trace naming). Nothing outside sim/core
 * includes it.
 */
#ifndef SHARPSIM_ACCEL_IMPL_H
#define SHARPSIM_ACCEL_IMPL_H

#include "../cell/cellu.h"
#include "../common/fifo.h"
#include "../common/snap.h"
#include "../common/unit.h"
#include "../compute/cu.h"
#include "../ctrl/ctrl.h"
#include "../ctrl/sched.h"
#include "../func/fpipe.h"
#include "../memory/dram.h"
#include "../memory/gbuf.h"
#include "../memory/dcmp.h"
#include "../memory/ibuf.h"
#include "../memory/wbuf.h"
#include "../mfu/mfu.h"
#include "../report/trace.h"
#include "plan.h"
#include "run.h"

/* Steady-state patterns up to ACCEL_HIST - 1 steps long are found. 33:
 * patterns of 14 steps occur (SHARP 64K, config4, LSTM h1024: the
 * controller's run-ahead repeats every 7 steps, doubled for the step
 * parity), and comparing a snapshot whose first words differ is cheap. */
#define ACCEL_HIST 33

typedef struct accel {
	hw_cfg_t hw; /* the plan's, every auto resolved */
	const plan_t *plan;
	const workload_t *w; /* the passes: a bidirectional layer is two */
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
	dcmp_t *dcmp;
	dram_t *dram;
	ctrl_t *ctrl;
	ctrl_view_t view;
	ctrl_token_t *line;
	uint32_t nline; /* the current layer's read-line length */
	/* The line's head slot, and its end (line + nline): kept as pointers,
	 * the stepped cycle moves the head on with one compare. */
	ctrl_token_t *head, *line_end;
	uint32_t nline_max;	   /* the line's room: the deepest layer's */
	const sched_prog_t *progs; /* the plan's, one per pass */
	uint32_t layer;
	/* Of the current layer, for the per-block path (accel_begin_layer):
	 * its program's segments, whether it keeps an anytime record, and
	 * whether W.x blocks go to the schedule's own store. */
	const sched_seg_t *segs;
	bool anytime, x_store;
	uint64_t now;
	/* The hot counters, bumped every cycle: plain fields the statistics
	 * registry reads through stats_field until the run seals it. */
	uint64_t useful, issued, idle[IDLE_NCAUSES];
	uint64_t vs_busy, vs_stall, vs_starve, acc_busy, acc_stall, acc_starve;
	uint64_t ih_operand_reads; /* the VS array's I/H buffer reads */
	/* Cycles the VS array waited for h while the cell updater (or, with
	 * it idle, the MFU) worked: the stage that bound the step. */
	uint64_t bound_cell, bound_mfu;
	uint64_t *scale_mults;
	uint64_t *smx_exps, *smx_compares, *smx_recips; /* registered with a softmax layer only */
	layer_result_t *results;			/* the run's, one per pass (refine_at is written into them) */
	uint64_t *ih_input_writes;			/* x_t written into the I/H buffer */
	trace_t *trace;
	unit_t units[8]; /* behind the unit interface, in tick order (accel_connect) */
	uint32_t nunits;
	/* Those of them with a quiet_for, in the same order: the wait skip
	 * asks them (ff.c, units_quiet); a burst asks the same units in the
	 * engine's terms (accel_back_quiet). */
	unit_t quiet[8];
	uint32_t nquiet;
	fpipe_t *fp;
	cu_backend_t be;	 /* non-NULL ctx: the compute unit is a backend */
	const char *broken;	 /* an invariant failed mid-run (internal error) */
	snap_t snap[ACCEL_HIST]; /* steady-state jump: the last step snapshots, by step */
	uint64_t *snap_counters[ACCEL_HIST];
	uint64_t snap_first; /* first step of the current run of snapshots */
	int snap_have;	     /* consecutive step snapshots held */
	uint64_t *jumped;    /* cycles covered by steady-state jumps */
	uint64_t seg_start, idle_start;
	int idle_cause;
	/* Event-driven ticking (accel_cycle): the cell updater and the MFU are
	 * ticked only in the cycles their next event is due (their quiet_for,
	 * unit.h) or input may have reached them; a cycle left out is owed to
	 * the unit as a skip, settled before it ticks again and before
	 * anything outside accel_cycle reads it (accel_settle). What a unit
	 * is owed is not counted but read off: the engine's clock less the
	 * unit's own (cellu_now, mfu_now, dram_now), which the wait skip
	 * and the steady-state jump move with the engine's. */
	uint64_t cellu_due, mfu_due;
	/* The weight buffer, decompression unit and DRAM have settled for the
	 * rest of the layer (accel_cycle): their ticks are passed over, the
	 * DRAM's clock owed (read off as above). */
	bool mem_settled;
	/* A stepped run (no fast-forward mechanism can apply): the controller
	 * may count an all-ready segment's tile reads per segment
	 * (ctrl_layer_t.lazy_reads), and accel_settle settles it. A
	 * fast-forwarded run settles every iteration and would only pay for it. */
	bool lazy_reads;
	/* A stepped run's VS array counts its accepted middle tiles per run
	 * (accel_vs): a plain tile, neither first nor last of its block
	 * (ctrl_token_t.mid), of a layer of one sequence whose tokens are its
	 * templates (no delta network), with no functional datapath or
	 * backend. The run is columns vs_c0 .. vs_c1-1 of segment vs_seg,
	 * accepted but not yet counted into the lane counters and the compute
	 * unit's (cu_count_mid); accel_vs_settle counts it from vs_sum, per
	 * program tile i (0 .. ntile) the sums over tiles 0 .. i-1 of their
	 * useful lanes, columns and useful tree adds, when the next such tile
	 * does not continue it and from accel_settle. Room: vs_sum_room. */
	bool vs_lazy;
	uint32_t vs_seg, vs_c0, vs_c1;
	/* The cycle after the run's last tile was accepted: a middle tile that
	 * continues the run (segment vs_seg, column vs_c1) in that cycle is of
	 * the same config and one cycle behind it, so it is accepted without
	 * the compute unit's readiness test (cu_in_push_next). */
	uint64_t vs_next;
	/* In a plain stepped run (accel_step_plain), no cycle before it has a
	 * finished block to offer, so the accumulators' output asks
	 * cu_out_peek only from then. Invariant: at most the next cycle the
	 * compute unit offers a block in (cu_next_out). Set to cu_next_out
	 * where that loop starts and where cu_out_peek found nothing; lowered
	 * to the next cycle where a tile that closes a block is pushed (a pop
	 * leaves it at or below now). Nothing else in that loop adds finished
	 * blocks. */
	uint64_t acc_due;
	struct accel_tile_sum {
		uint64_t useful, cols, adds;
	} * vs_sum;
	uint32_t vs_sum_room;
} accel_t;

/* The read line's head as an index into the line. */
static inline uint32_t accel_line_idx(const accel_t *a)
{
	return (uint32_t)(a->head - a->line);
}

/* accel.c: pays the cell updater's, MFU's and DRAM's owed cycles (their
 * engine's clock less each one's own) as skips, so their clocks read now. */
void accel_settle_clocks(accel_t *a);
/* accel.c: the pruned (zero-weight) lanes of a tile token. */
uint32_t accel_zero_lanes(const accel_t *a, const ctrl_token_t *tok);
/* ff.c: cycles of an exact burst starting now (0: none; accel.c's
 * accel_burst takes it), the bulk of its tile steps (stages 4 to 6 of k
 * cycles), and the ticks, at most k, in which the cell updater, the MFU
 * and the accumulators' output stay quiet: the units of a->quiet, asked
 * without settling the first two (their due cycles never lie after their
 * next event, so only a unit due sooner than now + k is asked, its owed
 * cycles taken off; the compute unit is ticked every cycle, its clock is
 * the engine's). accel_burst_len and accel_wait_skip are called only where
 * fast-forward applies (accel_loop: fast_forward, no functional datapath,
 * no compute backend), once a cycle, so they do not test it again. */
uint64_t accel_burst_len(const accel_t *a);
void accel_front_run(accel_t *a, uint64_t k);
uint64_t accel_back_quiet(const accel_t *a, uint64_t k);
/* ff.c: the exact skip over a wait for weights; returns the cycles taken. */
uint64_t accel_wait_skip(accel_t *a);
/* ff.c: after a stepped cycle in which the controller started step t >= 1
 * (ctrl_step_started), with the units settled: the steady-state jump
 * when one applies. */
void accel_steady(accel_t *a);
/* check.c: the progress mark the watchdog compares, the deadlock report,
 * and the end-of-run invariants (lane conservation, MAC count). */
uint64_t accel_progress(const accel_t *a);
/* check.c: every unit that reports idleness is idle (unit.h). */
bool accel_units_idle(const accel_t *a);
int accel_deadlock(const accel_t *a, sim_err_t *err);
int accel_check(const accel_t *a, run_result_t *r, sim_err_t *err);
/* accel_trace.c: the VS track's segment slices and idle-cause slices. */
void accel_trace_segment(accel_t *a, uint32_t id, uint64_t end);
void accel_trace_idle(accel_t *a, int cause);
void accel_trace_sample(accel_t *a);

#endif

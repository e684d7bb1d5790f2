/*
 * ctrl_impl.h - the controller's state and what every schedule's pick
 * function shares (issue machinery). Included only by sim/ctrl/ctrl.c and
 * the schedules (sim/sched/): the rest of the tree sees ctrl_t opaque.
 *
 * A pick function (registry.h) runs when no segment is being issued. It
 * checks the next segment's conditions in its own order and either calls
 * ctrl_launch (ctrl_start_seg + ctrl_advance + ctrl_emit of the segment's
 * first token) or ctrl_bubble with the reason nothing was issued.
 */
#ifndef SHARPSIM_CTRL_IMPL_H
#define SHARPSIM_CTRL_IMPL_H

#include <stddef.h>

#include "../sched/registry.h"
#include "ctrl.h"

/* The bytes of a token the controller's token table keeps (struct ctrl's
 * tok): all but the functional operand pointers that close it. */
#define CTRL_TOK_HEAD offsetof(ctrl_token_t, t.w)

struct ctrl {
	const sched_desc_t *sd; /* the schedule */
	deps_kind_t deps;
	ctrl_layer_t L;
	/* How W.x reaches the gates (ctrl.h): merge continues the X block into
	 * its H partner; otherwise X blocks go to the intermediate buffer, as
	 * H inits (h_init) or for the MFU (GRU linear_before_reset). */
	bool merge, h_init, mfu_reads_x;
	bool recurrent;	   /* the cell feeds h back (not fc): step barriers on h */
	bool elem_deps;	   /* deps: element on a recurrent layer: a U.h tile waits for its columns of h */
	uint32_t proj;	   /* LSTMP: P, projected h elements per active sequence (0: none) */
	uint32_t merge_id; /* the block an in-order H segment continues */
	/* Unfolded's issued X blocks awaiting their H partner, in issue order:
	 * block id and how many of the B sequences have been written. */
	uint32_t *xq_id, *xq_written, xq_head, xq_count, xq_cap;
	/* E-PUR: its input phase (all steps' W.x) runs first; each of its
	 * tokens is a block of its own, summed into the precompute store. */
	bool epur_init, a_pre;
	uint32_t pre_i;			  /* next input-phase segment */
	uint64_t pre_issued, pre_written; /* input-phase blocks */
	uint64_t *pre_writes, *pre_reads;
	/* cursors: next segment to start (t, i); Unfolded keeps one per partition */
	uint32_t cur_t, cur_i, x_t, x_i;
	/* Per layer, so a pick or a segment start derives none of it per
	 * segment: next_in[part][i] is ctrl_next_of(c, i, part) for i in
	 * 0..n (part X or H), and seg_flags[i] segment i's CTRL_SEG_* (the
	 * layer-constant tests of the step barrier and ctrl_start_seg).
	 * Room: nseg_room. */
	uint32_t *next_in[2];
	uint16_t *seg_flags;
	/* one[i]: what ctrl_launch_one reads of segment i, side by side
	 * (ctrl_tokens), so a one-tile start finds none of it through the
	 * segment, its tile's metadata and the token table. */
	struct ctrl_seg_one *one;
	uint32_t nseg_room;
	/* The batch when every sequence runs every step (no sequence_lens),
	 * else 0: ctrl_active without reading the workload. */
	uint32_t batch_all;
	/* Every step below h_known has all of its h written (this layer): a
	 * memo of the step barrier on h_{t-1}, which the cell updater's count
	 * only ever confirms once true. Not state: 0 again after a jump
	 * (ctrl_shift) and at a layer's start. */
	uint32_t h_known;
	/* The Unfolded pick's H side remembered (ctrl_hold_h): while the cell
	 * updater has written fewer than wait_need elements of step
	 * wait_step's h, the next H segment cannot start, its other tests
	 * (its partner's block issued and its sums in) having passed and
	 * staying passed until it starts (the X cursor and the X queue's
	 * head count only move on). A bubble remembered (ctrl_wait_h,
	 * wait_on, with h_hold): while, in addition, the intermediate buffer
	 * has no room for wait_vals values, the pick would put the same
	 * IDLE_DEPENDENCY bubble again, as nothing else it reads can change
	 * without a segment starting (ctrl_tick asks these two and bubbles
	 * without the pick). Not state: caches of the pick's answers, cleared
	 * at a layer's start and by a jump (ctrl_shift). */
	bool h_hold, wait_on;
	uint32_t wait_step, wait_need, wait_vals;
	/* the segment being issued */
	bool active;
	uint32_t a_seg, a_step, a_c, a_b, a_rc, a_id; /* a_rc: see a_lazy */
	/* its tiles this step, and its used columns when its partition is
	 * delta-encoded (DLT_UNKNOWN: not, every tile of the program) */
	uint32_t a_nt, a_cols;
	bool a_simple; /* ctrl_start_seg: ctrl_emit's short path applies */
	/* ... and every tile of the segment is ready without asking: the
	 * weight buffer has all its weights (wbuf_all_ready, which holds to
	 * the layer's end) and the decompression unit is bypassed */
	bool a_free;
	/* wbuf_all_ready and dcmp_quiet have been seen true in this layer: a
	 * memo of a_free's question, whose answer holds to the layer's end
	 * once true (wbuf.h; the decompression unit's use is the layer's). */
	bool all_in;
	/* ... and, in addition, CTRL_SEG_LAZY: one token per column tile
	 * (a_hold 1) and more than one tile (a one-tile segment gains nothing
	 * by deferring its count): its reads are counted per segment, not per
	 * token.
	 * Its tokens are issued by ctrl_emit_lazy, without a read check.
	 * Columns a_rc .. a_c-1 have been issued but not yet counted into the
	 * weight buffer's and decompression unit's counters, `tiles` and
	 * `busy`;
	 * ctrl_settle counts them (at the next segment's start, and from
	 * accel_settle, before anything reads a counter). Only in a layer with
	 * ctrl_layer_t.lazy_reads (a stepped run), so never in a fast-forward
	 * run, a jump or a snapshot. */
	bool a_lazy;
	/* ctrl_tick_lazy's whole test, set with a_lazy: while a_c is below it
	 * the segment is lazy, active and not at its last token, in a layer
	 * without delta (a_nt - 1 then; else 0, which no a_c is below). An
	 * ended segment has a_c == a_nt, so it stays right until the next
	 * start sets it again. */
	uint32_t a_lazy_end;
	/* The active segment's first token template (tok + tile0 *
	 * CTRL_TOK_HEAD), set with a_lazy_end and read only while a_c is below
	 * it (ctrl_tick_lazy_mid): the token table is reallocated only at a
	 * layer's start, which sets a_lazy_end to 0. */
	const unsigned char *a_tok;
	/* Delta: the next step whose h the controller watches for, and the
	 * cycle each of the last 4 steps' h was complete (the encoder's
	 * latency counts from there). */
	uint32_t dl_watch;
	uint64_t dl_done[4];
	uint32_t a_n; /* sequences active in a_step: the tokens per column tile */
	/* Of the active segment, set by ctrl_start_seg with a_seg and a_n (so
	 * not state): its program entry, and the tokens a column tile holds
	 * (a_n; an input phase's every step and sequence). */
	const sched_seg_t *a_s;
	uint32_t a_hold;
	/* Sequences per weight group (batch / sets): a column tile's weights
	 * are read with each group's first sequence. */
	uint32_t group;
	/* The layer's tokens, one per column tile of the program (index
	 * seg->tile0 + col), with everything that depends only on the tile
	 * and the layer filled in once (ctrl_begin_layer); issuing a token
	 * copies it and sets its step, block and sequence. Only each token's
	 * first CTRL_TOK_HEAD bytes are kept (the functional operand
	 * pointers that close a token are NULL in every template), CTRL_TOK_HEAD
	 * bytes apart: a large program's table is MBs, written once per
	 * layer. ntok: room, in tokens. */
	unsigned char *tok;
	uint32_t ntok;
	/* Per program tile i (0 .. ntile, room ntok + 1), the counts of reading
	 * tiles 0 .. i-1 once each: bank rows, bank bytes, decoded weights;
	 * and peak, the most bank bytes of one tile from tile i's segment's
	 * first through tile i. ctrl_settle (a stepped run) and ctrl_run (a
	 * burst) count a run of a segment's columns from them in a few
	 * additions (ctrl_tokens builds them with the tokens). */
	struct ctrl_tile_sum {
		uint64_t rows, bytes, dec;
		uint32_t peak;
	} * tsum;
	uint32_t next_id;
	ctrl_block_t *ring, *ring_tmp;
	uint32_t nring;
	/* Counted every cycle: plain fields the statistics registry reads
	 * (stats_field) until the run, or ctrl_destroy, seals it. */
	stats_t *st;
	uint64_t busy, stall, starve, tiles, blocks, reconfigs, dram_wait;
	unsigned last_cfg;
	uint64_t now, seg_start;
	trace_t *trace;
	int64_t step_started;
};

/* A segment's values a CTRL_SEG_ONE start reads, per layer
 * (ctrl_t.one): its first tile's token head and bank reads (rows, bytes,
 * the peak they raise), its decompressed weights and its valid rows (the
 * intermediate buffer's values for one sequence). */
struct ctrl_seg_one {
	const unsigned char *tok;
	uint32_t rows, bytes, dec, vals;
	unsigned cfg;
};

/* ctrl_t.seg_flags: what the step barrier and ctrl_start_seg decide for a
 * segment from the layer alone. */
enum {
	CTRL_SEG_BARRIER = 1u << 0,   /* must pass the step barrier before it starts */
	CTRL_SEG_CONTINUES = 1u << 1, /* an H segment continuing its X partner's block (merge) */
	CTRL_SEG_PRE_READS = 1u << 2, /* reads its precomputed W.x as init (E-PUR) */
	CTRL_SEG_IBUF = 1u << 3,      /* an X segment writing the intermediate buffer */
	CTRL_SEG_XQ_PUSH = 1u << 4,   /* an X block queued for its H partner (h_init) */
	CTRL_SEG_XQ_POP = 1u << 5,    /* an H block taking its partner's sums as init */
	CTRL_SEG_SIMPLE = 1u << 6,    /* a_simple unless delta-compacted (ctrl_start_seg) */
	CTRL_SEG_BAR_H = 1u << 7,     /* its barrier, if needed, is all of h_{t-1} (no phase, delta or projection) */
	CTRL_SEG_LAZY = 1u << 8, /* SIMPLE, lazy_reads, one token per column tile (a batch of 1), more than one tile */
	/* SIMPLE, one tile and one token (a batch of 1), opening its own block
	 * (no input phase, no continued block), no delta layer and no
	 * precomputed W.x read: once the layer's weights are all in, its
	 * start and its one token are ctrl_launch_one's (at 64K every segment) */
	CTRL_SEG_ONE = 1u << 9,
	CTRL_SEG_MERGE_ID = 1u << 10, /* an X segment whose block its H partner continues (merge) */
};

/* Sequences active in step t (workload_active). */
uint32_t ctrl_active(const ctrl_t *c, uint32_t t);
/* Index of the first segment of partition `part` (SCHED_PART_X or _H) at
 * or after i, for i in 0..n (n: none): the layer's table (ctrl_begin_layer),
 * inline, as the picks ask it per segment. */
static inline uint32_t ctrl_next_of(const ctrl_t *c, uint32_t i, unsigned part)
{
	return c->next_in[part][i];
}
/* The barrier is passed: h_{t-1} complete (GRU reset_before_matmul's n:
 * all of r*h_{t-1}; fc: step t-2's outputs, for the gate buffer's room). */
bool ctrl_barrier_ok(ctrl_t *c, const ctrl_view_t *v, const sched_seg_t *s, uint32_t t);
/* Segment i of step t may start as far as its barrier goes: it needs
 * none (CTRL_SEG_BARRIER), or ctrl_barrier_ok. Inline, as every pick asks it,
 * and a barrier on all of h_{t-1} already seen met costs no call. The
 * segment comes by its index, the picks' cursor, as its flags are looked
 * up by it (from a pointer, a division by the segment's size). */
static inline bool ctrl_barrier_met(ctrl_t *c, const ctrl_view_t *v, uint32_t i, uint32_t t)
{
	unsigned f = c->seg_flags[i];
	if (!(f & CTRL_SEG_BARRIER) || ((f & CTRL_SEG_BAR_H) && t <= c->h_known))
		return true;
	if (!(f & CTRL_SEG_BAR_H))
		return ctrl_barrier_ok(c, v, &c->L.prog->seg[i], t);
	/* ctrl_barrier_ok's last case, which CTRL_SEG_BAR_H selects: asked
	 * here, as a pick waiting for h_{t-1} asks it every cycle. t is above
	 * h_known (tested above). */
	if (t && cellu_h_written(v->cellu, t - 1) < c->L.hidden * ctrl_active(c, t - 1))
		return false;
	c->h_known = t;
	return true;
}
/* Whether segment i's step barrier is the one on h_{t-1} that
 * ctrl_barrier_met asks inline: when it is not met, the cell updater's
 * count of step t-1 is short (t > 0). */
static inline bool ctrl_barrier_is_h(const ctrl_t *c, uint32_t i)
{
	unsigned f = c->seg_flags[i];
	return (f & CTRL_SEG_BARRIER) && (f & CTRL_SEG_BAR_H);
}
/* The next H segment, of step t, is held only by its h barrier
 * (ctrl_barrier_is_h, not met), every other test the pick made on it being
 * settled until it starts: the pick skips those tests while the cell
 * updater's count of step t-1 is short (ctrl_t.h_hold). */
static inline void ctrl_hold_h(ctrl_t *c, uint32_t t)
{
	c->h_hold = true;
	c->wait_step = t - 1;
	c->wait_need = c->L.hidden * ctrl_active(c, t - 1);
}
/* The H segment still held (ctrl_hold_h): asked by the pick before its
 * own tests. */
static inline bool ctrl_h_held(const ctrl_t *c, const ctrl_view_t *v)
{
	return c->h_hold && cellu_h_written(v->cellu, c->wait_step) < c->wait_need;
}
/* A pick that puts an IDLE_DEPENDENCY bubble only because the held H
 * segment (ctrl_hold_h) and the intermediate buffer's room for vals values
 * hold it, every other test it made being settled until a segment starts:
 * ctrl_tick repeats the bubble without the pick while both still hold
 * (ctrl_t.wait_on). */
static inline void ctrl_wait_h(ctrl_t *c, uint32_t vals)
{
	c->wait_on = true;
	c->wait_vals = vals;
}
/* Puts a bubble with its cause into the line. */
void ctrl_bubble(ctrl_t *c, ctrl_token_t *out, idle_cause_t cause);
/* Starts segment seg of step `step` (claims its block, buffer space). */
void ctrl_start_seg(ctrl_t *c, const ctrl_view_t *v, uint32_t seg, uint32_t step);
/* Issues the active segment's next token (or a bubble). */
void ctrl_emit(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out);
/* ctrl_launch of a CTRL_SEG_ONE segment once the layer's weights are
 * seen all in and no lazy segment's reads wait to be settled (a_lazy
 * clear): its start and its one token, every test its flags answer left
 * out, and no call to save registers for. */
void ctrl_launch_one(ctrl_t *c, const ctrl_view_t *v, uint32_t *t, uint32_t *i, int part, ctrl_token_t *out);
/* ctrl_launch of any segment: its start, the cursor's move, its first
 * token. */
void ctrl_launch_any(ctrl_t *c, const ctrl_view_t *v, uint32_t *t, uint32_t *i, int part, ctrl_token_t *out);
/* ctrl_start_seg of cursor (t, i), the cursor moved on to the next segment
 * of the program (part < 0) or of partition `part`, and ctrl_emit of the
 * segment's first token: what a pick does once it has chosen, as one call
 * with the start and the emit inlined (the emit reads what the start has
 * just set). A one-tile start after a lazy segment (a_lazy) goes the
 * general way, which settles that segment's reads before a_seg moves on. */
static inline void ctrl_launch(ctrl_t *c, const ctrl_view_t *v, uint32_t *t, uint32_t *i, int part, ctrl_token_t *out)
{
	if ((c->seg_flags[*i] & CTRL_SEG_ONE) && c->all_in && !c->a_lazy)
		ctrl_launch_one(c, v, t, i, part, out);
	else
		ctrl_launch_any(c, v, t, i, part, out);
}
/* Why nothing is issued once a layer's segments are all issued. */
idle_cause_t ctrl_idle_reason(const ctrl_t *c);
/* The in-order pick Sequential, Batch, Intergate and BrainWave share:
 * segments start strictly in program order. */
void ctrl_pick_in_order(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out);

#endif

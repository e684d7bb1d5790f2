/*
 * unfolded.c - SHARP's Unfolded schedule (docs/hardware.md §3): blocks of two
 * Intergate-sized segments over one partition, X(2j) X(2j+1) H(2j)
 * H(2j+1). The W.x segments need nothing but intermediate-buffer space, so
 * they run ahead of the U.h segments (which wait for h_{t-1}) as far as
 * that buffer and the weight-stream window allow; an H segment starts from
 * its X partner's sums once they are in the buffer.
 */
#include <stddef.h>

#include "../ctrl/ctrl_impl.h"
#include "registry.h"

static void unfolded_order(sched_order_t *o)
{
	uint32_t nr = sched_order_ranges(o, o->ng);
	for (uint32_t r = 0; r < nr; r += 2, o->block++) {
		uint32_t m = r + 1 < nr ? 2 : 1;
		if (o->has_x)
			for (uint32_t i = 0; i < m; i++)
				sched_order_add(o, SCHED_PART_X, r + i, o->gates, o->ng, o->block);
		for (uint32_t i = 0; i < m; i++)
			sched_order_add(o, SCHED_PART_H, r + i, o->gates, o->ng, o->block);
	}
}

/* Two cursors: (cur_t, cur_i) over the H segments, (x_t, x_i) over X. */
static void unfolded_begin_layer(ctrl_t *c)
{
	c->cur_i = ctrl_next_of(c, 0, SCHED_PART_H);
	c->x_i = ctrl_next_of(c, 0, SCHED_PART_X);
	c->x_t = c->x_i < c->L.prog->n ? 0 : c->L.timesteps;
}

/* The next H segment when its block's W.x segments are issued (the block
 * is two segments tall over one partition, so its U.h part follows its
 * whole W.x part, which is also the order the weights stream in) and its
 * dependency is met; otherwise the next X segment, as far ahead as the
 * intermediate buffer and the weight-stream window allow. */
static void unfolded_pick(ctrl_t *c, const ctrl_view_t *v, ctrl_token_t *out)
{
	const sched_prog_t *p = c->L.prog;
	bool h_left = c->cur_t < c->L.timesteps, x_left = c->x_t < c->L.timesteps;
	bool partner_missing = false, h_waits = false;
	if (h_left && ctrl_h_held(c, v)) {
		h_waits = true; /* as the tests below found it */
	} else if (h_left) {
		c->h_hold = false;
		const sched_seg_t *s = &p->seg[c->cur_i];
		partner_missing = s->block_x_last >= 0 &&
				  !(c->x_t > c->cur_t || (c->x_t == c->cur_t && c->x_i > (uint32_t)s->block_x_last));
		/* The partner's W.x must have left the accumulators into the
		 * intermediate buffer before the H block reads it as its init. */
		bool x_ready = !c->h_init || s->partner < 0 ||
			       (c->xq_count && c->xq_written[c->xq_head] == ctrl_active(c, c->cur_t));
		if (!partner_missing && x_ready && ctrl_barrier_met(c, v, c->cur_i, c->cur_t)) {
			if (c->cur_i == ctrl_next_of(c, 0, SCHED_PART_H))
				c->step_started = c->cur_t;
			ctrl_launch(c, v, &c->cur_t, &c->cur_i, SCHED_PART_H, out);
			return;
		}
		/* held by h_{t-1} alone: the partner's sums are in */
		h_waits = !partner_missing && x_ready && ctrl_barrier_is_h(c, c->cur_i);
		if (h_waits)
			ctrl_hold_h(c, c->cur_t);
	}
	if (x_left) {
		const sched_seg_t *x = &p->seg[c->x_i];
		/* In stream order when no unissued H segment comes before it; a
		 * run-ahead segment must fit the weight-stream window whole. */
		bool in_order = !h_left || c->cur_t > c->x_t || (c->cur_t == c->x_t && c->cur_i > c->x_i);
		uint32_t vals = x->valid_rows * ctrl_active(c, c->x_t);
		bool room = ibuf_can_alloc(v->ibuf, vals);
		if (room && (in_order || wbuf_seg_in_window(v->wbuf, c->x_i, c->x_t))) {
			ctrl_launch(c, v, &c->x_t, &c->x_i, SCHED_PART_X, out);
			return;
		}
		/* Only the cell updater's h and the buffer's room can change
		 * this answer before a segment starts: the cursors, the
		 * partner's sums and h_known are the controller's own. */
		if (h_waits && !room)
			ctrl_wait_h(c, vals);
		ctrl_bubble(c, out, partner_missing ? IDLE_BACKPRESSURE : IDLE_DEPENDENCY);
		return;
	}
	ctrl_bubble(c, out, h_left ? IDLE_DEPENDENCY : ctrl_idle_reason(c));
}

const sched_desc_t sched_desc_unfolded = {
	.name = "unfolded",
	.description = "two-segment blocks per partition; W.x runs ahead of U.h through the intermediate buffer",
	.flags = SCHED_F_GATES_SHARE | SCHED_F_X_RUNAHEAD,
	.block_segs = 2,
	.order = unfolded_order,
	.begin_layer = unfolded_begin_layer,
	.pick = unfolded_pick,
	.fields = { SNAP_FIELD(struct ctrl, x_t, SNAP_STEP), SNAP_FIELD(struct ctrl, x_i, SNAP_PLAIN) },
	.n_fields = 2,
};

#include "rnnaccel_seq.h"

#include <string.h>

void rnnaccel_seq_init(rnnaccel_seq_t *s, const layer_cfg_t *l, uint32_t lanes)
{
	memset(s, 0, sizeof *s);
	s->lanes = lanes;
	s->fc = l->cell == CELL_FC;
	s->in = l->skip_input && !s->fc ? 0 : l->input_size;
	s->hid = l->hidden_size;
	s->k = s->fc ? s->in : s->in + s->hid;
	s->steps_per_seq = l->timesteps;
	s->steps = (uint64_t)l->timesteps * l->batch_size;
	s->two_phase = l->cell == CELL_GRU && l->gru_form == GRU_RBM;
	if (s->two_phase) {
		s->n_phases = 2;
		s->phase_rows[0] = 2 * s->hid;
		s->phase_rows[1] = s->hid;
	} else {
		s->n_phases = 1;
		s->phase_rows[0] = (s->fc ? 1 : workload_gates(l->cell)) * s->hid;
	}
}

bool rnnaccel_seq_next(rnnaccel_seq_t *s, rnnaccel_tile_t *t)
{
	if (s->step >= s->steps)
		return false;
	uint32_t prows = s->phase_rows[s->phase];
	memset(t, 0, sizeof *t);
	t->rows = prows - s->row < s->lanes ? prows - s->row : s->lanes;
	t->k = s->k;
	t->hcol = s->in;
	if (s->fc) {
		t->dep = RNNACCEL_DEP_NONE;
	} else if (s->phase == 1) {
		t->dep = RNNACCEL_DEP_R;
		t->need = s->step + 1;
	} else if (s->step % s->steps_per_seq != 0) {
		t->dep = RNNACCEL_DEP_H;
		t->need = s->step;
	}
	/* r is rows [0, H) of phase 0: its last row completes r. */
	if (s->two_phase && s->phase == 0 && s->hid - 1 >= s->row && s->hid - 1 < s->row + t->rows)
		t->ev[t->n_ev++] = (rnnaccel_event_t){ s->hid - 1 - s->row, RNNACCEL_EV_R };
	bool last_phase = s->phase + 1 == s->n_phases;
	if (!s->fc && last_phase && s->row + t->rows == prows)
		t->ev[t->n_ev++] = (rnnaccel_event_t){ t->rows - 1, RNNACCEL_EV_H };
	s->row += t->rows;
	if (s->row == prows) {
		s->row = 0;
		if (last_phase) {
			s->phase = 0;
			s->step++;
		} else {
			s->phase++;
		}
	}
	return true;
}

bool rnnaccel_seq_ready(const rnnaccel_seq_t *s, const rnnaccel_tile_t *t)
{
	switch (t->dep) {
	case RNNACCEL_DEP_H:
		return s->h_done >= t->need;
	case RNNACCEL_DEP_R:
		return s->r_done >= t->need;
	default:
		return true;
	}
}

void rnnaccel_seq_event(rnnaccel_seq_t *s, unsigned ev)
{
	if (ev & RNNACCEL_EV_R)
		s->r_done++;
	if (ev & RNNACCEL_EV_H)
		s->h_done++;
}

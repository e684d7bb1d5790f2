#include "rnnaccel_seq.h"

#include <string.h>

#include "../../cell/cell.h"

void rnnaccel_seq_init(rnnaccel_seq_t *s, const layer_cfg_t *l, uint32_t lanes)
{
	const cell_desc_t *d = cell_get(l->cell);
	const cell_variant_t *v = cell_variant(d, l->gru_form);
	memset(s, 0, sizeof *s);
	s->lanes = lanes;
	s->fc = !(d->flags & CELL_F_RECURRENT);
	s->in = l->skip_input && !s->fc ? 0 : l->input_size;
	s->hid = l->hidden_size;
	s->k = s->fc ? s->in : s->in + s->hid;
	s->steps_per_seq = l->timesteps;
	s->steps = (uint64_t)l->timesteps * l->batch_size;
	s->n_phases = v->phases;
	s->two_phase = v->phases == 2;
	for (uint32_t p = 0; p < v->phases; p++)
		s->phase_rows[p] = v->phase_ngates[p] * s->hid;
	/* The rows of phase 0 are its gates in issue order, H each: the r*h
	 * gate's last row completes r. */
	if (s->two_phase)
		for (uint32_t g = 0; g < v->phase_ngates[0]; g++)
			if (v->phase_gate[0][g] == v->rh_gate)
				s->r_last = (g + 1) * s->hid - 1;
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
	if (s->two_phase && s->phase == 0 && s->r_last >= s->row && s->r_last < s->row + t->rows)
		t->ev[t->n_ev++] = (rnnaccel_event_t){ s->r_last - s->row, RNNACCEL_EV_R };
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

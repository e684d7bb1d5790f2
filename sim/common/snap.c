#include "snap.h"

#include <stdlib.h>
#include <string.h>

void snap_reset(snap_t *s, uint64_t now, uint64_t step, uint64_t id)
{
	s->n = 0;
	s->oom = false;
	s->now = now;
	s->step = step;
	s->id = id;
}

uint64_t *snap_room(snap_t *s, size_t k)
{
	if (s->cap - s->n < k || !s->v) { /* never an offset from NULL, even of 0 */
		size_t cap = s->cap ? 2 * s->cap : 1024;
		while (cap - s->n < k)
			cap *= 2;
		uint64_t *nv = realloc(s->v, cap * sizeof *nv);
		if (!nv) {
			s->oom = true;
			return NULL;
		}
		s->v = nv;
		s->cap = cap;
	}
	return s->v + s->n;
}

bool snap_equal(const snap_t *a, const snap_t *b)
{
	return !a->oom && !b->oom && a->n == b->n && memcmp(a->v, b->v, a->n * sizeof *a->v) == 0;
}

void snap_free(snap_t *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static uint64_t snap_load(const void *obj, const snap_field_t *f)
{
	const char *p = (const char *)obj + f->off;
	switch (f->size) {
	case 1:
		return *(const uint8_t *)p;
	case 2:
		return *(const uint16_t *)p;
	case 4:
		return *(const uint32_t *)p;
	default:
		return *(const uint64_t *)p;
	}
}

static void snap_store(void *obj, const snap_field_t *f, uint64_t v)
{
	char *p = (char *)obj + f->off;
	switch (f->size) {
	case 1:
		*(uint8_t *)p = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)p = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)p = (uint32_t)v;
		break;
	default:
		*(uint64_t *)p = v;
		break;
	}
}

static bool snap_is_none(const snap_field_t *f, uint64_t v)
{
	return (f->flags & SNAP_F_NONE_MAX) && v == (f->size == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * f->size)) - 1);
}

void snap_fields(snap_t *s, const void *obj, snap_table_t t)
{
	/* At most two words a field (a none flag and the value), reserved
	 * once for the table. */
	uint64_t *o = snap_room(s, 2 * t.n);
	if (!o)
		return;
	for (size_t i = 0; i < t.n; i++) {
		const snap_field_t *f = &t.f[i];
		const char *cond = (const char *)obj + f->cond;
		if (((f->flags & SNAP_F_COND) && !*(const bool *)cond) ||
		    ((f->flags & SNAP_F_COND_NOT) && *(const bool *)cond) ||
		    ((f->flags & SNAP_F_COND_SET) && *(const uint32_t *)cond == UINT32_MAX))
			continue;
		uint64_t v = snap_load(obj, f);
		if (f->flags & SNAP_F_NONE_MAX) {
			*o++ = snap_is_none(f, v);
			if (snap_is_none(f, v))
				continue;
		}
		switch (f->kind) {
		case SNAP_TIME:
			*o++ = v - s->now;
			break;
		case SNAP_STEP:
			*o++ = v - s->step;
			break;
		case SNAP_ID:
			*o++ = v - s->id;
			break;
		default:
			*o++ = v;
			break;
		}
	}
	s->n = (size_t)(o - s->v);
}

void snap_fields_shift(void *obj, snap_table_t t, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	for (size_t i = 0; i < t.n; i++) {
		const snap_field_t *f = &t.f[i];
		uint64_t by = f->kind == SNAP_TIME   ? cycles
			      : f->kind == SNAP_STEP ? steps
			      : f->kind == SNAP_ID   ? ids
						     : 0;
		uint64_t v = snap_load(obj, f);
		if (by && !snap_is_none(f, v))
			snap_store(obj, f, v + by);
	}
}

void snap_ring(snap_t *s, const void *base, size_t size, uint32_t head, uint32_t count, uint32_t cap, snap_table_t t)
{
	snap_put(s, count);
	for (uint32_t i = 0; i < count; i++)
		snap_fields(s, (const char *)base + (size_t)((head + i) % cap) * size, t);
}

void snap_ring_shift(void *base, size_t size, uint32_t head, uint32_t count, uint32_t cap, snap_table_t t,
		     uint64_t cycles, uint32_t steps, uint32_t ids)
{
	for (uint32_t i = 0; i < count; i++)
		snap_fields_shift((char *)base + (size_t)((head + i) % cap) * size, t, cycles, steps, ids);
}

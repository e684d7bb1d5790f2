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

void snap_put(snap_t *s, uint64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *nv = realloc(s->v, cap * sizeof *nv);
		if (!nv) {
			s->oom = true;
			return;
		}
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
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

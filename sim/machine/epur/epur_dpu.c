#include "epur_dpu.h"

#include <stdlib.h>

/* Rows in flight, oldest first, in a ring of D + 1 slots: one row's last
 * segment issues per cycle at most and leaves D - 1 cycles later, so at
 * most D rows are ever in flight. */
typedef struct epur_dpu_slot {
	uint64_t ready; /* cycle at whose end the row's sum is complete */
	epur_row_t row;
} epur_dpu_slot_t;

struct epur_dpu {
	uint32_t depth;
	uint32_t cap, head, n;
	epur_dpu_slot_t *slot;
};

epur_dpu_t *epur_dpu_create(uint32_t depth)
{
	epur_dpu_t *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->depth = depth;
	d->cap = depth + 1;
	d->slot = calloc(d->cap, sizeof *d->slot);
	if (!d->slot) {
		free(d);
		return NULL;
	}
	return d;
}

void epur_dpu_destroy(epur_dpu_t *d)
{
	if (!d)
		return;
	free(d->slot);
	free(d);
}

void epur_dpu_issue(epur_dpu_t *d, uint64_t now, bool last, const epur_row_t *row)
{
	if (!last)
		return;
	epur_dpu_slot_t *s = &d->slot[(d->head + d->n) % d->cap];
	s->ready = now + d->depth - 1;
	s->row = *row;
	d->n++;
}

bool epur_dpu_pop(epur_dpu_t *d, uint64_t now, epur_row_t *out)
{
	if (d->n == 0 || d->slot[d->head].ready != now)
		return false;
	*out = d->slot[d->head].row;
	d->head = (d->head + 1) % d->cap;
	d->n--;
	return true;
}

bool epur_dpu_empty(const epur_dpu_t *d)
{
	return d->n == 0;
}

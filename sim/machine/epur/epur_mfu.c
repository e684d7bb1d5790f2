#include "epur_mfu.h"

#include <stdlib.h>

/* Rows in flight, oldest first: one enters per cycle at most and stays
 * `latency` cycles, so a ring of latency + 1 slots never overflows. */
typedef struct epur_mfu_slot {
	uint64_t ready;
	epur_row_t row;
} epur_mfu_slot_t;

struct epur_mfu {
	uint32_t latency;
	uint32_t cap, head, n;
	epur_mfu_slot_t *slot;
};

epur_mfu_t *epur_mfu_create(uint32_t latency)
{
	epur_mfu_t *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->latency = latency;
	m->cap = latency + 1;
	m->slot = calloc(m->cap, sizeof *m->slot);
	if (!m->slot) {
		free(m);
		return NULL;
	}
	return m;
}

void epur_mfu_destroy(epur_mfu_t *m)
{
	if (!m)
		return;
	free(m->slot);
	free(m);
}

void epur_mfu_push(epur_mfu_t *m, uint64_t now, const epur_row_t *row)
{
	epur_mfu_slot_t *s = &m->slot[(m->head + m->n) % m->cap];
	s->ready = now + m->latency;
	s->row = *row;
	m->n++;
}

bool epur_mfu_pop(epur_mfu_t *m, uint64_t now, epur_row_t *out)
{
	if (m->n == 0 || m->slot[m->head].ready != now)
		return false;
	*out = m->slot[m->head].row;
	m->head = (m->head + 1) % m->cap;
	m->n--;
	return true;
}

bool epur_mfu_empty(const epur_mfu_t *m)
{
	return m->n == 0;
}

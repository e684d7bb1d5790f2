#include "ibuf.h"

#include <stdlib.h>

struct ibuf {
	uint64_t cap, used;
	uint64_t *writes, *reads;
};

ibuf_t *ibuf_create(uint64_t capacity_values, stats_t *st)
{
	ibuf_t *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->cap = capacity_values;
	b->writes = stats_counter(st, "interbuf.writes", STATS_VALUES, "W.x values written to the intermediate buffer");
	b->reads = stats_counter(st, "interbuf.reads", STATS_VALUES, "W.x values read back (accumulator init or MFU)");
	if (!b->writes || !b->reads) {
		ibuf_destroy(b);
		return NULL;
	}
	return b;
}

void ibuf_destroy(ibuf_t *b)
{
	free(b);
}

bool ibuf_can_alloc(const ibuf_t *b, uint32_t values)
{
	return b->used + values <= b->cap;
}
void ibuf_alloc(ibuf_t *b, uint32_t values)
{
	b->used += values;
}
void ibuf_free(ibuf_t *b, uint32_t values)
{
	b->used -= values;
}
void ibuf_write(ibuf_t *b, uint32_t values)
{
	*b->writes += values;
}
void ibuf_read(ibuf_t *b, uint32_t values)
{
	*b->reads += values;
}
uint64_t ibuf_capacity(const ibuf_t *b)
{
	return b->cap;
}
uint64_t ibuf_used(const ibuf_t *b)
{
	return b->used;
}

/*
 * testutil.h - helpers the Check suites share: a layer built field by
 * field, and a counter looked up by name that fails the test if the model
 * never registered it.
 */
#ifndef SHARPSIM_TESTUTIL_H
#define SHARPSIM_TESTUTIL_H

#include <check.h>
#include <string.h>

#include "../sim/core/run.h"

static inline layer_cfg_t test_layer(cell_kind_t c, gru_form_t form, uint32_t in, uint32_t hid, uint32_t t, uint32_t b)
{
	layer_cfg_t l;
	memset(&l, 0, sizeof l);
	l.cell = c;
	l.gru_form = form;
	l.input_size = in;
	l.hidden_size = hid;
	l.timesteps = t;
	l.batch_size = b;
	/* The layer table's defaults of the sparsity keys (params.c). */
	l.sparsity_block = 8;
	l.sparsity_seed = 1;
	l.index_bits = 16;
	return l;
}

static inline uint64_t test_counter(const run_result_t *r, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(stats_find(r->stats, name, &v), "counter %s not registered", name);
	return v;
}

#endif

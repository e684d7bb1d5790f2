/* fuzz_tiles.c - the tile-table loader (config_load_tile_table), and its
 * fast path held to the YAML loader: whatever the fast path reads, the YAML
 * loader must read too, to the same table (else abort, a crash). */
#include "fuzz.h"

#include <string.h>

#include "../../sim/config/config.h"

static bool tables_equal(const tile_table_t *a, const tile_table_t *b)
{
	if (a->n != b->n || a->has_key != b->has_key || (a->has_key && a->timing_key != b->timing_key))
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const tile_entry_t *x = &a->e[i], *y = &b->e[i];
		if (x->vs_units != y->vs_units || x->vs_width != y->vs_width || x->scheduler != y->scheduler ||
		    x->cell != y->cell || x->input_size != y->input_size || x->hidden_size != y->hidden_size ||
		    x->timesteps != y->timesteps || x->batch != y->batch || x->layer_key != y->layer_key ||
		    x->best != y->best || memcmp(x->cycles, y->cycles, sizeof x->cycles))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".yaml");
	if (!path)
		return 0;
	sim_err_t err = { 0 };
	tile_table_t t = { 0 }, fast = { 0 }, slow = { 0 };
	if (config_load_tile_table(path, &t, &err) == SIM_OK)
		config_tile_table_free(&t);
	if (config_load_tile_table_plain(path, &fast)) {
		bool read = config_load_tile_table_yaml(path, &slow, &err) == SIM_OK;
		if (!read || !tables_equal(&fast, &slow)) {
			fprintf(stderr, "fuzz_tiles: the fast path read a table the YAML loader %s\n",
				read ? "reads otherwise" : "refuses");
			abort();
		}
		config_tile_table_free(&slow);
		config_tile_table_free(&fast);
	}
	return 0;
}

/* fuzz_tiles.c - the tile-table loader (config_load_tile_table). */
#include "fuzz.h"

#include "../../sim/config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".yaml");
	if (!path)
		return 0;
	sim_err_t err = { 0 };
	tile_table_t t = { 0 };
	if (config_load_tile_table(path, &t, &err) == SIM_OK)
		config_tile_table_free(&t);
	return 0;
}

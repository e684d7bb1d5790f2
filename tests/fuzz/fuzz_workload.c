/* fuzz_workload.c - the workload loader (config_load_workload), and ydoc's
 * plain block reader held to libyaml (fuzz_ydoc.h). */
#include "fuzz.h"
#include "fuzz_ydoc.h"

#include "../../sim/config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".yaml");
	if (!path)
		return 0;
	sim_err_t err = { 0 };
	workload_t w = { 0 };
	config_load_workload(path, NULL, 0, &w, &err);
	workload_free(&w);
	fuzz_ydoc_plain_is_libyaml(path, data, size);
	return 0;
}

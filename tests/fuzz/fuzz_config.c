/* fuzz_config.c - the hardware config loader (config_load_hw), and ydoc's
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
	hw_cfg_t hw;
	config_load_hw(path, NULL, 0, &hw, &err);
	fuzz_ydoc_plain_is_libyaml(path, data, size);
	return 0;
}

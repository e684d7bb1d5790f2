/* fuzz_tech.c - the technology-table loader (energy_tech_load). */
#include "fuzz.h"

#include "../../sim/energy/energy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".yaml");
	if (!path)
		return 0;
	sim_err_t err = { 0 };
	energy_tech_t *t = NULL;
	if (energy_tech_load(path, &t, &err) == SIM_OK)
		energy_tech_destroy(t);
	return 0;
}

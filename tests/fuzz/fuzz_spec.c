/* fuzz_spec.c - the sweep-spec loader (sweep_spec_load); paths in a spec resolve against the working directory, which is the project root under make fuzz, so seeds name the committed configs and workloads. */
#include "fuzz.h"

#include "../../sim/sweep/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".yaml");
	if (!path)
		return 0;
	sim_err_t err = { 0 };
	sweep_spec_t s;
	if (sweep_spec_load(path, "fuzz", &s, &err) == SIM_OK)
		sweep_spec_free(&s);
	return 0;
}

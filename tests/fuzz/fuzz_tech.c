/* fuzz_tech.c - the technology-table loader (energy_tech_load), and its
 * fast path held to the YAML loader: whatever the fast path reads, the YAML
 * loader must read too, to the same numbers (else abort, a crash). */
#include "fuzz.h"

#include "../../sim/energy/energy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".yaml");
	if (!path)
		return 0;
	sim_err_t err = { 0 };
	energy_tech_t *t = NULL, *fast = NULL, *slow = NULL;
	if (energy_tech_load(path, &t, &err) == SIM_OK)
		energy_tech_destroy(t);
	if (energy_tech_load_plain(path, &fast)) {
		if (energy_tech_load_string(path, (const char *)data, size, &slow, &err) != SIM_OK ||
		    !energy_tech_equal(fast, slow)) {
			fprintf(stderr, "fuzz_tech: the fast path read a table the YAML loader %s\n",
				slow ? "reads otherwise" : "refuses");
			abort();
		}
		energy_tech_destroy(slow);
		energy_tech_destroy(fast);
	}
	return 0;
}

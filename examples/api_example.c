/*
 * api_example.c - sharpsim's C API in use (include/sharpsim/sharpsim.h).
 *
 *   cc api_example.c $(pkg-config --cflags --libs sharpsim) -o api_example
 *   ./api_example [HW.yaml [WORKLOAD.yaml [key=value ...]]] [--json FILE]
 *
 * Loads a hardware config and a workload (defaults: the installed
 * configs/sharp-1k.yaml and workloads/examples/lstm_tiny.yaml), applies
 * hardware overrides, runs, and prints the cycles, the utilization, the
 * energy and a few counters with their descriptions; --json writes the
 * report `sharpsim run --format json` would write. It also shows an error:
 * a bad override is refused with a message and leaves the config as it was.
 */
#include <stdio.h>
#include <string.h>

#include <sharpsim/sharpsim.h>

int main(int argc, char **argv)
{
	const char *hw = "configs/sharp-1k.yaml", *wl = "workloads/examples/lstm_tiny.yaml", *json = NULL;
	const char *over[16];
	int nover = 0, npos = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (strchr(argv[i], '=') && nover < 16)
			over[nover++] = argv[i];
		else if (npos == 0 && ++npos)
			hw = argv[i];
		else if (npos == 1 && ++npos)
			wl = argv[i];
	}
	sharpsim_t *s = sharpsim_new();
	if (!s) {
		fprintf(stderr, "api_example: out of memory\n");
		return 6;
	}
	int rc = sharpsim_load_hw(s, hw);
	if (!rc)
		rc = sharpsim_load_workload(s, wl);
	for (int i = 0; !rc && i < nover; i++)
		rc = sharpsim_override_hw(s, over[i]);
	if (!rc && sharpsim_override_hw(s, "compute.vs_units=lots") == SHARPSIM_EINPUT)
		printf("refused as expected: %s\n", sharpsim_error(s));
	if (!rc)
		rc = sharpsim_run(s, NULL);
	if (rc) {
		fprintf(stderr, "%s\n", sharpsim_error(s));
		sharpsim_free(s);
		return rc;
	}
	printf("sharpsim %s\n", sharpsim_version());
	printf("cycles %llu\n", (unsigned long long)sharpsim_cycles(s));
	printf("utilization %.4f\n", sharpsim_utilization(s));
	printf("energy %.3f uJ, %.2f W, %.1f mm2\n", sharpsim_energy_uj(s), sharpsim_power_w(s), sharpsim_area_mm2(s));
	for (size_t i = 0; i < sharpsim_counter_count(s) && i < 3; i++)
		printf("counter %s = %llu %s (%s)\n", sharpsim_counter_name(s, i),
		       (unsigned long long)sharpsim_counter_value(s, i), sharpsim_counter_unit(s, i),
		       sharpsim_counter_desc(s, i));
	uint64_t pad;
	if (sharpsim_counter(s, "idle.padding", &pad) == SHARPSIM_OK)
		printf("counter idle.padding = %llu\n", (unsigned long long)pad);
	if (json) {
		FILE *f = fopen(json, "w");
		rc = f ? sharpsim_write_report(s, f, "json") : SHARPSIM_EIO;
		if (f && fclose(f) && !rc)
			rc = SHARPSIM_EIO;
		if (rc)
			fprintf(stderr, "api_example: %s: %s\n", json, f ? sharpsim_error(s) : "cannot open");
	}
	sharpsim_free(s);
	return rc;
}

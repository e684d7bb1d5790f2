/*
 * cli_counters.c - `sharpsim --help-counters`: every counter a run reports,
 * with its description.
 *
 * Components register their counters when a run builds them, so the list is
 * taken from a run: a one-step LSTM of 8 elements on the built-in default
 * hardware, functional, so that the functional datapath's counters are
 * there too, and its second layer a delta network, so that the delta
 * encoder's counters (registered only on a run with such a layer,
 * delta.h) are listed as well. Every other unit is built for every run
 * whatever the schedule, the
 * weight placement or the cell (a counter a configuration cannot move reads
 * 0), so this list is the full set; the order is the registration order
 * that the reports use.
 */
#include <stdio.h>
#include <string.h>

#include "../config/config.h"
#include "../core/run.h"
#include "cli.h"

static const char cli_counters_workload[] =
	"name: counters\n"
	"layers:\n"
	"  - {cell: lstm, input_size: 8, hidden_size: 8, timesteps: 1}\n"
	"  - {cell: lstm, input_size: 8, hidden_size: 8, timesteps: 1, delta: true}\n";

int cli_help_counters(void)
{
	sim_err_t err = { 0 };
	hw_cfg_t hw;
	workload_t w = { 0 };
	int rc = config_load_hw(NULL, NULL, 0, &hw, &err);
	if (!rc)
		rc = config_load_workload_string("counters", cli_counters_workload, strlen(cli_counters_workload), NULL,
						 0, &w, &err);
	run_result_t r;
	run_opts_t o = { .functional = true, .seed = 1, .fast_forward = true };
	if (!rc)
		rc = accel_run(&hw, &w, &o, &r, &err);
	if (rc) {
		cli_error(&err);
		workload_free(&w);
		return cli_exit_status(rc);
	}
	printf("Counters of every run, with unit (JSON \"counters\"; run --describe-counters adds these):\n");
	for (size_t i = 0; i < stats_size(r.stats); i++)
		printf("  %-24s %-11s %s\n", stats_name(r.stats, i), stats_unit_name(stats_unit(r.stats, i)),
		       stats_desc(r.stats, i) ? stats_desc(r.stats, i) : "");
	run_result_free(&r);
	workload_free(&w);
	return 0;
}

/*
 * cli_counters.c - `sharpsim --help-counters`: every counter a run reports,
 * with its description.
 *
 * Components register their counters when a run builds them, so the list is
 * taken from a run: a one-step LSTM of 8 elements on the built-in default
 * hardware, functional, so that the functional datapath's counters are
 * there too, and its second layer a delta network, so that the delta
 * encoder's counters (registered only on a run with such a layer,
 * delta.h) are listed as well. A progressive layer (approx: svd_prune) is
 * timed only, so its counter (approx.scale_mults) comes from a second,
 * timing run of one, listed after the first run's; that run ends in an fc
 * layer and a softmax, whose counters (softmax.*, registered only on a run
 * with one) are listed with it. Every other unit is
 * built for every run
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
static const char cli_counters_progressive[] =
	"name: counters-progressive\n"
	"layers:\n"
	"  - {cell: lstm, input_size: 8, hidden_size: 8, timesteps: 1, approx: svd_prune, approx_nz: 4}\n"
	"  - {cell: fc, input_size: 8, hidden_size: 4, timesteps: 1}\n"
	"  - {cell: softmax, input_size: 4, hidden_size: 4, timesteps: 1}\n";

/* Prints the counters of r that `seen` (NULL: none) does not hold. */
static void cli_counters_print(const run_result_t *r, const run_result_t *seen)
{
	uint64_t v;
	for (size_t i = 0; i < stats_size(r->stats); i++)
		if (!seen || !stats_find(seen->stats, stats_name(r->stats, i), &v))
			printf("  %-24s %-11s %s\n", stats_name(r->stats, i), stats_unit_name(stats_unit(r->stats, i)),
			       stats_desc(r->stats, i) ? stats_desc(r->stats, i) : "");
}

int cli_help_counters(void)
{
	sim_err_t err = { 0 };
	hw_cfg_t hw;
	workload_t w = { 0 };
	int rc = config_load_hw(NULL, NULL, 0, &hw, &err);
	if (!rc)
		rc = config_load_workload_string("counters", cli_counters_workload, strlen(cli_counters_workload), NULL,
						 0, &w, &err);
	workload_t wp = { 0 };
	if (!rc)
		rc = config_load_workload_string("counters-progressive", cli_counters_progressive,
						 strlen(cli_counters_progressive), NULL, 0, &wp, &err);
	run_result_t r, rp = { 0 };
	run_opts_t o = { .functional = true, .no_reference = true, .seed = 1, .fast_forward = true };
	run_opts_t op = { .fast_forward = true };
	if (!rc)
		rc = accel_run(&hw, &w, &o, &r, &err);
	if (!rc && (rc = accel_run(&hw, &wp, &op, &rp, &err)))
		run_result_free(&r);
	workload_free(&w);
	workload_free(&wp);
	if (rc) {
		cli_error(&err);
		return cli_exit_status(rc);
	}
	printf("Counters of every run, with unit (JSON \"counters\"; run --describe-counters adds these):\n");
	cli_counters_print(&r, NULL);
	cli_counters_print(&rp, &r);
	run_result_free(&r);
	run_result_free(&rp);
	return 0;
}

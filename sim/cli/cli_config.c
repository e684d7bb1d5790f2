/*
 * cli_config.c - `sharpsim config`: the effective hardware config (defaults,
 * file and -p overrides, "auto" kept as written) as YAML that loads back.
 */
#include <stdio.h>
#include <string.h>

#include "../config/config.h"
#include "cli.h"

int cli_config(int argc, char **argv)
{
	cli_common_t c = { 0 };
	sim_err_t err = { 0 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			puts("usage: sharpsim config [--hw FILE] [-p key=value ...]\n"
			     "Prints the effective hardware config (built-in defaults without --hw).");
			return 0;
		}
		int used = cli_common_arg(&c, argc, argv, &i, &err);
		if (used < 0) {
			cli_error(&err);
			return 2;
		}
		if (!used) {
			fprintf(stderr, "unknown option '%s', expected --hw or -p (see sharpsim config --help)\n",
				argv[i]);
			return 2;
		}
	}
	hw_cfg_t hw;
	int rc = config_load_hw(c.hw, c.p, c.np, &hw, &err);
	if (rc) {
		cli_error(&err);
		return cli_exit_status(rc);
	}
	config_dump_hw(stdout, &hw);
	return 0;
}

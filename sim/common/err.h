/*
 * err.h - error values for library code.
 *
 * Contract: library functions never print and never exit. They return one of
 * the SIM_E* codes and, when they fail, leave a single human-readable line in
 * a caller-provided sim_err_t. Input errors are formatted
 * "file:line:col: what is wrong, what was expected" so that main() can print
 * the line verbatim and exit with sim_err_exit_status().
 */
#ifndef SHARPSIM_ERR_H
#define SHARPSIM_ERR_H

#include <stdarg.h>

enum sim_status {
	SIM_OK = 0,
	SIM_EINPUT = 2,	   /* bad config, workload, option or file: exit 2 */
	SIM_EIO = 3,	   /* cannot read or write a file */
	SIM_EDEADLOCK = 4, /* the watchdog saw nothing move */
	SIM_EINTERNAL = 5, /* an invariant of the model broke */
	SIM_ENOMEM = 6
};

typedef struct sim_err {
	int code;
	char msg[1024];
} sim_err_t;

/* Formats msg as "file:line:col: text" (line/col 1-based; 0 omits them). */
int sim_err_at(sim_err_t *e, int code, const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Formats msg as plain text. Returns code so callers can `return sim_err(...)`. */
int sim_err(sim_err_t *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefixes an existing message, e.g. with "option -p: ". */
void sim_err_prefix(sim_err_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

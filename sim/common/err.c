#include "err.h"

#include <stdio.h>
#include <string.h>

int sim_err_at(sim_err_t *e, int code, const char *file, int line, int col,
	       const char *fmt, ...)
{
	if (!e)
		return code;
	int n;
	if (line > 0)
		n = snprintf(e->msg, sizeof e->msg, "%s:%d:%d: ", file, line, col > 0 ? col : 1);
	else
		n = snprintf(e->msg, sizeof e->msg, "%s: ", file);
	if (n < 0 || (size_t)n >= sizeof e->msg)
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
	va_end(ap);
	e->code = code;
	return code;
}

int sim_err(sim_err_t *e, int code, const char *fmt, ...)
{
	if (!e)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->code = code;
	return code;
}

void sim_err_prefix(sim_err_t *e, const char *fmt, ...)
{
	if (!e)
		return;
	char pre[256], old[sizeof e->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	size_t n = strlen(pre);
	if (n >= sizeof e->msg)
		n = sizeof e->msg - 1;
	memcpy(e->msg, pre, n);
	size_t rest = strlen(old);
	if (rest > sizeof e->msg - 1 - n)
		rest = sizeof e->msg - 1 - n;
	memcpy(e->msg + n, old, rest);
	e->msg[n + rest] = '\0';
}

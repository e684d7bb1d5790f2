#include "err.h"

#include <stdio.h>
#include <string.h>

/* Copies src into dst (size bytes), writing each control character (below
 * 0x20, and DEL) as \xNN. Messages quote file names and values from the
 * input; escaping them keeps every message on one line and keeps terminal
 * escape sequences in a hostile file from reaching the user's terminal. */
static void sim_err_escape(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (; *src && o + 1 < size; src++) {
		unsigned char c = (unsigned char)*src;
		if (c >= 0x20 && c != 0x7f) {
			dst[o++] = (char)c;
			continue;
		}
		if (o + 5 >= size)
			break;
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 15];
	}
	dst[o] = '\0';
}

/* Formats into a local buffer first: callers may pass e->msg itself as an
 * argument (re-wrapping an inner error). */
static void sim_err_vset(sim_err_t *e, const char *pre, const char *fmt, va_list ap)
{
	char raw[sizeof e->msg];
	vsnprintf(raw, sizeof raw, fmt, ap);
	sim_err_escape(e->msg, sizeof e->msg / 2, pre);
	size_t at = strlen(e->msg);
	sim_err_escape(e->msg + at, sizeof e->msg - at, raw);
}

int sim_err_at(sim_err_t *e, int code, const char *file, int line, int col, const char *fmt, ...)
{
	if (!e)
		return code;
	char pre[sizeof e->msg];
	if (line > 0)
		snprintf(pre, sizeof pre, "%s:%d:%d: ", file, line, col > 0 ? col : 1);
	else
		snprintf(pre, sizeof pre, "%s: ", file);
	va_list ap;
	va_start(ap, fmt);
	sim_err_vset(e, pre, fmt, ap);
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
	sim_err_vset(e, "", fmt, ap);
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
	sim_err_escape(e->msg, sizeof e->msg, pre);
	size_t n = strlen(e->msg);
	size_t rest = strlen(old);
	if (rest > sizeof e->msg - 1 - n)
		rest = sizeof e->msg - 1 - n;
	memcpy(e->msg + n, old, rest);
	e->msg[n + rest] = '\0';
}

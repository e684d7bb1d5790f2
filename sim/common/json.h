/*
 * json.h - the one JSON string writer: quotes, backslash-escapes '"' and
 * '\\', and writes control characters as \u00XX, so any name or path a user
 * gives comes out as valid JSON; and the one writer of floating-point
 * numbers, which never writes inf or nan.
 */
#ifndef SHARPSIM_JSON_H
#define SHARPSIM_JSON_H

#include <stdio.h>

void json_write_string(FILE *f, const char *s);
/* Writes v with printf format fmt (e.g. "%.9g"), or null when v is NaN or
 * infinite: JSON has no spelling for them, and "inf" makes the whole
 * document unreadable. */
void json_write_number(FILE *f, const char *fmt, double v);

#endif

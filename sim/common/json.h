/*
 * json.h - the one JSON string writer: quotes, backslash-escapes '"' and
 * '\\', and writes control characters as \u00XX, so any name or path a user
 * gives comes out as valid JSON.
 */
#ifndef SHARPSIM_JSON_H
#define SHARPSIM_JSON_H

#include <stdio.h>

void json_write_string(FILE *f, const char *s);

#endif

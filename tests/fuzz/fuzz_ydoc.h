/*
 * fuzz_ydoc.h - ydoc's plain block reader held to libyaml, for the config
 * and workload harnesses: whatever the plain reader reads, libyaml must
 * read too, to the same tree, positions included (else abort, a crash).
 */
#ifndef SHARPSIM_FUZZ_YDOC_H
#define SHARPSIM_FUZZ_YDOC_H

#include "fuzz.h"

#include "../../sim/config/ydoc.h"

static inline void fuzz_ydoc_plain_is_libyaml(const char *path, const uint8_t *data, size_t size)
{
	ydoc_t *plain, *yaml;
	sim_err_t err = { 0 };
	if (!ydoc_load_plain(path, (const char *)data, size, &plain))
		return;
	if (ydoc_load_libyaml(path, (const char *)data, size, &yaml, &err) != SIM_OK || !ydoc_equal(plain, yaml)) {
		fprintf(stderr, "fuzz: ydoc's plain reader read a document libyaml %s\n",
			yaml ? "reads otherwise" : "refuses");
		abort();
	}
	ydoc_free(yaml);
	ydoc_free(plain);
}

#endif

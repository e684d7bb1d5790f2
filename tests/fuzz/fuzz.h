/*
 * fuzz.h - what the loader harnesses share.
 *
 * Each harness (fuzz_NAME.c) defines LLVMFuzzerTestOneInput and hands the
 * input to one loader through a file, because the loaders take paths: the
 * byte cap, the endless-input handling and the open/read error paths are
 * part of what is fuzzed. The file lives in $TMPDIR (default /tmp), named
 * after the process so that parallel jobs never share one.
 *
 * Built two ways (mk/fuzz.mk): with clang's libFuzzer for campaigns
 * (`make fuzz`), and with gcc plus driver.c's plain main() under ASan and
 * UBSan to replay the committed corpora and crash reproducers in `make test`.
 */
#ifndef SHARPSIM_FUZZ_H
#define SHARPSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* This process's scratch file, removed when the process exits normally
 * (a crashing input is kept by libFuzzer as an artifact anyway). */
static char fuzz_path[512];

static inline void fuzz_unlink(void)
{
	if (fuzz_path[0])
		unlink(fuzz_path);
}

/* Writes data to this process's scratch file (suffix ext) and returns its
 * path, or NULL when it cannot be written (the input is then skipped). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *ext)
{
	const char *dir = getenv("TMPDIR");
	if (!fuzz_path[0])
		atexit(fuzz_unlink);
	snprintf(fuzz_path, sizeof fuzz_path, "%s/sharpsim-fuzz-%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(),
		 ext);
	FILE *f = fopen(fuzz_path, "wb");
	if (!f)
		return NULL;
	int ok = fwrite(data, 1, size, f) == size;
	ok = fclose(f) == 0 && ok;
	return ok ? fuzz_path : NULL;
}

#endif

/*
 * driver.c - a plain main() for the fuzz harnesses, for builds without
 * libFuzzer (gcc): runs LLVMFuzzerTestOneInput once on every file named on
 * the command line and on every file in every directory named. A crash or a
 * sanitizer report fails the run; the exit status is 0 otherwise. This is how
 * `make test` replays the committed corpora and crash reproducers.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz driver: %s: cannot open\n", path);
		return 1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "fuzz driver: %s: out of memory\n", path);
		return 1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int bad = 0;
	size_t runs = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue; /* a corpus directory that does not exist yet */
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			runs++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d)
			return 1;
		char **names = NULL;
		size_t n = 0;
		for (struct dirent *e; (e = readdir(d));) {
			if (e->d_name[0] == '.')
				continue;
			char **nn = realloc(names, (n + 1) * sizeof *nn);
			if (!nn)
				return 1;
			names = nn;
			size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
			if (!(names[n] = malloc(len)))
				return 1;
			snprintf(names[n++], len, "%s/%s", argv[i], e->d_name);
		}
		closedir(d);
		if (n)
			qsort(names, n, sizeof *names, cmp);
		for (size_t k = 0; k < n; k++) {
			bad |= run_file(names[k]);
			runs++;
			free(names[k]);
		}
		free(names);
	}
	printf("%zu inputs replayed\n", runs);
	return bad;
}

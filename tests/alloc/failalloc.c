/*
 * failalloc.c - allocation failure on demand, for tests/hostile/alloc_fail.sh.
 *
 * Linked into build/asan/sharpsim-failalloc with -Wl,--wrap=malloc,...: every
 * malloc, calloc, realloc and strdup made by sharpsim's own code comes here
 * (libyaml's and libc's internal allocations do not). SHARPSIM_FAIL_ALLOC=k
 * makes the k-th of them (1-based) return NULL and the rest succeed;
 * SHARPSIM_FAIL_ALLOC=count makes none fail and prints the number made on
 * stderr at exit, so the test knows how many runs to make.
 *
 * The counters are file-scope state, which the library never has: this is
 * test scaffolding standing in for the C library, which keeps its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static long failalloc_calls, failalloc_at = -1;
static int failalloc_counting = -1; /* -1: environment not read yet */

static void failalloc_report(void)
{
	fprintf(stderr, "failalloc: %ld allocations\n", failalloc_calls);
}

/* True when this call is the one to fail. */
static int failalloc_fail(void)
{
	if (failalloc_counting < 0) {
		const char *e = getenv("SHARPSIM_FAIL_ALLOC");
		failalloc_counting = e && strcmp(e, "count") == 0;
		if (failalloc_counting)
			atexit(failalloc_report);
		else if (e)
			failalloc_at = atol(e);
	}
	return ++failalloc_calls == failalloc_at;
}

void *__wrap_malloc(size_t n)
{
	return failalloc_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return failalloc_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return failalloc_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return failalloc_fail() ? NULL : __real_strdup(s);
}

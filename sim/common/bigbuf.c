/* MAP_ANONYMOUS and madvise are not in POSIX.1-2008's own names. */
#define _DEFAULT_SOURCE
#include "bigbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Buffers from BIGBUF_MIN bytes are mapped; the mapping and the huge
 * pages are BIGBUF_ALIGN aligned (x86-64's and arm64's 2 MB). */
#define BIGBUF_MIN ((size_t)1 << 20)
#define BIGBUF_ALIGN ((size_t)2 << 20)

/* Kept just before the pointer handed out: how to give the buffer back.
 * base NULL: it came from calloc, at the header itself. 16 bytes, so the
 * pointer after it keeps malloc's alignment. */
typedef struct bigbuf_hdr {
	void *base;
	size_t len;
} bigbuf_hdr_t;

void *bigbuf_alloc(size_t n, size_t size)
{
	if (!n)
		n = 1;
	if (size && n > (SIZE_MAX - 2 * BIGBUF_ALIGN) / size)
		return NULL;
	size_t bytes = n * size;
	if (bytes < BIGBUF_MIN) {
		bigbuf_hdr_t *h = calloc(1, sizeof *h + bytes);
		if (!h)
			return NULL;
		h->base = NULL;
		return h + 1;
	}
	/* The buffer's span, whole huge pages, at the first 2 MB boundary
	 * with room for the header before it: m is page aligned, so that
	 * boundary is at most m + BIGBUF_ALIGN and the span ends inside the
	 * mapping. What lies outside the span is never touched, so it costs
	 * no memory; it goes back with the rest. */
	size_t span = (bytes + BIGBUF_ALIGN - 1) & ~(BIGBUF_ALIGN - 1), len = span + BIGBUF_ALIGN;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	uintptr_t a = ((uintptr_t)m + sizeof(bigbuf_hdr_t) + BIGBUF_ALIGN - 1) & ~(uintptr_t)(BIGBUF_ALIGN - 1);
#ifdef MADV_HUGEPAGE
	/* advice only: a kernel without transparent huge pages says EINVAL,
	 * and the mapping serves in 4 KB pages */
	madvise((void *)a, span, MADV_HUGEPAGE);
#endif
	bigbuf_hdr_t *h = (bigbuf_hdr_t *)a - 1;
	h->base = m;
	h->len = len;
	return (void *)a;
}

void bigbuf_free(void *p)
{
	if (!p)
		return;
	bigbuf_hdr_t *h = (bigbuf_hdr_t *)p - 1;
	if (h->base)
		munmap(h->base, h->len);
	else
		free(h);
}

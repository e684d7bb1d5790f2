/*
 * bigbuf.h - zeroed buffers of a megabyte or more, backed by huge pages
 * where the kernel offers them.
 *
 * Why: a buffer the size of a layer's weights is first touched a page at a
 * time, and each 4 KB page is a fault. On a machine whose faults are dear
 * (about 10 us on some virtual machines) the faults of functional mode's
 * tile-ordered weights were over a third of a run's CPU. Mapped on its own,
 * 2 MB aligned, with madvise(MADV_HUGEPAGE), such a buffer takes one fault
 * per 2 MB (docs/performance.md, "Huge pages for the weights"). Where
 * MADV_HUGEPAGE is not defined, or the kernel's transparent huge pages are
 * off, the buffer is an ordinary anonymous mapping, zeroed all the same.
 * Smaller buffers come from calloc: a huge page would be mostly empty.
 *
 * Contract: bigbuf_alloc returns n * size zeroed bytes (at least one)
 * aligned for any object, or NULL when out of memory or n * size
 * overflows; bigbuf_free(NULL) does nothing. A buffer is freed only with
 * bigbuf_free.
 */
#ifndef SHARPSIM_BIGBUF_H
#define SHARPSIM_BIGBUF_H

#include <stddef.h>

void *bigbuf_alloc(size_t n, size_t size);
void bigbuf_free(void *p);

#endif

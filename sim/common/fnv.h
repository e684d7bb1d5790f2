/*
 * fnv.h - 64-bit FNV-1a, the one hash of texts and bytes the simulator
 * uses: for the config hash and timing keys (whose values are part of its
 * outputs, so this function must never change) and for the open-addressed
 * sets of the sweep and the config memo. Not cryptographic.
 *
 * Chained: fnv1a_bytes(fnv1a_bytes(FNV1A_BASIS, a, n), b, m) is the hash of
 * a followed by b.
 */
#ifndef SHARPSIM_FNV_H
#define SHARPSIM_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_BASIS UINT64_C(14695981039346656037)
#define FNV1A_PRIME UINT64_C(1099511628211)

/* h extended by n bytes at p. */
static inline uint64_t fnv1a_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV1A_PRIME;
	return h;
}

/* h extended by the bytes of NUL-terminated s (not the NUL). */
static inline uint64_t fnv1a_str(uint64_t h, const char *s)
{
	for (const unsigned char *b = (const unsigned char *)s; *b; b++)
		h = (h ^ *b) * FNV1A_PRIME;
	return h;
}

#endif

/*
 * test_bigbuf.c - bigbuf_alloc hands out zeroed, writable buffers on both
 * of its paths (calloc below a megabyte, an aligned mapping from one),
 * a mapped buffer starts on a 2 MB boundary (where a huge page can back
 * it), an overflowing size is refused, and bigbuf_free takes each back.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "../sim/common/bigbuf.h"

/* A fresh buffer of n bytes reads zero (a byte a page, and the last), and
 * its first and last bytes can be written and read back. */
static void check_buffer(size_t n)
{
	unsigned char *p = bigbuf_alloc(n, 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % 16, 0);
	for (size_t i = 0; i < n; i += 4093)
		ck_assert_uint_eq(p[i], 0);
	ck_assert_uint_eq(p[n - 1], 0);
	p[n - 1] = 0x5a;
	p[0] = 0xa5; /* the same byte when n is 1 */
	ck_assert_uint_eq(p[0], 0xa5);
	ck_assert_uint_eq(p[n - 1], n > 1 ? 0x5a : 0xa5);
	if (n >= ((size_t)1 << 20))
		ck_assert_uint_eq((uintptr_t)p % ((size_t)2 << 20), 0);
	bigbuf_free(p);
}

START_TEST(both_paths)
{
	check_buffer(1);
	check_buffer(((size_t)1 << 20) - 1); /* calloc's largest */
	check_buffer((size_t)1 << 20);	     /* the mapping's smallest */
	check_buffer(((size_t)2 << 20) + 1); /* a second huge page, nearly empty */
	check_buffer((size_t)6 << 20);	     /* whole huge pages */
	/* zero items: one byte, as calloc(0) is not relied on */
	unsigned char *z = bigbuf_alloc(0, 1);
	ck_assert_ptr_nonnull(z);
	bigbuf_free(z);
	bigbuf_free(NULL);
}
END_TEST

START_TEST(overflow_refused)
{
	ck_assert_ptr_null(bigbuf_alloc(SIZE_MAX / 8, 16));
	ck_assert_ptr_null(bigbuf_alloc(SIZE_MAX, 1));
}
END_TEST

Suite *bigbuf_suite(void)
{
	Suite *s = suite_create("bigbuf");
	TCase *tc = tcase_create("alloc");
	tcase_add_test(tc, both_paths);
	tcase_add_test(tc, overflow_refused);
	suite_add_tcase(s, tc);
	return s;
}

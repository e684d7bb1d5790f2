#include "fixed.h"

#include <math.h>

int64_t fix_tree_sum(const int32_t *leaves, size_t n)
{
	int64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += leaves[i];
	return s;
}

int64_t fix_shift_rne(int64_t v, unsigned sh)
{
	if (sh == 0)
		return v;
	int64_t unit = INT64_C(1) << sh;
	/* floor division, portable for negative v */
	int64_t q = v / unit;
	int64_t r = v - q * unit;
	if (r < 0) {
		q--;
		r += unit;
	}
	int64_t half = unit / 2;
	if (r > half || (r == half && (q & 1)))
		q++;
	return q;
}

int64_t fix_from_double(double v, unsigned frac, unsigned bits)
{
	if (v != v)
		return 0;
	double x = ldexp(v, (int)frac);
	double lim = ldexp(1.0, (int)bits - 1);
	/* beyond the range the rounding cannot matter: clamp first so the
	 * integer conversion below cannot overflow */
	if (x >= lim)
		return fix_sat(INT64_MAX, bits);
	if (x <= -lim - 1.0)
		return fix_sat(INT64_MIN, bits);
	double fl = floor(x);
	double diff = x - fl; /* exact: x and fl share the binade's ulp or fl is smaller */
	int64_t r = (int64_t)fl;
	if (diff > 0.5 || (diff == 0.5 && (r & 1)))
		r++;
	return fix_sat(r, bits);
}

double fix_to_double(int64_t v, unsigned frac)
{
	return ldexp((double)v, -(int)frac);
}

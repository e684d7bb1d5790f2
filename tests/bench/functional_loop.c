/*
 * functional_loop.c - the baseline of scripts/bench-functional.sh: the MVMs
 * of one LSTM layer (W.x + U.h for 4H rows, every step) as a plain fp32 C
 * loop, no simulator. Prints MACs per host second (the best wall time of
 * REPEATS layers; the best CPU time beside it) for two loop shapes:
 *   sequential  s += w[k] * v[k] along each row (the textbook loop)
 *   tree        the products of 32-wide chunks added by adjacent pairs, the
 *               shape of a 32-leaf adder tree (more independent adds)
 * Usage: functional_loop HIDDEN INPUT STEPS [REPEATS]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* seconds on a clock: CLOCK_MONOTONIC (wall) or CLOCK_PROCESS_CPUTIME_ID
 * (this process's CPU, which a loaded machine inflates less) */
static double now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static float dot_seq(const float *w, const float *v, size_t n)
{
	float s = 0.0f;
	for (size_t k = 0; k < n; k++)
		s += w[k] * v[k];
	return s;
}

static float dot_tree(const float *w, const float *v, size_t n)
{
	float acc = 0.0f, p[32];
	for (size_t k0 = 0; k0 < n; k0 += 32) {
		size_t m = n - k0 < 32 ? n - k0 : 32;
		for (size_t k = 0; k < m; k++)
			p[k] = w[k0 + k] * v[k0 + k];
		for (; m > 1; m = (m + 1) / 2) {
			for (size_t i = 0; i < m / 2; i++)
				p[i] = p[2 * i] + p[2 * i + 1];
			if (m & 1)
				p[m / 2] = p[m - 1];
		}
		acc += p[0];
	}
	return acc;
}

/* One LSTM layer in float: returns a checksum so nothing is optimised out. */
static double layer(float (*dot)(const float *, const float *, size_t), const float *W, const float *U, const float *x,
		    size_t H, size_t I, size_t T)
{
	float *h = calloc(H, sizeof *h), *c = calloc(H, sizeof *c), *g = malloc(4 * H * sizeof *g);
	double sum = 0;
	for (size_t t = 0; t < T; t++) {
		for (size_t r = 0; r < 4 * H; r++)
			g[r] = dot(W + r * I, x + t * I, I) + dot(U + r * H, h, H);
		for (size_t j = 0; j < H; j++) {
			float i = 1 / (1 + expf(-g[j])), f = 1 / (1 + expf(-g[H + j]));
			float o = 1 / (1 + expf(-g[3 * H + j]));
			c[j] = f * c[j] + i * tanhf(g[2 * H + j]);
			h[j] = o * tanhf(c[j]);
			sum += h[j];
		}
	}
	free(h);
	free(c);
	free(g);
	return sum;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: functional_loop HIDDEN INPUT STEPS [REPEATS]\n");
		return 2;
	}
	size_t H = strtoul(argv[1], NULL, 10), I = strtoul(argv[2], NULL, 10), T = strtoul(argv[3], NULL, 10);
	int reps = argc > 4 ? atoi(argv[4]) : 20;
	float *W = malloc(4 * H * I * sizeof *W), *U = malloc(4 * H * H * sizeof *U), *x = malloc(T * I * sizeof *x);
	unsigned s = 1;
	for (size_t i = 0; i < 4 * H * I; i++)
		W[i] = ((s = s * 1103515245u + 12345u) >> 8) * 0x1p-24f - 0.5f;
	for (size_t i = 0; i < 4 * H * H; i++)
		U[i] = ((s = s * 1103515245u + 12345u) >> 8) * 0x1p-24f - 0.5f;
	for (size_t i = 0; i < T * I; i++)
		x[i] = ((s = s * 1103515245u + 12345u) >> 8) * 0x1p-24f - 0.5f;
	double macs = 4.0 * H * (I + H) * T;
	const char *names[2] = { "sequential", "tree" };
	float (*dots[2])(const float *, const float *, size_t) = { dot_seq, dot_tree };
	for (int d = 0; d < 2; d++) {
		double best = INFINITY, best_cpu = INFINITY, chk = 0;
		for (int r = 0; r < reps; r++) {
			double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
			chk += layer(dots[d], W, U, x, H, I, T);
			double dt = now(CLOCK_MONOTONIC) - t0, dc = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
			best = dt < best ? dt : best;
			best_cpu = dc < best_cpu ? dc : best_cpu;
		}
		printf("plain_fp32_%s_macs_per_s %.4g  (%.3f ns/MAC, cpu %.3f ns/MAC, best of %d, checksum %.3g)\n",
		       names[d], macs / best, best / macs * 1e9, best_cpu / macs * 1e9, reps, chk);
	}
	free(W);
	free(U);
	free(x);
	return 0;
}

/*
 * cli_compress.c - `sharpsim compress`: prune, quantize or codebook the
 * weight matrices of a .npy weights directory offline, write the
 * reconstructed weights and a JSON summary of their storage bytes (index
 * overhead included) and error; or, with --crossover, print where sparse
 * storage stops paying against dense for a tile shape.
 *
 * Order of operations: prune first, then quantize or codebook (one of the
 * two) the survivors. Everything is read and checked before anything is
 * written, so bad input leaves no output behind.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/afile.h"
#include "../common/json.h"
#include "../compress/cmp_codebook.h"
#include "../compress/cmp_prune.h"
#include "../compress/cmp_quant.h"
#include "../compress/cmp_store.h"
#include "../func/npy.h"
#include "cli.h"

static void compress_usage(FILE *f)
{
	fputs("usage: sharpsim compress --in DIR --out DIR [options]\n"
	      "       sharpsim compress --crossover ROWSxCOLS [--bits B] [--index-width N] [--ptr-width N]\n"
	      "                         [--block B] [--scale GROUP]\n"
	      "\n"
	      "Compresses W.npy and U.npy of a weights directory (the layout of a layer's\n"
	      "`weights:` directory) and writes them to --out as <f8 reconstructed values, the\n"
	      "other .npy files of DIR copied unchanged, and summary.json: non-zeros, error\n"
	      "against the input, and storage bytes in every layout with index overhead.\n"
	      "\n"
	      "pruning (first):\n"
	      "  --prune KIND       magnitude | block | row | ese\n"
	      "  --sparsity S       fraction of weights removed, in [0, 1)\n"
	      "  --block B          block edge of block pruning, per-block scales or\n"
	      "                     codebooks and the bsr layout (default 8)\n"
	      "  --units P          ese: processing units, rows interleaved (default 16)\n"
	      "quantization (then, one of):\n"
	      "  --bits B           16 | 8 | 4 | 2, symmetric, round to nearest even\n"
	      "  --scale GROUP      one fp32 scale per tensor | row | block (default row)\n"
	      "  --codebook KIND    kmeans | uniform shared values\n"
	      "  --index-bits N     codebook index width, 1..8 (default 4)\n"
	      "  --entries K        codebook entries (default 2^index-bits)\n"
	      "  --cb-group GROUP   one codebook per tensor | row | block (default row)\n"
	      "  --iters N          k-means iterations at most (default 30)\n"
	      "  --ratio R          NeuCompression-style preset: 5.3 | 8 | 16 (k-means,\n"
	      "                     6/4/2-bit indices, one codebook per 256x256 block)\n"
	      "storage accounting:\n"
	      "  --layout L         dense | bitmask | csr | csc | bsr: the layout whose bytes\n"
	      "                     are `stored` (default csr when pruned, else dense)\n"
	      "  --index-width N    bits of a sparse index (default 16)\n"
	      "  --ptr-width N      bits of a row/column pointer (default 32)\n"
	      "  --tile RxC         count bytes per tile of R x C (default the whole matrix)\n",
	      f);
}

typedef struct cargs {
	const char *in, *out, *crossover;
	bool prune;
	cmp_prune_cfg_t pr;
	size_t block;
	bool quant;
	cmp_quant_cfg_t q;
	bool codebook;
	cmp_codebook_cfg_t cb;
	bool entries_set;
	const char *ratio;
	bool layout_set;
	cmp_layout_t layout;
	unsigned index_width, ptr_width;
	size_t tile_r, tile_c;	 /* --tile; 0: the whole matrix */
	size_t cross_r, cross_c; /* --crossover */
	bool sparsity_set;
} cargs_t;

static int opt_double(const char *o, const char *v, double *out, sim_err_t *err)
{
	char *end;
	errno = 0;
	*out = strtod(v, &end);
	if (!*v || *end || errno)
		return sim_err(err, SIM_EINPUT, "option %s '%s': not a number, expected a decimal number", o, v);
	return SIM_OK;
}

static int opt_size(const char *o, const char *v, size_t lo, size_t hi, size_t *out, sim_err_t *err)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (!*v || *end || errno || *v == '-' || x < lo || x > hi)
		return sim_err(err, SIM_EINPUT, "option %s '%s': expected an integer from %zu to %zu", o, v, lo, hi);
	*out = (size_t)x;
	return SIM_OK;
}

static int opt_shape(const char *o, const char *v, size_t *r, size_t *c, sim_err_t *err)
{
	char *end;
	unsigned long long a = strtoull(v, &end, 10), b = 0;
	bool ok = end != v && *end == 'x';
	if (ok) {
		const char *p = end + 1;
		b = strtoull(p, &end, 10);
		ok = end != p && !*end;
	}
	if (!ok || a < 1 || b < 1 || a > (1u << 24) || b > (1u << 24) || *v == '-')
		return sim_err(err, SIM_EINPUT, "option %s '%s': expected ROWSxCOLS such as 64x64, each 1 to %u", o, v,
			       1u << 24);
	*r = (size_t)a;
	*c = (size_t)b;
	return SIM_OK;
}

/* Every option of this command takes a value. */
static bool known(const char *o)
{
	static const char *const OPTS[] = { "--in",	    "--out",	     "--crossover", "--prune", "--sparsity",
					    "--block",	    "--units",	     "--bits",	    "--scale", "--codebook",
					    "--index-bits", "--entries",     "--cb-group",  "--iters", "--ratio",
					    "--layout",	    "--index-width", "--ptr-width", "--tile" };
	for (size_t i = 0; i < sizeof OPTS / sizeof OPTS[0]; i++)
		if (!strcmp(o, OPTS[i]))
			return true;
	return false;
}

static int parse(int argc, char **argv, cargs_t *a, sim_err_t *err)
{
	size_t z;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (!known(o))
			return sim_err(err, SIM_EINPUT, "unknown option '%s', expected one of sharpsim compress --help",
				       o);
		if (i + 1 >= argc)
			return sim_err(err, SIM_EINPUT, "option %s: missing value, expected %s VALUE", o, o);
		const char *v = argv[++i];
		int rc = SIM_OK;
		if (!strcmp(o, "--in")) {
			a->in = v;
		} else if (!strcmp(o, "--out")) {
			a->out = v;
		} else if (!strcmp(o, "--crossover")) {
			a->crossover = v;
			rc = opt_shape(o, v, &a->cross_r, &a->cross_c, err);
		} else if (!strcmp(o, "--prune")) {
			a->prune = true;
			if (cmp_prune_parse(v, &a->pr.kind))
				rc = sim_err(
					err, SIM_EINPUT,
					"option --prune '%s': unknown method, expected magnitude, block, row or ese",
					v);
		} else if (!strcmp(o, "--sparsity")) {
			a->sparsity_set = true;
			if (!(rc = opt_double(o, v, &a->pr.sparsity, err)) &&
			    !(a->pr.sparsity >= 0 && a->pr.sparsity < 1))
				rc = sim_err(err, SIM_EINPUT,
					     "option --sparsity '%s': outside [0, 1), expected a fraction "
					     "of weights to remove such as 0.9",
					     v);
		} else if (!strcmp(o, "--block")) {
			rc = opt_size(o, v, 1, 1u << 20, &a->block, err);
		} else if (!strcmp(o, "--units")) {
			rc = opt_size(o, v, 1, 1u << 20, &a->pr.units, err);
		} else if (!strcmp(o, "--bits")) {
			a->quant = true;
			if (!(rc = opt_size(o, v, 0, 64, &z, err)) && z != 16 && z != 8 && z != 4 && z != 2)
				rc = sim_err(err, SIM_EINPUT,
					     "option --bits '%s': bit width not supported, expected 16, 8, 4 or 2", v);
			a->q.bits = (unsigned)z;
		} else if (!strcmp(o, "--scale")) {
			if (cmp_group_parse(v, &a->q.group) || a->q.group == CMP_GROUP_NONE)
				rc = sim_err(err, SIM_EINPUT,
					     "option --scale '%s': unknown group, expected tensor, row or block", v);
		} else if (!strcmp(o, "--codebook")) {
			a->codebook = true;
			if (cmp_codebook_kind_parse(v, &a->cb.kind))
				rc = sim_err(err, SIM_EINPUT,
					     "option --codebook '%s': unknown kind, expected kmeans or uniform", v);
		} else if (!strcmp(o, "--index-bits")) {
			rc = opt_size(o, v, 1, CMP_CB_MAX_INDEX_BITS, &z, err);
			a->cb.index_bits = (unsigned)z;
		} else if (!strcmp(o, "--entries")) {
			a->entries_set = true;
			rc = opt_size(o, v, 1, 1u << 16, &a->cb.entries, err);
		} else if (!strcmp(o, "--cb-group")) {
			if (cmp_group_parse(v, &a->cb.group) || a->cb.group == CMP_GROUP_NONE)
				rc = sim_err(err, SIM_EINPUT,
					     "option --cb-group '%s': unknown group, expected tensor, row or block", v);
		} else if (!strcmp(o, "--iters")) {
			rc = opt_size(o, v, 1, 10000, &z, err);
			a->cb.iters = (unsigned)z;
		} else if (!strcmp(o, "--ratio")) {
			a->ratio = v;
			a->codebook = true;
			rc = cmp_codebook_preset(v, &a->cb, err);
			if (rc)
				sim_err_prefix(err, "option --ratio: ");
		} else if (!strcmp(o, "--layout")) {
			a->layout_set = true;
			if (cmp_layout_parse(v, &a->layout))
				rc = sim_err(
					err, SIM_EINPUT,
					"option --layout '%s': unknown layout, expected dense, bitmask, csr, csc or bsr",
					v);
		} else if (!strcmp(o, "--index-width")) {
			rc = opt_size(o, v, 1, 32, &z, err);
			a->index_width = (unsigned)z;
		} else if (!strcmp(o, "--ptr-width")) {
			rc = opt_size(o, v, 1, 32, &z, err);
			a->ptr_width = (unsigned)z;
		} else { /* --tile: known() admitted nothing else */
			rc = opt_shape(o, v, &a->tile_r, &a->tile_c, err);
		}
		if (rc)
			return rc;
	}
	if (a->prune != a->sparsity_set)
		return sim_err(err, SIM_EINPUT,
			       "option %s without %s, expected --prune METHOD and --sparsity S together",
			       a->prune ? "--prune" : "--sparsity", a->prune ? "--sparsity" : "--prune");
	if (a->quant && a->codebook)
		return sim_err(err, SIM_EINPUT,
			       "options --bits and --codebook/--ratio exclude each other, expected one");
	if (!a->entries_set && !a->ratio)
		a->cb.entries = (size_t)1 << a->cb.index_bits;
	a->pr.block = a->block;
	a->q.block = a->block;
	if (!a->ratio)
		a->cb.block = a->block;
	if (a->codebook) {
		int rc = cmp_codebook_check(&a->cb, err);
		if (rc) {
			sim_err_prefix(err, "option --entries/--index-bits: ");
			return rc;
		}
	}
	if (!a->crossover && (!a->in || !a->out))
		return sim_err(err, SIM_EINPUT,
			       "missing --in DIR or --out DIR, expected both (or --crossover ROWSxCOLS)");
	return SIM_OK;
}

/* The storage format the options describe, in layout l. */
static cmp_store_cfg_t store_cfg(const cargs_t *a, cmp_layout_t l)
{
	cmp_store_cfg_t s = {
		.layout = l, .value_bits = 16, .index_bits = a->index_width, .ptr_bits = a->ptr_width, .block = a->block
	};
	if (a->quant) {
		s.value_bits = a->q.bits;
		s.side = CMP_SIDE_SCALE;
		s.group = a->q.group;
		s.group_block = a->q.block;
		s.scale_bits = 32;
	} else if (a->codebook) {
		s.value_bits = a->cb.index_bits;
		s.side = CMP_SIDE_CODEBOOK;
		s.group = a->cb.group;
		s.group_block = a->cb.block;
		s.entries = a->cb.entries;
		s.entry_bits = CMP_CB_ENTRY_BITS;
	}
	return s;
}

/* The fraction of a tile's weights below which layout l is no larger than
 * dense at the same value width, or -1 when it never is. */
static double crossover_density(const cargs_t *a, cmp_layout_t l, size_t rows, size_t cols)
{
	cmp_store_cfg_t sp = store_cfg(a, l), de = store_cfg(a, CMP_LAYOUT_DENSE);
	sim_err_t e;
	if (cmp_store_check(&sp, rows, cols, &e))
		return -1;
	long long n = cmp_store_crossover(&sp, &de, rows, cols);
	if (n < 0)
		return -1;
	double cells = l == CMP_LAYOUT_BSR
			       ? (double)(((rows + a->block - 1) / a->block) * ((cols + a->block - 1) / a->block))
			       : (double)(rows * cols);
	return (double)n / cells;
}

static int crossover_report(const cargs_t *a, sim_err_t *err)
{
	size_t R = a->cross_r, C = a->cross_c;
	for (int l = CMP_LAYOUT_BITMASK; l <= CMP_LAYOUT_BSR; l++) {
		cmp_store_cfg_t s = store_cfg(a, (cmp_layout_t)l);
		int rc = cmp_store_check(&s, R, C, err);
		if (rc) {
			sim_err_prefix(err, "%s layout: ", cmp_layout_name((cmp_layout_t)l));
			return rc;
		}
	}
	cmp_store_cfg_t d = store_cfg(a, CMP_LAYOUT_DENSE);
	printf("storage of a %zux%zu tile: %u-bit values%s, %u-bit indices, %u-bit pointers, bsr blocks %zux%zu\n", R,
	       C, d.value_bits, a->quant ? " + fp32 scales" : "", a->index_width, a->ptr_width, a->block, a->block);
	printf("density   dense bitmask     csr     csc     bsr   (bytes; bsr with whole blocks non-zero)\n");
	static const double dens[] = { 0.01, 0.05, 0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 1.00 };
	size_t nb = ((R + a->block - 1) / a->block) * ((C + a->block - 1) / a->block);
	for (size_t i = 0; i < sizeof dens / sizeof dens[0]; i++) {
		size_t nnz = (size_t)llround(dens[i] * (double)(R * C));
		size_t nzb = (size_t)llround(dens[i] * (double)nb);
		printf("%7.2f", dens[i]);
		for (int l = CMP_LAYOUT_DENSE; l <= CMP_LAYOUT_BSR; l++) {
			cmp_store_cfg_t s = store_cfg(a, (cmp_layout_t)l);
			cmp_tile_count_t n = l == CMP_LAYOUT_BSR ? (cmp_tile_count_t){ nzb * a->block * a->block, nzb }
								 : (cmp_tile_count_t){ nnz, 0 };
			printf(" %7llu", (unsigned long long)cmp_store_bytes(&s, R, C, n));
		}
		printf("\n");
	}
	printf("sparse storage costs more than dense above these densities:\n");
	for (int l = CMP_LAYOUT_BITMASK; l <= CMP_LAYOUT_BSR; l++) {
		double x = crossover_density(a, (cmp_layout_t)l, R, C);
		if (x < 0)
			printf("  %-8s never pays (larger than dense even when empty)\n",
			       cmp_layout_name((cmp_layout_t)l));
		else
			printf("  %-8s %.4f%s\n", cmp_layout_name((cmp_layout_t)l), x,
			       l == CMP_LAYOUT_BSR ? " (of blocks)" : "");
	}
	return SIM_OK;
}

typedef struct mat {
	const char *name;
	char path[1100];
	npy_array_t orig;
	double *w;
	size_t rows, cols;
	size_t nnz, scales;
} mat_t;

static int load(const cargs_t *a, mat_t *m, bool *found, sim_err_t *err)
{
	snprintf(m->path, sizeof m->path, "%s/%s.npy", a->in, m->name);
	struct stat sb;
	*found = stat(m->path, &sb) == 0;
	if (!*found)
		return SIM_OK;
	int rc = cli_read_npy(m->path, &m->orig, err);
	if (rc)
		return rc;
	if (m->orig.ndim != 2) {
		char sh[128];
		return sim_err(err, SIM_EINPUT, "%s: shape %s, expected a 2-D weight matrix (rows, cols)", m->path,
			       npy_shape_str(m->orig.ndim, m->orig.shape, sh, sizeof sh));
	}
	m->rows = m->orig.shape[0];
	m->cols = m->orig.shape[1];
	if (m->rows == 0 || m->cols == 0)
		return sim_err(err, SIM_EINPUT, "%s: empty matrix, expected at least one weight", m->path);
	m->w = malloc(m->rows * m->cols * sizeof *m->w);
	if (!m->w)
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", m->path);
	memcpy(m->w, m->orig.data, m->rows * m->cols * sizeof *m->w);
	return SIM_OK;
}

static int transform(const cargs_t *a, mat_t *m, sim_err_t *err)
{
	int rc = SIM_OK;
	if (a->prune)
		rc = cmp_prune(&a->pr, m->w, m->rows, m->cols, NULL, err);
	if (!rc && a->quant)
		rc = cmp_quantize(&a->q, m->w, m->rows, m->cols, NULL, err);
	if (!rc && a->codebook)
		rc = cmp_codebook_apply(&a->cb, m->w, m->rows, m->cols, NULL, NULL, err);
	if (rc) {
		sim_err_prefix(err, "%s: ", m->path);
		return rc;
	}
	m->nnz = cmp_count_nnz(m->w, m->rows, m->cols);
	return SIM_OK;
}

static void json_num(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.17g", x);
	else
		fputs("null", f);
}

static void summary_matrix(FILE *f, const cargs_t *a, const mat_t *m, size_t tr, size_t tc)
{
	double d = 0.0, r = 0.0, mx = 0.0;
	size_t n = m->rows * m->cols;
	for (size_t i = 0; i < n; i++) {
		double e = m->w[i] - m->orig.data[i];
		d += e * e;
		r += m->orig.data[i] * m->orig.data[i];
		mx = fmax(mx, fabs(e));
	}
	fprintf(f, "    {\"name\": ");
	json_write_string(f, m->name);
	fprintf(f, ", \"shape\": [%zu, %zu], \"nnz\": %zu, \"density\": ", m->rows, m->cols, m->nnz);
	json_num(f, (double)m->nnz / (double)n);
	fprintf(f, ",\n     \"error\": {\"rel_fro\": ");
	json_num(f, r > 0 ? sqrt(d) / sqrt(r) : (d > 0 ? INFINITY : 0.0));
	fprintf(f, ", \"max_abs\": ");
	json_num(f, mx);
	cmp_store_cfg_t fp32 = { .layout = CMP_LAYOUT_DENSE, .value_bits = 32 };
	cmp_store_cfg_t fp16 = { .layout = CMP_LAYOUT_DENSE, .value_bits = 16 };
	uint64_t b32 = cmp_store_matrix_bytes(&fp32, m->w, m->rows, m->cols, tr, tc);
	uint64_t b16 = cmp_store_matrix_bytes(&fp16, m->w, m->rows, m->cols, tr, tc);
	cmp_layout_t chosen = a->layout_set ? a->layout : a->prune ? CMP_LAYOUT_CSR : CMP_LAYOUT_DENSE;
	cmp_store_cfg_t cs = store_cfg(a, chosen);
	uint64_t st = cmp_store_matrix_bytes(&cs, m->w, m->rows, m->cols, tr, tc);
	fprintf(f,
		"},\n     \"bytes\": {\"fp32\": %llu, \"fp16\": %llu, \"layout\": \"%s\", \"stored\": %llu, "
		"\"ratio_vs_fp16\": ",
		(unsigned long long)b32, (unsigned long long)b16, cmp_layout_name(chosen), (unsigned long long)st);
	json_num(f, (double)b16 / (double)st);
	fprintf(f, ", \"ratio_vs_fp32\": ");
	json_num(f, (double)b32 / (double)st);
	fprintf(f, ",\n               \"by_layout\": {");
	for (int l = CMP_LAYOUT_DENSE; l <= CMP_LAYOUT_BSR; l++) {
		cmp_store_cfg_t s = store_cfg(a, (cmp_layout_t)l);
		sim_err_t e;
		fprintf(f, "%s\"%s\": ", l ? ", " : "", cmp_layout_name((cmp_layout_t)l));
		if (cmp_store_check(&s, tr, tc, &e))
			fputs("null", f);
		else
			fprintf(f, "%llu",
				(unsigned long long)cmp_store_matrix_bytes(&s, m->w, m->rows, m->cols, tr, tc));
	}
	fprintf(f, "}},\n     \"tile\": [%zu, %zu], \"sparse_pays_below_density\": {", tr, tc);
	for (int l = CMP_LAYOUT_BITMASK; l <= CMP_LAYOUT_BSR; l++) {
		double x = crossover_density(a, (cmp_layout_t)l, tr, tc);
		fprintf(f, "%s\"%s\": ", l > CMP_LAYOUT_BITMASK ? ", " : "", cmp_layout_name((cmp_layout_t)l));
		json_num(f, x < 0 ? NAN : x);
	}
	fprintf(f, "}}");
}

static int copy_file(const char *from, const char *to, sim_err_t *err)
{
	FILE *in = fopen(from, "rb");
	if (!in)
		return sim_err(err, SIM_EIO, "%s: cannot open: %s", from, strerror(errno));
	afile_t *out = afile_open(to, err);
	if (!out) {
		fclose(in);
		return err->code;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, afile_stream(out));
	bool bad = ferror(in);
	fclose(in);
	if (bad) {
		afile_abort(out);
		return sim_err(err, SIM_EIO, "%s: read error", from);
	}
	return afile_commit(out, err);
}

/* Copies every .npy of the input directory other than the matrices. */
static int copy_rest(const cargs_t *a, sim_err_t *err)
{
	DIR *d = opendir(a->in);
	if (!d)
		return sim_err(err, SIM_EIO, "%s: cannot read the directory", a->in);
	struct dirent *e;
	int rc = SIM_OK;
	while (!rc && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".npy") || !strcmp(e->d_name, "W.npy") ||
		    !strcmp(e->d_name, "U.npy"))
			continue;
		char from[1100], to[1100];
		snprintf(from, sizeof from, "%s/%s", a->in, e->d_name);
		snprintf(to, sizeof to, "%s/%s", a->out, e->d_name);
		rc = copy_file(from, to, err);
	}
	closedir(d);
	return rc;
}

static int run(const cargs_t *a, sim_err_t *err)
{
	mat_t m[2] = { { .name = "W" }, { .name = "U" } };
	bool have[2];
	int rc = SIM_OK;
	struct stat sb;
	if (stat(a->in, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		rc = sim_err(err, SIM_EINPUT, "%s: no such directory, expected a weights directory with W.npy or U.npy",
			     a->in);
		goto out;
	}
	for (int i = 0; i < 2 && !rc; i++)
		rc = load(a, &m[i], &have[i], err);
	if (!rc && !have[0] && !have[1])
		rc = sim_err(err, SIM_EINPUT, "%s: neither W.npy nor U.npy found, expected a weights directory", a->in);
	for (int i = 0; i < 2 && !rc; i++) {
		if (!have[i])
			continue;
		size_t tr = a->tile_r ? a->tile_r : m[i].rows, tc = a->tile_c ? a->tile_c : m[i].cols;
		cmp_layout_t chosen = a->layout_set ? a->layout : a->prune ? CMP_LAYOUT_CSR : CMP_LAYOUT_DENSE;
		cmp_store_cfg_t cs = store_cfg(a, chosen);
		if ((rc = cmp_store_check(&cs, tr < m[i].rows ? tr : m[i].rows, tc < m[i].cols ? tc : m[i].cols,
					  err))) {
			sim_err_prefix(err, "%s: %s layout: ", m[i].path, cmp_layout_name(chosen));
			break;
		}
		rc = transform(a, &m[i], err);
	}
	if (rc)
		goto out;
	if (mkdir(a->out, 0777) != 0 && errno != EEXIST) {
		rc = sim_err(err, SIM_EIO, "%s: cannot create the directory: %s", a->out, strerror(errno));
		goto out;
	}
	for (int i = 0; i < 2 && !rc; i++) {
		if (!have[i])
			continue;
		char path[1100];
		snprintf(path, sizeof path, "%s/%s.npy", a->out, m[i].name);
		rc = npy_write(path, NPY_F8, 2, m[i].orig.shape, m[i].w, err);
	}
	if (!rc)
		rc = copy_rest(a, err);
	if (rc)
		goto out;
	char spath[1100];
	snprintf(spath, sizeof spath, "%s/summary.json", a->out);
	afile_t *f = afile_open(spath, err);
	if (!f) {
		rc = err->code;
		goto out;
	}
	FILE *s = afile_stream(f);
	fprintf(s, "{\"input\": ");
	json_write_string(s, a->in);
	fprintf(s, ",\n \"prune\": ");
	if (a->prune)
		fprintf(s, "{\"method\": \"%s\", \"sparsity\": %.17g, \"block\": %zu, \"units\": %zu}",
			cmp_prune_name(a->pr.kind), a->pr.sparsity, a->pr.block, a->pr.units);
	else
		fputs("null", s);
	fprintf(s, ",\n \"quantize\": ");
	if (a->quant)
		fprintf(s,
			"{\"bits\": %u, \"scale\": \"%s\", \"block\": %zu, \"scale_bits\": 32, \"rounding\": \"nearest-even\"}",
			a->q.bits, cmp_group_name(a->q.group), a->q.block);
	else
		fputs("null", s);
	fprintf(s, ",\n \"codebook\": ");
	if (a->codebook)
		fprintf(s,
			"{\"kind\": \"%s\", \"index_bits\": %u, \"entries\": %zu, \"group\": \"%s\", \"block\": %zu, "
			"\"entry_bits\": %d, \"iters\": %u, \"ratio_preset\": %s%s%s}",
			cmp_codebook_kind_name(a->cb.kind), a->cb.index_bits, a->cb.entries,
			cmp_group_name(a->cb.group), a->cb.block, CMP_CB_ENTRY_BITS, a->cb.iters, a->ratio ? "\"" : "",
			a->ratio ? a->ratio : "null", a->ratio ? "\"" : "");
	else
		fputs("null", s);
	fprintf(s, ",\n \"index_bits\": %u, \"ptr_bits\": %u, \"bsr_block\": %zu,\n \"matrices\": [\n", a->index_width,
		a->ptr_width, a->block);
	bool first = true;
	for (int i = 0; i < 2; i++) {
		if (!have[i])
			continue;
		if (!first)
			fprintf(s, ",\n");
		first = false;
		summary_matrix(s, a, &m[i], a->tile_r ? a->tile_r : m[i].rows, a->tile_c ? a->tile_c : m[i].cols);
	}
	fprintf(s, "\n ]}\n");
	rc = afile_commit(f, err);
out:
	for (int i = 0; i < 2; i++) {
		npy_free(&m[i].orig);
		free(m[i].w);
	}
	return rc;
}

int cli_compress(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			compress_usage(stdout);
			return 0;
		}
	cargs_t a = { .pr = { .kind = CMP_PRUNE_MAGNITUDE, .units = 16 },
		      .block = 8,
		      .q = { .bits = 8, .group = CMP_GROUP_ROW },
		      .cb = { .kind = CMP_CB_KMEANS, .index_bits = 4, .group = CMP_GROUP_ROW, .iters = 30 },
		      .index_width = 16,
		      .ptr_width = 32 };
	sim_err_t err = { 0 };
	int rc = parse(argc, argv, &a, &err);
	if (!rc)
		rc = a.crossover ? crossover_report(&a, &err) : run(&a, &err);
	if (rc)
		cli_error(&err);
	return cli_exit_status(rc);
}

/*
 * cmp_quant.c - groups and symmetric b-bit quantization (cmp_quant.h).
 */
#include "cmp_quant.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const GROUP_NAMES[] = { "none", "tensor", "row", "block" };

const char *cmp_group_name(cmp_group_t g)
{
	return (unsigned)g < 4 ? GROUP_NAMES[g] : "?";
}

int cmp_group_parse(const char *s, cmp_group_t *out)
{
	for (unsigned g = 0; g < 4; g++)
		if (!strcmp(s, GROUP_NAMES[g])) {
			*out = (cmp_group_t)g;
			return 0;
		}
	return -1;
}

size_t cmp_group_count(cmp_group_t g, size_t block, size_t rows, size_t cols)
{
	switch (g) {
	case CMP_GROUP_NONE:
		return 0;
	case CMP_GROUP_TENSOR:
		return 1;
	case CMP_GROUP_ROW:
		return rows;
	case CMP_GROUP_BLOCK:
		return ((rows + block - 1) / block) * ((cols + block - 1) / block);
	}
	return 0;
}

size_t cmp_group_of(cmp_group_t g, size_t block, size_t cols, size_t r, size_t c)
{
	switch (g) {
	case CMP_GROUP_ROW:
		return r;
	case CMP_GROUP_BLOCK:
		return (r / block) * ((cols + block - 1) / block) + c / block;
	default:
		return 0;
	}
}

int cmp_quant_check(const cmp_quant_cfg_t *cfg, sim_err_t *err)
{
	if (cfg->bits != 16 && cfg->bits != 8 && cfg->bits != 4 && cfg->bits != 2)
		return sim_err(err, SIM_EINPUT, "bit width %u is not supported, expected 16, 8, 4 or 2", cfg->bits);
	if (cfg->group == CMP_GROUP_NONE)
		return sim_err(err, SIM_EINPUT, "quantization needs a scale group, expected tensor, row or block");
	if (cfg->group == CMP_GROUP_BLOCK && cfg->block == 0)
		return sim_err(err, SIM_EINPUT, "block size 0, expected a block edge of at least 1");
	return SIM_OK;
}

int cmp_quantize(const cmp_quant_cfg_t *cfg, double *w, size_t rows, size_t cols, double *scales, sim_err_t *err)
{
	int rc = cmp_quant_check(cfg, err);
	if (rc)
		return rc;
	size_t ng = cmp_group_count(cfg->group, cfg->block, rows, cols);
	double *mx = calloc(ng ? ng : 1, sizeof *mx);
	if (!mx)
		return sim_err(err, SIM_ENOMEM, "out of memory for %zu scales", ng);
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			size_t g = cmp_group_of(cfg->group, cfg->block, cols, r, c);
			mx[g] = fmax(mx[g], fabs(w[r * cols + c]));
		}
	double qmax = (double)((1u << (cfg->bits - 1)) - 1);
	for (size_t g = 0; g < ng; g++)
		mx[g] = (double)(float)(mx[g] / qmax);
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			double s = mx[cmp_group_of(cfg->group, cfg->block, cols, r, c)];
			double *v = &w[r * cols + c];
			if (s == 0.0) {
				*v = 0.0;
				continue;
			}
			double q = nearbyint(*v / s);
			*v = fmin(fmax(q, -qmax), qmax) * s;
		}
	if (scales)
		memcpy(scales, mx, ng * sizeof *mx);
	free(mx);
	return SIM_OK;
}

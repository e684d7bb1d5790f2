/*
 * onnx_check.h - an ONNX backend test case (model.onnx + test_data_set_N
 * with input_<k>.pb and output_<k>.pb TensorProtos) against a functional
 * run's dumped outputs, within a tolerance derived from the datapath's
 * number formats (docs/onnx.md, "Tolerance").
 *
 * The tolerance is an a-priori forward error bound, not a tuned constant:
 * per step, the rounding points of docs/numerics.md §5 (weights, x and h
 * rounded to the data format D with unit roundoff u: 2^-11 fp16, 2^-8 bf16,
 * 2^-24 fp32;
 * fp32 sums with n terms off by at most n * 2^-24 of the sum of their
 * magnitudes; gate outputs rounded to D; sigmoid 1/4- and tanh
 * 1-Lipschitz) are propagated through the recurrence as a scalar bound per
 * step (the maximum over rows and sequences), from the model's own weight
 * and input magnitudes. The reference outputs were computed in float32, so
 * the same bound with u = 2^-24 is added for them. It assumes exact
 * activations and no overflow; fixed-point and pwl configurations are
 * refused rather than checked against a bound that does not cover them.
 */
#ifndef SHARPSIM_ONNX_CHECK_H
#define SHARPSIM_ONNX_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../config/hw_cfg.h"
#include "onnx_import.h"

typedef struct onnx_check_result {
	size_t values;		 /* compared */
	double max_err;		 /* max |got - expected| */
	double max_ratio;	 /* max |got - expected| / tolerance: pass iff <= 1 */
	double tol_min, tol_max; /* the tolerances used (over steps) */
	bool pass;
	char worst[512]; /* the worst value: output, index, got, expected, tolerance */
} onnx_check_result_t;

/* Compares each graph output of m with data_dir/output_<k>.pb, reading the
 * run's dump_dir/layer<l>_h.npy and layer<l>_c.npy. SIM_EINPUT when a file
 * is missing or malformed, or the configuration's numerics are outside
 * what the bound covers; SIM_OK otherwise, with res->pass the verdict. */
int onnx_check_outputs(const onnx_model_t *m, const char *data_dir, const char *dump_dir, const hw_cfg_t *hw,
		       onnx_check_result_t *res, sim_err_t *err);

#endif

#include "cellmath.h"

#include <stdlib.h>

#include "../arith/fixed.h"
#include "../arith/fp.h"

struct cm {
	prec_mul_t mul;
	unsigned df, wf, acc_bits, S;
	act_t *act;
	act_spec_t role[CM_ROLES]; /* the layer's f, g, h (cm_set_acts) */
};

cm_t *cm_create(const precision_cfg_t *p, const act_cfg_t *a, sim_err_t *err)
{
	bool fixed = p->mul == PREC_FIX16X8 || p->mul == PREC_FIX16X16;
	if (fixed) {
		unsigned wmax = p->mul == PREC_FIX16X8 ? 7 : 15;
		if (p->data_frac > 14 || p->weight_frac > wmax || p->acc_bits < 16 || p->acc_bits > 32) {
			sim_err(err, SIM_EINPUT,
				"precision: data_frac %u, weight_frac %u, acc_bits %u out of range, "
				"expected data_frac <= 14, weight_frac <= %u, acc_bits 16..32",
				p->data_frac, p->weight_frac, p->acc_bits, wmax);
			return NULL;
		}
	}
	cm_t *cm = calloc(1, sizeof *cm);
	if (!cm) {
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	cm->mul = p->mul;
	cm->df = p->data_frac;
	cm->wf = p->weight_frac;
	cm->acc_bits = p->acc_bits;
	cm->S = cm->df + cm->wf;
	cm->role[CM_ROLE_F] = act_default(ACT_SIGMOID);
	cm->role[CM_ROLE_G] = act_default(ACT_TANH);
	cm->role[CM_ROLE_H] = act_default(ACT_TANH);
	cm->act = act_create(a);
	if (!cm->act) {
		free(cm);
		sim_err(err, SIM_EINPUT, "activation: pwl needs segments >= 1 and range > 0");
		return NULL;
	}
	return cm;
}

void cm_destroy(cm_t *cm)
{
	if (!cm)
		return;
	act_destroy(cm->act);
	free(cm);
}

void cm_set_acts(cm_t *cm, const act_spec_t role[CM_ROLES])
{
	for (int r = 0; r < CM_ROLES; r++)
		cm->role[r] = role[r];
}

bool cm_is_fixed(const cm_t *cm)
{
	return cm->mul == PREC_FIX16X8 || cm->mul == PREC_FIX16X16;
}

/* ---- format primitives of the floating-point modes ---- */

static uint32_t widen(const cm_t *cm, uint32_t d)
{
	return cm->mul == PREC_FP16   ? arith_f16_to_f32((uint16_t)d)
	       : cm->mul == PREC_BF16 ? arith_bf16_to_f32((uint16_t)d)
				      : d;
}

static uint32_t rnd(const cm_t *cm, uint32_t x)
{
	return cm->mul == PREC_FP16 ? arith_f32_to_f16(x) : cm->mul == PREC_BF16 ? arith_f32_to_bf16(x) : x;
}

static uint32_t rndd(const cm_t *cm, double v)
{
	return cm->mul == PREC_FP16   ? arith_double_to_f16(v)
	       : cm->mul == PREC_BF16 ? arith_double_to_bf16(v)
				      : arith_double_to_f32(v);
}

static uint32_t mul(const cm_t *cm, uint32_t a, uint32_t b)
{
	return cm->mul == PREC_FP16   ? arith_f16_mul((uint16_t)a, (uint16_t)b)
	       : cm->mul == PREC_BF16 ? arith_bf16_mul((uint16_t)a, (uint16_t)b)
				      : arith_f32_mul(a, b);
}

/* ---- fixed-point words ---- */

static int16_t d16(uint32_t w)
{
	return (int16_t)(uint16_t)w; /* two's complement low half */
}

static uint32_t w16(int64_t v)
{
	return (uint16_t)(int16_t)fix_sat(v, 16);
}

static int32_t s32(uint32_t w)
{
	return (int32_t)w;
}

/* ---- quantizers ---- */

uint32_t cm_data(const cm_t *cm, double v)
{
	return cm_is_fixed(cm) ? w16(fix_from_double(v, cm->df, 16)) : rndd(cm, v);
}

uint32_t cm_weight(const cm_t *cm, double v)
{
	if (cm->mul == PREC_FIX16X8)
		return fix_w8_field(fix_from_double8(v, cm->wf));
	if (cm->mul == PREC_FIX16X16)
		return w16(fix_from_double(v, cm->wf, 16));
	return rndd(cm, v);
}

void cm_weights(const cm_t *cm, const double *src, size_t n, uint32_t *dst)
{
	switch (cm->mul) {
	case PREC_FP16:
		for (size_t i = 0; i < n; i++)
			dst[i] = arith_double_to_f16(src[i]);
		break;
	case PREC_BF16:
		for (size_t i = 0; i < n; i++)
			dst[i] = arith_double_to_bf16(src[i]);
		break;
	default:
		for (size_t i = 0; i < n; i++)
			dst[i] = cm_weight(cm, src[i]);
		break;
	}
}

uint32_t cm_bias(const cm_t *cm, double v)
{
	return cm_is_fixed(cm) ? (uint32_t)(int32_t)fix_from_double(v, cm->S, cm->acc_bits) : arith_double_to_f32(v);
}

uint32_t cm_state(const cm_t *cm, double v)
{
	return cm_is_fixed(cm) ? (uint32_t)(int32_t)fix_from_double(v, cm->df, 32) : arith_double_to_f32(v);
}

double cm_data_value(const cm_t *cm, uint32_t w)
{
	return cm_is_fixed(cm) ? fix_to_double(d16(w), cm->df) : arith_f32_to_double(widen(cm, w));
}

double cm_state_value(const cm_t *cm, uint32_t c)
{
	return cm_is_fixed(cm) ? fix_to_double(s32(c), cm->df) : arith_f32_to_double(c);
}

uint32_t cm_sum_zero(const cm_t *cm)
{
	(void)cm;
	return 0; /* +0.0f and integer 0 share the pattern */
}

/* ---- per element ---- */

uint32_t cm_pre(const cm_t *cm, uint32_t sum, uint32_t bias)
{
	if (cm_is_fixed(cm))
		return (uint32_t)fix_acc_add(s32(sum), s32(bias), cm->acc_bits);
	return arith_f32_add(sum, bias);
}

/* Role r's function of x. */
static double role_eval(const cm_t *cm, cm_role_t r, double x)
{
	return act_eval_spec(cm->act, &cm->role[r], x);
}

uint32_t cm_act(const cm_t *cm, cm_role_t r, uint32_t pre)
{
	if (cm_is_fixed(cm))
		return w16(fix_from_double(role_eval(cm, r, fix_to_double(s32(pre), cm->S)), cm->df, 16));
	return rndd(cm, role_eval(cm, r, arith_f32_to_double(pre)));
}

uint32_t cm_gate(const cm_t *cm, cm_role_t r, uint32_t sum, uint32_t bias)
{
	return cm_act(cm, r, cm_pre(cm, sum, bias));
}

uint32_t cm_narrow(const cm_t *cm, uint32_t pre)
{
	/* The sum is at 2^-S, data at 2^-df: drop weight_frac bits, once. */
	if (cm_is_fixed(cm))
		return w16(fix_shift_rne(s32(pre), cm->wf));
	return rnd(cm, pre);
}

void cm_softmax(const cm_t *cm, const uint32_t *z, size_t k, size_t kc, uint32_t *scratch, uint32_t *p)
{
	size_t im = 0;
	for (size_t j = 1; j < k; j++)
		if (cm_data_value(cm, z[j]) > cm_data_value(cm, z[im]))
			im = j;
	/* data words widen to fp32 exactly; -m is m with its sign flipped */
	uint32_t neg_m = arith_double_to_f32(cm_data_value(cm, z[im])) ^ UINT32_C(0x80000000);
	for (size_t j = 0; j < k; j++) {
		uint32_t pre = arith_f32_add(arith_double_to_f32(cm_data_value(cm, z[j])), neg_m);
		p[j] = rndd(cm, act_exp_neg(cm->act, arith_f32_to_double(pre))); /* e_j, for now */
	}
	uint32_t one = cm_weight(cm, 1.0), sum = 0; /* +0 */
	for (size_t c0 = 0; c0 < k; c0 += kc) {
		for (size_t i = 0; i < kc; i++)
			scratch[i] = c0 + i < k ? mul(cm, p[c0 + i], one) : 0;
		for (size_t w = kc; w > 1; w /= 2)
			for (size_t i = 0; i < w / 2; i++)
				scratch[i] = arith_f32_add(scratch[2 * i], scratch[2 * i + 1]);
		sum = arith_f32_add(sum, scratch[0]);
	}
	uint32_t r = rndd(cm, 1.0 / arith_f32_to_double(sum));
	for (size_t j = 0; j < k; j++)
		p[j] = mul(cm, p[j], r);
}

/* A weight word's integer (fixed point). */
static int64_t wint(const cm_t *cm, uint32_t w)
{
	return cm->mul == PREC_FIX16X8 ? (int8_t)(uint8_t)w : d16(w);
}

uint32_t cm_peep(const cm_t *cm, uint32_t pre, uint32_t p, uint32_t c)
{
	if (cm_is_fixed(cm))
		return (uint32_t)fix_acc_add(s32(pre), wint(cm, p) * s32(c), cm->acc_bits);
	return arith_f32_add(pre, mul(cm, p, rnd(cm, c)));
}

uint32_t cm_cell_f(const cm_t *cm, uint32_t pre)
{
	double x = cm_is_fixed(cm) ? fix_to_double(s32(pre), cm->S) : arith_f32_to_double(pre);
	const act_spec_t *f = &cm->role[CM_ROLE_F];
	double v = f->fn == ACT_SIGMOID ? 0.5 + 0.5 * act_tanh(cm->act, 0.5 * x) : act_eval_spec(cm->act, f, x);
	return cm_is_fixed(cm) ? w16(fix_from_double(v, cm->df, 16)) : rndd(cm, v);
}

uint32_t cm_one_minus(const cm_t *cm, uint32_t d)
{
	if (cm_is_fixed(cm))
		return w16((INT64_C(1) << cm->df) - d16(d));
	return rnd(cm, arith_f32_add(ARITH_F32_ONE, arith_f32_neg(widen(cm, d))));
}

void cm_lstm_state(const cm_t *cm, uint32_t i, uint32_t f, uint32_t g, uint32_t *c)
{
	if (cm_is_fixed(cm)) {
		int64_t p = (int64_t)d16(f) * s32(*c) + (int64_t)d16(i) * d16(g);
		*c = (uint32_t)(int32_t)fix_sat(fix_shift_rne(p, cm->df), 32);
		return;
	}
	*c = arith_f32_add(mul(cm, f, rnd(cm, *c)), mul(cm, i, g));
}

uint32_t cm_lstm_out(const cm_t *cm, uint32_t o, uint32_t c)
{
	if (cm_is_fixed(cm)) {
		int16_t tc = fix_from_double16(role_eval(cm, CM_ROLE_H, fix_to_double(s32(c), cm->df)), cm->df);
		return w16(fix_shift_rne((int64_t)d16(o) * tc, cm->df));
	}
	uint32_t tc = rndd(cm, role_eval(cm, CM_ROLE_H, arith_f32_to_double(c)));
	return rnd(cm, mul(cm, o, tc));
}

uint32_t cm_qrnn_out(const cm_t *cm, uint32_t o, uint32_t c)
{
	if (cm_is_fixed(cm))
		return w16(fix_shift_rne((int64_t)d16(o) * s32(c), cm->df));
	return rnd(cm, mul(cm, o, rnd(cm, c)));
}

void cm_lstm_cell(const cm_t *cm, uint32_t i, uint32_t f, uint32_t g, uint32_t o, uint32_t *c, uint32_t *h)
{
	cm_lstm_state(cm, i, f, g, c);
	*h = cm_lstm_out(cm, o, *c);
}

uint32_t cm_gru_lbr_n(const cm_t *cm, uint32_t xn, uint32_t hn, uint32_t b_in, uint32_t b_hn, uint32_t r)
{
	if (cm_is_fixed(cm)) {
		int32_t a = fix_acc_add(s32(hn), s32(b_hn), cm->acc_bits);
		int64_t p = fix_shift_rne((int64_t)d16(r) * a, cm->df);
		int32_t pre = fix_acc_add(fix_acc_add(s32(xn), s32(b_in), cm->acc_bits), p, cm->acc_bits);
		return w16(fix_from_double(role_eval(cm, CM_ROLE_G, fix_to_double(pre, cm->S)), cm->df, 16));
	}
	uint32_t a = arith_f32_add(hn, b_hn);
	uint32_t p = mul(cm, r, rnd(cm, a));
	uint32_t pre = arith_f32_add(arith_f32_add(xn, b_in), p);
	return rndd(cm, role_eval(cm, CM_ROLE_G, arith_f32_to_double(pre)));
}

uint32_t cm_gru_rh(const cm_t *cm, uint32_t r, uint32_t h)
{
	if (cm_is_fixed(cm))
		return w16(fix_shift_rne((int64_t)d16(r) * d16(h), cm->df));
	return rnd(cm, mul(cm, r, h));
}

uint32_t cm_gru_h(const cm_t *cm, uint32_t z, uint32_t n, uint32_t h_prev)
{
	uint32_t omz = cm_one_minus(cm, z);
	if (cm_is_fixed(cm)) {
		int64_t p = (int64_t)d16(omz) * d16(n) + (int64_t)d16(z) * d16(h_prev);
		return w16(fix_shift_rne(p, cm->df));
	}
	return rnd(cm, arith_f32_add(mul(cm, omz, n), mul(cm, z, h_prev)));
}

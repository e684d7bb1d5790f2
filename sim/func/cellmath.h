/*
 * cellmath.h - the per-element arithmetic of the A-MFU and the cell updater
 * in the datapath's formats, bit for bit (docs/numerics.md, "MFU and cell
 * updater").
 *
 * Words: every value travels as a uint32_t bit pattern whose meaning
 * depends on precision.mul:
 *   data  (x, h, gate outputs, r*h)  fp16 / bf16 in the low 16 bits, fp32,
 *                                    or int16 Q(data_frac) in the low 16 bits
 *   sum   (MVM accumulator, bias)    fp32, or int32 at scale
 *                                    2^-(data_frac + weight_frac)
 *   state (c)                        fp32, or int32 Q(data_frac)
 *   weight                           fp16 / bf16 bits, fp32, int8 in the low
 *                                    byte (fix16x8) or int16 (fix16x16)
 * Floating point: "D" below is the data format (fp16 for PREC_FP16, bf16
 * for PREC_BF16, fp32 for PREC_FP32); mul_D is arith_f16_mul /
 * arith_bf16_mul / arith_f32_mul (an fp32 product: exact for fp16), add is
 * arith_f32_add, rnd_D rounds fp32 to D (RNE; identity for fp32), act_D
 * rounds the activation's double result once to D.
 *
 * The activations are the layer's per role (cm_set_acts; ONNX's f, g, h,
 * defaults sigmoid, tanh, tanh): F, G, H below; a gate's is the role its
 * cell gives it (cell.h: a sigmoid gate is F, a tanh gate G).
 *   gate (MFU)     pre = add(sum, bias);  out = act_D(F or G(pre))
 *   LSTM cell      c' = add(mul_D(f, rnd_D(c)), mul_D(i, g))
 *                  h' = rnd_D(mul_D(o, act_D(H(c'))))
 *   GRU lbr n      a = add(hn, b_hn);  p = mul_D(r, rnd_D(a))
 *                  n = act_D(G(add(add(xn, b_in), p)))
 *   GRU rbm r*h    rh = rnd_D(mul_D(r, h))   (the operand of U_n (r*h))
 *   GRU h          omz = rnd_D(add(1, -z))
 *                  h' = rnd_D(add(mul_D(omz, n), mul_D(z, h)))
 *   peephole       pre' = add(pre, mul_D(p, rnd_D(c)))        (p a weight word)
 *   cell F         s = act_D((1 + tanh(pre' / 2)) / 2) when F is sigmoid
 *                  (the cell updater's tanh unit; one rounding of the
 *                  double result), else act_D(F(pre'))
 *   coupled f      f = rnd_D(add(1, -i))
 *   fc output      y = rnd_D(pre)          (no activation: the biased sum
 *                  narrowed to a data word)
 *   softmax        over a vector of k data words z (smx_prog.h's passes):
 *                  m = z of the largest value (the first of equals)
 *                  e_j = act_D(exp(add(z_j, -m)))   (the MFU: bias add of
 *                        -m, exp as act_exp_neg; written as data, the
 *                        dot's operands)
 *                  S = the dot tiles' sums in order, each tile's Kc
 *                      products mul_D(e_j, 1) added by adjacent pairs
 *                      (the adder tree; lanes past k add +0)
 *                  r = act_D(1 / S)   (the MFU's reciprocal, one rounding of
 *                      the exact quotient)
 *                  p_j = mul_D(e_j, r), the VS update's sum word; the cell
 *                  updater narrows it, y_j = rnd_D(p_j)
 *                  floating-point formats only
 *
 * Fixed point (S = data_frac + weight_frac, df = data_frac; every rounding
 * is to nearest even, every narrowing saturates; acc_add saturates to
 * acc_bits):
 *   gate           pre = acc_add(sum, bias);  out = q16(F or G(pre * 2^-S), df)
 *   LSTM cell      c' = sat32(rne((f*c + i*g) / 2^df))    (exact int64 sum)
 *                  h' = sat16(rne(o * q16(H(c' * 2^-df)) / 2^df))
 *   GRU lbr n      a = acc_add(hn, b_hn);  p = rne(r*a / 2^df)
 *                  n = q16(G(acc_add(acc_add(xn, b_in), p) * 2^-S))
 *   GRU rbm r*h    rh = sat16(rne(r*h / 2^df))
 *   GRU h          omz = sat16(2^df - z);  h' = sat16(rne((omz*n + z*h) / 2^df))
 *   peephole       pre' = acc_add(pre, p*c)   (p Q(wf) times c Q(df) is at
 *                  2^-S, the sum's scale: exact before the saturating add)
 *   cell F         s = q16((1 + tanh(pre' * 2^-S / 2)) / 2, df) when F is
 *                  sigmoid, else q16(F(pre' * 2^-S), df)
 *   coupled f      f = sat16(2^df - i)
 *   fc output      y = sat16(rne(pre / 2^wf))
 * The LSTM cell splits into its state and output halves (cm_lstm_state,
 * cm_lstm_out) so the peephole cell can compute o from the new c between
 * them; cm_lstm_cell is the two in a row.
 */
#ifndef SHARPSIM_CELLMATH_H
#define SHARPSIM_CELLMATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arith/act.h"
#include "../common/err.h"
#include "../config/hw_cfg.h"

typedef struct cm cm_t;

/* ONNX's activation roles (workload.h's LAYER_ROLE_*). */
typedef enum { CM_ROLE_F = 0, CM_ROLE_G, CM_ROLE_H, CM_ROLES } cm_role_t;

/* NULL with err set when the precision's fields are out of range
 * (fixed point: data_frac <= 14, weight_frac <= 7 for fix16x8 and <= 15 for
 * fix16x16, acc_bits 16..32) or the activation config is invalid. */
cm_t *cm_create(const precision_cfg_t *p, const act_cfg_t *a, sim_err_t *err);
void cm_destroy(cm_t *cm);

/* The layer's activation per role (until the next call; cm_create sets
 * sigmoid, tanh, tanh). */
void cm_set_acts(cm_t *cm, const act_spec_t role[CM_ROLES]);

bool cm_is_fixed(const cm_t *cm);

/* ---- quantizers: reference doubles -> datapath words (one rounding, RNE,
 * saturating in fixed point) and back (exact) ---- */
uint32_t cm_data(const cm_t *cm, double v);
uint32_t cm_weight(const cm_t *cm, double v);
/* cm_weight of n values, dst[i] = cm_weight(cm, src[i]), with one dispatch
 * on the format for the run (a layer's weights are laid out a row at a
 * time). */
void cm_weights(const cm_t *cm, const double *src, size_t n, uint32_t *dst);
uint32_t cm_bias(const cm_t *cm, double v); /* a sum word */
uint32_t cm_state(const cm_t *cm, double v);
double cm_data_value(const cm_t *cm, uint32_t w);
double cm_state_value(const cm_t *cm, uint32_t c);
/* The sum word of an exact zero (+0 or integer 0): W.x when a layer skips
 * its input. */
uint32_t cm_sum_zero(const cm_t *cm);

/* ---- per element ---- */
/* The MFU's bias add: a sum word. */
uint32_t cm_pre(const cm_t *cm, uint32_t sum, uint32_t bias);
/* Role r's activation of a biased sum word: a data word. */
uint32_t cm_act(const cm_t *cm, cm_role_t r, uint32_t pre);
/* cm_act(r, cm_pre(sum, bias)). */
uint32_t cm_gate(const cm_t *cm, cm_role_t r, uint32_t sum, uint32_t bias);
/* A biased sum word narrowed to a data word, no activation (fc). */
uint32_t cm_narrow(const cm_t *cm, uint32_t pre);
/* The softmax of k data words z (floating point only): p[j] receives the
 * sum words p_j above; kc the dot tile's columns (a power of two), scratch
 * kc words. */
void cm_softmax(const cm_t *cm, const uint32_t *z, size_t k, size_t kc, uint32_t *scratch, uint32_t *p);
/* pre + p*c: a peephole term (p a weight word, c a state word) added to a
 * biased sum word. */
uint32_t cm_peep(const cm_t *cm, uint32_t pre, uint32_t p, uint32_t c);
/* Role f of a sum word in the cell updater: a sigmoid evaluated as
 * (1 + tanh(x/2)) / 2, another function directly. */
uint32_t cm_cell_f(const cm_t *cm, uint32_t pre);
/* 1 - d of a data word. */
uint32_t cm_one_minus(const cm_t *cm, uint32_t d);
/* c = f*c + i*g (state word in place); then h = o*H(c). */
void cm_lstm_state(const cm_t *cm, uint32_t i, uint32_t f, uint32_t g, uint32_t *c);
uint32_t cm_lstm_out(const cm_t *cm, uint32_t o, uint32_t c);
void cm_lstm_cell(const cm_t *cm, uint32_t i, uint32_t f, uint32_t g, uint32_t o, uint32_t *c, uint32_t *h);
/* h = o*c (QRNN's output, no activation on c). */
uint32_t cm_qrnn_out(const cm_t *cm, uint32_t o, uint32_t c);
uint32_t cm_gru_lbr_n(const cm_t *cm, uint32_t xn, uint32_t hn, uint32_t b_in, uint32_t b_hn, uint32_t r);
uint32_t cm_gru_rh(const cm_t *cm, uint32_t r, uint32_t h);
uint32_t cm_gru_h(const cm_t *cm, uint32_t z, uint32_t n, uint32_t h_prev);

#endif

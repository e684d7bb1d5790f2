/*
 * apx_qor.h - quality-of-result metrics of an approximate output against
 * the exact one, for compressed, pruned and progressive inference. Plain
 * double loops; tests check them against numpy.
 *
 *   relative error   ||got - ref||_2 / ||ref||_2   (0 when both are 0,
 *                    +inf when only ref is 0)
 *   cosine           <got, ref> / (||got|| ||ref||)  (1 when both are 0,
 *                    0 when exactly one is)
 *   KL               KL(P || Q) = sum_i P_i (log P_i - log Q_i) with
 *                    P = softmax(ref logits), Q = softmax(got logits), from
 *                    log-softmax (max subtracted first), so large logits do
 *                    not overflow; terms with P_i = 0 add 0
 *   argmax agreement fraction of rows whose argmax (first maximum, as
 *                    numpy's argmax) is the same in got and ref
 */
#ifndef SHARPSIM_APX_QOR_H
#define SHARPSIM_APX_QOR_H

#include <stddef.h>

double apx_qor_rel_error(const double *got, const double *ref, size_t n);
double apx_qor_cosine(const double *got, const double *ref, size_t n);
/* KL divergence of one row of k logits. */
double apx_qor_kl(const double *ref_logits, const double *got_logits, size_t k);
/* Mean of apx_qor_kl over `rows` rows of k logits. */
double apx_qor_mean_kl(const double *ref_logits, const double *got_logits, size_t rows, size_t k);
size_t apx_qor_argmax(const double *z, size_t k);
double apx_qor_argmax_agreement(const double *ref_logits, const double *got_logits, size_t rows, size_t k);
/* p = softmax(z), k values. */
void apx_qor_softmax(const double *z, size_t k, double *p);

#endif

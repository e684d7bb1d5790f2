/*
 * head.h - what a classifier head's decisions lose to the datapath and the
 * weights' storage: for each output vector (a step of one sequence) of an
 * fc layer that ends the network, its logits from the datapath against the
 * double reference's (dense weights, no rounding):
 *   changed   argmax differs (the lowest index wins a tie, in both)
 *   KL        sum_j p_j (log p_j - log q_j), p = softmax(reference),
 *             q = softmax(datapath), each by log-sum-exp about its max so
 *             that large logits do not overflow
 * A non-finite datapath logit counts as a changed decision and makes the
 * KL sum infinite.
 */
#ifndef SHARPSIM_HEAD_H
#define SHARPSIM_HEAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct head_acc {
	uint64_t decisions, changed;
	double kl_sum;
} head_acc_t;

/* Adds n vectors of h logits each (got and ref laid out alike). */
void head_acc_add(head_acc_t *a, const double *got, const double *ref, size_t n, size_t h);

#endif

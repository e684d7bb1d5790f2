/*
 * test_cells.c - suite `cells`: the cell registry (sim/cell/cell.h) and
 * the contract every descriptor in it must keep.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../sim/cell/cell.h"

START_TEST(registry_lookup)
{
	ck_assert_uint_eq(cell_count(), CELL_KIND_ALL);
	for (size_t i = 0; i < cell_count(); i++) {
		const cell_desc_t *d = cell_get((cell_kind_t)i);
		ck_assert_ptr_nonnull(d);
		ck_assert_str_eq(cell_builtin_names[i], d->name);
		ck_assert_int_eq(cell_find(d->name), (int)i);
		ck_assert_str_eq(workload_cell_name((cell_kind_t)i), d->name);
		ck_assert_uint_eq(workload_gates((cell_kind_t)i), d->gates);
	}
	ck_assert_ptr_null(cell_builtin_names[cell_count()]);
	ck_assert_ptr_null(cell_get(CELL_KIND_ALL));
	ck_assert_int_eq(cell_find("lsmt"), -1);
	ck_assert_int_eq(cell_find("lstm_peephole"), CELL_LSTM_PEEPHOLE);
	ck_assert_int_eq(cell_find("lstm_coupled"), CELL_LSTM_COUPLED);
	char buf[256];
	ck_assert_int_eq(cell_find("qrnn"), CELL_QRNN);
	ck_assert_str_eq(cell_list(buf, sizeof buf, 0),
			 "lstm, gru, vanilla, fc, lstm_peephole, lstm_coupled, qrnn, softmax");
	ck_assert_str_eq(cell_list(buf, sizeof buf, CELL_F_SOFTMAX), "softmax");
	ck_assert_str_eq(cell_list(buf, sizeof buf, CELL_F_STATE), "lstm, lstm_peephole, lstm_coupled, qrnn");
	ck_assert_str_eq(cell_list(buf, sizeof buf, CELL_F_PROJ), "lstm, lstm_peephole, lstm_coupled");
	ck_assert_str_eq(cell_list(buf, sizeof buf, CELL_F_APPROX), "lstm");
	ck_assert_str_eq(cell_list(buf, sizeof buf, CELL_F_FUNCTIONAL),
			 "lstm, gru, vanilla, fc, lstm_peephole, lstm_coupled, qrnn, softmax");
}
END_TEST

/* The contract in cell.h, for every registered cell and variant. */
START_TEST(descriptor_contract)
{
	for (size_t i = 0; i < cell_count(); i++) {
		const cell_desc_t *d = cell_get((cell_kind_t)i);
		ck_assert_msg(d->gates >= 1 && d->gates <= CELL_MAX_GATES, "%s: %u gates", d->name, d->gates);
		ck_assert_msg(d->description && d->cite, "%s: description and citation", d->name);
		ck_assert_msg(!(d->flags & CELL_F_FUNCTIONAL) == !d->step, "%s: functional iff it has a step", d->name);
		ck_assert_msg(!(d->flags & CELL_F_FORMS) == (d->n_variants == 1), "%s: forms iff variants", d->name);
		ck_assert(d->n_variants >= 1 && d->n_variants <= CELL_MAX_VARIANTS);
		if (d->flags & CELL_F_PEEPHOLE)
			ck_assert_msg(d->flags & CELL_F_STATE, "%s: a peephole acts on c", d->name);
		/* activation roles (ONNX's f, g, h): a cell with a recurrence (h
		 * or c) has f, whose own function is a sigmoid or a tanh; an LSTM
		 * (c and U) has h too; qrnn (c, no U) has f and g, its output
		 * o*c no function */
		unsigned rec = d->flags & (CELL_F_RECURRENT | CELL_F_STATE);
		ck_assert_msg(d->act_roles <= LAYER_ROLES, "%s: %u roles", d->name, d->act_roles);
		ck_assert_msg((d->act_roles > 0) == (rec != 0), "%s: roles iff a recurrence", d->name);
		ck_assert_msg((d->act_roles == 3) == (rec == (CELL_F_RECURRENT | CELL_F_STATE)),
			      "%s: role h iff c and U", d->name);
		if (d->flags & CELL_F_PROJ)
			ck_assert_msg(rec == (CELL_F_RECURRENT | CELL_F_STATE), "%s: a projection feeds U", d->name);
		if (d->flags & CELL_F_APPROX)
			ck_assert_msg(d->gates == 4 && rec == (CELL_F_RECURRENT | CELL_F_STATE),
				      "%s: refinement factors four gates over [W_x W_h]", d->name);
		if (d->flags & CELL_F_SOFTMAX)
			ck_assert_msg(d->gates == 1 && rec == 0, "%s: a softmax is one vector, no recurrence", d->name);
		ck_assert_msg(d->act_roles ? d->act_f == CELL_ACT_SIGMOID || d->act_f == CELL_ACT_TANH
					   : d->act_f == CELL_ACT_NONE,
			      "%s: role f's own function", d->name);
		for (unsigned g = 0; g < d->gates; g++) {
			/* a one-gate cell's trace names are its partition alone */
			ck_assert(d->gates == 1 ? d->gate_names[g] == NULL : d->gate_names[g] != NULL);
			for (unsigned k = 0; k < g && d->gates > 1; k++)
				ck_assert_str_ne(d->gate_names[g], d->gate_names[k]);
		}
		for (unsigned vi = 0; vi < d->n_variants; vi++) {
			const cell_variant_t *v = &d->variant[vi];
			ck_assert(v->phases >= 1 && v->phases <= CELL_MAX_PHASES);
			unsigned seen[CELL_MAX_GATES] = { 0 };
			for (unsigned p = 0; p < v->phases; p++) {
				ck_assert(v->phase_ngates[p] >= 1);
				for (unsigned q = 0; q < v->phase_ngates[p]; q++) {
					ck_assert_uint_lt(v->phase_gate[p][q], d->gates);
					seen[v->phase_gate[p][q]]++;
				}
			}
			for (unsigned g = 0; g < d->gates; g++) {
				ck_assert_msg(seen[g] == 1, "%s variant %u: gate %u issued %u times", d->name, vi, g,
					      seen[g]);
				ck_assert_uint_le(v->act[g], CELL_ACT_TANH);
			}
			ck_assert(v->x_apart >= -1 && v->x_apart < (int)d->gates);
			ck_assert(v->rh_gate >= -1 && v->rh_gate < (int)d->gates);
			/* r*h feeds a later phase's U product */
			ck_assert((v->rh_gate >= 0) == (v->phases == 2));
			/* the cell updater's function evaluations, by role */
			unsigned evals = 0;
			for (unsigned r = 0; r < LAYER_ROLES; r++) {
				evals += v->ops.role_evals[r];
				ck_assert_msg(!v->ops.role_evals[r] || r < d->act_roles, "%s: role %u it lacks",
					      d->name, r);
			}
			ck_assert_msg(evals == v->ops.tanhs, "%s variant %u: role evaluations %u, tanhs %u", d->name,
				      vi, evals, v->ops.tanhs);
			bool state = d->flags & CELL_F_STATE;
			ck_assert_uint_eq(v->ops.c_reads, state);
			ck_assert_uint_eq(v->ops.c_writes, state);
		}
	}
}
END_TEST

/* What the two LSTM variants promise: coupled has three gates (i g o, so
 * the VS array does 3H rows), activated by the MFU; peephole keeps LSTM's
 * four and leaves i, f, o to the cell updater, with more work there. */
START_TEST(lstm_variants)
{
	const cell_desc_t *l = cell_get(CELL_LSTM), *p = cell_get(CELL_LSTM_PEEPHOLE), *c = cell_get(CELL_LSTM_COUPLED);
	ck_assert_uint_eq(c->gates, 3);
	ck_assert_str_eq(c->gate_names[1], "g");
	ck_assert_uint_eq(c->variant[0].act[0], CELL_ACT_SIGMOID);
	ck_assert_uint_eq(c->variant[0].act[1], CELL_ACT_TANH);
	ck_assert_uint_eq(c->variant[0].ops.adds, l->variant[0].ops.adds + 1);
	ck_assert_uint_eq(p->gates, 4);
	ck_assert(p->flags & CELL_F_PEEPHOLE);
	ck_assert(!(l->flags & CELL_F_PEEPHOLE) && !(c->flags & CELL_F_PEEPHOLE));
	for (unsigned g = 0; g < 4; g++)
		ck_assert_uint_eq(p->variant[0].act[g], g == 2 ? CELL_ACT_TANH : CELL_ACT_NONE);
	ck_assert_uint_eq(p->variant[0].ops.mults, l->variant[0].ops.mults + 3);
	ck_assert_uint_eq(p->variant[0].ops.tanhs, l->variant[0].ops.tanhs + 3);
}
END_TEST

Suite *cells_suite(void)
{
	Suite *s = suite_create("cells");
	TCase *t = tcase_create("registry");
	tcase_add_test(t, registry_lookup);
	tcase_add_test(t, descriptor_contract);
	tcase_add_test(t, lstm_variants);
	suite_add_tcase(s, t);
	return s;
}

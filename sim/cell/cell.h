/*
 * cell.h - recurrent cells as registered descriptors.
 *
 * A cell is a table (cell_desc_t) in a file of its own under
 * sim/cell/cells/ and listed in the built-in registry (cell.c); the
 * workload's `cell:` key names it and layer_cfg_t.cell is its index in the
 * registry (cell_kind_t, in registry order). The units read what they need
 * from the descriptor instead of branching on the cell:
 *
 *   workload (config/)  gates G (MVM MACs per step = G*H*(I+H), or G*H*I
 *                       without recurrence), names for messages and --help
 *   program (ctrl/)     phases and the gates each phase issues, whether
 *                       there is a W.x partition (recurrent cells) and
 *                       whether W.x is kept apart from U.h (x_apart)
 *   A-MFU (mfu/)        the activation of each gate (counted per value);
 *                       which gate's activation also yields r*h
 *   cell updater        per-element operations (counters) and whether the
 *                       peephole stage deepens its pipeline
 *   traces              gate names ("W.x i")
 *   functional mode     `step`: one element's cell update in the datapath's
 *                       formats, bit for bit (cellmath.h); weights.c reads
 *                       which arrays the cell has from the flags
 *
 * A cell with forms (GRU: linear_before_reset, reset_before_matmul) has one
 * variant per form, indexed by the layer's gru_form; the others have one.
 *
 * Contract of a descriptor (checked by tests/test_cells.c):
 *   - gates 1..CELL_MAX_GATES; every gate in exactly one phase of every
 *     variant; phases 1..CELL_MAX_PHASES;
 *   - act[g] is what the MFU applies after the bias add; CELL_ACT_NONE
 *     hands the biased sum (a sum word) on to the cell updater, except for
 *     the x_apart gate, whose raw U.h sum and W.x sum both go on unbiased;
 *   - ops counts what the cell updater does per element (the counters
 *     cell.mults, cell.adds, cell.tanh, ihbuf.reads, cellbuf.*);
 *   - step (functional cells only) computes h (and c for CELL_F_STATE)
 *     from the gate words the MFU wrote, with the arithmetic documented in
 *     cellmath.h and nothing else;
 *   - flags agree with the data: CELL_F_FUNCTIONAL iff step is set,
 *     CELL_F_FORMS iff more than one variant, CELL_F_PEEPHOLE only with
 *     CELL_F_STATE, CELL_F_STATE iff the cell updater reads and writes c
 *     (ops.c_reads = ops.c_writes = 1), rh_gate set iff two phases,
 *     CELL_F_PROJ only with CELL_F_STATE and CELL_F_RECURRENT, CELL_F_APPROX
 *     only on a four-gate cell with both, CELL_F_SOFTMAX only on a one-gate
 *     cell without recurrence or state;
 *   - ops.role_evals sum to ops.tanhs, and name only roles the cell has.
 * A cell with CELL_F_STATE and no CELL_F_RECURRENT (qrnn) keeps c but
 * feeds no h back: its one partition reads x, and its only recurrence is
 * c's, in the cell updater (cellu.h).
 *
 * The double reference (sim/func/ref.c) deliberately does not read the
 * descriptor: it is an independent restatement of each cell's equations,
 * so a descriptor that misstates a cell is caught by the functional tests
 * rather than copied into the oracle.
 *
 * Adding a cell: a file sim/cell/cells/NAME.c defining `const cell_desc_t
 * cell_desc_NAME`, X(NAME) in CELL_BUILTINS (cell.c), a CELL_ value in
 * workload.h, and its equations in ref.c (and in cellmath.h if it needs
 * new arithmetic). docs/architecture.md, "Cells are registered descriptors".
 */
#ifndef SHARPSIM_CELL_H
#define SHARPSIM_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../config/workload.h"

#define CELL_MAX_GATES 4
#define CELL_MAX_PHASES 2
#define CELL_MAX_VARIANTS 2
/* The phase of an LSTMP layer's projection (layer_cfg_t.proj_size): it
 * follows every phase of the cell's variant. Its segments (sched.h) are
 * W_proj's P rows over the H columns of o*tanh(c); the MFU passes their
 * sums through unbiased and unactivated into the I/H buffer as h
 * (gbuf_proj), and the next step's U.h waits for all of them (ctrl.c). */
#define CELL_PHASE_PROJ CELL_MAX_PHASES

/* What the MFU evaluates on a gate after its bias add. */
typedef enum { CELL_ACT_NONE = 0, CELL_ACT_SIGMOID, CELL_ACT_TANH } cell_act_t;

enum {
	CELL_F_RECURRENT = 1u << 0,  /* h_{t-1} feeds step t (U, a W.x partition); fc has none */
	CELL_F_STATE = 1u << 1,	     /* keeps a cell state c (c0.npy, cellbuf, the c output) */
	CELL_F_PEEPHOLE = 1u << 2,   /* element-wise peephole weights P (3, H) act on c */
	CELL_F_FUNCTIONAL = 1u << 3, /* --functional computes it (has a step) */
	CELL_F_FORMS = 1u << 4,	     /* takes gru_form: one variant per form */
	CELL_F_PROJ = 1u << 5,	     /* takes proj_size (LSTMP): its output o*H(c) can be projected */
	/* takes approx: svd_prune: its gates i, f, g, o over [W_x W_h] are what
	 * the progressive refinement (sim/approx) factors and times */
	CELL_F_APPROX = 1u << 6,
	/* the output softmax (cells/softmax.c): no weights; its program is
	 * sim/ctrl/smx_prog.h's (a max and exp pass at the MFU, a sum through
	 * the adder tree, a reciprocal, a VS scalar x vector), it may only end
	 * the network, and --functional computes its vector whole
	 * (cellmath.h, cm_softmax) */
	CELL_F_SOFTMAX = 1u << 7,
};

/* Operations of the cell updater per element. */
typedef struct cell_ops {
	uint8_t mults, adds, tanhs;
	/* Of the tanhs, the evaluations of each activation role's function
	 * (LAYER_ROLE_F, _G, _H; they sum to tanhs): which function the unit
	 * computes, hence what it costs (docs/energy.md). */
	uint8_t role_evals[LAYER_ROLES];
	uint8_t h_reads; /* h_{t-1} read from the I/H buffer */
	uint8_t c_reads, c_writes;
} cell_ops_t;

/* What varies with a cell's form. */
typedef struct cell_variant {
	uint8_t phases;
	uint8_t phase_ngates[CELL_MAX_PHASES];
	uint8_t phase_gate[CELL_MAX_PHASES][CELL_MAX_GATES]; /* in issue order */
	uint8_t act[CELL_MAX_GATES];			     /* cell_act_t per gate */
	/* Gate whose W.x must stay apart from its U.h, or -1. When set, no
	 * W.x is merged into accumulator init: the MFU reads every W.x sum,
	 * adds it for the other gates, and passes this gate's on beside its
	 * raw U.h sum (cell_elem_t.gate[G]). */
	int8_t x_apart;
	int8_t rh_gate; /* gate whose activation also yields r*h for phase 1, or -1 */
	cell_ops_t ops;
} cell_variant_t;

typedef struct cm cm_t;

/* One element's inputs to the functional step (words as in cellmath.h). */
typedef struct cell_elem {
	const uint32_t *gate; /* the MFU's words, index = gate; gate[G]: x_apart's W.x sum */
	uint32_t h_prev;      /* data word */
	uint32_t *c;	      /* state word, updated in place (CELL_F_STATE) */
	const uint32_t *bias; /* the element's bias per gate (sum words), index = gate */
	uint32_t b_hn;	      /* GRU linear_before_reset's U-side n bias */
	const uint32_t *peep; /* CELL_F_PEEPHOLE: weight words P_i, P_f, P_o */
} cell_elem_t;

typedef struct cell_desc {
	const char *name;
	const char *description;
	const char *cite; /* where the equations come from */
	unsigned flags;
	uint8_t gates;
	const char *gate_names[CELL_MAX_GATES]; /* traces; NULL for a one-gate cell */
	uint8_t n_variants;
	cell_variant_t variant[CELL_MAX_VARIANTS];
	/* ONNX's activation roles the cell has, f, g, h in that order (3 for
	 * the LSTMs: gates, candidate, output; 2 for the GRU; 1 for the vanilla
	 * RNN; 0 for fc), and role f's own function (CELL_ACT_SIGMOID, or
	 * CELL_ACT_TANH for the vanilla RNN); g and h are tanh
	 * (workload.h, layer_act_t). */
	uint8_t act_roles;
	uint8_t act_f;
	/* The h word of one element (CELL_F_FUNCTIONAL). */
	uint32_t (*step)(const cm_t *cm, const cell_variant_t *v, const cell_elem_t *e);
} cell_desc_t;

/* The built-in cells, in cell_kind_t order. */
extern const char *const cell_builtin_names[]; /* NULL-terminated */
size_t cell_count(void);
/* NULL past the end. */
const cell_desc_t *cell_get(cell_kind_t c);
/* Index of the cell named s, or -1. */
int cell_find(const char *s);
/* The variant a layer of cell c with GRU form `form` runs. */
const cell_variant_t *cell_variant(const cell_desc_t *d, gru_form_t form);
/* Writes "a, b, c" (the registry's names) into buf, or only those with
 * every flag in `flags`; returns buf. */
const char *cell_list(char *buf, size_t size, unsigned flags);

#endif

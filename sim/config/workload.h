/*
 * workload.h - a workload is a list of layers run one after another on the
 * same hardware, each with its own weights. Filled by the config module.
 */
#ifndef SHARPSIM_WORKLOAD_H
#define SHARPSIM_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A layer's cell: its index in the built-in cell registry (sim/cell/cell.h,
 * which holds everything that differs between cells). CELL_FC: a fully
 * connected layer, hidden_size outputs from input_size inputs for each of
 * `timesteps` vectors, no recurrence. CELL_SOFTMAX: the network's output
 * softmax over the previous layer's outputs (docs/hardware.md §2.11). */
typedef enum {
	CELL_LSTM = 0,
	CELL_GRU,
	CELL_VANILLA,
	CELL_FC,
	CELL_LSTM_PEEPHOLE,
	CELL_LSTM_COUPLED,
	CELL_QRNN,
	CELL_SOFTMAX,
	CELL_KIND_ALL
} cell_kind_t;

/* Bidirectional: two passes over the sequence in opposite time order, each
 * with its own weights, outputs concatenated (the next layer sees 2H).
 * Reverse: one pass from t = T - 1 down to 0 (ONNX's direction reverse),
 * its output indexed by time; the same cycles as a forward pass. */
typedef enum { DIR_UNI = 0, DIR_BI, DIR_REV } direction_t;

/* GRU candidate gate n:
 *  GRU_LBR  linear_before_reset: n = tanh(Wn x + bn + r*(Un h + bhn)) (cuDNN)
 *  GRU_RBM  reset_before_matmul: n = tanh(Wn x + Un (r*h) + bn)     (original) */
typedef enum { GRU_LBR = 0, GRU_RBM } gru_form_t;

/* How a layer's weights are stored in the weight buffer and DRAM
 * (docs/compression.md §6): fp16 (the default, today's machine) or
 * symmetric integers of 8, 4 or 2 bits with fp32 scales per row, per
 * b x b block or per tensor (cut per tile). A functional run multiplies
 * the weights quantized so (sim/compress/cmp_layer.h) and compares with the
 * unquantized ones. */
typedef enum { WBITS_16 = 0, WBITS_8, WBITS_4, WBITS_2 } weight_bits_t;
typedef enum { WSCALE_ROW = 0, WSCALE_BLOCK, WSCALE_TENSOR } weight_scale_t;
/* Codebook storage (docs/compression.md §6, "Codebooks in timing"): each
 * weight is a codebook_bits index into fp32 entries shared by a group
 * (weight_scale: row, block or tensor), k-means or uniform; or one of
 * RNNAccel's NeuCompression ratios (cmp_codebook.h: k-means, one codebook
 * per 256 x 256 block, 6/4/2-bit indices with 64/16/4 entries). */
typedef enum { WCB_NONE = 0, WCB_KMEANS, WCB_UNIFORM, WCB_NEU5_3, WCB_NEU8, WCB_NEU16 } weight_codebook_t;
/* Pruned weights in time (docs/compression.md §6): which positions are zero
 * (a mask drawn at plan time from sparsity_seed, sim/compress/cmp_mask.h)
 * and the layout they are stored in (cmp_store.h). */
typedef enum { SPARSE_UNSTRUCTURED = 0, SPARSE_BLOCK, SPARSE_ROW_BALANCED } sparse_pattern_t;
typedef enum { SFMT_DENSE = 0, SFMT_BITMASK, SFMT_CSR, SFMT_BSR } sparse_format_t;
/* Where the zeros come from: drawn from sparsity_seed (any weights, a
 * timing run needs none), or the layer's `weights` directory pruned by
 * magnitude (cmp_prune.h: unstructured -> magnitude, block -> block,
 * row_balanced -> row), the same zeros in time and in values. */
typedef enum { SMASK_SEEDED = 0, SMASK_MAGNITUDE } sparsity_mask_t;
/* Progressive (anytime) LSTM (docs/progressive.md): each gate computed as
 * approx_steps rank-1 refinements of approx_nz pruned columns each
 * (sim/approx/apx_prog.h builds its program). */
typedef enum { APPROX_NONE = 0, APPROX_SVD_PRUNE } approx_kind_t;
/* The issue order of a progressive layer of several row blocks
 * (apx_prog.h): every refinement of the first block before the next
 * block's (block), or refinement n of every block before n + 1
 * (refinement: refinement n reaches every row earlier). */
typedef enum { APPROX_ORDER_BLOCK = 0, APPROX_ORDER_REFINEMENT } approx_order_t;

/* A layer's activation function in each of ONNX's roles: f (LSTM's i, f,
 * o gates, GRU's r, z, the vanilla RNN's one), g (LSTM's candidate, GRU's
 * n), h (LSTM's output, h = o * h(c)). LACT_AUTO is the cell's own (f:
 * sigmoid, the vanilla RNN's tanh; g, h: tanh); the others are act.h's
 * functions in its order. alpha, beta: 0 = the function's default (act.h),
 * ignored by a function that takes none. Values only: the MFU computes
 * every function in one pass of its PWL multiply-add (docs/numerics.md),
 * so no cycle depends on them. */
typedef enum {
	LACT_AUTO = 0,
	LACT_SIGMOID,
	LACT_TANH,
	LACT_RELU,
	LACT_LEAKY_RELU,
	LACT_HARD_SIGMOID,
	LACT_AFFINE,
	LACT_THRESHOLDED_RELU,
	LACT_SOFTSIGN,
	LACT_SCALED_TANH,
	LACT_ELU,
	LACT_SOFTPLUS
} layer_act_t;
enum { LAYER_ROLE_F = 0, LAYER_ROLE_G, LAYER_ROLE_H, LAYER_ROLES };

/* Per-sequence lengths of a batch (ONNX's sequence_lens): n = 0 when every
 * sequence runs all T steps, else n = batch_size lengths, each 1..T with
 * the longest T (config.c checks). Sequence b takes part in steps
 * t < len[b]; a finished sequence's tokens are not issued. */
#define LAYER_MAX_BATCH 1024
typedef struct layer_lens {
	uint32_t n;
	uint32_t len[LAYER_MAX_BATCH];
} layer_lens_t;

typedef struct layer_cfg {
	cell_kind_t cell;
	uint32_t input_size;
	uint32_t hidden_size;
	uint32_t timesteps;
	uint32_t batch_size;
	gru_form_t gru_form;
	bool skip_input; /* leave out W.x (DeepBench's cuDNN runs) */
	direction_t direction;
	weight_bits_t weight_bits;
	weight_scale_t weight_scale; /* below 16 bits */
	uint32_t weight_scale_block; /* WSCALE_BLOCK: block edge */
	weight_codebook_t weight_codebook;
	uint32_t codebook_bits;	   /* index bits, 1..8 */
	uint32_t codebook_entries; /* k <= 2^codebook_bits; 0: 2^codebook_bits */
	double sparsity;	   /* fraction of zero weights, [0, 1) */
	sparse_pattern_t sparsity_pattern;
	uint32_t sparsity_block; /* SPARSE_BLOCK and the BSR layout: block edge */
	uint64_t sparsity_seed;	 /* the mask's seed */
	sparse_format_t sparse_format;
	sparsity_mask_t sparsity_mask;
	uint32_t index_bits; /* CSR, BSR: bits of a column (block column) index */
	/* Delta network (docs/compression.md "Delta networks"): an element of
	 * x_t (h_{t-1}) is used when |value - last used value| >= its
	 * threshold, else its column is skipped. Functional runs only. */
	bool delta;
	double delta_threshold_x, delta_threshold_h;
	approx_kind_t approx;
	uint32_t approx_nz;	      /* NZ: kept entries of each right vector, 1..I+H */
	uint32_t approx_steps;	      /* N: refinement steps per gate and time step */
	uint32_t approx_value_bits;   /* stored width of sigma, u and v values */
	uint32_t approx_index_bits;   /* stored width of a v index */
	approx_order_t approx_order;  /* issue order of the refinements over the row blocks */
	char approx_factors[512];     /* decompose's factors for values; "" = decompose in the run */
	layer_act_t act[LAYER_ROLES]; /* per role f, g, h */
	double act_alpha[LAYER_ROLES], act_beta[LAYER_ROLES];
	/* LSTMP (the LSTM cells only): P > 0 projects each step's o*tanh(c)
	 * through W_proj (P x H) to the P-wide h that the next step's U (4H x
	 * P) and the next layer read; 0 = no projection. 0 < P < H. */
	uint32_t proj_size;
	layer_lens_t sequence_lens;
	char weights[512]; /* optional .npy directory for functional runs; "" = random */
	int line, col;	   /* where the layer starts in its file */
} layer_cfg_t;

typedef struct workload {
	char name[128];
	char path[512];
	layer_cfg_t *layers;
	size_t n_layers;
} workload_t;

/* Gates (row groups of H rows) per cell (its descriptor's G). */
unsigned workload_gates(cell_kind_t c);
const char *workload_cell_name(cell_kind_t c);
/* MVM multiply-accumulates of a layer: G*H*(I+H)*T*B, I = 0 with skip_input,
 * twice that when bidirectional; H*I*T*B for fc (T*B: the sum of
 * sequence_lens when given). With a projection P:
 * (G*H*(I+P) + P*H)*T*B (U reads the P-wide h, W_proj is P x H). */
uint64_t workload_layer_macs(const layer_cfg_t *l);
/* Elements per step the layer hands to the next: H (P with a projection),
 * twice that when bidirectional. */
uint32_t workload_layer_output(const layer_cfg_t *l);
/* The activation roles a cell has: 3 (f, g, h) for the LSTMs, 2 for the
 * GRU, 1 for the vanilla RNN, 0 for fc. */
unsigned workload_act_roles(cell_kind_t c);
/* The function role r (LAYER_ROLE_F, _G, _H) of the layer evaluates:
 * its act key, or for auto the cell's own (f: the cell's act_f, sigmoid or
 * tanh; g, h: tanh). Never LACT_AUTO. */
layer_act_t workload_role_act(const layer_cfg_t *l, unsigned r);
/* Bits of one stored weight: 16, 8, 4 or 2. */
unsigned workload_weight_bits(const layer_cfg_t *l);
/* The layer has pruned weights (sparsity > 0) or a sparse layout: its
 * program comes from a mask (cmp_mask.h), not from the dense formula. */
bool workload_sparse(const layer_cfg_t *l);
/* Sequences of the batch that take part in step t (time as the pass runs
 * it: a finished sequence of a reverse pass is one whose length the pass
 * has covered): batch_size without sequence_lens, else those with
 * len > t. The hardware issues them packed (ctrl.h): the host orders a
 * batch by decreasing length, as cuDNN's packed layout and PyTorch's
 * pack_padded_sequence do, so the active ones are a prefix b < n. */
uint32_t workload_active(const layer_cfg_t *l, uint32_t t);
/* The first step after t whose active count differs from step t's, or
 * timesteps: steps t .. that - 1 run the same batch. */
uint32_t workload_active_until(const layer_cfg_t *l, uint32_t t);
/* Sequence-steps of a layer (one pass): the sum of the lengths, T*B
 * without sequence_lens. */
uint64_t workload_seq_steps(const layer_cfg_t *l);
/* Width of the h the layer feeds back and hands on: proj_size, or H. */
uint32_t workload_layer_h(const layer_cfg_t *l);
void workload_free(workload_t *w);

#endif

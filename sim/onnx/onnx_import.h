/*
 * onnx_import.h - an ONNX model's recurrent layers as a sharpsim workload:
 * workload.yaml plus one directory of .npy weights per layer (the format of
 * docs/numerics.md §7). docs/onnx.md is the user's view.
 *
 * Accepted graphs: a chain of LSTM, GRU and RNN nodes (default domain), each
 * consuming the previous one's Y through an optional Squeeze of axis 1 or
 * Identity (a bidirectional Y through PyTorch's Transpose + Reshape to
 * (T, B, 2H)); nothing else. Per node: direction forward, bidirectional
 * (the backward direction's weights in backward/), or reverse (a
 * workload layer with direction reverse); activations from ONNX's list, the same
 * for both directions (the layer's act_f, act_g, act_h), no clip, not both
 * input_forget 1 and peepholes P, and
 * sequence_lens absent, or lengths of 1 to T whose longest is T (the
 * layer's sequence_lens, in any direction); layout 1 (batch-major X and Y) is transposed
 * on the way in (the check transposes Y back). Anything else is refused with one line,
 * "file: node N (OP 'name'): what is unsupported, expected what".
 *
 * Where values come from: W, R, B, initial_h, initial_c are initializers,
 * or graph inputs given values by a test data set (input_<k>.pb binds to
 * the k-th graph input that is not an initializer). X comes from the data
 * set too; without one, its T and B come from the declared input shape (or
 * the options, for symbolic dimensions) and its values are uniform in
 * [-1, 1) from the seed, as `run --functional` draws random inputs.
 *
 * Mapping: gate blocks reordered from ONNX's LSTM i,o,f,c to i,f,g,o and
 * GRU z,r,h to r,z,n; b = Wb + Rb per gate row, except the n row of a GRU
 * with linear_before_reset = 1, where b holds Wb_n and b_hn.npy holds Rb_n
 * (it sits inside r * (U_n h + b_hn)). linear_before_reset 0 maps to
 * gru_form reset_before_matmul, 1 to linear_before_reset. An LSTM with an
 * input P becomes lstm_peephole (P's rows i, o, f reordered to i, f, o); one
 * with input_forget = 1 becomes lstm_coupled (gates i, g, o from ONNX's i,
 * c, o blocks): as in ONNX Runtime, f = 1 - i and the f blocks of W, R, B
 * are not read (docs/onnx.md, "Mapping").
 */
#ifndef SHARPSIM_ONNX_IMPORT_H
#define SHARPSIM_ONNX_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../func/weights.h"

typedef struct onnx_import_opts {
	const char *data_dir; /* a backend test's test_data_set_N, or NULL */
	uint32_t timesteps;   /* T instead of X's declared one, needed when that is
				* symbolic (0: none); a data set's X decides */
	uint32_t batch;	      /* B likewise */
	/* How the caller's user gives T and B, for messages (NULL: the
	 * options --timesteps and --batch of import). */
	const char *timesteps_opt, *batch_opt; /* e.g. "the option --timesteps" */
	uint64_t seed;			       /* X's values without a data set */
} onnx_import_opts_t;

/* What a graph output is, relative to the layers. */
typedef enum { ONNX_OUT_Y = 0, ONNX_OUT_Y_H, ONNX_OUT_Y_C } onnx_out_kind_t;

typedef struct onnx_model onnx_model_t;

/* Reads and maps path. NULL with err set (SIM_EINPUT for anything wrong
 * with or unsupported in the model or the data set). */
onnx_model_t *onnx_model_load(const char *path, const onnx_import_opts_t *opts, sim_err_t *err);
void onnx_model_destroy(onnx_model_t *m);

size_t onnx_model_layers(const onnx_model_t *m);
/* Layer l's parameters and input in the simulator's layout. */
const weights_t *onnx_model_weights(const onnx_model_t *m, size_t l);
/* Layer l's backward direction (weights.h: its x is NULL, the layer's input
 * is onnx_model_weights' x), NULL unless the node is bidirectional. */
const weights_t *onnx_model_weights_backward(const onnx_model_t *m, size_t l);
/* Whether graph output k is a bidirectional layer's Y with the directions
 * merged, (T, B, 2H) [h_fwd; h_bwd] (batch-major (B, T, 2H)), rather than
 * ONNX's (T, 2, B, H). */
bool onnx_model_output_concat(const onnx_model_t *m, size_t k);
/* Whether layer l's node has layout = 1: its Y is (B, T, 1, H), not
 * (T, 1, B, H) (Y_h and Y_c have the same element order either way). */
bool onnx_model_batch_major(const onnx_model_t *m, size_t l);
/* Whether layer l's node has direction reverse: a workload layer with
 * direction reverse, whose run walks time from T - 1 down (x.npy in time
 * order, outputs indexed by time, Y_h and Y_c the state at t = 0). */
bool onnx_model_reverse(const onnx_model_t *m, size_t l);
/* The graph's outputs: name, the layer and kind of value it carries. */
size_t onnx_model_outputs(const onnx_model_t *m);
const char *onnx_model_output(const onnx_model_t *m, size_t k, size_t *layer, onnx_out_kind_t *kind);

/* Writes dir/workload.yaml and dir/weights/layer<l>/{W,U,b,...}.npy (<f4,
 * which holds every float32 exactly). dir is created if missing. Every file
 * is written atomically and workload.yaml last, so a workload.yaml is never
 * beside weights of another import. */
int onnx_model_write(const onnx_model_t *m, const char *dir, sim_err_t *err);

#endif

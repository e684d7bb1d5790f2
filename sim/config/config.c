/*
 * config.c - hardware configs, workloads and tile tables from YAML.
 *
 * Loading a hardware config is done in a fixed order, because later steps
 * depend on earlier ones:
 *   1. every key takes its default from the parameter table (params.c);
 *   2. the file, if any, is walked against the table: each map level may hold
 *      only the keys and sections the table declares there;
 *   3. the -p overrides apply in the order given;
 *   4. cross-key consistency is checked on the result. An inconsistency is
 *      reported where the value that broke it was written last (a -p
 *      override after the file), so the message points at what to change.
 * Only a fully valid config is copied to the caller.
 *
 * A file for another machine than SHARP (`machine: epur`, sim/machine/)
 * selects that machine before step 2: its section is walked against the
 * machine's own table, into its own config, and the file may hold only the
 * keys it shares with SHARP (cfg_shared_keys) besides. The machine's
 * check() is step 4.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/afile.h"
#include "../common/datadir.h"
#include "../common/fnv.h"
#include "../cell/cell.h"
#include "../machine/machine.h"
#include "../sched/registry.h"
#include "params.h"
#include "ydoc.h"

#define CFG_OPT_MAX 1100 /* "option -p '<key>=<value>'" */

/* Where a hardware key got its value: order 0 = default, 1 = the file,
 * 2 + i = override i. */
typedef struct cfg_src {
	int order;
	const char *name; /* file path or option name; NULL for a default */
	int line, col;	  /* 0 for an option */
} cfg_src_t;

typedef struct cfg_load {
	hw_cfg_t hw;
	const param_t *t;
	size_t n;
	cfg_src_t *src; /* one per table entry */
	/* Another machine than SHARP, or NULL: its descriptor and table. */
	const machine_desc_t *m;
	const param_t *mt;
	size_t mn;
} cfg_load_t;

/* The top-level keys every machine's file shares with SHARP's. */
static const char *const cfg_shared_keys[] = { "name", "clock_mhz", "machine", NULL };

static bool cfg_shared(const char *key)
{
	for (size_t i = 0; cfg_shared_keys[i]; i++)
		if (!strcmp(key, cfg_shared_keys[i]))
			return true;
	return false;
}

/* The parameter `key` names in the config being loaded, and the struct its
 * offset is into; NULL when the machine has no such key. */
static const param_t *cfg_param(cfg_load_t *L, const char *key, void **base)
{
	if (!L->m || cfg_shared(key)) {
		*base = &L->hw;
		return param_find(L->t, L->n, key);
	}
	*base = L->hw.machine_cfg.bytes;
	return param_find(L->mt, L->mn, key);
}

/* Selects machine index L->hw.machine: its table, and its defaults. */
static int cfg_select_machine(cfg_load_t *L, sim_err_t *err)
{
	L->m = machine_get((unsigned)L->hw.machine);
	if (!L->m)
		return SIM_OK;
	L->mt = L->m->params(&L->mn);
	memset(&L->hw.machine_cfg, 0, sizeof L->hw.machine_cfg);
	return param_defaults(L->mt, L->mn, L->hw.machine_cfg.bytes, err);
}

void config_hw_defaults(hw_cfg_t *out)
{
	size_t n;
	const param_t *t = param_hw_table(&n);
	memset(out, 0, sizeof *out);
	sim_err_t err;
	/* The table's defaults are all valid: the config suite's
	 * defaults_load test fails otherwise, so there is no error to pass on. */
	(void)param_defaults(t, n, out, &err);
}

/* The file name without directory and extension (configs/x.yaml -> x). */
static void cfg_basename(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t len = strcspn(b, ".");
	if (len == 0)
		len = strlen(b);
	if (len >= size)
		len = size - 1;
	memcpy(out, b, len);
	out[len] = '\0';
}

static void cfg_option_name(char *buf, size_t size, const char *flag, const char *text)
{
	snprintf(buf, size, "option %s '%s'", flag, text);
}

static int cfg_unknown_key(sim_err_t *err, const char *name, const param_t *t, size_t n, const char *key,
			   const char *help)
{
	const char *best = param_suggest(t, n, key);
	if (best)
		return sim_err(err, SIM_EINPUT, "%s: unknown key '%s', did you mean '%s'?", name, key, best);
	return sim_err(err, SIM_EINPUT, "%s: unknown key '%s', expected a key listed by %s", name, key, help);
}

/* snprintf(buf, size, "%s%s", a, b) without the format machinery
 * (size > 0): the walk joins a key to its section for every key. */
static void cfg_join(char *buf, size_t size, const char *a, const char *b)
{
	size_t o = 0;
	for (; *a && o + 1 < size; a++)
		buf[o++] = *a;
	for (; *b && o + 1 < size; b++)
		buf[o++] = *b;
	buf[o] = '\0';
}

/* Walks map (at section prefix, "" or "compute.") against the table. */
static int cfg_walk(cfg_load_t *L, const ydoc_t *d, const ydoc_node_t *map, const char *prefix, sim_err_t *err)
{
	enum { MAX_KEYS = 64, MAX_NAME = 64 };
	char store[MAX_KEYS][MAX_NAME];
	const char *allowed[MAX_KEYS + 1];
	size_t na = 0, pl = strlen(prefix);
	size_t total = L->n + (L->m ? L->mn : 0);
	for (size_t k = 0; k < total && na < MAX_KEYS; k++) {
		const param_t *p = k < L->n ? &L->t[k] : &L->mt[k - L->n];
		if (strncmp(p->key, prefix, pl) != 0 || (L->m && k < L->n && !cfg_shared(p->key)))
			continue;
		const char *rest = p->key + pl;
		size_t len = strcspn(rest, ".");
		size_t j;
		for (j = 0; j < na; j++)
			if (strlen(allowed[j]) == len && strncmp(allowed[j], rest, len) == 0)
				break;
		if (j < na)
			continue;
		len = len < MAX_NAME - 1 ? len : MAX_NAME - 1; /* as snprintf would cut it */
		memcpy(store[na], rest, len);
		store[na][len] = '\0';
		allowed[na] = store[na];
		na++;
	}
	allowed[na] = NULL;
	int rc = ydoc_check_keys(d, map, allowed, err);
	if (rc)
		return rc;

	for (size_t i = 0; i < ydoc_len(map); i++) {
		char full[256];
		cfg_join(full, sizeof full, prefix, ydoc_scalar(ydoc_key(map, i)));
		const ydoc_node_t *v = ydoc_value(map, i);
		/* The machine was selected before the walk (cfg_load_hw). */
		if (!strcmp(full, "machine"))
			continue;
		void *base;
		const param_t *p = cfg_param(L, full, &base);
		if (p) {
			rc = param_set(p, base, d, v, err);
			if (rc)
				return rc;
			if (base == &L->hw)
				L->src[p - L->t] = (cfg_src_t){ 1, ydoc_file(d), ydoc_line(v), ydoc_col(v) };
			continue;
		}
		/* A section is a map of its keys. "compute:" alone is refused: it
		 * reads as if it set something, and silently meant the defaults. */
		if (ydoc_kind(v) == YDOC_SCALAR && !ydoc_quoted(v) && !ydoc_scalar(v)[0])
			return ydoc_error(d, v, err, SIM_EINPUT,
					  "section %s has no keys, expected a map of %s.* keys "
					  "(or leave the section out)",
					  full, full);
		if (ydoc_kind(v) != YDOC_MAP)
			return ydoc_error(d, v, err, SIM_EINPUT, "%s is a %s, expected a map of %s.* keys", full,
					  ydoc_kind(v) == YDOC_SEQ ? "sequence" : "single value", full);
		char sub[260];
		cfg_join(sub, sizeof sub, full, ".");
		rc = cfg_walk(L, d, v, sub, err);
		if (rc)
			return rc;
	}
	return SIM_OK;
}

/* Applies "key=value" as option `flag` (-p) to the hardware being loaded. */
static int cfg_set_option(cfg_load_t *L, const char *flag, const char *key, const char *value, int order, char *name,
			  size_t name_size, sim_err_t *err)
{
	char text[CFG_OPT_MAX - 32];
	snprintf(text, sizeof text, "%s=%s", key, value);
	cfg_option_name(name, name_size, flag, text);
	void *base;
	const param_t *p = cfg_param(L, key, &base);
	if (!p)
		return base == &L->hw ? cfg_unknown_key(err, name, L->t, L->n, key, "--help")
				      : cfg_unknown_key(err, name, L->mt, L->mn, key, "--help-hw");
	int rc = param_set_text(p, base, name, value, err);
	if (rc)
		return rc;
	if (base == &L->hw)
		L->src[p - L->t] = (cfg_src_t){ order, name, 0, 0 };
	return SIM_OK;
}

static int cfg_split(const char *kv, char *key, size_t key_size, const char **value)
{
	const char *eq = strchr(kv, '=');
	if (!eq || (size_t)(eq - kv) >= key_size)
		return -1;
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	*value = eq + 1;
	return 0;
}

/* Reports an inconsistency between keys k1 and k2 where the one set last was
 * written (k1 on a tie). */
static int cfg_blame(const cfg_load_t *L, const char *k1, const char *k2, sim_err_t *err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int cfg_blame(const cfg_load_t *L, const char *k1, const char *k2, sim_err_t *err, const char *fmt, ...)
{
	const cfg_src_t *s1 = &L->src[param_find(L->t, L->n, k1) - L->t];
	const cfg_src_t *s2 = &L->src[param_find(L->t, L->n, k2) - L->t];
	const cfg_src_t *s = s2->order > s1->order ? s2 : s1;
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return sim_err_at(err, SIM_EINPUT, s->name ? s->name : "built-in defaults", s->line, s->col, "%s", msg);
}

static const unsigned cfg_tile_groups[] = { 0, 8, 4, 2, 1 }; /* by tile_sel_t */

static int cfg_check(const cfg_load_t *L, sim_err_t *err)
{
	const hw_cfg_t *hw = &L->hw;
	if (hw->compute.tile != TILE_AUTO && hw->compute.vs_units % cfg_tile_groups[hw->compute.tile]) {
		char can[64] = "";
		size_t o = 0;
		for (int c = TILE_CONFIG1; c <= TILE_CONFIG4; c++)
			if (hw->compute.vs_units % cfg_tile_groups[c] == 0)
				o += (size_t)snprintf(can + o, sizeof can - o, ", %s", hw_tile_name((tile_sel_t)c));
		return cfg_blame(L, "compute.tile", "compute.vs_units", err,
				 "compute.tile %s groups the VS units in %u but compute.vs_units is %u, "
				 "expected a config N can form (auto%s)",
				 hw_tile_name(hw->compute.tile), cfg_tile_groups[hw->compute.tile],
				 hw->compute.vs_units, can);
	}
	if (hw->memory.wbuf.stage_bytes >= hw->memory.wbuf.bytes)
		return cfg_blame(L, "memory.weight_buffer.stage_bytes", "memory.weight_buffer.bytes", err,
				 "memory.weight_buffer.stage_bytes (%llu) is not smaller than "
				 "memory.weight_buffer.bytes (%llu), expected a staging area inside the buffer",
				 (unsigned long long)hw->memory.wbuf.stage_bytes,
				 (unsigned long long)hw->memory.wbuf.bytes);
	if (hw->precision.mul == PREC_FIX16X16 && hw->compute.vs_width % 2)
		return cfg_blame(L, "precision.mul", "compute.vs_width", err,
				 "precision.mul fix16x16 pairs two 16x8 lanes but compute.vs_width %u is odd, "
				 "expected an even vs_width",
				 hw->compute.vs_width);
	/* The DRAM model counts bandwidth in millionths of a byte per cycle;
	 * below one it would round to zero, so refuse rather than clamp. */
	if (hw->memory.dram.gbps * 1e9 / (hw->clock_mhz * 1e6) * 1e6 < 0.5)
		return cfg_blame(L, "memory.dram_gbps", "clock_mhz", err,
				 "memory.dram_gbps %g is below the model's resolution of 1e-6 bytes per cycle at "
				 "clock_mhz %g, expected at least %g",
				 hw->memory.dram.gbps, hw->clock_mhz, 0.5e-6 * hw->clock_mhz * 1e6 / 1e9);
	uint64_t need = hw->memory.inter_double ? 8 : 4;
	if (hw->memory.inter_bytes < need)
		return cfg_blame(
			L, "memory.inter_buffer.bytes", "memory.inter_buffer.double_buffered", err,
			"memory.inter_buffer.bytes %llu cannot hold one fp32 value%s, expected at least %llu bytes",
			(unsigned long long)hw->memory.inter_bytes, hw->memory.inter_double ? " per half" : "",
			(unsigned long long)need);
	return SIM_OK;
}

/* Where a config's text comes from: with text NULL, the file found among
 * the data for the given path (common/datadir.h), read by the loader; with
 * found set, the bytes of that file (found: where datadir_find found it),
 * already read by the caller (config_load_hw_read); else a string. */
typedef struct cfg_text {
	const char *text;
	size_t len;
	const char *found;
} cfg_text_t;

/* A document from src for the config named path. */
static int cfg_load_doc(const char *path, const cfg_text_t *src, ydoc_t **d, sim_err_t *err)
{
	if (src->text && src->found)
		return ydoc_load_file_text(src->found, src->text, src->len, d, err);
	if (src->text)
		return ydoc_load_string(path, src->text, src->len, d, err);
	char found[DATADIR_PATH_MAX];
	return ydoc_load_file(datadir_find(path, found, sizeof found), d, err);
}

static int cfg_load_hw(const char *path, const cfg_text_t *src, const char *const *overrides, size_t n_overrides,
		       hw_cfg_t *out, sim_err_t *err)
{
	cfg_load_t L;
	/* Zeroed whole, padding included, so that equal configs compare equal
	 * with memcmp. */
	memset(&L, 0, sizeof L);
	L.t = param_hw_table(&L.n);
	L.src = calloc(L.n, sizeof *L.src);
	char(*names)[CFG_OPT_MAX] = calloc(n_overrides ? n_overrides : 1, sizeof *names);
	ydoc_t *d = NULL;
	int rc = SIM_OK;
	if (!L.src || !names) {
		rc = sim_err(err, SIM_ENOMEM, "config: out of memory");
		goto done;
	}
	rc = param_defaults(L.t, L.n, &L.hw, err);
	if (rc)
		goto done;
	if (path) {
		rc = cfg_load_doc(path, src, &d, err);
		if (rc)
			goto done;
		if (!ydoc_root(d)) {
			rc = ydoc_error(d, NULL, err, SIM_EINPUT,
					"empty hardware config, expected a map of keys "
					"(sharpsim --help-hw)");
			goto done;
		}
		const ydoc_node_t *mv = ydoc_kind(ydoc_root(d)) == YDOC_MAP ? ydoc_get(ydoc_root(d), "machine") : NULL;
		if (mv && (rc = param_set(param_find(L.t, L.n, "machine"), &L.hw, d, mv, err)))
			goto done;
	}
	/* A -p machine=... decides over the file; the walk and the override
	 * loop below then pass the key by. */
	for (size_t i = 0; i < n_overrides; i++) {
		const char *value;
		char key[256];
		if (!cfg_split(overrides[i], key, sizeof key, &value) && !strcmp(key, "machine")) {
			cfg_option_name(names[i], sizeof names[i], "-p", overrides[i]);
			rc = param_set_text(param_find(L.t, L.n, "machine"), &L.hw, names[i], value, err);
			if (rc)
				goto done;
		}
	}
	rc = cfg_select_machine(&L, err);
	if (rc)
		goto done;
	if (path) {
		rc = cfg_walk(&L, d, ydoc_root(d), "", err);
		if (rc)
			goto done;
		if (L.src[param_find(L.t, L.n, "name") - L.t].order == 0)
			cfg_basename(path, L.hw.name, sizeof L.hw.name);
	}
	for (size_t i = 0; i < n_overrides; i++) {
		char key[256];
		const char *value;
		if (cfg_split(overrides[i], key, sizeof key, &value)) {
			cfg_option_name(names[i], sizeof names[i], "-p", overrides[i]);
			rc = sim_err(err, SIM_EINPUT, "%s: no '=' after a key, expected key=value", names[i]);
			goto done;
		}
		if (!strcmp(key, "machine"))
			continue;
		rc = cfg_set_option(&L, "-p", key, value, 2 + (int)i, names[i], sizeof names[i], err);
		if (rc)
			goto done;
	}
	if (L.m) {
		rc = L.m->check(L.hw.machine_cfg.bytes, err);
		if (rc)
			sim_err_prefix(err, "%s: ", path ? path : "built-in defaults");
	} else {
		rc = cfg_check(&L, err);
	}
	if (rc == SIM_OK)
		memcpy(out, &L.hw, sizeof *out);
done:
	ydoc_free(d);
	free(names);
	free(L.src);
	return rc;
}

int config_peek_machine(const char *path, int *machine, sim_err_t *err)
{
	ydoc_t *d = NULL;
	*machine = 0;
	int rc = cfg_load_doc(path, &(cfg_text_t){ 0 }, &d, err);
	if (rc)
		return rc;
	const ydoc_node_t *root = ydoc_root(d);
	const ydoc_node_t *mv = root && ydoc_kind(root) == YDOC_MAP ? ydoc_get(root, "machine") : NULL;
	if (mv) {
		size_t n;
		const param_t *t = param_hw_table(&n);
		hw_cfg_t hw;
		memset(&hw, 0, sizeof hw);
		rc = param_set(param_find(t, n, "machine"), &hw, d, mv, err);
		*machine = hw.machine;
	}
	ydoc_free(d);
	return rc;
}

bool config_machine_takes(int machine, const char *key)
{
	size_t n;
	const param_t *t = param_hw_table(&n);
	const machine_desc_t *m = machine_get((unsigned)machine);
	if (!m || cfg_shared(key))
		return param_find(t, n, key) != NULL;
	t = m->params(&n);
	return param_find(t, n, key) != NULL;
}

int config_load_hw(const char *path, const char *const *overrides, size_t n_overrides, hw_cfg_t *out, sim_err_t *err)
{
	return cfg_load_hw(path, &(cfg_text_t){ 0 }, overrides, n_overrides, out, err);
}

int config_load_hw_read(const char *path, const char *found, const char *text, size_t len, const char *const *overrides,
			size_t n_overrides, hw_cfg_t *out, sim_err_t *err)
{
	return cfg_load_hw(path, &(cfg_text_t){ .text = text, .len = len, .found = found }, overrides, n_overrides, out,
			   err);
}

int config_load_hw_string(const char *name, const char *text, size_t len, const char *const *overrides,
			  size_t n_overrides, hw_cfg_t *out, sim_err_t *err)
{
	return cfg_load_hw(name, &(cfg_text_t){ .text = text, .len = len }, overrides, n_overrides, out, err);
}

int config_set_hw(hw_cfg_t *hw, const char *key, const char *value, sim_err_t *err)
{
	cfg_load_t L;
	memset(&L, 0, sizeof L);
	memcpy(&L.hw, hw, sizeof L.hw);
	L.t = param_hw_table(&L.n);
	L.m = machine_get((unsigned)hw->machine);
	if (L.m)
		L.mt = L.m->params(&L.mn);
	if (!strcmp(key, "machine"))
		return sim_err(err, SIM_EINPUT,
			       "option -p 'machine=%s': the machine is chosen per file (or with -p on the command "
			       "line), not per sweep point, expected another key",
			       value);
	cfg_src_t *src = calloc(L.n, sizeof *src);
	if (!src)
		return sim_err(err, SIM_ENOMEM, "config: out of memory");
	L.src = src;
	char name[CFG_OPT_MAX];
	int rc = cfg_set_option(&L, "-p", key, value, 2, name, sizeof name, err);
	if (rc == SIM_OK)
		memcpy(hw, &L.hw, sizeof *hw);
	free(src);
	return rc;
}

/* ---- workloads ---- */

/* A progressive layer (approx: svd_prune, docs/progressive.md): an LSTM
 * whose augmented gate matrix [W_x W_h] has C = I + H columns (I = 0 with
 * skip_input), so NZ is 1..C; one direction, dense, not a delta network
 * (the program is built from the factors' shape, not from a mask). */
static int cfg_check_approx(const ydoc_t *d, const ydoc_node_t *item, const layer_cfg_t *l, size_t i, sim_err_t *err)
{
	const ydoc_node_t *ap = ydoc_get(item, "approx");
	if (l->approx == APPROX_NONE) {
		/* A key away from its default (the dump writes every key) on an
		 * exact layer is a mistake, not a no-op. */
		const char *k = l->approx_nz		     ? "approx_nz"
				: l->approx_steps != 1	     ? "approx_steps"
				: l->approx_value_bits != 32 ? "approx_value_bits"
				: l->approx_index_bits != 16 ? "approx_index_bits"
				: l->approx_order	     ? "approx_order"
				: l->approx_factors[0]	     ? "approx_factors"
							     : NULL;
		if (k && ydoc_get(item, k))
			return ydoc_error(d, ydoc_get(item, k), err, SIM_EINPUT,
					  "%s applies to a progressive layer, expected approx: svd_prune beside it", k);
		return SIM_OK;
	}
	const char *why = NULL;
	if (!(cell_get(l->cell)->flags & CELL_F_APPROX))
		why = "its factors are of the augmented LSTM gate matrix [W_x W_h], expected cell: lstm";
	else if (l->direction == DIR_BI)
		why = "it is modelled for one direction, expected direction: unidirectional or reverse";
	else if (workload_sparse(l) || l->weight_bits != WBITS_16)
		why = "its factors carry their own storage (approx_value_bits, approx_index_bits), expected "
		      "sparsity: 0, sparse_format: dense and weight_bits: 16";
	else if (l->delta)
		why = "a delta network's skipped columns are not modelled on a progressive layer, expected "
		      "delta: false";
	if (why)
		return ydoc_error(d, ap ? ap : item, err, SIM_EINPUT,
				  "layer %zu is progressive (approx: svd_prune): %s", i + 1, why);
	uint32_t c = (l->skip_input ? 0 : l->input_size) + l->hidden_size;
	if (l->approx_nz < 1 || l->approx_nz > c) {
		const ydoc_node_t *at = ydoc_get(item, "approx_nz");
		return ydoc_error(d,
				  at   ? at
				  : ap ? ap
				       : item,
				  err, SIM_EINPUT, "approx_nz is %u, expected 1..%u (the columns of [W_x W_h], I + H)",
				  l->approx_nz, c);
	}
	return SIM_OK;
}

static int cfg_layer(const ydoc_t *d, const ydoc_node_t *item, size_t index, layer_cfg_t *l,
		     const ydoc_node_t **gru_form_node, sim_err_t *err)
{
	size_t n;
	const param_t *t = param_layer_table(&n);
	const char *allowed[48];
	if (n >= sizeof allowed / sizeof allowed[0])
		return sim_err(err, SIM_EINTERNAL, "the layer table has %zu keys, more than cfg_layer holds", n);
	for (size_t i = 0; i < n; i++)
		allowed[i] = t[i].key;
	allowed[n] = NULL;
	if (ydoc_kind(item) != YDOC_MAP)
		return ydoc_error(d, item, err, SIM_EINPUT, "layer %zu is a %s, expected a map of layer keys",
				  index + 1, ydoc_kind(item) == YDOC_SEQ ? "sequence" : "single value");
	int rc = ydoc_check_keys(d, item, allowed, err);
	if (rc)
		return rc;
	rc = param_defaults(t, n, l, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const ydoc_node_t *v = ydoc_get(item, t[i].key);
		if (!v && !t[i].def) {
			char range[256];
			param_range_text(&t[i], range, sizeof range);
			return ydoc_error(d, item, err, SIM_EINPUT, "layer %zu has no %s, expected %s: %s", index + 1,
					  t[i].key, t[i].key, range);
		}
		if (!v)
			continue;
		rc = param_set(&t[i], l, d, v, err);
		if (rc)
			return rc;
	}
	*gru_form_node = ydoc_get(item, "gru_form");
	l->line = ydoc_line(item);
	l->col = ydoc_col(item);
	return SIM_OK;
}

/* The layer keys that say how a layer's weights are stored or skipped. A
 * layer without weights (a softmax) takes none of them in its file, and a
 * -w override of one applies to the layers that have weights. */
static const char *const cfg_storage_keys[] = {
	"weight_bits",	     "weight_scale",  "weight_scale_block", "weight_codebook", "codebook_bits",
	"codebook_entries",  "sparsity",      "sparsity_pattern",   "sparsity_block",  "sparsity_seed",
	"sparsity_mask",     "sparse_format", "index_bits",	    "delta",	       "delta_threshold_x",
	"delta_threshold_h",
};
#define CFG_N_STORAGE_KEYS (sizeof cfg_storage_keys / sizeof *cfg_storage_keys)

static bool cfg_storage_key(const char *key)
{
	for (size_t k = 0; k < CFG_N_STORAGE_KEYS; k++)
		if (!strcmp(key, cfg_storage_keys[k]))
			return true;
	return false;
}

/* Applies one -w override to every layer (gru_form: to the GRU layers; a
 * weight-storage key: to the layers with weights). */
static int cfg_workload_option(workload_t *w, const char *kv, sim_err_t *err)
{
	char name[CFG_OPT_MAX], key[256];
	const char *value;
	cfg_option_name(name, sizeof name, "-w", kv);
	if (cfg_split(kv, key, sizeof key, &value))
		return sim_err(err, SIM_EINPUT, "%s: no '=' after a key, expected key=value", name);
	size_t n;
	const param_t *t = param_layer_table(&n);
	const param_t *p = param_find(t, n, key);
	if (!p)
		return cfg_unknown_key(err, name, t, n, key, "--help-workload");
	ydoc_t *d;
	int rc = ydoc_load_string(name, value, strlen(value), &d, err);
	if (rc)
		return rc;
	bool gru_only = strcmp(key, "gru_form") == 0, storage = cfg_storage_key(key), applied = false;
	for (size_t i = 0; i < w->n_layers && rc == SIM_OK; i++) {
		unsigned f = cell_get(w->layers[i].cell)->flags;
		if ((gru_only && !(f & CELL_F_FORMS)) || (storage && (f & CELL_F_SOFTMAX)))
			continue;
		rc = param_set(p, &w->layers[i], d, ydoc_root(d), err);
		applied = true;
	}
	ydoc_free(d);
	if (rc == SIM_OK && !applied)
		return sim_err(err, SIM_EINPUT, "%s: gru_form applies only to gru layers, expected a workload with one",
			       name);
	return rc;
}

/* A codebook layer's cross-key rules: its entries fit its index width
 * (cmp_codebook.h), a uniform codebook has two ends, and the codebook
 * replaces weight_bits (a stored weight is an index, not a scaled integer). */
static int cfg_check_codebook(const ydoc_t *d, const ydoc_node_t *item, const layer_cfg_t *l, size_t i, sim_err_t *err)
{
	if (l->weight_codebook == WCB_NONE)
		return SIM_OK;
	const ydoc_node_t *at;
	if (l->weight_bits != WBITS_16) {
		at = ydoc_get(item, "weight_bits");
		return ydoc_error(d, at ? at : item, err, SIM_EINPUT,
				  "layer %zu stores its weights as codebook indices (weight_codebook: %s), expected "
				  "no weight_bits beside it (or 16)",
				  i + 1, param_wcb_names[l->weight_codebook]);
	}
	if (l->weight_codebook != WCB_KMEANS && l->weight_codebook != WCB_UNIFORM)
		return SIM_OK; /* a NeuCompression ratio fixes its own bits and entries */
	uint32_t most = 1u << l->codebook_bits;
	at = ydoc_get(item, "codebook_entries");
	if (l->codebook_entries > most)
		return ydoc_error(d, at ? at : item, err, SIM_EINPUT,
				  "layer %zu's codebook of %u entries is larger than %u-bit indices can address, "
				  "expected codebook_entries at most %u (or codebook_bits larger)",
				  i + 1, l->codebook_entries, l->codebook_bits, most);
	if (l->weight_codebook == WCB_UNIFORM && l->codebook_entries == 1)
		return ydoc_error(d, at ? at : item, err, SIM_EINPUT,
				  "layer %zu's uniform codebook has 1 entry, expected at least 2 (its ends are "
				  "-max|w| and +max|w|)",
				  i + 1);
	return SIM_OK;
}

/* A magnitude mask prunes the layer's own weights, so it needs them. */
static int cfg_check_mask(const ydoc_t *d, const ydoc_node_t *item, const layer_cfg_t *l, size_t i, sim_err_t *err)
{
	if (l->sparsity_mask != SMASK_MAGNITUDE || l->weights[0])
		return SIM_OK;
	const ydoc_node_t *at = ydoc_get(item, "sparsity_mask");
	return ydoc_error(d, at ? at : item, err, SIM_EINPUT,
			  "layer %zu prunes its weights by magnitude (sparsity_mask: magnitude) but has no weights "
			  "directory, expected 'weights: DIR' (or sparsity_mask: seeded)",
			  i + 1);
}

static int cfg_load_workload(const char *given, const cfg_text_t *src, const char *const *overrides, size_t n_overrides,
			     workload_t *out, sim_err_t *err)
{
	char found[DATADIR_PATH_MAX];
	const char *path = src->found ? src->found : src->text ? given : datadir_find(given, found, sizeof found);
	workload_t w = { 0 };
	const ydoc_node_t **gru_nodes = NULL;
	ydoc_t *d = NULL;
	int rc = src->text ? cfg_load_doc(given, src, &d, err) : ydoc_load_file(path, &d, err);
	if (rc)
		return rc;
	const ydoc_node_t *root = ydoc_root(d);
	static const char *const top_keys[] = { "name", "layers", NULL };
	if (!root) {
		rc = ydoc_error(d, NULL, err, SIM_EINPUT, "empty workload, expected a map with name and layers");
		goto fail;
	}
	rc = ydoc_check_keys(d, root, top_keys, err);
	if (rc)
		goto fail;
	if (strlen(path) >= sizeof w.path) {
		rc = sim_err(err, SIM_EINPUT, "%s: path is longer than %zu characters, expected a shorter path", path,
			     sizeof w.path - 1);
		goto fail;
	}
	memcpy(w.path, path, strlen(path) + 1);
	const ydoc_node_t *nm = ydoc_get(root, "name");
	if (nm) {
		const char *s;
		rc = ydoc_as_string(d, nm, &s, err);
		if (rc)
			goto fail;
		if (strlen(s) >= sizeof w.name) {
			rc = ydoc_error(d, nm, err, SIM_EINPUT, "name is %zu characters long, expected at most %zu",
					strlen(s), sizeof w.name - 1);
			goto fail;
		}
		memcpy(w.name, s, strlen(s) + 1);
	} else {
		cfg_basename(path, w.name, sizeof w.name);
	}
	const ydoc_node_t *layers = ydoc_get(root, "layers");
	if (!layers) {
		rc = ydoc_error(d, root, err, SIM_EINPUT, "no layers, expected a 'layers:' list of at least one layer");
		goto fail;
	}
	if (ydoc_kind(layers) != YDOC_SEQ || ydoc_len(layers) == 0) {
		rc = ydoc_error(d, layers, err, SIM_EINPUT, "layers is %s, expected a list of at least one layer",
				ydoc_kind(layers) == YDOC_SEQ	? "empty"
				: ydoc_kind(layers) == YDOC_MAP ? "a map"
								: "a single value");
		goto fail;
	}
	w.n_layers = ydoc_len(layers);
	w.layers = calloc(w.n_layers, sizeof *w.layers);
	gru_nodes = calloc(w.n_layers, sizeof *gru_nodes);
	if (!w.layers || !gru_nodes) {
		rc = sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	for (size_t i = 0; i < w.n_layers; i++) {
		rc = cfg_layer(d, ydoc_item(layers, i), i, &w.layers[i], &gru_nodes[i], err);
		if (rc)
			goto fail;
	}
	for (size_t i = 0; i < n_overrides; i++) {
		rc = cfg_workload_option(&w, overrides[i], err);
		if (rc)
			goto fail;
	}
	/* Checked after the overrides: -w cell=... may change a layer's cell. */
	for (size_t i = 0; i < w.n_layers; i++) {
		const layer_cfg_t *l = &w.layers[i];
		const ydoc_node_t *item = ydoc_item(layers, i);
		if (i > 0 && l->input_size != workload_layer_output(&w.layers[i - 1])) {
			const ydoc_node_t *at = ydoc_get(item, "input_size");
			rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
					"layer %zu's input_size is %u but layer %zu outputs %u per step, expected "
					"input_size: %u",
					i + 1, l->input_size, i, workload_layer_output(&w.layers[i - 1]),
					workload_layer_output(&w.layers[i - 1]));
			goto fail;
		}
		/* A softmax normalizes the network's output vector: it follows a
		 * layer (its logits) and ends the network, over as many outputs as
		 * it has inputs (smx_prog.h). */
		if (cell_get(l->cell)->flags & CELL_F_SOFTMAX) {
			const char *why = NULL, *key = NULL;
			if (i == 0 || i + 1 != w.n_layers)
				why = "a softmax normalizes the network's output, expected it as the last layer, after "
				      "the layer whose outputs it normalizes (an fc, for example)";
			else if (l->hidden_size != l->input_size)
				why = "a softmax has one output per input, expected hidden_size equal to input_size",
				key = "hidden_size";
			else if (l->weights[0])
				why = "a softmax has no weights, expected no weights: on it", key = "weights";
			/* Nor any key that describes how weights are stored or
			 * skipped: each would be priced or masked on no weights. */
			static const char *const weight_keys[] = {
				"weight_bits",	      "weight_scale",
				"weight_scale_block", "weight_codebook",
				"codebook_bits",      "codebook_entries",
				"sparsity",	      "sparsity_pattern",
				"sparsity_block",     "sparsity_seed",
				"sparsity_mask",      "sparse_format",
				"index_bits",	      "delta",
				"delta_threshold_x",  "delta_threshold_h",
			};
			for (size_t k = 0; !why && k < sizeof weight_keys / sizeof *weight_keys; k++)
				if (ydoc_get(item, weight_keys[k]))
					why = "it has no weights to store", key = weight_keys[k];
			if (why) {
				const ydoc_node_t *at = key ? ydoc_get(item, key) : NULL;
				if (key && strcmp(key, "hidden_size") && strcmp(key, "weights"))
					rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
							"layer %zu is a softmax: %s, expected no %s on it", i + 1, why,
							key);
				else
					rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
							"layer %zu is a softmax: %s", i + 1, why);
				goto fail;
			}
		}
		/* A cell without U reads only x: skipping it leaves nothing;
		 * without a state either (fc) it has no time order to reverse. */
		unsigned cf = cell_get(l->cell)->flags;
		if (!(cf & CELL_F_RECURRENT) && (l->skip_input || (!(cf & CELL_F_STATE) && l->direction != DIR_UNI))) {
			const ydoc_node_t *at = ydoc_get(item, l->skip_input ? "skip_input" : "direction");
			if (l->skip_input)
				rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
						"a %s layer's products read only x, expected no skip_input on it",
						workload_cell_name(l->cell));
			else
				rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
						"a %s layer has no recurrence, expected no %s on it",
						workload_cell_name(l->cell),
						l->direction == DIR_BI ? "direction: bidirectional"
								       : "direction: reverse");
			goto fail;
		}
		/* PyTorch's rule: a projection narrower than H, on an LSTM cell
		 * (the cells that keep c and hand on o*tanh(c)). */
		if (l->proj_size && (!(cf & CELL_F_PROJ) || l->proj_size >= l->hidden_size)) {
			const ydoc_node_t *at = ydoc_get(item, "proj_size");
			char cells[128];
			if (cf & CELL_F_PROJ)
				rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
						"proj_size %u is not below hidden_size %u, expected 0 (no projection) "
						"or 1..%u",
						l->proj_size, l->hidden_size, l->hidden_size - 1);
			else
				rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
						"proj_size applies to the LSTM cells (%s), expected no proj_size on a "
						"%s layer",
						cell_list(cells, sizeof cells, CELL_F_PROJ),
						workload_cell_name(l->cell));
			goto fail;
		}
		if (l->sequence_lens.n) {
			const ydoc_node_t *at = ydoc_get(item, "sequence_lens");
			uint32_t longest = 0, over = 0;
			for (uint32_t b = 0; b < l->sequence_lens.n; b++) {
				uint32_t n = l->sequence_lens.len[b];
				longest = n > longest ? n : longest;
				if (n > l->timesteps && !over)
					over = b + 1;
			}
			if (l->sequence_lens.n != l->batch_size)
				rc = ydoc_error(
					d, at ? at : item, err, SIM_EINPUT,
					"sequence_lens has %u entries, expected one per sequence: batch_size %u",
					l->sequence_lens.n, l->batch_size);
			else if (over)
				rc = ydoc_error(d, at ? ydoc_item(at, over - 1) ? ydoc_item(at, over - 1) : at : item,
						err, SIM_EINPUT,
						"sequence_lens[%u] is %u, longer than timesteps %u, expected 1..%u",
						over - 1, l->sequence_lens.len[over - 1], l->timesteps, l->timesteps);
			else if (longest != l->timesteps)
				rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
						"the longest of sequence_lens is %u but timesteps is %u, expected "
						"timesteps: %u (T is the padded length, the longest sequence's)",
						longest, l->timesteps, longest);
			if (rc)
				goto fail;
		}
		if (l->proj_size && workload_sparse(l)) {
			const ydoc_node_t *at = ydoc_get(item, "proj_size");
			rc = ydoc_error(d, at ? at : item, err, SIM_EINPUT,
					"a projection (proj_size) on pruned weights is not modelled (the zero masks "
					"cover W and U only), expected sparsity: 0 and sparse_format: dense with it");
			goto fail;
		}
		static const char *const role_key[LAYER_ROLES] = { "act_f", "act_g", "act_h" };
		for (unsigned r = workload_act_roles(l->cell); r < LAYER_ROLES; r++)
			if (l->act[r] != LACT_AUTO || l->act_alpha[r] != 0 || l->act_beta[r] != 0) {
				const ydoc_node_t *at = ydoc_get(item, role_key[r]);
				rc = ydoc_error(
					d, at ? at : item, err, SIM_EINPUT,
					"a %s layer has %u activation role%s (f, g, h in that order), expected no "
					"%s",
					workload_cell_name(l->cell), workload_act_roles(l->cell),
					workload_act_roles(l->cell) == 1 ? "" : "s", role_key[r]);
				goto fail;
			}
		rc = cfg_check_codebook(d, item, l, i, err);
		if (!rc)
			rc = cfg_check_mask(d, item, l, i, err);
		if (!rc)
			rc = cfg_check_approx(d, item, l, i, err);
		if (rc)
			goto fail;
		if (gru_nodes[i] && !(cell_get(w.layers[i].cell)->flags & CELL_F_FORMS)) {
			rc = ydoc_error(d, gru_nodes[i], err, SIM_EINPUT,
					"gru_form applies only to gru layers, expected no gru_form on a %s layer",
					workload_cell_name(w.layers[i].cell));
			goto fail;
		}
	}
	free(gru_nodes);
	ydoc_free(d);
	*out = w;
	return SIM_OK;
fail:
	free(gru_nodes);
	ydoc_free(d);
	workload_free(&w);
	return rc;
}

int config_load_workload(const char *path, const char *const *overrides, size_t n_overrides, workload_t *out,
			 sim_err_t *err)
{
	return cfg_load_workload(path, &(cfg_text_t){ 0 }, overrides, n_overrides, out, err);
}

int config_load_workload_read(const char *path, const char *found, const char *text, size_t len,
			      const char *const *overrides, size_t n_overrides, workload_t *out, sim_err_t *err)
{
	return cfg_load_workload(path, &(cfg_text_t){ .text = text, .len = len, .found = found }, overrides,
				 n_overrides, out, err);
}

int config_load_workload_string(const char *name, const char *text, size_t len, const char *const *overrides,
				size_t n_overrides, workload_t *out, sim_err_t *err)
{
	return cfg_load_workload(name, &(cfg_text_t){ .text = text, .len = len }, overrides, n_overrides, out, err);
}

/* ---- dumps, help, hash ---- */

/* Another machine's config: the shared keys, then its own section. */
static void cfg_dump_machine(param_out_t *o, const hw_cfg_t *hw, const machine_desc_t *m, bool for_hash)
{
	size_t n, mn;
	const param_t *t = param_hw_table(&n), *mt = m->params(&mn);
	for (size_t i = 0; i < n; i++) {
		if (!cfg_shared(t[i].key))
			continue;
		if (for_hash)
			param_dump_hash(o, &t[i], 1, hw);
		else
			param_dump(o->f, &t[i], 1, hw);
	}
	if (for_hash)
		param_dump_hash(o, mt, mn, hw->machine_cfg.bytes);
	else
		param_dump(o->f, mt, mn, hw->machine_cfg.bytes);
}

void config_dump_hw(FILE *f, const hw_cfg_t *hw)
{
	size_t n;
	const param_t *t = param_hw_table(&n);
	const machine_desc_t *m = machine_get((unsigned)hw->machine);
	if (m)
		cfg_dump_machine(&(param_out_t){ .f = f }, hw, m, false);
	else
		param_dump(f, t, n, hw);
}

/* for_hash leaves out a quiet_default key at its default, as the hardware
 * dump does (param_dump_hash), so a new key does not move old hashes. */
static void dump_workload(param_out_t *o, const workload_t *w, bool for_hash)
{
	size_t n;
	const param_t *t = param_layer_table(&n);
	char value[PARAM_VALUE_MAX];
	/* name is not a table key: format it as a string field would be. */
	const param_t name_param = {
		.key = "name", .type = PARAM_STRING, .offset = offsetof(workload_t, name), .size = sizeof w->name
	};
	param_format(&name_param, w, value, sizeof value);
	param_out_str(o, "name: ");
	param_out_str(o, value);
	param_out_str(o, "\nlayers:\n");
	for (size_t i = 0; i < w->n_layers; i++) {
		const layer_cfg_t *l = &w->layers[i];
		bool first = true;
		for (size_t k = 0; k < n; k++) {
			if (strcmp(t[k].key, "gru_form") == 0 && !(cell_get(l->cell)->flags & CELL_F_FORMS))
				continue;
			/* act_f, act_g, act_h and their alpha, beta: the cell's roles only */
			static const char roles[] = "fgh";
			const char *role = strncmp(t[k].key, "act_", 4) == 0 ? strchr(roles, t[k].key[4]) : NULL;
			if (role && (unsigned)(role - roles) >= workload_act_roles(l->cell))
				continue;
			param_format(&t[k], l, value, sizeof value);
			if (for_hash && t[k].quiet_default && t[k].def && strcmp(value, t[k].def) == 0)
				continue;
			param_out_str(o, first ? "  - " : "    ");
			param_out_str(o, t[k].key);
			param_out_str(o, ": ");
			param_out_str(o, value);
			param_out_str(o, "\n");
			first = false;
		}
	}
}

void config_dump_workload(FILE *f, const workload_t *w)
{
	dump_workload(&(param_out_t){ .f = f }, w, false);
}

void config_help_hw(FILE *f)
{
	size_t n;
	const param_t *t = param_hw_table(&n);
	fprintf(f, "Hardware keys (YAML file, or -p key=value; sizes take KiB/MiB/GiB/KB/MB/GB):\n");
	param_help(f, t, n);
	for (size_t i = 0; machine_builtin[i]; i++) {
		const machine_desc_t *m = machine_builtin[i];
		size_t mn;
		const param_t *mt = m->params(&mn);
		fprintf(f, "\nMachine %s (machine: %s; with name and clock_mhz, these keys only): %s\n", m->name,
			m->name, m->description);
		param_help(f, mt, mn);
	}
}

void config_help_workload(FILE *f)
{
	size_t n;
	const param_t *t = param_layer_table(&n);
	fprintf(f, "Workload layer keys (each item of 'layers:', or -w key=value for every layer):\n");
	param_help(f, t, n);
}

uint64_t config_hash(const hw_cfg_t *hw, const workload_t *w, const char *version)
{
	/* FNV-1a over the text the dumps would write, fed as it is formed */
	param_out_t o = { .hash = FNV1A_BASIS };
	if (hw) {
		size_t n;
		const param_t *t = param_hw_table(&n);
		const machine_desc_t *m = machine_get((unsigned)hw->machine);
		if (m)
			cfg_dump_machine(&o, hw, m, true);
		else
			param_dump_hash(&o, t, n, hw);
	}
	param_out_str(&o, "---\n");
	if (w)
		dump_workload(&o, w, true);
	param_out_str(&o, "---\n");
	param_out_str(&o, version ? version : "");
	param_out_str(&o, "\n");
	return o.hash;
}

/* ---- tile tables ---- */

uint64_t config_timing_key(const hw_cfg_t *hw)
{
	size_t n;
	const param_t *t = param_hw_table(&n);
	return param_timing_key(t, n, hw);
}

/* A 64-bit key written as "0x" and 16 hex digits. */
static int cfg_hex_key(const ydoc_t *d, const ydoc_node_t *n, const char *name, const char *text, uint64_t *out,
		       sim_err_t *err)
{
	char *end;
	errno = 0;
	*out = strtoull(text, &end, 16);
	if (errno || end == text || *end || strncmp(text, "0x", 2) != 0 || strlen(text) != 18)
		return ydoc_error(d, n, err, SIM_EINPUT,
				  "%s is '%s', expected 0x and 16 hex digits as written by `sharpsim explore`", name,
				  text);
	return SIM_OK;
}

static int cfg_tile_entry(const ydoc_t *d, const ydoc_node_t *e, tile_entry_t *out, sim_err_t *err)
{
	static const char *const keys[] = { "vs_units",	 "vs_width", "scheduler", "cell", "input_size", "hidden_size",
					    "timesteps", "batch",    "layer_key", "best", "cycles",	NULL };
	int rc = ydoc_check_keys(d, e, keys, err);
	for (size_t i = 0; rc == SIM_OK && keys[i]; i++)
		if (!ydoc_get(e, keys[i]))
			rc = ydoc_error(d, e, err, SIM_EINPUT,
					"tile entry has no %s, expected all of vs_units, vs_width, scheduler, cell, "
					"input_size, hidden_size, timesteps, batch, layer_key, best, cycles (a "
					"table from an older sharpsim: run `sharpsim explore` again)",
					keys[i]);
	if (rc)
		return rc;
	uint64_t u[6];
	int s, c, b;
	const char *key_text;
	if ((rc = ydoc_as_u64(d, ydoc_get(e, "vs_units"), 1, 65536, &u[0], err)) ||
	    (rc = ydoc_as_u64(d, ydoc_get(e, "timesteps"), 1, UINT32_MAX, &u[4], err)) ||
	    (rc = ydoc_as_u64(d, ydoc_get(e, "batch"), 1, UINT32_MAX, &u[5], err)) ||
	    (rc = ydoc_as_string(d, ydoc_get(e, "layer_key"), &key_text, err)) ||
	    (rc = cfg_hex_key(d, ydoc_get(e, "layer_key"), "layer_key", key_text, &out->layer_key, err)) ||
	    (rc = ydoc_as_u64(d, ydoc_get(e, "vs_width"), 1, 4096, &u[1], err)) ||
	    (rc = ydoc_as_u64(d, ydoc_get(e, "input_size"), 0, 1048576, &u[2], err)) ||
	    (rc = ydoc_as_u64(d, ydoc_get(e, "hidden_size"), 1, 65536, &u[3], err)) ||
	    (rc = param_enum_parse(d, ydoc_get(e, "scheduler"), "scheduler", sched_builtin_names, &s, err)) ||
	    (rc = param_enum_parse(d, ydoc_get(e, "cell"), "cell", cell_builtin_names, &c, err)) ||
	    (rc = param_enum_parse(d, ydoc_get(e, "best"), "best", param_tile_names, &b, err)))
		return rc;
	if (b == TILE_AUTO)
		return ydoc_error(d, ydoc_get(e, "best"), err, SIM_EINPUT,
				  "best is auto, expected the config that won: config1 to config4");
	const ydoc_node_t *cy = ydoc_get(e, "cycles");
	if (ydoc_kind(cy) != YDOC_SEQ || ydoc_len(cy) != 4)
		return ydoc_error(d, cy, err, SIM_EINPUT,
				  "cycles is not a list of 4, expected [config1, config2, config3, config4] cycles");
	for (size_t i = 0; i < 4; i++) {
		rc = ydoc_as_u64(d, ydoc_item(cy, i), 0, UINT64_MAX, &out->cycles[i], err);
		if (rc)
			return rc;
	}
	out->vs_units = (uint32_t)u[0];
	out->vs_width = (uint32_t)u[1];
	out->input_size = (uint32_t)u[2];
	out->hidden_size = (uint32_t)u[3];
	out->timesteps = (uint32_t)u[4];
	out->batch = (uint32_t)u[5];
	out->scheduler = (sched_kind_t)s;
	out->cell = (cell_kind_t)c;
	out->best = (tile_sel_t)b;
	return SIM_OK;
}

/* ---- the tile table's fast path ----
 *
 * A table as `sharpsim explore` writes it (config_write_tile_table) holds
 * one flow mapping per line; building a YAML tree of its ~570 entries was
 * most of a one-layer run's time. The fast path reads such a file line by
 * line instead. It accepts only the writer's exact form (plain digits, no
 * leading zeros, known names, every key in order, comments of printable
 * ASCII) and gives up on the first line it does not recognise; the YAML
 * loader then reads the file, and it alone decides what is valid and says
 * where what is not is. So the fast path accepts nothing the loader would
 * refuse, and reads what it accepts as the loader would.
 *
 * Every line is still checked in full (a table with one bad entry is
 * refused, whichever entry a run needs), so what makes it cheap is per
 * byte: the file is read in 8 KB chunks and split with memchr, fixed text
 * is matched with memcmp of a constant length, a number's digits are
 * counted before they are converted, so that only a 20-digit number needs
 * an overflow test, and the spans a line shares with the line before it
 * are compared whole rather than read again (tt_memo_t). A line is
 * [s, end): nothing reads past end. */

/* s past the literal lit when [s, end) starts with it, else NULL (a
 * constant length, so that the compiler compares it in a few words). */
#define TT_LIT(s, end, lit)                                                                                         \
	((s) && (size_t)((end) - (s)) >= sizeof lit - 1 && !memcmp((s), lit, sizeof lit - 1) ? (s) + sizeof lit - 1 \
											     : NULL)

/* Inlined at each field: a call per field was a third of a line's cost. */
#define TT_INLINE static inline __attribute__((always_inline))

/* The parsers below take a position in a line (NULL: an earlier part
 * failed) and give the position past what they read, or NULL. A line
 * handed to them ends with its newline, which stops every scan. */

/* A decimal in [lo, hi]: plain digits, no leading zero, at most
 * UINT64_MAX. A number of at most 20 digits that is not above UINT64_MAX
 * (tested on its text) has no prefix above it either, so v never wraps. */
TT_INLINE const char *tt_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (!s)
		return NULL;
	const char *b = s;
	uint64_t v = 0;
	for (unsigned d; (d = (unsigned)(unsigned char)*s - '0') <= 9; s++)
		v = v * 10 + d;
	size_t n = (size_t)(s - b);
	if (!n || (n > 1 && *b == '0') || n > 20 || (n == 20 && memcmp(b, "18446744073709551615", 20) > 0) || v < lo ||
	    v > hi)
		return NULL;
	*out = v;
	return s;
}

TT_INLINE const char *tt_u32(const char *s, uint64_t lo, uint64_t hi, uint32_t *out)
{
	uint64_t v;
	if (!(s = tt_u64(s, lo, hi, &v)))
		return NULL;
	*out = (uint32_t)v;
	return s;
}

/* "0x" and 16 lower-case hex digits, quoted. */
TT_INLINE const char *tt_key(const char *s, const char *end, uint64_t *out)
{
	if (!s || end - s < 20 || memcmp(s, "\"0x", 3) || s[19] != '"')
		return NULL;
	uint64_t v = 0;
	for (int i = 3; i < 19; i++) {
		unsigned c = (unsigned char)s[i], d = c - '0', x = c - 'a';
		if (d > 9 && x > 5)
			return NULL;
		v = v << 4 | (d <= 9 ? d : x + 10);
	}
	*out = v;
	return s + 20;
}

/* One of names, spelled exactly: the name, then a character no name holds
 * (the comparison stops at the first difference, at the latest at the
 * line's newline, so nothing past it is read). Compared in line: a call to
 * strlen and one to strncmp per candidate name cost more than the few
 * letters they compared, twice for each of a table's entries. */
TT_INLINE const char *tt_name(const char *s, const char *const *names, int *out)
{
	if (!s)
		return NULL;
	for (int i = 0; names[i]; i++) {
		const char *name = names[i];
		if (name[0] != s[0])
			continue;
		size_t n = 0;
		while (name[n] && name[n] == s[n])
			n++;
		if (name[n])
			continue;
		unsigned c = (unsigned char)s[n]; /* s's n are the name's: s[n] is on the line */
		if (!(c - 'a' < 26 || c - '0' < 10 || c == '_')) {
			*out = i;
			return s + n;
		}
	}
	return NULL;
}

/* What the last entry's line began with, and what it held after its
 * scheduler: consecutive entries of a table are mostly one layer under
 * each scheduler in turn, whose lines repeat both spans byte for byte.
 * Each span is read by the parsers above from its own bytes alone (every
 * number and name in it ends at a delimiter in it, the key is its last 20
 * bytes), so a span equal to the last one reads to the same fields, which
 * are copied instead; only a span that was read whole is kept. Every byte
 * of every line is still compared or read: one memcmp of a span, about
 * 140 bytes, costs less than reading its six fields. */
typedef struct tt_memo {
	char pre[64], mid[256];
	size_t npre, nmid;
	tile_entry_t e; /* the fields the two spans gave */
} tt_memo_t;

/* Whether [s, end) starts with the n bytes of span, n > 0. */
static bool tt_same(const char *s, const char *end, const char *span, size_t n)
{
	return n && (size_t)(end - s) > n && !memcmp(s, span, n);
}

/* Keeps [b, s) as a span of the memo, when it fits. */
static void tt_keep(char *span, size_t cap, size_t *n, const char *b, const char *s)
{
	size_t len = (size_t)(s - b);
	*n = len <= cap ? len : 0;
	if (*n)
		memcpy(span, b, len);
}

static bool tt_entry(tt_memo_t *m, const char *s, const char *end, tile_entry_t *e)
{
	int sc, c, b = TILE_AUTO;
	const char *b0 = s;
	if (tt_same(s, end, m->pre, m->npre)) {
		e->vs_units = m->e.vs_units;
		e->vs_width = m->e.vs_width;
		s += m->npre;
	} else {
		s = tt_u32(TT_LIT(s, end, "  - {vs_units: "), 1, 65536, &e->vs_units);
		s = tt_u32(TT_LIT(s, end, ", vs_width: "), 1, 4096, &e->vs_width);
		if (!(s = TT_LIT(s, end, ", scheduler: ")))
			return false;
		tt_keep(m->pre, sizeof m->pre, &m->npre, b0, s);
		m->e.vs_units = e->vs_units;
		m->e.vs_width = e->vs_width;
	}
	if (!(s = tt_name(s, sched_builtin_names, &sc)))
		return false;
	const char *b1 = s;
	if (tt_same(s, end, m->mid, m->nmid)) {
		c = (int)m->e.cell;
		e->input_size = m->e.input_size;
		e->hidden_size = m->e.hidden_size;
		e->timesteps = m->e.timesteps;
		e->batch = m->e.batch;
		e->layer_key = m->e.layer_key;
		s += m->nmid;
	} else {
		s = tt_name(TT_LIT(s, end, ", cell: "), cell_builtin_names, &c);
		s = tt_u32(TT_LIT(s, end, ", input_size: "), 0, 1048576, &e->input_size);
		s = tt_u32(TT_LIT(s, end, ", hidden_size: "), 1, 65536, &e->hidden_size);
		s = tt_u32(TT_LIT(s, end, ", timesteps: "), 1, UINT32_MAX, &e->timesteps);
		s = tt_u32(TT_LIT(s, end, ", batch: "), 1, UINT32_MAX, &e->batch);
		if (!(s = tt_key(TT_LIT(s, end, ", layer_key: "), end, &e->layer_key)))
			return false;
		tt_keep(m->mid, sizeof m->mid, &m->nmid, b1, s);
		m->e.cell = (cell_kind_t)c;
		m->e.input_size = e->input_size;
		m->e.hidden_size = e->hidden_size;
		m->e.timesteps = e->timesteps;
		m->e.batch = e->batch;
		m->e.layer_key = e->layer_key;
	}
	s = tt_name(TT_LIT(s, end, ", best: "), param_tile_names, &b);
	s = tt_u64(TT_LIT(s, end, ", cycles: ["), 0, UINT64_MAX, &e->cycles[0]);
	s = tt_u64(TT_LIT(s, end, ", "), 0, UINT64_MAX, &e->cycles[1]);
	s = tt_u64(TT_LIT(s, end, ", "), 0, UINT64_MAX, &e->cycles[2]);
	s = tt_u64(TT_LIT(s, end, ", "), 0, UINT64_MAX, &e->cycles[3]);
	s = TT_LIT(s, end, "]}");
	if (s != end || b == TILE_AUTO)
		return false;
	e->scheduler = (sched_kind_t)sc;
	e->cell = (cell_kind_t)c;
	e->best = (tile_sel_t)b;
	return true;
}

/* A character of a preset name that needs no quoting or escape. */
static bool tt_hw_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '+' || c == '-';
}

/* The state of a table read line by line. */
typedef struct tt_read {
	tile_table_t t;
	size_t cap;
	bool in_entries, done, have_hw;
	tt_memo_t memo;
} tt_read_t;

/* One line [p, end), without its newline: false when it is not in the
 * writer's form. */
static bool tt_line(tt_read_t *r, const char *p, const char *end)
{
	if (r->done)
		return false;
	if (r->in_entries) {
		if (r->t.n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 1024;
			tile_entry_t *e = realloc(r->t.e, r->cap * sizeof *e);
			if (!e)
				return false;
			r->t.e = e;
		}
		if (!tt_entry(&r->memo, p, end, &r->t.e[r->t.n]))
			return false;
		r->t.n++;
		return true;
	}
	if (p < end && *p == '#') {
		/* printable ASCII only: what any YAML reader takes in a comment */
		for (const char *s = p; s < end; s++)
			if (*s < ' ' || *s > '~')
				return false;
		return true;
	}
	const char *q;
	if ((q = TT_LIT(p, end, "hw: \""))) {
		p = q;
		size_t k = 0;
		while (p + k < end && tt_hw_char(p[k]))
			k++;
		bool ok = !r->have_hw && k && p + k + 1 == end && p[k] == '"';
		r->have_hw = true;
		return ok;
	}
	if ((q = TT_LIT(p, end, "timing_key: "))) {
		bool ok = !r->t.has_key && tt_key(q, end, &r->t.timing_key) == end;
		r->t.has_key = true;
		return ok;
	}
	if (TT_LIT(p, end, "entries:") == end)
		return r->in_entries = true;
	r->done = true;
	return TT_LIT(p, end, "entries: []") == end;
}

bool config_load_tile_table_plain(const char *path, tile_table_t *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	/* A chunk, and the start of a line it cut (no line of the writer's
	 * form comes near 1 KB); on the stack, so that reading the table
	 * touches no heap page a run would not. */
	enum { TT_CHUNK = 8192, TT_LINE = 1024 };
	char buf[TT_CHUNK + TT_LINE];
	tt_read_t r = { .t = { 0 } };
	size_t have = 0, bytes = 0, got;
	bool ok = true;
	while (ok && (got = fread(buf + have, 1, TT_CHUNK, f)) > 0) {
		bytes += got;
		have += got;
		const char *p = buf, *end = buf + have, *nl;
		while (ok && (nl = memchr(p, '\n', (size_t)(end - p)))) {
			ok = tt_line(&r, p, nl);
			p = nl + 1;
		}
		have = (size_t)(end - p);
		ok &= have < TT_LINE && bytes <= CONFIG_TILE_TABLE_MAX_BYTES;
		if (ok)
			memmove(buf, p, have);
	}
	/* the last line ends with its newline; "entries:" with no entry under
	 * it is a null, which the YAML loader refuses (the writer says "[]") */
	ok &= !have && !ferror(f) && ((r.in_entries && r.t.n) || r.done);
	fclose(f);
	if (!ok) {
		free(r.t.e);
		return false;
	}
	*out = r.t;
	return true;
}

int config_load_tile_table(const char *path, tile_table_t *out, sim_err_t *err)
{
	if (config_load_tile_table_plain(path, out))
		return SIM_OK;
	return config_load_tile_table_yaml(path, out, err);
}

int config_load_tile_table_yaml(const char *path, tile_table_t *out, sim_err_t *err)
{
	static const char *const top_keys[] = { "hw", "timing_key", "entries", NULL };
	tile_table_t t = { 0 };
	ydoc_t *d;
	int rc = ydoc_load_file_max(path, CONFIG_TILE_TABLE_MAX_BYTES, &d, err);
	if (rc)
		return rc;
	const ydoc_node_t *root = ydoc_root(d);
	if (root) {
		rc = ydoc_check_keys(d, root, top_keys, err);
		const ydoc_node_t *hw = ydoc_get(root, "hw");
		const char *hw_name;
		if (rc == SIM_OK && hw)
			rc = ydoc_as_string(d, hw, &hw_name, err);
		const ydoc_node_t *key = ydoc_get(root, "timing_key");
		const char *key_text;
		if (rc == SIM_OK && key)
			rc = ydoc_as_string(d, key, &key_text, err);
		if (rc == SIM_OK && key) {
			rc = cfg_hex_key(d, key, "timing_key", key_text, &t.timing_key, err);
			t.has_key = true;
		}
		const ydoc_node_t *es = ydoc_get(root, "entries");
		if (rc == SIM_OK && es && ydoc_kind(es) != YDOC_SEQ)
			rc = ydoc_error(d, es, err, SIM_EINPUT,
					"entries is not a list, expected a list of tile entries");
		if (rc == SIM_OK && es && ydoc_len(es)) {
			t.n = ydoc_len(es);
			t.e = calloc(t.n, sizeof *t.e);
			if (!t.e)
				rc = sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
			for (size_t i = 0; rc == SIM_OK && i < t.n; i++)
				rc = cfg_tile_entry(d, ydoc_item(es, i), &t.e[i], err);
		}
	}
	ydoc_free(d);
	if (rc) {
		config_tile_table_free(&t);
		return rc;
	}
	*out = t;
	return SIM_OK;
}

int config_write_tile_table(const char *path, const char *hw_name, const tile_table_t *t, sim_err_t *err)
{
	/* afile: atomic for a regular file, in place for a device, refused for
	 * a directory, no temporary file left by a signal. */
	afile_t *a = afile_open(path, err);
	if (!a)
		return err->code;
	FILE *f = afile_stream(a);
	const param_t name_param = { .key = "hw", .type = PARAM_STRING, .size = strlen(hw_name) + 1 };
	char name[HW_NAME_MAX * 4 + 8];
	param_format(&name_param, hw_name, name, sizeof name);
	fprintf(f, "# sharpsim tile table, written by `sharpsim explore`: the best tile config per\n"
		   "# (vs_units, vs_width, scheduler, layer_key), explored at the layer's own timesteps\n"
		   "# and batch; cycles lists config1..config4 (0 = the config cannot be formed).\n"
		   "# timing_key hashes every hardware key that moves cycles, layer_key every layer\n"
		   "# key: a run whose keys differ explores instead.\n");
	fprintf(f, "hw: %s\n", name);
	if (t->has_key)
		fprintf(f, "timing_key: \"0x%016llx\"\n", (unsigned long long)t->timing_key);
	fprintf(f, "entries:%s\n", t->n ? "" : " []");
	for (size_t i = 0; i < t->n; i++) {
		const tile_entry_t *e = &t->e[i];
		fprintf(f,
			"  - {vs_units: %u, vs_width: %u, scheduler: %s, cell: %s, input_size: %u, hidden_size: %u, "
			"timesteps: %u, batch: %u, layer_key: \"0x%016llx\", best: %s, cycles: [%llu, %llu, %llu, "
			"%llu]}\n",
			(unsigned)e->vs_units, (unsigned)e->vs_width, hw_sched_name(e->scheduler),
			workload_cell_name(e->cell), (unsigned)e->input_size, (unsigned)e->hidden_size,
			(unsigned)e->timesteps, (unsigned)e->batch, (unsigned long long)e->layer_key,
			hw_tile_name(e->best), (unsigned long long)e->cycles[0], (unsigned long long)e->cycles[1],
			(unsigned long long)e->cycles[2], (unsigned long long)e->cycles[3]);
	}
	return afile_commit(a, err);
}

uint64_t config_layer_timing_key(const layer_cfg_t *l)
{
	size_t n;
	const param_t *t = param_layer_table(&n);
	return param_timing_key(t, n, l);
}

const tile_entry_t *config_tile_lookup(const tile_table_t *t, uint32_t n, uint32_t k, sched_kind_t s,
				       uint64_t layer_key)
{
	for (size_t i = 0; i < t->n; i++) {
		const tile_entry_t *e = &t->e[i];
		if (e->vs_units == n && e->vs_width == k && e->scheduler == s && e->layer_key == layer_key)
			return e;
	}
	return NULL;
}

void config_tile_table_free(tile_table_t *t)
{
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

void config_help_man(FILE *f, const char *version)
{
	size_t nh, nl;
	const param_t *hw = param_hw_table(&nh);
	const param_t *layer = param_layer_table(&nl);
	fprintf(f,
		".\\\" Generated by sharpsim --help-man from the parameter table; do not edit.\n"
		".TH SHARPSIM 1 \"\" \"sharpsim %s\" \"User Commands\"\n",
		version);
	fputs(".SH NAME\n"
	      "sharpsim \\- cycle\\-level simulator of SHARP\\-style RNN inference accelerators\n"
	      ".SH SYNOPSIS\n"
	      ".B sharpsim\n"
	      ".I command\n"
	      "[\\fIoptions\\fR]\n"
	      ".SH DESCRIPTION\n"
	      "sharpsim runs LSTM, GRU, vanilla RNN and fully connected layers on a model of the SHARP "
	      "accelerator (and of the E\\-PUR and BrainWave baselines) cycle by cycle and reports cycles, "
	      "utilization, stalls by cause, energy and area. Commands: run, explore, config, compare, sweep, "
	      "merge, plot; \\fBsharpsim\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR lists the options of one.\n"
	      ".PP\n"
	      "A hardware config is a YAML file of the keys below (or \\fB\\-p\\fR \\fIkey=value\\fR); a "
	      "workload is a YAML file with a \\fBlayers:\\fR list of the layer keys below (or "
	      "\\fB\\-w\\fR \\fIkey=value\\fR for every layer). Each default names its source: "
	      "\\fIpaper\\fR (a published value), \\fIhardware.md\\fR (the project's reading of the paper, "
	      "docs/hardware.md), or \\fIengineering choice\\fR.\n"
	      ".SH HARDWARE KEYS\n",
	      f);
	param_help_man(f, hw, nh);
	fputs(".SH WORKLOAD LAYER KEYS\n", f);
	param_help_man(f, layer, nl);
	fprintf(f,
		".SH FILES\n"
		"Presets, workloads, tile tables and technology tables are named by relative paths such as "
		"configs/sharp\\-4k.yaml. Each is looked up as given (relative to the working directory), then "
		"under \\fB$SHARPSIM_DATA\\fR, then in the installed data directory \\fI%s\\fR, then "
		"beside the executable.\n"
		".SH ENVIRONMENT\n"
		".TP\n.B SHARPSIM_DATA\n"
		"A directory searched for data files before the installed one.\n"
		".SH EXIT STATUS\n"
		"0 success, 2 bad input (one line \\fIfile:line:col: message\\fR on standard error), "
		"3 I/O error, 4 deadlock, 5 internal error.\n"
		".SH SEE ALSO\n"
		"sharpsim \\-\\-help\\-hw, sharpsim \\-\\-help\\-workload, sharpsim \\-\\-help\\-counters; "
		"the C API in <sharpsim/sharpsim.h> (pkg\\-config sharpsim).\n",
		datadir_installed());
}

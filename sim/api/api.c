/*
 * api.c - the public C API (include/sharpsim/sharpsim.h): a thin layer over
 * the path `sharpsim run` takes (config -> core/run.h -> energy -> report).
 *
 * Invariant: s->hw and s->w are always the result of loading the current
 * source with every kept override, so a run never sees a half-applied
 * change; a failed load or override leaves the previous state in place.
 */
#include "../../include/sharpsim/sharpsim.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../config/config.h"
#include "../core/pipeline.h"
#include "../core/run.h"
#include "../energy/energy.h"
#include "../report/report.h"

#ifndef SHARPSIM_VERSION
#define SHARPSIM_VERSION "0.0.0"
#endif

/* The defaults of `sharpsim run` (sim/cli/cli_run.c). */
#define API_DEFAULT_HW "configs/sharp-4k.yaml"
#define API_DEFAULT_WORKLOAD "workloads/deepbench/lstm_h1024_b1_t25.yaml"
#define API_DEFAULT_TECH "configs/tech/sharp-32nm.yaml"

/* A YAML source: a file path, or text named `name` in messages. */
typedef struct api_src {
	char *name;
	char *text; /* NULL: name is a file path */
} api_src_t;

/* A growable list of "key=value" overrides. */
typedef struct api_list {
	char **v;
	size_t n;
} api_list_t;

struct sharpsim {
	sim_err_t err;
	api_src_t hw_src, wl_src;
	api_list_t p, wo;
	hw_cfg_t hw;
	workload_t w;
	bool hw_loaded, wl_loaded;
	bool ran, priced;
	run_result_t r;
	energy_report_t e;
	uint64_t hash;
};

const char *sharpsim_version(void)
{
	return SHARPSIM_VERSION;
}

static void api_src_free(api_src_t *src)
{
	free(src->name);
	free(src->text);
	src->name = src->text = NULL;
}

static void api_forget_run(sharpsim_t *s)
{
	if (s->ran)
		run_result_free(&s->r);
	s->ran = s->priced = false;
}

sharpsim_t *sharpsim_new(void)
{
	sharpsim_t *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->hw_src.name = strdup(API_DEFAULT_HW);
	s->wl_src.name = strdup(API_DEFAULT_WORKLOAD);
	if (!s->hw_src.name || !s->wl_src.name) {
		sharpsim_free(s);
		return NULL;
	}
	return s;
}

void sharpsim_free(sharpsim_t *s)
{
	if (!s)
		return;
	api_forget_run(s);
	workload_free(&s->w);
	api_src_free(&s->hw_src);
	api_src_free(&s->wl_src);
	for (size_t i = 0; i < s->p.n; i++)
		free(s->p.v[i]);
	for (size_t i = 0; i < s->wo.n; i++)
		free(s->wo.v[i]);
	free(s->p.v);
	free(s->wo.v);
	free(s);
}

const char *sharpsim_error(const sharpsim_t *s)
{
	return s ? s->err.msg : "sharpsim: no object (sharpsim_new failed), expected one";
}

static int api_ok(sharpsim_t *s)
{
	s->err.code = SIM_OK;
	s->err.msg[0] = '\0';
	return SHARPSIM_OK;
}

/* Loads the hardware from src with the kept overrides into s->hw. */
static int api_load_hw(sharpsim_t *s, const api_src_t *src)
{
	hw_cfg_t hw;
	const char *const *p = (const char *const *)s->p.v;
	int rc = src->text ? config_load_hw_string(src->name, src->text, strlen(src->text), p, s->p.n, &hw, &s->err)
			   : config_load_hw(src->name, p, s->p.n, &hw, &s->err);
	if (rc)
		return rc;
	api_forget_run(s);
	s->hw = hw;
	s->hw_loaded = true;
	return api_ok(s);
}

static int api_load_wl(sharpsim_t *s, const api_src_t *src)
{
	workload_t w = { 0 };
	const char *const *wo = (const char *const *)s->wo.v;
	int rc = src->text ? config_load_workload_string(src->name, src->text, strlen(src->text), wo, s->wo.n, &w,
							 &s->err)
			   : config_load_workload(src->name, wo, s->wo.n, &w, &s->err);
	if (rc) {
		workload_free(&w);
		return rc;
	}
	api_forget_run(s);
	workload_free(&s->w);
	s->w = w;
	s->wl_loaded = true;
	return api_ok(s);
}

/* Loads a new source; on success it replaces *cur, else *cur stays. */
static int api_set_src(sharpsim_t *s, api_src_t *cur, const char *name, const char *text, bool hw)
{
	if (!name)
		return sim_err(&s->err, SIM_EINPUT, "sharpsim_load: no path or name, expected a string");
	api_src_t src = { strdup(name), text ? strdup(text) : NULL };
	if (!src.name || (text && !src.text)) {
		api_src_free(&src);
		return sim_err(&s->err, SIM_ENOMEM, "sharpsim_load: out of memory");
	}
	int rc = hw ? api_load_hw(s, &src) : api_load_wl(s, &src);
	if (rc) {
		api_src_free(&src);
		return rc;
	}
	api_src_free(cur);
	*cur = src;
	return SHARPSIM_OK;
}

int sharpsim_load_hw(sharpsim_t *s, const char *path)
{
	return api_set_src(s, &s->hw_src, path, NULL, true);
}

int sharpsim_load_hw_string(sharpsim_t *s, const char *name, const char *yaml)
{
	if (!yaml)
		return sim_err(&s->err, SIM_EINPUT, "sharpsim_load_hw_string: no text, expected YAML");
	return api_set_src(s, &s->hw_src, name, yaml, true);
}

int sharpsim_load_workload(sharpsim_t *s, const char *path)
{
	return api_set_src(s, &s->wl_src, path, NULL, false);
}

int sharpsim_load_workload_string(sharpsim_t *s, const char *name, const char *yaml)
{
	if (!yaml)
		return sim_err(&s->err, SIM_EINPUT, "sharpsim_load_workload_string: no text, expected YAML");
	return api_set_src(s, &s->wl_src, name, yaml, false);
}

/* Appends an override and reloads; a rejected override is dropped. */
static int api_override(sharpsim_t *s, api_list_t *l, const char *kv, bool hw)
{
	if (!kv)
		return sim_err(&s->err, SIM_EINPUT, "sharpsim_override: no text, expected key=value");
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (!v)
		return sim_err(&s->err, SIM_ENOMEM, "sharpsim_override: out of memory");
	l->v = v;
	if (!(l->v[l->n] = strdup(kv)))
		return sim_err(&s->err, SIM_ENOMEM, "sharpsim_override: out of memory");
	l->n++;
	int rc = hw ? api_load_hw(s, &s->hw_src) : api_load_wl(s, &s->wl_src);
	if (rc)
		free(l->v[--l->n]);
	return rc;
}

int sharpsim_override_hw(sharpsim_t *s, const char *key_value)
{
	return api_override(s, &s->p, key_value, true);
}

int sharpsim_override_workload(sharpsim_t *s, const char *key_value)
{
	return api_override(s, &s->wo, key_value, false);
}

static int api_price(sharpsim_t *s, const char *path)
{
	energy_tech_t *tech = NULL;
	int rc = energy_tech_load(path, &tech, &s->err);
	if (!rc)
		rc = run_price(tech, &s->r, &s->e, &s->err);
	energy_tech_destroy(tech);
	return rc;
}

int sharpsim_run(sharpsim_t *s, const sharpsim_opts_t *opts)
{
	sharpsim_opts_t d = { .seed = 1 };
	const sharpsim_opts_t *o = opts ? opts : &d;
	int rc = SIM_OK;
	if (!s->hw_loaded)
		rc = api_load_hw(s, &s->hw_src);
	if (!rc && !s->wl_loaded)
		rc = api_load_wl(s, &s->wl_src);
	if (rc)
		return rc;
	api_forget_run(s);
	run_opts_t ro = {
		.cold = o->cold, .functional = o->functional, .seed = o->seed, .fast_forward = !o->no_fast_forward
	};
	rc = accel_run(&s->hw, &s->w, &ro, &s->r, &s->err);
	if (rc)
		return rc;
	s->ran = true;
	s->hash = config_hash(&s->hw, &s->w, SHARPSIM_VERSION);
	if (!o->no_energy) {
		rc = api_price(s, o->tech ? o->tech : API_DEFAULT_TECH);
		if (rc) {
			api_forget_run(s);
			return rc;
		}
		s->priced = true;
	}
	return api_ok(s);
}

uint64_t sharpsim_cycles(const sharpsim_t *s)
{
	return s->ran ? s->r.cycles : 0;
}

uint64_t sharpsim_load_cycles(const sharpsim_t *s)
{
	return s->ran ? s->r.load_cycles : 0;
}

double sharpsim_latency_us(const sharpsim_t *s)
{
	return s->ran ? s->r.latency_us : 0.0;
}

double sharpsim_utilization(const sharpsim_t *s)
{
	return s->ran ? s->r.utilization : 0.0;
}

uint64_t sharpsim_useful_macs(const sharpsim_t *s)
{
	return s->ran ? s->r.useful_macs : 0;
}

uint64_t sharpsim_issued_macs(const sharpsim_t *s)
{
	return s->ran ? s->r.issued_macs : 0;
}

int sharpsim_weights_fit(const sharpsim_t *s)
{
	return s->ran && s->r.weights_fit;
}

double sharpsim_energy_uj(const sharpsim_t *s)
{
	return s->priced ? s->e.energy_uj : 0.0;
}

double sharpsim_power_w(const sharpsim_t *s)
{
	return s->priced ? s->e.avg_power_w : 0.0;
}

double sharpsim_area_mm2(const sharpsim_t *s)
{
	return s->priced ? s->e.area_mm2 : 0.0;
}

size_t sharpsim_counter_count(const sharpsim_t *s)
{
	return s->ran ? stats_size(s->r.stats) : 0;
}

const char *sharpsim_counter_name(const sharpsim_t *s, size_t i)
{
	return i < sharpsim_counter_count(s) ? stats_name(s->r.stats, i) : NULL;
}

const char *sharpsim_counter_desc(const sharpsim_t *s, size_t i)
{
	return i < sharpsim_counter_count(s) ? stats_desc(s->r.stats, i) : NULL;
}

const char *sharpsim_counter_unit(const sharpsim_t *s, size_t i)
{
	return i < sharpsim_counter_count(s) ? stats_unit_name(stats_unit(s->r.stats, i)) : NULL;
}

uint64_t sharpsim_counter_value(const sharpsim_t *s, size_t i)
{
	return i < sharpsim_counter_count(s) ? stats_value(s->r.stats, i) : 0;
}

int sharpsim_counter(sharpsim_t *s, const char *name, uint64_t *value)
{
	if (!s->ran)
		return sim_err(&s->err, SIM_EINPUT, "sharpsim_counter: no run yet, expected sharpsim_run first");
	if (!value)
		return sim_err(&s->err, SIM_EINPUT, "sharpsim_counter: no place for the value, expected a pointer");
	if (!name || !stats_find(s->r.stats, name, value))
		return sim_err(&s->err, SIM_EINPUT,
			       "sharpsim_counter: unknown counter '%s', expected a name of "
			       "sharpsim --help-counters",
			       name ? name : "(null)");
	return api_ok(s);
}

int sharpsim_write_report(sharpsim_t *s, FILE *f, const char *format)
{
	report_format_t fmt;
	if (!s->ran)
		return sim_err(&s->err, SIM_EINPUT, "sharpsim_write_report: no run yet, expected sharpsim_run first");
	if (!format || report_parse_format(format, &fmt))
		return sim_err(&s->err, SIM_EINPUT,
			       "sharpsim_write_report: unknown format '%s', expected text, json "
			       "or csv",
			       format ? format : "(null)");
	report_ctx_t ctx = { .version = SHARPSIM_VERSION,
			     .config_hash = s->hash,
			     .w = &s->w,
			     .r = &s->r,
			     .energy = s->priced ? &s->e : NULL };
	report_write(f, fmt, &ctx);
	if (ferror(f))
		return sim_err(&s->err, SIM_EIO, "sharpsim_write_report: cannot write the report");
	return api_ok(s);
}

/* Placeholder until the functional engine lands (being written now). */
#include "fpipe.h"

fpipe_t *fpipe_create(const hw_cfg_t *hw, const workload_t *w, uint64_t seed, const char *dump_dir,
		      stats_t *st, sim_err_t *err)
{
	(void)hw, (void)w, (void)seed, (void)dump_dir, (void)st;
	sim_err(err, SIM_EINPUT, "functional mode is not available in this build");
	return NULL;
}
void fpipe_destroy(fpipe_t *f) { (void)f; }
int fpipe_begin_layer(fpipe_t *f, uint32_t l, const sched_prog_t *p, sim_err_t *e) { (void)f, (void)l, (void)p, (void)e; return 0; }
void fpipe_tile(fpipe_t *f, uint32_t s, uint32_t c, cu_tile_t *t) { (void)f, (void)s, (void)c, (void)t; }
void fpipe_block(fpipe_t *f, uint32_t s, uint32_t t, const cu_out_t *o) { (void)f, (void)s, (void)t, (void)o; }
void fpipe_activate(fpipe_t *f, uint32_t s, uint32_t t, uint32_t q) { (void)f, (void)s, (void)t, (void)q; }
void fpipe_update(fpipe_t *f, uint32_t s, uint32_t e, uint32_t n) { (void)f, (void)s, (void)e, (void)n; }
int fpipe_end_layer(fpipe_t *f, uint32_t l, func_layer_err_t *o, sim_err_t *e) { (void)f, (void)l, (void)o, (void)e; return 0; }

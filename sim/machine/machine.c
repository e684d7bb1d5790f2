#include "machine.h"

#include <stdlib.h>

#include "brainwave/brainwave.h"
#include "epur/epur.h"
#include "rnnaccel/rnnaccel.h"

/* Each machine's descriptor lives in a file of its own under
 * sim/machine/<name>/; this list is the only place that names them all. */
const machine_desc_t *const machine_builtin[] = {
	&machine_desc_epur,
	&machine_desc_brainwave,
	&machine_desc_rnnaccel,
	NULL,
};

const char *const machine_names[] = {
	"sharp", "epur", "brainwave", "rnnaccel", NULL,
};

const machine_desc_t *machine_get(unsigned m)
{
	if (m == 0)
		return NULL;
	for (unsigned i = 0; machine_builtin[i]; i++)
		if (i + 1 == m)
			return machine_builtin[i];
	return NULL;
}

void machine_result_free(machine_result_t *r)
{
	free(r->passes);
	stats_destroy(r->stats);
	r->passes = NULL;
	r->stats = NULL;
	r->n_passes = 0;
}

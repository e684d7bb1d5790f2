#include "cell.h"

#include <stdio.h>
#include <string.h>

/* The built-in cells, one line each, in cell_kind_t order; a cell's
 * descriptor is cell_desc_<name> and its name is <name>. */
#define CELL_BUILTINS(X) X(lstm) X(gru) X(vanilla) X(fc) X(lstm_peephole) X(lstm_coupled) X(qrnn) X(softmax)

#define CELL_DECLARE(id) extern const cell_desc_t cell_desc_##id;
CELL_BUILTINS(CELL_DECLARE)
#undef CELL_DECLARE

#define CELL_ADDRESS(id) &cell_desc_##id,
static const cell_desc_t *const builtin[] = { CELL_BUILTINS(CELL_ADDRESS) };
#undef CELL_ADDRESS

#define CELL_NAME(id) #id,
const char *const cell_builtin_names[] = { CELL_BUILTINS(CELL_NAME) NULL };
#undef CELL_NAME

#define CELL_NBUILTIN (sizeof builtin / sizeof builtin[0])
_Static_assert(CELL_NBUILTIN == CELL_KIND_ALL, "one built-in cell per cell_kind_t");

size_t cell_count(void)
{
	return CELL_NBUILTIN;
}

const cell_desc_t *cell_get(cell_kind_t c)
{
	return (unsigned)c < CELL_NBUILTIN ? builtin[c] : NULL;
}

int cell_find(const char *s)
{
	for (size_t i = 0; i < CELL_NBUILTIN; i++)
		if (!strcmp(builtin[i]->name, s))
			return (int)i;
	return -1;
}

const cell_variant_t *cell_variant(const cell_desc_t *d, gru_form_t form)
{
	return &d->variant[(unsigned)form < d->n_variants ? (unsigned)form : 0];
}

const char *cell_list(char *buf, size_t size, unsigned flags)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < CELL_NBUILTIN && used < size; i++)
		if ((builtin[i]->flags & flags) == flags)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", builtin[i]->name);
	return buf;
}

#include "record.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct field {
	char *key, *value;
	char type;
} field_t;

struct sweep_rec {
	field_t *f;
	size_t n, cap;
	sweep_rec_t **sub; /* sub-rows, in order (owned) */
	size_t nsub;
};

sweep_rec_t *sweep_rec_create(void)
{
	return calloc(1, sizeof(sweep_rec_t));
}

void sweep_rec_free(sweep_rec_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].key);
		free(r->f[i].value);
	}
	for (size_t i = 0; i < r->nsub; i++)
		sweep_rec_free(r->sub[i]);
	free(r->sub);
	free(r->f);
	free(r);
}

sweep_rec_t *sweep_rec_copy(const sweep_rec_t *r)
{
	sweep_rec_t *c = sweep_rec_create();
	if (!c || (r->n && !(c->f = malloc(r->n * sizeof *c->f)))) {
		sweep_rec_free(c);
		return NULL;
	}
	c->cap = r->n;
	/* r's keys are unique and its texts clean (sweep_rec_add made them
	 * so): the fields are copied as they are, without sweep_rec_add's
	 * search of the fields before each (a row has about 60). */
	for (size_t i = 0; i < r->n; i++) {
		char *k = strdup(r->f[i].key), *v = strdup(r->f[i].value);
		if (!k || !v) {
			free(k);
			free(v);
			sweep_rec_free(c);
			return NULL;
		}
		c->f[c->n++] = (field_t){ k, v, r->f[i].type };
	}
	for (size_t i = 0; i < r->nsub; i++) {
		sweep_rec_t *s = sweep_rec_copy(r->sub[i]);
		if (!s || sweep_rec_add_child(c, s)) {
			sweep_rec_free(c);
			return NULL;
		}
	}
	return c;
}

int sweep_rec_add_child(sweep_rec_t *r, sweep_rec_t *child)
{
	sweep_rec_t **s = realloc(r->sub, (r->nsub + 1) * sizeof *s);
	if (!s) {
		sweep_rec_free(child);
		return SIM_ENOMEM;
	}
	r->sub = s;
	r->sub[r->nsub++] = child;
	return SIM_OK;
}

size_t sweep_rec_children(const sweep_rec_t *r)
{
	return r->nsub;
}

const sweep_rec_t *sweep_rec_child(const sweep_rec_t *r, size_t i)
{
	return r->sub[i];
}

/* Whether two keys are equal: the first bytes, inline, before strcmp.
 * A row's fields are searched by key one after another (about 60 of
 * them), and most differ in their first byte. */
static inline bool rec_key_is(const char *a, const char *b)
{
	return a[0] == b[0] && !strcmp(a, b);
}

/* A copy with TAB, CR and LF turned into spaces (the payload separators). */
static char *rec_clean(const char *s)
{
	char *c = strdup(s);
	for (char *p = c; p && *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return c;
}

int sweep_rec_add(sweep_rec_t *r, const char *key, char type, const char *value)
{
	char *k = rec_clean(key), *v = rec_clean(type == 'z' ? "" : value);
	if (!k || !v) {
		free(k);
		free(v);
		return SIM_ENOMEM;
	}
	for (size_t i = 0; i < r->n; i++)
		if (rec_key_is(r->f[i].key, k)) {
			free(k);
			free(r->f[i].value);
			r->f[i].value = v;
			r->f[i].type = type;
			return SIM_OK;
		}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		field_t *f = realloc(r->f, cap * sizeof *f);
		if (!f) {
			free(k);
			free(v);
			return SIM_ENOMEM;
		}
		r->f = f;
		r->cap = cap;
	}
	r->f[r->n++] = (field_t){ k, v, type };
	return SIM_OK;
}

int sweep_rec_add_num(sweep_rec_t *r, const char *key, const char *fmt, double v)
{
	if (!isfinite(v))
		return sweep_rec_add(r, key, 'z', "");
	char buf[64];
	snprintf(buf, sizeof buf, fmt, v);
	return sweep_rec_add(r, key, 'n', buf);
}

int sweep_rec_add_u64(sweep_rec_t *r, const char *key, unsigned long long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%llu", v);
	return sweep_rec_add(r, key, 'n', buf);
}

size_t sweep_rec_len(const sweep_rec_t *r)
{
	return r->n;
}

const char *sweep_rec_key(const sweep_rec_t *r, size_t i)
{
	return r->f[i].key;
}

const char *sweep_rec_value(const sweep_rec_t *r, size_t i)
{
	return r->f[i].value;
}

char sweep_rec_type(const sweep_rec_t *r, size_t i)
{
	return r->f[i].type;
}

const char *sweep_rec_get(const sweep_rec_t *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (rec_key_is(r->f[i].key, key))
			return r->f[i].value;
	return NULL;
}

char sweep_rec_get_type(const sweep_rec_t *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (rec_key_is(r->f[i].key, key))
			return r->f[i].type;
	return 0;
}

/* The payload size of r's own fields, and writing them at o. */
static size_t rec_fields_size(const sweep_rec_t *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += strlen(r->f[i].key) + strlen(r->f[i].value) + 5;
	return n;
}

static char *rec_fields_put(const sweep_rec_t *r, char *o)
{
	for (size_t i = 0; i < r->n; i++)
		o += sprintf(o, "%s\t%c\t%s\n", r->f[i].key, r->f[i].type, r->f[i].value);
	return o;
}

#define REC_SUB_LINE "\tr\t\n" /* starts a sub-row */

char *sweep_rec_encode(const sweep_rec_t *r, size_t *len)
{
	size_t n = 1 + rec_fields_size(r);
	for (size_t i = 0; i < r->nsub; i++)
		n += strlen(REC_SUB_LINE) + rec_fields_size(r->sub[i]);
	char *p = malloc(n), *o = p;
	if (!p)
		return NULL;
	o = rec_fields_put(r, o);
	for (size_t i = 0; i < r->nsub; i++)
		o = rec_fields_put(r->sub[i], o + sprintf(o, REC_SUB_LINE));
	*len = (size_t)(o - p);
	return p;
}

int sweep_rec_decode(const char *p, size_t len, const char *where, sweep_rec_t **out, sim_err_t *err)
{
	sweep_rec_t *r = sweep_rec_create();
	if (!r)
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", where);
	sweep_rec_t *cur = r; /* the row the fields go to: r, or its last sub-row */
	const char *end = p + len;
	size_t sub = strlen(REC_SUB_LINE);
	while (p < end) {
		if ((size_t)(end - p) >= sub && !memcmp(p, REC_SUB_LINE, sub)) {
			cur = sweep_rec_create();
			if (!cur || sweep_rec_add_child(r, cur)) {
				sweep_rec_free(r);
				return sim_err(err, SIM_ENOMEM, "%s: out of memory", where);
			}
			p += sub;
			continue;
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *t1 = nl ? memchr(p, '\t', (size_t)(nl - p)) : NULL;
		if (!nl || !t1 || nl - t1 < 3 || t1[2] != '\t' || !strchr("snbz", t1[1]) || t1 == p) {
			sweep_rec_free(r);
			return sim_err(err, SIM_EINPUT, "%s: malformed field, expected key<TAB>type<TAB>value", where);
		}
		char key[256], value[1024];
		size_t kl = (size_t)(t1 - p), vl = (size_t)(nl - t1 - 3);
		if (kl >= sizeof key || vl >= sizeof value) {
			sweep_rec_free(r);
			return sim_err(err, SIM_EINPUT,
				       "%s: field too long, expected a key under %zu and a value "
				       "under %zu characters",
				       where, sizeof key, sizeof value);
		}
		memcpy(key, p, kl);
		key[kl] = '\0';
		memcpy(value, t1 + 3, vl);
		value[vl] = '\0';
		if (sweep_rec_add(cur, key, t1[1], value)) {
			sweep_rec_free(r);
			return sim_err(err, SIM_ENOMEM, "%s: out of memory", where);
		}
		p = nl + 1;
	}
	*out = r;
	return SIM_OK;
}

int sweep_natural_cmp(const char *a, const char *b)
{
	const char *pa = a, *pb = b;
	while (*pa && *pb) {
		if (isdigit((unsigned char)*pa) && isdigit((unsigned char)*pb)) {
			while (*pa == '0' && isdigit((unsigned char)pa[1]))
				pa++;
			while (*pb == '0' && isdigit((unsigned char)pb[1]))
				pb++;
			size_t la = 0, lb = 0;
			while (isdigit((unsigned char)pa[la]))
				la++;
			while (isdigit((unsigned char)pb[lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(pa, pb, la);
			if (c)
				return c < 0 ? -1 : 1;
			pa += la;
			pb += lb;
			continue;
		}
		if (*pa != *pb)
			return (unsigned char)*pa < (unsigned char)*pb ? -1 : 1;
		pa++;
		pb++;
	}
	if (*pa || *pb)
		return *pa ? 1 : -1;
	return strcmp(a, b);
}

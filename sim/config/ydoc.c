/*
 * ydoc.c - YAML documents as located node trees, on libyaml's event parser.
 *
 * The loader turns libyaml's event stream into a tree:
 *
 *   stream  := STREAM-START [document] STREAM-END     (a second document is an error)
 *   document:= DOCUMENT-START [node] DOCUMENT-END
 *   node    := SCALAR | SEQ-START node* SEQ-END | MAP-START (scalar node)* MAP-END
 *
 * Aliases and anchors are rejected (a config should read the same to a human
 * and to the loader), so are tags on sequences and maps; the only tag a
 * scalar may carry is !!str, which makes it count as quoted. Map keys must be
 * plain or quoted scalars and appear once per map.
 *
 * Every node remembers its 1-based line and column and its parent, from
 * which an error message builds the dotted path from the root
 * ("compute.vs_units", "layers[0].cell"), so that a conversion error can name
 * both where the value is and which key it belongs to. The path is built only
 * when a message needs it: storing it per node made memory quadratic in the
 * nesting depth. All nodes of a document are also kept in one flat list,
 * which frees them without recursion.
 *
 * Hostile input stays linear: the file is read up to a byte cap (the caller's
 * per-file-type limit), nesting deeper than YDOC_MAX_DEPTH is refused, and
 * duplicate keys are found through a hash table of (map, key) pairs that
 * lives while the document loads.
 *
 * A document loaded from a one-line string (an option value such as
 * `-p compute.vs_units=abc`) reports errors as "name: ..." without line and
 * column: the name already quotes the whole text.
 */
#include "ydoc.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "../common/fnv.h"

struct ydoc_node {
	ydoc_kind_t kind;
	int line, col;
	bool quoted;
	char *text;	     /* scalar text, NUL-terminated */
	ydoc_node_t *parent; /* NULL for the root */
	size_t index;	     /* position in parent->kids */
	size_t n, cap;
	ydoc_node_t **kids; /* sequence: items; map: key0, value0, key1, value1, ... */
};

/* Room for a dotted path in a message; longer paths are cut with "...". */
#define YDOC_PATH_MAX 200

struct ydoc {
	char *file;
	bool one_line;
	ydoc_node_t *root;
	ydoc_node_t **all;
	size_t n_all, cap_all;
};

#define YDOC_STR_TAG "tag:yaml.org,2002:str"

static char *ydoc_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static int ydoc_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 8;
	while (nc < need)
		nc *= 2;
	void *p = realloc(*arr, nc * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

void ydoc_free(ydoc_t *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_all; i++) {
		free(d->all[i]->text);
		free(d->all[i]->kids);
		free(d->all[i]);
	}
	free(d->all);
	free(d->file);
	free(d);
}

const char *ydoc_file(const ydoc_t *d)
{
	return d->file;
}
const ydoc_node_t *ydoc_root(const ydoc_t *d)
{
	return d->root;
}
ydoc_kind_t ydoc_kind(const ydoc_node_t *n)
{
	return n->kind;
}
int ydoc_line(const ydoc_node_t *n)
{
	return n->line;
}
int ydoc_col(const ydoc_node_t *n)
{
	return n->col;
}
const char *ydoc_scalar(const ydoc_node_t *n)
{
	return n && n->kind == YDOC_SCALAR ? n->text : NULL;
}
bool ydoc_quoted(const ydoc_node_t *n)
{
	return n && n->kind == YDOC_SCALAR && n->quoted;
}

size_t ydoc_len(const ydoc_node_t *n)
{
	if (!n || n->kind == YDOC_SCALAR)
		return 0;
	return n->kind == YDOC_MAP ? n->n / 2 : n->n;
}

const ydoc_node_t *ydoc_item(const ydoc_node_t *seq, size_t i)
{
	return seq && seq->kind == YDOC_SEQ && i < seq->n ? seq->kids[i] : NULL;
}

const ydoc_node_t *ydoc_key(const ydoc_node_t *map, size_t i)
{
	return map && map->kind == YDOC_MAP && 2 * i < map->n ? map->kids[2 * i] : NULL;
}

const ydoc_node_t *ydoc_value(const ydoc_node_t *map, size_t i)
{
	return map && map->kind == YDOC_MAP && 2 * i + 1 < map->n ? map->kids[2 * i + 1] : NULL;
}

/* NULL unless map is a map: a sequence's items have no key text. */
const ydoc_node_t *ydoc_get(const ydoc_node_t *map, const char *key)
{
	if (!map || map->kind != YDOC_MAP)
		return NULL;
	for (size_t i = 0; i < ydoc_len(map); i++)
		if (strcmp(map->kids[2 * i]->text, key) == 0)
			return map->kids[2 * i + 1];
	return NULL;
}

/* Appends n's path to buf (used bytes *o, size YDOC_PATH_MAX + 4). The
 * recursion is bounded by YDOC_MAX_DEPTH. */
static void ydoc_path_put(const ydoc_node_t *n, char *buf, size_t *o)
{
	const ydoc_node_t *p = n->parent;
	if (!p)
		return;
	ydoc_path_put(p, buf, o);
	if (*o >= YDOC_PATH_MAX)
		return;
	size_t room = YDOC_PATH_MAX - *o;
	int w;
	if (p->kind == YDOC_SEQ)
		w = snprintf(buf + *o, room + 1, "[%zu]", n->index);
	else
		w = snprintf(buf + *o, room + 1, "%s%s", p->parent ? "." : "", p->kids[n->index & ~(size_t)1]->text);
	*o += (size_t)w < room ? (size_t)w : room;
	if (*o >= YDOC_PATH_MAX)
		memcpy(buf + YDOC_PATH_MAX, "...", 4);
}

/* n's dotted path from the root ("" for the root), in buf. */
static const char *ydoc_path(const ydoc_node_t *n, char buf[YDOC_PATH_MAX + 4])
{
	size_t o = 0;
	buf[0] = '\0';
	if (n)
		ydoc_path_put(n, buf, &o);
	return buf;
}

static int ydoc_verror(const ydoc_t *d, int line, int col, sim_err_t *err, int code, const char *fmt, va_list ap)
{
	char msg[sizeof err->msg];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (d->one_line)
		line = 0;
	return sim_err_at(err, code, d->file, line, col, "%s", msg);
}

int ydoc_error(const ydoc_t *d, const ydoc_node_t *n, sim_err_t *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ydoc_verror(d, n ? n->line : 0, n ? n->col : 0, err, code, fmt, ap);
	va_end(ap);
	return code;
}

static int ydoc_error_at(const ydoc_t *d, const yaml_mark_t *m, sim_err_t *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int ydoc_error_at(const ydoc_t *d, const yaml_mark_t *m, sim_err_t *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ydoc_verror(d, (int)m->line + 1, (int)m->column + 1, err, SIM_EINPUT, fmt, ap);
	va_end(ap);
	return SIM_EINPUT;
}

/* The tree under construction: the stack of open sequences and maps. */
typedef struct ydoc_builder {
	ydoc_t *d;
	ydoc_node_t *stack[YDOC_MAX_DEPTH];
	size_t depth;
	bool seen_doc;
	const ydoc_node_t **keys; /* open-addressing set of every map key so far */
	size_t n_keys, cap_keys;  /* cap_keys is 0 or a power of two */
} ydoc_builder_t;

/* FNV-1a over the map's address and the key's text. */
static size_t ydoc_key_hash(const ydoc_node_t *map, const char *text)
{
	uintptr_t m = (uintptr_t)map;
	return (size_t)fnv1a_str(fnv1a_bytes(FNV1A_BASIS, &m, sizeof m), text);
}

/* Finds key's twin in its map, or inserts key. Returns the twin or NULL;
 * *oom is set when the table could not grow. Kept at most half full. */
static const ydoc_node_t *ydoc_key_insert(ydoc_builder_t *b, const ydoc_node_t *key, bool *oom)
{
	if (2 * (b->n_keys + 1) > b->cap_keys) {
		size_t nc = b->cap_keys ? 2 * b->cap_keys : 64;
		const ydoc_node_t **t = calloc(nc, sizeof *t);
		if (!t) {
			*oom = true;
			return NULL;
		}
		for (size_t i = 0; i < b->cap_keys; i++) {
			const ydoc_node_t *k = b->keys[i];
			if (!k)
				continue;
			size_t j = ydoc_key_hash(k->parent, k->text) & (nc - 1);
			while (t[j])
				j = (j + 1) & (nc - 1);
			t[j] = k;
		}
		free(b->keys);
		b->keys = t;
		b->cap_keys = nc;
	}
	size_t j = ydoc_key_hash(key->parent, key->text) & (b->cap_keys - 1);
	for (; b->keys[j]; j = (j + 1) & (b->cap_keys - 1))
		if (b->keys[j]->parent == key->parent && strcmp(b->keys[j]->text, key->text) == 0)
			return b->keys[j];
	b->keys[j] = key;
	b->n_keys++;
	return NULL;
}

/* Creates a node at mark m and attaches it to the innermost open container
 * (or makes it the root). Keys are checked here: scalar, and not a repeat. */
static int ydoc_attach(ydoc_builder_t *b, ydoc_kind_t kind, const yaml_mark_t *m, ydoc_node_t **out, sim_err_t *err)
{
	ydoc_t *d = b->d;
	ydoc_node_t *parent = b->depth ? b->stack[b->depth - 1] : NULL;
	bool is_key = parent && parent->kind == YDOC_MAP && parent->n % 2 == 0;
	if (is_key && kind != YDOC_SCALAR)
		return ydoc_error_at(d, m, err, "a %s used as a map key, expected a scalar key",
				     kind == YDOC_MAP ? "map" : "sequence");
	ydoc_node_t *n = calloc(1, sizeof *n);
	if (!n || ydoc_grow((void **)&d->all, &d->cap_all, d->n_all + 1, sizeof *d->all)) {
		free(n);
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", d->file);
	}
	d->all[d->n_all++] = n;
	n->kind = kind;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	n->parent = parent;
	if (!parent)
		d->root = n;
	if (parent) {
		if (ydoc_grow((void **)&parent->kids, &parent->cap, parent->n + 1, sizeof *parent->kids))
			return sim_err(err, SIM_ENOMEM, "%s: out of memory", d->file);
		n->index = parent->n;
		parent->kids[parent->n++] = n;
	}
	*out = n;
	return SIM_OK;
}

static int ydoc_add_key(ydoc_builder_t *b, ydoc_node_t *key, sim_err_t *err)
{
	bool oom = false;
	const ydoc_node_t *k = ydoc_key_insert(b, key, &oom);
	if (oom)
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", b->d->file);
	if (k)
		return ydoc_error(b->d, key, err, SIM_EINPUT,
				  "duplicate key '%s' (first at line %d), expected each key once", key->text, k->line);
	return SIM_OK;
}

static int ydoc_event(ydoc_builder_t *b, const yaml_event_t *ev, sim_err_t *err)
{
	ydoc_t *d = b->d;
	const yaml_mark_t *m = &ev->start_mark;
	ydoc_node_t *n = NULL;
	int rc;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->seen_doc)
			return ydoc_error_at(d, m, err, "a second YAML document, expected one document per file");
		b->seen_doc = true;
		return SIM_OK;
	case YAML_ALIAS_EVENT:
		return ydoc_error_at(d, m, err, "alias '*%s' is not supported, expected the value written out",
				     (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT: {
		if (ev->data.scalar.anchor)
			return ydoc_error_at(d, m, err, "anchor '&%s' is not supported, expected a plain value",
					     (const char *)ev->data.scalar.anchor);
		const char *tag = (const char *)ev->data.scalar.tag;
		if (tag && strcmp(tag, YDOC_STR_TAG) != 0)
			return ydoc_error_at(d, m, err,
					     "tag '%s' is not supported, expected an untagged or !!str scalar", tag);
		rc = ydoc_attach(b, YDOC_SCALAR, m, &n, err);
		if (rc)
			return rc;
		n->text = malloc(ev->data.scalar.length + 1);
		if (!n->text)
			return sim_err(err, SIM_ENOMEM, "%s: out of memory", d->file);
		memcpy(n->text, ev->data.scalar.value, ev->data.scalar.length);
		n->text[ev->data.scalar.length] = '\0';
		if (strlen(n->text) != ev->data.scalar.length)
			return ydoc_error(d, n, err, SIM_EINPUT, "a NUL character in a scalar, expected text");
		n->quoted = tag != NULL || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		ydoc_node_t *parent = b->depth ? b->stack[b->depth - 1] : NULL;
		if (parent && parent->kind == YDOC_MAP && parent->n % 2 == 1)
			return ydoc_add_key(b, n, err);
		return SIM_OK;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		const yaml_char_t *anchor = map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
		const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
		if (anchor)
			return ydoc_error_at(d, m, err, "anchor '&%s' is not supported, expected a plain value",
					     (const char *)anchor);
		if (tag)
			return ydoc_error_at(d, m, err, "tag '%s' on a %s is not supported, expected an untagged %s",
					     (const char *)tag, map ? "map" : "sequence", map ? "map" : "sequence");
		if (b->depth == YDOC_MAX_DEPTH)
			return ydoc_error_at(d, m, err,
					     "%s nested more than %d levels deep, expected a flatter document",
					     map ? "a map" : "a sequence", YDOC_MAX_DEPTH);
		rc = ydoc_attach(b, map ? YDOC_MAP : YDOC_SEQ, m, &n, err);
		if (rc)
			return rc;
		b->stack[b->depth++] = n;
		return SIM_OK;
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		return SIM_OK;
	default:
		return SIM_OK;
	}
}

static int ydoc_parser_error(const ydoc_t *d, const yaml_parser_t *p, const char *text, size_t len, sim_err_t *err)
{
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", d->file);
	case YAML_READER_ERROR: {
		/* The reader reports a byte offset only: count lines up to it
		 * (the column counts bytes). */
		yaml_mark_t m = { 0 };
		for (size_t i = 0; i < p->problem_offset && i < len; i++) {
			if (text[i] == '\n') {
				m.line++;
				m.column = 0;
			} else {
				m.column++;
			}
		}
		if (p->problem_value != -1)
			return ydoc_error_at(d, &m, err, "%s (byte 0x%02x), expected UTF-8 text", p->problem,
					     (unsigned)p->problem_value);
		return ydoc_error_at(d, &m, err, "%s, expected UTF-8 text", p->problem);
	}
	default:
		if (p->context)
			return ydoc_error_at(d, &p->problem_mark, err, "%s, %s", p->problem, p->context);
		return ydoc_error_at(d, &p->problem_mark, err, "%s, expected valid YAML",
				     p->problem ? p->problem : "malformed YAML");
	}
}

/* True when text is one word that YAML reads as a plain scalar of the same
 * text: letters, digits and _ . + -, not starting with an indicator (a '-'
 * or '.' only before a digit: "-", "---" and "..." mean more). The
 * parameter table's defaults and most -p values are such words; parsing
 * each through libyaml was 5 % of a run. */
static bool ydoc_one_word(const char *text, size_t len)
{
	if (!len || len > 64 || ((text[0] == '-' || text[0] == '.') && (len < 2 || text[1] < '0' || text[1] > '9')) ||
	    text[0] == '+')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '.' || c == '+' || c == '-'))
			return false;
	}
	return true;
}

/* ---- plain block documents without libyaml ----
 *
 * A hardware config or a workload as sharpsim ships them is block YAML of
 * the plainest kind: "key: value" lines nested by indentation, sequences of
 * maps ("- cell: lstm"), one-word values, "" strings, comments. libyaml took
 * about 110 instructions a byte to read them, 5 % of a default run. This
 * reader takes exactly that shape, line by line, and hands ydoc_event the
 * events libyaml would give for it (same kinds, texts, styles and marks),
 * so the tree, its positions and every check made while building it
 * (duplicate keys, depth) are the ones libyaml's events give. It gives up
 * (false, the document emptied) on anything else: a tab or carriage return,
 * a byte outside printable ASCII except well-formed UTF-8 of printable code
 * points in a comment, a flow collection, a quoted string holding anything
 * but letters, digits, spaces and _ . + - /, a plain value holding a space
 * or anything but those characters (or starting with an indicator), a key
 * with neither a value nor a collection under it, document markers,
 * directives, anchors, tags, a sequence not indented under its key, and any
 * indentation it does not expect; also on any error while building.
 * libyaml then reads the text, and it alone decides what is valid and says
 * where what is not is (tests/test_config.c, tests/fuzz/fuzz_config.c and
 * fuzz_workload.c hold the two to the same trees). */

/* The code points libyaml's reader takes as printable, beyond ASCII, in
 * their shortest UTF-8 form, less the two it reads as line breaks (U+2028,
 * U+2029) and C1 (NEL is a break too); *p moves past one, which ends
 * before end. */
bool ydoc_utf8_printable(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 3 : s[0] >= 0xe0 ? 2 : s[0] >= 0xc2 && s[0] < 0xe0 ? 1 : -1;
	if (n < 0 || s[0] > 0xf4 || end - s <= n)
		return false;
	uint32_t c = s[0] & (0x3fu >> n);
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false;
		c = c << 6 | (s[i] & 0x3fu);
	}
	static const uint32_t least[] = { 0, 0x80, 0x800, 0x10000 };
	if (c < least[n] || c > 0x10ffff || (c < 0xa0) || (c > 0xd7ff && c < 0xe000) || c == 0x2028 || c == 0x2029 ||
	    c == 0xfffe || c == 0xffff)
		return false;
	*p = s + n + 1;
	return true;
}

/* A character of a plain value or a simple quoted string. */
static bool yplain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
	       c == '+' || c == '-' || c == '/';
}

static bool yplain_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

typedef struct yplain {
	ydoc_builder_t *b;
	size_t line;		  /* 0-based, as yaml_mark_t */
	int open[YDOC_MAX_DEPTH]; /* each open collection's indent (column of its keys or dashes) */
	bool is_seq[YDOC_MAX_DEPTH];
	size_t n;     /* open collections */
	bool pending; /* the last key has no value yet: a collection follows */
	int pending_indent;
} yplain_t;

/* One event at (line, col), as libyaml would give it, through the builder
 * (which only reads text); false on any error, which the caller answers by
 * giving the text to libyaml, so the message is libyaml's path's. */
static bool yplain_event(yplain_t *y, yaml_event_type_t type, size_t col, const char *text, size_t len, bool quoted)
{
	yaml_event_t ev;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.start_mark.line = y->line;
	ev.start_mark.column = col;
	if (type == YAML_SCALAR_EVENT) {
		ev.data.scalar.value = (yaml_char_t *)(uintptr_t)text;
		ev.data.scalar.length = len;
		ev.data.scalar.style = quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE;
	}
	sim_err_t err;
	return ydoc_event(y->b, &ev, &err) == SIM_OK;
}

static bool yplain_open(yplain_t *y, bool seq, int indent)
{
	if (y->n == YDOC_MAX_DEPTH || !yplain_event(y, seq ? YAML_SEQUENCE_START_EVENT : YAML_MAPPING_START_EVENT,
						    (size_t)indent, NULL, 0, false))
		return false;
	y->open[y->n] = indent;
	y->is_seq[y->n++] = seq;
	return true;
}

/* Closes the collections indented deeper than indent. */
static bool yplain_close(yplain_t *y, int indent)
{
	while (y->n && y->open[y->n - 1] > indent)
		if (!yplain_event(y, y->is_seq[--y->n] ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT, 0, NULL, 0,
				  false))
			return false;
	return true;
}

/* After a value: blanks, then the end of the line or a comment. */
static bool yplain_rest(const char *s, const char *end)
{
	while (s < end && *s == ' ')
		s++;
	return s == end || (*s == '#' && s[-1] == ' ');
}

/* A scalar value starting at s (column col): a plain word or "...". */
static bool yplain_value(yplain_t *y, const char *s, const char *end, size_t col)
{
	if (*s == '"') {
		const char *q = s + 1;
		while (q < end && (yplain_char(*q) || *q == ' '))
			q++;
		return q < end && *q == '"' && yplain_rest(q + 1, end) &&
		       yplain_event(y, YAML_SCALAR_EVENT, col, s + 1, (size_t)(q - s - 1), true);
	}
	/* not an indicator: '-', '.' and '+' only before a digit */
	if (!yplain_key_char(*s) &&
	    !((*s == '-' || *s == '.' || *s == '+') && s + 1 < end && s[1] >= '0' && s[1] <= '9'))
		return false;
	const char *q = s;
	while (q < end && yplain_char(*q))
		q++;
	return yplain_rest(q, end) && yplain_event(y, YAML_SCALAR_EVENT, col, s, (size_t)(q - s), false);
}

/* "key: value", "key:" (a collection follows) at column col of the map
 * open at that indent. */
static bool yplain_pair(yplain_t *y, const char *s, const char *end, size_t col)
{
	const char *k = s;
	while (k < end && yplain_key_char(*k))
		k++;
	if (k == s || k == end || *k != ':' || (k + 1 < end && k[1] != ' ') ||
	    !yplain_event(y, YAML_SCALAR_EVENT, col, s, (size_t)(k - s), false))
		return false;
	const char *v = k + 1;
	while (v < end && *v == ' ')
		v++;
	if (v == end || *v == '#') {
		if (v < end && v[-1] != ' ')
			return false;
		y->pending = true;
		y->pending_indent = (int)col;
		return true;
	}
	return yplain_value(y, v, end, col + (size_t)(v - s));
}

/* One line [s, end) without its newline. */
static bool yplain_line(yplain_t *y, const char *s, const char *end)
{
	const char *p = s;
	while (p < end && *p == ' ')
		p++;
	/* beyond printable ASCII only in a comment: no '#' is read as
	 * anything else here (values and keys hold none) */
	const unsigned char *u = (const unsigned char *)p, *ue = (const unsigned char *)end;
	const unsigned char *hash = memchr(u, '#', (size_t)(ue - u));
	while (u < ue)
		if (*u >= 0x20 && *u < 0x7f)
			u++;
		else if (!hash || u < hash || !ydoc_utf8_printable(&u, ue))
			return false;
	if (p == end || *p == '#')
		return true; /* blank or a comment */
	int indent = (int)(p - s);
	if (*p == '-' && p + 1 < end && p[1] == ' ') {
		/* a sequence item: a new sequence under a pending key (at the
		 * key's indent or deeper), or the next item of the open one */
		if (y->pending) {
			if (indent <= y->pending_indent || !yplain_open(y, true, indent))
				return false;
			y->pending = false;
		} else if (!yplain_close(y, indent) || !y->n || !y->is_seq[y->n - 1] || y->open[y->n - 1] != indent) {
			return false;
		}
		const char *c = p + 1;
		while (c < end && *c == ' ')
			c++;
		if (c == end || *c == '#' || *c == '-')
			return false;
		size_t col = (size_t)(c - s);
		const char *colon = c;
		while (colon < end && yplain_key_char(*colon))
			colon++;
		if (colon < end && *colon == ':') /* the item is a map: its first key */
			return yplain_open(y, false, (int)col) && yplain_pair(y, c, end, col);
		return yplain_value(y, c, end, col);
	}
	if (y->pending) {
		if (indent <= y->pending_indent || !yplain_open(y, false, indent))
			return false;
		y->pending = false;
	} else if (!y->n && !y->b->d->root) {
		if (indent || !yplain_open(y, false, 0))
			return false;
	} else if (!yplain_close(y, indent) || !y->n || y->is_seq[y->n - 1] || y->open[y->n - 1] != indent) {
		return false;
	}
	return yplain_pair(y, p, end, (size_t)indent);
}

/* Builds d's tree from text when it is a plain block document. */
static bool ydoc_plain(ydoc_builder_t *b, const char *text, size_t len)
{
	yplain_t y = { .b = b };
	const char *end = text + len;
	for (const char *s = text; s < end; y.line++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		if (!yplain_line(&y, s, nl))
			return false;
		s = nl + 1;
	}
	return !y.pending && b->d->root && yplain_close(&y, -1);
}

/* Empties d (its nodes), keeping its name, for libyaml to read it afresh. */
static void ydoc_drop_nodes(ydoc_t *d)
{
	for (size_t i = 0; i < d->n_all; i++) {
		free(d->all[i]->text);
		free(d->all[i]->kids);
		free(d->all[i]);
	}
	d->n_all = 0;
	d->root = NULL;
}

/* An empty document named name; one_line_ok: a one-line text drops
 * positions from its errors (options). */
static ydoc_t *ydoc_create(const char *name, const char *text, size_t len, bool one_line_ok)
{
	ydoc_t *d = calloc(1, sizeof *d);
	if (!d || !(d->file = ydoc_strdup(name))) {
		free(d);
		return NULL;
	}
	const char *nl = memchr(text, '\n', len);
	d->one_line = one_line_ok && (!nl || (size_t)(nl - text) == len - 1);
	return d;
}

/* The tree libyaml's events would build for one word: one plain scalar at
 * 1:1; for "" (the parameter table's empty defaults), one quoted empty
 * scalar at 1:1. */
static int ydoc_read_word(ydoc_t *d, const char *text, size_t len, bool quoted, sim_err_t *err)
{
	ydoc_node_t *n = calloc(1, sizeof *n);
	char *t = malloc(len + 1);
	if (!n || !t || ydoc_grow((void **)&d->all, &d->cap_all, 1, sizeof *d->all)) {
		free(n);
		free(t);
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", d->file);
	}
	memcpy(t, text, len);
	t[len] = '\0';
	*n = (ydoc_node_t){ .kind = YDOC_SCALAR, .line = 1, .col = 1, .quoted = quoted, .text = t };
	d->all[d->n_all++] = d->root = n;
	return SIM_OK;
}

/* The plain block reader (above); false leaves d empty. */
static bool ydoc_read_plain(ydoc_t *d, const char *text, size_t len)
{
	ydoc_builder_t b = { .d = d };
	bool ok = ydoc_plain(&b, text, len);
	free(b.keys);
	if (!ok)
		ydoc_drop_nodes(d);
	return ok;
}

static int ydoc_read_libyaml(ydoc_t *d, const char *text, size_t len, sim_err_t *err)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", d->file);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	ydoc_builder_t b = { .d = d };
	int rc = SIM_OK;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = ydoc_parser_error(d, &parser, text, len, err);
			break;
		}
		bool end = ev.type == YAML_STREAM_END_EVENT;
		rc = ydoc_event(&b, &ev, err);
		yaml_event_delete(&ev);
		if (rc || end)
			break;
	}
	yaml_parser_delete(&parser);
	free(b.keys);
	return rc;
}

static int ydoc_load(const char *name, const char *text, size_t len, bool one_line_ok, ydoc_t **out, sim_err_t *err)
{
	*out = NULL;
	ydoc_t *d = ydoc_create(name, text, len, one_line_ok);
	if (!d)
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", name);
	int rc = SIM_OK;
	if (ydoc_one_word(text, len))
		rc = ydoc_read_word(d, text, len, false, err);
	else if (len == 2 && text[0] == '"' && text[1] == '"')
		rc = ydoc_read_word(d, "", 0, true, err);
	else if (!ydoc_read_plain(d, text, len))
		rc = ydoc_read_libyaml(d, text, len, err);
	if (rc) {
		ydoc_free(d);
		return rc;
	}
	*out = d;
	return SIM_OK;
}

bool ydoc_load_plain(const char *name, const char *text, size_t len, ydoc_t **out)
{
	*out = ydoc_create(name, text, len, false);
	if (*out && ydoc_read_plain(*out, text, len))
		return true;
	ydoc_free(*out);
	*out = NULL;
	return false;
}

int ydoc_load_libyaml(const char *name, const char *text, size_t len, ydoc_t **out, sim_err_t *err)
{
	*out = ydoc_create(name, text, len, false);
	if (!*out)
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", name);
	int rc = ydoc_read_libyaml(*out, text, len, err);
	if (rc) {
		ydoc_free(*out);
		*out = NULL;
	}
	return rc;
}

static bool ydoc_node_equal(const ydoc_node_t *a, const ydoc_node_t *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->line != b->line || a->col != b->col || a->quoted != b->quoted || a->n != b->n ||
	    (a->text || b->text ? !a->text || !b->text || strcmp(a->text, b->text) : false))
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!ydoc_node_equal(a->kids[i], b->kids[i]))
			return false;
	return true;
}

bool ydoc_equal(const ydoc_t *a, const ydoc_t *b)
{
	return ydoc_node_equal(a->root, b->root);
}

int ydoc_load_string(const char *name, const char *text, size_t len, ydoc_t **out, sim_err_t *err)
{
	return ydoc_load(name, text, len, true, out, err);
}

int ydoc_read_file(const char *path, size_t max_bytes, char **text, size_t *size, sim_err_t *err)
{
	*text = NULL;
	*size = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return sim_err(err, SIM_EINPUT, "%s: cannot open: %s, expected a readable YAML file", path,
			       strerror(errno));
	/* Reads at most max_bytes + 1 bytes: one byte past the cap proves the
	 * file too large without reading an endless one (/dev/zero) to its end.
	 * A regular file's size sizes the buffer, so that a config of a few KB
	 * reads into one of a few KB (not 64 KB, then 128 KB copied into by
	 * realloc: pages touched for nothing); the size is only a hint, a file
	 * that grows is read to its end all the same. */
	char *buf = NULL;
	size_t len = 0, cap = 0, step = 65536;
	struct stat sb;
	if (!fstat(fileno(f), &sb) && S_ISREG(sb.st_mode) && sb.st_size >= 0 && (uint64_t)sb.st_size < step)
		step = (size_t)sb.st_size + 1;
	for (;;) {
		size_t want = len + step < max_bytes + 1 ? len + step : max_bytes + 1;
		step = 65536;
		if (ydoc_grow((void **)&buf, &cap, want, 1)) {
			free(buf);
			fclose(f);
			return sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
		}
		/* fread is short only at the end of the file or on an error */
		size_t ask = want - len, got = fread(buf + len, 1, ask, f);
		len += got;
		if (got < ask || len > max_bytes)
			break;
	}
	int bad = ferror(f);
	int saved = errno;
	fclose(f);
	if (bad) {
		free(buf);
		return sim_err(err, SIM_EINPUT, "%s: cannot read: %s, expected a readable YAML file", path,
			       strerror(saved));
	}
	if (len > max_bytes) {
		free(buf);
		return sim_err(err, SIM_EINPUT, "%s: larger than %zu bytes, expected a smaller file of this kind", path,
			       max_bytes);
	}
	*text = buf;
	*size = len;
	return SIM_OK;
}

int ydoc_load_file_text(const char *path, const char *text, size_t len, ydoc_t **out, sim_err_t *err)
{
	return ydoc_load(path, text, len, false, out, err);
}

int ydoc_load_file_max(const char *path, size_t max_bytes, ydoc_t **out, sim_err_t *err)
{
	*out = NULL;
	char *buf;
	size_t len;
	int rc = ydoc_read_file(path, max_bytes, &buf, &len, err);
	if (rc)
		return rc;
	rc = ydoc_load_file_text(path, buf, len, out, err);
	free(buf);
	return rc;
}

int ydoc_load_file(const char *path, ydoc_t **out, sim_err_t *err)
{
	return ydoc_load_file_max(path, YDOC_MAX_BYTES, out, err);
}

/* " of compute.vs_units", or "" for a document that is a single value. */
static const char *ydoc_of(const ydoc_node_t *n, char *buf, size_t size)
{
	char path[YDOC_PATH_MAX + 4];
	if (!ydoc_path(n, path)[0])
		return "";
	snprintf(buf, size, " of %s", path);
	return buf;
}

/* The path of n, or `none` for the root. */
static const char *ydoc_name(const ydoc_node_t *n, const char *none, char buf[YDOC_PATH_MAX + 4])
{
	return ydoc_path(n, buf)[0] ? buf : none;
}

/* Common front of the scalar conversions: n must be a scalar with text. */
static int ydoc_need_scalar(const ydoc_t *d, const ydoc_node_t *n, const char *expected, sim_err_t *err)
{
	if (!n)
		return ydoc_error(d, NULL, err, SIM_EINPUT, "no value, expected %s", expected);
	char path[YDOC_PATH_MAX + 4];
	if (n->kind != YDOC_SCALAR)
		return ydoc_error(d, n, err, SIM_EINPUT, "%s is a %s, expected %s", ydoc_name(n, "the value", path),
				  n->kind == YDOC_MAP ? "map" : "sequence", expected);
	if (!n->text[0] && !n->quoted)
		return ydoc_error(d, n, err, SIM_EINPUT, "%s has no value, expected %s",
				  ydoc_name(n, "the option", path), expected);
	char of[YDOC_PATH_MAX + 8];
	if (n->quoted)
		return ydoc_error(d, n, err, SIM_EINPUT,
				  "value '%s'%s is quoted (a string), expected %s written "
				  "without quotes",
				  n->text, ydoc_of(n, of, sizeof of), expected);
	return SIM_OK;
}

static const struct {
	const char *suffix;
	uint64_t mult;
} ydoc_units[] = {
	{ "KiB", 1ull << 10 }, { "MiB", 1ull << 20 }, { "GiB", 1ull << 30 },
	{ "KB", 1000ull },     { "MB", 1000000ull },  { "GB", 1000000000ull },
};

/* Parses "digits[.digits][ ][suffix]". Returns 0 and the value rounded down,
 * 1 when the text is not of that form, 2 when it overflows 64 bits. */
static int ydoc_parse_size(const char *s, uint64_t *out)
{
	uint64_t ip = 0, frac = 0, scale = 1;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return 1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (ip > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return 2;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	bool has_frac = false;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 1;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1000000000ull)
				return 1; /* more than 9 decimals: not a size anyone writes */
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
		has_frac = true;
	}
	if (*p == ' ')
		p++;
	uint64_t mult = 1;
	if (*p) {
		size_t i;
		for (i = 0; i < sizeof ydoc_units / sizeof ydoc_units[0]; i++)
			if (strcmp(p, ydoc_units[i].suffix) == 0)
				break;
		if (i == sizeof ydoc_units / sizeof ydoc_units[0])
			return 1;
		mult = ydoc_units[i].mult;
	} else if (has_frac || p[-1] == ' ') {
		return 1;
	}
	if (ip > UINT64_MAX / mult)
		return 2;
	uint64_t v = ip * mult;
	/* frac < 1e9 and mult <= 2^30, so frac * mult < 2^60: no overflow. */
	uint64_t fv = frac * mult / scale;
	if (v > UINT64_MAX - fv)
		return 2;
	*out = v + fv;
	return 0;
}

/* A plain unquoted scalar, the one form ydoc_need_scalar accepts. */
static bool ydoc_plain_scalar(const ydoc_node_t *n)
{
	return n && n->kind == YDOC_SCALAR && n->text[0] && !n->quoted;
}

int ydoc_as_u64(const ydoc_t *d, const ydoc_node_t *n, uint64_t min, uint64_t max, uint64_t *out, sim_err_t *err)
{
	/* A valid value formats no message: a run reads hundreds of numbers,
	 * and only a wrong one needs its expected range in words. */
	if (ydoc_plain_scalar(n) && !(n->text[0] == '-' && n->text[1] >= '0' && n->text[1] <= '9')) {
		uint64_t v = 0;
		if (ydoc_parse_size(n->text, &v) == 0 && v >= min && v <= max) {
			*out = v;
			return SIM_OK;
		}
	}
	char expected[128], of[300];
	snprintf(expected, sizeof expected, "an integer from %llu to %llu", (unsigned long long)min,
		 (unsigned long long)max);
	int rc = ydoc_need_scalar(d, n, expected, err);
	if (rc)
		return rc;
	uint64_t v = 0;
	const char *t = n->text;
	bool negative = t[0] == '-' && t[1] >= '0' && t[1] <= '9';
	int pr = negative ? 2 : ydoc_parse_size(t, &v);
	if (pr == 1)
		return ydoc_error(d, n, err, SIM_EINPUT, "value '%s'%s is not an integer, expected %s", t,
				  ydoc_of(n, of, sizeof of), expected);
	if (pr == 2 || v < min || v > max)
		return ydoc_error(d, n, err, SIM_EINPUT, "value '%s'%s is out of range, expected %s", t,
				  ydoc_of(n, of, sizeof of), expected);
	*out = v;
	return SIM_OK;
}

bool ydoc_is_decimal(const char *s)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	size_t digits = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

/* Clinger's fast path: a decimal of at most 15 significant digits m and a
 * power of ten 10^e with |e| <= 22 are both exact doubles, so m * 10^e and
 * m / 10^-e are one correctly rounded operation each, the double strtod
 * returns. Anything else (more digits, a larger exponent, or a build that
 * evaluates in wider precision or rewrites the divide) goes to strtod. Most numbers of a
 * config take the fast path; strtod costs ~650 instructions a number. */
static double ydoc_strtod(const char *s)
{
#if FLT_EVAL_METHOD == 0 && !defined(__FAST_MATH__) /* -ffast-math may turn the divide into a reciprocal multiply */
	static const double ten_pow[] = { 1e0,	1e1,  1e2,  1e3,  1e4,	1e5,  1e6,  1e7,  1e8,	1e9,  1e10, 1e11,
					  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	const char *p = s;
	bool neg = *p == '-';
	p += *p == '-' || *p == '+';
	uint64_t m = 0;
	int digits = 0, e = 0;
	for (; *p == '0'; p++) /* leading zeros are not significant */
		;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		m = m * 10 + (uint64_t)(*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, e--) {
			if (!digits && *p == '0')
				continue;
			m = m * 10 + (uint64_t)(*p - '0');
			digits++;
		}
	if (*p == 'e' || *p == 'E') {
		p++;
		bool eneg = *p == '-';
		p += *p == '-' || *p == '+';
		int x = 0;
		for (; *p >= '0' && *p <= '9' && x < 1000; p++)
			x = x * 10 + (*p - '0');
		if (*p)
			return strtod(s, NULL);
		e += eneg ? -x : x;
	}
	if (digits <= 15 && e >= -22 && e <= 22) {
		double v = (double)m;
		v = e < 0 ? v / ten_pow[-e] : v * ten_pow[e];
		return neg ? -v : v;
	}
#endif
	return strtod(s, NULL);
}

bool ydoc_decimal(const char *s, double *out)
{
	if (!ydoc_is_decimal(s))
		return false;
	errno = 0;
	double v = ydoc_strtod(s);
	if (errno == ERANGE)
		return false;
	*out = v;
	return true;
}

int ydoc_as_double(const ydoc_t *d, const ydoc_node_t *n, double min, double max, double *out, sim_err_t *err)
{
	double v;
	if (ydoc_plain_scalar(n) && ydoc_decimal(n->text, &v) && v >= min && v <= max) {
		*out = v; /* as ydoc_as_u64: no message unless wrong */
		return SIM_OK;
	}
	char expected[128], of[300];
	if (isinf(min) && isinf(max))
		snprintf(expected, sizeof expected, "a finite decimal number");
	else
		snprintf(expected, sizeof expected, "a number from %g to %g", min, max);
	int rc = ydoc_need_scalar(d, n, expected, err);
	if (rc)
		return rc;
	if (!ydoc_is_decimal(n->text))
		return ydoc_error(d, n, err, SIM_EINPUT, "value '%s'%s is not a number, expected %s", n->text,
				  ydoc_of(n, of, sizeof of), expected);
	if (!ydoc_decimal(n->text, &v) || v < min || v > max)
		return ydoc_error(d, n, err, SIM_EINPUT, "value '%s'%s is out of range, expected %s", n->text,
				  ydoc_of(n, of, sizeof of), expected);
	*out = v;
	return SIM_OK;
}

int ydoc_as_bool(const ydoc_t *d, const ydoc_node_t *n, bool *out, sim_err_t *err)
{
	static const char expected[] = "true or false (YAML 1.2 core schema: yes/no/on/off are not booleans)";
	char of[300];
	int rc = ydoc_need_scalar(d, n, expected, err);
	if (rc)
		return rc;
	const char *t = n->text;
	if (!strcmp(t, "true") || !strcmp(t, "True") || !strcmp(t, "TRUE"))
		*out = true;
	else if (!strcmp(t, "false") || !strcmp(t, "False") || !strcmp(t, "FALSE"))
		*out = false;
	else
		return ydoc_error(d, n, err, SIM_EINPUT, "value '%s'%s is not a boolean, expected %s", t,
				  ydoc_of(n, of, sizeof of), expected);
	return SIM_OK;
}

int ydoc_as_string(const ydoc_t *d, const ydoc_node_t *n, const char **out, sim_err_t *err)
{
	if (!n) {
		*out = "";
		return SIM_OK;
	}
	char path[YDOC_PATH_MAX + 4];
	if (n->kind != YDOC_SCALAR)
		return ydoc_error(d, n, err, SIM_EINPUT, "%s is a %s, expected a string",
				  ydoc_name(n, "the value", path), n->kind == YDOC_MAP ? "map" : "sequence");
	*out = n->text;
	return SIM_OK;
}

size_t ydoc_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = malloc((lb + 1) * sizeof *row);
	if (!row)
		return la > lb ? la : lb;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t r = row[lb];
	free(row);
	return r;
}

int ydoc_check_keys(const ydoc_t *d, const ydoc_node_t *map, const char *const *allowed, sim_err_t *err)
{
	char path[YDOC_PATH_MAX + 4];
	if (!map || map->kind != YDOC_MAP)
		return ydoc_error(d, map, err, SIM_EINPUT, "%s is a %s, expected a map of keys",
				  ydoc_name(map, "the document", path),
				  !map			  ? "empty document"
				  : map->kind == YDOC_SEQ ? "sequence"
							  : "scalar");
	for (size_t i = 0; i < ydoc_len(map); i++) {
		const ydoc_node_t *k = map->kids[2 * i];
		size_t a;
		for (a = 0; allowed[a]; a++)
			if (strcmp(allowed[a], k->text) == 0)
				break;
		if (allowed[a])
			continue;
		/* Only a wrong key pays for suggestions: edit distances allocate,
		 * and every config load checks every key. */
		const char *best = NULL;
		size_t best_d = (size_t)-1;
		for (a = 0; allowed[a]; a++) {
			size_t dist = ydoc_edit_distance(k->text, allowed[a]);
			if (dist < best_d) {
				best_d = dist;
				best = allowed[a];
			}
		}
		char where[300] = "";
		if (ydoc_path(map, path)[0])
			snprintf(where, sizeof where, " in %s", path);
		size_t la = strlen(k->text), lb = best ? strlen(best) : 0;
		if (best && 2 * best_d <= (la > lb ? la : lb))
			return ydoc_error(d, k, err, SIM_EINPUT, "unknown key '%s'%s, did you mean '%s'?", k->text,
					  where, best);
		char list[600] = "";
		size_t used = 0;
		for (a = 0; allowed[a] && used < sizeof list; a++)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", a ? ", " : "", allowed[a]);
		return ydoc_error(d, k, err, SIM_EINPUT, "unknown key '%s'%s, expected one of: %s", k->text, where,
				  list);
	}
	return SIM_OK;
}

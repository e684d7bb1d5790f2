#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_HDR 20 /* "R xxxxxxxx xxxxxxxx\n" */

struct sweep_journal {
	int fd; /* -1 when read-only */
	char *path;
	sweep_rec_t **recs;
	size_t n, cap;
};

uint32_t sweep_crc32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return c ^ 0xFFFFFFFFu;
}

static int journal_keep(sweep_journal_t *j, sweep_rec_t *r)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 64;
		sweep_rec_t **p = realloc(j->recs, cap * sizeof *p);
		if (!p)
			return SIM_ENOMEM;
		j->recs = p;
		j->cap = cap;
	}
	j->recs[j->n++] = r;
	return SIM_OK;
}

static int journal_slurp(int fd, const char *path, char **buf, size_t *len, sim_err_t *err)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return sim_err(err, SIM_EIO, "%s: cannot read: %s", path, strerror(errno));
	size_t n = (size_t)st.st_size, got = 0;
	char *b = malloc(n + 1);
	if (!b)
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
	while (got < n) {
		ssize_t r = pread(fd, b + got, n - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(b);
			return sim_err(err, SIM_EIO, "%s: cannot read: %s", path,
				       r < 0 ? strerror(errno) : "short read");
		}
		got += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return SIM_OK;
}

/* Parses one record header at p (avail bytes); returns the payload length
 * and crc, or false when the header is incomplete or malformed. */
static bool journal_header(const char *p, size_t avail, size_t *len, uint32_t *crc)
{
	if (avail < JOURNAL_HDR || p[0] != 'R' || p[1] != ' ' || p[10] != ' ' || p[19] != '\n')
		return false;
	char hex[9];
	char *end;
	memcpy(hex, p + 2, 8);
	hex[8] = '\0';
	unsigned long l = strtoul(hex, &end, 16);
	if (end != hex + 8)
		return false;
	memcpy(hex, p + 11, 8);
	unsigned long c = strtoul(hex, &end, 16);
	if (end != hex + 8)
		return false;
	*len = l;
	*crc = (uint32_t)c;
	return true;
}

/* True when a complete record frame (header, payload within the file,
 * trailing newline) starts at a line start after off. Only the last append
 * can be torn, and on reopening the torn tail is cut before anything else is
 * appended, so in a journal this program wrote nothing record-shaped ever
 * follows a bad record: if something does, the bad record is damage in the
 * middle, and dropping it with everything after it would lose results
 * silently. The scan is linear: one header check per line. */
static bool journal_more_records(const char *buf, size_t n, size_t off)
{
	for (size_t i = off + 1; i < n; i++) {
		if (buf[i - 1] != '\n')
			continue;
		size_t len;
		uint32_t crc;
		if (journal_header(buf + i, n - i, &len, &crc) && len < n - i - JOURNAL_HDR &&
		    buf[i + JOURNAL_HDR + len] == '\n')
			return true;
	}
	return false;
}

/* Decodes every verified record of buf; *valid_end is the offset where the
 * verified prefix ends. A bad record followed by further records is
 * corruption, reported with its offset (SIM_EINPUT). */
static int journal_parse(sweep_journal_t *j, const char *buf, size_t n, size_t *valid_end, sim_err_t *err)
{
	size_t m = strlen(SWEEP_JOURNAL_MAGIC);
	if (n < m || memcmp(buf, SWEEP_JOURNAL_MAGIC, m) != 0) {
		/* A journal cut inside its own header is a torn creation. */
		if (n < m && memcmp(buf, SWEEP_JOURNAL_MAGIC, n) == 0) {
			*valid_end = 0;
			return SIM_OK;
		}
		return sim_err(err, SIM_EINPUT, "%s: not a sharpsim sweep journal, expected the line '%.*s'", j->path,
			       (int)m - 1, SWEEP_JOURNAL_MAGIC);
	}
	size_t off = m;
	for (;;) {
		size_t len;
		uint32_t crc;
		if (!journal_header(buf + off, n - off, &len, &crc) || len > n - off - JOURNAL_HDR ||
		    n - off - JOURNAL_HDR - len < 1)
			break;
		const char *payload = buf + off + JOURNAL_HDR;
		if (payload[len] != '\n' || sweep_crc32(payload, len) != crc)
			break;

		char where[600];
		snprintf(where, sizeof where, "%s: record at byte %zu", j->path, off);
		sweep_rec_t *r;
		int rc = sweep_rec_decode(payload, len, where, &r, err);
		if (rc)
			return rc;
		if (journal_keep(j, r)) {
			sweep_rec_free(r);
			return sim_err(err, SIM_ENOMEM, "%s: out of memory", j->path);
		}
		off += JOURNAL_HDR + len + 1;
	}
	if (off < n && journal_more_records(buf, n, off))
		return sim_err(err, SIM_EINPUT,
			       "%s: record at byte %zu is corrupt (bad header, length or checksum) "
			       "and records follow it, expected an intact journal (the damage is not an interrupted "
			       "append; restore the file, or move it away to rerun every point)",
			       j->path, off);
	*valid_end = off;
	return SIM_OK;
}

static int journal_write_full(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static sweep_journal_t *journal_new(const char *path)
{
	sweep_journal_t *j = calloc(1, sizeof *j);
	if (j) {
		j->fd = -1;
		j->path = strdup(path);
		if (!j->path) {
			free(j);
			j = NULL;
		}
	}
	return j;
}

static int journal_load(const char *path, bool write, sweep_journal_t **out, size_t *dropped, sim_err_t *err)
{
	sweep_journal_t *j = journal_new(path);
	if (!j)
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
	int fd = open(path, write ? O_RDWR | O_CREAT : O_RDONLY, 0644);
	if (fd < 0) {
		int e = errno;
		sweep_journal_close(j);
		return sim_err(err, e == ENOENT ? SIM_EINPUT : SIM_EIO, "%s: cannot open: %s", path, strerror(e));
	}
	if (write) {
		struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
		if (fcntl(fd, F_SETLK, &lk) != 0) {
			close(fd);
			sweep_journal_close(j);
			return sim_err(err, SIM_EINPUT,
				       "%s: locked by another running sweep, expected one sweep "
				       "per results directory",
				       path);
		}
	}
	char *buf = NULL;
	size_t n = 0, end = 0;
	int rc = journal_slurp(fd, path, &buf, &n, err);
	if (rc) {
		close(fd);
		sweep_journal_close(j);
		return rc;
	}
	rc = journal_parse(j, buf, n, &end, err);
	free(buf);
	*dropped = rc ? 0 : n - end;
	if (!rc && write && (end < n || end == 0)) {
		size_t m = strlen(SWEEP_JOURNAL_MAGIC);
		if (ftruncate(fd, (off_t)end) != 0 ||
		    (end == 0 && pwrite(fd, SWEEP_JOURNAL_MAGIC, m, 0) != (ssize_t)m) || fsync(fd) != 0)
			rc = sim_err(err, SIM_EIO, "%s: cannot repair: %s", path, strerror(errno));
	}
	if (!rc && write && lseek(fd, 0, SEEK_END) < 0)
		rc = sim_err(err, SIM_EIO, "%s: cannot seek: %s", path, strerror(errno));
	if (rc) {
		close(fd);
		sweep_journal_close(j);
		return rc;
	}
	if (write)
		j->fd = fd;
	else
		close(fd);
	*out = j;
	return SIM_OK;
}

int sweep_journal_open(const char *path, sweep_journal_t **out, size_t *dropped, sim_err_t *err)
{
	return journal_load(path, true, out, dropped, err);
}

int sweep_journal_read(const char *path, sweep_journal_t **out, size_t *dropped, sim_err_t *err)
{
	return journal_load(path, false, out, dropped, err);
}

void sweep_journal_close(sweep_journal_t *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	for (size_t i = 0; i < j->n; i++)
		sweep_rec_free(j->recs[i]);
	free(j->recs);
	free(j->path);
	free(j);
}

size_t sweep_journal_count(const sweep_journal_t *j)
{
	return j->n;
}

const sweep_rec_t *sweep_journal_rec(const sweep_journal_t *j, size_t i)
{
	return j->recs[i];
}

/* The framed record (header + payload + LF), malloc'd. */
static char *journal_frame(const sweep_rec_t *r, size_t *n)
{
	size_t len;
	char *payload = sweep_rec_encode(r, &len);
	char *f = payload ? malloc(JOURNAL_HDR + len + 1) : NULL;
	if (f) {
		snprintf(f, JOURNAL_HDR + 1, "R %08zx %08x\n", len, (unsigned)sweep_crc32(payload, len));
		memcpy(f + JOURNAL_HDR, payload, len);
		f[JOURNAL_HDR + len] = '\n';
		*n = JOURNAL_HDR + len + 1;
	}
	free(payload);
	return f;
}

int sweep_journal_append(sweep_journal_t *j, const sweep_rec_t *r, sim_err_t *err)
{
	if (j->fd < 0)
		return sim_err(err, SIM_EINTERNAL, "%s: journal opened read-only", j->path);
	size_t n;
	char *f = journal_frame(r, &n);
	sweep_rec_t *copy = sweep_rec_copy(r);
	if (!f || !copy) {
		free(f);
		sweep_rec_free(copy);
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", j->path);
	}
	int bad = journal_write_full(j->fd, f, n) || fsync(j->fd);
	free(f);
	if (bad) {
		sweep_rec_free(copy);
		return sim_err(err, SIM_EIO, "%s: cannot append: %s", j->path, strerror(errno));
	}
	if (journal_keep(j, copy)) {
		sweep_rec_free(copy);
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", j->path);
	}
	return SIM_OK;
}

int sweep_journal_write_all(const char *path, const sweep_rec_t *const *recs, size_t n, sim_err_t *err)
{
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return sim_err(err, SIM_EIO, "%s: cannot write: %s", tmp, strerror(errno));
	int bad = journal_write_full(fd, SWEEP_JOURNAL_MAGIC, strlen(SWEEP_JOURNAL_MAGIC));
	for (size_t i = 0; i < n && !bad; i++) {
		size_t len;
		char *f = journal_frame(recs[i], &len);
		bad = !f || journal_write_full(fd, f, len);
		free(f);
	}
	if (fsync(fd) != 0)
		bad = 1;
	if (close(fd) != 0)
		bad = 1;
	if (bad || rename(tmp, path) != 0) {
		int e = errno;
		remove(tmp);
		return sim_err(err, SIM_EIO, "%s: cannot write: %s", path, strerror(e));
	}
	return SIM_OK;
}

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

/* The reflected CRC-32 (polynomial 0xEDB88320) of each byte value:
 * entry n is n run through the bitwise loop's eight steps, so one lookup
 * a byte gives the same CRC (test_sweep checks the standard check value). */
static const uint32_t journal_crc_table[256] = {
	0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu, 0xe963a535u, 0x9e6495a3u,
	0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u, 0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u,
	0x1db71064u, 0x6ab020f2u, 0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
	0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u, 0xfa0f3d63u, 0x8d080df5u,
	0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u, 0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu,
	0x35b5a8fau, 0x42b2986cu, 0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
	0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u, 0xcfba9599u, 0xb8bda50fu,
	0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u, 0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du,
	0x76dc4190u, 0x01db7106u, 0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
	0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du, 0x91646c97u, 0xe6635c01u,
	0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu, 0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u,
	0x65b0d9c6u, 0x12b7e950u, 0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
	0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u, 0xa4d1c46du, 0xd3d6f4fbu,
	0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u, 0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u,
	0x5005713cu, 0x270241aau, 0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
	0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u, 0xb7bd5c3bu, 0xc0ba6cadu,
	0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au, 0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u,
	0xe3630b12u, 0x94643b84u, 0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
	0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu, 0x196c3671u, 0x6e6b06e7u,
	0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu, 0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u,
	0xd6d6a3e8u, 0xa1d1937eu, 0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
	0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u, 0x316e8eefu, 0x4669be79u,
	0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u, 0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu,
	0xc5ba3bbeu, 0xb2bd0b28u, 0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
	0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu, 0x72076785u, 0x05005713u,
	0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u, 0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u,
	0x86d3d2d4u, 0xf1d4e242u, 0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
	0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u, 0x616bffd3u, 0x166ccf45u,
	0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u, 0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu,
	0xaed16a4au, 0xd9d65adcu, 0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
	0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u, 0x54de5729u, 0x23d967bfu,
	0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u, 0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

uint32_t sweep_crc32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < len; i++)
		c = (c >> 8) ^ journal_crc_table[(c ^ p[i]) & 0xFFu];
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

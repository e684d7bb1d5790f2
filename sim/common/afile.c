/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct afile {
	FILE *f;
	char *path; /* the target; NULL for stdout */
	char *tmp;  /* the temporary file; NULL when writing in place */
	int slot;   /* registry slot of tmp, or -1 */
};

/*
 * The registry of live temporary files. This is the one piece of mutable
 * global state in the library, and it has to be: a signal handler reaches
 * nothing else. Each slot is written fully before `live` is set and `live`
 * is cleared before the slot is reused, so the handler, which reads only
 * slots marked live, never sees a half-written path. The handlers are
 * installed once, the first time a temporary file is registered, and only
 * for signals whose disposition is the default: a caller that ignores or
 * handles a signal itself keeps doing so.
 */
#define AFILE_SLOTS 32
static struct {
	volatile sig_atomic_t live;
	char path[PATH_MAX];
} afile_reg[AFILE_SLOTS];
static const int afile_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction afile_old[3];
static volatile sig_atomic_t afile_installed[3];
static bool afile_setup_done;

static void afile_on_signal(int sig)
{
	for (int i = 0; i < AFILE_SLOTS; i++)
		if (afile_reg[i].live)
			unlink(afile_reg[i].path);
	for (int i = 0; i < 3; i++)
		if (afile_signals[i] == sig && afile_installed[i])
			sigaction(sig, &afile_old[i], NULL);
	raise(sig);
}

static void afile_install(void)
{
	if (afile_setup_done)
		return;
	afile_setup_done = true;
	for (int i = 0; i < 3; i++) {
		struct sigaction cur;
		if (sigaction(afile_signals[i], NULL, &cur) != 0 || cur.sa_handler != SIG_DFL)
			continue;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = afile_on_signal;
		sigemptyset(&sa.sa_mask);
		for (int k = 0; k < 3; k++)
			sigaddset(&sa.sa_mask, afile_signals[k]);
		sa.sa_flags = SA_RESETHAND;
		afile_old[i] = cur;
		if (sigaction(afile_signals[i], &sa, NULL) == 0)
			afile_installed[i] = 1;
	}
}

/* Registers tmp; -1 when every slot is taken (the file then is not cleaned
 * up on a signal, which is the pre-registry behaviour, never an error). */
static int afile_register(const char *tmp)
{
	if (strlen(tmp) >= PATH_MAX)
		return -1;
	afile_install();
	for (int i = 0; i < AFILE_SLOTS; i++)
		if (!afile_reg[i].live) {
			memcpy(afile_reg[i].path, tmp, strlen(tmp) + 1);
			afile_reg[i].live = 1;
			return i;
		}
	return -1;
}

static void afile_unregister(int slot)
{
	if (slot >= 0)
		afile_reg[slot].live = 0;
}

static void afile_free(afile_t *a)
{
	free(a->path);
	free(a->tmp);
	free(a);
}

/* Classifies an existing path: 0 replace atomically (regular file), 1 write
 * in place (character device, FIFO), -1 refuse (err filled). */
static int afile_kind(const char *path, const struct stat *st, sim_err_t *err)
{
	if (S_ISREG(st->st_mode))
		return 0;
	if (S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode))
		return 1;
	const char *what = S_ISDIR(st->st_mode)	   ? "a directory"
			   : S_ISBLK(st->st_mode)  ? "a block device"
			   : S_ISSOCK(st->st_mode) ? "a socket"
						   : "not a regular file";
	sim_err(err, SIM_EINPUT, "%s: is %s, expected a file path (or - for stdout)", path, what);
	return -1;
}

afile_t *afile_open(const char *path, sim_err_t *err)
{
	afile_t *a = calloc(1, sizeof *a);
	if (!a) {
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	a->slot = -1;
	if (!path || strcmp(path, "-") == 0) {
		a->f = stdout;
		return a;
	}
	size_t n = strlen(path);
	a->path = malloc(n + 1);
	if (!a->path) {
		afile_free(a);
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(a->path, path, n + 1);
	struct stat st;
	int kind = 0;
	if (stat(path, &st) == 0 && (kind = afile_kind(path, &st, err)) < 0) {
		afile_free(a);
		return NULL;
	}
	if (kind == 1) {
		a->f = fopen(path, "w");
		if (!a->f) {
			sim_err(err, SIM_EIO, "%s: cannot write: %s", path, strerror(errno));
			afile_free(a);
			return NULL;
		}
		return a;
	}
	/* A symbolic link to a regular file: replace the file it names, not
	 * the link. */
	char *target = realpath(path, NULL);
	const char *base = target ? target : path;
	size_t bn = strlen(base);
	a->tmp = malloc(bn + 16);
	if (!a->tmp) {
		free(target);
		afile_free(a);
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(a->tmp, bn + 16, "%s.tmp.XXXXXX", base);
	if (target) {
		free(a->path);
		a->path = target;
	}
	int fd = mkstemp(a->tmp);
	if (fd < 0) {
		sim_err(err, errno == ENOENT || errno == ENOTDIR ? SIM_EINPUT : SIM_EIO, "%s: cannot write: %s", path,
			strerror(errno));
		afile_free(a);
		return NULL;
	}
	a->slot = afile_register(a->tmp);
	/* mkstemp makes the file 0600; give it what a new file would get (or
	 * the mode of the file it replaces). */
	mode_t um = umask(0);
	umask(um);
	fchmod(fd, target && stat(a->path, &st) == 0 ? st.st_mode & 07777 : 0666 & ~um);
	a->f = fdopen(fd, "w");
	if (!a->f) {
		sim_err(err, SIM_EIO, "%s: cannot write: %s", path, strerror(errno));
		close(fd);
		afile_abort(a);
		return NULL;
	}
	return a;
}

FILE *afile_stream(afile_t *a)
{
	return a->f;
}

int afile_commit(afile_t *a, sim_err_t *err)
{
	int rc = SIM_OK;
	if (!a->path) {
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = sim_err(err, SIM_EIO, "stdout: write failed: %s", strerror(errno));
		afile_free(a);
		return rc;
	}
	if (fflush(a->f) != 0 || ferror(a->f) || (a->tmp && fsync(fileno(a->f)) != 0))
		rc = sim_err(err, SIM_EIO, "%s: write failed: %s", a->path, strerror(errno));
	if (fclose(a->f) != 0 && !rc)
		rc = sim_err(err, SIM_EIO, "%s: write failed: %s", a->path, strerror(errno));
	a->f = NULL;
	if (a->tmp) {
		if (!rc && rename(a->tmp, a->path) != 0)
			rc = sim_err(err, SIM_EIO, "%s: cannot rename into place: %s", a->path, strerror(errno));
		if (rc)
			unlink(a->tmp);
		afile_unregister(a->slot);
	}
	afile_free(a);
	return rc;
}

void afile_abort(afile_t *a)
{
	if (!a)
		return;
	if (a->path && a->f)
		fclose(a->f);
	if (a->tmp) {
		unlink(a->tmp);
		afile_unregister(a->slot);
	}
	afile_free(a);
}

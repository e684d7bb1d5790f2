/*
 * cli_sweep.c - `sharpsim sweep`, `sharpsim merge` and `sharpsim plot`.
 *
 * sweep: expands a spec (sweep/spec.h), then runs its points in parallel
 * in a pool of worker processes, forked once each, that run points
 * in-process (sweep/point.h) and send each result row back over a socket
 * (see "the pool of workers" below for what a worker isolates, and how).
 * The parent alone writes results: per finished point, first
 * the journal (the source of truth, fsync'd), then one appended line each
 * to results.csv and results.jsonl. On start (and --resume) the journal's
 * torn tail, if any, is cut and both files are regenerated from it; at the
 * end they are rewritten in the canonical order (sweep/table.h).
 *
 * Test hook: SHARPSIM_SWEEP_FAULT=journal:K (or csv:K) makes the sweeper
 * SIGKILL itself right after the K-th point of this process reaches the
 * journal (or results.csv), i.e. between the appends of one point; the
 * kill/resume test (tests/sweep/kill_resume.sh) uses it. crash:I and
 * hang:I make the worker that runs point I die of SIGSEGV or block forever
 * before running it, fail:I makes point I fail with an input error instead
 * of running (tests/sweep/cli.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/afile.h"
#include "../common/datadir.h"
#include "../energy/energy.h"
#include "../sweep/journal.h"
#include "../sweep/plot.h"
#include "../sweep/point.h"
#include "../sweep/spec.h"
#include "../sweep/table.h"
#include "cli.h"

#ifndef SHARPSIM_VERSION
#define SHARPSIM_VERSION "0.0.0"
#endif

#define DEFAULT_TECH "configs/tech/sharp-32nm.yaml"
#define SWEEP_MAX_JOBS 256

static void sweep_usage(FILE *f)
{
	fputs("usage: sharpsim sweep SPEC.yaml [-j N] [--out DIR] [--resume] [--no-fast-forward] [--timeout S]\n"
	      "                      [--per-layer]\n"
	      "       sharpsim sweep SPEC.yaml --emit-jobs[=FILE] [--out DIR]\n"
	      "       sharpsim sweep SPEC.yaml --point I [--out DIR]\n"
	      "\n"
	      "  -j N, -jN       points run at once (default: the number of cores)\n"
	      "  --out DIR        results directory (default build/sweeps/<spec name>): journal,\n"
	      "                   results.csv, results.jsonl\n"
	      "  --resume         keep the points already in DIR and run the rest\n"
	      "  --no-fast-forward  step every cycle in every run (as fast_forward: false; the\n"
	      "                   jumps are exact, this is for checking and timing)\n"
	      "  --per-layer      after each point's row, a row per layer pass (row=layer), as\n"
	      "                   run --per-layer (as per_layer: true); a directory keeps the\n"
	      "                   setting it was started with (--resume with the other is refused)\n"
	      "  --timeout S      a point still running after S seconds is stopped and fails\n"
	      "                   (status 4); default: no limit\n"
	      "  --emit-jobs      print one shell command per point (GNU parallel, Slurm arrays);\n"
	      "                   each writes DIR/points/I; then: sharpsim merge DIR/points/* --out DIR\n"
	      "  --point I        run point I alone (0-based, in expansion order) into DIR\n"
	      "  --quiet          no progress and no summary\n"
	      "\n"
	      "The spec format and the output columns: docs/sweeps.md.\n",
	      f);
}

typedef struct sweep_args {
	const char *spec, *out, *emit;
	bool resume, emit_jobs, no_ff, quiet, per_layer;
	long jobs, point;
	double timeout; /* --timeout seconds; 0: none */
} sweep_args_t;

static int sweep_parse(int argc, char **argv, sweep_args_t *a, sim_err_t *err)
{
	a->point = -1;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		bool has = i + 1 < argc;
		uint64_t v;
		if ((!strcmp(o, "-j") && has) || (!strncmp(o, "-j", 2) && o[2])) {
			/* -j N and -jN, as make takes them. */
			const char *jv = o[2] ? o + 2 : argv[++i];
			a->jobs = cli_parse_u64(jv, SWEEP_MAX_JOBS, &v) ? 0 : (long)v;
			if (a->jobs < 1)
				return sim_err(err, SIM_EINPUT, "option -j '%s': expected an integer 1..%d", jv,
					       SWEEP_MAX_JOBS);
		} else if (!strcmp(o, "--out") && has) {
			a->out = argv[++i];
		} else if (!strcmp(o, "--point") && has) {
			a->point = cli_parse_u64(argv[++i], LONG_MAX, &v) ? -1 : (long)v;
			if (a->point < 0)
				return sim_err(err, SIM_EINPUT, "option --point '%s': expected a point index >= 0",
					       argv[i]);
		} else if (!strcmp(o, "--timeout") && has) {
			char *end;
			errno = 0;
			a->timeout = strtod(argv[++i], &end);
			if (errno || end == argv[i] || *end || !(a->timeout > 0 && a->timeout <= 1e9))
				return sim_err(err, SIM_EINPUT, "option --timeout '%s': expected seconds, a number > 0",
					       argv[i]);
		} else if (!strcmp(o, "--resume")) {
			a->resume = true;
		} else if (!strcmp(o, "--no-fast-forward")) {
			a->no_ff = true;
		} else if (!strcmp(o, "--per-layer")) {
			a->per_layer = true;
		} else if (!strcmp(o, "--quiet")) {
			a->quiet = true;
		} else if (!strcmp(o, "--emit-jobs")) {
			a->emit_jobs = true;
		} else if (!strncmp(o, "--emit-jobs=", 12)) {
			a->emit_jobs = true;
			a->emit = o + 12;
		} else if (o[0] == '-') {
			return sim_err(err, SIM_EINPUT,
				       "unknown option '%s' (or a missing value), expected one of "
				       "sharpsim sweep --help",
				       o);
		} else if (!a->spec) {
			a->spec = o;
		} else {
			return sim_err(err, SIM_EINPUT, "a second spec '%s', expected one SPEC.yaml", o);
		}
	}
	if (!a->spec)
		return sim_err(err, SIM_EINPUT, "no spec, expected sharpsim sweep SPEC.yaml");
	return SIM_OK;
}

/* mkdir -p */
static int sweep_mkdirs(const char *dir, sim_err_t *err)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return sim_err(err, SIM_EIO, "%s: cannot create: %s", p, strerror(errno));
		*s = '/';
	}
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		return sim_err(err, SIM_EIO, "%s: cannot create: %s", p, strerror(errno));
	return SIM_OK;
}

static void sweep_shell_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* path made absolute; false when it does not fit buf. */
static bool sweep_abs(const char *path, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	int n;
	if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
		n = snprintf(buf, size, "%s", path);
	else
		n = snprintf(buf, size, "%s/%s", cwd, path);
	return n >= 0 && (size_t)n < size;
}

static int sweep_emit(const sweep_args_t *a, const sweep_spec_t *s, const char *out, sim_err_t *err)
{
	char cwd[PATH_MAX], exe[PATH_MAX], spec[PATH_MAX], dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0 || !getcwd(cwd, sizeof cwd))
		return sim_err(err, SIM_EIO, "cannot find the executable or the working directory: %s",
			       strerror(errno));
	exe[n] = '\0';
	if (!sweep_abs(a->spec, spec, sizeof spec) || !sweep_abs(out, dir, sizeof dir))
		return sim_err(err, SIM_EINPUT, "%s, %s: path too long, expected under %d characters", a->spec, out,
			       PATH_MAX);
	afile_t *f = afile_open(a->emit, err);
	if (!f)
		return err->code;
	FILE *o = afile_stream(f);
	for (size_t i = 0; i < s->n; i++) {
		char pdir[PATH_MAX + 32];
		snprintf(pdir, sizeof pdir, "%s/points/%zu", dir, i);
		fputs("cd ", o);
		sweep_shell_quote(o, cwd);
		fputs(" && ", o);
		sweep_shell_quote(o, exe);
		fputs(" sweep ", o);
		sweep_shell_quote(o, spec);
		fprintf(o, " --point %zu --quiet%s%s", i, !s->fast_forward ? " --no-fast-forward" : "",
			s->per_layer ? " --per-layer" : "");
		if (a->timeout > 0)
			fprintf(o, " --timeout %g", a->timeout);
		fputs(" --out ", o);
		sweep_shell_quote(o, pdir);
		fputc('\n', o);
	}
	return afile_commit(f, err);
}

/* ---- the pool of workers ----
 *
 * -j N forks N workers once; each runs many points in-process
 * (sweep/point.h) and only the sweeper writes results. A sweeper and its
 * worker talk over one socketpair: the sweeper sends a point's index (a
 * uint64_t), the worker answers with one frame (a sweep_frame_t, then the
 * encoded row when the status is 0) and waits for the next index; the
 * sweeper closing its end means no more points. At most one index and one
 * frame are in flight per worker, and MSG_NOSIGNAL turns a vanished peer
 * into EPIPE rather than a SIGPIPE on either side.
 *
 * Invariant of the loop: every live worker (pid != 0) has a point
 * outstanding; a worker whose frame arrived is given the next point at
 * once, before the frame is recorded (so the journal's fsync overlaps the
 * worker's next run), or, when none is left, retired once the frame is
 * recorded (its socket closed, it exits, it is reaped).
 *
 * What the former process per point isolated, and how the pool keeps it:
 * - a crash: the worker dies alone; EOF on its socket with a point
 *   outstanding reports that point as failed, as before ("killed by signal
 *   S", status 5, or the worker's exit status), and a fresh worker is
 *   forked for the points left. Its row is missing; --resume runs it again.
 * - a hang: the simulator's watchdog turns a deadlock into an error
 *   (status 4); a point still running after --timeout seconds has its
 *   worker SIGKILLed and is reported as failed with status 4, and a fresh
 *   worker takes the points left.
 * - per-point errors: the worker prints the point's message, as the child
 *   did, and sends the status in the frame instead of exiting with it.
 * - memory: a point frees everything it allocates, so a worker's heap is
 *   bounded by its largest point. This is checked: a worker that runs out
 *   of points ends with exit(), not _exit(), so a sanitizer build's
 *   exit-time leak check covers every point the worker ran, and a worker
 *   that ends badly fails the sweep (make asan-test runs sweeps so).
 * - state: the library keeps no mutable globals (afile's signal registry
 *   aside, which a worker never fills), so a row does not depend on the
 *   points its worker ran before: -j 1 and -j N write the same bytes.
 * - signals: a worker keeps the sweeper's dispositions, as the child did:
 *   ^C reaches the whole process group. A worker whose sweeper died (even
 *   by SIGKILL) sees EOF or EPIPE and exits without writing anything.
 */

typedef struct sweep_frame {
	uint64_t point;
	int32_t status; /* the point's exit status; 0: len bytes of encoded row follow */
	uint32_t len;
} sweep_frame_t;

typedef struct worker {
	pid_t pid;	       /* 0: no worker in this slot */
	int fd;		       /* the sweeper's end of the socketpair */
	bool timed_out;	       /* SIGKILLed by the sweeper after --timeout */
	size_t point;	       /* the point outstanding */
	struct timespec start; /* when it was sent */
	char *buf;	       /* the frame received so far */
	size_t len, cap;
} worker_t;

typedef struct sweeper {
	const sweep_spec_t *spec;
	const energy_tech_t *tech; /* loaded once, before the workers fork; NULL: unpriced */
	const char *dir;
	sweep_journal_t *j;
	sweep_table_t *t;
	int csv_fd, jsonl_fd;
	int fault_at; /* SHARPSIM_SWEEP_FAULT: 1 journal, 2 csv, 3 crash, 4 hang, 5 fail */
	long fault_k;
	long committed;
	size_t done, total;
	bool tty, quiet;
	bool worker_failed; /* a worker ended badly after its last point */
	double timeout;	    /* seconds per point; 0: none */
	struct timespec t0, last;
	int worst; /* exit status of the worst failed point */
	worker_t w[SWEEP_MAX_JOBS];
	size_t nw; /* slots in use */
} sweeper_t;

static double sweep_seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

static void sweep_progress(sweeper_t *S, bool final)
{
	if (S->quiet)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && !S->tty && sweep_seconds(&S->last, &now) < 2.0)
		return;
	S->last = now;
	double el = sweep_seconds(&S->t0, &now);
	double eta = S->done ? el / (double)S->done * (double)(S->total - S->done) : 0;
	double frac = S->total ? (double)S->done / (double)S->total : 1;
	if (S->tty) {
		char bar[31];
		int w = (int)(frac * 30);
		for (int i = 0; i < 30; i++)
			bar[i] = i < w ? '#' : '.';
		bar[30] = '\0';
		fprintf(stderr, "\r[%s] %zu/%zu %5.1f%%  %.0f s elapsed  ETA %.0f s ", bar, S->done, S->total,
			100 * frac, el, eta);
		if (final)
			fputc('\n', stderr);
	} else {
		fprintf(stderr, "sweep: %zu/%zu points (%.1f%%), %.1f s elapsed, ETA %.0f s\n", S->done, S->total,
			100 * frac, el, eta);
	}
}

static int sweep_write_line(int fd, const sweep_table_t *t, const sweep_rec_t *r, bool csv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return -1;
	if (csv)
		sweep_table_csv_row(t, r, m);
	else
		sweep_table_jsonl_row(t, r, m);
	fclose(m);
	/* One write() of the whole line: a crash leaves the line or nothing
	 * (and the file is regenerated from the journal anyway). */
	ssize_t w = write(fd, buf, len);
	free(buf);
	return w == (ssize_t)len ? 0 : -1;
}

static void sweep_fault(const sweeper_t *S, int where)
{
	if (S->fault_at == where && S->committed == S->fault_k)
		raise(SIGKILL);
}

/* The test hooks crash:I, hang:I and fail:I, in the worker that runs
 * point I; fail:I returns the error point I then reports. */
static int sweep_fault_point(const sweeper_t *S, size_t i, sim_err_t *err)
{
	if (S->fault_at == 3 && (long)i == S->fault_k) {
		/* The default action (a core-dumping death), not a sanitizer's
		 * handler: as a wild pointer would end a release build. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	while (S->fault_at == 4 && (long)i == S->fault_k)
		pause();
	if (S->fault_at == 5 && (long)i == S->fault_k)
		return sim_err(err, SIM_EINPUT, "injected failure (SHARPSIM_SWEEP_FAULT=fail:%zu)", i);
	return SIM_OK;
}

/* A point's row: journal first, then the two derived files. */
static int sweep_commit(sweeper_t *S, size_t point, const char *payload, size_t len, sim_err_t *err)
{
	sweep_rec_t *r;
	char where[64];
	snprintf(where, sizeof where, "point %zu", point);
	int rc = sweep_rec_decode(payload, len, where, &r, err);
	if (rc)
		return rc;
	rc = sweep_journal_append(S->j, r, err);
	if (!rc && sweep_table_add(S->t, r) < 0)
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	if (!rc) {
		S->committed++;
		sweep_fault(S, 1);
		if (sweep_write_line(S->csv_fd, S->t, r, true))
			rc = sim_err(err, SIM_EIO, "%s/results.csv: cannot append: %s", S->dir, strerror(errno));
	}
	if (!rc) {
		sweep_fault(S, 2);
		if (sweep_write_line(S->jsonl_fd, S->t, r, false))
			rc = sim_err(err, SIM_EIO, "%s/results.jsonl: cannot append: %s", S->dir, strerror(errno));
	}
	sweep_rec_free(r);
	return rc;
}

/* Sends all of buf; false when the peer is gone. */
static bool sweep_send(int fd, const void *buf, size_t len)
{
	for (const char *p = buf; len;) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

/* A worker's main loop: runs each point the sweeper sends, answers with
 * its frame, until the sweeper closes the socket. */
static _Noreturn void sweep_worker(const sweeper_t *S, int fd)
{
	/* The worker's tile tables and config memo, kept across its points
	 * (NULL when out of memory: each point then loads its own). */
	tile_cache_t *tiles = tile_cache_create();
	config_memo_t *memo = config_memo_create();
	for (;;) {
		uint64_t i;
		size_t got = 0;
		while (got < sizeof i) {
			ssize_t n = read(fd, (char *)&i + got, sizeof i - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0 && got == 0) {
				tile_cache_destroy(tiles);
				config_memo_destroy(memo);
				exit(0); /* no more points; exit() for the leak check (see above) */
			}
			if (n <= 0)
				_exit(cli_exit_status(SIM_EIO));
			got += (size_t)n;
		}
		if (i >= S->spec->n)
			_exit(cli_exit_status(SIM_EINTERNAL));
		sim_err_t err = { 0 };
		sweep_rec_t *r = NULL;
		int rc = sweep_fault_point(S, (size_t)i, &err);
		if (!rc)
			rc = sweep_point_run(S->spec, (size_t)i, S->tech, tiles, memo, SHARPSIM_VERSION, &r, &err);
		size_t len = 0;
		char *payload = rc ? NULL : sweep_rec_encode(r, &len);
		sweep_rec_free(r);
		if (!rc && (!payload || len > UINT32_MAX))
			rc = sim_err(&err, SIM_ENOMEM, "out of memory encoding the row");
		if (rc) {
			const sweep_point_t *p = &S->spec->pts[i];
			fprintf(stderr, "sharpsim sweep: point %zu (%s, %s, %s): %s\n", (size_t)i, p->hw_name,
				p->wl_name, p->sched, err.msg);
			len = 0;
		}
		sweep_frame_t h = { .point = i, .status = cli_exit_status(rc), .len = (uint32_t)len };
		bool sent = sweep_send(fd, &h, sizeof h) && sweep_send(fd, payload, len);
		free(payload);
		if (!sent)
			_exit(cli_exit_status(SIM_EIO)); /* the sweeper is gone */
	}
}

/* Forks a worker into the empty slot w. */
static int sweep_spawn(sweeper_t *S, worker_t *w, sim_err_t *err)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return sim_err(err, SIM_EIO, "socketpair: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return sim_err(err, SIM_EIO, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		/* The other workers' sockets: holding them open would keep
		 * those workers from seeing EOF when the sweeper closes its
		 * end (after its last point, or when the sweeper dies). */
		for (size_t k = 0; k < S->nw; k++)
			if (S->w[k].pid)
				close(S->w[k].fd);
		close(sv[0]);
		sweep_worker(S, sv[1]);
	}
	close(sv[1]);
	*w = (worker_t){ .pid = pid, .fd = sv[0] };
	return SIM_OK;
}

static void sweep_assign(worker_t *w, size_t point)
{
	uint64_t i = point;
	w->point = point;
	w->len = 0;
	clock_gettime(CLOCK_MONOTONIC, &w->start);
	/* A worker that died since its last frame fails the send; make sure
	 * it is dead, so that its EOF reports the point. */
	if (!sweep_send(w->fd, &i, sizeof i))
		kill(w->pid, SIGKILL);
}

static int sweep_reap(pid_t pid)
{
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static void sweep_slot_free(worker_t *w)
{
	close(w->fd);
	free(w->buf);
	*w = (worker_t){ 0 };
}

/* Ends a worker with no point outstanding: it exits on EOF. */
static void sweep_retire(sweeper_t *S, worker_t *w)
{
	pid_t pid = w->pid;
	sweep_slot_free(w);
	int status = sweep_reap(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	fprintf(stderr, "sharpsim sweep: a worker ended with %s %d after its last point\n",
		WIFSIGNALED(status) ? "signal" : "exit status",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	S->worker_failed = true;
}

/* The worker of w died (or was killed) with its point outstanding: the
 * point failed, as a crashed child's did. */
static void sweep_lost(sweeper_t *S, worker_t *w)
{
	const sweep_point_t *p = &S->spec->pts[w->point];
	size_t point = w->point;
	bool timed_out = w->timed_out;
	pid_t pid = w->pid;
	sweep_slot_free(w);
	int status = sweep_reap(pid);
	int code = 5;
	if (timed_out) {
		fprintf(stderr, "sharpsim sweep: point %zu (%s, %s, %s): no result after %g s (--timeout), stopped\n",
			point, p->hw_name, p->wl_name, p->sched, S->timeout);
		code = cli_exit_status(SIM_EDEADLOCK);
	} else if (WIFSIGNALED(status)) {
		fprintf(stderr, "sharpsim sweep: point %zu killed by signal %d\n", point, WTERMSIG(status));
	} else {
		fprintf(stderr, "sharpsim sweep: point %zu: its worker exited with status %d and no result\n", point,
			WEXITSTATUS(status));
		if (WEXITSTATUS(status))
			code = WEXITSTATUS(status);
	}
	if (code > S->worst)
		S->worst = code;
	S->total--;
}

/* Reads what worker w sent. Returns 0 while its frame is incomplete, 1
 * when the worker is lost (its point failed, the slot is empty) or on an
 * error (*rc), 2 when the frame of *point is complete: *frame then owns it
 * (the caller frees it) and w is ready for its next point, or its slot is
 * empty when the frame beat a --timeout SIGKILL (the dying worker is
 * reaped, so that no next point is sent to it). */
static int sweep_read(sweeper_t *S, worker_t *w, char **frame, size_t *point, int *rc, sim_err_t *err)
{
	if (w->len + 4096 > w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 16384;
		char *b = realloc(w->buf, cap);
		if (!b) {
			*rc = sim_err(err, SIM_ENOMEM, "out of memory");
			return 1;
		}
		w->buf = b;
		w->cap = cap;
	}
	ssize_t n = read(w->fd, w->buf + w->len, w->cap - w->len);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0) {
		sweep_lost(S, w);
		return 1;
	}
	w->len += (size_t)n;
	sweep_frame_t h;
	if (w->len < sizeof h)
		return 0;
	memcpy(&h, w->buf, sizeof h);
	if (w->len < sizeof h + h.len)
		return 0;
	if (h.point != w->point || w->len != sizeof h + h.len) {
		*rc = sim_err(err, SIM_EINTERNAL, "point %zu: its worker sent a garbled frame", w->point);
		return 1;
	}
	*frame = w->buf;
	*point = w->point;
	w->buf = NULL;
	if (w->timed_out) {
		pid_t pid = w->pid;
		sweep_slot_free(w);
		sweep_reap(pid);
	} else {
		*w = (worker_t){ .pid = w->pid, .fd = w->fd, .point = w->point };
	}
	return 2;
}

/* Records a complete frame of point: its row, or its failure. */
static int sweep_settle(sweeper_t *S, size_t point, const char *frame, sim_err_t *err)
{
	sweep_frame_t h;
	memcpy(&h, frame, sizeof h);
	if (h.status) {
		if (h.status > S->worst)
			S->worst = h.status;
		S->total--;
		return SIM_OK;
	}
	S->done++;
	return sweep_commit(S, point, frame + sizeof h, h.len, err);
}

/* SIGKILLs the workers whose point has run past --timeout; returns the
 * poll() timeout until the next one could (-1: none). */
static int sweep_watch(sweeper_t *S)
{
	if (S->timeout <= 0)
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double next = -1;
	for (size_t k = 0; k < S->nw; k++) {
		worker_t *w = &S->w[k];
		if (!w->pid || w->timed_out)
			continue;
		double left = S->timeout - sweep_seconds(&w->start, &now);
		if (left <= 0) {
			kill(w->pid, SIGKILL);
			w->timed_out = true;
		} else if (next < 0 || left < next) {
			next = left;
		}
	}
	return next < 0 ? -1 : (int)(next * 1000) + 1;
}

static int sweep_pool(sweeper_t *S, const size_t *todo, size_t n, long jobs, sim_err_t *err)
{
	struct pollfd pf[SWEEP_MAX_JOBS];
	size_t slot[SWEEP_MAX_JOBS];
	size_t next = 0;
	int rc = SIM_OK;
	S->nw = n < (size_t)jobs ? n : (size_t)jobs;
	for (size_t k = 0; !rc && k < S->nw; k++)
		if (!(rc = sweep_spawn(S, &S->w[k], err)))
			sweep_assign(&S->w[k], todo[next++]);
	while (!rc) {
		size_t live = 0;
		for (size_t k = 0; k < S->nw; k++)
			if (S->w[k].pid) {
				pf[live] = (struct pollfd){ .fd = S->w[k].fd, .events = POLLIN };
				slot[live++] = k;
			}
		if (!live)
			break;
		if (poll(pf, live, sweep_watch(S)) < 0) {
			if (errno == EINTR)
				continue;
			rc = sim_err(err, SIM_EIO, "poll: %s", strerror(errno));
			break;
		}
		for (size_t i = 0; !rc && i < live; i++) {
			worker_t *w = &S->w[slot[i]];
			char *frame = NULL;
			size_t point = 0;
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)) ||
			    !sweep_read(S, w, &frame, &point, &rc, err) || rc)
				continue;
			/* The next point goes out before this one is recorded, so
			 * the worker runs it while the sweeper waits on the
			 * journal's fsync, rather than idling through it. */
			bool more = next < n;
			if (more) {
				if (!w->pid)
					rc = sweep_spawn(S, w, err); /* in place of a lost or stopped worker */
				if (!rc)
					sweep_assign(w, todo[next++]);
			}
			if (frame && !rc)
				rc = sweep_settle(S, point, frame, err);
			free(frame);
			sweep_progress(S, false);
			if (!rc && !more && w->pid)
				sweep_retire(S, w);
		}
	}
	/* On an error, let the running points finish unrecorded: a worker
	 * sees EOF (or EPIPE) once its socket is closed, and exits. */
	for (size_t k = 0; k < S->nw; k++)
		if (S->w[k].pid) {
			pid_t pid = S->w[k].pid;
			sweep_slot_free(&S->w[k]);
			sweep_reap(pid);
		}
	return rc;
}

static int sweep_open_append(const char *dir, const char *name, int *fd, sim_err_t *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	*fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	return *fd < 0 ? sim_err(err, SIM_EIO, "%s: cannot open: %s", path, strerror(errno)) : SIM_OK;
}

static int sweep_write_title(const char *dir, const char *title, sim_err_t *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/title.txt", dir);
	afile_t *f = afile_open(path, err);
	if (!f)
		return err->code;
	fprintf(afile_stream(f), "%s\n", title);
	return afile_commit(f, err);
}

/* Registers every column the spec's rows will have, so that the appended
 * lines and the final files agree with a clean run's. */
static int sweep_columns(sweep_table_t *t, const sweep_spec_t *s, bool priced)
{
	static const char *const fixed[] = { "version", "config_hash", "hw", "workload", "scheduler" };
	int rc = 0;
	(void)priced; /* one schema: unpriced rows leave the energy columns empty */
	static const char *const layer_cols[] = { "row", "layer", "pass" };
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		rc |= sweep_table_add_column(t, fixed[i]);
	for (size_t i = 0; s->per_layer && i < sizeof layer_cols / sizeof *layer_cols; i++)
		rc |= sweep_table_add_column(t, layer_cols[i]);
	for (size_t i = 0; i < s->n_param_cols; i++)
		rc |= sweep_table_add_column(t, s->param_cols[i]);
	for (size_t i = 0; sweep_result_columns[i]; i++)
		rc |= sweep_table_add_column(t, sweep_result_columns[i]);
	return rc;
}

/* Whether a journaled point carries per-layer rows: every run has a pass,
 * so a per-layer point has at least one sub-row. */
static bool sweep_rec_per_layer(const sweep_rec_t *r)
{
	return sweep_rec_children(r) > 0;
}

/* Every row already in the journal must be a point of this spec: resuming
 * with another spec would mix two studies' rows in one table. A spec that
 * grew (more values on an axis) keeps every old point and may resume.
 * per_layer is not part of a point's identity (it reports, it does not
 * simulate: the config_hash is the same), so it is checked here: a
 * directory holds points with layer rows or points without, never both,
 * and a resume with the other setting is refused rather than leaving some
 * points without the rows the rest have. */
static int sweep_check_resume(const sweep_spec_t *s, const sweep_journal_t *j, const char *out, sim_err_t *err)
{
	for (size_t i = 0; i < sweep_journal_count(j); i++) {
		const sweep_rec_t *r = sweep_journal_rec(j, i);
		const char *hash = NULL;
		for (size_t k = 0; k < sweep_rec_len(r); k++)
			if (!strcmp(sweep_rec_key(r, k), "config_hash"))
				hash = sweep_rec_value(r, k);
		if (!hash || sweep_spec_find(s, hash) < 0)
			return sim_err(err, SIM_EINPUT,
				       "%s holds a result (config_hash %s) that is not a point of %s, "
				       "expected the spec the directory was started with, or another --out",
				       out, hash ? hash : "missing", s->path);
		if (sweep_rec_per_layer(r) != s->per_layer)
			return sim_err(err, SIM_EINPUT,
				       "%s holds results %s per-layer rows and this sweep is %s them, expected "
				       "the setting the directory was started with (%s), or another --out",
				       out, s->per_layer ? "without" : "with", s->per_layer ? "with" : "without",
				       s->per_layer ? "no --per-layer and per_layer: false"
						    : "--per-layer or per_layer: true");
	}
	return SIM_OK;
}

static int sweep_run(const sweep_args_t *a, sweep_spec_t *s, const char *out, sim_err_t *err)
{
	const char *tech = s->tech[0] ? s->tech : DEFAULT_TECH;
	char techbuf[DATADIR_PATH_MAX];
	if (s->energy && access(datadir_find(tech, techbuf, sizeof techbuf), R_OK) != 0)
		return sim_err(err, SIM_EINPUT,
			       "%s: the technology table %s is not readable, expected "
			       "tech: in the spec naming a readable file, or energy: false",
			       s->path, tech);
	if (a->point >= 0 && (size_t)a->point >= s->n)
		return sim_err(err, SIM_EINPUT, "option --point %ld: the spec has %zu points, expected 0..%zu",
			       a->point, s->n, s->n ? s->n - 1 : 0);
	int rc = sweep_mkdirs(out, err);
	if (rc)
		return rc;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/journal", out);
	sweeper_t S = { .spec = s,
			.dir = out,
			.csv_fd = -1,
			.jsonl_fd = -1,
			.tty = isatty(2),
			.quiet = a->quiet,
			.timeout = a->timeout };
	size_t dropped = 0;
	rc = sweep_journal_open(path, &S.j, &dropped, err);
	if (rc)
		return rc;
	if (dropped)
		fprintf(stderr,
			"sharpsim sweep: %s: cut a torn tail of %zu bytes (an interrupted append); its "
			"point runs again\n",
			path, dropped);
	size_t before = sweep_journal_count(S.j);
	if (before && !a->resume && a->point < 0) {
		sweep_journal_close(S.j);
		return sim_err(err, SIM_EINPUT, "%s already holds %zu results, expected --resume or another --out", out,
			       before);
	}
	rc = sweep_check_resume(s, S.j, out, err);
	if (rc) {
		sweep_journal_close(S.j);
		return rc;
	}
	S.t = sweep_table_create();
	rc = S.t ? SIM_OK : SIM_ENOMEM;
	if (!rc && sweep_columns(S.t, s, s->energy))
		rc = SIM_ENOMEM;
	for (size_t i = 0; !rc && i < sweep_journal_count(S.j); i++)
		if (sweep_table_add(S.t, sweep_journal_rec(S.j, i)) < 0)
			rc = SIM_ENOMEM;
	if (rc == SIM_ENOMEM)
		sim_err(err, rc, "out of memory");
	if (!rc) {
		sweep_table_sort(S.t);
		rc = sweep_table_write_files(S.t, out, err);
	}
	if (!rc)
		rc = sweep_write_title(out, s->title[0] ? s->title : s->path, err);
	size_t *todo = calloc(s->n ? s->n : 1, sizeof *todo), n = 0;
	if (!rc && !todo)
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < s->n; i++)
		if ((a->point < 0 || (size_t)a->point == i) && !sweep_table_has(S.t, s->pts[i].hash))
			todo[n++] = i;
	if (!rc)
		rc = sweep_open_append(out, "results.csv", &S.csv_fd, err);
	if (!rc)
		rc = sweep_open_append(out, "results.jsonl", &S.jsonl_fd, err);
	/* One technology table for every point: parsing it per point cost
	 * more than the point's own config and workload. A table that does
	 * not load fails the sweep here, before any point runs, rather than
	 * failing every point. */
	energy_tech_t *table = NULL;
	if (!rc && s->energy && n)
		rc = energy_tech_load(tech, &table, err);
	S.tech = table;
	const char *fault = getenv("SHARPSIM_SWEEP_FAULT");
	if (fault && sscanf(fault, "journal:%ld", &S.fault_k) == 1)
		S.fault_at = 1;
	else if (fault && sscanf(fault, "csv:%ld", &S.fault_k) == 1)
		S.fault_at = 2;
	else if (fault && sscanf(fault, "crash:%ld", &S.fault_k) == 1)
		S.fault_at = 3;
	else if (fault && sscanf(fault, "hang:%ld", &S.fault_k) == 1)
		S.fault_at = 4;
	else if (fault && sscanf(fault, "fail:%ld", &S.fault_k) == 1)
		S.fault_at = 5;
	if (!rc && !a->quiet)
		fprintf(stderr, "sharpsim sweep: %zu points (%zu expanded), %zu done before, %zu to run, %ld at once\n",
			s->n, s->n_expanded, s->n - n, n, a->jobs);
	S.total = n;
	clock_gettime(CLOCK_MONOTONIC, &S.t0);
	S.last = S.t0;
	if (!rc)
		rc = sweep_pool(&S, todo, n, a->jobs, err);
	if (!rc) {
		sweep_progress(&S, true);
		sweep_table_sort(S.t);
		rc = sweep_table_write_files(S.t, out, err);
	}
	if (!rc && !a->quiet) {
		sweep_table_summary(S.t, stdout);
		printf("\nresults: %s/results.csv, %s/results.jsonl (%zu rows", out, out, sweep_table_rows(S.t));
		size_t layer_rows = 0;
		for (size_t i = 0; i < sweep_table_rows(S.t); i++)
			layer_rows += sweep_rec_children(sweep_table_row(S.t, i));
		printf(layer_rows ? ", and %zu layer rows after them)\n" : ")\n", layer_rows);
	}
	if (!rc && !S.worst && S.worker_failed)
		rc = sim_err(err, SIM_EINTERNAL,
			     "a worker failed after its last point (see above), though every "
			     "row was written");
	if (!rc && S.worst)
		rc = sim_err(err, S.worst,
			     "%zu of %zu points failed (see above); their rows are missing, "
			     "--resume runs them again",
			     n - S.done, n);
	if (S.csv_fd >= 0)
		close(S.csv_fd);
	if (S.jsonl_fd >= 0)
		close(S.jsonl_fd);
	free(todo);
	energy_tech_destroy(table);
	sweep_table_free(S.t);
	sweep_journal_close(S.j);
	return rc;
}

static long sweep_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > SWEEP_MAX_JOBS ? SWEEP_MAX_JOBS : n;
}

/* Expansion progress on stderr, once it has taken a second: most specs
 * expand in a fraction of one and print nothing. */
typedef struct expand_progress {
	struct timespec t0, last;
	bool tty;
} expand_progress_t;

static void sweep_expand_progress(void *ctx, size_t done, size_t total)
{
	expand_progress_t *p = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (sweep_seconds(&p->t0, &now) < 1.0 || sweep_seconds(&p->last, &now) < (p->tty ? 0.2 : 5.0))
		return;
	p->last = now;
	fprintf(stderr, "%ssharpsim sweep: expanding the spec: %zu of %zu points checked%s", p->tty ? "\r" : "", done,
		total, p->tty ? " " : "\n");
}

int cli_sweep(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			sweep_usage(stdout);
			return 0;
		}
	sweep_args_t a = { 0 };
	sim_err_t err = { 0 };
	int rc = sweep_parse(argc, argv, &a, &err);
	if (rc) {
		cli_error(&err);
		return cli_exit_status(rc);
	}
	if (!a.jobs)
		a.jobs = sweep_cores();
	sweep_spec_t s;
	expand_progress_t ep = { .tty = isatty(2) };
	clock_gettime(CLOCK_MONOTONIC, &ep.t0);
	rc = sweep_spec_load_progress(a.spec, SHARPSIM_VERSION, a.quiet ? NULL : sweep_expand_progress, &ep, &s, &err);
	if (ep.last.tv_sec && ep.tty)
		fputc('\n', stderr);
	if (rc) {
		cli_error(&err);
		return cli_exit_status(rc);
	}
	if (a.no_ff)
		s.fast_forward = false;
	if (a.per_layer)
		s.per_layer = true;
	char out[PATH_MAX - 64];
	if (a.out) {
		snprintf(out, sizeof out, "%s", a.out);
	} else {
		const char *b = strrchr(a.spec, '/');
		b = b ? b + 1 : a.spec;
		snprintf(out, sizeof out, "build/sweeps/%.*s", (int)strcspn(b, "."), b);
	}
	rc = a.emit_jobs ? sweep_emit(&a, &s, out, &err) : sweep_run(&a, &s, out, &err);
	if (rc)
		cli_error(&err);
	sweep_spec_free(&s);
	return cli_exit_status(rc);
}

/* ---- merge ---- */

static void merge_usage(FILE *f)
{
	fputs("usage: sharpsim merge DIR... --out DIR\n"
	      "\n"
	      "Combines sweep result directories (their journals) into one: rows deduplicated by\n"
	      "config_hash (the first directory named wins), written in the canonical order, so\n"
	      "merging the parts of a sweep gives the files of the whole sweep byte for byte.\n",
	      f);
}

int cli_merge(int argc, char **argv)
{
	const char *out = NULL;
	const char *in[1024];
	size_t nin = 0;
	sim_err_t err = { 0 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			merge_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] == '-' || nin == sizeof in / sizeof in[0]) {
			fprintf(stderr,
				"sharpsim merge: unknown option or too many directories at '%s', expected "
				"DIR... --out DIR\n",
				argv[i]);
			return 2;
		} else {
			in[nin++] = argv[i];
		}
	}
	if (!out || !nin) {
		merge_usage(stderr);
		return 2;
	}
	sweep_table_t *t = sweep_table_create();
	int rc = t ? SIM_OK : sim_err(&err, SIM_ENOMEM, "out of memory");
	char title[1024] = "";
	size_t dups = 0;
	int per_layer = -1; /* of the first point read; -1: none read yet */
	for (size_t d = 0; !rc && d < nin; d++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/journal", in[d]);
		sweep_journal_t *j;
		size_t dropped;
		rc = sweep_journal_read(path, &j, &dropped, &err);
		if (rc)
			break;
		if (dropped)
			fprintf(stderr, "sharpsim merge: %s: ignoring a torn tail of %zu bytes\n", path, dropped);
		for (size_t i = 0; !rc && i < sweep_journal_count(j); i++) {
			/* One table, one setting: as a resume, a merge does not mix
			 * points with per-layer rows and points without. */
			bool pl = sweep_rec_per_layer(sweep_journal_rec(j, i));
			if (per_layer < 0)
				per_layer = pl;
			if (pl != per_layer) {
				rc = sim_err(&err, SIM_EINPUT,
					     "%s: a point %s per-layer rows where the directories before have "
					     "%s, expected directories swept with the same per_layer setting",
					     path, pl ? "with" : "without", pl ? "none" : "them");
				break;
			}
			int added = sweep_table_add(t, sweep_journal_rec(j, i));
			if (added < 0)
				rc = sim_err(&err, SIM_ENOMEM, "out of memory");
			dups += added == 1;
		}
		sweep_journal_close(j);
		snprintf(path, sizeof path, "%s/title.txt", in[d]);
		FILE *f = title[0] ? NULL : fopen(path, "r");
		if (f) {
			if (!fgets(title, sizeof title, f))
				title[0] = '\0';
			title[strcspn(title, "\n")] = '\0';
			fclose(f);
		}
	}
	if (!rc)
		rc = sweep_mkdirs(out, &err);
	/* The schema's result columns, as a sweep registers them (even when no
	 * row was priced), so a merge writes what the whole sweep would. */
	for (size_t i = 0; !rc && sweep_result_columns[i]; i++)
		if (sweep_table_add_column(t, sweep_result_columns[i]))
			rc = sim_err(&err, SIM_ENOMEM, "out of memory");
	if (!rc) {
		sweep_table_sort(t);
		const sweep_rec_t **rows = malloc((sweep_table_rows(t) + 1) * sizeof *rows);
		if (!rows)
			rc = sim_err(&err, SIM_ENOMEM, "out of memory");
		for (size_t i = 0; rows && i < sweep_table_rows(t); i++)
			rows[i] = sweep_table_row(t, i);
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/journal", out);
		if (!rc)
			rc = sweep_journal_write_all(path, (const sweep_rec_t *const *)rows, sweep_table_rows(t), &err);
		free(rows);
	}
	if (!rc)
		rc = sweep_table_write_files(t, out, &err);
	if (!rc && title[0])
		rc = sweep_write_title(out, title, &err);
	if (!rc)
		fprintf(stderr, "sharpsim merge: %zu rows from %zu directories (%zu duplicates dropped) into %s\n",
			sweep_table_rows(t), nin, dups, out);
	else
		cli_error(&err);
	sweep_table_free(t);
	return cli_exit_status(rc);
}

/* ---- plot ---- */

static void plot_usage(FILE *f)
{
	fputs("usage: sharpsim plot DIR [--out FIGDIR] [--format png,svg,pdf] [--title TEXT | --spec-title]\n"
	      "                     [--no-caption] [--y COLUMN [--x COLUMN] [--group COL,...] [--facet COL,...]\n"
	      "                     [--name NAME]] [--where COLUMN=VALUE ...]\n"
	      "\n"
	      "Draws the results of the sweep in DIR (its journal) with gnuplot into FIGDIR\n"
	      "(default DIR/figures); each figure's .dat and .gp stay beside it.\n"
	      "\n"
	      "Without --y, the paper's figures, whichever the rows vary: speedup-<hw>\n"
	      "(schedulers over sequential), kwidth-<hw> (VS widths), padding-<hw>\n"
	      "(pad_reconfig true over false), utilization and latency (against the MAC budget).\n"
	      "\n"
	      "  --y COLUMN       a view: this result column (cycles, latency, utilization, energy,\n"
	      "                   power, area, gflops/w, or any column of results.csv)\n"
	      "  --x COLUMN       its x axis (default workload); numbers give lines, text bars\n"
	      "  --group COLS     one series per value of these columns\n"
	      "  --facet COLS     one panel per value of these columns\n"
	      "  --where COL=VAL  keep only the rows with this value (repeatable)\n"
	      "  --format LIST    png, svg and/or pdf (default png,svg)\n"
	      "  --title TEXT     a title (default none); --spec-title uses the spec's\n"
	      "  --no-caption     no caption (by default it lists the values held fixed)\n"
	      "\n"
	      "A column that varies must be on the figure (--x, --group, --facet) or chosen with\n"
	      "--where; otherwise the view is refused, naming it: nothing is averaged or dropped.\n",
	      f);
}

/* Runs `gnuplot NAME.gp` in dir; returns its exit status (127: not found). */
static int plot_gnuplot(const char *dir, const char *name)
{
	char script[160];
	snprintf(script, sizeof script, "%s.gp", name);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define PLOT_MAX_WHERE 16

typedef struct plot_args {
	const char *in, *figdir, *title;
	bool spec_title;
	sweep_plot_opts_t o;
	char lists[2][512]; /* --group and --facet, split in place */
	const char *where[PLOT_MAX_WHERE];
	size_t nwhere;
} plot_args_t;

/* Splits "a,b,c" (in buf) into cols; false when there are too many. */
static bool plot_split(char *buf, const char **cols, size_t *n)
{
	*n = 0;
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
		if (*n == SWEEP_PLOT_MAX_COLS)
			return false;
		else
			cols[(*n)++] = tok;
	return true;
}

static int plot_parse(int argc, char **argv, plot_args_t *a, sim_err_t *err)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		bool has = i + 1 < argc;
		if (!strcmp(o, "--out") && has) {
			a->figdir = argv[++i];
		} else if (!strcmp(o, "--title") && has) {
			a->title = argv[++i];
		} else if (!strcmp(o, "--spec-title")) {
			a->spec_title = true;
		} else if (!strcmp(o, "--no-caption")) {
			a->o.no_caption = true;
		} else if (!strcmp(o, "--y") && has) {
			a->o.y = argv[++i];
		} else if (!strcmp(o, "--x") && has) {
			a->o.x = argv[++i];
		} else if (!strcmp(o, "--name") && has) {
			a->o.name = argv[++i];
		} else if ((!strcmp(o, "--group") || !strcmp(o, "--facet")) && has) {
			bool g = !strcmp(o, "--group");
			snprintf(a->lists[!g], sizeof a->lists[0], "%s", argv[++i]);
			if (!plot_split(a->lists[!g], g ? a->o.group : a->o.facet, g ? &a->o.ngroup : &a->o.nfacet))
				return sim_err(err, SIM_EINPUT, "option %s '%s': more than %d columns, expected fewer",
					       o, argv[i], SWEEP_PLOT_MAX_COLS);
		} else if (!strcmp(o, "--where") && has) {
			const char *v = argv[++i];
			if (!strchr(v, '=') || v[0] == '=')
				return sim_err(err, SIM_EINPUT, "option --where '%s': expected COLUMN=VALUE", v);
			if (a->nwhere == PLOT_MAX_WHERE)
				return sim_err(err, SIM_EINPUT, "more than %d --where, expected fewer", PLOT_MAX_WHERE);
			a->where[a->nwhere++] = v;
		} else if (!strcmp(o, "--format") && has) {
			char buf[64];
			snprintf(buf, sizeof buf, "%s", argv[++i]);
			a->o.formats = 0;
			for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
				unsigned bit = !strcmp(tok, "png")   ? SWEEP_PLOT_PNG
					       : !strcmp(tok, "svg") ? SWEEP_PLOT_SVG
					       : !strcmp(tok, "pdf") ? SWEEP_PLOT_PDF
								     : 0;
				if (!bit)
					return sim_err(err, SIM_EINPUT,
						       "option --format '%s': unknown format '%s', "
						       "expected png, svg and/or pdf separated by commas",
						       argv[i], tok);
				a->o.formats |= bit;
			}
		} else if (o[0] == '-' || a->in) {
			return sim_err(err, SIM_EINPUT,
				       "unexpected '%s' (or a missing value), expected sharpsim plot DIR "
				       "[options] (see sharpsim plot --help)",
				       o);
		} else {
			a->in = o;
		}
	}
	if (!a->in)
		return sim_err(err, SIM_EINPUT, "no results directory, expected sharpsim plot DIR");
	if ((a->o.x || a->o.ngroup || a->o.nfacet || a->o.name) && !a->o.y)
		return sim_err(err, SIM_EINPUT,
			       "options --x, --group, --facet and --name choose a view, expected "
			       "--y COLUMN with them");
	if (a->title && a->spec_title)
		return sim_err(err, SIM_EINPUT, "options --title and --spec-title exclude each other, expected one");
	return SIM_OK;
}

/* The rows of src that satisfy every --where, into dst; an unknown column
 * or a value no row has is an error (a typo would otherwise plot nothing). */
static int plot_filter(const sweep_table_t *src, const plot_args_t *a, sweep_table_t *dst, sim_err_t *err)
{
	for (size_t k = 0; k < a->nwhere; k++) {
		const char *eq = strchr(a->where[k], '=');
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)(eq - a->where[k]), a->where[k]);
		const char *col = sweep_plot_column(name);
		bool known = false, hit = false;
		for (size_t c = 0; c < sweep_table_cols(src); c++)
			known |= !strcmp(sweep_table_col(src, c), col);
		for (size_t i = 0; known && !hit && i < sweep_table_rows(src); i++) {
			const char *v = sweep_rec_get(sweep_table_row(src, i), col);
			hit = v && !strcmp(v, eq + 1);
		}
		if (!known || !hit)
			return sim_err(err, SIM_EINPUT,
				       "option --where '%s': %s, expected a column of results.csv and "
				       "one of its values",
				       a->where[k], known ? "no row has this value" : "no such column");
	}
	for (size_t i = 0; i < sweep_table_rows(src); i++) {
		const sweep_rec_t *r = sweep_table_row(src, i);
		bool keep = true;
		for (size_t k = 0; keep && k < a->nwhere; k++) {
			const char *eq = strchr(a->where[k], '=');
			char col[256];
			snprintf(col, sizeof col, "%.*s", (int)(eq - a->where[k]), a->where[k]);
			const char *v = sweep_rec_get(r, sweep_plot_column(col));
			keep = v && !strcmp(v, eq + 1);
		}
		if (keep && sweep_table_add(dst, r) < 0)
			return sim_err(err, SIM_ENOMEM, "out of memory");
	}
	if (!sweep_table_rows(dst))
		return sim_err(err, SIM_EINPUT,
			       "options --where: no row satisfies them all, expected fewer conditions");
	return SIM_OK;
}

int cli_plot(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			plot_usage(stdout);
			return 0;
		}
	static plot_args_t a;
	sim_err_t err = { 0 };
	int rc = plot_parse(argc, argv, &a, &err);
	if (rc) {
		fputs("sharpsim plot: ", stderr);
		cli_error(&err);
		return cli_exit_status(rc);
	}
	char path[PATH_MAX], figbuf[PATH_MAX], title[1024];
	const char *figdir = a.figdir;
	if (!figdir) {
		snprintf(figbuf, sizeof figbuf, "%s/figures", a.in);
		figdir = figbuf;
	}
	a.o.title = a.title;
	snprintf(path, sizeof path, "%s/title.txt", a.in);
	FILE *tf = a.spec_title ? fopen(path, "r") : NULL;
	if (tf) {
		if (fgets(title, sizeof title, tf)) {
			title[strcspn(title, "\n")] = '\0';
			a.o.title = title;
		}
		fclose(tf);
	}
	snprintf(path, sizeof path, "%s/journal", a.in);
	sweep_journal_t *j = NULL;
	size_t dropped;
	sweep_table_t *all = sweep_table_create(), *t = sweep_table_create();
	rc = all && t ? sweep_journal_read(path, &j, &dropped, &err) : sim_err(&err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < sweep_journal_count(j); i++)
		if (sweep_table_add(all, sweep_journal_rec(j, i)) < 0)
			rc = sim_err(&err, SIM_ENOMEM, "out of memory");
	sweep_journal_close(j);
	if (!rc && !sweep_table_rows(all))
		rc = sim_err(&err, SIM_EINPUT, "%s: no results, expected a finished (or partial) sweep", path);
	if (!rc)
		rc = plot_filter(all, &a, t, &err);
	if (!rc)
		rc = sweep_mkdirs(figdir, &err);
	static sweep_plots_t plots;
	if (!rc) {
		sweep_table_sort(t);
		rc = sweep_plot_write(t, &a.o, figdir, &plots, &err);
	}
	unsigned fm = a.o.formats ? a.o.formats : SWEEP_PLOT_PNG | SWEEP_PLOT_SVG;
	for (size_t i = 0; !rc && i < plots.n; i++) {
		int st = plot_gnuplot(figdir, plots.name[i]);
		if (st == 127) {
			rc = sim_err(&err, SIM_EIO,
				     "gnuplot not found, expected it on PATH (apt-get install gnuplot-nox); "
				     "the scripts are in %s",
				     figdir);
		} else if (st != 0) {
			rc = sim_err(&err, SIM_EIO, "%s/%s.gp: gnuplot failed (status %d)", figdir, plots.name[i], st);
		} else {
			const char *ext[] = { "png", "svg", "pdf" };
			for (int k = 0, n = 0; k < 3; k++)
				if (fm & (1u << k))
					printf("%s%s/%s.%s", n++ ? " " : "", figdir, plots.name[i], ext[k]);
			putchar('\n');
		}
	}
	if (!rc && !plots.n)
		fprintf(stderr,
			"sharpsim plot: nothing varies that a figure shows (schedulers, K widths, "
			"pad_reconfig or MAC budgets), expected a view: sharpsim plot %s --y COLUMN --x COLUMN\n",
			a.in);
	if (rc)
		cli_error(&err);
	sweep_table_free(all);
	sweep_table_free(t);
	return cli_exit_status(rc);
}

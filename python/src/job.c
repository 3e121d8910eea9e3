/* SPDX-License-Identifier: MIT */
/* Blocking library calls on a thread of their own, with Ctrl-C as a stop flag (job.h). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "job.h"

static void *job_main(void *arg)
{
	struct wcpy_job *j = arg;
	sigset_t all;

	/* Signals go to the interpreter's thread: the library's threads inherit this mask. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	j->fn(j);
	pthread_mutex_lock(&j->mu);
	j->done = true;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

int wcpy_job_start(struct wcpy_job *j)
{
	int err;

	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	j->done = false;
	j->stop = 0;
	j->interrupts = 0;
	j->exc = NULL;
	j->sig_slot = -1;
	j->sig_seen = 0;
	err = pthread_create(&j->th, NULL, job_main, j);
	if (err) {
		wcpy_oserror(-err, "thread", NULL);
		return -1;
	}
	j->started = true;
	return 0;
}

void wcpy_job_signal(struct wcpy_job *j)
{
	pthread_cond_broadcast(&j->cv);
}

/* ---- Ctrl-C while Python code runs between waits (job.h: wcpy_job_own_sigint) ---------- */

/* Written by the interpreter's thread (holding the GIL) and read by on_sigint, which may run
 * on any thread that leaves SIGINT unblocked. */
struct sig_slot {
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t hits; /* 0, or 1 once this job's first Ctrl-C was taken */
	volatile sig_atomic_t used;
};

#define SIG_SLOTS 16
static struct sig_slot sig_slots[SIG_SLOTS];
static struct sigaction python_sigint; /* Python's handler, which ours stands in front of */
static int sig_owners;

static void on_sigint(int sig)
{
	int saved_errno = errno;
	bool taken = false;

	for (int i = 0; i < SIG_SLOTS; i++) {
		struct sig_slot *s = &sig_slots[i];

		if (__atomic_load_n(&s->used, __ATOMIC_SEQ_CST) && !s->hits) {
			s->hits = 1;
			if (!*s->stop)
				*s->stop = 1;
			taken = true;
		}
	}
	errno = saved_errno;
	if (!taken) /* every running job had its first: this one is Python's */
		python_sigint.sa_handler(sig);
}

/* Are we on the main thread, with Python's own KeyboardInterrupt handler for SIGINT? */
static bool python_default_sigint(void)
{
	PyObject *sig = PyImport_ImportModule("signal"), *thr = PyImport_ImportModule("threading");
	PyObject *h = NULL, *d = NULL, *main = NULL, *cur = NULL;
	bool ok = false;

	if (sig && thr) {
		h = PyObject_CallMethod(sig, "getsignal", "i", SIGINT);
		d = PyObject_GetAttrString(sig, "default_int_handler");
		main = PyObject_CallMethod(thr, "main_thread", NULL);
		cur = PyObject_CallMethod(thr, "current_thread", NULL);
		ok = h && d && main && h == d && main == cur;
	}
	Py_XDECREF(h);
	Py_XDECREF(d);
	Py_XDECREF(main);
	Py_XDECREF(cur);
	Py_XDECREF(sig);
	Py_XDECREF(thr);
	PyErr_Clear();
	return ok;
}

void wcpy_job_own_sigint(struct wcpy_job *j)
{
	int i;

	if (j->sig_slot >= 0 || !python_default_sigint())
		return;
	for (i = 0; i < SIG_SLOTS && __atomic_load_n(&sig_slots[i].used, __ATOMIC_SEQ_CST); i++)
		;
	if (i == SIG_SLOTS)
		return; /* that many scans at once: the later ones keep Python's Ctrl-C */
	if (!sig_owners) {
		struct sigaction ours, old;

		memset(&ours, 0, sizeof(ours));
		ours.sa_handler = on_sigint;
		sigemptyset(&ours.sa_mask);
		ours.sa_flags = SA_ONSTACK;
		if (sigaction(SIGINT, NULL, &old) || (old.sa_flags & SA_SIGINFO) ||
		    old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN)
			return; /* not a handler we know how to pass a Ctrl-C on to */
		python_sigint = old;
		sig_slots[i].stop = &j->stop;
		sig_slots[i].hits = 0;
		__atomic_store_n(&sig_slots[i].used, 1, __ATOMIC_SEQ_CST);
		if (sigaction(SIGINT, &ours, NULL)) {
			__atomic_store_n(&sig_slots[i].used, 0, __ATOMIC_SEQ_CST);
			return;
		}
	} else {
		sig_slots[i].stop = &j->stop;
		sig_slots[i].hits = 0;
		__atomic_store_n(&sig_slots[i].used, 1, __ATOMIC_SEQ_CST);
	}
	sig_owners++;
	j->sig_slot = i;
	j->sig_seen = 0;
}

/* A Ctrl-C our handler took for j counts as a KeyboardInterrupt would. */
static void fold_sigint(struct wcpy_job *j)
{
	unsigned hits;

	if (j->sig_slot < 0)
		return;
	hits = (unsigned)sig_slots[j->sig_slot].hits;
	if (hits > j->sig_seen) {
		j->interrupts += hits - j->sig_seen;
		j->sig_seen = hits;
		if (!j->stop)
			j->stop = 1;
	}
}

static void give_sigint(struct wcpy_job *j)
{
	struct sigaction cur;

	if (j->sig_slot < 0)
		return;
	fold_sigint(j);
	__atomic_store_n(&sig_slots[j->sig_slot].used, 0, __ATOMIC_SEQ_CST);
	j->sig_slot = -1;
	/* back to Python's, unless someone (signal.signal) has put another in meanwhile */
	if (--sig_owners == 0 && sigaction(SIGINT, NULL, &cur) == 0 && cur.sa_handler == on_sigint)
		sigaction(SIGINT, &python_sigint, NULL);
}

static void handle_signals(struct wcpy_job *j)
{
	fold_sigint(j);
	if (PyErr_CheckSignals() == 0)
		return;
	if (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
		PyErr_Clear();
		j->interrupts++;
		j->stop = j->interrupts >= 2 ? 2 : 1;
		return;
	}
	/* SystemExit from a handler, and the like: stop now, raise it at the end */
	if (!j->exc) {
		PyObject *t, *v, *tb;

		PyErr_Fetch(&t, &v, &tb);
		PyErr_NormalizeException(&t, &v, &tb);
		if (tb && v)
			PyException_SetTraceback(v, tb);
		j->exc = v;
		Py_XDECREF(t);
		Py_XDECREF(tb);
	} else {
		PyErr_Clear();
	}
	j->stop = 2;
}

int wcpy_job_wait(struct wcpy_job *j, int ms, bool (*cond)(void *), void *arg)
{
	bool done;

	Py_BEGIN_ALLOW_THREADS
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&j->mu);
	while (!j->done && !(cond && cond(arg)))
		if (pthread_cond_timedwait(&j->cv, &j->mu, &ts) == ETIMEDOUT)
			break;
	done = j->done;
	pthread_mutex_unlock(&j->mu);
	Py_END_ALLOW_THREADS
	handle_signals(j);
	return done;
}

void wcpy_job_join(struct wcpy_job *j)
{
	if (!j->started)
		return;
	while (!wcpy_job_wait(j, 50, NULL, NULL))
		;
	pthread_join(j->th, NULL);
	give_sigint(j);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	j->started = false;
}

int wcpy_job_finish(struct wcpy_job *j, bool chain)
{
	if (j->exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(j->exc), j->exc);
		Py_DECREF(j->exc);
		j->exc = NULL;
		return -1;
	}
	if (j->interrupts && chain) {
		PyErr_SetNone(PyExc_KeyboardInterrupt);
		return -1;
	}
	return 0;
}

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

static void handle_signals(struct wcpy_job *j)
{
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

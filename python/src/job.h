/* SPDX-License-Identifier: MIT */
/* Running a blocking libwirecraft call (wc_sr, wc_send, wc_scan) off the interpreter: on a
 * thread of its own, with every signal blocked there (and so in the threads the library
 * starts from it), while the calling thread waits with the GIL released and wakes every
 * 50 ms to run Python's signal handlers. A KeyboardInterrupt sets the call's stop flag (1:
 * stop sending, finish cleanly; a second one 2: cut the wait short), as Ctrl-C does to the
 * CLI; any other exception a handler raises stops the call at once and is re-raised. */
#ifndef WCPY_JOB_H
#define WCPY_JOB_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "wcpy.h"

struct wcpy_job {
	void (*fn)(struct wcpy_job *j); /* runs on the job's thread, without the GIL */
	volatile sig_atomic_t stop;     /* the library's stop flag */
	unsigned interrupts;            /* KeyboardInterrupts seen while waiting */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool started, done;
	PyObject *exc;                  /* another exception from a signal handler */
	int sig_slot;                   /* wcpy_job_own_sigint's slot, or -1 */
	unsigned sig_seen;              /* of that slot's Ctrl-Cs, those counted in interrupts */
};

/* Start fn on its thread. Returns 0, or -1 with an exception set. */
int wcpy_job_start(struct wcpy_job *j);
/* For a job whose results Python code consumes between waits (scan()'s iterator): while it
 * runs, the first Ctrl-C sets its stop flag from a C signal handler of ours, wherever the
 * interpreter is, instead of raising KeyboardInterrupt in the loop's body; a later Ctrl-C goes
 * on to Python's handler (KeyboardInterrupt: in a wait, the second stop; in the caller's code,
 * raised there, so a stuck loop body can still be broken). Only on the main thread and only
 * while SIGINT has Python's default handler: a handler of the user's is left alone.
 * wcpy_job_join gives SIGINT back. */
void wcpy_job_own_sigint(struct wcpy_job *j);
/* Wait up to ms milliseconds (GIL released) for the job to end or for `cond` (evaluated
 * under the job's mutex; NULL: none) to hold; then run the signal handlers. Returns 1 when
 * the job has ended, else 0. */
int wcpy_job_wait(struct wcpy_job *j, int ms, bool (*cond)(void *), void *arg);
/* Wait for the end and join. */
void wcpy_job_join(struct wcpy_job *j);
/* After the join: re-raise a handler's exception (returns -1), or, when interrupted and
 * chain is true, raise KeyboardInterrupt (-1); else 0. */
int wcpy_job_finish(struct wcpy_job *j, bool chain);
/* Wake a waiter (call with j->mu held, from the job's side: a new result). */
void wcpy_job_signal(struct wcpy_job *j);

#endif

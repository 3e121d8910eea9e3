/* SPDX-License-Identifier: MIT */
/* The datapath from Python: sr, send, sniff and scan (filled in by the next step). */
#include "wcpy.h"

int wcpy_live_init_types(PyObject *m)
{
	(void)m;
	return 0;
}

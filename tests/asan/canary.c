/* make test-asan's own check (tests/asan/run.sh): with no argument it leaks, with one it
 * shifts out of range. Each must leave a report in the log directory, or the step's checks
 * would be blind. */
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

__attribute__((noinline)) static void lose(void)
{
	for (int i = 0; i < 64; i++) { /* 64 blocks: a stale register may hold only the last */
		sink = malloc(48);
		memset(sink, i, 48);
	}
	sink = NULL;
}

int main(int argc, char **argv)
{
	volatile int shift = 40;

	(void)argv;
	if (argc > 1)
		return 1 << shift;
	lose();
	return 0;
}

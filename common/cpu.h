/* cpu: `--cpu LIST` of vpcsim-agent and vpcsim-broker, which keeps every
 * thread of the process on the CPUs listed.
 *
 * Why: a process hands every message between two threads, its loop and
 * ZeroMQ's I/O thread (and the broker relays each one through both of its
 * own). When the scheduler puts the two on different CPUs, each hand-off
 * wakes the other CPU, which in a virtual machine is idle in a halt that an
 * interrupt must end: one handshake at a time on a 2-vCPU VM took 0.89-1.18
 * ms at the median unpinned against 0.70-0.74 with each process on one CPU
 * (bench/README.md), with many in flight no slower. On a busy host shared
 * with other work, leave it off: the scheduler balances better than a fixed
 * list.
 */
#ifndef VS_CPU_H
#define VS_CPU_H

#include <stddef.h>

/* Parses LIST, CPU numbers and ranges as taskset -c takes them ("1",
 * "0,2", "0-3"), and keeps the calling thread, and so every thread it
 * starts afterwards, on those CPUs. Call it before any other thread is
 * started (ZeroMQ's context, the store's checkpointer), which it does not
 * move. Each CPU listed must be one the process may run on now. 0, or -1
 * with why in err (nothing changed). */
int vs_cpu_pin(const char *list, char *err, size_t errlen);

#endif

/*
 * Preloaded into mailstats when it runs under valgrind (scripts/bench/bench-instructions.sh); never linked into
 * mailstats itself.
 *
 * Why: libdispatch parks the main thread with sigsuspend() on a mask kept in its read-only data
 * (_dispatch_sigsuspend.mask). Valgrind 3.19 writes to the mask it is handed while it wraps the call, faults on
 * that page (SEGV_ACCERR) and aborts with "VALGRIND INTERNAL ERROR", so every tool crashed on every mailstats
 * command, even --help. Passing a copy on the stack is the same call for the kernel.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *set) {
    sigset_t copy = *set;
    /* The kernel's sigset is 8 bytes on x86-64 (glibc's sigset_t is 128, of which it reads the first 8). */
    return (int)syscall(SYS_rt_sigsuspend, &copy, 8);
}

/* An LD_PRELOAD shim for the integration tests: counts every malloc, calloc, realloc and
 * posix_memalign/aligned_alloc of the process it is loaded into, and writes "tern-malloc-count N" to
 * stderr on SIGUSR2. test_no_allocation.py sends the signal twice while ternd relays steady traffic:
 * the packet path must not allocate, so both counts must be equal. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_long allocations;
static void* (*next_malloc)(size_t);
static void* (*next_calloc)(size_t, size_t);
static void* (*next_realloc)(void*, size_t);
static int (*next_posix_memalign)(void**, size_t, size_t);
static void* (*next_aligned_alloc)(size_t, size_t);

/* dlsym itself may calloc before next_calloc is known: serve that from a static block. */
static _Alignas(16) unsigned char bootstrap[8192];
static size_t bootstrap_used;

void* malloc(size_t n) {
    if (next_malloc == NULL) next_malloc = (void* (*)(size_t))dlsym(RTLD_NEXT, "malloc");
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return next_malloc(n);
}

void* calloc(size_t count, size_t size) {
    if (next_calloc == NULL) {
        const size_t n = (count * size + 15) & ~(size_t)15;
        if (bootstrap_used + n > sizeof bootstrap) return NULL;
        void* p = bootstrap + bootstrap_used;
        bootstrap_used += n;
        return p; /* static storage: already zero */
    }
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return next_calloc(count, size);
}

void* realloc(void* p, size_t n) {
    if (next_realloc == NULL) next_realloc = (void* (*)(void*, size_t))dlsym(RTLD_NEXT, "realloc");
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return next_realloc(p, n);
}

int posix_memalign(void** out, size_t alignment, size_t n) {
    if (next_posix_memalign == NULL)
        next_posix_memalign = (int (*)(void**, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return next_posix_memalign(out, alignment, n);
}

void* aligned_alloc(size_t alignment, size_t n) {
    if (next_aligned_alloc == NULL)
        next_aligned_alloc = (void* (*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return next_aligned_alloc(alignment, n);
}

void free(void* p) {
    static void (*next_free)(void*);
    if ((unsigned char*)p >= bootstrap && (unsigned char*)p < bootstrap + sizeof bootstrap) return;
    if (next_free == NULL) next_free = (void (*)(void*))dlsym(RTLD_NEXT, "free");
    next_free(p);
}

static void report(int signal_number) {
    (void)signal_number;
    char line[64];
    const int n = snprintf(line, sizeof line, "tern-malloc-count %ld\n",
                           atomic_load_explicit(&allocations, memory_order_relaxed));
    if (n > 0) (void)!write(STDERR_FILENO, line, (size_t)n);
}

__attribute__((constructor)) static void start(void) {
    next_calloc = (void* (*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = report;
    action.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &action, NULL);
}

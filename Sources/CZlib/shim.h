#ifndef MAILSTATS_CZLIB_SHIM_H
#define MAILSTATS_CZLIB_SHIM_H
// zlib's init functions are function-like macros, which Swift cannot import; these static inline
// wrappers give Swift real functions. memmem is a GNU extension hidden from Swift's Glibc module.
// libdeflate (Debian libdeflate-dev) compresses and decompresses whole buffers about twice as fast as zlib;
// Parquet pages are whole buffers, so the Parquet writer and reader use it, while streaming input (log
// files of any size) stays with zlib.
#include <zlib.h>
#include <libdeflate.h>
#include <string.h>
#include <stddef.h>

static inline int czlib_inflate_init2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

static inline int czlib_deflate_init2(z_streamp strm, int level, int method, int windowBits, int memLevel,
                                      int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}

void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

static inline const void *czlib_memmem(const void *haystack, size_t haystacklen, const void *needle,
                                       size_t needlelen) {
    return memmem(haystack, haystacklen, needle, needlelen);
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// mallopt and malloc_trim are glibc's (malloc.h), which Swift's Glibc module leaves out. Both do nothing
// where unsupported.
static inline int czlib_set_mmap_threshold(int bytes) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, bytes);
#else
    (void)bytes;
    return 0;
#endif
}

// Gives free heap pages of every arena back to the system; returns 1 when some memory was released.
static inline int czlib_malloc_trim(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

// A hint that the line at `address` will be read soon (no fault, no effect on results, whatever the address):
// Swift has no prefetch of its own. See `Prefetch` (Pipeline).
static inline void czlib_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

// The same for a line that will be written (a reference count to drop): for ownership where the target has
// PREFETCHW, else (default x86-64) the compiler emits the read prefetch.
static inline void czlib_prefetch_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif

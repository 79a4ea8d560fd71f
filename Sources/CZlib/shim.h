#ifndef MAILSTATS_CZLIB_SHIM_H
#define MAILSTATS_CZLIB_SHIM_H
// zlib's init functions are function-like macros, which Swift cannot import; these static inline
// wrappers give Swift real functions. memmem is a GNU extension hidden from Swift's Glibc module.
// libdeflate (Debian libdeflate-dev) compresses and decompresses whole buffers about twice as fast as zlib;
// Parquet pages are whole buffers, so the Parquet writer and reader use it, while streaming input (log
// files of any size) stays with zlib. ISA-L's igzip (Debian libisal-dev) compresses Parquet pages at the fast
// levels, two to three times faster than libdeflate's level 1 for about the same size.
#include <zlib.h>
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>
#include <mimalloc.h>
#include <string.h>
#include <stddef.h>

static inline int czlib_inflate_init2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

static inline int czlib_deflate_init2(z_streamp strm, int level, int method, int windowBits, int memLevel,
                                      int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}

// The scratch space igzip needs at `level` (1-3; 0 for other levels): ISA-L gives these sizes as macros that
// Swift cannot import.
static inline size_t czlib_igzip_level_buffer_size(int level) {
    switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
    default: return 0;
    }
}

// Bytes given to igzip on their own before the rest of a page (see czlib_igzip_gzip): fewer than the 16 bytes
// of input padding its level 1-2 body keeps back, so that body returns at once and the finish code takes them.
enum { CZLIB_IGZIP_LEAD = 8 };

// Compresses `in` into one gzip member (default header: no name, mtime 0) at igzip `level` (1-3), with the
// caller's stream (82 KB, too large for a stack per call) and level buffer. Returns the bytes written, or -1
// when `out` is too small or igzip fails.
//
// Why two calls and not isal_deflate_stateless. ISA-L's level 1-2 body (igzip_icf_body_h1_gr_bt.asm, 2.30 as
// in Debian 12 and still upstream in 2.32) has a bug on the path for the first byte of a stream with no
// history (`.write_first_byte`): it hashes `tmp2` (rcx), which there still holds the stream's address instead
// of the input, so the third byte's hash-table slot depends on where the stream lives in memory. The output
// stays valid gzip, but a page's bytes then vary with the compressor and with ASLR (1-3 bytes, now and then),
// and our parts must be byte-identical on a rerun. Found by tracing two runs with gdb (docs: bench README).
// The stateful API sidesteps the path: the first CZLIB_IGZIP_LEAD bytes go in alone with SYNC_FLUSH, which the
// finish code (correct) hashes before it marks the stream as having history; the rest then goes through the
// body's normal path. Cost: one tiny first block and a 5-byte flush marker per page; same speed on 1 MiB pages.
static inline long czlib_igzip_gzip(struct isal_zstream *stream, int level, uint8_t *level_buffer,
                                    size_t level_buffer_size, const uint8_t *in, uint32_t in_count,
                                    uint8_t *out, uint32_t out_capacity) {
    isal_deflate_init(stream);
    stream->level = (uint32_t)level;
    stream->level_buf = level_buffer;
    stream->level_buf_size = (uint32_t)level_buffer_size;
    stream->gzip_flag = IGZIP_GZIP;
    stream->next_out = out;
    stream->avail_out = out_capacity;
    uint32_t lead = in_count < CZLIB_IGZIP_LEAD ? in_count : CZLIB_IGZIP_LEAD;
    stream->next_in = (uint8_t *)in;
    stream->avail_in = lead;
    stream->end_of_stream = lead == in_count;
    stream->flush = lead == in_count ? NO_FLUSH : SYNC_FLUSH;
    if (isal_deflate(stream) != COMP_OK || stream->avail_in != 0) return -1;
    if (lead < in_count) {
        stream->next_in = (uint8_t *)in + lead;
        stream->avail_in = in_count - lead;
        stream->end_of_stream = 1;
        stream->flush = NO_FLUSH;
        if (isal_deflate(stream) != COMP_OK) return -1;
    }
    if (stream->avail_in != 0 || stream->internal_state.state != ZSTATE_END) return -1;
    return (long)stream->total_out;
}

// The most bytes czlib_igzip_gzip writes for `count` input bytes. Incompressible input is stored: 5 bytes per
// block of at most 64 KiB, plus the gzip header and trailer (18). igzip may try a compressed block first, so its
// largest block header stays spare, once for the page and once for the lead bytes' own block, which a 5-byte
// flush marker closes.
static inline size_t czlib_igzip_gzip_bound(size_t count) {
    return count + 5 * (count / 0xFFFF + 1) + 18 + 2 * ISAL_DEF_MAX_HDR_SIZE + 5 + CZLIB_IGZIP_LEAD;
}

void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

static inline const void *czlib_memmem(const void *haystack, size_t haystacklen, const void *needle,
                                       size_t needlelen) {
    return memmem(haystack, haystacklen, needle, needlelen);
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// mimalloc (Debian libmimalloc-dev), linked ahead of libc, replaces malloc and free for the whole process: Swift's
// runtime, zlib and ours. Why: strings and buffers made on the parsing threads are freed on the ordered and
// publishing threads, and glibc's free of another thread's chunk takes that arena's lock; a 1 GB run spent about
// 5% of its CPU in futex calls on those locks, plus 13% in glibc's malloc and free (perf, cpu-clock). mimalloc
// frees a foreign block with one atomic push onto its page's list. Returns 1 when a fresh block comes from
// mimalloc's heap (the override is in effect), 0 when another allocator answers (valgrind's, an LD_PRELOAD).
static inline int czlib_mimalloc_active(void) {
    void *probe = malloc(64);
    int active = probe != NULL && mi_is_in_heap_region(probe);
    free(probe);
    return active;
}

// mimalloc gives a freed page's memory back to the system after `decommit_delay` milliseconds (25 by default);
// 0 gives it back at once, which keeps a run's peak RSS where glibc with a 1 MiB mmap threshold had it.
static inline void czlib_mimalloc_decommit_at_once(void) {
    mi_option_set(mi_option_decommit_delay, 0);
}

// Frees what mimalloc holds for this thread and for threads that have ended.
static inline void czlib_mimalloc_collect(void) {
    mi_collect(true);
}

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

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdint.h>

// Whether the processor and the system support AVX2 (the system saves the 256-bit registers: XCR0 bits 1-2);
// czlib_add_lines_avx2 must only run where this is 1.
static inline int czlib_has_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & bit_AVX2) != 0;
}

// The line that ends at the '\n' at base[at] and starts at *start, for czlib_add_lines_avx2: its bounds added at
// offsets[held] (without a '\r' before the '\n'), or counted in *overlong when longer than max_line. Returns the
// offsets held; *start moves past the '\n'.
__attribute__((always_inline))
static inline long czlib_end_line(const uint8_t *base, long at, long *start, long max_line, long *overlong,
                                  uint32_t *offsets, long held) {
    if (at - *start > max_line) {
        ++*overlong;
    } else {
        int crlf = *start < at && base[at - 1] == '\r';
        offsets[held] = (uint32_t)*start;
        offsets[held + 1] = (uint32_t)(crlf ? at - 1 : at);
        held += 2;
    }
    *start = at + 1;
    return held;
}

// The line splitter's scan, `BoundsBuilder.addLines` (Pipeline), with AVX2, 64 bytes a step: adds the lines that
// end in base[from..<end] (each at its '\n', the first starting at *line_start) to offsets[held...] as start and
// end pairs (a '\r' before the '\n' is no part of its line), counting those longer than max_line in *overlong
// instead; *line_start ends after the last '\n'. Returns the offsets held. Stops early, at a step's start, when
// `room` offsets might not hold the next step's lines: *resume is where to go on once the room has grown
// (end when the whole range was scanned).
//
// Why: glibc's memchr (AVX2) costs about 52 instructions a call on 160-byte log lines (its start and end
// checks), the Swift loop around it 33: 85 a line. Here a 64-byte step is two compares and a mask, a line a few
// instructions more: about 55 a line (100 MB bench family: 616 K lines). Reads stay inside base[from..<end]:
// the last bytes (fewer than 64) are scanned one by one.
__attribute__((target("avx2")))
static inline long czlib_add_lines_avx2(const uint8_t *base, long from, long end, long *line_start, long max_line,
                                        long *overlong, uint32_t *offsets, long held, long room, long *resume) {
    typedef char czlib_v32 __attribute__((vector_size(32), aligned(1)));
    const czlib_v32 newline = {'\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n',
                               '\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n','\n'};
    long start = *line_start, p = from, over = 0;
    // Steps in runs that the room holds even if every byte were a '\n' (two offsets each), the run's length
    // taken again after each run: checking the room at every step cost two instructions more a step.
    for (long steps; (steps = (room - held) / 128) > 0 && p + 64 <= end;) {
        if (steps > (end - p) / 64) steps = (end - p) / 64;
        for (long i = 0; i < steps; i++, p += 64) {
            czlib_v32 a = (czlib_v32)(*(const czlib_v32 *)(base + p) == newline);
            czlib_v32 b = (czlib_v32)(*(const czlib_v32 *)(base + p + 32) == newline);
            uint64_t mask = (uint32_t)__builtin_ia32_pmovmskb256(a) | (uint64_t)(uint32_t)__builtin_ia32_pmovmskb256(b) << 32;
            while (mask) {
                held = czlib_end_line(base, p + __builtin_ctzll(mask), &start, max_line, &over, offsets, held);
                mask &= mask - 1;
            }
        }
    }
    if (p + 64 > end && held + 2 * (end - p) <= room) {
        for (; p < end; p++) {
            if (base[p] == '\n') held = czlib_end_line(base, p, &start, max_line, &over, offsets, held);
        }
    }
    *resume = p;
    *line_start = start;
    *overlong += over;
    return held;
}
#endif

#endif

// SHA-256 block compression with the x86 SHA extensions (SHA-NI).
//
// The round structure follows the public-domain SHA-NI reference pattern: Intel's "Intel SHA
// Extensions" white paper (Sean Gulley et al., 2013) as written up in Jeffrey Walton's
// `sha256_process_x86` (SHA-Intrinsics, public domain). Rewritten here with a four-round macro.
//
// The instruction sets are enabled per function with `target` attributes (no package-wide
// compiler flags); callers must check `suiji_sha256_hw_available()` first. On non-x86-64 builds
// both functions are stubs.

#include "csha256.h"

// The 64 round constants K0…K63 (FIPS 180-4 §4.2.2), 16-byte aligned for _mm_load_si128;
// the one copy, which the portable Swift code reads too.
const uint32_t suiji_sha256_k[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#if defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>

int suiji_sha256_hw_available(void) {
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int ssse3 = (ecx >> 9) & 1;
    const int sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}


// Four rounds (group g: rounds 4g…4g+3) with message words `cur` (W[4g…4g+3]):
// two sha256rnds2, each doing two rounds with the low 64 bits of `msg`.
#define SUIJI_ROUNDS4(g, cur)                                                             \
    do {                                                                                  \
        msg = _mm_add_epi32((cur), _mm_load_si128((const __m128i *)&suiji_sha256_k[4 * (g)])); \
        state1 = _mm_sha256rnds2_epu32(state1, state0, msg);                              \
        msg = _mm_shuffle_epi32(msg, 0x0E);                                               \
        state0 = _mm_sha256rnds2_epu32(state0, state1, msg);                              \
    } while (0)

// Finishes the schedule of the next group's words: next += (cur:prev >> 32 bits); sha256msg2.
#define SUIJI_SCHEDULE2(next, cur, prev)                                                  \
    do {                                                                                  \
        tmp = _mm_alignr_epi8((cur), (prev), 4);                                          \
        (next) = _mm_add_epi32((next), tmp);                                              \
        (next) = _mm_sha256msg2_epu32((next), (cur));                                     \
    } while (0)

// Starts the schedule of the words three groups ahead (reuses `prev`'s register): sha256msg1.
// Must come after SUIJI_SCHEDULE2 of the same group, which still reads `prev`.
#define SUIJI_SCHEDULE1(prev, cur)                                                        \
    do {                                                                                  \
        (prev) = _mm_sha256msg1_epu32((prev), (cur));                                     \
    } while (0)

__attribute__((target("sha,sse4.1,ssse3")))
void suiji_sha256_hw_blocks(uint32_t state[8], const void *bytes, size_t blocks) {
    if (blocks == 0) return;
    const uint8_t *data = (const uint8_t *)bytes;
    // Byte swap of each 32-bit word (message words are big-endian).
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i state0, state1, msg, tmp;
    __m128i m0, m1, m2, m3;
    __m128i abef_save, cdgh_save;

    // H0…H7 to the register layout sha256rnds2 uses: state0 = ABEF, state1 = CDGH
    // (named from the most significant lane down).
    tmp = _mm_loadu_si128((const __m128i *)&state[0]);     // DCBA
    state1 = _mm_loadu_si128((const __m128i *)&state[4]);  // HGFE
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                    // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);              // EFGH
    state0 = _mm_alignr_epi8(tmp, state1, 8);              // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);           // CDGH

    while (blocks > 0) {
        abef_save = state0;
        cdgh_save = state1;

        m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), bswap);
        m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), bswap);
        m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), bswap);
        m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), bswap);

        // Group g uses register m[g % 4]; the schedule for group g+1 finishes in group g
        // (g = 3…14), and the one for group g+3 starts in group g (g = 1…12).
        SUIJI_ROUNDS4(0, m0);
        SUIJI_ROUNDS4(1, m1);  SUIJI_SCHEDULE1(m0, m1);
        SUIJI_ROUNDS4(2, m2);  SUIJI_SCHEDULE1(m1, m2);
        SUIJI_ROUNDS4(3, m3);  SUIJI_SCHEDULE2(m0, m3, m2); SUIJI_SCHEDULE1(m2, m3);
        SUIJI_ROUNDS4(4, m0);  SUIJI_SCHEDULE2(m1, m0, m3); SUIJI_SCHEDULE1(m3, m0);
        SUIJI_ROUNDS4(5, m1);  SUIJI_SCHEDULE2(m2, m1, m0); SUIJI_SCHEDULE1(m0, m1);
        SUIJI_ROUNDS4(6, m2);  SUIJI_SCHEDULE2(m3, m2, m1); SUIJI_SCHEDULE1(m1, m2);
        SUIJI_ROUNDS4(7, m3);  SUIJI_SCHEDULE2(m0, m3, m2); SUIJI_SCHEDULE1(m2, m3);
        SUIJI_ROUNDS4(8, m0);  SUIJI_SCHEDULE2(m1, m0, m3); SUIJI_SCHEDULE1(m3, m0);
        SUIJI_ROUNDS4(9, m1);  SUIJI_SCHEDULE2(m2, m1, m0); SUIJI_SCHEDULE1(m0, m1);
        SUIJI_ROUNDS4(10, m2); SUIJI_SCHEDULE2(m3, m2, m1); SUIJI_SCHEDULE1(m1, m2);
        SUIJI_ROUNDS4(11, m3); SUIJI_SCHEDULE2(m0, m3, m2); SUIJI_SCHEDULE1(m2, m3);
        SUIJI_ROUNDS4(12, m0); SUIJI_SCHEDULE2(m1, m0, m3); SUIJI_SCHEDULE1(m3, m0);
        SUIJI_ROUNDS4(13, m1); SUIJI_SCHEDULE2(m2, m1, m0);
        SUIJI_ROUNDS4(14, m2); SUIJI_SCHEDULE2(m3, m2, m1);
        SUIJI_ROUNDS4(15, m3);

        state0 = _mm_add_epi32(state0, abef_save);
        state1 = _mm_add_epi32(state1, cdgh_save);

        data += 64;
        blocks -= 1;
    }

    // Back to H0…H7.
    tmp = _mm_shuffle_epi32(state0, 0x1B);                 // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);              // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);           // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);              // HGFE
    _mm_storeu_si128((__m128i *)&state[0], state0);
    _mm_storeu_si128((__m128i *)&state[4], state1);
}

#else

int suiji_sha256_hw_available(void) { return 0; }

void suiji_sha256_hw_blocks(uint32_t state[8], const void *bytes, size_t blocks) {
    (void)state;
    (void)bytes;
    (void)blocks;
}

#endif

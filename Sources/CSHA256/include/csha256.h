// SHA-256 block compression with the x86 SHA extensions (SHA-NI), for Pipeline's SHA256Hasher.
//
// On other architectures (and on x86 CPUs without the extensions) `suiji_sha256_hw_available`
// returns 0 and the caller uses its portable implementation; `suiji_sha256_hw_blocks` must then
// not be called.

#ifndef SUIJI_CSHA256_H
#define SUIJI_CSHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The 64 SHA-256 round constants K0…K63 (FIPS 180-4 §4.2.2).
extern const uint32_t suiji_sha256_k[64];

/// 1 when this CPU has the SHA extensions with SSSE3 and SSE4.1 (x86-64 only), else 0.
int suiji_sha256_hw_available(void);

/// Compresses `blocks` 64-byte blocks at `data` into `state` (H0…H7, host-order words).
/// Only call when `suiji_sha256_hw_available()` returned 1.
void suiji_sha256_hw_blocks(uint32_t state[8], const void *data, size_t blocks);

#ifdef __cplusplus
}
#endif

#endif

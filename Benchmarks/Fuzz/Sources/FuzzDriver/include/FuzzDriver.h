// libFuzzer's driver, called from each fuzz target's main (see FuzzSupport.runFuzzer).
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer with the process's arguments on `callback` (libFuzzer's documented entry point
/// for programs that have their own main).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

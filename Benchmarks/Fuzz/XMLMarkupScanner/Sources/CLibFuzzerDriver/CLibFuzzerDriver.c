// The declaration is in include/CLibFuzzerDriver.h; libFuzzer (linked by -sanitize=fuzzer) defines it.

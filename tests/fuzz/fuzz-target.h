/* fuzz-target.h: the libFuzzer entry points every target in tests/fuzz/ defines. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Called once before the first input (by libFuzzer, or by fuzz-main.c). */
int LLVMFuzzerInitialize (int *argc, char ***argv);
/* Runs one input; must not keep state from one input to the next. Returns 0. */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

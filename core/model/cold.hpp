// BASKETLIFT_COLD marks a function that runs once per bundle (building the scorer's tables) in a
// file otherwise compiled for speed. The wasm build optimises it for size: the package's download
// size is a product target (tests/bench/scoring.mjs), and load time stayed within its own target.
// Other compilers (GCC for the native build) do not know the attribute, and size matters less.
#pragma once

#if defined(__EMSCRIPTEN__)
#define BASKETLIFT_COLD __attribute__((minsize))
#else
#define BASKETLIFT_COLD
#endif

// Work shared among threads: the mining steps that split into independent pieces (FP-growth's
// top-level items, neighbours' items) claim pieces from an atomic counter on a few workers.
#pragma once

#include <exception>
#include <thread>
#include <vector>

namespace basketlift {

// Calls body(w) for every w in [0, workers): w = 0 on the calling thread, each other on a thread
// of its own; returns when all have returned. When a body throws, stop() is called so that the
// others stop claiming work, and the first exception (by worker) is rethrown once all are done.
// When no thread can be started, stop() is called, the started ones are joined and the failure
// (std::system_error) is thrown.
template <class Body, class Stop>
void run_workers(unsigned workers, Body&& body, Stop&& stop) {
  std::vector<std::exception_ptr> errors(workers > 0 ? workers : 1);
  auto guarded = [&](unsigned w) {
    try {
      body(w);
    } catch (...) {
      errors[w] = std::current_exception();
      stop();
    }
  };
  std::vector<std::thread> pool;
  try {
    for (unsigned w = 1; w < workers; ++w) pool.emplace_back(guarded, w);
  } catch (...) {
    // A joinable thread destroyed would terminate the process: join the started ones first.
    stop();
    for (auto& t : pool) t.join();
    throw;
  }
  guarded(0);
  for (auto& t : pool) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace basketlift

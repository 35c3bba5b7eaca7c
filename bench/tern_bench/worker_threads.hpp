#pragma once
// What every kind of run does with its workers: one thread each, whose exceptions end up in the
// worker's result (not in std::terminate), and a look at how far they all are.

#include <algorithm>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "bench/tern_bench/run_control.hpp"

namespace tern::bench {

// Starts workers[i].run() on a thread of its own; progress[i].phase says Done when it returns.
template <class Worker>
std::vector<std::thread> start_workers(std::vector<std::unique_ptr<Worker>>& workers,
                                       std::vector<WorkerProgress>& progress) {
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < workers.size(); ++t)
        threads.emplace_back([&worker = *workers[t], &phase = progress[t].phase] {
            try {
                worker.run();
            } catch (const std::exception& e) {
                worker.result().fatal_error = e.what();
            }
            phase.store(WorkerPhase::Done);
        });
    return threads;
}

inline bool all_at_least(const std::vector<WorkerProgress>& progress, WorkerPhase phase) {
    return std::all_of(progress.begin(), progress.end(),
                       [phase](const WorkerProgress& p) { return p.phase.load() >= phase; });
}

}  // namespace tern::bench

// gslb-healthd's main loop: reads the targets from the store (and again
// whenever config_version moves), schedules their probes on a libuv loop
// (run by worker threads, healthd/probe_workers.h), turns results
// into per-target verdicts and hands what is worth writing to the writer
// thread, which also beats the vantage's heartbeat. SIGTERM/SIGINT end it
// after the pending rows are written.
#pragma once

#include <cstdint>
#include <string>

#include "healthd/vantage_link.h"

namespace healthd {

struct DaemonOptions {
  std::string db;
  std::string vantage;
  size_t max_concurrent = 1000;        // probes in flight at once, over all monitors
  size_t probe_threads = 1;            // worker threads that run the probes
  uint32_t config_poll_ms = 500;       // how often the store is checked for changes
  uint32_t stats_interval_ms = 60000;  // a healthd_stats log line this often; 0 = never
  // Fleet mode: verdicts also go through the link, and each target is probed by this many
  // of the live vantages (0: by all of them). Null: a single node, every target probed.
  VantageLink* link = nullptr;
  uint32_t vantages_per_member = 3;
};

// Checks a vantage name: 1..63 of a-z A-Z 0-9 . _ - ; empty string when fine.
std::string vantage_name_problem(const std::string& name);

// Runs until a signal; returns the process exit code.
int run_daemon(const DaemonOptions& options);

}  // namespace healthd

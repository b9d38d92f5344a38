// pushprobe-scrape-driver TARGETS SCRAPES [--http-phases]: the exporter's
// /metrics body for TARGETS targets, built SCRAPES times, for instruction
// counts under callgrind (wall time on a shared machine says little):
//
//   valgrind --tool=callgrind --toggle-collect='*ScrapeOnce*'
//       build/bench/exporters/pushprobe-scrape-driver 50000 3
//
// Every target records one successful run (the sample result, its name and
// durations varied per target so the value texts have real lengths) in a
// ResultStore; each scrape then does what the exporter does for a /metrics
// answer: take the rendered groups, compute Content-Length, and write the
// body through the HTTP server's stream buffer (ChunkStreamBuf, 256 KB), whose
// sink here only counts the bytes. Prints the body size and the bytes written.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "exporters/chunk_stream_buf.h"
#include "exporters/exporter_backend.h"
#include "exporters/result_store.h"
#include "probe/render/tests/sample_results.h"

namespace {

using namespace pushprobe;
using namespace pushprobe::exporter;

// Not inlined, so that callgrind's --toggle-collect can count scrapes only.
[[gnu::noinline]] std::size_t ScrapeOnce(const ResultStore& store, const std::string& own) {
  MetricsBody body;
  body.targets = store.Rendered();
  body.own = own;
  const std::size_t length = body.size();
  std::size_t written = 0;
  ChunkStreamBuf buffer(
      [&written](const char*, std::size_t size) {
        written += size;
        return true;
      },
      256 * 1024);
  std::ostream out(&buffer);
  body.Write(out);
  out.flush();
  if (written != length) {
    std::fprintf(stderr, "wrote %zu bytes, Content-Length %zu\n", written, length);
    std::exit(1);
  }
  return length;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s TARGETS SCRAPES [--http-phases]\n", argv[0]);
    return 2;
  }
  const long targets = std::atol(argv[1]);
  const long scrapes = std::atol(argv[2]);
  ResultStore::Options options;
  options.http_phases = argc > 3 && std::strcmp(argv[3], "--http-phases") == 0;
  ResultStore store(options);

  std::vector<std::shared_ptr<const TargetConfig>> configs;
  std::vector<std::string> names;
  for (long i = 0; i < targets; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "org-%05ld", i);
    auto config = std::make_shared<TargetConfig>();
    config->name = name;
    config->organization = "fabrikam.com";
    configs.push_back(config);
    names.emplace_back(name);
  }
  store.SetTargets(configs);
  const ProbeResult sample = samples::SucceededResult();
  for (long i = 0; i < targets; ++i) {
    ProbeResult r = sample;
    r.target = names[static_cast<std::size_t>(i)];
    const auto jitter = std::chrono::nanoseconds(1 + i * 7919);
    r.started_at += std::chrono::milliseconds(i) + jitter;
    r.duration += jitter;
    for (StageResult& s : r.stages) {
      s.duration += jitter;
      for (HttpRequestFacts& req : s.requests) req.timings.response += jitter;
    }
    if (!store.Record(r)) return 1;
  }
  // The exporter's own families are a few KB; their serialization is not
  // what grows with targets.
  const std::string own = "pushprobe_exporter_targets " + std::to_string(targets) + "\n";
  std::size_t bytes = 0;
  for (long s = 0; s < scrapes; ++s) bytes = ScrapeOnce(store, own);
  std::printf("%ld targets, %ld scrapes, %zu bytes per scrape\n", targets, scrapes, bytes);
  return 0;
}

#include "exporters/exporter_flags.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <optional>

namespace pushprobe::exporter {

namespace {

std::optional<std::size_t> ParseCount(const std::string& s, std::size_t min, std::size_t max) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) {
    return std::nullopt;
  }
  const std::size_t n = std::stoul(s);
  if (n < min || n > max) return std::nullopt;
  return n;
}

std::optional<Duration> ParseSeconds(const std::string& s) {
  // Accepts "0.5", "0.5s" and "500ms": the forms Prometheus flags use.
  std::string number = s;
  double scale = 1;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, "ms") == 0) {
    number.resize(number.size() - 2);
    scale = 0.001;
  } else if (!number.empty() && number.back() == 's') {
    number.pop_back();
  }
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < 0 ||
      v * scale > 60) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(v * scale));
}

std::optional<bool> ParseBool(const std::string& s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

}  // namespace

Expected<ExporterFlags> ExporterFlags::Parse(const std::vector<std::string>& args) {
  ExporterFlags f;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "-h") arg = "--help";
    if (arg.rfind("--", 0) != 0)
      return Expected<ExporterFlags>::Error("unexpected argument " + arg);
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const bool boolean = name == "config.check" || name == "help" || name == "version";
    if (boolean) {
      bool on = true;
      if (value) {
        auto b = ParseBool(*value);
        if (!b) return Expected<ExporterFlags>::Error("invalid --" + name + ": " + *value);
        on = *b;
      }
      if (name == "config.check") f.config_check = on;
      if (name == "help") f.help = on;
      if (name == "version") f.version = on;
      continue;
    }
    static const char* const kValued[] = {"config.file",
                                          "web.listen-address",
                                          "log.level",
                                          "scheduler.workers",
                                          "history.successes",
                                          "history.failures",
                                          "web.scrape-timeout-offset"};
    if (std::find(std::begin(kValued), std::end(kValued), name) == std::end(kValued)) {
      return Expected<ExporterFlags>::Error("unknown flag --" + name);
    }
    if (!value) {
      if (i + 1 >= args.size())
        return Expected<ExporterFlags>::Error("--" + name + " needs a value");
      value = args[++i];
    }
    auto invalid = [&] {
      return Expected<ExporterFlags>::Error("invalid --" + name + ": " + *value);
    };
    if (name == "config.file") {
      if (value->empty()) return invalid();
      f.config_file = *value;
    } else if (name == "web.listen-address") {
      if (value->empty()) return invalid();
      f.listen_address = *value;
    } else if (name == "log.level") {
      if (!ParseLogLevel(*value, &f.log_level)) return invalid();
    } else if (name == "scheduler.workers") {
      auto n = ParseCount(*value, 1, 1024);
      if (!n) return invalid();
      f.workers = *n;
    } else if (name == "history.successes") {
      auto n = ParseCount(*value, 1, 1000);
      if (!n) return invalid();
      f.history_successes = *n;
    } else if (name == "history.failures") {
      auto n = ParseCount(*value, 1, 1000);
      if (!n) return invalid();
      f.history_failures = *n;
    } else if (name == "web.scrape-timeout-offset") {
      auto d = ParseSeconds(*value);
      if (!d) return invalid();
      f.scrape_timeout_offset = *d;
    } else {
      return Expected<ExporterFlags>::Error("unknown flag --" + name);
    }
  }
  return f;
}

std::string ExporterFlags::Usage() {
  return std::string(
             "usage: pushprobe-exporter [<flags>]\n"
             "\n"
             "Runs the enterprise push connectivity check of every configured target on a\n"
             "schedule and serves the results to Prometheus.\n"
             "\n"
             "Flags:\n"
             "  --config.file=pushprobe.yml     configuration file\n"
             "  --web.listen-address=") +
         kDefaultListenAddress +
         "\n"
         "                                  address to listen on (host:port, :port)\n"
         "  --log.level=info                debug, info, warn or error\n"
         "  --config.check                  validate the configuration file and exit\n"
         "  --scheduler.workers=16          scheduled runs in flight at once\n"
         "  --history.successes=5           successful runs kept per target\n"
         "  --history.failures=20           failed runs kept per target\n"
         "  --web.scrape-timeout-offset=0.5s\n"
         "                                  subtracted from X-Prometheus-Scrape-Timeout-Seconds\n"
         "  --version                       print the version and exit\n"
         "  -h, --help                      this text\n"
         "\n"
         "Endpoints: /metrics, /probe?target=NAME[&debug=true], /, /config, /-/healthy,\n"
         "/-/ready, /-/reload (POST). SIGHUP reloads the configuration, SIGTERM stops.\n";
}

}  // namespace pushprobe::exporter

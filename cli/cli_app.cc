#include "cli/cli_app.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <ostream>

#include "cli/cert_report.h"
#include "cli/shard_report.h"
#include "cli/stage_progress.h"
#include "probe/config/config_loader.h"
#include "probe/config/secret_files.h"
#include "probe/config/target_values.h"
#include "probe/core/bounded_file.h"
#include "probe/core/expected.h"
#include "probe/engine/guid_source.h"
#include "probe/engine/probe_runner.h"
#include "probe/render/exchange_renderer.h"
#include "probe/render/json_renderer.h"
#include "probe/render/text_renderer.h"
#include "probe/version.h"

namespace pushprobe {
namespace {

constexpr const char* kUsage =
    "Usage: pushprobe <command> [options]\n"
    "\n"
    "Runs the Exchange hybrid push notification connectivity check\n"
    "(PushNotificationsEnterpriseConnectivityProbe) and explains, stage by stage,\n"
    "what is wrong.\n"
    "\n"
    "Commands:\n"
    "  run [--config FILE] [--target NAME] [--format text|exchange|json]\n"
    "      [--color auto|always|never] [--sequential] [-v]...\n"
    "        Run the check now, for every target or the one named. On a terminal\n"
    "        each stage is shown on stderr as it starts and ends. --sequential\n"
    "        sends one request after another (concurrency: sequential), for\n"
    "        comparison with the default concurrent order.\n"
    "  check-config [--config FILE]\n"
    "        Validate the configuration file and exit; warn about files that\n"
    "        cannot be read.\n"
    "  cert FILE [--key FILE] [--password-file FILE]\n"
    "       [--next FILE [--next-key FILE] [--next-password-file FILE]]\n"
    "        Show an Auth certificate: thumbprint, x5t, key, validity, key match;\n"
    "        with --next also the next one (Set-AuthConfig -NewCertificateThumbprint).\n"
    "  shard --config FILE --of N\n"
    "        Show which targets N exporter replicas (--scheduler.shard=I/N) schedule.\n"
    "\n"
    "Options:\n"
    "  --config FILE   Configuration (default /etc/pushprobe/pushprobe.yml when it exists).\n"
    "  --color WHEN    Colours: auto (default: when stdout is a terminal and NO_COLOR\n"
    "                  is not set), always or never.\n"
    "  -h, --help      Show this help and exit.\n"
    "  -V, --version   Show the version and exit.\n"
    "\n"
    "Exit status: 0 every run Succeeded, 1 a run Failed or TimedOut,\n"
    "2 usage or configuration error.\n";

// Parsed command line of one subcommand: repeated -v counted, --name VALUE and
// --name=VALUE accepted, bare words kept in order.
struct Args {
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> positional;
  int verbosity = 0;
  bool help = false;

  bool Has(const std::string& name) const {
    for (const auto& option : options) {
      if (option.first == name) return true;
    }
    return false;
  }

  std::optional<std::string> Get(const std::string& name) const {
    std::optional<std::string> found;
    for (const auto& [key, value] : options) {
      if (key == name) found = value;
    }
    return found;
  }
};

// Option names that take a value; anything else starting with '-' is a flag.
bool TakesValue(const std::string& name) {
  return name == "--config" || name == "--target" || name == "--format" || name == "--key" ||
         name == "--password-file" || name == "--color" || name == "--of" || name == "--next" ||
         name == "--next-key" || name == "--next-password-file";
}

Expected<Args> ParseArgs(const std::vector<std::string>& words,
                         const std::vector<std::string>& allowed) {
  using Result = Expected<Args>;
  Args args;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "-h" || word == "--help") {
      args.help = true;
    } else if (word == "-v" || word == "--verbose") {
      ++args.verbosity;
    } else if (word.size() > 2 && word[0] == '-' &&
               word.find_first_not_of('v', 1) == std::string::npos) {
      args.verbosity += static_cast<int>(word.size() - 1);
    } else if (word.rfind("--", 0) == 0) {
      std::string name = word;
      std::optional<std::string> value;
      if (auto eq = word.find('='); eq != std::string::npos) {
        name = word.substr(0, eq);
        value = word.substr(eq + 1);
      }
      bool known = false;
      for (const auto& a : allowed) known = known || a == name;
      if (!known) return Result::Error("unknown option " + name);
      if (!TakesValue(name)) {
        if (value) return Result::Error("option " + name + " takes no value");
        args.options.emplace_back(name, "");
        continue;
      }
      if (!value) {
        if (i + 1 >= words.size()) return Result::Error("option " + name + " needs a value");
        value = words[++i];
      }
      args.options.emplace_back(name, *value);
    } else if (word.size() > 1 && word[0] == '-') {
      return Result::Error("unknown option " + word);
    } else {
      args.positional.push_back(word);
    }
  }
  return args;
}

std::optional<Config> LoadOrReport(const std::string& path, std::ostream& err) {
  ConfigLoadResult loaded = LoadConfigFile(path);
  if (!loaded.ok()) {
    for (const ConfigError& e : loaded.errors) err << "pushprobe: " << e.ToString() << "\n";
    return std::nullopt;
  }
  return std::move(loaded.config);
}

int Usage(std::ostream& err, const std::string& problem) {
  err << "pushprobe: " << problem << "\n"
      << "Try 'pushprobe --help'.\n";
  return kExitUsage;
}

// --config, else the packaged file when it exists.
std::optional<std::string> ConfigPath(const Args& args, const CliEnvironment& environment) {
  if (auto given = args.Get("--config")) return given;
  if (!environment.default_config.empty() &&
      ::access(environment.default_config.c_str(), F_OK) == 0) {
    return environment.default_config;
  }
  return std::nullopt;
}

std::string NeedsConfig(const std::string& command, const CliEnvironment& environment) {
  return command + " needs --config FILE (" + environment.default_config + " does not exist)";
}

int RunCommand(const Args& args, std::ostream& out, std::ostream& err, const Clock& clock,
               const CliEnvironment& environment) {
  auto config_path = ConfigPath(args, environment);
  if (!config_path) return Usage(err, NeedsConfig("run", environment));
  if (!args.positional.empty()) return Usage(err, "unexpected argument " + args.positional[0]);
  std::string format = args.Get("--format").value_or("text");
  if (format != "text" && format != "exchange" && format != "json") {
    return Usage(err, "unknown format \"" + format + "\" (text, exchange or json)");
  }
  const std::string color_when = args.Get("--color").value_or("auto");
  if (color_when != "auto" && color_when != "always" && color_when != "never") {
    return Usage(err, "unknown --color \"" + color_when + "\" (auto, always or never)");
  }
  // NO_COLOR (no-color.org) rules auto; an explicit --color=always wins over it.
  const bool color = color_when == "always" ||
                     (color_when == "auto" && environment.stdout_is_tty && !environment.no_color);
  // Live progress only where a person watches: pipes and JSON stay as they were.
  std::optional<StageProgress> progress;
  if (environment.stdout_is_tty && environment.stderr_is_tty && format != "json") {
    progress.emplace(err, color);
  }
  std::optional<Config> config = LoadOrReport(*config_path, err);
  if (!config) return kExitUsage;
  std::vector<const TargetConfig*> targets;
  auto wanted = args.Get("--target");
  for (const TargetConfig& target : config->targets) {
    if (!wanted || target.name == *wanted) targets.push_back(&target);
  }
  if (targets.empty()) {
    err << "pushprobe: no target named \"" << *wanted << "\" in " << *config_path << "\n";
    return kExitUsage;
  }
  for (const std::string& warning :
       SecretFileWarnings(targets, SecretFileGroups::OfThisProcess())) {
    err << "pushprobe: warning: " << warning << "\n";
  }
  RandomGuidSource guids;
  std::vector<ProbeResult> results;
  for (const TargetConfig* target : targets) {
    TargetConfig settings = *target;
    if (args.Has("--sequential")) settings.concurrency = Concurrency::kSequential;
    ProbeRunner runner(std::move(settings), clock, guids);
    if (progress) progress->Begin(target->name);
    results.push_back(runner.Run(std::nullopt, progress ? &*progress : nullptr));
  }
  if (format == "json") {
    out << (results.size() == 1 ? render::RenderJson(results.front())
                                : render::RenderJsonList(results));
  } else {
    bool first = true;
    for (const ProbeResult& result : results) {
      if (!first) out << "\n";
      if (format == "exchange") {
        // Exactly the three lines of `fl ResultType, Error, Exception`; a
        // blank line between targets, as Format-List separates objects.
        render::ExchangeOptions options;
        options.blank_lines = false;
        out << render::RenderExchange(result, options);
      } else {
        render::TextOptions options;
        options.verbosity = args.verbosity;
        options.color = color;
        out << render::RenderText(result, options);
      }
      first = false;
    }
  }
  for (const ProbeResult& result : results) {
    if (!result.succeeded()) return kExitFailed;
  }
  return kExitSucceeded;
}

// Files a target names that cannot be read now. Only a warning: the file may
// appear before the run (a certificate deployed later), and the run decides.
std::vector<std::string> MissingFiles(const TargetConfig& target) {
  std::vector<std::string> warnings;
  const std::pair<const char*, const std::string*> files[] = {
      {"certificate", &target.certificate.get()},
      {"private_key", &target.private_key.get()},
      {"private_key_password_file", &target.private_key_password_file.get()},
      {"next_certificate", &target.next_certificate.get()},
      {"next_private_key", &target.next_private_key.get()},
      {"next_private_key_password_file", &target.next_private_key_password_file.get()},
      {"ca_file", &target.ca_file.get()},
      {"proxy_password_file", &target.proxy_password_file.get()},
  };
  for (const auto& [key, path] : files) {
    if (path->empty()) continue;
    std::string problem;
    // stat, never open: a FIFO would wait for a writer.
    struct stat st {};
    if (::stat(path->c_str(), &st) != 0 || ::access(path->c_str(), R_OK) != 0) {
      problem = std::strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
      problem = "is " + FileTypeName(st.st_mode) + ", not a regular file";
    } else {
      continue;
    }
    warnings.push_back("target \"" + target.name + "\": " + key + " " + *path + ": " + problem);
  }
  return warnings;
}

int CheckConfigCommand(const Args& args, std::ostream& out, std::ostream& err,
                       const CliEnvironment& environment) {
  auto config_path = ConfigPath(args, environment);
  if (!config_path) return Usage(err, NeedsConfig("check-config", environment));
  if (!args.positional.empty()) return Usage(err, "unexpected argument " + args.positional[0]);
  std::optional<Config> config = LoadOrReport(*config_path, err);
  if (!config) return kExitUsage;
  out << *config_path << ": OK, " << config->targets.size()
      << (config->targets.size() == 1 ? " target" : " targets") << "\n";
  std::vector<const TargetConfig*> targets;
  for (const TargetConfig& target : config->targets) {
    targets.push_back(&target);
    for (const std::string& warning : MissingFiles(target)) {
      err << "pushprobe: warning: " << warning << " (the check will fail until it is readable)\n";
    }
  }
  for (const std::string& warning :
       SecretFileWarnings(targets, SecretFileGroups::OfThisProcess())) {
    err << "pushprobe: warning: " << warning << "\n";
  }
  return kExitSucceeded;
}

int ShardCommand(const Args& args, std::ostream& out, std::ostream& err) {
  auto config_path = args.Get("--config");
  auto of = args.Get("--of");
  if (!config_path || !of) return Usage(err, "shard needs --config FILE and --of N");
  if (!args.positional.empty()) return Usage(err, "unexpected argument " + args.positional[0]);
  // N as --scheduler.shard reads it, so the report takes what a replica takes.
  Expected<Shard> shard = ParseShard("0/" + *of);
  if (!shard) {
    return Usage(err, "invalid --of \"" + *of + "\": the number of replicas, 1 to " +
                          std::to_string(kMaxShards));
  }
  std::optional<Config> config = LoadOrReport(*config_path, err);
  if (!config) return kExitUsage;
  out << ShardReport(*config, shard->count);
  return kExitSucceeded;
}

int CertCommand(const Args& args, std::ostream& out, std::ostream& err, const Clock& clock) {
  if (args.positional.size() != 1) return Usage(err, "cert needs exactly one certificate FILE");
  TargetConfig files;  // the files as a target would name them, for the secret-file rule
  files.certificate = args.positional[0];
  files.private_key = args.Get("--key").value_or("");
  files.private_key_password_file = args.Get("--password-file").value_or("");
  CertReport report = BuildCertReport(files.certificate, files.private_key,
                                      files.private_key_password_file, clock.Now());
  if (!report.loaded) {
    err << "pushprobe: " << report.error << "\n";
    return kExitFailed;
  }
  // A certificate file without a key in it is public: only then is it left out.
  if (files.private_key.empty() && !report.has_key) files.certificate.clear();
  // The next certificate (the rollover's), reported after the current one.
  std::optional<CertReport> next;
  if (auto next_path = args.Get("--next")) {
    files.next_certificate = *next_path;
    files.next_private_key = args.Get("--next-key").value_or("");
    files.next_private_key_password_file = args.Get("--next-password-file").value_or("");
    next = BuildCertReport(files.next_certificate, files.next_private_key,
                           files.next_private_key_password_file, clock.Now(), "--next-key",
                           "--next-password-file");
    if (!next->loaded) {
      err << "pushprobe: next certificate: " << next->error << "\n";
      return kExitFailed;
    }
    if (files.next_private_key.empty() && !next->has_key) files.next_certificate.clear();
  } else if (args.Get("--next-key") || args.Get("--next-password-file")) {
    return Usage(err, "--next-key and --next-password-file need --next FILE");
  }
  for (const std::string& warning :
       SecretFileWarnings({&files}, SecretFileGroups::OfThisProcess())) {
    err << "pushprobe: warning: " << warning << "\n";
  }
  out << report.text;
  if (next) out << "\nNext Auth certificate:\n" << next->text;
  return report.usable && (!next || next->usable) ? kExitSucceeded : kExitFailed;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const Clock& clock, const CliEnvironment& environment) {
  if (args.empty()) return Usage(err, "no command given");
  const std::string& command = args.front();
  if (command == "-h" || command == "--help" || command == "help") {
    out << kUsage;
    return kExitSucceeded;
  }
  if (command == "-V" || command == "--version") {
    out << "pushprobe " << kVersion << "\n";
    return kExitSucceeded;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  std::vector<std::string> allowed;
  if (command == "run") {
    allowed = {"--config", "--target", "--format", "--color", "--sequential"};
  } else if (command == "check-config") {
    allowed = {"--config"};
  } else if (command == "cert") {
    allowed = {"--key", "--password-file", "--next", "--next-key", "--next-password-file"};
  } else if (command == "shard") {
    allowed = {"--config", "--of"};
  } else {
    return Usage(err, "unknown command \"" + command + "\"");
  }
  auto parsed = ParseArgs(rest, allowed);
  if (!parsed) return Usage(err, parsed.error());
  const Args& parsed_args = parsed.value();
  if (parsed_args.help) {
    out << kUsage;
    return kExitSucceeded;
  }
  try {
    if (command == "run") return RunCommand(parsed_args, out, err, clock, environment);
    if (command == "check-config") return CheckConfigCommand(parsed_args, out, err, environment);
    if (command == "shard") return ShardCommand(parsed_args, out, err);
    return CertCommand(parsed_args, out, err, clock);
  } catch (const std::exception& e) {
    // The engine turns every failure into data; reaching here is a defect.
    err << "pushprobe: internal error: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace pushprobe

#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "nagios/plugin_state.h"
#include "nagios/thresholds.h"
#include "probe/config/target_overrides.h"
#include "probe/core/clock.h"
#include "probe/core/expected.h"
#include "probe/core/stage_id.h"
#include "probe/core/target_config.h"

namespace pushprobe::nagios {

/// What the command line asks the plugin to do.
enum class PluginAction { kRun, kHelp, kVersion };

inline constexpr int kDefaultCertWarningDays = 30;
inline constexpr int kDefaultCertCriticalDays = 14;
/// The rollover subcheck is CRITICAL when the next Auth certificate is not
/// usable and becomes effective within this many days.
inline constexpr int kDefaultRolloverCriticalDays = 7;
inline constexpr int kDefaultSkewWarningSeconds = 60;
inline constexpr int kDefaultSkewCriticalSeconds = 300;
inline constexpr Duration kDefaultTimeout = std::chrono::seconds(30);
/// The longest -t accepted; the config loader's limit for the same setting.
inline constexpr Duration kMaxPluginTimeout = std::chrono::minutes(10);
inline constexpr int kMaxVerbosity = 3;

/// \brief The parsed command line. Built once by ParsePluginOptions and
/// const from then on.
struct PluginOptions {
  PluginAction action = PluginAction::kRun;
  int verbosity = 0;  ///< 0..kMaxVerbosity; more -v are clamped, as in monitoring-plugins
  std::string config_file;
  std::string target_name;
  /// Target settings given as options; each one set replaces the file's value.
  TargetOverrides overrides;
  Thresholds total_time;                                 ///< -w/-c, seconds
  std::array<Thresholds, kAllStages.size()> stage_time;  ///< --stage-warning/--stage-critical
  int cert_warning_days = kDefaultCertWarningDays;
  int cert_critical_days = kDefaultCertCriticalDays;
  int rollover_critical_days = kDefaultRolloverCriticalDays;  ///< --rollover-critical
  int skew_warning_seconds = kDefaultSkewWarningSeconds;      ///< --skew-warning, either direction
  int skew_critical_seconds = kDefaultSkewCriticalSeconds;    ///< --skew-critical
  std::optional<Duration> timeout;  ///< -t; unset: the file's timeout, else kDefaultTimeout
  State timeout_result = State::kCritical;

  const Thresholds& StageTime(StageId id) const {
    return stage_time.at(static_cast<std::size_t>(id));
  }
};

/// \brief Parses the arguments (without the program name) the way
/// monitoring-plugins' getopt_long does: "-w 5", "-w5", "--warning 5",
/// "--warning=5", "-vvv", "--" ends the options.
///
/// -h/--help and -V/--version win over everything else (even bad options
/// after them are ignored), as with getopt-based plugins that exit on reading them.
/// Errors name the option and what is wrong with its value, e.g.
/// `-w/--warning: invalid range "5:1": start 5 is greater than end 1`.
/// Never throws.
Expected<PluginOptions> ParsePluginOptions(const std::vector<std::string>& args);

/// The full --help text (usage, every option with its default, exit codes).
std::string PluginHelp();
/// The short usage line printed after an argument error.
std::string PluginUsage();

}  // namespace pushprobe::nagios

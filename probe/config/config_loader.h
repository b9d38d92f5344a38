#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/clock.h"
#include "probe/core/deadline.h"
#include "probe/core/target_config.h"

// The loader's companions, so one include gives the whole configuration API.
#include "probe/config/connect_to.h"
#include "probe/config/duration.h"
#include "probe/config/redaction.h"

namespace pushprobe {

/// \brief One problem in a configuration file, and where it is.
struct ConfigError {
  std::string file;
  int line = 0;    ///< 1-based; 0 for an error about the whole file
  int column = 0;  ///< 1-based; 0 for an error about the whole file
  std::string message;

  /// "file:LINE:COL: message", or "file: message" for an error about the whole file.
  std::string ToString() const;
};

/// \brief The outcome of loading: a config, or every error found.
struct ConfigLoadResult {
  std::optional<Config> config;     ///< set exactly when errors is empty
  std::vector<ConfigError> errors;  ///< all of them, in file order (whole-file errors first)

  bool ok() const { return config.has_value(); }
  /// Each error's ToString() followed by a newline; empty when ok().
  std::string ErrorText() const;
};

/// Limits the loader enforces, exposed for help texts and tests.
inline constexpr Duration kMaxTimeout = std::chrono::minutes(10);
inline constexpr Duration kMinInterval = std::chrono::seconds(1);
inline constexpr std::size_t kMinMaxResponseBytes = 1024;
inline constexpr std::size_t kMaxMaxResponseBytes = std::size_t{64} << 20;
/// A config file larger than this is refused rather than read.
inline constexpr std::size_t kMaxConfigFileBytes = std::size_t{16} << 20;
/// The loader holds at most this many YAML nodes (keys, values, list entries)
/// at once: the file without its targets list, plus one target, which it
/// loads and drops before reading the next (or, for a small file, plus its
/// targets: kMaxKeptTargetNodes). About 100 bytes a node, so 15 MB
/// whatever the file's shape; a file past it is refused, naming the cap.
inline constexpr std::size_t kMaxConfigNodes = 150000;
/// A file whose targets come to at most this many YAML nodes (about 2 MB;
/// some 1,000 targets) is parsed once: its targets are kept from the pass
/// that reads the rest of the file, within kMaxConfigNodes. A larger one is
/// parsed a second time for its targets, one at a time, as the bound needs.
/// Why: Nagios starts the plugin for every check, and the second parse of
/// its small file was 4 % of the instructions of a check.
inline constexpr std::size_t kMaxKeptTargetNodes = 20000;
/// A configuration with more targets than this is refused, naming the cap.
/// Memory then grows with the targets' settings, not with their YAML: about
/// 0.8 KB a target (docs/configuration.md has the figures).
inline constexpr std::size_t kMaxConfigTargets = 100000;
/// At most this many errors are kept (in the order found); a last one says
/// how many more there were, so a broken huge file cannot fill memory.
inline constexpr std::size_t kMaxConfigErrors = 100;

/// \brief Reads and loads the YAML file at \p path (see LoadConfigString).
///
/// A file that cannot be read is reported as an error about the whole file
/// (also one not read before \p deadline, when given); this function never
/// throws.
ConfigLoadResult LoadConfigFile(const std::string& path, const Deadline* deadline = nullptr);

/// \brief Loads a configuration from \p yaml, naming it \p file_name in errors.
///
/// Each target starts from TargetConfig's defaults, then takes the file's
/// `defaults:` section, then its own keys, and is then validated. Unknown
/// keys, wrong types, bad values and cross-field conflicts are all collected,
/// each with its line and column. Relative paths (certificate, private_key,
/// private_key_password_file, ca_file) are resolved against \p file_name's
/// directory (LoadConfigFile: the file's absolute directory);
/// whether the files exist is not checked here (the certificate stage
/// reports that at run time). Values are normalised: organization in lower
/// case, thumbprint as 40 upper-case hex digits without separators, tenant
/// in lower case. When auth_metadata_url is not set it is
/// kDefaultMetadataUrlPrefix + organization (ACS) or the tenant's OpenID
/// configuration (identity platform). For token_flow identity-platform,
/// application_id is required, tenant defaults to the organization and
/// token_url to kLoginBaseUrl + tenant + kDefaultTokenUrlSuffix; for acs,
/// a target's own application_id, tenant, token_url or scope is an error.
/// Config::path is \p file_name. Never throws.
ConfigLoadResult LoadConfigString(std::string_view yaml, const std::string& file_name);

namespace config_internal {

/// The loader's memory bounds, and a hook to watch its parser (for tests).
struct LoaderLimits {
  std::size_t max_nodes = kMaxConfigNodes;
  std::size_t max_kept_target_nodes = kMaxKeptTargetNodes;
  /// Called each time the YAML parser starts reading the text.
  std::function<void()> on_parse;
};

/// LoadConfigString with other limits.
ConfigLoadResult LoadConfigString(std::string_view yaml, const std::string& file_name,
                                  const LoaderLimits& limits);

}  // namespace config_internal
}  // namespace pushprobe

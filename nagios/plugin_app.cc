#include "nagios/plugin_app.h"

#include <exception>
#include <ostream>
#include <utility>

#include "nagios/check_evaluation.h"
#include "nagios/plugin_output.h"
#include "probe/config/config_loader.h"
#include "probe/config/secret_files.h"
#include "probe/config/target_values.h"
#include "probe/core/quote_text.h"
#include "probe/engine/guid_source.h"
#include "probe/engine/probe_runner.h"
#include "probe/version.h"

namespace pushprobe::nagios {
namespace {

constexpr int kExitUnknown = static_cast<int>(State::kUnknown);

Expected<TargetConfig> TargetFromFile(const PluginOptions& options, const Deadline* deadline) {
  ConfigLoadResult loaded = LoadConfigFile(options.config_file, deadline);
  if (!loaded.ok()) {
    // The first error says what is wrong; the count tells there is more to fix.
    std::string message = "configuration error: " + loaded.errors.front().ToString();
    if (loaded.errors.size() > 1) {
      message += " (and " + std::to_string(loaded.errors.size() - 1) + " more)";
    }
    return Expected<TargetConfig>::Error(message);
  }
  const std::vector<TargetConfig>& targets = loaded.config->targets;
  std::string names;
  for (const TargetConfig& t : targets) names += (names.empty() ? "" : ", ") + t.name;
  if (options.target_name.empty()) {
    if (targets.size() == 1) return targets.front();
    return Expected<TargetConfig>::Error(
        options.config_file + " has " + std::to_string(targets.size()) +
        " targets; choose one with --target NAME (targets: " + names + ")");
  }
  for (const TargetConfig& t : targets) {
    if (t.name == options.target_name) return t;
  }
  return Expected<TargetConfig>::Error("no target named " + QuoteExcerpt(options.target_name) +
                                       " in " + options.config_file + " (targets: " + names + ")");
}

}  // namespace

Expected<TargetConfig> ResolveTarget(const PluginOptions& options, const Deadline* deadline) {
  TargetConfig target;
  if (!options.config_file.empty()) {
    Expected<TargetConfig> from_file = TargetFromFile(options, deadline);
    if (!from_file) return from_file;
    target = std::move(from_file).value();
  } else {
    target.name = options.overrides.organization.value_or("");
    target.auth_metadata_url.clear();
  }
  const TargetOverrides& o = options.overrides;
  const bool identity_platform =
      o.token_flow.value_or(target.token_flow) == TokenFlow::kIdentityPlatform;
  // The proxy's user is given once: in the --proxy URL or as --proxy-user.
  if (o.proxy && o.proxy_user) {
    Expected<ProxyValue> proxy = ParseProxy(*o.proxy);
    if (proxy && !proxy->user.empty()) {
      return Expected<TargetConfig>::Error(
          "the proxy user is given twice (in the --proxy URL and in --proxy-user); keep one");
    }
  }
  if (!identity_platform && (o.application_id || o.tenant)) {
    return Expected<TargetConfig>::Error(
        "--application-id and --tenant are used only with --token-flow identity-platform");
  }
  ApplyOverrides(target, o);
  if (Expected<void> settings = CheckTlsSettings(target); !settings) {
    return Expected<TargetConfig>::Error(settings.error());
  }
  if (Expected<void> credentials = CheckProxyCredentials(target); !credentials) {
    return Expected<TargetConfig>::Error(credentials.error() +
                                         " (--proxy, --proxy-user, --proxy-password-file)");
  }
  if (identity_platform && target.application_id.empty()) {
    return Expected<TargetConfig>::Error(
        "--token-flow identity-platform needs the application (client) id: give "
        "--application-id GUID or set application_id for the target in the configuration file");
  }
  if (target.next_certificate.empty() && (o.next_private_key || o.next_effective_date)) {
    return Expected<TargetConfig>::Error(
        "--next-private-key and --next-effective-date describe the next certificate: give "
        "--next-certificate FILE or set next_certificate for the target");
  }
  if (options.timeout) target.timeout = *options.timeout;
  if (target.certificate.empty()) {
    return Expected<TargetConfig>::Error(
        "no Auth certificate: give --certificate FILE or set certificate for the target in "
        "the configuration file");
  }
  return target;
}

int RunPlugin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              const Clock& clock, const WatchdogArm& arm_watchdog) {
  try {
    Expected<PluginOptions> parsed = ParsePluginOptions(args);
    if (!parsed) {
      out << FormatUnknown(parsed.error());
      err << PluginUsage() << "Try 'check_exchange_push --help' for more information.\n";
      return kExitUnknown;
    }
    const PluginOptions options = std::move(parsed).value();
    if (options.action == PluginAction::kHelp) {
      out << PluginHelp();
      return kExitUnknown;
    }
    if (options.action == PluginAction::kVersion) {
      out << "check_exchange_push (" << kProductName << ") " << kVersion << "\n";
      return kExitUnknown;
    }

    // Armed before anything is read: the configuration or a file it names
    // can be where the plugin would hang. Until the configuration says
    // otherwise, the budget is -t or the built-in timeout.
    const Duration first_budget = options.timeout.value_or(TargetConfig{}.timeout);
    if (arm_watchdog) arm_watchdog(first_budget, options.timeout_result);
    const Deadline loading = Deadline::After(clock, first_budget);
    Expected<TargetConfig> target = ResolveTarget(options, &loading);
    if (!target) {
      out << FormatUnknown(target.error());
      return kExitUnknown;
    }
    if (arm_watchdog && target->timeout != first_budget) {
      arm_watchdog(target->timeout, options.timeout_result);
    }
    RandomGuidSource guids;
    ProbeRunner runner(*target, clock, guids);
    const ProbeResult result = runner.Run();
    const CheckEvaluation evaluation = EvaluateCheck(result, options);
    // Only with -v: the first line is the check's, and Nagios notifies on it.
    std::vector<std::string> warnings;
    if (options.verbosity >= 1) {
      warnings = SecretFileWarnings({&*target}, SecretFileGroups::OfThisProcess());
    }
    out << FormatPluginOutput(evaluation, result, options.verbosity, warnings);
    return static_cast<int>(evaluation.state);
  } catch (const std::exception& e) {
    out << FormatUnknown(std::string("internal error: ") + e.what());
  } catch (...) {
    out << FormatUnknown("internal error: unknown exception");
  }
  return kExitUnknown;
}

}  // namespace pushprobe::nagios

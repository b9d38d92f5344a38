#include "nagios/plugin_options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "probe/config/connect_to.h"
#include "probe/config/target_values.h"
#include "probe/core/quote_text.h"

namespace pushprobe::nagios {
namespace {

// An option's value handler: stores the value, or returns why it is refused.
using Apply = Expected<void> (*)(PluginOptions&, const std::string&);

Expected<void> Refuse(std::string why) { return Expected<void>::Error(std::move(why)); }

struct OptionSpec {
  char short_name;        // '\0' for long-only options
  const char* long_name;  // without "--"
  const char* value;      // the value's name in --help; nullptr for flags
  const char* help;       // one or more lines, each shown indented
  Apply apply;
};

Expected<void> SetString(std::optional<std::string>& field, const std::string& value) {
  if (value.empty()) return Refuse("must not be empty");
  field = value;
  return {};
}

// A value the configuration loader checks too: the same check, the same words.
Expected<void> SetChecked(std::optional<std::string>& field, const std::string& value,
                          Expected<std::string> (*check)(std::string_view)) {
  if (value.empty()) return Refuse("must not be empty");
  Expected<std::string> checked = check(value);
  if (!checked) return Refuse(checked.error());
  field = std::move(checked).value();
  return {};
}

Expected<void> SetTokenFlow(PluginOptions& o, const std::string& value) {
  for (TokenFlow flow : {TokenFlow::kAcs, TokenFlow::kIdentityPlatform}) {
    if (value == TokenFlowName(flow)) {
      o.overrides.token_flow = flow;
      return {};
    }
  }
  return Refuse(QuoteExcerpt(value) + " is not one of acs, identity-platform");
}

Expected<void> SetTlsMaxVersion(PluginOptions& o, const std::string& value) {
  o.overrides.tls_max_version = ParseTlsVersion(value);
  if (!o.overrides.tls_max_version) return Refuse(QuoteExcerpt(value) + " is not one of 1.2, 1.3");
  return {};
}

Expected<void> SetTlsProfile(PluginOptions& o, const std::string& value) {
  o.overrides.tls_profile = TlsProfileFromName(value);
  if (o.overrides.tls_profile) return {};
  std::string names;
  for (TlsProfile p : kAllTlsProfiles) {
    names += (names.empty() ? "" : ", ") + std::string(TlsProfileName(p));
  }
  return Refuse(QuoteExcerpt(value) + " is not one of " + names);
}

// Comma-separated, as the SSL Cipher Suite Order policy writes the list.
Expected<void> SetTlsCiphers(PluginOptions& o, const std::string& value) {
  std::vector<std::string> names;
  std::size_t begin = 0;
  while (begin <= value.size()) {
    std::size_t end = value.find(',', begin);
    if (end == std::string::npos) end = value.size();
    std::string name = value.substr(begin, end - begin);
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (FindSchannelCipherSuite(name) == nullptr) {
      return Refuse("unknown cipher suite " + QuoteExcerpt(name) +
                    ": use the IANA names Get-TlsCipherSuite prints, separated by commas");
    }
    names.push_back(name);
    begin = end + 1;
  }
  o.overrides.tls_ciphers = std::move(names);
  return {};
}

Expected<void> SetApplicationId(PluginOptions& o, const std::string& value) {
  if (!IsGuid(value)) return Refuse(QuoteExcerpt(value) + " is not a GUID");
  o.overrides.application_id = value;
  return {};
}

Expected<void> SetTenant(PluginOptions& o, const std::string& value) {
  if (!IsGuid(value) && !IsDomainName(value)) {
    return Refuse(QuoteExcerpt(value) +
                  " is neither a domain name like fabrikam.com nor a tenant id (GUID)");
  }
  std::string tenant = value;
  // Both forms are case-insensitive; the configuration loader keeps them lower case too.
  for (char& c : tenant) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  o.overrides.tenant = tenant;
  return {};
}

// The configuration's rule for `proxy_user`.
Expected<void> SetProxyUser(PluginOptions& o, const std::string& value) {
  if (Expected<void> user = CheckProxyUser(value); !user) return user;
  o.overrides.proxy_user = value;
  return {};
}

Expected<void> SetRange(std::optional<NagiosRange>& field, const std::string& value) {
  RangeParseResult parsed = ParseNagiosRange(value);
  if (!parsed.ok()) return Refuse(parsed.error().message);
  field = *parsed;
  return {};
}

Expected<void> SetStageRange(PluginOptions& o, const std::string& value, bool critical) {
  auto eq = value.find('=');
  if (eq == std::string::npos) return Refuse("expected STAGE=RANGE, got " + QuoteExcerpt(value));
  std::string name = value.substr(0, eq);
  std::optional<StageId> stage = StageFromName(name);
  if (!stage) {
    std::string names;
    for (StageId id : kAllStages) names += (names.empty() ? "" : ", ") + std::string(StageName(id));
    return Refuse("unknown stage " + QuoteExcerpt(name) + " (one of " + names + ")");
  }
  Thresholds& t = o.stage_time.at(static_cast<std::size_t>(*stage));
  return SetRange(critical ? t.critical : t.warning, value.substr(eq + 1));
}

Expected<void> SetWholeNumber(int& field, const std::string& value, std::string_view unit) {
  int number = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || number < 0) {
    return Refuse(QuoteExcerpt(value) + " is not a whole number of " + std::string(unit) +
                  " (0 or more)");
  }
  field = number;
  return {};
}

Expected<void> SetDays(int& field, const std::string& value) {
  return SetWholeNumber(field, value, "days");
}

Expected<void> SetTimeout(PluginOptions& o, const std::string& value) {
  // Reuse the range grammar's number reader: decimal, no exponent, C locale.
  RangeParseResult parsed = ParseNagiosRange(value);
  bool plain_number = parsed.ok() && !parsed->alert_inside && !parsed->end_infinite &&
                      value.find(':') == std::string::npos;
  if (!plain_number || parsed->end <= 0) {
    return Refuse(QuoteExcerpt(value) + " is not a positive number of seconds");
  }
  double seconds = parsed->end;
  if (seconds > std::chrono::duration<double>(kMaxPluginTimeout).count()) {
    return Refuse(QuoteExcerpt(value) + " is more than the maximum of " +
                  std::to_string(
                      std::chrono::duration_cast<std::chrono::seconds>(kMaxPluginTimeout).count()) +
                  " seconds");
  }
  o.timeout = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
  return {};
}

// The one list of options: parsing and --help both read it.
const std::array<OptionSpec, 36> kOptions = {{
    {'h', "help", nullptr, "Print this help and exit.", nullptr},
    {'V', "version", nullptr, "Print the version and exit.", nullptr},
    {'v', "verbose", nullptr,
     "More output; up to three times: -v one line per stage, -vv the facts\n"
     "each stage found, -vvv the full diagnostic transcript.",
     nullptr},
    {'\0', "config", "FILE", "pushprobe configuration file (YAML) to take the target from.",
     [](PluginOptions& o, const std::string& v) -> Expected<void> {
       if (v.empty()) return Refuse("must not be empty");
       o.config_file = v;
       return {};
     }},
    {'\0', "target", "NAME",
     "Target in --config to check; may be left out when the file has only one.",
     [](PluginOptions& o, const std::string& v) -> Expected<void> {
       if (v.empty()) return Refuse("must not be empty");
       o.target_name = v;
       return {};
     }},
    {'O', "organization", "DOMAIN",
     "Office 365 tenant domain (Enable-PushNotificationProxy -Organization).",
     [](PluginOptions& o, const std::string& v) {
       return SetChecked(o.overrides.organization, v, CheckOrganization);
     }},
    {'\0', "certificate", "FILE",
     "Auth certificate: PEM (certificate, maybe with its key) or PKCS#12.",
     [](PluginOptions& o, const std::string& v) { return SetString(o.overrides.certificate, v); }},
    {'\0', "private-key", "FILE", "PEM private key, when not in the certificate file.",
     [](PluginOptions& o, const std::string& v) { return SetString(o.overrides.private_key, v); }},
    {'\0', "next-certificate", "FILE",
     "The next Auth certificate (Set-AuthConfig -NewCertificateThumbprint), as\n"
     "--certificate: adds the rollover subcheck, a token request signed with it.",
     [](PluginOptions& o, const std::string& v) {
       return SetString(o.overrides.next_certificate, v);
     }},
    {'\0', "next-private-key", "FILE", "PEM private key, when not in the next certificate file.",
     [](PluginOptions& o, const std::string& v) {
       return SetString(o.overrides.next_private_key, v);
     }},
    {'\0', "next-effective-date", "DATE",
     "When the next certificate takes over (Get-AuthConfig's\n"
     "NextCertificateEffectiveDate), RFC 3339 such as 2027-01-15T00:00:00Z or\n"
     "a date such as 2027-01-15 (UTC).",
     [](PluginOptions& o, const std::string& v) -> Expected<void> {
       Expected<WallTime> date = ParseEffectiveDate(v);
       if (!date) return Refuse(QuoteExcerpt(v) + ": " + date.error());
       o.overrides.next_effective_date = *date;
       return {};
     }},
    {'\0', "service-uri", "URI",
     "Push proxy Uri (default https://outlook.office365.com/PushNotifications).",
     [](PluginOptions& o, const std::string& v) {
       return SetChecked(o.overrides.service_uri, v, CheckRequestUrl);
     }},
    {'\0', "metadata-url", "URL",
     "AuthMetadataUrl (default: the ACS metadata URL for the organization).",
     [](PluginOptions& o, const std::string& v) {
       return SetChecked(o.overrides.auth_metadata_url, v, CheckRequestUrl);
     }},
    {'\0', "ca-file", "FILE", "Trust anchors for the servers' TLS (default: the system store).",
     [](PluginOptions& o, const std::string& v) { return SetString(o.overrides.ca_file, v); }},
    {'\0', "connect-to", "HOST:PORT:CONNECT_HOST:CONNECT_PORT",
     "Connect to another address for HOST:PORT, keeping the URL, SNI and\n"
     "name check (as curl --connect-to). Repeatable; replaces the file's list.",
     [](PluginOptions& o, const std::string& v) -> Expected<void> {
       Expected<ConnectTo> rule = ParseConnectTo(v);
       if (!rule) return Refuse(rule.error());
       if (!o.overrides.connect_to) o.overrides.connect_to.emplace();
       o.overrides.connect_to->push_back(*rule);
       return {};
     }},
    {'\0', "proxy", "URL",
     "Outbound HTTP proxy, http://[USER@]HOST:PORT (a password in the URL is\n"
     "refused: give it with --proxy-password-file).",
     [](PluginOptions& o, const std::string& v) {
       return SetChecked(o.overrides.proxy, v, CheckProxyUrl);
     }},
    {'\0', "proxy-user", "USER", "User for the proxy's Basic authentication.", SetProxyUser},
    {'\0', "proxy-password-file", "FILE",
     "File holding the proxy's password, sent on the CONNECT only.",
     [](PluginOptions& o, const std::string& v) {
       return SetString(o.overrides.proxy_password_file, v);
     }},
    {'\0', "tls-max-version", "1.2|1.3",
     "Highest TLS version offered (default 1.2, as Exchange Server speaks it).", SetTlsMaxVersion},
    {'\0', "tls-profile", "PROFILE",
     "The TLS offer of the Exchange host's Windows: windows-2012r2, windows-2016,\n"
     "windows-2019 (default; windows-2022 with --tls-max-version 1.3),\n"
     "windows-2022, or openssl (OpenSSL's defaults).",
     SetTlsProfile},
    {'\0', "tls-ciphers", "NAME,NAME,...",
     "Cipher suites (IANA names, as Get-TlsCipherSuite prints them) replacing\n"
     "the profile's, for a host whose list was changed by policy.",
     SetTlsCiphers},
    {'\0', "token-flow", "acs|identity-platform",
     "How the token is obtained: ACS S2S (default), or the Microsoft identity\n"
     "platform v2 for a dedicated hybrid application.",
     SetTokenFlow},
    {'\0', "application-id", "GUID",
     "The application (client) id, for --token-flow identity-platform.", SetApplicationId},
    {'\0', "tenant", "TENANT",
     "Tenant domain or id for --token-flow identity-platform (default: the\n"
     "organization).",
     SetTenant},
    {'\0', "sequential", nullptr,
     "Send one request after another (concurrency: sequential) instead of the\n"
     "challenge beside the metadata request and the publish connection opened\n"
     "early: twice the round trips, for comparison.",
     [](PluginOptions& o, const std::string&) -> Expected<void> {
       o.overrides.concurrency = Concurrency::kSequential;
       return {};
     }},
    {'w', "warning", "RANGE", "Warning range for the whole check's time in seconds.",
     [](PluginOptions& o, const std::string& v) { return SetRange(o.total_time.warning, v); }},
    {'c', "critical", "RANGE", "Critical range for the whole check's time in seconds.",
     [](PluginOptions& o, const std::string& v) { return SetRange(o.total_time.critical, v); }},
    {'\0', "stage-warning", "STAGE=RANGE",
     "Warning range for one stage's time in seconds. Repeatable. STAGE is one of\n"
     "configuration, certificate, metadata, challenge, token, publish.",
     [](PluginOptions& o, const std::string& v) { return SetStageRange(o, v, false); }},
    {'\0', "stage-critical", "STAGE=RANGE", "Critical range for one stage's time. Repeatable.",
     [](PluginOptions& o, const std::string& v) { return SetStageRange(o, v, true); }},
    {'\0', "cert-warning", "DAYS",
     "WARNING when the Auth certificate or a server's TLS certificate has\n"
     "fewer days left (default 30).",
     [](PluginOptions& o, const std::string& v) { return SetDays(o.cert_warning_days, v); }},
    {'\0', "cert-critical", "DAYS", "CRITICAL below this many days left (default 14).",
     [](PluginOptions& o, const std::string& v) { return SetDays(o.cert_critical_days, v); }},
    {'\0', "rollover-critical", "DAYS",
     "The rollover subcheck is WARNING when the next Auth certificate is not\n"
     "registered in Microsoft 365 (or not usable), CRITICAL when it also becomes\n"
     "effective within this many days (default 7).",
     [](PluginOptions& o, const std::string& v) { return SetDays(o.rollover_critical_days, v); }},
    {'\0', "skew-warning", "SECONDS",
     "WARNING when the servers' clocks (their Date headers) differ from this\n"
     "machine's by more than this, either way, even when the check passes\n"
     "(default 60).",
     [](PluginOptions& o, const std::string& v) {
       return SetWholeNumber(o.skew_warning_seconds, v, "seconds");
     }},
    {'\0', "skew-critical", "SECONDS",
     "CRITICAL beyond this clock difference (default 300, where OAuth fails).",
     [](PluginOptions& o, const std::string& v) {
       return SetWholeNumber(o.skew_critical_seconds, v, "seconds");
     }},
    {'t', "timeout", "SECONDS",
     "Deadline for the whole check (default: the file's timeout, else 30).", SetTimeout},
    {'\0', "timeout-result", "STATE",
     "State when the deadline passes: ok, warning, critical (default) or unknown.",
     [](PluginOptions& o, const std::string& v) -> Expected<void> {
       std::optional<State> state = StateFromLowerName(v);
       if (!state) return Refuse(QuoteExcerpt(v) + " is not one of ok, warning, critical, unknown");
       o.timeout_result = *state;
       return {};
     }},
}};

const OptionSpec* FindLong(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (name == spec.long_name) return &spec;
  }
  return nullptr;
}

const OptionSpec* FindShort(char c) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.short_name != '\0' && spec.short_name == c) return &spec;
  }
  return nullptr;
}

std::string DisplayName(const OptionSpec& spec) {
  std::string name;
  if (spec.short_name != '\0') name = std::string("-") + spec.short_name + "/";
  return name + "--" + spec.long_name;
}

}  // namespace

Expected<PluginOptions> ParsePluginOptions(const std::vector<std::string>& args) {
  PluginOptions options;
  std::optional<std::string> first_error;
  auto fail = [&first_error](std::string message) {
    if (!first_error) first_error = std::move(message);
  };
  // Applies one option; `inline_value` is the "=VALUE" or "-wVALUE" part.
  auto handle = [&](const OptionSpec& spec, std::optional<std::string> inline_value,
                    std::size_t& i) {
    if (spec.value == nullptr) {
      if (inline_value) return fail(DisplayName(spec) + " takes no value");
      if (spec.short_name == 'h') options.action = PluginAction::kHelp;
      if (spec.short_name == 'V' && options.action != PluginAction::kHelp) {
        options.action = PluginAction::kVersion;
      }
      if (spec.short_name == 'v')
        options.verbosity = std::min(options.verbosity + 1, kMaxVerbosity);
      if (spec.apply != nullptr) spec.apply(options, "");
      return;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return fail(DisplayName(spec) + " needs a value (" + spec.value + ")");
    }
    if (Expected<void> applied = spec.apply(options, value); !applied) {
      fail(DisplayName(spec) + ": " + applied.error());
    }
  };

  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (options_ended || word.size() < 2 || word[0] != '-') {
      fail("unexpected argument " + QuoteExcerpt(word) + " (this plugin takes only options)");
      continue;
    }
    if (word == "--") {
      options_ended = true;
      continue;
    }
    if (word[1] == '-') {
      std::string name = word.substr(2);
      std::optional<std::string> value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      const OptionSpec* spec = FindLong(name);
      if (spec == nullptr) {
        fail("unknown option " + QuoteExcerpt("--" + name));
        continue;
      }
      handle(*spec, value, i);
      continue;
    }
    // A cluster of short options: flags may be grouped ("-vvv"); the first
    // option that takes a value takes the rest of the word, or the next word.
    for (std::size_t k = 1; k < word.size(); ++k) {
      const OptionSpec* spec = FindShort(word[k]);
      if (spec == nullptr) {
        fail("unknown option " + QuoteExcerpt(std::string("-") + word[k]));
        break;
      }
      if (spec->value != nullptr) {
        std::optional<std::string> rest;
        if (k + 1 < word.size()) rest = word.substr(k + 1);
        handle(*spec, rest, i);
        break;
      }
      handle(*spec, std::nullopt, i);
    }
  }

  if (options.action != PluginAction::kRun) return options;
  if (first_error) return Expected<PluginOptions>::Error(*first_error);
  if (!options.target_name.empty() && options.config_file.empty()) {
    return Expected<PluginOptions>::Error("--target needs --config FILE");
  }
  if (options.config_file.empty() && !options.overrides.organization) {
    return Expected<PluginOptions>::Error(
        "nothing to check: give --config FILE [--target NAME], or -O/--organization DOMAIN "
        "with --certificate FILE");
  }
  return options;
}

std::string PluginUsage() {
  return "Usage: check_exchange_push --config FILE [--target NAME] [options]\n"
         "       check_exchange_push -O DOMAIN --certificate FILE [options]\n";
}

std::string PluginHelp() {
  std::string text =
      "check_exchange_push: checks the hybrid Exchange push notification path to\n"
      "Office 365 end to end, as Exchange's PushNotificationsEnterpriseConnectivityProbe\n"
      "does: Auth certificate, auth metadata, Bearer challenge, S2S token, publish.\n"
      "\n" +
      PluginUsage() + "\nOptions:\n";
  for (const OptionSpec& spec : kOptions) {
    std::string head = " ";
    head += spec.short_name != '\0' ? std::string(" -") + spec.short_name + "," : "    ";
    head += std::string(" --") + spec.long_name;
    if (spec.value != nullptr) head += std::string("=") + spec.value;
    text += head + "\n";
    std::string_view help = spec.help;
    while (!help.empty()) {
      auto nl = help.find('\n');
      text += "    " + std::string(help.substr(0, nl)) + "\n";
      help = nl == std::string_view::npos ? std::string_view() : help.substr(nl + 1);
    }
  }
  text +=
      "\n"
      "Options override the same settings in --config. RANGE is the Nagios range\n"
      "syntax: 10 (alert outside 0..10), 10: (below 10), ~:10 (above 10),\n"
      "10:20 (outside 10..20), @10:20 (inside 10..20).\n"
      "\n"
      "Exit status: 0 OK, 1 WARNING (a time or certificate-days threshold),\n"
      "2 CRITICAL (a network, TLS, HTTP or OAuth failure, or a threshold),\n"
      "3 UNKNOWN (bad arguments, unreadable configuration, internal error).\n";
  return text;
}

}  // namespace pushprobe::nagios

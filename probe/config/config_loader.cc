#include "probe/config/config_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <istream>
#include <iterator>
#include <map>
#include <streambuf>
#include <utility>

#include "probe/config/target_overrides.h"
#include "probe/config/target_values.h"
#include "probe/config/yaml_kind.h"
#include "probe/config/yaml_tree.h"
#include "probe/core/ascii.h"
#include "probe/core/bounded_file.h"
#include "probe/core/quote_text.h"
#include "probe/core/thumbprint.h"

namespace pushprobe {
namespace {

using config_internal::ReadDocuments;
using config_internal::ViewStream;
using config_internal::YamlErrorText;
using config_internal::YamlNode;
using config_internal::YamlTreeBuilder;

// Exchange's own PushNotificationsEnterpriseConnectivityProbe gives up after
// 360 s; a longer timeout would only hide a hang Exchange already reports as a
// failure. 10m leaves room for slow proxies and still catches "30m" typed for
// "30s".
static_assert(kMaxTimeout >= std::chrono::seconds(360));

std::string KindOf(const YamlNode& node) {
  return YamlKindName(node.Type(), SequenceWord::kSequence);
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean "x"?)" for the closest candidate within two edits, else "".
std::string Suggestion(std::string_view key, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view candidate : candidates) {
    std::size_t distance = EditDistance(key, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best.empty()) return "";
  return " (did you mean " + QuoteExcerpt(best) + "?)";
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A target name becomes a Prometheus label value, an Icinga object name and
// part of a URL: bounded so a runaway value cannot bloat every scrape.
constexpr std::size_t kMaxTargetNameBytes = 256;

bool IsTargetName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

// The first value under \p key, or null.
const YamlNode* FindValue(const YamlNode& map, std::string_view key) {
  for (const auto& entry : map.entries()) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return &entry.second;
  }
  return nullptr;
}

class Loader;

// What a key's parser sees: the key and value nodes and where to report.
struct Field {
  Loader& loader;
  const std::string& key;
  const YamlNode& key_node;
  const YamlNode& value;
};

using Setter = bool (*)(const Field&, TargetOverrides&);

struct KeySpec {
  std::string_view key;
  bool target_only;  // differs per target by nature, so not allowed in defaults
  Setter set;
};

// Where a setting of one scope (defaults or a target) was found.
struct Seen {
  YAML::Mark key_mark;
  YAML::Mark value_mark;
  std::string text;  // the value as written, for messages
  bool valid = false;
};
using SeenKeys = std::map<std::string, Seen, std::less<>>;

class Loader {
 public:
  Loader(std::string file_name, std::filesystem::path base_dir,
         const config_internal::LoaderLimits& limits)
      : file_(std::move(file_name)), base_dir_(std::move(base_dir)), limits_(limits) {}

  ConfigLoadResult Load(std::string_view yaml);

  void Error(const YAML::Mark& mark, std::string message) {
    if (mark.is_null()) return FileError(std::move(message));
    Keep({file_, mark.line + 1, mark.column + 1, std::move(message)});
  }
  void FileError(std::string message) { Keep({file_, 0, 0, std::move(message)}); }

  // The value's position, or the key's when the value is empty: yaml-cpp
  // puts an empty value at the next token, often on a later line.
  static YAML::Mark ValueMark(const Field& field) {
    if (field.value.IsNull() || field.value.Mark().is_null()) return field.key_node.Mark();
    return field.value.Mark();
  }
  void ValueError(const Field& field, std::string message) {
    Error(ValueMark(field), std::move(message));
  }

  // The value as text, or a type error naming what was expected.
  std::optional<std::string> Scalar(const Field& field, std::string_view expected) {
    if (field.value.IsScalar()) return field.value.Scalar();
    ValueError(field, QuoteExcerpt(field.key) + " must be " + std::string(expected) + ", got " +
                          KindOf(field.value));
    return std::nullopt;
  }

  std::string ResolvePath(const std::string& path) const {
    std::filesystem::path p(path);
    if (p.is_absolute()) return path;
    return (base_dir_ / p).lexically_normal().string();
  }

 private:
  void LoadRoot(const YamlNode& root, std::size_t target_items,
                const std::vector<YamlNode>* kept_targets);
  SeenKeys ApplyKeys(const YamlNode& map, bool in_defaults, const std::string& scope,
                     TargetOverrides& layer);
  void CheckTimeoutWithinInterval(const SeenKeys& own, const SeenKeys& defaults,
                                  const TargetConfig& target, const YAML::Mark& fallback);
  void CheckTlsSettings(const SeenKeys& own, const SeenKeys& defaults, const TargetConfig& target,
                        const YAML::Mark& fallback);
  void CheckTokenFlow(const SeenKeys& own, const SeenKeys& defaults, const std::string& scope,
                      const YAML::Mark& target_mark, const TargetConfig& target);
  void CheckProxyCredentials(const SeenKeys& own, bool in_defaults, const std::string& scope,
                             const YAML::Mark& fallback, TargetConfig& target);
  void LoadTarget(const YamlNode& node, std::size_t index, const YAML::Mark& list_mark,
                  const TargetConfig& base, const SeenKeys& defaults_seen);
  void LoadExporter(const YamlNode& map);

  void Keep(ConfigError error) {
    if (errors_.size() < kMaxConfigErrors) {
      errors_.push_back(std::move(error));
    } else {
      ++errors_dropped_;
    }
  }

  std::string file_;
  std::filesystem::path base_dir_;
  const config_internal::LoaderLimits& limits_;
  std::string_view yaml_;  ///< the document, read again for its targets
  std::vector<ConfigError> errors_;
  std::size_t errors_dropped_ = 0;
  Config config_;
  std::map<std::string, int> first_line_of_name_;
};

bool SetName(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  if (!IsTargetName(*text)) {
    field.loader.ValueError(field, "invalid target name " + QuoteExcerpt(*text) +
                                       ": use only letters, digits, \"_\", \".\" and \"-\"");
    return false;
  }
  if (text->size() > kMaxTargetNameBytes) {
    field.loader.ValueError(field, "target name " + QuoteExcerpt(*text) + " is too long: at most " +
                                       std::to_string(kMaxTargetNameBytes) + " bytes");
    return false;
  }
  target.name = *text;
  return true;
}

bool SetOrganization(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  auto organization = CheckOrganization(*text);
  if (!organization) {
    field.loader.ValueError(field, organization.error());
    return false;
  }
  target.organization = std::move(organization).value();
  return true;
}

// An absolute http(s) URL the probe will send requests to.
bool SetRequestUrl(const Field& field, std::optional<std::string>& out) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  auto url = CheckRequestUrl(*text);
  if (!url) {
    field.loader.ValueError(field, QuoteExcerpt(field.key) + ": " + url.error());
    return false;
  }
  out = std::move(url).value();
  return true;
}

bool SetServiceUri(const Field& field, TargetOverrides& target) {
  return SetRequestUrl(field, target.service_uri);
}

bool SetAuthMetadataUrl(const Field& field, TargetOverrides& target) {
  return SetRequestUrl(field, target.auth_metadata_url);
}

bool SetPath(const Field& field, std::optional<std::string>& out) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  if (text->empty()) {
    field.loader.ValueError(field, QuoteExcerpt(field.key) + " must not be empty");
    return false;
  }
  out = field.loader.ResolvePath(*text);
  return true;
}

bool SetCertificate(const Field& field, TargetOverrides& target) {
  return SetPath(field, target.certificate);
}

bool SetPrivateKey(const Field& field, TargetOverrides& target) {
  return SetPath(field, target.private_key);
}

bool SetPrivateKeyPasswordFile(const Field& field, TargetOverrides& target) {
  return SetPath(field, target.private_key_password_file);
}

bool SetNextCertificate(const Field& field, TargetOverrides& target) {
  return SetPath(field, target.next_certificate);
}

bool SetNextPrivateKey(const Field& field, TargetOverrides& target) {
  return SetPath(field, target.next_private_key);
}

bool SetNextPrivateKeyPasswordFile(const Field& field, TargetOverrides& target) {
  return SetPath(field, target.next_private_key_password_file);
}

bool SetNextEffectiveDate(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  Expected<WallTime> date = ParseEffectiveDate(*text);
  if (!date) {
    field.loader.ValueError(
        field, "invalid next_effective_date " + QuoteExcerpt(*text) + ": " + date.error());
    return false;
  }
  target.next_effective_date = *date;
  return true;
}

bool SetCaFile(const Field& field, TargetOverrides& target) {
  return SetPath(field, target.ca_file);
}

bool SetThumbprint(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  std::string normalized = NormalizeThumbprint(*text);
  std::string why;
  auto bad = std::find_if(normalized.begin(), normalized.end(), [](char c) { return !IsHex(c); });
  if (bad != normalized.end()) {
    why = QuoteExcerpt(std::string(1, *bad)) + " is not a hexadecimal digit";
  } else if (normalized.size() != 40) {
    why = "must be 40 hexadecimal digits (the certificate's SHA-1), got " +
          std::to_string(normalized.size());
  }
  if (!why.empty()) {
    field.loader.ValueError(field, "invalid thumbprint " + QuoteExcerpt(*text) + ": " + why);
    return false;
  }
  target.thumbprint = normalized;
  return true;
}

bool SetConnectTo(const Field& field, TargetOverrides& target) {
  if (!field.value.IsSequence()) {
    field.loader.ValueError(field, QuoteExcerpt(field.key) +
                                       " must be a list of strings like "
                                       "[\"outlook.office365.com:443:127.0.0.1:8443\"], got " +
                                       KindOf(field.value));
    return false;
  }
  std::vector<ConnectTo> rules;
  bool valid = true;
  std::size_t index = 0;
  for (const YamlNode& entry : field.value.items()) {
    YAML::Mark mark = entry.IsNull() ? field.value.Mark() : entry.Mark();
    if (!entry.IsScalar()) {
      // "host:443::" parses as a one-key map, so say how to keep it a string.
      std::string hint =
          entry.IsMap() ? " (quote entries that contain \": \" or end in \":\")" : "";
      field.loader.Error(mark, QuoteExcerpt(field.key) + " entry #" + std::to_string(index + 1) +
                                   " must be a string, got " + KindOf(entry) + hint);
      valid = false;
    } else if (auto rule = ParseConnectTo(entry.Scalar()); !rule.ok()) {
      field.loader.Error(mark, rule.error());
      valid = false;
    } else {
      rules.push_back(rule.value());
    }
    ++index;
  }
  if (valid) target.connect_to = std::move(rules);
  return valid;
}

bool SetProxy(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  // Empty is how a target turns off a proxy set in defaults. A user in the
  // URL moves to proxy_user when ApplyOverrides puts this layer on.
  auto proxy = CheckProxyUrl(*text);
  if (!proxy) {
    field.loader.ValueError(field, QuoteExcerpt(field.key) + ": " + proxy.error());
    return false;
  }
  target.proxy = std::move(proxy).value();
  return true;
}

bool SetProxyUser(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  if (auto user = CheckProxyUser(*text); !user) {
    field.loader.ValueError(field, QuoteExcerpt(field.key) + " " + user.error());
    return false;
  }
  target.proxy_user = *text;
  return true;
}

bool SetProxyPasswordFile(const Field& field, TargetOverrides& target) {
  return SetPath(field, target.proxy_password_file);
}

std::optional<Duration> ReadDuration(const Field& field) {
  auto text = field.loader.Scalar(field, "a string like \"30s\"");
  if (!text) return std::nullopt;
  auto duration = ParseDuration(*text);
  if (!duration.ok()) {
    field.loader.ValueError(field, QuoteExcerpt(field.key) + ": " + duration.error());
    return std::nullopt;
  }
  return duration.value();
}

bool SetTimeout(const Field& field, TargetOverrides& target) {
  auto duration = ReadDuration(field);
  if (!duration) return false;
  if (*duration <= Duration::zero() || *duration > kMaxTimeout) {
    field.loader.ValueError(field, "\"timeout\" must be more than 0s and at most " +
                                       FormatDuration(kMaxTimeout) + ", got " +
                                       FormatDuration(*duration));
    return false;
  }
  target.timeout = *duration;
  return true;
}

bool SetInterval(const Field& field, TargetOverrides& target) {
  auto duration = ReadDuration(field);
  if (!duration) return false;
  // Below a second the probe would hammer Microsoft's token service.
  if (*duration < kMinInterval) {
    field.loader.ValueError(field, "\"interval\" must be at least " + FormatDuration(kMinInterval) +
                                       ", got " + FormatDuration(*duration));
    return false;
  }
  target.interval = *duration;
  return true;
}

bool SetPrincipalId(const Field& field, std::optional<std::string>& out) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  if (!IsGuid(*text)) {
    field.loader.ValueError(field, "invalid " + field.key + " " + QuoteExcerpt(*text) +
                                       ": must be a GUID like \"" + kExchangePrincipalId + "\"");
    return false;
  }
  out = *text;
  return true;
}

bool SetServiceName(const Field& field, TargetOverrides& target) {
  return SetPrincipalId(field, target.service_name);
}

bool SetTokenIssuer(const Field& field, TargetOverrides& target) {
  return SetPrincipalId(field, target.token_issuer);
}

bool SetTokenFlow(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  for (TokenFlow flow : {TokenFlow::kAcs, TokenFlow::kIdentityPlatform}) {
    if (*text == TokenFlowName(flow)) {
      target.token_flow = flow;
      return true;
    }
  }
  field.loader.ValueError(field, "invalid token_flow " + QuoteExcerpt(*text) +
                                     ": must be \"acs\" (ACS S2S) or \"identity-platform\" "
                                     "(Microsoft identity platform v2)");
  return false;
}

bool SetTlsMaxVersion(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  // YAML reads 1.2 unquoted as a number; its text is the same.
  if (std::optional<TlsVersion> version = ParseTlsVersion(*text)) {
    target.tls_max_version = *version;
    return true;
  }
  field.loader.ValueError(field, "invalid tls_max_version " + QuoteExcerpt(*text) +
                                     ": must be \"1.2\" (as Exchange Server negotiates) or "
                                     "\"1.3\"; TLS 1.2 is always the lowest");
  return false;
}

bool SetTlsProfile(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  if (std::optional<TlsProfile> profile = TlsProfileFromName(*text)) {
    target.tls_profile = *profile;
    return true;
  }
  std::string names;
  for (TlsProfile p : kAllTlsProfiles) {
    names += (names.empty() ? "" : ", ") + std::string(TlsProfileName(p));
  }
  field.loader.ValueError(field, "invalid tls_profile " + QuoteExcerpt(*text) +
                                     ": must be one of " + names + " (docs/tls-profiles.md)");
  return false;
}

// IANA names as Get-TlsCipherSuite prints them; each checked where it is
// written, so a typo is found at load, not in a failed handshake.
bool SetTlsCiphers(const Field& field, TargetOverrides& target) {
  if (!field.value.IsSequence()) {
    field.loader.ValueError(field, QuoteExcerpt(field.key) +
                                       " must be a list of cipher suite names like "
                                       "[\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\"], got " +
                                       KindOf(field.value));
    return false;
  }
  std::vector<std::string> names;
  bool valid = true;
  std::size_t index = 0;
  for (const YamlNode& entry : field.value.items()) {
    const YAML::Mark mark = entry.IsNull() ? field.value.Mark() : entry.Mark();
    ++index;
    if (!entry.IsScalar()) {
      field.loader.Error(mark, QuoteExcerpt(field.key) + " entry #" + std::to_string(index) +
                                   " must be a string, got " + KindOf(entry));
      valid = false;
    } else if (FindSchannelCipherSuite(entry.Scalar()) == nullptr) {
      field.loader.Error(mark, "unknown cipher suite " + QuoteExcerpt(entry.Scalar()) + " in " +
                                   QuoteExcerpt(field.key) +
                                   ": use the IANA names Get-TlsCipherSuite prints, like "
                                   "\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\"");
      valid = false;
    } else {
      names.push_back(entry.Scalar());
    }
  }
  if (valid && names.empty()) {
    field.loader.ValueError(field, QuoteExcerpt(field.key) +
                                       " is empty; leave it out to offer the tls_profile's "
                                       "cipher suites");
    valid = false;
  }
  if (valid) target.tls_ciphers = std::move(names);
  return valid;
}

bool SetConcurrency(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  for (Concurrency concurrency : {Concurrency::kConcurrent, Concurrency::kSequential}) {
    if (*text == ConcurrencyName(concurrency)) {
      target.concurrency = concurrency;
      return true;
    }
  }
  field.loader.ValueError(field, "invalid concurrency " + QuoteExcerpt(*text) +
                                     ": must be \"concurrent\" (the challenge beside the metadata "
                                     "request, the publish connection opened early) or "
                                     "\"sequential\" (one request after another)");
  return false;
}

bool SetApplicationId(const Field& field, TargetOverrides& target) {
  return SetPrincipalId(field, target.application_id);
}

bool SetTenant(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  if (!IsGuid(*text) && !IsDomainName(*text)) {
    field.loader.ValueError(field, "invalid tenant " + QuoteExcerpt(*text) +
                                       ": must be the tenant's domain name, like "
                                       "\"fabrikam.com\", or its id (a GUID)");
    return false;
  }
  // Both forms are case-insensitive; one spelling keeps the URLs stable.
  target.tenant = ToLowerAscii(*text);
  return true;
}

bool SetTokenUrl(const Field& field, TargetOverrides& target) {
  return SetRequestUrl(field, target.token_url);
}

bool SetScope(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a string");
  if (!text) return false;
  // The client credentials grant takes exactly one "<resource>/.default"
  // (AADSTS1002012 otherwise), so anything else is a mistake caught early.
  constexpr std::string_view kDefaultSuffix = "/.default";
  std::string why;
  if (text->find_first_of(" \t") != std::string::npos) {
    why = "must be one scope, without spaces";
  } else if (text->size() <= kDefaultSuffix.size() ||
             text->compare(text->size() - kDefaultSuffix.size(), kDefaultSuffix.size(),
                           kDefaultSuffix) != 0) {
    why = "the client credentials flow needs a resource's \"/.default\" scope, like \"" +
          std::string(kDefaultScope) + "\"";
  }
  if (!why.empty()) {
    field.loader.ValueError(field, "invalid scope " + QuoteExcerpt(*text) + ": " + why);
    return false;
  }
  target.scope = *text;
  return true;
}

bool SetMaxResponseBytes(const Field& field, TargetOverrides& target) {
  auto text = field.loader.Scalar(field, "a whole number of bytes");
  if (!text) return false;
  bool digits = !text->empty() && std::all_of(text->begin(), text->end(),
                                              [](char c) { return c >= '0' && c <= '9'; });
  // Saturate instead of overflowing: anything past the limit is simply too big.
  std::size_t value = 0;
  for (char c : *text) {
    if (!digits || value > kMaxMaxResponseBytes) break;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  if (!digits) {
    field.loader.ValueError(field, "\"max_response_bytes\" must be a whole number of bytes, got " +
                                       QuoteExcerpt(*text));
    return false;
  }
  if (value < kMinMaxResponseBytes || value > kMaxMaxResponseBytes) {
    field.loader.ValueError(
        field, "\"max_response_bytes\" must be between " + std::to_string(kMinMaxResponseBytes) +
                   " and " + std::to_string(kMaxMaxResponseBytes) + " (64 MiB), got " + *text);
    return false;
  }
  target.max_response_bytes = value;
  return true;
}

// The one list of target keys: parsing, "unknown key" suggestions and the
// defaults rule all come from here. Order follows TargetConfig.
const std::array<KeySpec, 31> kTargetKeys = {{
    {"name", true, SetName},
    {"organization", true, SetOrganization},
    {"service_uri", false, SetServiceUri},
    {"auth_metadata_url", true, SetAuthMetadataUrl},
    {"certificate", false, SetCertificate},
    {"private_key", false, SetPrivateKey},
    {"private_key_password_file", false, SetPrivateKeyPasswordFile},
    {"thumbprint", false, SetThumbprint},
    {"next_certificate", false, SetNextCertificate},
    {"next_private_key", false, SetNextPrivateKey},
    {"next_private_key_password_file", false, SetNextPrivateKeyPasswordFile},
    {"next_effective_date", false, SetNextEffectiveDate},
    {"ca_file", false, SetCaFile},
    {"connect_to", false, SetConnectTo},
    {"proxy", false, SetProxy},
    {"proxy_user", false, SetProxyUser},
    {"proxy_password_file", false, SetProxyPasswordFile},
    {"tls_max_version", false, SetTlsMaxVersion},
    {"tls_profile", false, SetTlsProfile},
    {"tls_ciphers", false, SetTlsCiphers},
    {"timeout", false, SetTimeout},
    {"interval", false, SetInterval},
    {"service_name", false, SetServiceName},
    {"token_issuer", false, SetTokenIssuer},
    {"max_response_bytes", false, SetMaxResponseBytes},
    {"token_flow", false, SetTokenFlow},
    {"application_id", false, SetApplicationId},
    {"tenant", true, SetTenant},
    {"token_url", true, SetTokenUrl},
    {"scope", false, SetScope},
    {"concurrency", false, SetConcurrency},
}};

// The keys only the identity platform flow uses.
constexpr std::array<std::string_view, 4> kIdentityPlatformKeys = {"application_id", "tenant",
                                                                   "token_url", "scope"};

constexpr std::array<std::string_view, 3> kTopLevelKeys = {"defaults", "targets", "exporter"};

// The exporter's own settings. Unknown keys are errors here as everywhere:
// a misspelt "shrad" silently ignored would make two replicas schedule
// everything twice.
constexpr std::array<std::string_view, 1> kExporterKeys = {"shard"};

SeenKeys Loader::ApplyKeys(const YamlNode& map, bool in_defaults, const std::string& scope,
                           TargetOverrides& layer) {
  SeenKeys seen;
  std::vector<std::string_view> candidates;
  for (const KeySpec& spec : kTargetKeys) {
    if (!(in_defaults && spec.target_only)) candidates.push_back(spec.key);
  }
  for (const auto& entry : map.entries()) {
    const YamlNode& key_node = entry.first;
    const YamlNode& value = entry.second;
    if (!key_node.IsScalar()) {
      Error(key_node.Mark(), "keys must be strings, got " + KindOf(key_node) + " in " + scope);
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (auto first = seen.find(key); first != seen.end()) {
      Error(key_node.Mark(), "duplicate key " + QuoteExcerpt(key) + " in " + scope +
                                 " (first at line " +
                                 std::to_string(first->second.key_mark.line + 1) + ")");
      continue;
    }
    auto spec = std::find_if(kTargetKeys.begin(), kTargetKeys.end(),
                             [&](const KeySpec& s) { return s.key == key; });
    if (spec == kTargetKeys.end()) {
      Error(key_node.Mark(),
            "unknown key " + QuoteExcerpt(key) + " in " + scope + Suggestion(key, candidates));
      continue;
    }
    if (in_defaults && spec->target_only) {
      Error(key_node.Mark(),
            QuoteExcerpt(key) + " cannot be set in defaults; set it in each target");
      continue;
    }
    Field field{*this, key, key_node, value};
    Seen& record = seen[key];
    record.key_mark = key_node.Mark();
    record.value_mark = ValueMark(field);
    if (value.IsScalar()) record.text = value.Scalar();
    record.valid = spec->set(field, layer);
  }
  return seen;
}

// timeout <= interval, checked once where the conflict is written: in defaults
// when both come from there (or from the built-in values), else in the target
// that sets one of them. So one bad defaults line gives one error, not one
// per target.
void Loader::CheckTimeoutWithinInterval(const SeenKeys& own, const SeenKeys& defaults,
                                        const TargetConfig& target, const YAML::Mark& fallback) {
  auto timeout = own.find("timeout");
  auto interval = own.find("interval");
  if (timeout == own.end() && interval == own.end()) return;
  auto valid = [&](const SeenKeys::const_iterator& it, std::string_view key) {
    if (it != own.end()) return it->second.valid;
    auto inherited = defaults.find(key);
    return inherited == defaults.end() || inherited->second.valid;
  };
  if (!valid(timeout, "timeout") || !valid(interval, "interval")) return;
  if (target.timeout <= target.interval) return;
  // Echo what the user wrote ("90s", not "1m30s"), wherever it came from.
  auto written = [&](const SeenKeys::const_iterator& it, std::string_view key, Duration value) {
    if (it != own.end()) return it->second.text;
    auto inherited = defaults.find(key);
    return inherited != defaults.end() ? inherited->second.text : FormatDuration(value);
  };
  YAML::Mark mark = timeout != own.end()    ? timeout->second.value_mark
                    : interval != own.end() ? interval->second.value_mark
                                            : fallback;
  Error(mark, "timeout " + written(timeout, "timeout", target.timeout) +
                  " is longer than interval " + written(interval, "interval", target.interval));
}

// tls_profile, tls_max_version and tls_ciphers together, reported at the
// first of them the target (else its defaults) sets; skipped when one of
// them is already reported invalid.
void Loader::CheckTlsSettings(const SeenKeys& own, const SeenKeys& defaults,
                              const TargetConfig& target, const YAML::Mark& fallback) {
  constexpr std::string_view kKeys[] = {"tls_profile", "tls_max_version", "tls_ciphers"};
  for (std::string_view key : kKeys) {
    const SeenKeys& from = own.count(key) > 0 ? own : defaults;
    if (auto it = from.find(key); it != from.end() && !it->second.valid) return;
  }
  Expected<void> settings = pushprobe::CheckTlsSettings(target);
  if (settings) return;
  for (const SeenKeys* keys : {&own, &defaults}) {
    for (std::string_view key : kKeys) {
      if (auto it = keys->find(key); it != keys->end()) {
        Error(it->second.value_mark, settings.error());
        return;
      }
    }
  }
  Error(fallback, settings.error());
}

// Proxy credentials come as a pair (a user, from proxy_user or the proxy URL,
// and proxy_password_file) and only with a proxy; the user is given once per
// scope. A target that turns off the proxy of defaults drops its credentials.
void Loader::CheckProxyCredentials(const SeenKeys& own, bool in_defaults, const std::string& scope,
                                   const YAML::Mark& fallback, TargetConfig& target) {
  auto proxy = own.find("proxy");
  auto user = own.find("proxy_user");
  auto file = own.find("proxy_password_file");
  for (auto it : {proxy, user, file}) {
    if (it != own.end() && !it->second.valid) return;
  }
  if (proxy != own.end() && user != own.end()) {
    Expected<ProxyValue> value = ParseProxy(proxy->second.text);
    if (value && !value->user.empty()) {
      Error(user->second.key_mark, "the proxy user is given twice in " + scope +
                                       " (in the \"proxy\" URL and in \"proxy_user\"); keep one");
      return;
    }
  }
  if (in_defaults) return;  // targets may complete or override the pair
  if (target.proxy.empty()) {
    for (auto it : {user, file}) {
      if (it != own.end()) {
        Error(it->second.key_mark,
              QuoteExcerpt(it->first) + " is set but " + scope + " has no proxy");
      }
    }
    target.proxy_user.clear();
    target.proxy_password_file.clear();
    return;
  }
  const YAML::Mark& mark = file != own.end()    ? file->second.key_mark
                           : user != own.end()  ? user->second.key_mark
                           : proxy != own.end() ? proxy->second.key_mark
                                                : fallback;
  if (auto credentials = pushprobe::CheckProxyCredentials(target); !credentials) {
    Error(mark, scope + ": " + credentials.error());
  }
}

// The flow's required keys and keys set for the other flow (ApplyOverrides
// derived the values that depend on the target: tenant, token URL, metadata URL).
void Loader::CheckTokenFlow(const SeenKeys& own, const SeenKeys& defaults, const std::string& scope,
                            const YAML::Mark& target_mark, const TargetConfig& target) {
  auto flow_valid = [&](const SeenKeys& keys) {
    auto it = keys.find("token_flow");
    return it == keys.end() || it->second.valid;
  };
  bool flow_from_own = own.count("token_flow") > 0;
  if (!(flow_from_own ? flow_valid(own) : flow_valid(defaults))) return;

  if (target.token_flow == TokenFlow::kAcs) {
    // Defaults may serve v2 targets too, so only the target's own keys count.
    for (std::string_view key : kIdentityPlatformKeys) {
      if (auto it = own.find(key); it != own.end()) {
        Error(it->second.key_mark, QuoteExcerpt(key) +
                                       " is used only with token_flow identity-platform; set "
                                       "\"token_flow: identity-platform\" in " +
                                       scope + " or remove it");
      }
    }
    return;
  }
  if (own.count("application_id") == 0 && defaults.count("application_id") == 0) {
    Error(target_mark, "missing required key \"application_id\" in " + scope +
                           " (token_flow identity-platform needs the application (client) id)");
  }
}

void Loader::LoadTarget(const YamlNode& node, std::size_t index, const YAML::Mark& list_mark,
                        const TargetConfig& base, const SeenKeys& defaults_seen) {
  std::string number = "#" + std::to_string(index + 1);
  if (!node.IsMap()) {
    // An empty entry's own mark is the next token's, so point at the list.
    Error(node.IsNull() ? list_mark : node.Mark(),
          "target " + number + " must be a map, got " + KindOf(node));
    return;
  }
  std::string scope = "target " + number;
  if (auto name = FindValue(node, "name"); name && name->IsScalar() && !name->Scalar().empty()) {
    scope = "target " + QuoteExcerpt(name->Scalar());
  }
  TargetOverrides own;
  SeenKeys seen = ApplyKeys(node, false, scope, own);
  TargetConfig target = base;
  ApplyOverrides(target, own);

  auto require = [&](std::string_view key, bool may_inherit) {
    if (seen.count(key) > 0 || (may_inherit && defaults_seen.count(key) > 0)) return;
    Error(node.Mark(), "missing required key " + QuoteExcerpt(key) + " in " + scope);
  };
  require("name", false);
  require("organization", false);
  require("certificate", true);

  if (auto name = seen.find("name"); name != seen.end() && name->second.valid) {
    auto [first, inserted] = first_line_of_name_.emplace(target.name, name->second.value_mark.line);
    if (!inserted) {
      Error(name->second.value_mark, "duplicate target name " + QuoteExcerpt(target.name) +
                                         " (first defined at line " +
                                         std::to_string(first->second + 1) + ")");
    }
  }
  CheckTokenFlow(seen, defaults_seen, scope, node.Mark(), target);
  // The other next_* keys describe the next certificate: alone they would be
  // silently unused.
  if (seen.count("next_certificate") == 0 && defaults_seen.count("next_certificate") == 0) {
    for (std::string_view key :
         {"next_private_key", "next_private_key_password_file", "next_effective_date"}) {
      if (auto it = seen.find(key); it != seen.end()) {
        Error(it->second.key_mark, QuoteExcerpt(key) + " needs \"next_certificate\" in " + scope);
      }
    }
  }
  CheckProxyCredentials(seen, false, scope, node.Mark(), target);
  CheckTimeoutWithinInterval(seen, defaults_seen, target, node.Mark());
  CheckTlsSettings(seen, defaults_seen, target, node.Mark());
  config_.targets.push_back(std::move(target));
}

void Loader::LoadExporter(const YamlNode& map) {
  std::map<std::string, YAML::Mark, std::less<>> seen;
  for (const auto& entry : map.entries()) {
    const YamlNode& key_node = entry.first;
    if (!key_node.IsScalar()) {
      Error(key_node.Mark(), "keys must be strings, got " + KindOf(key_node) + " in exporter");
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (auto first = seen.find(key); first != seen.end()) {
      Error(key_node.Mark(), "duplicate key " + QuoteExcerpt(key) + " in exporter (first at line " +
                                 std::to_string(first->second.line + 1) + ")");
      continue;
    }
    seen.emplace(key, key_node.Mark());
    if (std::find(kExporterKeys.begin(), kExporterKeys.end(), key) == kExporterKeys.end()) {
      std::vector<std::string_view> candidates(kExporterKeys.begin(), kExporterKeys.end());
      Error(key_node.Mark(),
            "unknown key " + QuoteExcerpt(key) + " in exporter" + Suggestion(key, candidates));
      continue;
    }
    Field field{*this, key, key_node, entry.second};
    auto text = Scalar(field, "a string such as \"0/2\"");
    if (!text) continue;
    Expected<Shard> shard = ParseShard(*text);
    if (!shard) {
      ValueError(field, "invalid shard " + QuoteExcerpt(*text) + ": " + shard.error());
      continue;
    }
    config_.exporter.shard = *shard;
  }
}

void Loader::LoadRoot(const YamlNode& root, std::size_t target_items,
                      const std::vector<YamlNode>* kept_targets) {
  if (root.IsNull()) {
    FileError("the file is empty; expected a map with a \"targets\" list");
    return;
  }
  if (!root.IsMap()) {
    Error(root.Mark(), "the top level must be a map with a \"targets\" list, got " + KindOf(root));
    return;
  }
  struct TopLevelEntry {
    YAML::Mark key_mark;
    const YamlNode& value;
  };
  std::map<std::string, TopLevelEntry, std::less<>> top;
  for (const auto& entry : root.entries()) {
    const YamlNode& key_node = entry.first;
    if (!key_node.IsScalar()) {
      Error(key_node.Mark(), "keys must be strings, got " + KindOf(key_node) + " at top level");
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (auto first = top.find(key); first != top.end()) {
      Error(key_node.Mark(), "duplicate top-level key " + QuoteExcerpt(key) + " (first at line " +
                                 std::to_string(first->second.key_mark.line + 1) + ")");
      continue;
    }
    if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) == kTopLevelKeys.end()) {
      std::vector<std::string_view> candidates(kTopLevelKeys.begin(), kTopLevelKeys.end());
      Error(key_node.Mark(),
            "unknown top-level key " + QuoteExcerpt(key) + Suggestion(key, candidates));
      continue;
    }
    top.emplace(key, TopLevelEntry{key_node.Mark(), entry.second});
  }

  TargetConfig base;
  SeenKeys defaults_seen;
  // An empty `defaults:` (every line commented out) is as good as none.
  if (auto it = top.find("defaults"); it != top.end() && it->second.value.IsMap()) {
    TargetOverrides defaults;
    defaults_seen = ApplyKeys(it->second.value, true, "defaults", defaults);
    ApplyOverrides(base, defaults);
    CheckProxyCredentials(defaults_seen, true, "defaults", it->second.key_mark, base);
    CheckTimeoutWithinInterval(defaults_seen, {}, base, it->second.key_mark);
  } else if (it != top.end() && !it->second.value.IsNull()) {
    Error(it->second.value.Mark(), "\"defaults\" must be a map, got " + KindOf(it->second.value));
  }

  if (auto it = top.find("exporter"); it != top.end() && it->second.value.IsMap()) {
    LoadExporter(it->second.value);
  } else if (it != top.end() && !it->second.value.IsNull()) {
    Error(it->second.value.Mark(), "\"exporter\" must be a map, got " + KindOf(it->second.value));
  }

  auto targets_entry = top.find("targets");
  if (targets_entry == top.end()) {
    FileError("missing required key \"targets\"");
    return;
  }
  const YamlNode& targets = targets_entry->second.value;
  if (targets.IsNull() || (targets.IsSequence() && target_items == 0)) {
    YAML::Mark mark = targets.IsNull() ? targets_entry->second.key_mark : targets.Mark();
    Error(mark, "\"targets\" is empty; define at least one target");
    return;
  }
  if (!targets.IsSequence()) {
    Error(targets.Mark(), "\"targets\" must be a list of targets, got " + KindOf(targets));
    return;
  }
  if (target_items > kMaxConfigTargets) {
    Error(targets.Mark(), "too many targets: " + std::to_string(target_items) + "; at most " +
                              std::to_string(kMaxConfigTargets) + " are loaded");
    return;
  }
  // Only now, with the defaults known wherever the file puts them.
  std::size_t index = 0;
  auto load = [&](const YamlNode& target) {
    LoadTarget(target, index++, targets.Mark(), base, defaults_seen);
  };
  if (kept_targets != nullptr) {
    for (const YamlNode& target : *kept_targets) load(target);
    return;
  }
  // Too many to keep: the document again, this time each target loaded as
  // soon as the parser has read it and then dropped, so the memory held is
  // the targets' configurations, not their YAML.
  ViewStream input(yaml_);
  YAML::Parser parser(input);
  YamlTreeBuilder stream(limits_.max_nodes, load);
  if (limits_.on_parse) limits_.on_parse();
  parser.HandleNextDocument(stream);
}

ConfigLoadResult Loader::Load(std::string_view yaml) {
  config_.path = file_;
  yaml_ = yaml;
  try {
    // The first document without its targets, and the targets counted (and
    // kept when they are few).
    YamlTreeBuilder tree(limits_.max_nodes, nullptr, limits_.max_kept_target_nodes);
    if (limits_.on_parse) limits_.on_parse();
    ReadDocuments(yaml, tree);
    LoadRoot(tree.root(), tree.target_items(), tree.kept_items());
    const auto& documents = tree.documents();
    if (documents.size() > 1) {
      Error(documents[1].first_node.value_or(documents[1].start),
            "only one YAML document is allowed; found a second one");
    }
  } catch (const config_internal::YamlTooLarge& e) {
    FileError(std::string("too large: ") + e.what());
  } catch (const YAML::Exception& e) {
    // ParserException for syntax errors; anything else from yaml-cpp (such as
    // its nesting limit) is reported the same way rather than thrown.
    Error(e.mark, YamlErrorText(e));
  }
  std::stable_sort(errors_.begin(), errors_.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (errors_dropped_ > 0) {
    errors_.push_back(
        {file_, 0, 0, "and " + std::to_string(errors_dropped_) + " more errors not shown"});
  }
  ConfigLoadResult result;
  result.errors = std::move(errors_);
  if (result.errors.empty()) result.config = std::move(config_);
  return result;
}

}  // namespace

std::string ConfigError::ToString() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string ConfigLoadResult::ErrorText() const {
  std::string text;
  for (const ConfigError& error : errors) text += error.ToString() + "\n";
  return text;
}

ConfigLoadResult LoadConfigString(std::string_view yaml, const std::string& file_name) {
  return config_internal::LoadConfigString(yaml, file_name, {});
}

ConfigLoadResult config_internal::LoadConfigString(std::string_view yaml,
                                                   const std::string& file_name,
                                                   const LoaderLimits& limits) {
  return Loader(file_name, std::filesystem::path(file_name).parent_path(), limits).Load(yaml);
}

ConfigLoadResult LoadConfigFile(const std::string& path, const Deadline* deadline) {
  auto fail = [&](const std::string& message) {
    ConfigLoadResult result;
    result.errors.push_back({path, 0, 0, message});
    return result;
  };
  Expected<std::string> contents = ReadBoundedFile(path, kMaxConfigFileBytes, deadline);
  if (!contents.ok()) return fail("cannot read config file: " + contents.error());
  // Resolve against the absolute directory so paths stay right even if the
  // process changes its working directory later.
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  std::filesystem::path base_dir =
      ec ? std::filesystem::path(path).parent_path() : absolute.lexically_normal().parent_path();
  const config_internal::LoaderLimits limits;
  return Loader(path, base_dir, limits).Load(contents.value());
}

}  // namespace pushprobe

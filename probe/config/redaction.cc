#include "probe/config/redaction.h"

#include <yaml-cpp/yaml.h>

#include <ctime>

#include "probe/config/connect_to.h"
#include "probe/config/duration.h"
#include "probe/config/target_values.h"
#include "probe/core/redact.h"
#include "probe/core/url.h"

namespace pushprobe {
namespace {

// A path to a secret tells an attacker where to look, so even the name goes.
std::string Secret(const std::string& value) {
  return value.empty() ? value : std::string(kRedactedText);
}

// As the loader reads it back: RFC 3339 in UTC; empty when not set.
std::string EffectiveDate(const std::optional<WallTime>& date) {
  if (!date) return "";
  const std::time_t t = std::chrono::system_clock::to_time_t(*date);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string RedactedYaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
  for (const TargetConfig& t : config.targets) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << t.name;
    out << YAML::Key << "organization" << YAML::Value << t.organization;
    out << YAML::Key << "service_uri" << YAML::Value << RedactUrlUserinfo(t.service_uri);
    out << YAML::Key << "auth_metadata_url" << YAML::Value << RedactUrlUserinfo(AuthMetadataUrl(t));
    out << YAML::Key << "certificate" << YAML::Value << Secret(t.certificate);
    out << YAML::Key << "private_key" << YAML::Value << Secret(t.private_key);
    out << YAML::Key << "private_key_password_file" << YAML::Value
        << Secret(t.private_key_password_file);
    out << YAML::Key << "thumbprint" << YAML::Value << t.thumbprint;
    out << YAML::Key << "next_certificate" << YAML::Value << Secret(t.next_certificate);
    out << YAML::Key << "next_private_key" << YAML::Value << Secret(t.next_private_key);
    out << YAML::Key << "next_private_key_password_file" << YAML::Value
        << Secret(t.next_private_key_password_file);
    out << YAML::Key << "next_effective_date" << YAML::Value
        << EffectiveDate(t.next_effective_date);
    out << YAML::Key << "ca_file" << YAML::Value << t.ca_file;
    out << YAML::Key << "connect_to" << YAML::Value;
    // Flow style only when empty, to print "[]" on the key's line.
    if (t.connect_to.empty()) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const ConnectTo& rule : t.connect_to) out << FormatConnectTo(rule);
    out << YAML::EndSeq;
    out << YAML::Key << "proxy" << YAML::Value << RedactUrlUserinfo(t.proxy);
    // A user name is no secret (the proxy's own logs show it); where the
    // password is kept is.
    out << YAML::Key << "proxy_user" << YAML::Value << t.proxy_user;
    out << YAML::Key << "proxy_password_file" << YAML::Value << Secret(t.proxy_password_file);
    out << YAML::Key << "tls_max_version" << YAML::Value << YAML::DoubleQuoted
        << std::string(TlsVersionName(t.tls_max_version));
    // The profile in force, also when it is the default one.
    out << YAML::Key << "tls_profile" << YAML::Value
        << std::string(TlsProfileName(ResolvedTlsProfile(t)));
    out << YAML::Key << "tls_ciphers" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& name : t.tls_ciphers) out << name;
    out << YAML::EndSeq;
    out << YAML::Key << "timeout" << YAML::Value << FormatDuration(t.timeout);
    out << YAML::Key << "interval" << YAML::Value << FormatDuration(t.interval);
    out << YAML::Key << "service_name" << YAML::Value << t.service_name;
    out << YAML::Key << "token_issuer" << YAML::Value << t.token_issuer;
    out << YAML::Key << "max_response_bytes" << YAML::Value << t.max_response_bytes;
    out << YAML::Key << "token_flow" << YAML::Value << std::string(TokenFlowName(t.token_flow));
    out << YAML::Key << "application_id" << YAML::Value << t.application_id;
    out << YAML::Key << "tenant" << YAML::Value << t.tenant;
    out << YAML::Key << "token_url" << YAML::Value << RedactUrlUserinfo(t.token_url);
    out << YAML::Key << "scope" << YAML::Value << t.scope;
    out << YAML::Key << "concurrency" << YAML::Value << std::string(ConcurrencyName(t.concurrency));
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace pushprobe

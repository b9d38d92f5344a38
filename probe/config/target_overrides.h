#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/clock.h"
#include "probe/core/target_config.h"

namespace pushprobe {

/// \brief Settings one layer sets over another: a target's keys over the
/// configuration's `defaults:`, or the plugin's options over a target. Each
/// value is already checked (target_values.h) and normalised; each one set
/// replaces the base's.
struct TargetOverrides {
  std::optional<std::string> name;
  std::optional<std::string> organization;
  std::optional<std::string> service_uri;
  std::optional<std::string> auth_metadata_url;
  std::optional<std::string> certificate;
  std::optional<std::string> private_key;
  std::optional<std::string> private_key_password_file;
  std::optional<std::string> thumbprint;
  std::optional<std::string> next_certificate;  ///< turns on the rollover step
  std::optional<std::string> next_private_key;
  std::optional<std::string> next_private_key_password_file;
  std::optional<WallTime> next_effective_date;
  std::optional<std::string> ca_file;
  std::optional<std::vector<ConnectTo>> connect_to;
  std::optional<std::string> proxy;  ///< checked; a user in it (http://USER@host:port) is split off
  std::optional<std::string> proxy_user;
  std::optional<std::string> proxy_password_file;
  std::optional<TlsVersion> tls_max_version;
  std::optional<TlsProfile> tls_profile;
  std::optional<std::vector<std::string>> tls_ciphers;
  std::optional<Duration> timeout;
  std::optional<Duration> interval;
  std::optional<std::string> service_name;
  std::optional<std::string> token_issuer;
  std::optional<std::size_t> max_response_bytes;
  std::optional<TokenFlow> token_flow;
  std::optional<std::string> application_id;
  std::optional<std::string> tenant;
  std::optional<std::string> token_url;
  std::optional<std::string> scope;
  std::optional<Concurrency> concurrency;
};

/// \brief The one way a layer of settings is put over a target: each value
/// \p overrides sets replaces \p target's, then the values a target derives
/// from others follow their inputs unless set on purpose (by \p overrides,
/// or in \p target already, i.e. different from what they would be derived
/// as): the auth metadata URL (ACS metadata for the organization, or the
/// tenant's OpenID configuration), and for token_flow identity-platform the
/// tenant (the organization) and the token URL (from the tenant); with acs
/// the derived tenant and token URL are empty. A proxy URL naming a user
/// sets proxy_user (unless \p overrides sets it too) and the URL is kept
/// without it.
void ApplyOverrides(TargetConfig& target, const TargetOverrides& overrides);

}  // namespace pushprobe

#include "probe/config/target_overrides.h"

#include "probe/config/target_values.h"

namespace pushprobe {
namespace {

template <typename Field, typename T>
void Override(Field& field, const std::optional<T>& value) {
  if (value) field = *value;
}

}  // namespace

void ApplyOverrides(TargetConfig& target, const TargetOverrides& o) {
  // Which derived values the base set on purpose, judged before its inputs change.
  const bool own_metadata_url =
      o.auth_metadata_url || (!target.auth_metadata_url.empty() &&
                              target.auth_metadata_url != DefaultAuthMetadataUrl(target));
  const bool own_tenant =
      o.tenant || (!target.tenant.empty() && target.tenant != target.organization);
  const bool own_token_url =
      o.token_url || (!target.token_url.empty() && target.token_url != DefaultTokenUrl(target));

  Override(target.name, o.name);
  Override(target.organization, o.organization);
  Override(target.service_uri, o.service_uri);
  Override(target.auth_metadata_url, o.auth_metadata_url);
  Override(target.certificate, o.certificate);
  Override(target.private_key, o.private_key);
  Override(target.private_key_password_file, o.private_key_password_file);
  Override(target.thumbprint, o.thumbprint);
  Override(target.next_certificate, o.next_certificate);
  Override(target.next_private_key, o.next_private_key);
  Override(target.next_private_key_password_file, o.next_private_key_password_file);
  if (o.next_effective_date) target.next_effective_date = o.next_effective_date;
  Override(target.ca_file, o.ca_file);
  Override(target.connect_to, o.connect_to);
  if (o.proxy) {
    // Checked when it was read (CheckProxyUrl); the URL the client dials
    // leaves the user out.
    Expected<ProxyValue> proxy = ParseProxy(*o.proxy);
    target.proxy = proxy ? proxy->url : *o.proxy;
    if (proxy && !proxy->user.empty()) target.proxy_user = proxy->user;
  }
  Override(target.proxy_user, o.proxy_user);
  Override(target.proxy_password_file, o.proxy_password_file);
  Override(target.tls_max_version, o.tls_max_version);
  if (o.tls_profile) target.tls_profile = o.tls_profile;
  Override(target.tls_ciphers, o.tls_ciphers);
  Override(target.timeout, o.timeout);
  Override(target.interval, o.interval);
  Override(target.service_name, o.service_name);
  Override(target.token_issuer, o.token_issuer);
  Override(target.max_response_bytes, o.max_response_bytes);
  Override(target.token_flow, o.token_flow);
  Override(target.application_id, o.application_id);
  Override(target.tenant, o.tenant);
  Override(target.token_url, o.token_url);
  Override(target.scope, o.scope);
  Override(target.concurrency, o.concurrency);

  const bool identity_platform = target.token_flow == TokenFlow::kIdentityPlatform;
  if (!own_tenant) target.tenant = identity_platform ? target.organization : "";
  if (!own_token_url) target.token_url = identity_platform ? DefaultTokenUrl(target) : "";
  // The default is not stored (AuthMetadataUrl derives it), nor is a URL
  // written out that equals it: such a URL follows the organization as the
  // default does, and two such targets compare equal.
  if (!own_metadata_url || target.auth_metadata_url == DefaultAuthMetadataUrl(target)) {
    target.auth_metadata_url.clear();
  }
}

}  // namespace pushprobe

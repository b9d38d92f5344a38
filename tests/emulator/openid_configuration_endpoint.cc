#include "tests/emulator/openid_configuration_endpoint.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "tests/emulator/acs_error.h"
#include "tests/emulator/constants.h"

namespace pushprobe::emulator {
namespace {

// The tenant segment of "/<tenant><suffix>", or "" when the path has another shape.
std::string TenantOf(const std::string& path, std::string_view suffix) {
  if (path.size() <= suffix.size() + 1 || path[0] != '/' ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return "";
  }
  std::string tenant = path.substr(1, path.size() - 1 - suffix.size());
  return tenant.find('/') == std::string::npos ? tenant : "";
}

Poco::JSON::Array::Ptr Strings(std::initializer_list<const char*> items) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const char* item : items) array->add(std::string(item));
  return array;
}

}  // namespace

OpenIdConfigurationEndpoint::OpenIdConfigurationEndpoint(const ServiceIdentity& identity)
    : identity_(identity) {
  const std::string base = "https://" + std::string(kLoginHost) + "/" + identity.tenant;
  Poco::JSON::Object doc(Poco::JSON_PRESERVE_KEY_ORDER);
  doc.set("token_endpoint", identity.V2TokenEndpointUrl());
  doc.set("token_endpoint_auth_methods_supported",
          Strings({"client_secret_post", "private_key_jwt", "client_secret_basic"}));
  doc.set("jwks_uri", base + "/discovery/v2.0/keys");
  doc.set("response_modes_supported", Strings({"query", "fragment", "form_post"}));
  doc.set("subject_types_supported", Strings({"pairwise"}));
  doc.set("id_token_signing_alg_values_supported", Strings({"RS256"}));
  doc.set("response_types_supported",
          Strings({"code", "id_token", "code id_token", "id_token token"}));
  doc.set("scopes_supported", Strings({"openid", "profile", "email", "offline_access"}));
  doc.set("issuer", identity.V2Issuer());
  doc.set("request_uri_parameter_supported", false);
  doc.set("authorization_endpoint", base + "/oauth2/v2.0/authorize");
  doc.set("tenant_region_scope", "EU");
  doc.set("cloud_instance_name", "microsoftonline.com");
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(doc, out);
  document_ = out.str();
}

bool OpenIdConfigurationEndpoint::IsPath(const std::string& path) {
  return !TenantOf(path, kOpenIdConfigurationPathSuffix).empty();
}

Reply OpenIdConfigurationEndpoint::Handle(const Request& request,
                                          std::chrono::system_clock::time_point now) const {
  if (request.method != "GET") {
    Reply reply;
    reply.status = 405;
    reply.reason = "the OpenID configuration must be fetched with GET, got " + request.method;
    return reply.Header("Allow", "GET");
  }
  const std::string tenant = TenantOf(request.path, kOpenIdConfigurationPathSuffix);
  if (!identity_.IsRealm(tenant)) {
    return AcsError{400, "invalid_tenant",
                    "AADSTS90002: Tenant '" + tenant +
                        "' not found. Check to make sure you have the correct tenant ID and are "
                        "signing into the correct cloud.",
                    90002, "tenant '" + tenant + "' is not the emulated organization or tenant"}
        .ToReply(now);
  }
  Reply reply;
  reply.content_type = "application/json; charset=utf-8";
  reply.body = document_;
  return reply;
}

}  // namespace pushprobe::emulator

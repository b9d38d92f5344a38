#include "probe/protocol/auth_metadata.h"

#include "probe/protocol/encoding.h"
#include "probe/protocol/json_members.h"

namespace pushprobe {

Expected<AuthMetadata> ParseAuthMetadata(std::string_view text) {
  using Result = Expected<AuthMetadata>;
  auto parsed = json::ParseObject(text);
  if (!parsed) return Result::Error(parsed.error());
  const Poco::JSON::Object& doc = **parsed;

  AuthMetadata md;
  auto issuer = json::String(doc, "issuer");
  if (!issuer || issuer->empty()) return Result::Error("no issuer");
  md.issuer = *issuer;
  auto at = md.issuer.find('@');
  md.issuer_principal = md.issuer.substr(0, at);
  if (at != std::string::npos) md.realm = md.issuer.substr(at + 1);
  // The issuer is what the service signs its tokens as, so its realm is the
  // authoritative one; "realm" only fills in for an issuer without one.
  if (md.realm.empty()) {
    auto realm = json::String(doc, "realm");
    if (!realm || realm->empty()) return Result::Error("issuer has no '@realm'");
    md.realm = *realm;
  }

  if (auto audiences = json::ArrayMember(doc, "allowedAudiences")) {
    for (std::size_t i = 0; i < audiences->size(); ++i) {
      const Poco::Dynamic::Var& v = audiences->get(static_cast<unsigned int>(i));
      if (v.isString()) md.allowed_audiences.push_back(v.extract<std::string>());
    }
  }

  if (auto endpoints = json::ArrayMember(doc, "endpoints")) {
    for (std::size_t i = 0; i < endpoints->size() && md.token_endpoint.empty(); ++i) {
      auto endpoint = json::ObjectAt(*endpoints, i);
      if (!endpoint) continue;
      auto protocol = json::String(*endpoint, "protocol");
      if (!protocol || ToLowerAscii(*protocol) != "oauth2") continue;
      auto usage = json::String(*endpoint, "usage");
      if (usage && ToLowerAscii(*usage) != "issuance") continue;
      auto location = json::String(*endpoint, "location");
      if (location && !location->empty()) md.token_endpoint = *location;
    }
  }
  if (md.token_endpoint.empty()) return Result::Error("no endpoint with protocol OAuth2");

  if (auto keys = json::ArrayMember(doc, "keys")) {
    for (std::size_t i = 0; i < keys->size(); ++i) {
      auto key = json::ObjectAt(*keys, i);
      if (!key) continue;
      auto usage = json::String(*key, "usage");
      if (!usage || ToLowerAscii(*usage) != "signing") continue;
      auto value = json::ObjectMember(*key, "keyValue");
      if (!value) continue;
      auto type = json::String(*value, "type");
      if (!type || ToLowerAscii(*type) != "x509certificate") continue;
      auto data = json::String(*value, "value");
      auto der = Base64Decode(data.value_or(""));
      if (!data || !der || der->empty()) {
        return Result::Error("signing key " + std::to_string(i + 1) + " is not valid base64");
      }
      md.signing_certificates_der.push_back(std::move(der).value());
    }
  }
  return md;
}

}  // namespace pushprobe

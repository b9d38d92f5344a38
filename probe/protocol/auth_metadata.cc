#include "probe/protocol/auth_metadata.h"

#include "probe/protocol/encoding.h"
#include "probe/protocol/json_members.h"

namespace pushprobe {

Expected<AuthMetadata> ParseAuthMetadata(std::string_view text) {
  using Result = Expected<AuthMetadata>;
  auto parsed = json::ParseObject(text);
  if (!parsed) return Result::Error(parsed.error());
  const json::Value& doc = *parsed;

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

  if (const json::Value* audiences = json::ArrayMember(doc, "allowedAudiences")) {
    for (const json::Value& v : audiences->elements()) {
      if (v.kind() == json::Value::Kind::kString) md.allowed_audiences.push_back(v.text());
    }
  }

  if (const json::Value* endpoints = json::ArrayMember(doc, "endpoints")) {
    for (const json::Value& endpoint : endpoints->elements()) {
      if (!md.token_endpoint.empty()) break;
      if (!endpoint.is_object()) continue;
      auto protocol = json::String(endpoint, "protocol");
      if (!protocol || ToLowerAscii(*protocol) != "oauth2") continue;
      auto usage = json::String(endpoint, "usage");
      if (usage && ToLowerAscii(*usage) != "issuance") continue;
      auto location = json::String(endpoint, "location");
      if (location && !location->empty()) md.token_endpoint = *location;
    }
  }
  if (md.token_endpoint.empty()) return Result::Error("no endpoint with protocol OAuth2");

  if (const json::Value* keys = json::ArrayMember(doc, "keys")) {
    for (std::size_t i = 0; i < keys->elements().size(); ++i) {
      const json::Value& key = keys->elements()[i];
      if (!key.is_object()) continue;
      auto usage = json::String(key, "usage");
      if (!usage || ToLowerAscii(*usage) != "signing") continue;
      const json::Value* value = json::ObjectMember(key, "keyValue");
      if (value == nullptr) continue;
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

Expected<AuthMetadata> AuthMetadataMemo::Parse(std::string_view json) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->json.size() != json.size() || std::string_view(it->json) != json) continue;
      entries_.splice(entries_.begin(), entries_, it);
      ++hits_;
      return entries_.front().parsed;
    }
  }
  Expected<AuthMetadata> parsed = ParseAuthMetadata(json);
  if (parsed) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_front(Entry{std::string(json), parsed.value()});
    if (entries_.size() > kEntries) entries_.pop_back();
  }
  return parsed;
}

std::uint64_t AuthMetadataMemo::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

AuthMetadataMemo& AuthMetadataMemo::Shared() {
  static AuthMetadataMemo* const kShared =
      new AuthMetadataMemo();  // never destroyed: checks may run at exit
  return *kShared;
}

}  // namespace pushprobe

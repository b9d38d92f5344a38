#include "tests/emulator/metadata_endpoint.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <sstream>

#include "tests/emulator/acs_error.h"
#include "tests/emulator/constants.h"

namespace pushprobe::emulator {
namespace {

Poco::JSON::Object::Ptr Ordered() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr Endpoint(const std::string& location, const std::string& protocol,
                                 const std::string& usage) {
  auto e = Ordered();
  e->set("location", location);
  e->set("protocol", protocol);
  e->set("usage", usage);
  return e;
}

}  // namespace

MetadataEndpoint::MetadataEndpoint(const ServiceIdentity& identity, const TokenSigner& signer)
    : identity_(identity) {
  auto doc = Ordered();
  doc->set("version", "1.0");
  doc->set("realm", identity.tenant);
  doc->set("name", "Microsoft Azure ACS");
  doc->set("issuer", identity.AcsIssuer());
  Poco::JSON::Array::Ptr audiences = new Poco::JSON::Array;
  audiences->add(identity.AcsIssuer());
  doc->set("allowedAudiences", audiences);

  auto key_info = Ordered();
  key_info->set("x5t", signer.x5t());
  auto key_value = Ordered();
  key_value->set("type", "x509Certificate");
  key_value->set("value", signer.certificate_base64());
  auto key = Ordered();
  key->set("usage", "signing");
  key->set("keyInfo", key_info);
  key->set("keyValue", key_value);
  Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
  keys->add(key);
  doc->set("keys", keys);

  const std::string base = "https://" + std::string(kAcsHost) + "/" + identity.tenant;
  Poco::JSON::Array::Ptr endpoints = new Poco::JSON::Array;
  endpoints->add(Endpoint(base + "/tokens/OAuth/2", "OAuth2", "issuance"));
  endpoints->add(Endpoint(base + "/tokens/delegation/1", "DelegationIssuance1.0", "delegation"));
  doc->set("endpoints", endpoints);

  std::ostringstream out;
  Poco::JSON::Stringifier::condense(doc, out);
  document_ = out.str();
}

Reply MetadataEndpoint::Handle(const Request& request,
                               std::chrono::system_clock::time_point now) const {
  if (request.method != "GET") {
    Reply reply;
    reply.status = 405;
    reply.reason = "metadata must be fetched with GET, got " + request.method;
    return reply.Header("Allow", "GET");
  }
  std::string realm;
  bool has_realm = false;
  try {
    for (const auto& [name, value] : Poco::URI("/?" + request.query).getQueryParameters()) {
      if (name == "realm") {
        realm = value;
        has_realm = true;
      }
    }
  } catch (const Poco::Exception&) {
    has_realm = false;
  }
  if (!has_realm || realm.empty()) {
    return AcsError{400, "invalid_request",
                    "AADSTS900144: The request body must contain the following parameter: 'realm'.",
                    900144, "the metadata URL has no realm parameter"}
        .ToReply(now);
  }
  if (!identity_.IsRealm(realm)) {
    return AcsError{400, "invalid_request",
                    "AADSTS90002: Tenant '" + realm +
                        "' not found. Check to make sure you have the correct tenant ID and are "
                        "signing into the correct cloud.",
                    90002, "realm '" + realm + "' is not the emulated organization or tenant"}
        .ToReply(now);
  }
  Reply reply;
  reply.content_type = "application/json; charset=us-ascii";
  reply.body = document_;
  return reply;
}

}  // namespace pushprobe::emulator

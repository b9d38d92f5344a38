#include "tests/emulator/token_endpoint.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <map>
#include <set>
#include <sstream>

#include "tests/emulator/acs_error.h"
#include "tests/emulator/constants.h"
#include "tests/emulator/crypto_util.h"
#include "tests/emulator/form_body.h"

namespace pushprobe::emulator {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

std::string ShortThumbprint(const std::string& x5t) {
  try {
    return HexUpper(Base64UrlDecode(x5t));
  } catch (const std::exception&) {
    return x5t;
  }
}

std::string KeyHelp() {
  return "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured "
         "keys for app Id '" +
         std::string(kExchangePrincipal) + "'.";
}

}  // namespace

TokenEndpoint::TokenEndpoint(const ServiceIdentity& identity, const CertificateRegistry& registry,
                             TokenSigner& signer, TokenPolicy policy)
    : identity_(identity), registry_(registry), signer_(signer), policy_(policy) {}

Reply TokenEndpoint::Reject(const std::string& error, int status, const std::string& description,
                            int code, const std::string& reason, TimePoint now) const {
  return AcsError{status, error, description, code, reason}.ToReply(now);
}

Reply TokenEndpoint::Handle(const Request& request, TimePoint now, const Fault* fault) {
  const FaultKind fault_kind = fault ? fault->kind : FaultKind::kStatus;
  const TimePoint validation_now =
      fault && fault_kind == FaultKind::kClockSkew ? now + fault->offset : now;

  std::string path_realm = request.path.substr(1, request.path.find('/', 1) - 1);
  if (!identity_.IsRealm(path_realm)) {
    return Reject("invalid_request", 400,
                  "AADSTS90002: Tenant '" + path_realm +
                      "' not found. Check to make sure you have the correct tenant ID and are "
                      "signing into the correct cloud.",
                  90002, "the token URL names realm '" + path_realm + "', not the emulated tenant",
                  now);
  }
  std::map<std::string, std::string> form;
  if (auto refused = ReadTokenForm(request, {"grant_type", "assertion", "resource"},
                                   "an ACS S2S request", form)) {
    return Reject(refused->error, refused->status, refused->description, refused->code,
                  refused->detail, now);
  }
  if (form["grant_type"] != kJwtBearerGrant) {
    return Reject(
        "unsupported_grant_type", 400,
        "AADSTS70003: The app requested an unsupported grant type '" + form["grant_type"] + "'.",
        70003, "grant_type must be " + std::string(kJwtBearerGrant), now);
  }

  const std::string& assertion = form["assertion"];
  Poco::JWT::Token parsed;
  try {
    parsed = assertion;
  } catch (const Poco::Exception& e) {
    return Reject("invalid_request", 400, "AADSTS50027: JWT token is invalid or malformed.", 50027,
                  "the assertion is not a JWT (" + e.message() + ")", now);
  }
  const auto& header = parsed.header();
  if (header.optValue<std::string>("typ", "") != "JWT" ||
      header.optValue<std::string>("alg", "") != "RS256" || !header.has("x5t")) {
    return Reject("invalid_request", 400, "AADSTS50027: JWT token is invalid or malformed.", 50027,
                  "the assertion header must be {\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5t\":...}",
                  now);
  }
  const std::string x5t = header.optValue<std::string>("x5t", "");
  const std::string thumbprint = ShortThumbprint(x5t);

  auto entry = registry_.FindByX5t(x5t);
  if (!entry || fault_kind == FaultKind::kUnregisteredCertificate) {
    return Reject("invalid_client", 401,
                  "AADSTS700027: Client assertion contains an invalid signature. [Reason - The "
                  "key was not found., Thumbprint of key used by client: '" +
                      thumbprint + "', " + KeyHelp() + "]",
                  700027, "certificate " + thumbprint + " is not registered", now);
  }
  if (entry->not_after <= validation_now || fault_kind == FaultKind::kExpiredRegistration) {
    return Reject("invalid_client", 401,
                  "AADSTS700027: Client assertion contains an invalid signature. [Reason - The "
                  "key used is expired., Thumbprint of key used by client: '" +
                      thumbprint + "', Found key 'Start=, End=" + AcsTimestamp(entry->not_after) +
                      "', " + KeyHelp() + "]",
                  700027, "the registration of certificate " + thumbprint + " has expired", now);
  }
  Poco::JWT::Signer verifier(entry->public_key);
  verifier.setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
  Poco::JWT::Token verified;
  if (!verifier.tryVerify(assertion, verified)) {
    return Reject("invalid_client", 401,
                  "AADSTS700027: Client assertion contains an invalid signature. [Reason - The "
                  "provided signature value did not match the expected signature value., "
                  "Thumbprint of key used by client: '" +
                      thumbprint + "', " + KeyHelp() + "]",
                  700027, "the assertion signature does not verify with certificate " + thumbprint,
                  now);
  }

  const auto& claims = verified.payload();
  std::set<std::string> names;
  for (const auto& [name, value] : claims) names.insert(name);
  const std::set<std::string> expected{"iss", "aud", "nbf", "exp"};
  if (names != expected) {
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "" : ",") + name;
    return Reject("invalid_request", 400, "AADSTS50027: JWT token is invalid or malformed.", 50027,
                  "the assertion claims must be exactly iss,aud,nbf,exp; got " + list, now);
  }
  if (!claims.get("iss").isString() || !claims.get("aud").isString() ||
      !claims.get("nbf").isInteger() || !claims.get("exp").isInteger()) {
    return Reject("invalid_request", 400, "AADSTS50027: JWT token is invalid or malformed.", 50027,
                  "iss and aud must be strings, nbf and exp integers (seconds since the epoch)",
                  now);
  }
  const std::string iss = claims.getValue<std::string>("iss");
  if (iss != identity_.ExchangeIssuer()) {
    return AcsError::AuthenticationFailed("iss must be '" + identity_.ExchangeIssuer() +
                                          "', got '" + iss + "'")
        .ToReply(now);
  }
  const std::string aud = claims.getValue<std::string>("aud");
  if (aud != identity_.AssertionAudience()) {
    return AcsError::AuthenticationFailed("aud must be '" + identity_.AssertionAudience() +
                                          "', got '" + aud + "'")
        .ToReply(now);
  }
  const long long nbf = claims.getValue<Poco::Int64>("nbf");
  const long long exp = claims.getValue<Poco::Int64>("exp");
  const long long now_s = UnixSeconds(validation_now);
  if (exp <= nbf || exp - nbf > policy_.max_assertion_lifetime.count()) {
    return AcsError::AuthenticationFailed(
               "the assertion lifetime exp-nbf is " + std::to_string(exp - nbf) +
               " s; it must be positive and at most " +
               std::to_string(policy_.max_assertion_lifetime.count()) + " s")
        .ToReply(now);
  }
  if (nbf > now_s + policy_.skew_tolerance.count()) {
    return AcsError::AuthenticationFailed("the assertion is not yet valid: nbf is " +
                                          std::to_string(nbf - now_s) +
                                          " s after the service's clock (tolerance " +
                                          std::to_string(policy_.skew_tolerance.count()) + " s)")
        .ToReply(now);
  }
  if (exp <= now_s) {
    return AcsError::AuthenticationFailed("the assertion has expired: exp is " +
                                          std::to_string(now_s - exp) +
                                          " s before the service's clock")
        .ToReply(now);
  }
  if (form["resource"] != identity_.Resource()) {
    return Reject("invalid_resource", 400,
                  "AADSTS500011: The resource principal named " + form["resource"] +
                      " was not found in the tenant named " + identity_.tenant +
                      ". This can happen if the application has not been installed by the "
                      "administrator of the tenant or consented to by any user in the tenant.",
                  500011, "resource must be '" + identity_.Resource() + "'", now);
  }

  const auto issued =
      signer_.Issue(identity_.Resource(), identity_.tenant, now, policy_.token_lifetime);
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("token_type", "Bearer");
  json.set("access_token", issued.token);
  json.set("expires_in", std::to_string(policy_.token_lifetime.count()));
  json.set("not_before", std::to_string(issued.not_before));
  json.set("expires_on", std::to_string(issued.expires_on));
  json.set("resource", identity_.Resource());
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);
  Reply reply;
  reply.content_type = "application/json; charset=utf-8";
  reply.body = out.str();
  return reply;
}

}  // namespace pushprobe::emulator

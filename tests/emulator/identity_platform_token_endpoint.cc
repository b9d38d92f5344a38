#include "tests/emulator/identity_platform_token_endpoint.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/String.h>

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

const std::vector<std::string> kFields = {"grant_type", "client_id", "client_assertion_type",
                                          "client_assertion", "scope"};

std::string TenantOf(const std::string& path) {
  constexpr std::string_view kSuffix = kV2TokenPathSuffix;
  if (path.size() <= kSuffix.size() + 1 || path[0] != '/' ||
      path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return "";
  }
  std::string tenant = path.substr(1, path.size() - 1 - kSuffix.size());
  return tenant.find('/') == std::string::npos ? tenant : "";
}

Reply Error(int status, const std::string& error, const std::string& description, int code,
            const std::string& reason, TimePoint now) {
  return AcsError{status, error, description, code, reason}.ToReply(now);
}

Reply Malformed(const std::string& reason, TimePoint now) {
  return Error(400, "invalid_request", "AADSTS50027: JWT token is invalid or malformed.", 50027,
               reason, now);
}

std::string KeyHelp(const std::string& application_id) {
  return "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see "
         "configured keys for app Id '" +
         application_id + "'.";
}

}  // namespace

IdentityPlatformTokenEndpoint::IdentityPlatformTokenEndpoint(
    const ServiceIdentity& identity, const ApplicationRegistry& applications, TokenSigner& signer,
    TokenPolicy policy)
    : identity_(identity), applications_(applications), signer_(signer), policy_(policy) {}

bool IdentityPlatformTokenEndpoint::IsPath(const std::string& path) {
  return !TenantOf(path).empty();
}

Reply IdentityPlatformTokenEndpoint::Handle(const Request& request, TimePoint now,
                                            const Fault* fault) {
  const FaultKind fault_kind = fault ? fault->kind : FaultKind::kStatus;
  const TimePoint validation_now =
      fault && fault_kind == FaultKind::kClockSkew ? now + fault->offset : now;

  const std::string tenant = TenantOf(request.path);
  if (!identity_.IsRealm(tenant)) {
    return Error(400, "invalid_request",
                 "AADSTS90002: Tenant '" + tenant +
                     "' not found. Check to make sure you have the correct tenant ID and are "
                     "signing into the correct cloud.",
                 90002, "the token URL names tenant '" + tenant + "', not the emulated tenant",
                 now);
  }
  std::map<std::string, std::string> form;
  if (auto refused = ReadTokenForm(request, kFields, "a client credentials request", form)) {
    return Error(refused->status, refused->error, refused->description, refused->code,
                 refused->detail, now);
  }
  if (form["grant_type"] != kClientCredentialsGrant) {
    return Error(
        400, "unsupported_grant_type",
        "AADSTS70003: The app requested an unsupported grant type '" + form["grant_type"] + "'.",
        70003, "grant_type must be client_credentials", now);
  }
  if (form["client_assertion_type"] != kJwtBearerAssertionType) {
    return Error(400, "invalid_request",
                 "AADSTS700022: The provided value for the input parameter "
                 "'client_assertion_type' is not valid.",
                 700022, "client_assertion_type must be " + std::string(kJwtBearerAssertionType),
                 now);
  }
  const std::string client_id = form["client_id"];
  if (!applications_.HasApplication(client_id)) {
    return Error(400, "unauthorized_client",
                 "AADSTS700016: Application with identifier '" + client_id +
                     "' was not found in the directory '" + tenant +
                     "'. This can happen if the application has not been installed by the "
                     "administrator of the tenant or consented to by any user in the tenant. "
                     "You may have sent your authentication request to the wrong tenant.",
                 700016, "no application '" + client_id + "' is registered", now);
  }

  const std::string& assertion = form["client_assertion"];
  Poco::JWT::Token parsed;
  try {
    parsed = assertion;
  } catch (const Poco::Exception& e) {
    return Malformed("the client assertion is not a JWT (" + e.message() + ")", now);
  }
  const auto& header = parsed.header();
  if (header.optValue<std::string>("alg", "") != "RS256" || !header.has("x5t")) {
    return Malformed("the client assertion header must have alg RS256 and x5t", now);
  }
  const std::string x5t = header.optValue<std::string>("x5t", "");
  std::string thumbprint = x5t;
  try {
    thumbprint = HexUpper(Base64UrlDecode(x5t));
  } catch (const std::exception&) {
  }

  auto entry = applications_.FindKey(client_id, x5t);
  if (!entry || fault_kind == FaultKind::kUnregisteredCertificate) {
    return Error(401, "invalid_client",
                 "AADSTS700027: Client assertion contains an invalid signature. [Reason - The "
                 "key was not found., Thumbprint of key used by client: '" +
                     thumbprint + "', " + KeyHelp(client_id) + "]",
                 700027,
                 "certificate " + thumbprint + " is not registered on application " + client_id,
                 now);
  }
  if (entry->not_after <= validation_now || fault_kind == FaultKind::kExpiredRegistration) {
    return Error(401, "invalid_client",
                 "AADSTS700027: Client assertion contains an invalid signature. [Reason - The "
                 "key used is expired., Thumbprint of key used by client: '" +
                     thumbprint + "', Found key 'Start=, End=" + AcsTimestamp(entry->not_after) +
                     "', " + KeyHelp(client_id) + "]",
                 700027, "the registration of certificate " + thumbprint + " has expired", now);
  }
  if (header.has("x5t#S256") && header.optValue<std::string>("x5t#S256", "") != entry->x5t_s256) {
    return Error(401, "invalid_client",
                 "AADSTS700027: Client assertion contains an invalid signature. [Reason - The "
                 "x5t#S256 header does not match the key., Thumbprint of key used by client: '" +
                     thumbprint + "', " + KeyHelp(client_id) + "]",
                 700027, "x5t#S256 is not the SHA-256 of certificate " + thumbprint, now);
  }
  Poco::JWT::Signer verifier(entry->public_key);
  verifier.setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
  Poco::JWT::Token verified;
  if (!verifier.tryVerify(assertion, verified)) {
    return Error(401, "invalid_client",
                 "AADSTS700027: Client assertion contains an invalid signature. [Reason - The "
                 "provided signature value did not match the expected signature value., "
                 "Thumbprint of key used by client: '" +
                     thumbprint + "', " + KeyHelp(client_id) + "]",
                 700027, "the assertion signature does not verify with certificate " + thumbprint,
                 now);
  }

  const auto& claims = verified.payload();
  std::set<std::string> names;
  for (const auto& [name, value] : claims) names.insert(name);
  const std::set<std::string> expected{"aud", "iss", "sub", "jti", "nbf", "iat", "exp"};
  if (names != expected) {
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "" : ",") + name;
    return Malformed(
        "the client assertion claims must be exactly aud,exp,iat,iss,jti,nbf,sub; got " + list,
        now);
  }
  for (const char* name : {"aud", "iss", "sub", "jti"}) {
    if (!claims.get(name).isString() || claims.getValue<std::string>(name).empty()) {
      return Malformed(std::string(name) + " must be a non-empty string", now);
    }
  }
  for (const char* name : {"nbf", "iat", "exp"}) {
    if (!claims.get(name).isInteger()) {
      return Malformed(std::string(name) + " must be an integer (seconds since the epoch)", now);
    }
  }
  const std::string iss = claims.getValue<std::string>("iss");
  const std::string sub = claims.getValue<std::string>("sub");
  if (Poco::icompare(iss, client_id) != 0 || Poco::icompare(sub, client_id) != 0) {
    return Error(401, "invalid_client",
                 "AADSTS700021: Client assertion application identifier doesn't match "
                 "'client_id' parameter. Review the documentation at "
                 "https://docs.microsoft.com/en-us/azure/active-directory/develop/"
                 "active-directory-certificate-credentials .",
                 700021,
                 "iss and sub must be the client_id '" + client_id + "', got '" + iss + "' and '" +
                     sub + "'",
                 now);
  }
  // The audience is the URL the assertion is posted to, with the tenant as
  // the request names it (domain or id).
  const std::string aud = claims.getValue<std::string>("aud");
  const std::string token_url =
      "https://" + std::string(kLoginHost) + "/" + tenant + std::string(kV2TokenPathSuffix);
  if (aud != token_url) {
    return Error(401, "invalid_client",
                 "AADSTS700212: The audience of the client assertion is not valid. Expected '" +
                     token_url + "'.",
                 700212, "aud must be the token URL '" + token_url + "', got '" + aud + "'", now);
  }
  const long long nbf = claims.getValue<Poco::Int64>("nbf");
  const long long iat = claims.getValue<Poco::Int64>("iat");
  const long long exp = claims.getValue<Poco::Int64>("exp");
  const long long now_s = UnixSeconds(validation_now);
  if (exp <= nbf || exp - nbf > policy_.max_assertion_lifetime.count() || iat > exp) {
    return Malformed("the assertion lifetime exp-nbf is " + std::to_string(exp - nbf) +
                         " s; it must be positive and at most " +
                         std::to_string(policy_.max_assertion_lifetime.count()) + " s",
                     now);
  }
  if (nbf > now_s + policy_.skew_tolerance.count() || exp <= now_s) {
    return Error(
        401, "invalid_client",
        "AADSTS700024: Client assertion is not within its valid time range. Current "
        "time: " +
            AcsTimestamp(validation_now) + ", assertion valid from " +
            AcsTimestamp(std::chrono::system_clock::time_point(std::chrono::seconds(nbf))) +
            ", expiry time of assertion " +
            AcsTimestamp(std::chrono::system_clock::time_point(std::chrono::seconds(exp))) +
            ". Review the documentation at "
            "https://docs.microsoft.com/en-us/azure/active-directory/develop/"
            "active-directory-certificate-credentials .",
        700024,
        nbf > now_s ? "the assertion is not yet valid: nbf is " + std::to_string(nbf - now_s) +
                          " s after the service's clock"
                    : "the assertion has expired: exp is " + std::to_string(now_s - exp) +
                          " s before the service's clock",
        now);
  }
  const std::string scope = form["scope"];
  constexpr std::string_view kDefault = "/.default";
  if (scope.size() <= kDefault.size() ||
      scope.compare(scope.size() - kDefault.size(), kDefault.size(), kDefault) != 0 ||
      scope.find(' ') != std::string::npos) {
    return Error(400, "invalid_scope",
                 "AADSTS1002012: The provided value for scope " + scope +
                     " is not valid. Client credential flows must have a scope value with "
                     "/.default suffixed to the resource identifier (application ID URI).",
                 1002012, "scope must be one '<resource>/.default'", now);
  }
  if (scope != identity_.V2Scope()) {
    const std::string resource = scope.substr(0, scope.size() - kDefault.size());
    return Error(400, "invalid_resource",
                 "AADSTS500011: The resource principal named " + resource +
                     " was not found in the tenant named " + identity_.tenant +
                     ". This can happen if the application has not been installed by the "
                     "administrator of the tenant or consented to by any user in the tenant.",
                 500011, "scope must be '" + identity_.V2Scope() + "'", now);
  }

  const auto issued = signer_.Issue(std::string(kOutlookResource), identity_.tenant, now,
                                    kTokenLifetime, Poco::toLower(client_id));
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("token_type", "Bearer");
  json.set("expires_in", static_cast<Poco::Int64>(kTokenLifetime.count()));
  json.set("ext_expires_in", static_cast<Poco::Int64>(kTokenLifetime.count()));
  json.set("access_token", issued.token);
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);
  Reply reply;
  reply.content_type = "application/json; charset=utf-8";
  reply.body = out.str();
  return reply;
}

}  // namespace pushprobe::emulator

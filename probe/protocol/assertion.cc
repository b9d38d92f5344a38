#include "probe/protocol/assertion.h"

#include <ctime>

#include "probe/protocol/encoding.h"
#include "probe/protocol/json_members.h"

namespace pushprobe {
namespace {

constexpr std::string_view kJwtBearerGrantType = "http://oauth.net/grant_type/jwt/1.0/bearer";
constexpr std::string_view kClientCredentialsGrantType = "client_credentials";
constexpr std::string_view kJwtBearerAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr const char* kMonitoringDeviceId =
    "0000000000000000000000000000000000000000000000000000000000000000";

std::int64_t UnixSeconds(WallTime t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::int64_t UnixMillis(WallTime t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

// The JSON texts are written out rather than built by a JSON writer: the
// member order is part of the contract, and writers differ on escaping '/'
// (Poco writes "\/" in some versions and not in others).
std::string AssertionHeaderJson(const SigningCredential& credential) {
  return R"({"typ":"JWT","alg":"RS256","x5t":)" + json::Quote(credential.X5t()) + "}";
}

std::string AssertionClaimsJson(const AssertionParams& params) {
  std::int64_t nbf = UnixSeconds(params.now);
  std::int64_t exp =
      nbf + std::chrono::duration_cast<std::chrono::seconds>(params.lifetime).count();
  std::string iss = params.service_name + "@" + params.realm;
  std::string aud = params.token_issuer + "/" + params.token_endpoint_host + "@" + params.realm;
  return "{\"iss\":" + json::Quote(iss) + ",\"aud\":" + json::Quote(aud) +
         ",\"nbf\":" + std::to_string(nbf) + ",\"exp\":" + std::to_string(exp) + "}";
}

std::string BuildAssertion(const SigningCredential& credential, const AssertionParams& params) {
  std::string signing_input = Base64UrlEncode(AssertionHeaderJson(credential)) + "." +
                              Base64UrlEncode(AssertionClaimsJson(params));
  std::string signature = credential.SignRs256(signing_input);
  return signing_input + "." + Base64UrlEncode(signature);
}

std::string TokenRequestBody(std::string_view assertion, std::string_view resource) {
  return "grant_type=" + FormUrlEncode(kJwtBearerGrantType) +
         "&assertion=" + FormUrlEncode(assertion) + "&resource=" + FormUrlEncode(resource);
}

std::string ClientAssertionHeaderJson(const SigningCredential& credential) {
  return R"({"typ":"JWT","alg":"RS256","x5t":)" + json::Quote(credential.X5t()) +
         R"(,"x5t#S256":)" + json::Quote(credential.X5tS256()) + "}";
}

std::string ClientAssertionClaimsJson(const ClientAssertionParams& params) {
  std::int64_t now = UnixSeconds(params.now);
  std::int64_t exp =
      now + std::chrono::duration_cast<std::chrono::seconds>(params.lifetime).count();
  return "{\"aud\":" + json::Quote(params.token_url) +
         ",\"iss\":" + json::Quote(params.application_id) +
         ",\"sub\":" + json::Quote(params.application_id) + ",\"jti\":" + json::Quote(params.jti) +
         ",\"nbf\":" + std::to_string(now) + ",\"iat\":" + std::to_string(now) +
         ",\"exp\":" + std::to_string(exp) + "}";
}

std::string BuildClientAssertion(const SigningCredential& credential,
                                 const ClientAssertionParams& params) {
  std::string signing_input = Base64UrlEncode(ClientAssertionHeaderJson(credential)) + "." +
                              Base64UrlEncode(ClientAssertionClaimsJson(params));
  std::string signature = credential.SignRs256(signing_input);
  return signing_input + "." + Base64UrlEncode(signature);
}

std::string ClientCredentialsRequestBody(std::string_view application_id,
                                         std::string_view client_assertion,
                                         std::string_view scope) {
  return "grant_type=" + FormUrlEncode(kClientCredentialsGrantType) +
         "&client_id=" + FormUrlEncode(application_id) +
         "&client_assertion_type=" + FormUrlEncode(kJwtBearerAssertionType) +
         "&client_assertion=" + FormUrlEncode(client_assertion) + "&scope=" + FormUrlEncode(scope);
}

std::string TokenResource(std::string_view client_id, std::string_view proxy_host,
                          std::string_view realm) {
  std::string out(client_id);
  out += '/';
  out += proxy_host;
  out += '@';
  out += realm;
  return out;
}

std::string NotificationId(WallTime now, int sequence) {
  std::time_t secs = static_cast<std::time_t>(UnixSeconds(now));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return std::string(buf) + "-" + std::to_string(sequence);
}

std::string MonitoringBatchJson(WallTime now, int sequence) {
  // "\/Date(ms)\/" is the .NET JSON date form; the escaped slashes must be
  // sent literally for the proxy's DataContractJsonSerializer to read a date.
  return R"({"notifications":[{"id":)" + json::Quote(NotificationId(now, sequence)) +
         R"(,"payload":{"isMonitoring":true,"tenantId":"","unseenEmailCount":1},)"
         R"("recipients":[{"appId":"MonitoringProbeAppId","deviceId":")" +
         kMonitoringDeviceId + R"(","lastSubscriptionUpdate":"\/Date()" +
         std::to_string(UnixMillis(now)) + R"()\/"}]}]})";
}

}  // namespace pushprobe

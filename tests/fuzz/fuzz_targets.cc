#include "tests/fuzz/fuzz_targets.h"

#include <string_view>

#include "probe/config/config_loader.h"
#include "probe/net/response_parser.h"
#include "probe/protocol/auth_metadata.h"
#include "probe/protocol/bearer_challenge.h"
#include "probe/protocol/encoding.h"
#include "probe/protocol/openid_configuration.h"
#include "probe/protocol/push_fault.h"
#include "probe/protocol/token_response.h"
#include "probe/protocol/url.h"

namespace pushprobe::fuzz {
namespace {

std::string_view View(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A parser that fails must say why: an empty message is a contract breach.
template <typename T>
bool Explained(const Expected<T>& result) {
  return result.ok() || !result.error().empty();
}

bool FuzzMetadata(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseAuthMetadata(View(d, n)));
}
bool FuzzOpenIdConfiguration(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseOpenIdConfiguration(View(d, n)));
}
bool FuzzChallenge(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseBearerChallenge(View(d, n)));
}
bool FuzzToken(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseTokenAnswer(View(d, n)));
}
bool FuzzFault(const std::uint8_t* d, std::size_t n) {
  return Explained(ParsePushFault(View(d, n)));
}
bool FuzzDiagnostics(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseMsDiagnostics(View(d, n)));
}
bool FuzzUrl(const std::uint8_t* d, std::size_t n) {
  std::string_view text = View(d, n);
  std::size_t split = text.find('\n');
  if (split == std::string_view::npos) return Explained(ParseUrl(text));
  return Explained(ResolveReference(text.substr(0, split), text.substr(split + 1)));
}
bool FuzzBase64(const std::uint8_t* d, std::size_t n) {
  return Explained(Base64Decode(View(d, n)));
}
bool FuzzConfig(const std::uint8_t* d, std::size_t n) {
  ConfigLoadResult result = LoadConfigString(View(d, n), "fuzz.yml");
  if (result.config.has_value()) return result.errors.empty();
  if (result.errors.empty()) return false;
  for (const ConfigError& error : result.errors) {
    if (error.message.empty()) return false;
  }
  return true;
}
bool FuzzHttpResponse(const std::uint8_t* d, std::size_t n) {
  // Split the input in two feeds so chunk and header boundaries move around.
  std::string_view text = View(d, n);
  net_internal::ResponseParser parser(false, 4096);
  parser.Feed(text.substr(0, n / 2));
  parser.Feed(text.substr(n / 2));
  if (!parser.done() && !parser.failed()) parser.FinishAtEof();
  return parser.done() || (parser.failed() && !parser.error().empty());
}

}  // namespace

const std::vector<FuzzTarget>& AllFuzzTargets() {
  static const std::vector<FuzzTarget> targets = {
      {"auth_metadata",
       FuzzMetadata,
       {R"({"version":"1.0","realm":"9188040d-6c67-4c5b-b112-36a304b66dad","name":"Microsoft Azure ACS",)"
        R"("issuer":"00000001-0000-0000-c000-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad",)"
        R"("allowedAudiences":["00000001-0000-0000-c000-000000000000@9188040d-6c67-4c5b-b112-36a304b66dad"],)"
        R"("keys":[{"usage":"signing","keyInfo":{"x5t":"dZXb3qg9rLV1dEHUSJm8250RJTw"},)"
        R"("keyValue":{"type":"x509Certificate","value":"MIIBszCCAVmgAwIBAgIU"}}],)"
        R"("endpoints":[{"location":"https://accounts.accesscontrol.windows.net/9188040d/tokens/OAuth/2",)"
        R"("protocol":"OAuth2","usage":"issuance"}]})"}},
      {"openid_configuration",
       FuzzOpenIdConfiguration,
       {R"({"token_endpoint":"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/oauth2/v2.0/token",)"
        R"("issuer":"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"})"}},
      {"bearer_challenge",
       FuzzChallenge,
       {R"(Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",Basic Realm="")",
        R"(Basic realm="x", Bearer realm="r\"q", error=invalid_token)"}},
      {"token_response",
       FuzzToken,
       {R"({"token_type":"Bearer","access_token":"abc.def.ghi","expires_in":"86399","not_before":"1764063000","expires_on":"1764149400","resource":"r"})",
        R"({"error":"invalid_client","error_description":"AADSTS700027: Client assertion contains an invalid signature.\r\nTrace ID: 1","error_codes":[700027]})",
        R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"abc.def.ghi"})"}},
      {"push_fault",
       FuzzFault,
       {R"({"Message":"m","CanRetry":true,"StackTrace":null,"InnerFault":{"Message":"i"},"BackOffTimeInMilliseconds":60000,"OriginatingServer":"s"})"}},
      {"ms_diagnostics",
       FuzzDiagnostics,
       {R"(2000001;reason="The token has an invalid signature.";error_category="invalid_token")"}},
      {"url",
       FuzzUrl,
       {"https://outlook.office365.com/PushNotifications", "http://a/b/c/d;p?q\n../../g",
        "https://[::1]:8443/x?y"}},
      {"base64", FuzzBase64, {"dZXb3qg9rLV1dEHUSJm8250RJTw", "TWFu\nTWE=\n"}},
      {"config",
       FuzzConfig,
       {"defaults:\n  timeout: 30s\ntargets:\n  - name: fabrikam\n    organization: fabrikam.com\n"
        "    certificate: auth.pem\n    connect_to: "
        "[\"outlook.office365.com:443:127.0.0.1:8443\"]\n",
        "targets:\n  - name: fabrikam\n    organization: fabrikam.com\n    certificate: auth.pem\n"
        "    token_flow: identity-platform\n    application_id: "
        "6731de76-14a6-49ae-97bc-6eba6914391e\n    tenant: fabrikam.com\n"
        "    scope: https://outlook.office365.com/.default\n"}},
      {"http_response",
       FuzzHttpResponse,
       {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDate: Wed, 25 Nov 2026 11:20:56 GMT\r\n\r\nhello",
        "HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nbody-to-close"}},
  };
  return targets;
}

}  // namespace pushprobe::fuzz

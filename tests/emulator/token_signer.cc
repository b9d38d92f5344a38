#include "tests/emulator/token_signer.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <sstream>
#include <stdexcept>

#include "tests/emulator/constants.h"
#include "tests/emulator/crypto_util.h"

namespace pushprobe::emulator {
namespace {

constexpr std::chrono::seconds kNotBeforeAllowance{300};
// Exchange Online accepts tokens whose lifetime started a little in the future.
constexpr std::chrono::seconds kClockTolerance{300};

}  // namespace

TokenSigner::TokenSigner(const std::string& cert_pem, const std::string& key_pem) {
  try {
    std::istringstream cert_in(cert_pem);
    std::istringstream key_in(key_pem);
    Poco::Crypto::X509Certificate cert(cert_in);
    key_ = new Poco::Crypto::RSAKey(nullptr, &key_in);
    const std::string der = CertificateDer(cert_pem);
    x5t_ = X5t(der);
    cert_base64_ = Base64Encode(der);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("token-signing key: " + e.displayText());
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(std::string("token-signing key: ") + e.what());
  }
}

TokenSigner::Issued TokenSigner::Issue(const std::string& audience, const std::string& tenant,
                                       TimePoint now, std::chrono::seconds lifetime,
                                       const std::string& application_id) {
  const long long now_s = UnixSeconds(now);
  const std::string cache_key = audience + '|' + tenant + '|' + std::to_string(now_s) + '|' +
                                std::to_string(lifetime.count()) + '|' + application_id;
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (cache_key == cache_key_) return cache_value_;

  Issued issued;
  issued.not_before = now_s - kNotBeforeAllowance.count();
  issued.expires_on = now_s + lifetime.count() + 1;
  const std::string acs = std::string(kAcsPrincipal) + "@" + tenant;

  Poco::JWT::Token token;
  token.setType("JWT");
  token.header().set("x5t", x5t_);
  auto& claims = token.payload();
  claims.set("aud", audience);
  claims.set("nbf", static_cast<Poco::Int64>(issued.not_before));
  claims.set("exp", static_cast<Poco::Int64>(issued.expires_on));
  if (application_id.empty()) {
    claims.set("iss", acs);
    claims.set("identityprovider", acs);
    claims.set("appid", std::string(kExchangePrincipal));
    claims.set("appidacr", std::string("2"));
    claims.set("nameid", std::string(kExchangePrincipal) + "@" + tenant);
  } else {
    claims.set("iss", "https://sts.windows.net/" + tenant + "/");
    claims.set("tid", tenant);
    claims.set("appid", application_id);
    claims.set("appidacr", std::string("2"));
  }
  Poco::JWT::Signer signer(key_);
  signer.setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
  issued.token = signer.sign(token, Poco::JWT::Signer::ALGO_RS256);

  cache_key_ = cache_key;
  cache_value_ = issued;
  return issued;
}

TokenSigner::Verification TokenSigner::CheckSignature(const std::string& token,
                                                      SignedClaims* claims) const {
  Poco::JWT::Token parsed;
  try {
    parsed = token;
  } catch (const Poco::Exception&) {
    return {Verdict::kMalformed, "The token is malformed."};
  }
  if (parsed.getAlgorithm() != Poco::JWT::Signer::ALGO_RS256) {
    return {Verdict::kBadSignature, "The token is not signed with RS256."};
  }
  if (parsed.header().optValue<std::string>("x5t", "") != x5t_) {
    return {Verdict::kBadSignature, "The token is signed with an unknown key."};
  }
  Poco::JWT::Signer signer(key_);
  signer.setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
  Poco::JWT::Token verified;
  if (!signer.tryVerify(token, verified)) {
    return {Verdict::kBadSignature, "The token has an invalid signature."};
  }
  const auto& payload = verified.payload();
  try {
    claims->audience = payload.optValue<std::string>("aud", "");
    claims->expires = payload.getValue<Poco::Int64>("exp");
    claims->not_before = payload.getValue<Poco::Int64>("nbf");
  } catch (const Poco::Exception&) {
    return {Verdict::kMalformed, "The token lifetime claims are invalid."};
  }
  claims->token = token;
  return {Verdict::kValid, ""};
}

TokenSigner::Verification TokenSigner::Verify(const std::string& token, const std::string& audience,
                                              TimePoint now) const {
  SignedClaims claims;
  {
    std::lock_guard<std::mutex> lock(verified_mu_);
    if (!token.empty() && token == last_verified_.token) claims = last_verified_;
  }
  if (claims.token.empty()) {
    Verification signature = CheckSignature(token, &claims);
    if (signature.verdict != Verdict::kValid) return signature;
    std::lock_guard<std::mutex> lock(verified_mu_);
    last_verified_ = claims;
  }
  if (claims.audience != audience) {
    return {Verdict::kWrongAudience,
            "The audience claim value is invalid '" + claims.audience + "'."};
  }
  const long long now_s = UnixSeconds(now);
  if (claims.expires <= now_s) return {Verdict::kExpired, "The token has expired."};
  if (claims.not_before > now_s + kClockTolerance.count()) {
    return {Verdict::kNotYetValid, "The token is not yet valid."};
  }
  return {Verdict::kValid, ""};
}

}  // namespace pushprobe::emulator

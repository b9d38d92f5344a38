#pragma once

#include <Poco/Crypto/RSAKey.h>
#include <Poco/SharedPtr.h>

#include <chrono>
#include <mutex>
#include <string>

namespace pushprobe::emulator {

/// \brief The emulator's token-signing key: issues access tokens and checks
/// the bearer tokens presented to the push proxy. Thread-safe.
class TokenSigner {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  struct Issued {
    std::string token;
    long long not_before = 0;
    long long expires_on = 0;
  };

  enum class Verdict { kValid, kMalformed, kBadSignature, kWrongAudience, kExpired, kNotYetValid };
  struct Verification {
    Verdict verdict = Verdict::kMalformed;
    std::string detail;
  };

  /// \throw std::invalid_argument when the PEMs are not an RSA certificate and its key.
  TokenSigner(const std::string& cert_pem, const std::string& key_pem);

  const std::string& x5t() const { return x5t_; }
  /// base64 DER of the certificate, as the metadata publishes it.
  const std::string& certificate_base64() const { return cert_base64_; }

  /// An app-only access token for \p audience in \p tenant, valid from
  /// now - 5 min (ACS's skew allowance) to now + \p lifetime + 1 s.
  /// Tokens asked for in the same second are the same token (signing is the
  /// expensive part of the token endpoint).
  /// With \p application_id, the token is an identity platform app-only token
  /// for that application (iss https://sts.windows.net/<tenant>/, appid the
  /// application; an inference of what Azure AD issues for Exchange Online).
  Issued Issue(const std::string& audience, const std::string& tenant, TimePoint now,
               std::chrono::seconds lifetime, const std::string& application_id = "");

  /// Checks signature, audience and lifetime of a bearer token at \p now.
  Verification Verify(const std::string& token, const std::string& audience, TimePoint now) const;

 private:
  std::string x5t_;
  std::string cert_base64_;
  Poco::SharedPtr<Poco::Crypto::RSAKey> key_;

  /// The claims Verify judges, from a token whose signature checked out.
  struct SignedClaims {
    std::string token;
    std::string audience;
    long long expires = 0;
    long long not_before = 0;
  };
  /// Parses \p token and checks its signature; fills \p claims when kValid.
  Verification CheckSignature(const std::string& token, SignedClaims* claims) const;

  std::mutex cache_mu_;
  std::string cache_key_;
  Issued cache_value_;

  // The last token whose signature Verify checked. Under load every publish
  // of a second presents the token issued in that second (see Issue), and the
  // same bytes always get the same signature verdict; only the lifetime
  // depends on the time and is judged on every call.
  mutable std::mutex verified_mu_;
  mutable SignedClaims last_verified_;
};

}  // namespace pushprobe::emulator

#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pushprobe::testing {

/// \brief What a generated certificate should say.
struct CertSpec {
  std::string common_name = "localhost";
  std::vector<std::string> dns_names;     ///< subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  ///< subjectAltName IP entries ("127.0.0.1", "::1")
  std::string key_type = "RSA";           ///< "RSA" or "EC" (P-256)
  int key_bits = 2048;                    ///< RSA only
  /// Validity relative to now (the real clock, or \p now when set).
  std::chrono::seconds valid_from_offset = -std::chrono::hours(24);
  std::chrono::seconds valid_to_offset = std::chrono::hours(24 * 365);
  std::chrono::system_clock::time_point now{};  ///< epoch value means "use the real clock"
  bool is_ca = false;
  /// Use a fresh key instead of the process-wide cached one of this type and
  /// size (keys are cached because RSA generation is slow under sanitizers).
  bool fresh_key = false;
};

/// \brief A certificate and its key, PEM encoded.
struct IssuedCert {
  std::string cert_pem;
  std::string key_pem;  ///< unencrypted PKCS#8
  std::string CertDer() const;
  /// PKCS#12 bundle of certificate and key with \p password.
  std::string Pkcs12(const std::string& password) const;
  /// PKCS#12 as `openssl pkcs12 -export -legacy` and Windows Server 2016
  /// write it: certificate bag under RC2-40, key under 3DES, SHA-1 MAC.
  /// Built in a library context of its own (default and legacy providers),
  /// so the process's default context does not get the legacy provider.
  std::string LegacyPkcs12(const std::string& password) const;
  /// The key PEM encrypted (AES-256-CBC) with \p password.
  std::string EncryptedKeyPem(const std::string& password) const;
  /// Uppercase hex SHA-1 of the DER, as Exchange prints thumbprints.
  std::string Thumbprint() const;
};

/// \brief A throw-away certificate authority for tests and the emulator lab.
class TestCa {
 public:
  /// \throw std::runtime_error when OpenSSL fails.
  static TestCa Create(const std::string& common_name = "pushprobe test CA");
  const IssuedCert& root() const { return root_; }
  /// Issues a leaf (or intermediate, with spec.is_ca) signed by this CA.
  IssuedCert Issue(const CertSpec& spec) const;

 private:
  IssuedCert root_;
};

/// A self-signed certificate (for Auth certificates, and untrusted servers).
IssuedCert SelfSigned(const CertSpec& spec);

/// Writes \p content to \p path, creating parent directories.
/// \throw std::runtime_error on failure.
void WriteFile(const std::string& path, const std::string& content);

}  // namespace pushprobe::testing

#pragma once

#include <string>

namespace pushprobe::emulator {

/// \brief A certificate and its private key, PEM.
struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
  bool empty() const { return cert_pem.empty(); }
  /// Certificate then key, the form of auth.pem.
  std::string CombinedPem() const { return cert_pem + key_pem; }
};

/// \brief Every certificate a lab needs, in memory.
struct LabCredentials {
  KeyPair ca;                 ///< the test CA clients trust (its key is not kept)
  KeyPair server;             ///< leaf for the production host names and loopback, by `ca`
  KeyPair wrong_host_server;  ///< leaf by `ca` for a host name nobody asks for
  KeyPair token_signing;      ///< the emulator's token-signing certificate (self-signed)
  KeyPair auth;               ///< the Auth certificate to register (RSA 2048, self-signed)
  KeyPair unregistered_auth;  ///< a valid Auth certificate that is never registered
  /// The next Auth certificate (Set-AuthConfig -NewCertificateThumbprint),
  /// registered beside `auth`: a rollover whose upload was done.
  KeyPair next_auth;

  bool empty() const { return server.empty(); }

  /// Generates a complete set with the test PKI. \p fresh_keys gives every
  /// certificate its own key (for labs on disk); otherwise keys are shared
  /// where that changes nothing the emulator checks (faster in tests).
  /// \throw std::runtime_error when OpenSSL fails.
  static LabCredentials Generate(bool fresh_keys = false);

  /// A server leaf for the same names from a CA nobody trusts (fresh each call).
  KeyPair UntrustedServer() const;
};

}  // namespace pushprobe::emulator

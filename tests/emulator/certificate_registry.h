#pragma once

#include <Poco/Crypto/RSAKey.h>
#include <Poco/SharedPtr.h>

#include <chrono>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace pushprobe::emulator {

/// \brief An Auth certificate to register on Exchange's service principal,
/// as New-MsolServicePrincipalCredential -Type asymmetric -Value ... -EndDate ... does.
struct CertificateRegistration {
  std::string cert_pem;
  /// The credential's EndDate; unset means the certificate's own notAfter.
  std::optional<std::chrono::system_clock::time_point> not_after;
};

/// \brief The keys registered on Exchange's service principal. Thread-safe.
class CertificateRegistry {
 public:
  struct Entry {
    std::string thumbprint;  ///< uppercase hex SHA-1
    std::string x5t;
    std::string x5t_s256;  ///< base64url SHA-256, for the v2 header's "x5t#S256"
    std::chrono::system_clock::time_point not_after;
    Poco::SharedPtr<Poco::Crypto::RSAKey> public_key;
  };

  /// Registers (or re-registers with a new end date) and returns the thumbprint.
  /// \throw std::invalid_argument for a bad PEM or a key that is not RSA >= 2048 bits.
  std::string Register(const CertificateRegistration& registration);
  /// \return false when \p thumbprint was not registered.
  bool Unregister(const std::string& thumbprint);
  std::optional<Entry> FindByX5t(const std::string& x5t) const;
  std::vector<Entry> List() const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry> by_x5t_;
};

}  // namespace pushprobe::emulator

#pragma once

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>

#include "tests/emulator/certificate_registry.h"

namespace pushprobe::emulator {

/// \brief The applications (app registrations) of the emulated tenant and the
/// certificate credentials on each, for the identity platform v2 token
/// endpoint (docs/protocol.md 2.6). Application ids compare case-insensitively.
/// Thread-safe.
class ApplicationRegistry {
 public:
  /// Adds \p registration to application \p application_id (created on first
  /// use) and returns the certificate's thumbprint.
  /// \throw std::invalid_argument for a bad application id (not a GUID), a bad
  /// PEM or a key that is not RSA >= 2048 bits.
  std::string Register(const std::string& application_id,
                       const CertificateRegistration& registration);
  bool HasApplication(const std::string& application_id) const;
  /// The key registered on \p application_id with this x5t, if any.
  std::optional<CertificateRegistry::Entry> FindKey(const std::string& application_id,
                                                    const std::string& x5t) const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, CertificateRegistry> apps_;  ///< by lower-case application id
};

}  // namespace pushprobe::emulator

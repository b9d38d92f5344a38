#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "probe/core/clock.h"
#include "probe/core/deadline.h"
#include "probe/core/expected.h"
#include "probe/core/reason.h"

namespace pushprobe {

/// Exchange's own texts for the certificate stage (docs/protocol.md 2.2): the
/// exchange_error of a LoadError with kCertMissing, and of kCertWeakKey.
inline constexpr std::string_view kExchangeMissingCertificateError = "Missing signing certificate.";
inline constexpr std::string_view kExchangeWeakKeyError =
    "The signing certificate should have a private key with at least 2048 bits.";

/// \brief How the caller's user names the key and password settings, so an
/// error speaks of what they can change: the configuration's keys by
/// default, the command line's flags for `pushprobe cert`.
struct CredentialSettingNames {
  std::string private_key = "private_key";
  std::string password_file = "private_key_password_file";
  std::string unset = "configured";  ///< "no private_key configured"
};

/// \brief The Auth certificate and its private key, loaded from files.
///
/// Immutable once loaded; safe to share between threads.
class SigningCredential {
 public:
  ~SigningCredential();
  SigningCredential(SigningCredential&&) noexcept;
  SigningCredential& operator=(SigningCredential&&) noexcept;

  /// \brief Why loading failed: a reason (kCertMissing, kCertKeyMismatch,
  /// kConfig) and a message naming the file and the problem.
  struct LoadError {
    Reason reason;
    std::string message;
  };

  using SettingNames = CredentialSettingNames;

  /// Loads a certificate from \p certificate_path: PEM (certificate, optionally
  /// followed by its key) or PKCS#12 (detected by content). The key comes from
  /// \p private_key_path when not empty, else from the certificate file.
  /// \p password_file holds the key's or PKCS#12 password (trailing newline ignored).
  /// A missing key is kCertMissing; a key of another certificate kCertKeyMismatch.
  /// An unreadable password file, or an encrypted key or PKCS#12 without the
  /// right password, is kConfig ("cannot decrypt private key /x: bad password").
  /// Every file is read through ReadBoundedFile (regular files only, at most
  /// kMaxCredentialFileBytes); a read that \p deadline (when given) ends
  /// before it is done is kTimeout, naming the file.
  static Expected<SigningCredential, LoadError> Load(const std::string& certificate_path,
                                                     const std::string& private_key_path,
                                                     const std::string& password_file,
                                                     const SettingNames& names = {},
                                                     const Deadline* deadline = nullptr);
  /// Loads the certificate only (for `pushprobe cert` without a key).
  static Expected<SigningCredential, LoadError> LoadCertificateOnly(
      const std::string& certificate_path, const std::string& password_file,
      const SettingNames& names = {}, const Deadline* deadline = nullptr);

  bool has_key() const;
  std::string Thumbprint() const;  ///< uppercase hex SHA-1 of the DER
  std::string X5t() const;         ///< base64url SHA-1, no padding
  std::string X5tS256() const;     ///< base64url SHA-256, no padding
  std::string Subject() const;     ///< RFC 2253
  std::string Issuer() const;      ///< RFC 2253
  WallTime NotBefore() const;
  WallTime NotAfter() const;
  std::string KeyType() const;  ///< "RSA", "EC", ... of the certificate's public key
  int KeyBits() const;
  std::string DerBase64() const;  ///< the certificate's DER, base64

  /// RS256 signature of \p data with the private key. Requires has_key().
  /// \throw std::logic_error without a key or with a non-RSA key;
  /// std::runtime_error when OpenSSL fails.
  std::string SignRs256(std::string_view data) const;

  X509* certificate() const;
  EVP_PKEY* private_key() const;  ///< nullptr when not loaded

 private:
  SigningCredential();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// \brief A check of the certificate's usability (docs/protocol.md 2.2).
struct CredentialVerdict {
  Reason reason = Reason::kNone;  ///< kCertWeakKey, kCertExpired, kCertNotYetValid,
                                  ///< kCertThumbprintMismatch, or kNone
  std::string message;            ///< pushprobe's specific message
  std::string exchange_error;     ///< Exchange's own text where it has one
};

/// Checks key type and size (RSA >= 2048), validity at \p now, and the pin
/// \p pinned_thumbprint (case-insensitive, spaces and colons ignored; empty: no pin).
/// The first failing check, in that order, gives the verdict.
CredentialVerdict EvaluateCredential(const SigningCredential& credential, WallTime now,
                                     std::string_view pinned_thumbprint);

}  // namespace pushprobe

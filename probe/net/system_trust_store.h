#pragma once

#include <openssl/ssl.h>

#include <string>

namespace pushprobe::net_internal {

/// \brief Where the system's trust anchors are read from.
enum class TrustStoreSource {
  /// The hashed certificate directory alone (`<subject hash>.0` links, as
  /// Debian's update-ca-certificates writes them): a CA is read from disk only
  /// when a chain names it.
  kHashedDirectory,
  /// OpenSSL's defaults: the whole bundle file, parsed up front, and the
  /// directory.
  kDefaultPaths,
};

/// \brief Chooses the source. \p cert_file_env and \p cert_dir_env are the
/// values of SSL_CERT_FILE and SSL_CERT_DIR (nullptr when unset).
///
/// Why not always OpenSSL's defaults: they parse the complete bundle (about
/// 140 certificates on Debian 12) for every new TLS context, which costs more
/// than a whole check's handshakes, and the Nagios plugin builds a context on
/// every run. An explicit SSL_CERT_FILE is an administrator's choice and is
/// honoured; a directory without hash links (some distributions ship only the
/// bundle) would trust nothing, so it falls back to the defaults.
TrustStoreSource ChooseTrustStoreSource(const char* cert_file_env, const char* cert_dir_env);

/// The directory OpenSSL would use: SSL_CERT_DIR's value, else the built-in one.
std::string SystemCertificateDirectory(const char* cert_dir_env);

/// Whether \p dir holds at least one `<8 hex digits>.<n>` entry.
bool HasHashedCertificates(const std::string& dir);

/// Points \p ctx at the system's trust anchors (reading SSL_CERT_FILE and
/// SSL_CERT_DIR from the environment). False with OpenSSL's error queue set on
/// failure.
bool UseSystemTrustStore(SSL_CTX* ctx);

}  // namespace pushprobe::net_internal

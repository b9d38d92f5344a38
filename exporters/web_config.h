#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/expected.h"

namespace pushprobe::exporter {

/// \brief How the server treats client certificates: exporter-toolkit's
/// client_auth_type values, which are Go's tls.ClientAuthType names.
enum class ClientAuth {
  kNoClientCert,                ///< none asked for
  kRequestClientCert,           ///< asked for, not required, not verified
  kRequireAnyClientCert,        ///< required, not verified
  kVerifyClientCertIfGiven,     ///< not required, verified against the client CA when sent
  kRequireAndVerifyClientCert,  ///< required and verified: the one that authenticates
};

/// The name as written in the file ("RequireAndVerifyClientCert").
std::string_view ClientAuthName(ClientAuth auth);

/// \brief tls_server_config. Paths are absolute (relative ones are resolved
/// against the web configuration file's directory, as exporter-toolkit does).
/// Either the file or the inline PEM of each of cert, key and client CA is set.
struct WebTlsConfig {
  std::string cert_file;
  std::string cert_pem;  ///< `cert:` inline
  std::string key_file;
  std::string key_pem;  ///< `key:` inline; a secret, never printed
  std::string client_ca_file;
  std::string client_ca_pem;  ///< `client_ca:` inline
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  int min_version = 0;  ///< OpenSSL's TLS1_2_VERSION etc.; set by the parser
  int max_version = 0;  ///< OpenSSL's TLS1_3_VERSION etc.; set by the parser
  /// cipher_suites up to TLS 1.2 (IANA names as Go spells them, mapped to
  /// OpenSSL's names), as an OpenSSL cipher list; empty: OpenSSL's defaults.
  std::string cipher_list;
  /// cipher_suites of TLS 1.3, as an OpenSSL ciphersuites list; empty: defaults.
  std::string tls13_ciphersuites;
  bool prefer_server_cipher_suites = true;
  /// curve_preferences (Go's names mapped to OpenSSL's groups); empty: defaults.
  std::string groups;
};

/// \brief A parsed and validated web configuration file (exporter-toolkit's format).
///
/// An absent file section means plain HTTP, no authentication, no extra headers.
struct WebConfig {
  std::string path;                 ///< the file it came from ("" for the built-in empty one)
  std::optional<WebTlsConfig> tls;  ///< set when tls_server_config enables TLS
  /// http_server_config.headers, in file order, blank values left out.
  std::vector<std::pair<std::string, std::string>> headers;
  /// basic_auth_users: user name to bcrypt hash. Empty: no authentication.
  std::map<std::string, std::string> users;

  bool tls_enabled() const { return tls.has_value(); }
};

/// A web config file (and each certificate or key file it names) larger
/// than this is refused rather than read.
inline constexpr std::size_t kMaxWebConfigBytes = std::size_t{1} << 20;

/// \brief Parses \p yaml as the web configuration file \p file_name.
///
/// Every problem is reported as "FILE:LINE:COL: message" (one line each, all
/// of them): unknown keys (also the exporter-toolkit keys this exporter
/// cannot honour, client_allowed_sans and rate_limit, each saying so), wrong
/// types, duplicate keys, a client_auth_type, TLS version, cipher suite or
/// curve that is not known, headers exporter-toolkit does not allow or
/// values it does not accept, a basic_auth_users entry that is not a bcrypt
/// hash ($2a$, $2b$ or $2y$), a certificate without a key, both a file and
/// inline PEM, a client CA with NoClientCert, a client_auth_type that
/// verifies without a client CA, min_version above max_version. Messages
/// never contain a password hash or key material. Relative paths are
/// resolved against \p file_name's directory. Does not read the files it
/// names (BuildTlsServerContext does). Never throws.
Expected<WebConfig> LoadWebConfigString(std::string_view yaml, const std::string& file_name);

/// \brief Reads \p path with ReadSmallFile and parses it with
/// LoadWebConfigString. Never throws.
Expected<WebConfig> LoadWebConfigFile(const std::string& path);

/// \brief ReadBoundedFile (probe/core/bounded_file.h) with an error that names
/// \p what and \p path before the reason ("cannot read cert_file /x: No such
/// file or directory").
Expected<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes,
                                    std::string_view what);

}  // namespace pushprobe::exporter

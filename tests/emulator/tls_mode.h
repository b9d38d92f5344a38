#pragma once

#include <string>
#include <string_view>

namespace pushprobe::emulator {

/// \brief Which certificate the listener presents.
enum class TlsMode {
  kTrusted,      ///< "trusted": the lab server certificate (by the lab CA)
  kUntrustedCa,  ///< "untrusted-ca": same names, from a CA no client trusts
  kWrongHost,    ///< "wrong-host": by the lab CA, but for another host name
};

/// \brief The cipher suites a listener accepts, OpenSSL's spelling. Empty
/// lists keep OpenSSL's defaults; an empty TLS 1.3 list with a TLS 1.2 list
/// set turns TLS 1.3 off, so only the TLS 1.2 list decides.
struct TlsCipherSuites {
  std::string tls12;  ///< e.g. "ECDHE-RSA-CHACHA20-POLY1305"
  std::string tls13;  ///< e.g. "TLS_CHACHA20_POLY1305_SHA256"
  bool empty() const { return tls12.empty() && tls13.empty(); }
};

std::string_view TlsModeName(TlsMode mode);
/// \throw std::invalid_argument for an unknown name.
TlsMode ParseTlsMode(std::string_view name);

}  // namespace pushprobe::emulator

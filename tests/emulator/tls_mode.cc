#include "tests/emulator/tls_mode.h"

#include <stdexcept>
#include <string>

namespace pushprobe::emulator {

std::string_view TlsModeName(TlsMode mode) {
  switch (mode) {
    case TlsMode::kTrusted:
      return "trusted";
    case TlsMode::kUntrustedCa:
      return "untrusted-ca";
    case TlsMode::kWrongHost:
      return "wrong-host";
  }
  return "trusted";
}

TlsMode ParseTlsMode(std::string_view name) {
  for (TlsMode mode : {TlsMode::kTrusted, TlsMode::kUntrustedCa, TlsMode::kWrongHost}) {
    if (TlsModeName(mode) == name) return mode;
  }
  throw std::invalid_argument("unknown TLS mode '" + std::string(name) +
                              "' (trusted, untrusted-ca, wrong-host)");
}

}  // namespace pushprobe::emulator

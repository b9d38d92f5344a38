#pragma once

#include <string_view>

namespace pushprobe::emulator {

/// \brief Which certificate the listener presents.
enum class TlsMode {
  kTrusted,      ///< "trusted": the lab server certificate (by the lab CA)
  kUntrustedCa,  ///< "untrusted-ca": same names, from a CA no client trusts
  kWrongHost,    ///< "wrong-host": by the lab CA, but for another host name
};

std::string_view TlsModeName(TlsMode mode);
/// \throw std::invalid_argument for an unknown name.
TlsMode ParseTlsMode(std::string_view name);

}  // namespace pushprobe::emulator

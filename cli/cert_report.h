#pragma once

#include <string>

#include "probe/core/clock.h"

namespace pushprobe {

/// \brief What `pushprobe cert` prints about an Auth certificate.
struct CertReport {
  bool loaded = false;   ///< the certificate could be read
  bool usable = false;   ///< key present and matching, RSA >= 2048, valid now
  bool has_key = false;  ///< a matching key was found (in the key file or the certificate's)
  std::string error;     ///< why it could not be read, naming the file
  std::string text;      ///< the report, one "Name:  value" line per fact
};

/// Reads \p certificate_path (PEM or PKCS#12) and, when given or embedded, its
/// key, and describes them as of \p now. Never prints key material. Errors
/// name the key and password files by \p key_flag and \p password_flag.
CertReport BuildCertReport(const std::string& certificate_path, const std::string& key_path,
                           const std::string& password_file, WallTime now,
                           const char* key_flag = "--key",
                           const char* password_flag = "--password-file");

}  // namespace pushprobe

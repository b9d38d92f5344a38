#include "probe/net/system_trust_store.h"

#include <dirent.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <cstring>

namespace pushprobe::net_internal {
namespace {

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// OpenSSL's hash_dir lookup reads "<hash>.<n>" (certificates) files.
bool IsHashedName(const char* name) {
  for (int i = 0; i < 8; ++i) {
    if (!IsHexDigit(name[i])) return false;
  }
  if (name[8] != '.' || name[9] < '0' || name[9] > '9') return false;
  for (const char* p = name + 10; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') return false;
  }
  return true;
}

}  // namespace

std::string SystemCertificateDirectory(const char* cert_dir_env) {
  if (cert_dir_env != nullptr && *cert_dir_env != '\0') return cert_dir_env;
  return X509_get_default_cert_dir();
}

bool HasHashedCertificates(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return false;
  bool found = false;
  while (const dirent* entry = ::readdir(d)) {
    if (IsHashedName(entry->d_name)) {
      found = true;
      break;
    }
  }
  ::closedir(d);
  return found;
}

TrustStoreSource ChooseTrustStoreSource(const char* cert_file_env, const char* cert_dir_env) {
  if (cert_file_env != nullptr && *cert_file_env != '\0') return TrustStoreSource::kDefaultPaths;
  // A list of directories ("a:b") is OpenSSL's to search; keep its defaults.
  const std::string dir = SystemCertificateDirectory(cert_dir_env);
  if (dir.find(':') != std::string::npos) return TrustStoreSource::kDefaultPaths;
  return HasHashedCertificates(dir) ? TrustStoreSource::kHashedDirectory
                                    : TrustStoreSource::kDefaultPaths;
}

bool UseSystemTrustStore(SSL_CTX* ctx) {
  const char* cert_file_env = std::getenv(X509_get_default_cert_file_env());
  const char* cert_dir_env = std::getenv(X509_get_default_cert_dir_env());
  switch (ChooseTrustStoreSource(cert_file_env, cert_dir_env)) {
    case TrustStoreSource::kHashedDirectory:
      return SSL_CTX_load_verify_dir(ctx, SystemCertificateDirectory(cert_dir_env).c_str()) == 1;
    case TrustStoreSource::kDefaultPaths:
      break;
  }
  return SSL_CTX_set_default_verify_paths(ctx) == 1;
}

}  // namespace pushprobe::net_internal

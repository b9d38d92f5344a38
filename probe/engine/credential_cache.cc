#include "probe/engine/credential_cache.h"

#include <sys/stat.h>

namespace pushprobe {
namespace {

// Device, inode, size and nanosecond mtime of each file; empty when a file
// cannot be examined, so that case is always loaded afresh.
std::string DiskSignature(const std::string& a, const std::string& b, const std::string& c) {
  std::string signature;
  for (const std::string* path : {&a, &b, &c}) {
    if (path->empty()) {
      signature += "-;";
      continue;
    }
    struct stat st {};
    if (::stat(path->c_str(), &st) != 0) return "";
    signature += std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
                 std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
                 std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return signature;
}

}  // namespace

CredentialCache::Loaded CredentialCache::Load(const std::string& certificate_path,
                                              const std::string& private_key_path,
                                              const std::string& password_file) {
  std::string files = certificate_path + '\n' + private_key_path + '\n' + password_file;
  std::string signature = DiskSignature(certificate_path, private_key_path, password_file);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (credential_ && !signature.empty() && files == files_ && signature == signature_) {
      return credential_;
    }
  }
  auto loaded = SigningCredential::Load(certificate_path, private_key_path, password_file);
  if (auto* error = std::get_if<SigningCredential::LoadError>(&loaded)) return *error;
  auto credential =
      std::make_shared<const SigningCredential>(std::move(std::get<SigningCredential>(loaded)));
  std::lock_guard<std::mutex> lock(mu_);
  files_ = std::move(files);
  signature_ = std::move(signature);
  credential_ = credential;
  return credential;
}

}  // namespace pushprobe

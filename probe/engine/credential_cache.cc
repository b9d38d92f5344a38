#include "probe/engine/credential_cache.h"

#include <sys/stat.h>

#include <map>

namespace pushprobe {
namespace {

std::mutex& SharedMutex() {
  static std::mutex mu;
  return mu;
}

std::map<std::string, std::weak_ptr<const SigningCredential>>& SharedCredentials() {
  static auto* shared = new std::map<std::string, std::weak_ptr<const SigningCredential>>();
  return *shared;
}

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

// Runners whose targets name the same, unchanged files share one loaded
// credential: an RSA key with its blinding and Montgomery contexts is about
// 9 KB, which 10,000 targets with one Auth certificate would otherwise hold
// 10,000 times. Weak references, so a credential lives only as long as the
// recently-used list or a run in progress holds it.
std::shared_ptr<const SigningCredential> FindShared(const std::string& key) {
  std::lock_guard<std::mutex> lock(SharedMutex());
  auto it = SharedCredentials().find(key);
  return it == SharedCredentials().end() ? nullptr : it->second.lock();
}

void PublishShared(const std::string& key, const std::shared_ptr<const SigningCredential>& c) {
  std::lock_guard<std::mutex> lock(SharedMutex());
  auto& shared = SharedCredentials();
  shared[key] = c;
  if (shared.size() > 64) {
    for (auto it = shared.begin(); it != shared.end();) {
      it = it->second.expired() ? shared.erase(it) : std::next(it);
    }
  }
}

}  // namespace

RecentCredentials& RecentCredentials::Process() {
  static auto* process = new RecentCredentials(CredentialCache::kKept);
  return *process;
}

void RecentCredentials::Use(const std::shared_ptr<const SigningCredential>& c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = where_.find(c.get()); it != where_.end()) {
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.push_front(c);
  where_[c.get()] = order_.begin();
  if (order_.size() > capacity_) {
    where_.erase(order_.back().get());
    order_.pop_back();
  }
}

CredentialCache::Loaded CredentialCache::Load(const std::string& certificate_path,
                                              const std::string& private_key_path,
                                              const std::string& password_file,
                                              const Deadline* deadline) {
  const std::string signature = DiskSignature(certificate_path, private_key_path, password_file);
  // A file that cannot be examined has no identity to find it by: it is
  // loaded afresh, so its error (missing, unreadable) is reported as it is now.
  const std::string key = signature.empty() ? std::string()
                                            : certificate_path + '\n' + private_key_path + '\n' +
                                                  password_file + '\n' + signature;
  std::shared_ptr<const SigningCredential> credential = key.empty() ? nullptr : FindShared(key);
  if (!credential) {
    auto loaded = SigningCredential::Load(certificate_path, private_key_path, password_file,
                                          SigningCredential::SettingNames{}, deadline);
    if (!loaded) return Loaded::Error(loaded.error());
    credential = std::make_shared<const SigningCredential>(std::move(loaded).value());
    if (!key.empty()) PublishShared(key, credential);
  }
  recent_.Use(credential);
  return credential;
}

}  // namespace pushprobe

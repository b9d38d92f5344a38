#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "probe/protocol/signing_credential.h"

namespace pushprobe {

/// \brief The Auth credential of one target, loaded again only when one of
/// its files changed on disk.
///
/// Every run still sees what is on disk (a renewed, replaced or deleted file
/// is noticed at the next run through its device, inode, size and
/// modification time), without re-parsing the key and re-creating RSA
/// blinding on every run, which was a third of a check's CPU. Errors are never
/// cached. Caches of different runners naming the same unchanged files share
/// one credential. Thread-safe.
///
/// The loaded credentials are looked up in one process-wide table by their
/// files and those files' identity on disk, so a cache holds nothing of its
/// own but the list that keeps credentials alive: every runner has one, and a
/// per-runner copy of the paths, their identity and a mutex was 128 bytes
/// before a run and about 150 more after it, for each of 50,000 targets.
///
/// A cache holds its credential weakly: what keeps loaded credentials alive is
/// one process-wide list of the kKept most recently used (RecentCredentials). A parsed Auth
/// credential is about 9 KB, so 10,000 targets with a certificate each held
/// 95 MB of them; now at most kKept are kept, and past that a target's
/// credential is parsed again when it next runs (the CPU above, paid only by
/// configurations with more distinct credentials than kKept).
class CredentialCache;

/// \brief The strong references that keep loaded credentials alive: the
/// `capacity` most recently used, shared by every CredentialCache given it.
/// Thread-safe.
class RecentCredentials {
 public:
  explicit RecentCredentials(std::size_t capacity) : capacity_(capacity) {}
  RecentCredentials(const RecentCredentials&) = delete;
  RecentCredentials& operator=(const RecentCredentials&) = delete;

  /// The process's list, of CredentialCache::kKept: the one every runner uses.
  static RecentCredentials& Process();
  std::size_t capacity() const { return capacity_; }
  /// Marks \p c used now; the least recently used beyond the capacity is let
  /// go (and freed once no run holds it).
  void Use(const std::shared_ptr<const SigningCredential>& c);

 private:
  using List = std::list<std::shared_ptr<const SigningCredential>>;
  const std::size_t capacity_;
  std::mutex mu_;
  List order_;  ///< most recent first
  std::unordered_map<const SigningCredential*, List::iterator> where_;
};

class CredentialCache {
 public:
  /// Loaded credentials kept alive at most (about 9 MB).
  static constexpr std::size_t kKept = 1024;

  /// A cache whose credentials \p recent keeps alive (which must outlive it).
  explicit CredentialCache(RecentCredentials& recent = RecentCredentials::Process())
      : recent_(recent) {}

  using Loaded = Expected<std::shared_ptr<const SigningCredential>, SigningCredential::LoadError>;

  /// As SigningCredential::Load, reusing the credential loaded before from
  /// the same three files while they are unchanged and it is still alive;
  /// files that are read are read by \p deadline.
  Loaded Load(const std::string& certificate_path, const std::string& private_key_path,
              const std::string& password_file, const Deadline* deadline = nullptr);

 private:
  RecentCredentials& recent_;
};

}  // namespace pushprobe

#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "probe/core/expected.h"

struct crypt_data;

namespace pushprobe::exporter {

/// \brief Checks HTTP Basic credentials against bcrypt hashes (web config's
/// basic_auth_users) with the system's libxcrypt (crypt_rn), which knows
/// $2a$, $2b$ and $2y$.
///
/// bcrypt is slow on purpose (about 70 ms at cost 10), so, as exporter-toolkit
/// does, a successful check is remembered and a scraper sending the same
/// credentials again is let in without paying it. The cache holds SHA-256
/// digests of user, stored hash and password, never a password; a changed
/// hash in the file misses it. Failures are not remembered, and at most one
/// bcrypt runs at a time so a client guessing passwords costs one core at
/// most. An unknown user costs a bcrypt too, so timing does not tell which
/// users exist. Thread-safe.
class BasicAuth {
 public:
  BasicAuth();
  ~BasicAuth();
  BasicAuth(const BasicAuth&) = delete;
  BasicAuth& operator=(const BasicAuth&) = delete;

  /// Whether \p authorization (an Authorization header's value, "Basic
  /// base64(user:password)") names a user of \p users with the right password.
  /// A missing, malformed or non-Basic header is false. Never throws.
  bool Verify(const std::map<std::string, std::string>& users, std::string_view authorization);

  /// bcrypt computations so far (tests show the cache works with it).
  std::size_t bcrypt_runs() const;

  /// Successful checks remembered at most; the cache starts over past it.
  static constexpr std::size_t kMaxCached = 1024;

 private:
  /// Whether crypt_rn(password, hash) reproduces \p hash.
  bool Bcrypt(const std::string& password, const std::string& hash);

  mutable std::mutex cache_mu_;
  std::unordered_set<std::string> verified_;  ///< SHA-256 digests
  std::size_t bcrypt_runs_ = 0;
  std::mutex bcrypt_mu_;  ///< one bcrypt at a time; guards data_
  std::unique_ptr<crypt_data> data_;
  std::string unknown_user_setting_;  ///< a bcrypt salt to spend time on for unknown users
};

/// \brief The user and password of an Authorization header of the Basic
/// scheme (RFC 7617).
struct BasicCredentials {
  std::string user;
  std::string password;  ///< the caller wipes it once checked
};

/// The credentials of \p header, or why it is not a Basic authorization
/// (the error never holds any part of the header).
Expected<BasicCredentials> ParseBasicAuthorization(std::string_view header);

}  // namespace pushprobe::exporter

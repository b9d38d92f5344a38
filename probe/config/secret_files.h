#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/target_config.h"

namespace pushprobe {

/// \brief The groups that may read secret files: the process's own group and
/// the service's (`pushprobe`, the packaged layout's root:pushprobe 0640).
struct SecretFileGroups {
  std::vector<gid_t> allowed;
  /// The effective group and the `pushprobe` group when it exists.
  static SecretFileGroups OfThisProcess();
};

/// \brief The one rule for secret files (a private key, a PKCS#12 or combined
/// PEM, a key password file), as ssh has for keys: a file others can read
/// always warns; one its group can read warns unless that group is allowed.
/// \p what names the file ("private_key", "certificate"), \p mode and \p gid
/// are its stat. The warning names the file and the exact chmod to run:
/// "private_key /etc/pushprobe/auth.key is readable by others (mode 0644);
/// run: chmod o-rwx /etc/pushprobe/auth.key". nullopt when it is fine.
std::optional<std::string> SecretFileWarning(std::string_view what, const std::string& path,
                                             mode_t mode, gid_t gid,
                                             const SecretFileGroups& groups);

/// The warnings for the secret files \p targets name (the private key, or the
/// certificate file when it holds the key, the key's password file and the
/// proxy's password file), each file
/// once, in the order first named. Files that cannot be examined are left to
/// the run to report. Only stat(2): nothing is opened.
std::vector<std::string> SecretFileWarnings(const std::vector<const TargetConfig*>& targets,
                                            const SecretFileGroups& groups);

}  // namespace pushprobe

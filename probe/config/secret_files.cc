#include "probe/config/secret_files.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "probe/core/bounded_file.h"

namespace pushprobe {
namespace {

// A path as a shell word, so the printed command can be pasted as it is.
std::string ShellWord(const std::string& path) {
  const bool plain = !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '.' || c == '_' || c == '-' || c == '+' || c == ':' || c == '@';
  });
  if (plain) return path;
  std::string word = "'";
  for (char c : path) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return word + "'";
}

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Whether the file at path is PEM text with no private key in it (a
// certificate given as the key file by mistake): public, so no secret. Any
// other content, and a file that cannot be read, counts as holding a key.
bool PemWithoutPrivateKey(const std::string& path) {
  Expected<std::string> text = ReadBoundedFile(path, kMaxCredentialFileBytes);
  if (!text) return false;
  const std::string& pem = text.value();
  const bool is_pem = pem.find("-----BEGIN ") != std::string::npos;
  const bool has_key = pem.find("PRIVATE KEY-----") != std::string::npos;
  std::fill(text.value().begin(), text.value().end(), '\0');  // it may hold a key after all
  return is_pem && !has_key;
}

}  // namespace

SecretFileGroups SecretFileGroups::OfThisProcess() {
  SecretFileGroups groups;
  groups.allowed.push_back(::getegid());
  struct group entry {};
  struct group* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getgrnam_r("pushprobe", &entry, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr) {
    groups.allowed.push_back(found->gr_gid);
  }
  return groups;
}

std::optional<std::string> SecretFileWarning(std::string_view what, const std::string& path,
                                             mode_t mode, gid_t gid,
                                             const SecretFileGroups& groups) {
  const bool others = (mode & S_IROTH) != 0;
  const bool group =
      (mode & S_IRGRP) != 0 &&
      std::find(groups.allowed.begin(), groups.allowed.end(), gid) == groups.allowed.end();
  if (!others && !group) return std::nullopt;
  const char* who = others && group ? "its group and others" : others ? "others" : "its group";
  const char* fix = others && group ? "go-rwx" : others ? "o-rwx" : "g-rwx";
  return std::string(what) + " " + path +
         (what == "certificate" || what == "next_certificate" ? " holds the private key and" : "") +
         " is readable by " + who + " (mode " + Octal(mode) + "); run: chmod " + fix + " " +
         ShellWord(path);
}

std::vector<std::string> SecretFileWarnings(const std::vector<const TargetConfig*>& targets,
                                            const SecretFileGroups& groups) {
  std::vector<std::string> warnings;
  std::set<std::string> seen;
  auto check = [&](std::string_view what, const std::string& path) {
    if (path.empty() || !seen.insert(path).second) return;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    std::optional<std::string> warning =
        SecretFileWarning(what, path, st.st_mode, st.st_gid, groups);
    if (!warning) return;
    // Read only when its mode would be warned about: a key file with no key in it is public.
    const bool key_file = what == "private_key" || what == "next_private_key";
    if (key_file && PemWithoutPrivateKey(path)) return;
    warnings.push_back(std::move(*warning));
  };
  for (const TargetConfig* target : targets) {
    // Without private_key the key is in the certificate file (a combined PEM
    // or a PKCS#12), which makes that file a secret.
    if (target->private_key.empty()) {
      check("certificate", target->certificate);
    } else {
      check("private_key", target->private_key);
    }
    check("private_key_password_file", target->private_key_password_file);
    // The next Auth certificate's key is as secret as the current one's.
    if (target->next_private_key.empty()) {
      check("next_certificate", target->next_certificate);
    } else {
      check("next_private_key", target->next_private_key);
    }
    check("next_private_key_password_file", target->next_private_key_password_file);
    check("proxy_password_file", target->proxy_password_file);
  }
  return warnings;
}

}  // namespace pushprobe

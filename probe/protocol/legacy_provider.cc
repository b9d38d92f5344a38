#include "probe/protocol/legacy_provider.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include <cstdlib>
#include <mutex>

namespace pushprobe {
namespace {

// OpenSSL_version says `MODULESDIR: "/usr/lib/x86_64-linux-gnu/ossl-modules"`;
// the path is what is between the quotes.
std::string BuiltInModulesDir() {
  std::string text = OpenSSL_version(OPENSSL_MODULES_DIR);
  const auto open = text.find('"');
  const auto close = text.rfind('"');
  if (open == std::string::npos || close <= open) return text;
  return text.substr(open + 1, close - open - 1);
}

}  // namespace

std::string LoadLegacyProvider() {
  static std::mutex mu;
  static OSSL_PROVIDER* legacy = nullptr;  // kept for the process, never unloaded
  std::lock_guard<std::mutex> lock(mu);
  if (legacy != nullptr) return "";
  ERR_clear_error();
  // retain_fallbacks = 1: loading a provider explicitly would otherwise stop
  // OpenSSL from activating the default one for everything else.
  legacy = OSSL_PROVIDER_try_load(nullptr, "legacy", 1);
  if (legacy != nullptr) return "";
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  // Where OpenSSL looked: OPENSSL_MODULES when set, else its built-in directory.
  const char* env = std::getenv("OPENSSL_MODULES");
  const std::string dir =
      env != nullptr ? std::string(env) + " (OPENSSL_MODULES)" : BuiltInModulesDir();
  return std::string("OpenSSL's legacy provider cannot be loaded") +
         (reason != nullptr ? std::string(" (") + reason + ")" : std::string()) +
         "; it is the module legacy.so in " + dir;
}

}  // namespace pushprobe

#include "tests/fuzz/fuzz_targets.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string_view>

#include "probe/config/config_loader.h"
#include "probe/net/response_parser.h"
#include "probe/protocol/auth_metadata.h"
#include "probe/protocol/bearer_challenge.h"
#include "probe/protocol/encoding.h"
#include "probe/protocol/openid_configuration.h"
#include "probe/protocol/push_fault.h"
#include "probe/protocol/signing_credential.h"
#include "probe/protocol/token_response.h"
#include "probe/protocol/url.h"
#include "tests/fuzz/fuzz_files.h"

namespace pushprobe::fuzz {
namespace {

std::string_view View(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

const std::string& MessageOf(const std::string& error) { return error; }
std::string MessageOf(const UrlError& error) { return error.Message(); }

// A parser that fails must say why: an empty message is a contract breach.
template <typename T, typename E>
bool Explained(const Expected<T, E>& result) {
  return result.ok() || !MessageOf(result.error()).empty();
}

bool FuzzMetadata(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseAuthMetadata(View(d, n)));
}
bool FuzzOpenIdConfiguration(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseOpenIdConfiguration(View(d, n)));
}
bool FuzzChallenge(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseBearerChallenge(View(d, n)));
}
bool FuzzToken(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseTokenAnswer(View(d, n)));
}
bool FuzzFault(const std::uint8_t* d, std::size_t n) {
  return Explained(ParsePushFault(View(d, n)));
}
bool FuzzDiagnostics(const std::uint8_t* d, std::size_t n) {
  return Explained(ParseMsDiagnostics(View(d, n)));
}
bool FuzzUrl(const std::uint8_t* d, std::size_t n) {
  std::string_view text = View(d, n);
  std::size_t split = text.find('\n');
  if (split == std::string_view::npos) return Explained(ParseUrl(text));
  return Explained(ResolveReference(text.substr(0, split), text.substr(split + 1)));
}
bool FuzzBase64(const std::uint8_t* d, std::size_t n) {
  return Explained(Base64Decode(View(d, n)));
}
bool ConfigExplained(const ConfigLoadResult& result) {
  if (result.config.has_value()) return result.errors.empty();
  if (result.errors.empty()) return false;
  for (const ConfigError& error : result.errors) {
    if (error.message.empty()) return false;
  }
  return true;
}
bool FuzzConfig(const std::uint8_t* d, std::size_t n) {
  return ConfigExplained(LoadConfigString(View(d, n), "fuzz.yml"));
}

// What the certificate stage and `pushprobe cert` read of a loaded credential.
void UseCredential(const SigningCredential& credential, std::string_view pin) {
  std::string facts = credential.Thumbprint() + credential.X5t() + credential.X5tS256() +
                      credential.Subject() + credential.Issuer() + credential.KeyType() +
                      credential.DerBase64();
  (void)facts;
  (void)credential.NotBefore();
  (void)credential.NotAfter();
  // A day into the validity, so the verdict depends on the input alone.
  (void)EvaluateCredential(credential, credential.NotBefore() + std::chrono::hours(24), pin);
  // A fuzzed 16384-bit key would make each signature take a second.
  if (credential.has_key() && credential.KeyType() == "RSA" && credential.KeyBits() <= 4096) {
    try {
      (void)credential.SignRs256("header.claims");
    } catch (const std::runtime_error&) {
      // Documented for a key OpenSSL cannot sign with.
    }
  }
}

// Loads as the check does, then as `pushprobe cert` does when the key is
// missing; every failure must carry a message.
bool LoadCredential(const std::string& certificate, const std::string& key,
                    const std::string& password_file, std::string_view pin) {
  auto loaded = SigningCredential::Load(certificate, key, password_file);
  if (!loaded) {
    if (loaded.error().message.empty()) return false;
    if (loaded.error().reason != Reason::kCertMissing) return true;
    loaded = SigningCredential::LoadCertificateOnly(certificate, password_file);
    if (!loaded) return !loaded.error().message.empty();
  }
  UseCredential(loaded.value(), pin);
  return true;
}

// Input: certificate file [--8<-- private key file [--8<-- password file]].
// An absent or empty key part means the key is read from the certificate file.
bool FuzzSigningCredential(const std::uint8_t* d, std::size_t n) {
  std::vector<std::string_view> parts = SplitParts(View(d, n));
  const ScratchDir& dir = ScratchDir::Get();
  std::string certificate = dir.Write("auth.pem", parts[0]);
  std::string key = parts.size() > 1 && !parts[1].empty() ? dir.Write("auth.key", parts[1]) : "";
  std::string password = parts.size() > 2 ? dir.Write("auth.pass", parts[2]) : "";
  return LoadCredential(certificate, key, password, "");
}

// Input: YAML configuration [--8<-- auth.pem [--8<-- auth.key [--8<-- auth.pass]]],
// the files written next to the configuration, so relative paths find them.
// Each target's credential is loaded only when every path it names is one of
// those files: fuzzed paths must never reach the rest of the file system.
bool FuzzConfigWithCertificates(const std::uint8_t* d, std::size_t n) {
  static constexpr std::string_view kFiles[] = {"auth.pem", "auth.key", "auth.pass"};
  std::vector<std::string_view> parts = SplitParts(View(d, n));
  const ScratchDir& dir = ScratchDir::Get();
  std::vector<std::string> written;
  for (std::size_t i = 0; i < std::size(kFiles); ++i) {
    if (i + 1 < parts.size()) {
      written.push_back(dir.Write(kFiles[i], parts[i + 1]));
    } else {
      std::remove(dir.File(kFiles[i]).c_str());  // no stale file from an earlier input
    }
  }
  ConfigLoadResult result = LoadConfigString(parts[0], dir.File("pushprobe.yml"));
  if (!ConfigExplained(result)) return false;
  if (!result.ok()) return true;
  auto confined = [&](const std::string& path, bool optional) {
    if (optional && path.empty()) return true;
    return std::find(written.begin(), written.end(), path) != written.end();
  };
  for (const TargetConfig& target : result.config->targets) {
    if (confined(target.certificate, false) && confined(target.private_key, true) &&
        confined(target.private_key_password_file, true) &&
        !LoadCredential(target.certificate, target.private_key, target.private_key_password_file,
                        target.thumbprint)) {
      return false;
    }
  }
  return true;
}

bool FuzzHttpResponse(const std::uint8_t* d, std::size_t n) {
  // Split the input in two feeds so chunk and header boundaries move around.
  std::string_view text = View(d, n);
  net_internal::ResponseParser parser(false, 4096);
  parser.Feed(text.substr(0, n / 2));
  parser.Feed(text.substr(n / 2));
  if (!parser.done() && !parser.failed()) parser.FinishAtEof();
  return parser.done() || (parser.failed() && !parser.error().empty());
}

}  // namespace

const std::vector<FuzzTarget>& AllFuzzTargets() {
  static const std::vector<FuzzTarget> kTargets = {
      {"auth_metadata", FuzzMetadata},
      {"openid_configuration", FuzzOpenIdConfiguration},
      {"bearer_challenge", FuzzChallenge},
      {"token_response", FuzzToken},
      {"push_fault", FuzzFault},
      {"ms_diagnostics", FuzzDiagnostics},
      {"url", FuzzUrl},
      {"base64", FuzzBase64},
      {"config", FuzzConfig},
      {"config_certificates", FuzzConfigWithCertificates},
      {"signing_credential", FuzzSigningCredential},
      {"http_response", FuzzHttpResponse},
  };
  return kTargets;
}

}  // namespace pushprobe::fuzz

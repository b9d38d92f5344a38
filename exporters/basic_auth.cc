#include "exporters/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>

namespace pushprobe::exporter {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 with optional padding; false on anything else.
bool DecodeBase64(std::string_view in, std::string* out) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return false;
  out->clear();
  unsigned int bits = 0;
  int count = 0;
  for (char c : in) {
    const int v = Base64Value(c);
    if (v < 0) return false;
    bits = (bits << 6) | static_cast<unsigned int>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out->push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return true;
}

std::string Digest(const std::string& user, const std::string& hash, const std::string& password) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const unsigned char zero = 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, user.data(), user.size());
  EVP_DigestUpdate(ctx, &zero, 1);
  EVP_DigestUpdate(ctx, hash.data(), hash.size());
  EVP_DigestUpdate(ctx, &zero, 1);
  EVP_DigestUpdate(ctx, password.data(), password.size());
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(md), n);
}

}  // namespace

Expected<BasicCredentials> ParseBasicAuthorization(std::string_view header) {
  using Result = Expected<BasicCredentials>;
  constexpr std::string_view kScheme = "Basic";
  if (header.size() <= kScheme.size() ||
      !EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme) ||
      header[kScheme.size()] != ' ') {
    return Result::Error("not the Basic scheme");
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  std::string decoded;
  if (token.empty() || !DecodeBase64(token, &decoded)) return Result::Error("not base64");
  const std::size_t colon = decoded.find(':');
  if (colon == std::string::npos) {
    OPENSSL_cleanse(decoded.data(), decoded.size());
    return Result::Error("no colon between user and password");
  }
  Result credentials(BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)});
  OPENSSL_cleanse(decoded.data(), decoded.size());
  return credentials;
}

BasicAuth::BasicAuth() : data_(std::make_unique<crypt_data>()) {
  std::memset(data_.get(), 0, sizeof(crypt_data));
  // Cost 10, what htpasswd -B and exporter-toolkit's documentation use.
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", 10, nullptr, 0, setting, sizeof setting) != nullptr) {
    unknown_user_setting_ = setting;
  }
}

BasicAuth::~BasicAuth() { OPENSSL_cleanse(data_.get(), sizeof(crypt_data)); }

bool BasicAuth::Bcrypt(const std::string& password, const std::string& hash) {
  std::lock_guard<std::mutex> lock(bcrypt_mu_);
  {
    std::lock_guard<std::mutex> count(cache_mu_);
    ++bcrypt_runs_;
  }
  const char* out = crypt_rn(password.c_str(), hash.c_str(), data_.get(), sizeof(crypt_data));
  const bool ok = out != nullptr && std::strlen(out) == hash.size() &&
                  CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
  // crypt_data keeps the hash it made; wipe it with the password's traces.
  OPENSSL_cleanse(data_.get(), sizeof(crypt_data));
  return ok;
}

bool BasicAuth::Verify(const std::map<std::string, std::string>& users,
                       std::string_view authorization) {
  Expected<BasicCredentials> credentials = ParseBasicAuthorization(authorization);
  if (!credentials) return false;
  const std::string& user = credentials->user;
  std::string& password = credentials.value().password;
  // bcrypt reads a C string: a NUL would cut the password short.
  if (password.find('\0') != std::string::npos) return false;
  auto it = users.find(user);
  if (it == users.end()) {
    if (!unknown_user_setting_.empty()) Bcrypt(password, unknown_user_setting_);
    OPENSSL_cleanse(password.data(), password.size());
    return false;
  }
  const std::string key = Digest(user, it->second, password);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (verified_.count(key) != 0) {
      OPENSSL_cleanse(password.data(), password.size());
      return true;
    }
  }
  const bool ok = Bcrypt(password, it->second);
  OPENSSL_cleanse(password.data(), password.size());
  if (ok) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (verified_.size() >= kMaxCached) verified_.clear();
    verified_.insert(key);
  }
  return ok;
}

std::size_t BasicAuth::bcrypt_runs() const {
  std::lock_guard<std::mutex> lock(cache_mu_);
  return bcrypt_runs_;
}

}  // namespace pushprobe::exporter

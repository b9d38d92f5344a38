#include "exporters/web_config_access.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "exporters/tls_server_context.h"

namespace pushprobe::exporter {

namespace {

// Appends \p bytes to \p md with its length, so file boundaries count.
void Feed(EVP_MD_CTX* md, const std::string& bytes) {
  const std::uint64_t n = bytes.size();
  EVP_DigestUpdate(md, &n, sizeof n);
  EVP_DigestUpdate(md, bytes.data(), bytes.size());
}

}  // namespace

std::shared_ptr<const WebConfigAccess::Snapshot> WebConfigAccess::Load(const std::string& path,
                                                                       const Snapshot* current,
                                                                       std::string* error) {
  Expected<std::string> text = ReadSmallFile(path, kMaxWebConfigBytes, "web config file");
  if (!text) {
    *error = text.error();
    return nullptr;
  }
  Expected<WebConfig> config = LoadWebConfigString(text.value(), path);
  if (!config) {
    *error = config.error();
    return nullptr;
  }
  // The digest covers what the TLS context is made of, so a certificate
  // replaced under the same name is noticed; the bytes themselves (a key
  // among them) are not kept.
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr);
  Feed(md.get(), text.value());
  if (const auto& tls = config->tls) {
    for (const auto& [file, what] :
         {std::pair{&tls->cert_file, "cert_file"}, std::pair{&tls->key_file, "key_file"},
          std::pair{&tls->client_ca_file, "client_ca_file"}}) {
      if (file->empty()) continue;
      Expected<std::string> bytes = ReadSmallFile(*file, kMaxWebConfigBytes, what);
      if (!bytes) {
        *error = path + ": " + bytes.error();
        return nullptr;
      }
      Feed(md.get(), bytes.value());
      OPENSSL_cleanse(bytes.value().data(), bytes.value().size());
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(md.get(), digest, &size);
  std::string digest_text(reinterpret_cast<const char*>(digest), size);
  if (current != nullptr && current->digest == digest_text) return nullptr;

  auto next = std::make_shared<Snapshot>();
  next->digest = std::move(digest_text);
  if (config->tls) {
    auto ctx = BuildTlsServerContext(*config->tls);
    if (!ctx) {
      *error = path + ": " + ctx.error();
      return nullptr;
    }
    next->tls = std::move(ctx).value();
  }
  next->config = std::move(config).value();
  return next;
}

Expected<std::unique_ptr<WebConfigAccess>> WebConfigAccess::Open(const std::string& path,
                                                                 Logger& logger) {
  using Result = Expected<std::unique_ptr<WebConfigAccess>>;
  std::string error;
  std::shared_ptr<const Snapshot> first = Load(path, nullptr, &error);
  if (!first) return Result::Error(error);
  std::unique_ptr<WebConfigAccess> access(new WebConfigAccess(path, logger));
  access->current_ = std::move(first);
  const WebConfig& c = access->current_->config;
  logger.Log(LogLevel::kInfo, "loaded web config",
             {{"file", path},
              {"tls", c.tls ? "true" : "false"},
              {"client_auth", c.tls ? std::string(ClientAuthName(c.tls->client_auth)) : ""},
              {"basic_auth_users", std::to_string(c.users.size())}});
  return access;
}

std::optional<std::string> WebConfigAccess::Check(const std::string& path) {
  std::string error;
  if (!Load(path, nullptr, &error)) return error;
  return std::nullopt;
}

std::shared_ptr<const WebConfigAccess::Snapshot> WebConfigAccess::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

std::optional<std::string> WebConfigAccess::Refresh() {
  std::shared_ptr<const Snapshot> current = Current();
  std::string error;
  std::shared_ptr<const Snapshot> next = Load(path_, current.get(), &error);
  std::lock_guard<std::mutex> lock(mu_);
  if (!error.empty()) {
    if (error != last_error_) {
      last_error_ = error;
      logger_.Log(LogLevel::kError, "error loading web config, keeping the running one",
                  {{"file", path_}, {"err", error}});
    }
    return error;
  }
  last_error_.clear();
  if (next) {
    current_ = std::move(next);
    logger_.Log(LogLevel::kInfo, "loaded web config",
                {{"file", path_},
                 {"tls", current_->tls ? "true" : "false"},
                 {"basic_auth_users", std::to_string(current_->config.users.size())}});
  }
  return std::nullopt;
}

std::optional<std::string> WebConfigAccess::Reload() { return Refresh(); }

ConnectionSecurity WebConfigAccess::ForNewConnection() {
  Refresh();
  ConnectionSecurity security;
  security.tls = Current()->tls;
  return security;
}

std::optional<HttpRouterResponse> WebConfigAccess::Authorize(const HttpRouterRequest& request) {
  std::shared_ptr<const Snapshot> current = Current();
  if (current->config.users.empty()) return std::nullopt;
  const std::string* authorization = request.Header("authorization");
  if (authorization != nullptr && auth_.Verify(current->config.users, *authorization)) {
    return std::nullopt;
  }
  HttpRouterResponse denied;
  denied.status = 401;
  denied.headers.emplace_back("WWW-Authenticate", "Basic");
  denied.body = "Unauthorized\n";
  return denied;
}

std::vector<std::pair<std::string, std::string>> WebConfigAccess::ResponseHeaders() {
  return Current()->config.headers;
}

bool WebConfigAccess::tls_enabled() const { return Current()->tls != nullptr; }

}  // namespace pushprobe::exporter

#include "exporters/web_config_access.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "exporters/tls_server_context.h"
#include "probe/core/openssl_ptr.h"

namespace pushprobe::exporter {

namespace {

// Appends \p bytes to \p md with its length, so file boundaries count.
void Feed(EVP_MD_CTX* md, const std::string& bytes) {
  const std::uint64_t n = bytes.size();
  EVP_DigestUpdate(md, &n, sizeof n);
  EVP_DigestUpdate(md, bytes.data(), bytes.size());
}

}  // namespace

Expected<std::shared_ptr<const WebConfigAccess::Snapshot>> WebConfigAccess::Load(
    const std::string& path, const Snapshot* current) {
  using Result = Expected<std::shared_ptr<const Snapshot>>;
  Expected<std::string> text = ReadSmallFile(path, kMaxWebConfigBytes, "web config file");
  if (!text) return Result::Error(text.error());
  Expected<WebConfig> config = LoadWebConfigString(text.value(), path);
  if (!config) return Result::Error(config.error());
  // The digest covers what the TLS context is made of, so a certificate
  // replaced under the same name is noticed; the bytes themselves (a key
  // among them) are not kept.
  MdCtxPtr md(EVP_MD_CTX_new());
  EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr);
  Feed(md.get(), text.value());
  if (const auto& tls = config->tls) {
    for (const auto& [file, what] :
         {std::pair{&tls->cert_file, "cert_file"}, std::pair{&tls->key_file, "key_file"},
          std::pair{&tls->client_ca_file, "client_ca_file"}}) {
      if (file->empty()) continue;
      Expected<std::string> bytes = ReadSmallFile(*file, kMaxWebConfigBytes, what);
      if (!bytes) return Result::Error(path + ": " + bytes.error());
      Feed(md.get(), bytes.value());
      OPENSSL_cleanse(bytes.value().data(), bytes.value().size());
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(md.get(), digest, &size);
  std::string digest_text(reinterpret_cast<const char*>(digest), size);
  if (current != nullptr && current->digest == digest_text) {
    return std::shared_ptr<const Snapshot>();  // unchanged
  }

  auto next = std::make_shared<Snapshot>();
  next->digest = std::move(digest_text);
  if (config->tls) {
    auto ctx = BuildTlsServerContext(*config->tls);
    if (!ctx) return Result::Error(path + ": " + ctx.error());
    next->tls = std::move(ctx).value();
  }
  next->config = std::move(config).value();
  return std::shared_ptr<const Snapshot>(std::move(next));
}

Expected<std::unique_ptr<WebConfigAccess>> WebConfigAccess::Open(const std::string& path,
                                                                 Logger& logger) {
  using Result = Expected<std::unique_ptr<WebConfigAccess>>;
  Expected<std::shared_ptr<const Snapshot>> first = Load(path, nullptr);
  if (!first) return Result::Error(first.error());
  std::unique_ptr<WebConfigAccess> access(new WebConfigAccess(path, logger));
  access->current_ = std::move(first).value();
  const WebConfig& c = access->current_->config;
  logger.Log(LogLevel::kInfo, "loaded web config",
             {{"file", path},
              {"tls", c.tls ? "true" : "false"},
              {"client_auth", c.tls ? std::string(ClientAuthName(c.tls->client_auth)) : ""},
              {"basic_auth_users", std::to_string(c.users.size())}});
  return access;
}

Expected<void> WebConfigAccess::Check(const std::string& path) {
  Expected<std::shared_ptr<const Snapshot>> loaded = Load(path, nullptr);
  if (!loaded) return Expected<void>::Error(loaded.error());
  return {};
}

std::shared_ptr<const WebConfigAccess::Snapshot> WebConfigAccess::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

Expected<void> WebConfigAccess::Refresh() {
  std::shared_ptr<const Snapshot> current = Current();
  Expected<std::shared_ptr<const Snapshot>> next = Load(path_, current.get());
  std::lock_guard<std::mutex> lock(mu_);
  if (!next) {
    const std::string& error = next.error();
    if (error != last_error_) {
      last_error_ = error;
      logger_.Log(LogLevel::kError, "error loading web config, keeping the running one",
                  {{"file", path_}, {"err", error}});
    }
    return Expected<void>::Error(error);
  }
  last_error_.clear();
  if (next.value()) {
    current_ = std::move(next).value();
    logger_.Log(LogLevel::kInfo, "loaded web config",
                {{"file", path_},
                 {"tls", current_->tls ? "true" : "false"},
                 {"basic_auth_users", std::to_string(current_->config.users.size())}});
  }
  return {};
}

Expected<void> WebConfigAccess::Reload() { return Refresh(); }

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

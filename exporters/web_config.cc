#include "exporters/web_config.h"

#include <openssl/obj_mac.h>
#include <openssl/ssl.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>
#include <tuple>

#include "probe/config/config_loader.h"
#include "probe/config/yaml_kind.h"
#include "probe/config/yaml_tree.h"
#include "probe/core/bounded_file.h"
#include "probe/core/openssl_ptr.h"
#include "probe/core/quote_text.h"

namespace pushprobe::exporter {

namespace {

std::string KindOf(const YAML::Node& node) {
  return YamlKindName(node.Type(), SequenceWord::kList);
}

struct ClientAuthEntry {
  std::string_view name;
  ClientAuth auth;
};
// "RequireClientCert" is exporter-toolkit's old spelling of RequireAnyClientCert.
constexpr ClientAuthEntry kClientAuths[] = {
    {"NoClientCert", ClientAuth::kNoClientCert},
    {"RequestClientCert", ClientAuth::kRequestClientCert},
    {"RequireAnyClientCert", ClientAuth::kRequireAnyClientCert},
    {"RequireClientCert", ClientAuth::kRequireAnyClientCert},
    {"VerifyClientCertIfGiven", ClientAuth::kVerifyClientCertIfGiven},
    {"RequireAndVerifyClientCert", ClientAuth::kRequireAndVerifyClientCert},
};

struct VersionEntry {
  std::string_view name;
  int version;
};
constexpr VersionEntry kVersions[] = {
    {"TLS10", TLS1_VERSION},
    {"TLS11", TLS1_1_VERSION},
    {"TLS12", TLS1_2_VERSION},
    {"TLS13", TLS1_3_VERSION},
};

// Go's names for the curves exporter-toolkit accepts, and OpenSSL's.
constexpr std::pair<std::string_view, std::string_view> kCurves[] = {
    {"CurveP256", "P-256"},
    {"CurveP384", "P-384"},
    {"CurveP521", "P-521"},
    {"X25519", "X25519"},
};

// The headers exporter-toolkit lets a web config set, with the values it
// accepts where they are an enumeration (empty: any value).
struct HeaderRule {
  std::string_view name;
  std::vector<std::string_view> values;
};
const HeaderRule kHeaderRules[] = {
    {"Strict-Transport-Security", {}},
    {"X-Content-Type-Options", {"nosniff"}},
    {"X-Frame-Options", {"deny", "sameorigin"}},
    {"X-XSS-Protection", {}},
    {"Content-Security-Policy", {}},
};

// Every cipher this OpenSSL build knows, by its IANA (RFC) name, which is
// how Go and therefore exporter-toolkit name them.
struct CipherName {
  std::string openssl;
  bool tls13;
};
std::optional<CipherName> FindCipher(std::string_view iana) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_method()));
  if (!ctx) return std::nullopt;
  // Every TLS 1.2 cipher, even those off by default, and every TLS 1.3 suite.
  if (SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL") != 1) return std::nullopt;
  SSL_CTX_set_ciphersuites(ctx.get(),
                           "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_"
                           "SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256");
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(ctx.get());
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
    const char* standard = SSL_CIPHER_standard_name(cipher);
    if (standard != nullptr && iana == standard) {
      return CipherName{SSL_CIPHER_get_name(cipher), SSL_CIPHER_get_kx_nid(cipher) == NID_kx_any};
    }
  }
  return std::nullopt;
}

bool IsBcryptBase64(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/';
}

// "$2y$10$" + 22 characters of salt + 31 of hash, cost 04 to 31: what
// htpasswd -B, mkpasswd -m bcrypt and Go's bcrypt write.
bool IsBcryptHash(std::string_view h) {
  if (h.size() != 60 || h.substr(0, 2) != "$2" || h[3] != '$' || h[6] != '$') return false;
  if (h[2] != 'a' && h[2] != 'b' && h[2] != 'y') return false;
  if (h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9') return false;
  const int cost = (h[4] - '0') * 10 + (h[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(h.begin() + 7, h.end(), IsBcryptBase64);
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7f;
  });
}

class Parser {
 public:
  Parser(std::string file, std::filesystem::path base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  Expected<WebConfig> Parse(std::string_view yaml);

 private:
  void Error(const YAML::Mark& mark, std::string message) {
    if (mark.is_null()) {
      errors_.push_back({file_, 0, 0, std::move(message)});
    } else {
      errors_.push_back({file_, mark.line + 1, mark.column + 1, std::move(message)});
    }
  }
  // yaml-cpp marks an empty value at the next token, often a later line.
  static YAML::Mark MarkOf(const YAML::Node& key, const YAML::Node& value) {
    return value.IsNull() || value.Mark().is_null() ? key.Mark() : value.Mark();
  }

  // Calls \p each for every key of \p map, reporting non-string and duplicate keys.
  template <typename Fn>
  void ForEachKey(const YAML::Node& map, const std::string& scope, Fn each) {
    std::map<std::string, int> seen;
    for (const auto& entry : map) {
      if (!entry.first.IsScalar()) {
        Error(entry.first.Mark(),
              "keys of " + scope + " must be strings, got " + KindOf(entry.first));
        continue;
      }
      const std::string& key = entry.first.Scalar();
      auto [it, fresh] = seen.emplace(key, entry.first.Mark().line + 1);
      if (!fresh) {
        Error(entry.first.Mark(), "duplicate key " + QuoteExcerpt(key) + " in " + scope +
                                      " (first at line " + std::to_string(it->second) + ")");
        continue;
      }
      each(key, entry.first, entry.second);
    }
  }

  bool IsMapOrNull(const YAML::Node& key, const YAML::Node& value, const std::string& name) {
    if (value.IsMap() || value.IsNull()) return true;
    Error(MarkOf(key, value), name + " must be a map, got " + KindOf(value));
    return false;
  }

  std::optional<std::string> String(const YAML::Node& key, const YAML::Node& value,
                                    const std::string& name) {
    if (value.IsScalar()) return value.Scalar();
    if (value.IsNull()) return std::string();
    Error(MarkOf(key, value), name + " must be a string, got " + KindOf(value));
    return std::nullopt;
  }

  std::optional<std::vector<std::pair<std::string, YAML::Mark>>> StringList(
      const YAML::Node& key, const YAML::Node& value, const std::string& name) {
    std::vector<std::pair<std::string, YAML::Mark>> out;
    if (value.IsNull()) return out;
    if (!value.IsSequence()) {
      Error(MarkOf(key, value), name + " must be a list of strings, got " + KindOf(value));
      return std::nullopt;
    }
    for (const YAML::Node& item : value) {
      if (!item.IsScalar()) {
        Error(item.IsNull() ? value.Mark() : item.Mark(),
              name + " entries must be strings, got " + KindOf(item));
        return std::nullopt;
      }
      out.emplace_back(item.Scalar(), item.Mark());
    }
    return out;
  }

  std::optional<bool> Bool(const YAML::Node& key, const YAML::Node& value,
                           const std::string& name) {
    if (value.IsScalar() && (value.Scalar() == "true" || value.Scalar() == "false")) {
      return value.Scalar() == "true";
    }
    Error(MarkOf(key, value), name + " must be true or false");
    return std::nullopt;
  }

  std::string ResolvePath(const std::string& path) const {
    std::filesystem::path p(path);
    if (p.is_absolute()) return path;
    return (base_dir_ / p).lexically_normal().string();
  }

  void Root(const YAML::Node& root);
  void Tls(const YAML::Node& section, const YAML::Mark& section_mark);
  void Http(const YAML::Node& section);
  void Users(const YAML::Node& section);

  std::string file_;
  std::filesystem::path base_dir_;
  std::vector<ConfigError> errors_;
  WebConfig config_;
};

void Parser::Root(const YAML::Node& root) {
  if (root.IsNull()) return;  // an empty file: plain HTTP, as without the flag
  if (!root.IsMap()) {
    Error(root.Mark(),
          "the web configuration must be a map of tls_server_config, "
          "http_server_config and basic_auth_users, got " +
              KindOf(root));
    return;
  }
  ForEachKey(root, "the web configuration",
             [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
               if (key == "tls_server_config") {
                 if (IsMapOrNull(k, v, key)) Tls(v, k.Mark());
               } else if (key == "http_server_config") {
                 if (IsMapOrNull(k, v, key)) Http(v);
               } else if (key == "basic_auth_users") {
                 if (IsMapOrNull(k, v, key)) Users(v);
               } else if (key == "rate_limit") {
                 Error(k.Mark(),
                       "rate_limit is not supported by pushprobe-exporter: remove it "
                       "(/probe has its own limits on concurrent runs)");
               } else {
                 Error(k.Mark(),
                       "unknown key " + QuoteExcerpt(key) +
                           " (expected tls_server_config, http_server_config or basic_auth_users)");
               }
             });
}

void Parser::Tls(const YAML::Node& section, const YAML::Mark& section_mark) {
  if (section.IsNull()) return;
  WebTlsConfig tls;
  std::optional<YAML::Mark> client_auth_mark;
  bool enabled = false;
  struct Versions {
    std::string name;
    YAML::Mark mark;
  } min{"TLS12", {}}, max{"TLS13", {}};
  tls.min_version = TLS1_2_VERSION;
  tls.max_version = TLS1_3_VERSION;
  std::vector<std::string> tls12;
  std::vector<std::string> tls13;
  std::vector<std::string> groups;

  auto set_text = [&](const YAML::Node& k, const YAML::Node& v, const std::string& name,
                      std::string& out, bool path) {
    auto text = String(k, v, "tls_server_config." + name);
    if (!text || text->empty()) return;
    out = path ? ResolvePath(*text) : *text;
    enabled = true;
  };
  auto version = [&](const YAML::Node& k, const YAML::Node& v, const std::string& name,
                     Versions& into, int& out) {
    auto text = String(k, v, "tls_server_config." + name);
    if (!text) return;
    for (const auto& entry : kVersions) {
      if (*text == entry.name) {
        out = entry.version;
        into = {*text, MarkOf(k, v)};
        return;
      }
    }
    Error(MarkOf(k, v), "tls_server_config." + name + ": unknown TLS version " +
                            QuoteExcerpt(*text) + " (expected TLS10, TLS11, TLS12 or TLS13)");
  };

  ForEachKey(
      section, "tls_server_config",
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
        if (key == "cert_file") {
          set_text(k, v, key, tls.cert_file, true);
        } else if (key == "key_file") {
          set_text(k, v, key, tls.key_file, true);
        } else if (key == "client_ca_file") {
          set_text(k, v, key, tls.client_ca_file, true);
        } else if (key == "cert") {
          set_text(k, v, key, tls.cert_pem, false);
        } else if (key == "key") {
          set_text(k, v, key, tls.key_pem, false);
        } else if (key == "client_ca") {
          set_text(k, v, key, tls.client_ca_pem, false);
        } else if (key == "client_auth_type") {
          auto text = String(k, v, "tls_server_config.client_auth_type");
          if (!text || text->empty()) return;
          enabled = true;
          client_auth_mark = MarkOf(k, v);
          for (const auto& entry : kClientAuths) {
            if (*text == entry.name) {
              tls.client_auth = entry.auth;
              return;
            }
          }
          Error(MarkOf(k, v),
                "tls_server_config.client_auth_type: unknown value " + QuoteExcerpt(*text) +
                    " (expected NoClientCert, RequestClientCert, RequireAnyClientCert, "
                    "VerifyClientCertIfGiven or RequireAndVerifyClientCert)");
        } else if (key == "min_version") {
          version(k, v, key, min, tls.min_version);
        } else if (key == "max_version") {
          version(k, v, key, max, tls.max_version);
        } else if (key == "cipher_suites") {
          auto list = StringList(k, v, "tls_server_config.cipher_suites");
          if (!list) return;
          for (const auto& [name, mark] : *list) {
            std::optional<CipherName> cipher = FindCipher(name);
            if (!cipher) {
              Error(mark, "tls_server_config.cipher_suites: " + QuoteExcerpt(name) +
                              " is not a cipher suite this OpenSSL offers (use IANA names such as "
                              "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
              continue;
            }
            (cipher->tls13 ? tls13 : tls12).push_back(cipher->openssl);
          }
        } else if (key == "prefer_server_cipher_suites") {
          if (auto b = Bool(k, v, "tls_server_config." + key)) tls.prefer_server_cipher_suites = *b;
        } else if (key == "curve_preferences") {
          auto list = StringList(k, v, "tls_server_config.curve_preferences");
          if (!list) return;
          for (const auto& [name, mark] : *list) {
            // A structured binding cannot be captured before C++20 (clang refuses it).
            auto it = std::find_if(std::begin(kCurves), std::end(kCurves),
                                   [&name = name](const auto& c) { return c.first == name; });
            if (it == std::end(kCurves)) {
              Error(mark, "tls_server_config.curve_preferences: unknown curve " +
                              QuoteExcerpt(name) +
                              " (expected CurveP256, CurveP384, CurveP521 or X25519)");
              continue;
            }
            groups.emplace_back(it->second);
          }
        } else if (key == "client_allowed_sans") {
          Error(k.Mark(),
                "tls_server_config.client_allowed_sans is not supported by pushprobe-exporter: "
                "remove it and issue client certificates from a CA of their own (client_ca_file)");
        } else {
          Error(k.Mark(), "unknown key " + QuoteExcerpt(key) + " in tls_server_config");
        }
      });

  auto join = [](const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ":") + p;
    return out;
  };
  tls.cipher_list = join(tls12);
  tls.tls13_ciphersuites = join(tls13);
  tls.groups = join(groups);

  if (tls.min_version > tls.max_version) {
    Error(min.mark.is_null() ? max.mark : min.mark,
          "tls_server_config: min_version " + min.name + " is above max_version " + max.name);
  }
  // exporter-toolkit's rule: TLS is on as soon as a certificate, key, client
  // CA or client_auth_type is given; versions and ciphers alone do not turn it on.
  if (!enabled) return;
  if (!tls.cert_file.empty() && !tls.cert_pem.empty()) {
    Error(section_mark, "tls_server_config: give cert_file or cert, not both");
  }
  if (!tls.key_file.empty() && !tls.key_pem.empty()) {
    Error(section_mark, "tls_server_config: give key_file or key, not both");
  }
  if (!tls.client_ca_file.empty() && !tls.client_ca_pem.empty()) {
    Error(section_mark, "tls_server_config: give client_ca_file or client_ca, not both");
  }
  if (tls.cert_file.empty() && tls.cert_pem.empty()) {
    Error(section_mark, "tls_server_config: missing cert_file (the server's certificate)");
  }
  if (tls.key_file.empty() && tls.key_pem.empty()) {
    Error(section_mark, "tls_server_config: missing key_file (the server's private key)");
  }
  const bool has_ca = !tls.client_ca_file.empty() || !tls.client_ca_pem.empty();
  if (has_ca && tls.client_auth == ClientAuth::kNoClientCert) {
    Error(client_auth_mark.value_or(section_mark),
          "tls_server_config: client_ca_file is set but client_auth_type is NoClientCert; "
          "set client_auth_type: RequireAndVerifyClientCert to require client certificates");
  }
  if (!has_ca && (tls.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
                  tls.client_auth == ClientAuth::kRequireAndVerifyClientCert)) {
    Error(client_auth_mark.value_or(section_mark),
          "tls_server_config: client_auth_type " + std::string(ClientAuthName(tls.client_auth)) +
              " verifies client certificates and needs client_ca_file, the CA that issues them");
  }
  config_.tls = std::move(tls);
}

void Parser::Http(const YAML::Node& section) {
  if (section.IsNull()) return;
  ForEachKey(
      section, "http_server_config",
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
        if (key == "http2") {
          // Accepted so files from other exporters load; this exporter serves
          // HTTP/1.1 only, which every scraper speaks.
          Bool(k, v, "http_server_config.http2");
        } else if (key == "headers") {
          if (!IsMapOrNull(k, v, "http_server_config.headers") || v.IsNull()) return;
          ForEachKey(
              v, "http_server_config.headers",
              [&](const std::string& name, const YAML::Node& hk, const YAML::Node& hv) {
                auto rule = std::find_if(std::begin(kHeaderRules), std::end(kHeaderRules),
                                         [&](const HeaderRule& r) { return r.name == name; });
                if (rule == std::end(kHeaderRules)) {
                  Error(hk.Mark(),
                        "HTTP header " + QuoteExcerpt(name) +
                            " can not be configured (allowed: Strict-Transport-Security, "
                            "X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, "
                            "Content-Security-Policy)");
                  return;
                }
                auto value = String(hk, hv, "header " + name);
                if (!value || value->empty()) return;  // blank: unset, as in exporter-toolkit
                if (HasControl(*value)) {
                  Error(MarkOf(hk, hv),
                        "header " + name + ": value must not contain control characters");
                  return;
                }
                if (!rule->values.empty() && std::find(rule->values.begin(), rule->values.end(),
                                                       *value) == rule->values.end()) {
                  std::string allowed;
                  for (auto a : rule->values)
                    allowed += (allowed.empty() ? "" : " or ") + QuoteExcerpt(a);
                  Error(MarkOf(hk, hv), "invalid value for " + name + ": expected " + allowed +
                                            ", got " + QuoteExcerpt(*value));
                  return;
                }
                config_.headers.emplace_back(name, *value);
              });
        } else {
          Error(k.Mark(), "unknown key " + QuoteExcerpt(key) + " in http_server_config");
        }
      });
}

void Parser::Users(const YAML::Node& section) {
  if (section.IsNull()) return;
  ForEachKey(section, "basic_auth_users",
             [&](const std::string& user, const YAML::Node& k, const YAML::Node& v) {
               // The hash is a secret: messages name the user, never the value.
               if (user.empty() || user.find(':') != std::string::npos || HasControl(user)) {
                 Error(k.Mark(), "basic_auth_users: invalid user name " + QuoteExcerpt(user) +
                                     " (must not be empty or contain \":\" or control characters)");
                 return;
               }
               if (!v.IsScalar() || !IsBcryptHash(v.Scalar())) {
                 Error(MarkOf(k, v),
                       "basic_auth_users: the password of " + QuoteExcerpt(user) +
                           " is not a bcrypt hash ($2y$..., 60 characters); make one with "
                           "htpasswd -nBC 10 \"\" | tr -d ':\\n'");
                 return;
               }
               config_.users.emplace(user, v.Scalar());
             });
}

Expected<WebConfig> Parser::Parse(std::string_view yaml) {
  config_.path = file_;
  try {
    // Not YAML::LoadAll: a stray "," made it loop for ever (see ReadDocuments).
    config_internal::YamlTreeBuilder scan(kMaxConfigNodes, nullptr);
    config_internal::ReadDocuments(yaml, scan);
    const auto& documents = scan.documents();
    if (!documents.empty()) Root(YAML::Load(std::string(yaml)));
    if (documents.size() > 1) {
      Error(documents[1].first_node.value_or(documents[1].start),
            "only one YAML document is allowed; found a second one");
    }
  } catch (const config_internal::YamlTooLarge& e) {
    Error(YAML::Mark::null_mark(), std::string("too large: ") + e.what());
  } catch (const YAML::Exception& e) {
    Error(e.mark, config_internal::YamlErrorText(e));
  }
  if (errors_.empty()) return std::move(config_);
  std::stable_sort(errors_.begin(), errors_.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::string text;
  for (const ConfigError& e : errors_) text += (text.empty() ? "" : "\n") + e.ToString();
  return Expected<WebConfig>::Error(text);
}

}  // namespace

std::string_view ClientAuthName(ClientAuth auth) {
  for (const auto& entry : kClientAuths) {
    if (entry.auth == auth) return entry.name;
  }
  return "?";
}

Expected<WebConfig> LoadWebConfigString(std::string_view yaml, const std::string& file_name) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(file_name, ec);
  std::filesystem::path base_dir = ec ? std::filesystem::path(file_name).parent_path()
                                      : absolute.lexically_normal().parent_path();
  return Parser(file_name, base_dir).Parse(yaml);
}

Expected<WebConfig> LoadWebConfigFile(const std::string& path) {
  Expected<std::string> text = ReadSmallFile(path, kMaxWebConfigBytes, "web config file");
  if (!text) return Expected<WebConfig>::Error(text.error());
  return LoadWebConfigString(text.value(), path);
}

Expected<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes,
                                    std::string_view what) {
  Expected<std::string> text = ReadBoundedFile(path, max_bytes);
  if (!text) {
    return Expected<std::string>::Error("cannot read " + std::string(what) + " " + path + ": " +
                                        text.error());
  }
  return text;
}

}  // namespace pushprobe::exporter

#include "probe/protocol/url.h"

#include <optional>

namespace pushprobe {
namespace {

// The five components of RFC 3986 Appendix B; "defined" matters for
// resolution (an empty query differs from no query).
struct UriParts {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

UriParts Split(std::string_view s) {
  UriParts parts;
  auto scheme_end = s.find_first_of(":/?#");
  if (scheme_end != std::string_view::npos && scheme_end > 0 && s[scheme_end] == ':') {
    parts.scheme = std::string(s.substr(0, scheme_end));
    s.remove_prefix(scheme_end + 1);
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    auto end = s.find_first_of("/?#");
    parts.authority = std::string(s.substr(0, end));
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  auto path_end = s.find_first_of("?#");
  parts.path = std::string(s.substr(0, path_end));
  s.remove_prefix(path_end == std::string_view::npos ? s.size() : path_end);
  if (!s.empty() && s.front() == '?') {
    auto end = s.find('#');
    parts.query = std::string(s.substr(1, end == std::string_view::npos ? s.npos : end - 1));
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  if (!s.empty() && s.front() == '#') parts.fragment = std::string(s.substr(1));
  return parts;
}

std::string Recompose(const UriParts& p) {
  std::string out;
  if (p.scheme) out += *p.scheme + ":";
  if (p.authority) out += "//" + *p.authority;
  out += p.path;
  if (p.query) out += "?" + *p.query;
  if (p.fragment) out += "#" + *p.fragment;
  return out;
}

// RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      auto last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      auto next = in.find('/', in.front() == '/' ? 1 : 0);
      std::size_t len = next == std::string_view::npos ? in.size() : next;
      out.append(in.substr(0, len));
      in.remove_prefix(len);
    }
  }
  return out;
}

// RFC 3986 section 5.2.3.
std::string Merge(const UriParts& base, const std::string& reference_path) {
  if (base.authority && base.path.empty()) return "/" + reference_path;
  auto last = base.path.rfind('/');
  if (last == std::string::npos) return reference_path;
  return base.path.substr(0, last + 1) + reference_path;
}

}  // namespace

Expected<std::string> ResolveReference(std::string_view base, std::string_view reference) {
  UriParts b = Split(base);
  if (!b.scheme) {
    return Expected<std::string>::Error("base URI is not absolute: \"" + std::string(base) + "\"");
  }
  UriParts r = Split(reference);
  UriParts t;
  // RFC 3986 section 5.2.2, strict (a reference's scheme is never ignored).
  if (r.scheme) {
    t.scheme = r.scheme;
    t.authority = r.authority;
    t.path = RemoveDotSegments(r.path);
    t.query = r.query;
  } else {
    if (r.authority) {
      t.authority = r.authority;
      t.path = RemoveDotSegments(r.path);
      t.query = r.query;
    } else {
      if (r.path.empty()) {
        t.path = b.path;
        t.query = r.query ? r.query : b.query;
      } else {
        if (r.path.front() == '/') {
          t.path = RemoveDotSegments(r.path);
        } else {
          t.path = RemoveDotSegments(Merge(b, r.path));
        }
        t.query = r.query;
      }
      t.authority = b.authority;
    }
    t.scheme = b.scheme;
  }
  t.fragment = r.fragment;
  return Recompose(t);
}

Expected<std::string> PublishUrlFor(std::string_view service_uri) {
  auto service = ParseUrl(service_uri);
  if (!service) return Expected<std::string>::Error(service.error());
  auto resolved = ResolveReference(service_uri, kPublishRelativeReference);
  if (!resolved) return resolved;
  auto url = ParseUrl(*resolved);
  if (!url) return Expected<std::string>::Error(url.error());
  return url->ToString();
}

bool HasTrailingSlashMisconfiguration(std::string_view service_uri) {
  const std::string& path = Split(service_uri).path;
  return path.size() > 1 && path.back() == '/';
}

}  // namespace pushprobe

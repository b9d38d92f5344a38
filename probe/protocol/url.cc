#include "probe/protocol/url.h"

namespace pushprobe {
namespace {

std::string Recompose(const UriReference& p) {
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
std::string Merge(const UriReference& base, const std::string& reference_path) {
  if (base.authority && base.path.empty()) return "/" + reference_path;
  auto last = base.path.rfind('/');
  if (last == std::string::npos) return reference_path;
  return base.path.substr(0, last + 1) + reference_path;
}

}  // namespace

Expected<std::string> ResolveReference(std::string_view base, std::string_view reference) {
  UriReference b = SplitUriReference(base);
  if (!b.scheme) {
    return Expected<std::string>::Error("base URI is not absolute: \"" + std::string(base) + "\"");
  }
  UriReference r = SplitUriReference(reference);
  UriReference t;
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
  if (!service) return Expected<std::string>::Error(service.error().Message());
  auto resolved = ResolveReference(service_uri, kPublishRelativeReference);
  if (!resolved) return resolved;
  auto url = ParseUrl(*resolved);
  if (!url) return Expected<std::string>::Error(url.error().Message());
  return url->ToString();
}

bool HasTrailingSlashMisconfiguration(std::string_view service_uri) {
  const std::string& path = SplitUriReference(service_uri).path;
  return path.size() > 1 && path.back() == '/';
}

}  // namespace pushprobe

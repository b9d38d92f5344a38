#include "probe/protocol/url.h"

#include <gtest/gtest.h>

namespace pushprobe {
namespace {

TEST(ParseUrlTest, SplitsAndNormalises) {
  struct Case {
    const char* text;
    const char* scheme;
    const char* host;
    std::uint16_t port;
    const char* path_and_query;
    const char* normalised;
  };
  const Case cases[] = {
      {"https://outlook.office365.com/PushNotifications", "https", "outlook.office365.com", 443,
       "/PushNotifications", "https://outlook.office365.com/PushNotifications"},
      {"HTTPS://Outlook.Office365.COM:443", "https", "outlook.office365.com", 443, "/",
       "https://outlook.office365.com/"},
      {"http://h:8080/a?b=c&d", "http", "h", 8080, "/a?b=c&d", "http://h:8080/a?b=c&d"},
      {"http://h:/x", "http", "h", 80, "/x", "http://h/x"},
      {"https://[::1]:8443/x", "https", "::1", 8443, "/x", "https://[::1]:8443/x"},
      {"https://[2001:DB8::A]/", "https", "2001:db8::a", 443, "/", "https://[2001:db8::a]/"},
      {"https://h?q", "https", "h", 443, "/?q", "https://h/?q"},
      {"https://accounts.accesscontrol.windows.net/metadata/json/1/?realm=fabrikam.com", "https",
       "accounts.accesscontrol.windows.net", 443, "/metadata/json/1/?realm=fabrikam.com",
       "https://accounts.accesscontrol.windows.net/metadata/json/1/?realm=fabrikam.com"},
  };
  for (const auto& c : cases) {
    auto u = ParseUrl(c.text);
    ASSERT_TRUE(u.ok()) << c.text << ": " << u.error().Message();
    EXPECT_EQ(u->scheme, c.scheme) << c.text;
    EXPECT_EQ(u->host, c.host) << c.text;
    EXPECT_EQ(u->port, c.port) << c.text;
    EXPECT_EQ(u->path_and_query, c.path_and_query) << c.text;
    EXPECT_EQ(u->ToString(), c.normalised) << c.text;
  }
}

TEST(ParseUrlTest, ErrorsAreSpecific) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"", "empty URL"},
      {"https://h/a b", R"(URL contains spaces or control characters: "https://h/a b")"},
      {"/relative", R"(not an absolute URL: "/relative")"},
      {"outlook.office365.com/PushNotifications",
       R"(not an absolute URL: "outlook.office365.com/PushNotifications")"},
      {"mailto:x@y", R"(not an absolute URL: "mailto:x@y")"},
      {"ftp://h/x", R"(unsupported URL scheme "ftp" (http or https expected))"},
      {"https://user:pa55@h/x", "URL contains user info, which is not supported"},
      {"https://h/x#frag", R"(URL has a fragment: "https://h/x#frag")"},
      {"https:///x", R"(URL has no host: "https:///x")"},
      {"https://:443/x", R"(URL has no host: "https://:443/x")"},
      {"https://h:0/", R"(bad port "0" in URL: "https://h:0/")"},
      {"https://h:65536/", R"(bad port "65536" in URL: "https://h:65536/")"},
      {"https://h:12a/", R"(bad port "12a" in URL: "https://h:12a/")"},
      {"https://h:1:2/", R"(bad port "1:2" in URL: "https://h:1:2/")"},
      {"https://[::1/", R"(bad IPv6 literal in URL: "https://[::1/")"},
      {"https://[]/", R"(bad IPv6 literal in URL: "https://[]/")"},
      {"https://[::1]x/", R"(bad IPv6 literal in URL: "https://[::1]x/")"},
      {"https://[fe80::1%25eth0]/", R"(bad IPv6 literal in URL: "https://[fe80::1%25eth0]/")"},
      {"https://[1.2.3.4]/", R"(bad IPv6 literal in URL: "https://[1.2.3.4]/")"},
      {"https://a!b.example/", R"(bad character in the host of URL: "https://a!b.example/")"},
      {"https://a%2eb/", R"(bad character in the host of URL: "https://a%2eb/")"},
  };
  for (const auto& c : cases) {
    auto u = ParseUrl(c.text);
    ASSERT_FALSE(u.ok()) << c.text;
    EXPECT_EQ(u.error().Message(), c.error) << c.text;
  }
}

TEST(ParseUrlTest, WhatTheClientNeeds) {
  auto url = ParseUrl("HTTPS://Outlook.Office365.com/Push?x=1");
  ASSERT_TRUE(url.ok()) << url.error().Message();
  EXPECT_TRUE(url->Https());
  EXPECT_EQ(url->Authority(), "outlook.office365.com:443");
  EXPECT_EQ(url->HostHeader(), "outlook.office365.com");
  url = ParseUrl("http://[::1]:8080");
  ASSERT_TRUE(url.ok()) << url.error().Message();
  EXPECT_FALSE(url->Https());
  EXPECT_EQ(url->path_and_query, "/");
  EXPECT_EQ(url->Authority(), "[::1]:8080");
  EXPECT_EQ(url->HostHeader(), "[::1]:8080");
  EXPECT_EQ(url->BracketedHost(), "[::1]");
}

// The typed error and the facts SplitUrl reports rather than refuses: what the
// configuration loader words in its own messages.
TEST(SplitUrlTest, ReportsUserInfoFragmentAndPortAsWritten) {
  auto parts = SplitUrl("http://alice:s3cret@Proxy.Example:3128/x#top");
  ASSERT_TRUE(parts.ok()) << parts.error().Message();
  EXPECT_TRUE(parts->has_userinfo);
  EXPECT_TRUE(parts->has_fragment);
  EXPECT_EQ(parts->port_text, std::optional<std::string>("3128"));
  EXPECT_EQ(parts->url.host, "proxy.example");
  EXPECT_EQ(parts->url.path_and_query, "/x");

  parts = SplitUrl("http://proxy.example");
  ASSERT_TRUE(parts.ok());
  EXPECT_FALSE(parts->has_userinfo);
  EXPECT_FALSE(parts->has_fragment);
  EXPECT_EQ(parts->port_text, std::nullopt);
  parts = SplitUrl("http://proxy.example:");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->port_text, std::optional<std::string>(""));
  EXPECT_EQ(parts->url.port, 80);
}

TEST(SplitUrlTest, ErrorsAreTypedAndNameThePartAtFault) {
  struct Case {
    const char* text;
    UrlErrorKind kind;
    const char* part;
  };
  const Case cases[] = {
      {"", UrlErrorKind::kEmpty, ""},
      {"https://h/a b", UrlErrorKind::kSpaceOrControl, ""},
      {"h/x", UrlErrorKind::kNotAbsolute, ""},
      {"FTP://h/x", UrlErrorKind::kScheme, "FTP"},
      {"https://[::1/", UrlErrorKind::kIpv6Unclosed, ""},
      {"https://[x]:1/", UrlErrorKind::kIpv6Invalid, "[x]"},
      {"https://[::1]x/", UrlErrorKind::kIpv6Trailing, ""},
      {"https://a!b/", UrlErrorKind::kHostChar, "a!b"},
      {"https://:1/", UrlErrorKind::kNoHost, ""},
      {"https://h:99999999999999999999/", UrlErrorKind::kPort, "99999999999999999999"},
  };
  for (const auto& c : cases) {
    auto parts = SplitUrl(c.text);
    ASSERT_FALSE(parts.ok()) << c.text;
    EXPECT_EQ(parts.error().kind, c.kind) << c.text;
    EXPECT_EQ(parts.error().part, c.part) << c.text;
  }
}

TEST(SplitUrlTest, ErrorsNeverQuoteAPassword) {
  for (const char* text : {"https://u:s3cret@h:0/", "https://u:s3cret@a!b/",
                           "https://u:s3cret@h/#x", "https://u:s3cret@h/ x"}) {
    auto url = ParseUrl(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.error().Message().find("s3cret"), std::string::npos) << url.error().Message();
  }
}

struct ResolveCase {
  const char* reference;
  const char* target;
};

// RFC 3986 section 5.4.1.
const ResolveCase kNormalExamples[] = {
    {"g:h", "g:h"},
    {"g", "http://a/b/c/g"},
    {"./g", "http://a/b/c/g"},
    {"g/", "http://a/b/c/g/"},
    {"/g", "http://a/g"},
    {"//g", "http://g"},
    {"?y", "http://a/b/c/d;p?y"},
    {"g?y", "http://a/b/c/g?y"},
    {"#s", "http://a/b/c/d;p?q#s"},
    {"g#s", "http://a/b/c/g#s"},
    {"g?y#s", "http://a/b/c/g?y#s"},
    {";x", "http://a/b/c/;x"},
    {"g;x", "http://a/b/c/g;x"},
    {"g;x?y#s", "http://a/b/c/g;x?y#s"},
    {"", "http://a/b/c/d;p?q"},
    {".", "http://a/b/c/"},
    {"./", "http://a/b/c/"},
    {"..", "http://a/b/"},
    {"../", "http://a/b/"},
    {"../g", "http://a/b/g"},
    {"../..", "http://a/"},
    {"../../", "http://a/"},
    {"../../g", "http://a/g"},
};

// RFC 3986 section 5.4.2 (strict parser).
const ResolveCase kAbnormalExamples[] = {
    {"../../../g", "http://a/g"},
    {"../../../../g", "http://a/g"},
    {"/./g", "http://a/g"},
    {"/../g", "http://a/g"},
    {"g.", "http://a/b/c/g."},
    {".g", "http://a/b/c/.g"},
    {"g..", "http://a/b/c/g.."},
    {"..g", "http://a/b/c/..g"},
    {"./../g", "http://a/b/g"},
    {"./g/.", "http://a/b/c/g/"},
    {"g/./h", "http://a/b/c/g/h"},
    {"g/../h", "http://a/b/c/h"},
    {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "http://a/b/c/y"},
    {"g?y/./x", "http://a/b/c/g?y/./x"},
    {"g?y/../x", "http://a/b/c/g?y/../x"},
    {"g#s/./x", "http://a/b/c/g#s/./x"},
    {"g#s/../x", "http://a/b/c/g#s/../x"},
    {"http:g", "http:g"},
};

TEST(ResolveReferenceTest, Rfc3986NormalExamples) {
  for (const auto& c : kNormalExamples) {
    auto t = ResolveReference("http://a/b/c/d;p?q", c.reference);
    ASSERT_TRUE(t.ok()) << c.reference << ": " << t.error();
    EXPECT_EQ(*t, c.target) << c.reference;
  }
}

TEST(ResolveReferenceTest, Rfc3986AbnormalExamples) {
  for (const auto& c : kAbnormalExamples) {
    auto t = ResolveReference("http://a/b/c/d;p?q", c.reference);
    ASSERT_TRUE(t.ok()) << c.reference << ": " << t.error();
    EXPECT_EQ(*t, c.target) << c.reference;
  }
}

TEST(ResolveReferenceTest, BaseWithoutPathAndRelativeBase) {
  auto t = ResolveReference("https://h", "x/y");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "https://h/x/y");
  auto bad = ResolveReference("/relative/base", "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), R"(base URI is not absolute: "/relative/base")");
}

TEST(PublishUrlForTest, ResolvesLikeExchange) {
  struct Case {
    const char* service_uri;
    const char* publish_url;
    bool trailing_slash;
  };
  const Case cases[] = {
      {"https://outlook.office365.com/PushNotifications",
       "https://outlook.office365.com/PushNotifications/service.svc/PublishOnPremNotifications",
       false},
      {"https://outlook.office365.com/PushNotifications/",
       "https://outlook.office365.com/PushNotifications/PushNotifications/service.svc/"
       "PublishOnPremNotifications",
       true},
      {"https://outlook.office365.com/",
       "https://outlook.office365.com/PushNotifications/service.svc/PublishOnPremNotifications",
       false},
      {"https://outlook.office365.com",
       "https://outlook.office365.com/PushNotifications/service.svc/PublishOnPremNotifications",
       false},
      {"HTTPS://Outlook.Office365.com:443/PushNotifications?x=1",
       "https://outlook.office365.com/PushNotifications/service.svc/PublishOnPremNotifications",
       false},
      {"http://[::1]:8080/a/PushNotifications",
       "http://[::1]:8080/a/PushNotifications/service.svc/PublishOnPremNotifications", false},
  };
  for (const auto& c : cases) {
    auto u = PublishUrlFor(c.service_uri);
    ASSERT_TRUE(u.ok()) << c.service_uri << ": " << u.error();
    EXPECT_EQ(*u, c.publish_url) << c.service_uri;
    EXPECT_EQ(HasTrailingSlashMisconfiguration(c.service_uri), c.trailing_slash) << c.service_uri;
  }
}

TEST(PublishUrlForTest, RejectsUnusableServiceUri) {
  auto u = PublishUrlFor("outlook.office365.com/PushNotifications");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error(), R"(not an absolute URL: "outlook.office365.com/PushNotifications")");
}

}  // namespace
}  // namespace pushprobe

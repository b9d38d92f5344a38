#include "probe/config/connect_to.h"

#include <gtest/gtest.h>

#include <string>

namespace pushprobe {
namespace {

struct GoodRule {
  std::string text;
  std::string host;
  std::uint16_t port;
  std::string connect_host;
  std::uint16_t connect_port;
};

TEST(ParseConnectToTest, AcceptsCurlSyntax) {
  const GoodRule cases[] = {
      {"outlook.office365.com:443:127.0.0.1:8443", "outlook.office365.com", 443, "127.0.0.1", 8443},
      {"::127.0.0.1:8443", "", 0, "127.0.0.1", 8443},
      {"example.com:443:other.example:", "example.com", 443, "other.example", 0},
      {"example.com:443::8443", "example.com", 443, "", 8443},
      {"[::1]:443:[fe80::1]:8443", "::1", 443, "fe80::1", 8443},
      {"a.example:80:[::ffff:127.0.0.1]:65535", "a.example", 80, "::ffff:127.0.0.1", 65535},
      {"[2001:DB8::1]::b_x.example:1", "2001:DB8::1", 0, "b_x.example", 1},
  };
  for (const GoodRule& c : cases) {
    auto got = ParseConnectTo(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.error();
    EXPECT_EQ(got->host, c.host) << c.text;
    EXPECT_EQ(got->port, c.port) << c.text;
    EXPECT_EQ(got->connect_host, c.connect_host) << c.text;
    EXPECT_EQ(got->connect_port, c.connect_port) << c.text;
    EXPECT_EQ(FormatConnectTo(got.value()), c.text);
  }
}

struct BadRule {
  std::string text;
  std::string error;
};

TEST(ParseConnectToTest, RejectsWithSpecificMessage) {
  const std::string syntax = "expected HOST:PORT:CONNECT_HOST:CONNECT_PORT";
  const BadRule cases[] = {
      {"", "invalid connect_to \"\": " + syntax},
      {"example.com", "invalid connect_to \"example.com\": " + syntax},
      {"example.com:443", "invalid connect_to \"example.com:443\": " + syntax},
      {"example.com:443:127.0.0.1", "invalid connect_to \"example.com:443:127.0.0.1\": " + syntax},
      {"a:1:b:2:c", "invalid connect_to \"a:1:b:2:c\": " + syntax},
      {"::1:443:127.0.0.1:8443", "invalid connect_to \"::1:443:127.0.0.1:8443\": " + syntax},
      {"a:https:b:443",
       "invalid connect_to \"a:https:b:443\": port \"https\" is not a number between 1 and "
       "65535"},
      {"a:443:b:0",
       "invalid connect_to \"a:443:b:0\": port \"0\" is not a number between 1 and "
       "65535"},
      {"a:443:b:65536",
       "invalid connect_to \"a:443:b:65536\": port \"65536\" is not a number between 1 and "
       "65535"},
      {"a:443:b:99999999999",
       "invalid connect_to \"a:443:b:99999999999\": port \"99999999999\" is not a number between "
       "1 and 65535"},
      {"[::1:443:b:1", "invalid connect_to \"[::1:443:b:1\": missing \"]\" after IPv6 address"},
      {"[::1]x:443:b:1", "invalid connect_to \"[::1]x:443:b:1\": " + syntax},
      {"[example.com]:443:b:1",
       "invalid connect_to \"[example.com]:443:b:1\": host \"[example.com]\" is not an IPv6 "
       "address"},
      {"a b:443:c:1",
       "invalid connect_to \"a b:443:c:1\": host \"a b\" is not a host name or address (IPv6 goes "
       "in brackets)"},
      {"a:443:c/d:1",
       "invalid connect_to \"a:443:c/d:1\": host \"c/d\" is not a host name or address (IPv6 "
       "goes in brackets)"},
      {"a:443::",
       "invalid connect_to \"a:443::\": CONNECT_HOST and CONNECT_PORT are both empty, "
       "so the rule changes nothing"},
      {":::",
       "invalid connect_to \":::\": CONNECT_HOST and CONNECT_PORT are both empty, so the "
       "rule changes nothing"},
  };
  for (const BadRule& c : cases) {
    auto got = ParseConnectTo(c.text);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_EQ(got.error(), c.error);
  }
}

}  // namespace
}  // namespace pushprobe

#include "exporters/http_request_head.h"

#include <gtest/gtest.h>

namespace pushprobe::exporter {
namespace {

using Status = HttpRequestHeadParse::Status;

TEST(HttpRequestHeadTest, ParsesRequestLineAndHeaders) {
  const std::string input =
      "\r\nGET /probe?target=x HTTP/1.1\r\nHost: h\r\nAccept-Encoding:  gzip \r\nX-A:\r\n\r\nrest";
  HttpRequestHeadParse p = ParseHttpRequestHead(input, 1024);
  ASSERT_EQ(p.status, Status::kComplete) << p.error;
  EXPECT_EQ(p.head.method, "GET");
  EXPECT_EQ(p.head.target, "/probe?target=x");
  EXPECT_EQ(p.head.minor_version, 1);
  ASSERT_NE(p.head.Header("accept-encoding"), nullptr);
  EXPECT_EQ(*p.head.Header("accept-encoding"), "gzip");
  EXPECT_EQ(*p.head.Header("x-a"), "");
  EXPECT_EQ(input.substr(p.head.head_size), "rest");
  EXPECT_TRUE(p.head.AcceptsGzip());
  EXPECT_TRUE(p.head.KeepAlive());
}

TEST(HttpRequestHeadTest, IncompleteUntilTheBlankLineAndTooLargePastTheLimit) {
  EXPECT_EQ(ParseHttpRequestHead("GET / HTTP/1.1\r\nHost: h\r\n", 1024).status,
            Status::kIncomplete);
  HttpRequestHeadParse big =
      ParseHttpRequestHead("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a'), 1024);
  EXPECT_EQ(big.status, Status::kError);
  EXPECT_EQ(big.error_status, 431);
}

// RFC 9112 2.2: a recipient MAY take a bare LF as a line end. Taken, so a
// head typed by hand is answered at once instead of at the header deadline.
TEST(HttpRequestHeadTest, BareLineFeedsEndLinesToo) {
  for (const std::string head : {"GET /metrics HTTP/1.1\nHost: h\nX-A: b\n\n",
                                 "\n\r\nGET /metrics HTTP/1.1\r\nHost: h\nX-A: b\r\n\n",
                                 "GET /metrics HTTP/1.1\nHost: h\r\nX-A: b\n\r\n"}) {
    const std::string input = head + "next";
    HttpRequestHeadParse p = ParseHttpRequestHead(input, 1024);
    ASSERT_EQ(p.status, Status::kComplete) << input << p.error;
    EXPECT_EQ(p.head.method, "GET");
    EXPECT_EQ(p.head.target, "/metrics");
    EXPECT_EQ(*p.head.Header("host"), "h");
    ASSERT_NE(p.head.Header("x-a"), nullptr);
    EXPECT_EQ(*p.head.Header("x-a"), "b");
    EXPECT_EQ(input.substr(p.head.head_size), "next");
  }
  EXPECT_EQ(ParseHttpRequestHead("GET / HTTP/1.1\nHost: h\n", 1024).status, Status::kIncomplete);
  // A CR that does not end a line is still refused.
  for (const std::string input :
       {"GET / HTTP/1.1\rHost: h\n\n", "GET / HTTP/1.1\nHost: h\r\r\n\n",
        "GET / HTTP/1.1\nHo\rst: h\n\n", "\r\rGET / HTTP/1.1\nHost: h\n\n"}) {
    HttpRequestHeadParse p = ParseHttpRequestHead(input, 1024);
    EXPECT_EQ(p.status, Status::kError) << input;
    EXPECT_EQ(p.error_status, 400) << input;
  }
  // The limit counts the head as sent, bare line ends and all.
  EXPECT_EQ(
      ParseHttpRequestHead("GET / HTTP/1.1\nHost: h\nX: " + std::string(2000, 'a') + "\n\n", 1024)
          .error_status,
      431);
}

TEST(HttpRequestHeadTest, RejectsWhatCouldConfuseTheServer) {
  struct Case {
    std::string input;
    int status;
  };
  for (const Case& c : std::vector<Case>{
           {"GET / HTTP/9.9\r\nHost: h\r\n\r\n", 505},
           {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
           {"GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505},
           {"GET / HTTP/1.1.1\r\nHost: h\r\n\r\n", 400},
           {"GET / http/1.1\r\nHost: h\r\n\r\n", 400},
           {"GET /  HTTP/1.1\r\nHost: h\r\n\r\n", 400},
           {"GET /\r\nHost: h\r\n\r\n", 400},
           {"G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
           {"GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 400},
           {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400},
           {"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400},
           {"GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n", 400},
           {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
           {"GET / HTTP/1.1\r\n\r\n", 400},
           // RFC 9112 3.2: more than one Host line MUST get 400.
           {"GET / HTTP/1.1\r\nHost: h\r\nhost: evil\r\n\r\n", 400},
           {"GET / HTTP/1.0\r\nHost: h\r\nHost: h\r\n\r\n", 400},
       }) {
    HttpRequestHeadParse p = ParseHttpRequestHead(c.input, 1024);
    EXPECT_EQ(p.status, Status::kError) << c.input;
    EXPECT_EQ(p.error_status, c.status) << c.input;
    EXPECT_EQ(p.error.find("9.9"), std::string::npos);
  }
  EXPECT_EQ(ParseHttpRequestHead("GET / HTTP/1.0\r\n\r\n", 1024).status, Status::kComplete);
}

TEST(HttpRequestHeadTest, KeepAliveAndGzipFollowTheHeaders) {
  auto head = [](const std::string& version, const std::string& headers) {
    return ParseHttpRequestHead("GET / HTTP/" + version + "\r\nHost: h\r\n" + headers + "\r\n",
                                4096)
        .head;
  };
  EXPECT_FALSE(head("1.1", "Connection: close\r\n").KeepAlive());
  EXPECT_FALSE(head("1.1", "Connection: TE, Close\r\n").KeepAlive());
  EXPECT_FALSE(head("1.0", "").KeepAlive());
  EXPECT_TRUE(head("1.0", "Connection: Keep-Alive\r\n").KeepAlive());
  EXPECT_TRUE(head("1.1", "Accept-Encoding: br, gzip;q=0.8\r\n").AcceptsGzip());
  EXPECT_FALSE(head("1.1", "Accept-Encoding: gzip;q=0\r\n").AcceptsGzip());
  EXPECT_FALSE(head("1.1", "Accept-Encoding: gzip; q=0.000\r\n").AcceptsGzip());
  EXPECT_FALSE(head("1.1", "Accept-Encoding: gzipx\r\n").AcceptsGzip());
  EXPECT_FALSE(head("1.1", "").AcceptsGzip());
}

}  // namespace
}  // namespace pushprobe::exporter

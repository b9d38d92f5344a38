#include "exporters/logger.h"

#include <gtest/gtest.h>

#include <sstream>

namespace pushprobe::exporter {
namespace {

TEST(LoggerTest, WritesOneLogfmtLinePerEvent) {
  ManualClock clock;
  std::ostringstream out;
  Logger logger(out, clock, LogLevel::kInfo);
  logger.Log(LogLevel::kWarn, "run failed",
             {{"target", "fabrikam"}, {"err", "line one\nline \"two\""}, {"empty", ""}});
  EXPECT_EQ(out.str(),
            "ts=2025-11-25T11:20:56.000Z level=warn msg=\"run failed\" target=fabrikam "
            "err=\"line one\\nline \\\"two\\\"\" empty=\"\"\n");
}

TEST(LoggerTest, DropsLinesBelowTheLevel) {
  ManualClock clock;
  std::ostringstream out;
  Logger logger(out, clock, LogLevel::kWarn);
  logger.Log(LogLevel::kInfo, "quiet");
  EXPECT_EQ(out.str(), "");
  EXPECT_FALSE(logger.Enabled(LogLevel::kDebug));
  Expected<LogLevel> level = ParseLogLevel("debug");
  ASSERT_TRUE(level.ok());
  EXPECT_EQ(*level, LogLevel::kDebug);
  EXPECT_FALSE(ParseLogLevel("verbose").ok());
}

TEST(LoggerTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(Logger::Quote("plain"), "plain");
  EXPECT_EQ(Logger::Quote("a=b"), "\"a=b\"");
  EXPECT_EQ(Logger::Quote("tab\there"), "\"tab\\there\"");
  EXPECT_EQ(Logger::Quote(std::string("\x01", 1)), "\"\\x01\"");
}

// A /probe query with %FF%FE was logged with those raw bytes: not UTF-8, so
// journald stored the line as a blob.
TEST(LoggerTest, LogfmtReplacesBytesThatAreNotUtf8AndQuotes) {
  EXPECT_EQ(Logger::Quote("\xff\xfe"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  EXPECT_EQ(Logger::Quote("fab\xc0\xafrikam"), "\"fab\xef\xbf\xbd\xef\xbf\xbdrikam\"");
  EXPECT_EQ(Logger::Quote("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 stays as it is, bare
  ManualClock clock;
  std::ostringstream out;
  Logger logger(out, clock, LogLevel::kInfo);
  logger.Log(LogLevel::kWarn, "request refused", {{"target", "\xff\xfe"}});
  EXPECT_EQ(out.str(),
            "ts=2025-11-25T11:20:56.000Z level=warn msg=\"request refused\" "
            "target=\"\xef\xbf\xbd\xef\xbf\xbd\"\n");
}

TEST(LoggerTest, JsonFormatWritesOneValidObjectPerLine) {
  ManualClock clock;
  std::ostringstream out;
  Logger logger(out, clock, LogLevel::kInfo, LogFormat::kJson);
  logger.Log(LogLevel::kWarn, "run failed",
             {{"target", "fabrikam"}, {"err", std::string("a\n\"b\x01\xff", 6)}});
  EXPECT_EQ(out.str(),
            "{\"ts\":\"2025-11-25T11:20:56.000Z\",\"level\":\"warn\",\"msg\":\"run failed\","
            "\"target\":\"fabrikam\",\"err\":\"a\\n\\\"b\\u0001\xef\xbf\xbd\"}\n");
  Expected<LogFormat> format = ParseLogFormat("json");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, LogFormat::kJson);
  format = ParseLogFormat("logfmt");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, LogFormat::kLogfmt);
  EXPECT_FALSE(ParseLogFormat("text").ok());
}

// The exporter's warn line of a failing run quotes its error; neither format
// may show a URL's password, in the message or in a field.
TEST(LoggerTest, NoFormatShowsAUrlsPassword) {
  for (LogFormat format : {LogFormat::kLogfmt, LogFormat::kJson}) {
    ManualClock clock;
    std::ostringstream out;
    Logger logger(out, clock, LogLevel::kInfo, format);
    logger.Log(LogLevel::kWarn, "via http://alice:s3cret@p:3128",
               {{"err", "proxy must be http://host:port, got \"http://alice:s3cret@p:3128\""}});
    EXPECT_EQ(out.str().find("s3cret"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("http://<redacted>@p:3128"), std::string::npos) << out.str();
  }
}

}  // namespace
}  // namespace pushprobe::exporter

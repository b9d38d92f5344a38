#include "probe/core/interned.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "probe/core/target_config.h"

namespace pushprobe {
namespace {

TEST(InternedTest, EqualValuesShareOneCopy) {
  const std::string text = "https://outlook.office365.com/PushNotifications";
  SharedString a = text;
  SharedString b = std::string(text);  // built apart, equal
  SharedString c = "https://outlook.office365.com/PushNotifications";
  EXPECT_TRUE(a.SharesStorageWith(b));
  EXPECT_TRUE(a.SharesStorageWith(c));
  EXPECT_EQ(&a.get(), &c.get());
  EXPECT_EQ(a, text);
  EXPECT_NE(a.get().data(), text.data());  // a copy of its own, not the caller's
}

TEST(InternedTest, DifferentValuesDoNot) {
  SharedString a = "/etc/pushprobe/a.pem";
  SharedString b = "/etc/pushprobe/b.pem";
  EXPECT_FALSE(a.SharesStorageWith(b));
  EXPECT_NE(a, b);
  EXPECT_EQ(a, "/etc/pushprobe/a.pem");
  EXPECT_NE(a, std::string("/etc/pushprobe/b.pem"));
}

TEST(InternedTest, EmptyHoldsNothingAndReadsAsEmpty) {
  SharedString unset;
  SharedString assigned = std::string();
  EXPECT_TRUE(unset.empty());
  EXPECT_TRUE(assigned.empty());
  EXPECT_FALSE(unset.SharesStorageWith(assigned));  // neither holds storage
  EXPECT_EQ(unset, assigned);
  EXPECT_EQ(unset.get(), "");
  EXPECT_EQ(std::string_view(unset), "");
}

TEST(InternedTest, AssigningReplacesOnlyThatHolder) {
  SharedString a = "/etc/pushprobe/ca.pem";
  SharedString b = a;
  b = "/etc/pushprobe/other-ca.pem";
  EXPECT_EQ(a, "/etc/pushprobe/ca.pem");
  EXPECT_EQ(b, "/etc/pushprobe/other-ca.pem");
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(a, "/etc/pushprobe/ca.pem");
}

TEST(InternedTest, AValueLetGoIsInternedAfreshWhenMadeAgain) {
  std::vector<SharedString> holders;
  {
    SharedString first = "/var/lib/pushprobe/gone.pem";
    holders.push_back(first);
  }
  holders.clear();  // the last holder: the value leaves the pool
  SharedString again = "/var/lib/pushprobe/gone.pem";
  SharedString twice = std::string("/var/lib/pushprobe/gone.pem");
  EXPECT_EQ(again, "/var/lib/pushprobe/gone.pem");
  EXPECT_TRUE(again.SharesStorageWith(twice));
}

TEST(InternedTest, ConnectToRulesAreSharedByValue) {
  Interned<std::vector<ConnectTo>> a = {{"outlook.office365.com", 443, "127.0.0.1", 8443}};
  Interned<std::vector<ConnectTo>> b =
      std::vector<ConnectTo>{{"outlook.office365.com", 443, "127.0.0.1", 8443}};
  Interned<std::vector<ConnectTo>> other = {{"outlook.office365.com", 443, "127.0.0.1", 9443}};
  EXPECT_TRUE(a.SharesStorageWith(b));
  EXPECT_FALSE(a.SharesStorageWith(other));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].connect_port, 8443);
}

// Threads making, copying and dropping the same values: the pool's counts
// and its replacement of a value being let go (run under asan/tsan to see).
TEST(InternedTest, ThreadsShareAndReleaseTheSameValues) {
  auto work = [] {
    for (int i = 0; i < 2000; ++i) {
      SharedString a = "/etc/pushprobe/shared-" + std::to_string(i % 7);
      SharedString b = a;  // NOLINT(performance-unnecessary-copy-initialization): a holder
      SharedString c = "/etc/pushprobe/shared-" + std::to_string(i % 7);
      if (!b.SharesStorageWith(c)) ADD_FAILURE() << "equal values apart at " << i;
    }
  };
  std::thread t1(work);
  std::thread t2(work);
  t1.join();
  t2.join();
}

}  // namespace
}  // namespace pushprobe

#include "probe/core/expected.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace pushprobe {
namespace {

enum class Why { kNone, kEmpty, kTooLong };

TEST(ExpectedTest, HoldsAValueOrTheError) {
  Expected<int> five = 5;
  ASSERT_TRUE(five.ok());
  EXPECT_TRUE(static_cast<bool>(five));
  EXPECT_EQ(*five, 5);

  auto bad = Expected<int>::Error("not a number");
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(bad.error(), "not a number");
}

TEST(ExpectedTest, ATypedErrorAndAMoveOnlyValue) {
  auto bad = Expected<std::unique_ptr<int>, Why>::Error(Why::kTooLong);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), Why::kTooLong);

  Expected<std::unique_ptr<int>, Why> good = std::make_unique<int>(7);
  ASSERT_TRUE(good.ok());
  std::unique_ptr<int> taken = std::move(good).value();
  EXPECT_EQ(*taken, 7);
}

TEST(ExpectedVoidTest, DefaultIsSuccess) {
  Expected<void> done;
  EXPECT_TRUE(done.ok());
  EXPECT_TRUE(static_cast<bool>(done));
  EXPECT_EQ(done.error(), "");

  Expected<void, Why> typed;
  EXPECT_TRUE(typed.ok());
  EXPECT_EQ(typed.error(), Why::kNone);
}

TEST(ExpectedVoidTest, ErrorCarriesItsMessageOrCode) {
  auto bad = Expected<void>::Error("conflicts with tls_profile");
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(bad.error(), "conflicts with tls_profile");

  // An error whose value equals E's default is still an error.
  auto empty = Expected<void>::Error("");
  EXPECT_FALSE(empty.ok());
  auto none = Expected<void, Why>::Error(Why::kNone);
  EXPECT_FALSE(none.ok());
}

}  // namespace
}  // namespace pushprobe

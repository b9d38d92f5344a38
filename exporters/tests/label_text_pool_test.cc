#include "exporters/label_text_pool.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace pushprobe::exporter {
namespace {

TEST(LabelTextPoolTest, EqualTextsGetOneId) {
  LabelTextPool pool;
  std::vector<LabelTextPool::Id> ids;
  pool.Intern({",stage=\"token\"} ", "} ", ",stage=\"token\"} "}, &ids);
  pool.Intern({"} "}, &ids);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], ids[2]);
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_EQ(ids[1], ids[3]);
  EXPECT_EQ(pool.size(), 2u);
  const std::vector<std::string_view> texts = pool.Texts();
  EXPECT_EQ(texts.at(ids[0]), ",stage=\"token\"} ");
  EXPECT_EQ(texts.at(ids[1]), "} ");
}

TEST(LabelTextPoolTest, TextsStayWhereTheyAreWhileThePoolGrows) {
  LabelTextPool pool;
  std::vector<LabelTextPool::Id> ids;
  pool.Intern({"} ", ",phase=\"a long enough text to live on the heap\"} "}, &ids);
  const std::vector<std::string_view> before = pool.Texts();
  std::vector<std::string> more;
  more.reserve(5000);
  for (int i = 0; i < 5000; ++i) more.push_back(",n=\"" + std::to_string(i) + "\"} ");
  std::vector<std::string_view> views(more.begin(), more.end());
  pool.Intern(views, &ids);
  const std::vector<std::string_view> after = pool.Texts();
  ASSERT_EQ(after.size(), 5002u);
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].data(), after[i].data());
    EXPECT_EQ(before[i], after[i]);
  }
  EXPECT_EQ(after.at(ids.back()), ",n=\"4999\"} ");
}

TEST(LabelTextPoolTest, RefusesMoreTextsThanAnIdCanName) {
  LabelTextPool pool;
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < LabelTextPool::kCapacity; ++i) texts.push_back(std::to_string(i));
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<LabelTextPool::Id> ids;
  pool.Intern(views, &ids);
  EXPECT_EQ(pool.size(), LabelTextPool::kCapacity);
  EXPECT_EQ(ids.back(), LabelTextPool::kCapacity - 1);
  ids.clear();
  pool.Intern({"0"}, &ids);  // known texts still resolve
  EXPECT_EQ(ids, std::vector<LabelTextPool::Id>{0});
  EXPECT_THROW(pool.Intern({"one more"}, &ids), std::length_error);
  EXPECT_EQ(pool.size(), LabelTextPool::kCapacity);
}

}  // namespace
}  // namespace pushprobe::exporter

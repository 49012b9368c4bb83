#include "adapters/hnsw/hnsw_index.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace miri {
namespace {

constexpr int kDims = 16;

Embedding Unit(int axis, float wobble = 0) {
  Embedding v(kDims, 0.0f);
  v[axis % kDims] = 1.0f;
  v[(axis + 1) % kDims] = wobble;
  float n = std::sqrt(1.0f + wobble * wobble);
  for (float& x : v) x /= n;
  return v;
}

Embedding RandomUnit(std::mt19937& rng) {
  std::normal_distribution<float> n;
  Embedding v(kDims);
  float norm = 0;
  for (float& x : v) {
    x = n(rng);
    norm += x * x;
  }
  for (float& x : v) x /= std::sqrt(norm);
  return v;
}

class HnswIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("miri-hnsw-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<HnswIndex> Open() {
    auto r = HnswIndex::Open(dir_, kDims);
    EXPECT_TRUE(r);
    return std::move(*r);
  }
  std::filesystem::path dir_;
};

TEST_F(HnswIndexTest, NearestFirstWithCosineScores) {
  auto index = Open();
  ASSERT_TRUE(index->Upsert(
      {{"a", Unit(0), {}}, {"b", Unit(1), {}}, {"c", Unit(0, 0.5f), {}}}));
  auto hits = index->Query(Unit(0), 2, {});
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].id, "a");
  EXPECT_NEAR((*hits)[0].score, 1.0f, 1e-5);
  EXPECT_EQ((*hits)[1].id, "c");
  EXPECT_NEAR((*hits)[1].score, 1.0f / std::sqrt(1.25f), 1e-4);
}

TEST_F(HnswIndexTest, RestrictsFilterHits) {
  auto index = Open();
  ASSERT_TRUE(index->Upsert({{"p1", Unit(0), {{"project", "A"}}},
                             {"p2", Unit(0, 0.1f), {{"project", "B"}}}}));
  auto hits = index->Query(Unit(0), 5, {{"project", "B"}});
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "p2");
}

TEST_F(HnswIndexTest, FilterFindsRareMatchesAmongManyOthers) {
  auto index = Open();
  std::vector<VectorRecord> records;
  for (int i = 0; i < 500; ++i) {
    records.push_back({"x" + std::to_string(i),
                       Unit(0, 0.01f * (i % 7)),
                       {{"project", "busy"}}});
  }
  records.push_back({"rare", Unit(3), {{"project", "quiet"}}});
  ASSERT_TRUE(index->Upsert(records));
  auto hits = index->Query(Unit(0), 1, {{"project", "quiet"}});
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "rare");
}

TEST_F(HnswIndexTest, UpsertReplacesAndRemoveHides) {
  auto index = Open();
  ASSERT_TRUE(index->Upsert({{"a", Unit(0), {}}, {"b", Unit(5), {}}}));
  ASSERT_TRUE(index->Upsert({{"a", Unit(5, 0.2f), {}}}));
  // a's old vector is gone: nothing is near axis 0 any more.
  EXPECT_LT((*index->Query(Unit(0), 1, {}))[0].score, 0.5f);
  EXPECT_EQ((*index->Query(Unit(5, 0.2f), 1, {}))[0].id, "a");
  ASSERT_TRUE(index->Remove({"b"}));
  EXPECT_EQ(index->Size().value(), 1u);
  auto hits = index->Query(Unit(5), 5, {});
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "a");
  ASSERT_TRUE(index->Upsert({{"b", Unit(5), {}}}));  // back again
  EXPECT_EQ((*index->Query(Unit(5), 1, {}))[0].id, "b");
}

TEST_F(HnswIndexTest, WrongDimensionsAreRefusedAndNothingWritten) {
  auto index = Open();
  Result<void> r = index->Upsert({{"a", Embedding(3, 0.5f), {}}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().issues.at(0).path, "records[0].vector");
  EXPECT_EQ(index->Size().value(), 0u);
  EXPECT_FALSE(index->Query(Embedding(3, 0.5f), 1, {}));
}

TEST_F(HnswIndexTest, PersistsAcrossReopen) {
  {
    auto index = Open();
    ASSERT_TRUE(index->Upsert({{"a", Unit(0), {{"project", "A"}}},
                               {"b", Unit(2), {{"project", "A"}}}}));
    ASSERT_TRUE(index->Remove({"b"}));
  }
  auto index = Open();
  EXPECT_TRUE(index->loaded_from_disk());
  EXPECT_EQ(index->Size().value(), 1u);
  auto hits = index->Query(Unit(2), 5, {{"project", "A"}});
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "a");
}

TEST_F(HnswIndexTest, CorruptFilesOpenEmpty) {
  {
    auto index = Open();
    ASSERT_TRUE(index->Upsert({{"a", Unit(0), {}}}));
  }
  std::ofstream(dir_ / "index.bin", std::ios::trunc) << "garbage";
  auto index = Open();
  EXPECT_FALSE(index->loaded_from_disk());
  EXPECT_EQ(index->Size().value(), 0u);
}

TEST_F(HnswIndexTest, GrowsPastInitialCapacity) {
  auto index = Open();
  std::mt19937 rng(7);
  std::vector<VectorRecord> batch;
  for (int i = 0; i < 3000; ++i) {
    Embedding v = RandomUnit(rng);
    batch.push_back({"r" + std::to_string(i), v, {}});
  }
  ASSERT_TRUE(index->Upsert(batch));
  EXPECT_EQ(index->Size().value(), 3000u);
  auto hits = index->Query(batch[1234].vector, 1, {});
  EXPECT_EQ((*hits)[0].id, "r1234");
}

TEST_F(HnswIndexTest, ExactAndGraphSearchAgreeOnTheNearest) {
  auto index = Open();
  std::mt19937 rng(11);
  std::vector<VectorRecord> batch;
  for (int i = 0; i < 3000; ++i) {
    Embedding v = RandomUnit(rng);
    // "common" passes the graph path (> kExactLimit), "rare" the exact one.
    batch.push_back(
        {"r" + std::to_string(i),
         v,
         {{"all", "yes"}, {"tag", i % 10 == 0 ? "rare" : "common"}}});
  }
  ASSERT_TRUE(index->Upsert(batch));
  auto common = index->Query(batch[41].vector, 3, {{"all", "yes"}});
  ASSERT_EQ(common->size(), 3u);
  EXPECT_EQ((*common)[0].id, "r41");
  auto rare = index->Query(batch[40].vector, 3, {{"tag", "rare"}});
  ASSERT_EQ(rare->size(), 3u);
  EXPECT_EQ((*rare)[0].id, "r40");
  EXPECT_NEAR((*rare)[0].score, 1.0f, 1e-4);
  for (const VectorHit& h : *rare) {
    EXPECT_EQ(std::stoi(h.id.substr(1)) % 10, 0) << h.id;
  }
  EXPECT_TRUE(index->Query(batch[40].vector, 3, {{"tag", "none"}})->empty());
}

}  // namespace
}  // namespace miri

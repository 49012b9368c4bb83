#include "adapters/lexical/lexical_embedder.h"

#include <cmath>

#include <gtest/gtest.h>

namespace miri {
namespace {

float Sim(LexicalEmbedder& e, const std::string& a, const std::string& b) {
  return Cosine(e.EmbedOne(a), e.EmbedOne(b));
}

TEST(LexicalEmbedderTest, VectorsAreNormalisedAndDeterministic) {
  LexicalEmbedder e(256);
  Embedding v = e.EmbedOne("Miri twirling in a summer dress");
  ASSERT_EQ(v.size(), 256u);
  float norm = 0;
  for (float x : v) norm += x * x;
  EXPECT_NEAR(norm, 1.0f, 1e-5);
  EXPECT_EQ(v, e.EmbedOne("Miri twirling in a summer dress"));
}

TEST(LexicalEmbedderTest, EmptyTextIsTheZeroVector) {
  LexicalEmbedder e(64);
  Embedding v = e.EmbedOne("the a of !!");
  for (float x : v) EXPECT_EQ(x, 0.0f);
}

TEST(LexicalEmbedderTest, StemsJoinInflections) {
  EXPECT_EQ(LexicalEmbedder::Stems("Dresses twirling lights Miri's"),
            (std::vector<std::string>{"dress", "twirl", "light", "miri"}));
}

TEST(LexicalEmbedderTest, SharedWordsAndConceptsAreCloserThanUnrelated) {
  LexicalEmbedder e;
  const std::string rule = "the dress hem falls to mid-calf";
  EXPECT_GT(Sim(e, rule, "Miri twirling in a summer dress"),
            Sim(e, rule, "empty street at night, rain") + 0.1f);
  // Concept only: skirt and dress share #clothing.
  EXPECT_GT(Sim(e, "a long skirt", "her dress"), 0.05f);
  EXPECT_NEAR(Sim(e, "a long skirt", "a guitar on a stand"), 0.0f, 0.1f);
}

TEST(LexicalEmbedderTest, OtherScriptsStillMatchThemselves) {
  LexicalEmbedder e;
  EXPECT_GT(Sim(e, "雨の中のミリ", "雨の中のミリ"), 0.99f);
  EXPECT_LT(Sim(e, "雨の中のミリ", "sunny beach"), 0.2f);
}

TEST(LexicalEmbedderTest, EmbedKeepsOrder) {
  LexicalEmbedder e(128);
  auto out = e.Embed({"rain", "dress"}, EmbedPurpose::kDocument);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[1], e.EmbedOne("dress"));
}

}  // namespace
}  // namespace miri

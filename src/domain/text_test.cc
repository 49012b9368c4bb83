#include "domain/text.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

TEST(TextTest, ValidUtf8AcceptsAsciiAndMultibyte) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("rain on the roof"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xB5"));
}

TEST(TextTest, ValidUtf8RefusesBrokenSequences) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // cut short
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(TextTest, TruncateNeverSplitsACharacter) {
  const std::string euro = "\xE2\x82\xAC";  // 3 bytes
  std::string s;
  for (int i = 0; i < 1000; ++i) s += euro;
  for (size_t max : {0u, 1u, 2u, 3u, 4u, 1900u, 1901u, 1902u}) {
    std::string cut = TruncateUtf8(s, max);
    EXPECT_LE(cut.size(), max);
    EXPECT_EQ(cut.size(), max / 3 * 3) << max;
    EXPECT_TRUE(IsValidUtf8(cut)) << max;
  }
  EXPECT_EQ(TruncateUtf8("short", 100), "short");
}

}  // namespace
}  // namespace miri

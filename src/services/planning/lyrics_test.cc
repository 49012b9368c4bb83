#include "services/planning/lyrics.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

Lyrics MustParse(std::string_view text, LyricsFormat f) {
  Result<Lyrics> r = ParseLyrics(text, f);
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return r.value_or(Lyrics{});
}

void ExpectError(std::string_view text, LyricsFormat f,
                 std::string_view words) {
  Result<Lyrics> r = ParseLyrics(text, f);
  ASSERT_FALSE(r.has_value()) << "parsed: " << text;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().ToString().find(words), std::string::npos)
      << r.error().ToString();
}

bool HasWarning(const Lyrics& l, std::string_view code) {
  for (const PlanWarning& w : l.warnings)
    if (w.code == code) return true;
  return false;
}

TEST(LrcTest, ParsesTimeTagsAndText) {
  Lyrics l = MustParse("[00:01.50]Hello there\n[00:04.00]General words\n",
                       LyricsFormat::kLrc);
  ASSERT_EQ(l.lines.size(), 2u);
  EXPECT_EQ(l.lines[0].start_ms, 1500);
  EXPECT_EQ(l.lines[0].text, "Hello there");
  EXPECT_EQ(l.lines[1].start_ms, 4000);
  EXPECT_EQ(l.lines[1].source_line, 2);
}

TEST(LrcTest, AcceptsTimeVariants) {
  Lyrics l = MustParse("[1:02]a\n[01:03.5]b\n[01:04.123]c\n[01:05:20]d\n",
                       LyricsFormat::kLrc);
  ASSERT_EQ(l.lines.size(), 4u);
  EXPECT_EQ(l.lines[0].start_ms, 62000);
  EXPECT_EQ(l.lines[1].start_ms, 63500);
  EXPECT_EQ(l.lines[2].start_ms, 64123);
  EXPECT_EQ(l.lines[3].start_ms, 65200);
}

TEST(LrcTest, SeveralTagsOnOneLineRepeatTheLineInTimeOrder) {
  Lyrics l = MustParse("[00:10.00][00:30.00]Chorus line\n[00:20.00]Verse\n",
                       LyricsFormat::kLrc);
  ASSERT_EQ(l.lines.size(), 3u);
  EXPECT_EQ(l.lines[0].text, "Chorus line");
  EXPECT_EQ(l.lines[1].text, "Verse");
  EXPECT_EQ(l.lines[2].text, "Chorus line");
  EXPECT_EQ(l.lines[2].start_ms, 30000);
}

TEST(LrcTest, ReadsMetadataAndAppliesOffset) {
  // A positive offset makes lyrics appear sooner.
  Lyrics l = MustParse(
      "[ar:Miri]\n[ti:Rain Song]\n[length: 03:00]\n[offset:+500]\n"
      "[00:02.00]one\n[00:00.20]zero\n",
      LyricsFormat::kLrc);
  EXPECT_EQ(l.metadata["ar"], "Miri");
  EXPECT_EQ(l.metadata["ti"], "Rain Song");
  ASSERT_EQ(l.lines.size(), 2u);
  EXPECT_EQ(l.lines[0].start_ms, 0);  // clamped at the song's start
  EXPECT_EQ(l.lines[1].start_ms, 1500);
}

TEST(LrcTest, NegativeOffsetDelays) {
  Lyrics l = MustParse("[offset:-250]\n[00:01.00]x\n", LyricsFormat::kLrc);
  EXPECT_EQ(l.lines[0].start_ms, 1250);
}

TEST(LrcTest, WordTagsAreStrippedAndGiveTheFirstWordsEnd) {
  Lyrics l = MustParse("[00:05.00]<00:05.00>Hold <00:05.60>on <00:06.00>now\n",
                       LyricsFormat::kLrc);
  ASSERT_EQ(l.lines.size(), 1u);
  EXPECT_EQ(l.lines[0].text, "Hold on now");
  EXPECT_EQ(l.lines[0].first_word_end_ms, 5600);
}

TEST(LrcTest, EmptyTimedLineEndsThePreviousLine) {
  Lyrics l = MustParse("[00:01.00]sung\n[00:03.00]\n[00:09.00]again\n",
                       LyricsFormat::kLrc);
  ASSERT_EQ(l.lines.size(), 2u);
  EXPECT_EQ(l.lines[0].end_ms, 3000);
}

TEST(LrcTest, KeepsAnyScript) {
  Lyrics l = MustParse(
      "[00:01.00]雨の中で\n[00:02.00]Дождь идёт\n"
      "[00:03.00]مطر\n",
      LyricsFormat::kLrc);
  ASSERT_EQ(l.lines.size(), 3u);
  EXPECT_EQ(l.lines[0].text, "雨の中で");
  EXPECT_EQ(l.lines[2].text, "مطر");
}

TEST(LrcTest, UntimedLinesAreANamedWarning) {
  Lyrics l = MustParse("[00:01.00]a\nstray words\n", LyricsFormat::kLrc);
  EXPECT_TRUE(HasWarning(l, "LRC_UNTIMED_LINE"));
  EXPECT_EQ(l.lines.size(), 1u);
}

TEST(LrcTest, MalformedTimeTagIsAnErrorNamingTheLine) {
  ExpectError("[00:01.00]a\n[00:7x.00]b\n", LyricsFormat::kLrc,
              "lyrics line 2: malformed time tag [00:7x.00]");
  ExpectError("[00:61.00]b\n", LyricsFormat::kLrc, "malformed time tag");
  ExpectError("[00:01.00 unclosed\n", LyricsFormat::kLrc, "unclosed tag");
  ExpectError("[offset:soon]\n[00:01.00]a\n", LyricsFormat::kLrc,
              "malformed [offset:soon]");
}

TEST(LrcTest, OnlyMetadataIsAnError) {
  ExpectError("[ar:x]\n[ti:y]\n", LyricsFormat::kLrc, "no timed lyric line");
}

TEST(SrtTest, ParsesCues) {
  Lyrics l = MustParse(
      "1\r\n00:00:01,000 --> 00:00:03,500\r\nFirst <i>line</i>\r\nwraps\r\n"
      "\r\n2\r\n00:00:04,000 --> 00:00:06,000 X1:10\r\nSecond\r\n",
      LyricsFormat::kSrt);
  ASSERT_EQ(l.lines.size(), 2u);
  EXPECT_EQ(l.lines[0].start_ms, 1000);
  EXPECT_EQ(l.lines[0].end_ms, 3500);
  EXPECT_EQ(l.lines[0].text, "First line wraps");
  EXPECT_EQ(l.lines[1].start_ms, 4000);
  EXPECT_EQ(l.lines[1].end_ms, 6000);
}

TEST(SrtTest, MalformedTimingIsAnError) {
  ExpectError("1\n00:00:01 --> 00:00:02,000\nx\n", LyricsFormat::kSrt,
              "lyrics line 2: malformed SRT timing");
  ExpectError("1\nno timing here\nx\n", LyricsFormat::kSrt,
              "no \"start --> end\" timing line");
  ExpectError("1\n00:00:05,000 --> 00:00:02,000\nx\n", LyricsFormat::kSrt,
              "ends before it starts");
}

// Fuzz finding (fuzz/lyrics_fuzzer, issue 21 item 8): an hour field of 20
// digits threw out_of_range from std::stoll (a 500), and one of 18 digits
// overflowed the millisecond arithmetic.
TEST(SrtTest, HugeHourFieldIsMalformedTiming) {
  ExpectError("1\n" + std::string(20, '5') + ":00:01,000 --> 00:00:02,000\nx\n",
              LyricsFormat::kSrt, "lyrics line 2: malformed SRT timing");
  ExpectError("1\n00:00:01,000 --> " + std::string(18, '9') + ":00:02,000\nx\n",
              LyricsFormat::kSrt, "lyrics line 2: malformed SRT timing");
  EXPECT_EQ(
      MustParse("1\n001:00:01,000 --> 001:00:02,000\nx\n", LyricsFormat::kSrt)
          .lines[0]
          .start_ms,
      3601000);
}

TEST(SrtTest, OverlapsAreTrimmedWithAWarning) {
  Lyrics l = MustParse(
      "1\n00:00:01,000 --> 00:00:05,000\na\n\n"
      "2\n00:00:04,000 --> 00:00:06,000\nb\n",
      LyricsFormat::kSrt);
  EXPECT_TRUE(HasWarning(l, "SRT_OVERLAP"));
  EXPECT_EQ(l.lines[0].end_ms, 4000);
}

TEST(PlainTest, LinesStanzasAndHeadings) {
  Lyrics l = MustParse(
      "[Verse 1]\nWalking in the rain\nCounting drops\n\n\n"
      "(Chorus)\nLa la la\n",
      LyricsFormat::kPlain);
  ASSERT_EQ(l.lines.size(), 3u);
  EXPECT_EQ(l.lines[0].stanza, 0);
  EXPECT_EQ(l.lines[1].stanza, 0);
  EXPECT_EQ(l.lines[2].stanza, 1);
  EXPECT_EQ(l.lines[2].start_ms, kUntimed);
}

TEST(LyricsTest, EmptyFileIsAnErrorInEveryFormat) {
  for (LyricsFormat f :
       {LyricsFormat::kLrc, LyricsFormat::kSrt, LyricsFormat::kPlain}) {
    ExpectError("", f, "lyrics file is empty");
    ExpectError(" \n\r\n\t\n", f, "lyrics file is empty");
  }
}

TEST(LyricsTest, InvalidUtf8IsAnErrorNamingTheLine) {
  ExpectError("ok\nbad \xC3\x28 byte\n", LyricsFormat::kPlain,
              "lyrics line 2: not valid UTF-8");
}

TEST(LyricsTest, Utf16IsRefusedWithAHint) {
  ExpectError(std::string("\xFF\xFEh\0i\0", 6), LyricsFormat::kPlain, "UTF-16");
}

TEST(LyricsTest, ByteOrderMarkIsIgnored) {
  Lyrics l = MustParse("\xEF\xBB\xBF[00:01.00]x\n", LyricsFormat::kLrc);
  EXPECT_EQ(l.lines[0].text, "x");
}

TEST(LyricsTest, DetectsFormats) {
  EXPECT_EQ(DetectLyricsFormat("[00:01.00]a\n"), LyricsFormat::kLrc);
  EXPECT_EQ(DetectLyricsFormat("[ti:x]\n[00:01]a"), LyricsFormat::kLrc);
  EXPECT_EQ(DetectLyricsFormat("1\n00:00:01,000 --> 00:00:02,000\na\n"),
            LyricsFormat::kSrt);
  EXPECT_EQ(DetectLyricsFormat("[Chorus]\nla la\n"), LyricsFormat::kPlain);
  EXPECT_EQ(DetectLyricsFormat("just words: here\n"), LyricsFormat::kPlain);
  EXPECT_FALSE(ParseLyricsFormatName("xml", "").has_value());
  EXPECT_EQ(ParseLyricsFormatName("srt", "").value(), LyricsFormat::kSrt);
}

TEST(FitTest, DropsLinesPastTheEndWithANamedWarning) {
  Lyrics l =
      MustParse("[00:01.00]a\n[00:08.00]b\n[00:12.00]c\n", LyricsFormat::kLrc);
  FitLyricsToSong(l, 10000);
  ASSERT_EQ(l.lines.size(), 2u);
  EXPECT_TRUE(HasWarning(l, "LYRICS_PAST_END"));
  EXPECT_EQ(l.lines[1].end_ms, 10000);
}

TEST(FitTest, FillsEndsAndFirstWords) {
  Lyrics l =
      MustParse("[00:01.00]one two\n[00:30.00]three\n", LyricsFormat::kLrc);
  FitLyricsToSong(l, 60000);
  EXPECT_EQ(l.lines[0].end_ms, 3600);  // two words: 2.6 s
  EXPECT_EQ(l.lines[0].first_word_end_ms, 1800);
  EXPECT_EQ(l.lines[1].end_ms, 32000);
}

TEST(PlaceTest, SpreadsLinesOverVocalSpansSnappedToBeats) {
  Lyrics l = MustParse("a\nb\nc\nd\n", LyricsFormat::kPlain);
  std::vector<int64_t> beats;
  for (int64_t t = 0; t < 60000; t += 500) beats.push_back(t);
  PlaceUntimedLines(l, {{10000, 20000}, {40000, 50000}}, beats, 60000);
  ASSERT_EQ(l.lines.size(), 4u);
  EXPECT_EQ(l.lines[0].start_ms, 10000);
  EXPECT_EQ(l.lines[1].start_ms, 15000);
  EXPECT_EQ(l.lines[2].start_ms, 40000);
  EXPECT_EQ(l.lines[3].start_ms, 45000);
  for (const LyricLine& line : l.lines) {
    EXPECT_TRUE(line.estimated);
    EXPECT_GT(line.end_ms, line.start_ms);
    EXPECT_GT(line.first_word_end_ms, line.start_ms);
  }
  EXPECT_TRUE(HasWarning(l, "LYRICS_ESTIMATED"));
}

TEST(PlaceTest, StanzasStartOnTheirOwnSpans) {
  Lyrics l = MustParse("a\nb\n\nc\n", LyricsFormat::kPlain);
  PlaceUntimedLines(l, {{0, 10000}, {20000, 30000}}, {}, 30000);
  EXPECT_EQ(l.lines[0].start_ms, 0);
  EXPECT_EQ(l.lines[1].start_ms, 5000);
  EXPECT_EQ(l.lines[2].start_ms, 20000);
}

TEST(PlaceTest, WithoutSpansUsesTheWholeSong) {
  Lyrics l = MustParse("a\nb\n", LyricsFormat::kPlain);
  PlaceUntimedLines(l, {}, {}, 8000);
  EXPECT_EQ(l.lines[0].start_ms, 0);
  EXPECT_EQ(l.lines[1].start_ms, 4000);
  EXPECT_EQ(l.lines[1].end_ms, 8000);
}

// Input that multiplies (reliability review C1): a 135 KB file of time
// tags on one line used to become 15,000 copies of a 60 KB line.
TEST(LyricsBoundsTest, ManyTimeTagsOnOneLineAreRefusedNamingTheLimit) {
  std::string amp;
  for (int i = 0; i < 15000; ++i) amp += "[0:1]";
  for (int i = 0; i < 30000; ++i) amp += "w ";
  auto r = ParseLyricsAuto(amp + "\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("line 1"), std::string::npos)
      << r.error().message;
  ASSERT_FALSE(r.error().issues.empty());
  EXPECT_EQ(r.error().issues[0].path, "lyrics");
}

TEST(LyricsBoundsTest, AtMostTheLimitOfTimeTagsPerLineIsFine) {
  std::string line;
  for (int i = 0; i < kMaxTimeTagsPerLine; ++i) {
    line += "[00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "]";
  }
  auto r = ParseLyricsAuto(line + "chorus\n");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->lines.size(), static_cast<size_t>(kMaxTimeTagsPerLine));
  std::string over = "[00:59]" + line + "chorus\n";
  EXPECT_FALSE(ParseLyricsAuto(over));
}

TEST(LyricsBoundsTest, TooManyLinesOrAVeryLongLineAreRefused) {
  std::string many;
  for (int i = 0; i <= kMaxLyricsLines; ++i) many += "la\n";
  auto lines = ParseLyricsAuto(many);
  ASSERT_FALSE(lines);
  EXPECT_NE(lines.error().message.find(std::to_string(kMaxLyricsLines)),
            std::string::npos)
      << lines.error().message;
  auto wide = ParseLyricsAuto("[00:01]" + std::string(kMaxLineBytes + 1, 'a'));
  ASSERT_FALSE(wide);
  EXPECT_NE(wide.error().message.find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace miri

// Names and labels that print as what they are: refused when made, escaped when printed.

#include "common/display.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(DisplayTextTest, PlainAndInternationalTextPasses) {
  for (std::string_view ok : {"alice", "ACME Corp.", "Ünïcødé 組織", "a-b_c.d", "😀 emoji"}) {
    EXPECT_TRUE(CheckDisplayText("a name", ok, false).ok()) << ok;
    EXPECT_EQ(EscapeForDisplay(ok), ok);
  }
  EXPECT_TRUE(CheckDisplayText("a description", "line one\nline\ttwo", true).ok());
}

TEST(DisplayTextTest, ControlFormatAndBidiCharactersAreRefused) {
  // Written as bytes so that this file itself shows them.
  const std::string cases[] = {
      "evil\nrow",              // C0: a newline forges a row of a table
      "bell\x07",               // C0
      "del\x7f",                // DEL
      "c1\xc2\x9b[31m",         // U+009B CSI (C1)
      "admin\xe2\x80\xae",      // U+202E RIGHT-TO-LEFT OVERRIDE
      "is\xe2\x81\xa6o",        // U+2066 LEFT-TO-RIGHT ISOLATE
      "zero\xe2\x80\x8bwidth",  // U+200B ZERO WIDTH SPACE
      "joiner\xe2\x80\x8d",     // U+200D ZERO WIDTH JOINER
      "\xef\xbb\xbf"
      "bom",                  // U+FEFF
      "soft\xc2\xad",         // U+00AD SOFT HYPHEN
      "line\xe2\x80\xa8sep",  // U+2028 LINE SEPARATOR
      "tag\xf3\xa0\x80\x81",  // U+E0001 LANGUAGE TAG
  };
  for (const std::string& bad : cases) {
    Status st = CheckDisplayText("a label", bad, false);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("U+"), std::string::npos) << st.message();
    const std::string shown = EscapeForDisplay(bad);
    EXPECT_NE(shown.find("\\u{"), std::string::npos) << shown;
    EXPECT_TRUE(CheckDisplayText("escaped", shown, false).ok()) << shown;
  }
  EXPECT_EQ(EscapeForDisplay("evil\nrow"), "evil\\u{000A}row");
  EXPECT_EQ(EscapeForDisplay("a\\u{000A}"), "a\\\\u{000A}");  // a backslash cannot fake one
}

TEST(DisplayTextTest, InvalidUtf8IsRefusedAndEscapedByteWise) {
  for (std::string_view bad : {std::string_view("\xff"), std::string_view("\xc0\xaf"),
                               std::string_view("\xed\xa0\x80"), std::string_view("ab\xe2\x80")}) {
    EXPECT_EQ(CheckDisplayText("a name", bad, false).code(), ErrorCode::kInvalidArgument);
    EXPECT_TRUE(CheckDisplayText("shown", EscapeForDisplay(bad), false).ok());
  }
  EXPECT_EQ(EscapeForDisplay("a\xff"), "a\\xFF");
}

}  // namespace
}  // namespace tessera

#include "common/text.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Trim, WhiteSpaceByDefaultBlanksOnRequest) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim("\f\v x \v"), "x");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("\r a \t", kBlanks), "\r a");  // HTTP OWS: space and tab only
  static_assert(Trim("  k ") == "k");
}

}  // namespace
}  // namespace tessera

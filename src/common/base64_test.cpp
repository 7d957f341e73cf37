#include "common/base64.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

// RFC 4648 section 10's test vectors, and what is not base64.
TEST(Base64, DecodesTheRfcVectorsAndRefusesTheRest) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"Zg==", "f"},
      {"Zm8=", "fo"},
      {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"},
      {"Zm9vYmE=", "fooba"},
      {"Zm9vYmFy", "foobar"},
  };
  std::string out = "left over";
  for (const auto& [text, bytes] : vectors) {
    ASSERT_TRUE(DecodeBase64(text, &out)) << text;
    EXPECT_EQ(out, bytes);
    EXPECT_TRUE(IsBase64(text));
  }
  ASSERT_TRUE(DecodeBase64("dGhpcyBpcyBhIHRlc3Q=", &out));
  EXPECT_EQ(out, "this is a test");
  ASSERT_TRUE(DecodeBase64("+/8=", &out));
  EXPECT_EQ(out, "\xfb\xff");
  for (const char* bad : {"====", "AA=A", "AAA", "A===", "Zg=", "Zg==Zg==", "Zm9v\n", "Zm 9",
                          "-_8=", "Zm9v====", "Z\xc3\xa9=="}) {
    EXPECT_FALSE(DecodeBase64(bad, &out)) << bad;
    EXPECT_FALSE(IsBase64(bad)) << bad;
  }
}

}  // namespace
}  // namespace tessera

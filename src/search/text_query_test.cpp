// The full-text query syntax (search/text_query.h), as cases in tests/data/search/text.json
// ("queries"): what each typed query asks for, or why it is refused.

#include "search/text_query.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/file.h"
#include "common/json.h"

namespace tessera::search {
namespace {

boost::json::value Cases() {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  auto text = ReadInput(std::string(src ? src : ".") + "/tests/data/search/text.json");
  EXPECT_TRUE(text.ok()) << text.status().message();
  if (!text.ok()) return {};
  auto doc = ParseJson(*text);
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  return doc.ok() ? *doc : boost::json::value();
}

// A term as the cases write it: its words, then '*' for a prefix.
std::string Written(const store::TextTerm& t) { return t.words + (t.prefix ? "*" : ""); }

TEST(TextQuery, TheCases) {
  const boost::json::value doc = Cases();
  ASSERT_TRUE(doc.is_object());
  const auto& cases = doc.as_object().at("queries").as_array();
  ASSERT_GT(cases.size(), 20u);
  for (const auto& c : cases) {
    const auto& o = c.as_object();
    const std::string query(o.at("query").as_string());
    SCOPED_TRACE("'" + query + "'");
    auto parsed = ParseTextQuery(query);
    if (const auto* error = o.if_contains("error")) {
      ASSERT_FALSE(parsed.ok());
      EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(parsed.status().message().find(std::string(error->as_string())), std::string::npos)
          << parsed.status().message();
      continue;
    }
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    boost::json::array all, none;
    for (const auto& group : parsed->all) {
      boost::json::array g;
      for (const auto& t : group) g.emplace_back(Written(t));
      all.emplace_back(std::move(g));
    }
    for (const auto& t : parsed->none) none.emplace_back(Written(t));
    EXPECT_EQ(boost::json::value(all), o.at("all"));
    EXPECT_EQ(boost::json::value(none), o.at("none"));
  }
}

TEST(TextQuery, TheLengthLimitIsInBytes) {
  std::string longest(kMaxTextQueryBytes, 'a');
  EXPECT_TRUE(ParseTextQuery(longest).ok());
  auto refused = ParseTextQuery(longest + "a");
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("at most 1024 bytes"), std::string::npos);
}

}  // namespace
}  // namespace tessera::search

#include "domain/result.h"

#include <gtest/gtest.h>

namespace miri {
namespace {

Result<int> Fails() { return MakeError(ErrorCode::kNotFound, "no such shot"); }

Result<int> Adds(std::string_view context) {
  ASSIGN_OR_RETURN(int v, Fails(), context);
  return v;
}

TEST(WithContextTest, PrefixesTheContext) {
  EXPECT_EQ(Adds("loading").error().message, "loading: no such shot");
}

// Regression: an empty context gave ": no such shot", which the dashboard
// showed as "Approve failed: : ...".
TEST(WithContextTest, AnEmptyContextLeavesTheMessage) {
  EXPECT_EQ(Adds("").error().message, "no such shot");
  EXPECT_EQ(Adds("").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace miri

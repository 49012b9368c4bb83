// The Store contract suite (ports/store.h): every Store adapter must pass
// it. An adapter's test file instantiates it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//       ::testing::Values(StoreFactory{"sqlite", [](const std::string& dir) {
//         return SqliteStore::Open(dir + "/miri.db"); }}));
#ifndef MIRI_TESTING_STORE_CONTRACT_H_
#define MIRI_TESTING_STORE_CONTRACT_H_

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ports/store.h"
#include "testing/store_fixtures.h"

namespace miri::testing {

struct StoreFactory {
  std::string name;
  // Opens a store whose data lives in (or is keyed by) `dir`; opening the
  // same dir twice must give two handles on the same data.
  std::function<Result<std::unique_ptr<Store>>(const std::string& dir)> open;
};

inline std::string PrintToString(const StoreFactory& f) { return f.name; }

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<Store> Reopen();
  std::string dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_STORE_CONTRACT_H_

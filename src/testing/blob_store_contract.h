// The BlobStore contract suite (ports/blob_store.h): every BlobStore adapter
// must pass it. An adapter's test file instantiates it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(LocalFs, BlobStoreContractTest,
//       ::testing::Values(BlobStoreFactory{"localfs", [](const std::string&
//       dir) {
//         return LocalFsBlobStore::Open(dir + "/root"); }}));
#ifndef MIRI_TESTING_BLOB_STORE_CONTRACT_H_
#define MIRI_TESTING_BLOB_STORE_CONTRACT_H_

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ports/blob_store.h"

namespace miri::testing {

struct BlobStoreFactory {
  std::string name;
  // Opens a store whose data lives in (or is keyed by) `dir`; opening the
  // same dir twice must give two handles on the same blobs (two processes
  // sharing one store). `dir` is a fresh, empty directory per test that the
  // store may also use for local files (e.g. a cache).
  std::function<Result<std::unique_ptr<BlobStore>>(const std::string& dir)>
      open;
};

inline std::string PrintToString(const BlobStoreFactory& f) { return f.name; }

class BlobStoreContractTest
    : public ::testing::TestWithParam<BlobStoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<BlobStore> Reopen();
  std::string dir_;
  std::unique_ptr<BlobStore> store_;
};

}  // namespace miri::testing

#endif  // MIRI_TESTING_BLOB_STORE_CONTRACT_H_

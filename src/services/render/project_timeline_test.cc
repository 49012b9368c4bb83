#include "services/render/project_timeline.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <set>

#include "adapters/sqlite/sqlite_store.h"
#include "testing/store_fixtures.h"

namespace miri::render {
namespace {

tl::unexpected<Error> Unused() {
  return MakeError(ErrorCode::kInternal, "not used by the render");
}

// Blobs live under /blobs/; a key is present when listed.
class PathBlobStore final : public BlobStore {
 public:
  std::set<std::string, std::less<>> keys;
  Result<std::filesystem::path> LocalPath(std::string_view key) override {
    if (!keys.contains(key))
      return MakeError(ErrorCode::kNotFound, "no blob " + std::string(key));
    return std::filesystem::path("/blobs") / key;
  }
  Result<void> Put(std::string_view, std::string_view) override {
    return Unused();
  }
  Result<void> PutFile(std::string_view,
                       const std::filesystem::path&) override {
    return Unused();
  }
  Result<std::string> Get(std::string_view) override { return Unused(); }
  Result<bool> Exists(std::string_view key) override {
    return keys.contains(key);
  }
};

Version VideoVersion(const std::string& id, const std::string& shot,
                     std::vector<std::string> outputs,
                     VersionKind kind = VersionKind::kVideo) {
  Version v = testing::SampleVersion(id, shot);
  v.kind = kind;
  v.outputs = std::move(outputs);
  return v;
}

// A real SQLite store holding two shots ("s-0" 0-4 s, "s-1" 4-8 s) with
// versions; Complete() walks a shot through the state machine.
class ProjectTimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::filesystem::temp_directory_path() /
          ("miri-render-store-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(db_);
    auto store = SqliteStore::Open(db_.string());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    ProjectConfig project = testing::SampleProject();
    project_ = project.project_id;
    ASSERT_TRUE(store_->CreateProject(project));
    ASSERT_TRUE(store_->CommitPlan(project_, testing::SamplePlan("s", 2)));
    Add(VideoVersion("v1", "s-0", {"p/s-0/v1.mp4"}));
    Add(VideoVersion("v2", "s-0", {"p/s-0/v2.mp4"}));
    Add(VideoVersion("v3", "s-0", {"p/s-0/v3.png"}, VersionKind::kImage));
    Add(VideoVersion("v4", "s-1", {"p/s-1/v4.mp4"}));
    blobs_.keys = {"p/s-0/v1.mp4", "p/s-0/v2.mp4", "p/s-1/v4.mp4"};
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove(db_);
    std::filesystem::remove(db_.string() + "-wal");
    std::filesystem::remove(db_.string() + "-shm");
  }

  void Add(const Version& v) {
    Result<void> r = store_->AppendVersion(project_, v);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  // DRAFT -> ... -> `last` along the happy path.
  void Walk(const std::string& shot, ShotStatus last) {
    Result<void> r = testing::WalkShot(*store_, project_, shot, last);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  std::filesystem::path db_;
  std::unique_ptr<SqliteStore> store_;
  std::string project_;
  PathBlobStore blobs_;
};

TEST_F(ProjectTimelineTest, UsesEachShotsNewestVideoClip) {
  Walk("s-0", ShotStatus::kCompleted);
  Walk("s-1", ShotStatus::kCompleted);
  Result<Timeline> t = TimelineFromProject(*store_, blobs_, project_);
  ASSERT_TRUE(t) << t.error().ToString();
  Timeline want{{{"s-0", 0, 4000, "/blobs/p/s-0/v2.mp4"},
                 {"s-1", 4000, 8000, "/blobs/p/s-1/v4.mp4"}}};
  EXPECT_EQ(*t, want);
}

TEST_F(ProjectTimelineTest, ShotNotCompletedIsNamed) {
  Walk("s-0", ShotStatus::kCompleted);
  Walk("s-1", ShotStatus::kGeneratingVideo);
  Result<Timeline> t = TimelineFromProject(*store_, blobs_, project_);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(t.error().ToString().find("shot \"s-1\" is GENERATING_VIDEO"),
            std::string::npos)
      << t.error().ToString();
}

TEST_F(ProjectTimelineTest, NewerImageOrEmptyVersionsDoNotReplaceTheClip) {
  Add(VideoVersion("v5", "s-0", {"p/s-0/v5.png"}, VersionKind::kImage));
  Add(VideoVersion("v6", "s-1", {}));  // a video version without output
  Walk("s-0", ShotStatus::kCompleted);
  Walk("s-1", ShotStatus::kCompleted);
  Result<Timeline> ok = TimelineFromProject(*store_, blobs_, project_);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->shots[0].clip, "/blobs/p/s-0/v2.mp4");
  EXPECT_EQ(ok->shots[1].clip, "/blobs/p/s-1/v4.mp4");
}

TEST_F(ProjectTimelineTest, ShotWithoutVideoIsNamed) {
  // A second project whose one shot has only an image version.
  ProjectConfig other = testing::SampleProject("000000000001");
  ASSERT_TRUE(store_->CreateProject(other));
  ASSERT_TRUE(
      store_->CommitPlan(other.project_id, testing::SamplePlan("t", 1)));
  ASSERT_TRUE(store_->AppendVersion(
      other.project_id,
      VideoVersion("w1", "t-0", {"q/t-0/w1.png"}, VersionKind::kImage)));
  project_ = other.project_id;
  Walk("t-0", ShotStatus::kCompleted);
  Result<Timeline> t = TimelineFromProject(*store_, blobs_, project_);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().ToString().find("shot \"t-0\" has no video"),
            std::string::npos)
      << t.error().ToString();
}

TEST_F(ProjectTimelineTest, MissingBlobIsNamed) {
  Walk("s-0", ShotStatus::kCompleted);
  Walk("s-1", ShotStatus::kCompleted);
  blobs_.keys.erase("p/s-1/v4.mp4");
  Result<Timeline> t = TimelineFromProject(*store_, blobs_, project_);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kNotFound);
  EXPECT_NE(t.error().ToString().find("shot \"s-1\""), std::string::npos);
}

TEST_F(ProjectTimelineTest, ProjectWithoutShotsIsRefused) {
  ProjectConfig empty = testing::SampleProject("000000000001");
  ASSERT_TRUE(store_->CreateProject(empty));
  Result<Timeline> t = TimelineFromProject(*store_, blobs_, empty.project_id);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().ToString().find("shots: must not be empty"),
            std::string::npos);
}

}  // namespace
}  // namespace miri::render

#include "http/sio_protocol.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/inproc_bus/bus_collector.h"
#include "adapters/inproc_bus/inproc_bus.h"
#include "http/sio_hub.h"

namespace miri::http {
namespace {

using nlohmann::json;

struct Fixture {
  std::vector<std::string> joined, left;
  SioSession session{SioOptions{1000, 500, 1000}, Hooks()};
  SioHooks Hooks() {
    SioHooks h;
    h.authorize = [](std::string_view t) { return t == "tok"; };
    h.project_exists = [](std::string_view p) -> Result<void> {
      if (p == "p1") return {};
      return MakeError(ErrorCode::kNotFound, "project not found");
    };
    h.join = [this](const std::string& p) { joined.push_back(p); };
    h.leave = [this](const std::string& p) { left.push_back(p); };
    return h;
  }
  std::vector<std::string> Feed(std::string frame, bool* keep = nullptr) {
    std::vector<std::string> out;
    bool k = session.OnText(frame, &out);
    if (keep) *keep = k;
    return out;
  }
};

TEST(SioSession, OpenPacketCarriesTheHeartbeatSettings) {
  Fixture f;
  std::string open = f.session.OpenPacket();
  ASSERT_EQ(open[0], '0');
  json j = json::parse(open.substr(1));
  EXPECT_EQ(j["pingInterval"], 1000);
  EXPECT_EQ(j["pingTimeout"], 500);
  EXPECT_EQ(j["maxPayload"], 1000);
  EXPECT_EQ(j["upgrades"], json::array());
  EXPECT_EQ(j["sid"].get<std::string>().size(), 20u);
}

TEST(SioSession, ConnectWithTokenThenSubscribeWithAck) {
  Fixture f;
  auto out = f.Feed(R"(40{"token":"tok"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].substr(0, 2), "40");
  EXPECT_TRUE(json::parse(out[0].substr(2)).contains("sid"));
  out = f.Feed(R"(4212["subscribe",{"projectId":"p1"}])");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].substr(0, 4), "4312");
  EXPECT_EQ(json::parse(out[0].substr(4))[0]["ok"], true);
  EXPECT_EQ(f.joined, std::vector<std::string>{"p1"});
}

TEST(SioSession, WrongTokenGetsConnectError) {
  Fixture f;
  auto out = f.Feed(R"(40{"token":"nope"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].substr(0, 2), "44");
  EXPECT_FALSE(f.session.connected());
  bool keep = true;
  f.Feed(R"(42["subscribe",{"projectId":"p1"}])", &keep);
  EXPECT_FALSE(keep);  // events before CONNECT close the transport
}

TEST(SioSession, UnknownProjectIsRefusedInTheAck) {
  Fixture f;
  f.Feed(R"(40{"token":"tok"})");
  auto out = f.Feed(R"(421["subscribe",{"projectId":"p9"}])");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json::parse(out[0].substr(3))[0]["ok"], false);
  EXPECT_TRUE(f.joined.empty());
}

TEST(SioSession, OtherNamespaceIsInvalid) {
  Fixture f;
  auto out = f.Feed(R"(40/admin,{"token":"tok"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], R"(44/admin,{"message":"Invalid namespace"})");
}

TEST(SioSession, MalformedReservedAndBinaryPacketsClose) {
  for (const char* frame :
       {"42{not json", R"(42["connect"])", "42[]", "451-[\"x\"]", "5", "x"}) {
    Fixture f;
    f.Feed(R"(40{"token":"tok"})");
    bool keep = true;
    f.Feed(frame, &keep);
    EXPECT_FALSE(keep) << frame;
  }
}

TEST(SioSession, DisconnectLeavesRooms) {
  Fixture f;
  f.Feed(R"(40{"token":"tok"})");
  f.Feed(R"(42["subscribe",{"projectId":"p1"}])");
  f.Feed("41");
  EXPECT_EQ(f.left, std::vector<std::string>{"p1"});
  EXPECT_FALSE(f.session.connected());
}

TEST(SioEventFrame, WrapsTypeAndPayload) {
  EXPECT_EQ(SioEventFrame("SHOT_UPDATED", R"({"seq":3})"),
            R"(42["SHOT_UPDATED",{"seq":3}])");
}

struct RecordingSink : SioSink {
  miri::testing::Collector frames;
  std::vector<std::string> got;
  std::mutex mu;
  void Send(std::shared_ptr<const std::string> f) override {
    frames.Handler()(BusMessage{"", "", *f});
  }
};

TEST(SioHub, BusMessagesReachRoomMembersOnly) {
  InProcessBus bus;
  SioHub hub(bus);
  auto a = std::make_shared<RecordingSink>(),
       b = std::make_shared<RecordingSink>();
  uint64_t ia = hub.Register(a), ib = hub.Register(b);
  hub.Join(ia, "p1");
  hub.Join(ib, "p2");
  ASSERT_TRUE(bus.Publish({"p1", "SHOT_UPDATED", R"({"seq":1})"}));
  auto got = a->frames.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload_json, R"(42["SHOT_UPDATED",{"seq":1}])");
  EXPECT_TRUE(b->frames.Now().empty());
  hub.Unregister(ia);
  EXPECT_EQ(hub.RoomSize("p1"), 0u);
  EXPECT_EQ(hub.RoomSize("p2"), 1u);
}

}  // namespace
}  // namespace miri::http

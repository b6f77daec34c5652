// SPDX-License-Identifier: Apache-2.0
#include "incident/incident_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace rampart::incident {
namespace {

class IncidentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("rampart-incident-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "incidents.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static AttackUpdate update(uint64_t attack_id, uint64_t now_ns, bool ended = false) {
    return AttackUpdate{.attack_id = attack_id,
                        .target = "192.0.2.10",
                        .group = "web",
                        .started_ns = 1'000,
                        .now_ns = now_ns,
                        .peak_pps = 5000,
                        .vectors = "syn_flood",
                        .attack_json = "{}",
                        .ended = ended};
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(IncidentStoreTest, AnAttackGoesOnAsTheSameIncidentAcrossARestart) {
  std::string uuid;
  {
    auto store = IncidentStore::open(path_);
    ASSERT_TRUE(store.ok()) << store.error();
    auto first = store.value()->recordAttack(update(1, 2'000), 60'000);
    ASSERT_TRUE(first.ok()) << first.error();
    EXPECT_EQ(first.value().number, 1u);
    uuid = first.value().uuid;
    EXPECT_EQ(uuid.size(), 36u);
    ASSERT_TRUE(store.value()->recordAction(1, {3'000, "install", "{}"}).ok());
  }
  auto store = IncidentStore::open(path_);  // a restart: the detector numbers from 1 again
  ASSERT_TRUE(store.ok()) << store.error();
  auto again = store.value()->recordAttack(update(1, 4'000), 60'000);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again.value().uuid, uuid);
  EXPECT_EQ(again.value().status, Status::kMitigated);
  auto ended = store.value()->recordAttack(update(1, 5'000, true), 60'000);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended.value().status, Status::kEnded);
  auto later = store.value()->recordAttack(update(2, 6'000), 60'000);  // a new attack after the end
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later.value().number, 2u);
  auto listed = store.value()->list({});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed.value().size(), 2u);
}

TEST_F(IncidentStoreTest, NotesAndClassification) {
  auto store = IncidentStore::open(path_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(store.value()->recordAttack(update(1, 2'000), 60'000).ok());
  ASSERT_TRUE(store.value()->addNote("1", {7, "reported to the NCSC"}).ok());
  ASSERT_TRUE(store.value()->classify("1", Classification::kVerified).ok());
  EXPECT_FALSE(store.value()->classify("99", Classification::kVerified).ok());
  auto d = store.value()->find("1");
  ASSERT_TRUE(d.ok() && d.value());
  EXPECT_EQ(d.value()->incident.classification, Classification::kVerified);
  ASSERT_EQ(d.value()->notes.size(), 1u);
  EXPECT_EQ(d.value()->notes[0].text, "reported to the NCSC");
}

TEST_F(IncidentStoreTest, ADamagedFileIsSetAsideAndANewOneStarted) {
  std::ofstream(path_) << std::string(8192, 'x');
  auto store = IncidentStore::open(path_);
  ASSERT_TRUE(store.ok()) << store.error();
  EXPECT_NE(store.value()->notice().find("set aside"), std::string::npos) << store.value()->notice();
  std::size_t aside = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    aside += e.path().filename().string().find(".damaged-") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(aside, 1u);
  EXPECT_TRUE(store.value()->recordAttack(update(1, 2'000), 60'000).ok());
}

TEST_F(IncidentStoreTest, ANewerSchemaIsRefusedUntouched) {
  { ASSERT_TRUE(IncidentStore::open(path_).ok()); }
  ASSERT_EQ(std::system(("sqlite3 " + path_ + " 'PRAGMA user_version=99'").c_str()), 0);
  auto store = IncidentStore::open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("newer"), std::string::npos) << store.error();
}

}  // namespace
}  // namespace rampart::incident

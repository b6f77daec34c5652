// SPDX-License-Identifier: Apache-2.0
#include "geo_test_data.h"

#include "support/shared_data.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "support/temp_dir.h"

extern char** environ;

namespace rampart::geo::test {
namespace {

constexpr const char* kWriterScript = R"PERL(
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($dir) = @ARGV;
my %types = (
  country => 'map', registered_country => 'map', iso_code => 'utf8_string',
  country_code => 'utf8_string', autonomous_system_number => 'uint32',
  autonomous_system_organization => 'utf8_string', asn => 'utf8_string', as_name => 'utf8_string',
);

sub write_db {
  my ($file, $type, $ip_version, @networks) = @_;
  # No alias of ::ffff:0:0/96 to the IPv4 subtree: IPv4 queries must reach ::/96 on their own.
  my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => $ip_version, record_size => 24, database_type => $type,
    languages => ['en'], description => { en => "Rampart geo_test $type" },
    map_key_type_callback => sub { $types{ $_[0] } }, remove_reserved_networks => 0,
  );
  while (my ($network, $data) = splice(@networks, 0, 2)) {
    $tree->insert_network($network, $data);
  }
  open my $fh, '>:raw', "$dir/$file" or die "$dir/$file: $!";
  $tree->write_tree($fh);
  close $fh or die "$dir/$file: $!";
}

write_db('geolite2-layout.mmdb', 'GeoLite2-Country', 6,
  '192.0.2.0/24'    => { country => { iso_code => 'US' }, registered_country => { iso_code => 'US' } },
  '198.51.100.0/24' => { registered_country => { iso_code => 'FR' } },
  '2001:db8::/32'   => { country => { iso_code => 'DE' } });
write_db('ip-location-db-layout.mmdb', 'country', 6,
  '192.0.2.0/24'    => { country_code => 'JP' },
  '2001:db8:1::/48' => { country_code => 'BR' });
write_db('ipv4-only.mmdb', 'country ipv4', 4,
  '192.0.2.0/24' => { country_code => 'NL' });
write_db('asn.mmdb', 'GeoLite2-ASN', 6,
  '192.0.2.0/25'   => { autonomous_system_number => 64496, autonomous_system_organization => 'Example One' },
  '203.0.113.0/24' => { autonomous_system_number => 64497, autonomous_system_organization => 'Example "Two", Inc.' },
  '2001:db8::/32'  => { autonomous_system_number => 64498, autonomous_system_organization => 'Example Six' });
write_db('ipinfo-layout.mmdb', 'ipinfo lite', 6,
  '198.51.100.0/24' => { asn => 'AS64499', as_name => 'Info Net', country_code => 'CA' });
)PERL";

// Runs argv[0] from PATH with stdout and stderr into `log`; the exit status, or -1.
int run(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The databases, or the reason they could not be built.
struct Built {
  std::optional<TestDatabases> databases;
  std::string why_not;
};

Built build() {
  const std::filesystem::path dir = tempDir() / "mmdb";
  std::filesystem::create_directories(dir);
  const std::string log = (dir / "perl.log").string();
  const int probe = run({"perl", "-MMaxMind::DB::Writer::Tree", "-e", "1"}, log);
  if (probe != 0) {
    const std::string cause = probe < 0 ? "perl is not in PATH" : "perl said: " + readAll(log);
    return {std::nullopt,
            "cannot build test MaxMind DB files: needs perl and MaxMind::DB::Writer::Tree (Debian: apt-get "
            "install libmaxmind-db-writer-perl); " +
                cause};
  }
  const std::string script = writeFile("mmdb/write_test_dbs.pl", kWriterScript);
  if (run({"perl", script, dir.string()}, log) != 0) {
    return {std::nullopt, "the test database writer failed: " + readAll(log)};
  }
  TestDatabases db;
  db.geolite2_country = (dir / "geolite2-layout.mmdb").string();
  db.location_db_country = (dir / "ip-location-db-layout.mmdb").string();
  db.ipv4_only_country = (dir / "ipv4-only.mmdb").string();
  db.asn = (dir / "asn.mmdb").string();
  db.ipinfo = (dir / "ipinfo-layout.mmdb").string();
  return {db, ""};
}

}  // namespace

const std::filesystem::path& tempDir() {
  static const rampart::testing::TempDir dir;
  static const std::filesystem::path path(dir.path());
  return path;
}

std::string writeFile(const std::string& name, const std::string& content) {
  const std::filesystem::path path = tempDir() / name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  EXPECT_TRUE(out.good()) << "cannot write " << path;
  return path.string();
}

core::IpAddress ip(const char* text) {
  const auto address = core::IpAddress::parse(text);
  EXPECT_TRUE(address.has_value()) << "bad test address " << text;
  return address.value_or(core::IpAddress());
}

void MmdbTest::SetUp() {
  static const Built built = build();
  if (built.databases) {
    db_ = &*built.databases;
    return;
  }
  if (::rampart::testing::inCi()) FAIL() << built.why_not << " (CI=true: not skipping)";
  GTEST_SKIP() << built.why_not;
}

}  // namespace rampart::geo::test

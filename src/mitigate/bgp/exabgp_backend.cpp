// SPDX-License-Identifier: Apache-2.0
#include "mitigate/bgp/exabgp_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>

namespace rampart::mitigate::bgp {
namespace {

std::string configText(const ExabgpConfig& c, const std::string& pipe) {
  return fmt::format(
      "# Written by rampart: one neighbour, and the API process that relays rampart's commands.\n"
      "process rampart {{\n"
      "  run /bin/cat {pipe};\n"
      "  encoder text;\n"
      "}}\n"
      "neighbor {peer} {{\n"
      "  router-id {rid};\n"
      "  local-address {local};\n"
      "  local-as {las};\n"
      "  peer-as {pas};\n"
      "{port}"
      "  family {{ ipv4 unicast; ipv6 unicast; ipv4 flow; ipv6 flow; }}\n"
      "  api {{ processes [ rampart ]; }}\n"
      "}}\n",
      fmt::arg("pipe", pipe), fmt::arg("peer", c.peer_address),
      fmt::arg("rid", c.router_id.empty() ? c.local_address : c.router_id), fmt::arg("local", c.local_address),
      fmt::arg("las", c.local_as), fmt::arg("pas", c.peer_as),
      fmt::arg("port", c.peer_port == 179 ? std::string() : fmt::format("  connect {};\n", c.peer_port)));
}

}  // namespace

core::Result<std::unique_ptr<ExabgpBackend>, std::string> ExabgpBackend::open(const ExabgpConfig& c) {
  using R = core::Result<std::unique_ptr<ExabgpBackend>, std::string>;
  std::error_code ec;
  std::filesystem::create_directories(c.work_dir, ec);
  if (ec) return R::failure(fmt::format("{}: {}", c.work_dir, ec.message()));
  const std::string pipe = c.work_dir + "/commands";
  const std::string conf = c.work_dir + "/exabgp.conf";
  const std::string log = c.work_dir + "/exabgp.log";
  ::unlink(pipe.c_str());
  if (::mkfifo(pipe.c_str(), 0600) != 0) return R::failure(fmt::format("{}: mkfifo: {}", pipe, std::strerror(errno)));
  {
    std::ofstream out(conf, std::ios::trunc);
    out << configText(c, pipe);
    if (!out) return R::failure(fmt::format("{}: cannot write the ExaBGP configuration", conf));
  }
  // Read and write: opening never blocks, and the relay never sees the end of the pipe.
  const int fd = ::open(pipe.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return R::failure(fmt::format("{}: {}", pipe, std::strerror(errno)));

  // Called at start-up, before any capture or notification thread exists: the child may allocate.
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fd);
    return R::failure(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);  // the parent died before the line above
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    std::vector<std::string> env = {"exabgp.daemon.user=root", "exabgp.daemon.daemonize=false",
                                    "exabgp.api.cli=false",    "exabgp.log.destination=stdout",
                                    "exabgp.daemon.pid=",      "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string program = c.program;
    std::string conf_arg = conf;
    char* argv[] = {program.data(), conf_arg.data(), nullptr};
    ::execvpe(program.c_str(), argv, envp.data());
    ::_exit(127);
  }
  // A quick look that it started at all (a missing program, a bad configuration).
  ::usleep(300'000);
  int status = 0;
  if (::waitpid(child, &status, WNOHANG) == child) {
    ::close(fd);
    return R::failure(fmt::format("{} exited at once (status {}): see {}", c.program, WEXITSTATUS(status), log));
  }
  return std::unique_ptr<ExabgpBackend>(new ExabgpBackend(c, child, fd));
}

ExabgpBackend::~ExabgpBackend() {
  if (child_ > 0) {
    ::kill(child_, SIGTERM);
    for (int i = 0; i < 50; ++i) {  // up to 5 s to close its session cleanly
      if (::waitpid(child_, nullptr, WNOHANG) == child_) {
        child_ = -1;
        break;
      }
      ::usleep(100'000);
    }
    if (child_ > 0) {
      ::kill(child_, SIGKILL);
      ::waitpid(child_, nullptr, 0);
    }
  }
  if (pipe_ >= 0) ::close(pipe_);
}

core::Status ExabgpBackend::send(const std::string& command) {
  const std::string line = command + "\n";
  if (::write(pipe_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return core::failed(fmt::format("bgp: writing to ExaBGP: {}", std::strerror(errno)));
  }
  return core::okStatus();
}

core::Status ExabgpBackend::install(const Action& action, uint64_t expires_ns) {
  (void)expires_ns;
  if (announced_.contains(action.id)) return core::okStatus();
  const std::string announce = announceCommand(action, config_.routes);
  if (announce.empty()) return core::failed("bgp: not a BGP action");
  if (auto s = send(announce); !s) return s;
  announced_[action.id] = withdrawCommand(action, config_.routes);
  return core::okStatus();
}

core::Status ExabgpBackend::withdraw(const Action& action) {
  const auto it = announced_.find(action.id);
  if (it == announced_.end()) return core::okStatus();
  auto s = send(it->second);
  announced_.erase(it);
  return s;
}

}  // namespace rampart::mitigate::bgp

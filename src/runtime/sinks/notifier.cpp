// SPDX-License-Identifier: Apache-2.0
#include "runtime/sinks/notifier.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <spdlog/spdlog.h>

#include "report/event_json.h"

namespace rampart::runtime {

Notifier::Notifier(std::vector<NotifySettings> targets, const geo::Attributor& attributor)
    : targets_(std::move(targets)), attributor_(attributor) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  thread_ = std::thread([this] { loop(); });
}

Notifier::~Notifier() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  curl_global_cleanup();
}

void Notifier::onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) {
  const report::AttributeFn attribute = report::attributeWith(attributor_);
  for (const auto& e : events) notify(report::eventJson(e, now_ns, attribute).dump());
}

void Notifier::notify(std::string event_json) {
  {
    const std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      ++stats_.dropped;
      return;
    }
    ++stats_.queued;
    queue_.push_back(std::move(event_json));
  }
  wake_.notify_one();
}

NotifyStats Notifier::stats() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

void Notifier::loop() {
  // The log of a dropped notification is written here, off the caller's path.
  uint64_t reported_drops = 0;
  while (true) {
    std::string body;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      body = std::move(queue_.front());
      queue_.pop_front();
      if (stats_.dropped != reported_drops) {
        spdlog::warn("notifications: {} event(s) dropped, the queue was full", stats_.dropped - reported_drops);
        reported_drops = stats_.dropped;
      }
    }
    NotifyStats done;
    const auto count = [&done](bool ok) { ++(ok ? done.delivered : done.failed); };
    for (const NotifySettings& t : targets_) {
      if (!t.script.empty()) count(runScript(t, body));
      if (!t.webhook.empty()) count(postWebhook(t, body));
    }
    const std::lock_guard lock(mutex_);
    stats_ += done;
  }
}

// The script gets the event on stdin (and its kind as its first argument); stdout and stderr are
// the daemon's. Killed when it outlives its timeout.
bool Notifier::runScript(const NotifySettings& t, const std::string& body) const {
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    spdlog::error("notify {}: pipe: {}", t.script, std::strerror(errno));
    return false;
  }
  const pid_t child = ::fork();
  if (child < 0) {
    spdlog::error("notify {}: fork: {}", t.script, std::strerror(errno));
    ::close(in[0]);
    ::close(in[1]);
    return false;
  }
  if (child == 0) {
    ::dup2(in[0], 0);
    std::string script = t.script;
    char* argv[] = {script.data(), nullptr};
    ::execv(script.c_str(), argv);
    ::_exit(127);
  }
  ::close(in[0]);
  // The event is small (a few KiB): one write into the pipe's buffer, then end of input.
  (void)::write(in[1], body.data(), body.size());
  (void)::write(in[1], "\n", 1);
  ::close(in[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(t.timeout_seconds);
  int status = 0;
  while (::waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      spdlog::warn("notify {}: killed after {} s", t.script, t.timeout_seconds);
      return false;
    }
    ::usleep(10'000);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    spdlog::warn("notify {}: exited with status {}", t.script, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return false;
  }
  return true;
}

bool Notifier::postWebhook(const NotifySettings& t, const std::string& body) const {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return false;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, t.webhook.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(t.timeout_seconds * 1000));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (rc != CURLE_OK) {
    spdlog::warn("notify {}: {}", t.webhook, curl_easy_strerror(rc));
  } else if (code >= 300) {
    spdlog::warn("notify {}: HTTP {}", t.webhook, code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK && code < 300;
}

}  // namespace rampart::runtime

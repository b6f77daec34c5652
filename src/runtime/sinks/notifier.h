// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "geo/attributor.h"
#include "runtime/event_sink.h"
#include "runtime/settings.h"

namespace rampart::runtime {

// Tells people: each attack event (the JSON line of the event stream) goes to every configured
// script, on its standard input, and every webhook, POSTed as application/json. The work runs on a
// thread of its own, so a slow script or webhook never holds up detection; each has its timeout
// (a script that outlives it is killed). At most kMaxQueued events wait; beyond, they are counted
// as dropped and logged.
class Notifier final : public EventSink {
 public:
  static constexpr std::size_t kMaxQueued = 1000;

  Notifier(std::vector<NotifySettings> targets, const geo::Attributor& attributor);
  ~Notifier() override;  // finishes what is queued (each within its timeout), then stops
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) override;
  void notify(std::string event_json);
  [[nodiscard]] uint64_t dropped() const;

 private:
  void loop();
  void runScript(const NotifySettings& t, const std::string& body) const;
  void postWebhook(const NotifySettings& t, const std::string& body) const;

  std::vector<NotifySettings> targets_;
  const geo::Attributor& attributor_;  // the daemon's, replaced in place on reload
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stop_ = false;
  uint64_t dropped_ = 0;
  std::thread thread_;
};

}  // namespace rampart::runtime

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
#include "metrics/counters.h"
#include "runtime/event_sink.h"
#include "runtime/settings.h"

namespace rampart::runtime {

#define RAMPART_NOTIFY_COUNTERS(COUNT, BY, PART)                                      \
  COUNT(queued, "events queued for the notification targets")                         \
  COUNT(dropped, "events dropped because the queue was full")                         \
  COUNT(delivered, "notifications delivered (script exited 0, webhook answered 2xx)") \
  COUNT(failed, "notifications that failed (script failed or timed out, webhook error)")
struct NotifyStats {
  RAMPART_COUNTERS(NotifyStats, RAMPART_NOTIFY_COUNTERS)
};

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
  [[nodiscard]] NotifyStats stats() const;

 private:
  void loop();
  // Each says whether the target took the event.
  [[nodiscard]] bool runScript(const NotifySettings& t, const std::string& body) const;
  [[nodiscard]] bool postWebhook(const NotifySettings& t, const std::string& body) const;

  std::vector<NotifySettings> targets_;
  const geo::Attributor& attributor_;  // the daemon's, replaced in place on reload
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stop_ = false;
  NotifyStats stats_;
  std::thread thread_;
};

}  // namespace rampart::runtime

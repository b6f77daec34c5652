// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "shield/conn/endpoint.h"

namespace rampart::shield::conn {

// One active health check of an origin: connects, sends `GET path` and reads the status line,
// all within `timeout_ms`. Healthy when the answer is 2xx or 3xx. Blocking: run off the workers.
[[nodiscard]] bool probeOrigin(const Endpoint& origin, const std::string& path, uint32_t timeout_ms);

}  // namespace rampart::shield::conn

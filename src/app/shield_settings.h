// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "app/config_reader.h"
#include "shield/shield_config.h"

namespace rampart::app {

// Reads a [shield] table (docs/shield.md) into `s`, strictly: unknown keys are errors.
void readShield(Reader& r, shield::ShieldConfig& s);

}  // namespace rampart::app

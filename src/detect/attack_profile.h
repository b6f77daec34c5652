// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>

#include "detect/attack.h"
#include "traffic/target.h"

namespace rampart::detect {

// Fills an attack's sample-derived fields from its target's deep stats: distinct sources,
// top sources and ports with their shares, spoofing verdict and fingerprint. Only sampled packets
// of the attack's own vectors count, so a site's normal traffic does not dilute the picture.
void profileAttack(Attack& attack, const traffic::DeepStats& deep, double fingerprint_min_share, std::size_t top_n);

// The packet classes that make up a set of vectors (all classes for carpet bombing/unclassified).
[[nodiscard]] ClassFilter classesOf(const VectorSet& vectors);

// UDP from many sources but one source port that is not a listed reflector: an unlisted
// reflection service. Returns that port, or 0.
[[nodiscard]] uint16_t singleReflectorPort(const traffic::DeepStats& deep);

}  // namespace rampart::detect

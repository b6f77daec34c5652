// SPDX-License-Identifier: Apache-2.0
#include "report/analysis_report.h"

namespace rampart::report {

AttributeFn attributeWith(const geo::Attributor& attributor) {
  if (!attributor.enabled()) return {};
  return [&attributor](const core::IpAddress& a) { return attributor.lookup(a); };
}

}  // namespace rampart::report

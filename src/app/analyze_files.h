// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "app/capture_analyzer.h"
#include "core/result.h"

namespace rampart::app {

// Reads capture files in order through one CaptureAnalyzer. A file that cannot be opened or is
// damaged part-way is an error naming the file (nothing is reported from a half-read stream).
[[nodiscard]] core::Result<AnalysisResult, std::string> analyzeCaptureFiles(const std::vector<std::string>& paths,
                                                                            const AnalyzerSettings& settings);

}  // namespace rampart::app

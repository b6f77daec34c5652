// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "pipeline/capture_analysis.h"

namespace rampart::app {

// Reads capture files in order through one CaptureAnalysis. A file that cannot be opened or is
// damaged part-way is an error naming the file (nothing is reported from a half-read stream).
[[nodiscard]] core::Result<pipeline::AnalysisResult, std::string> analyzeCaptureFiles(
    const std::vector<std::string>& paths, const pipeline::AnalyzerSettings& settings);

}  // namespace rampart::app

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string_view>

#include "shield/http/http_head.h"

namespace rampart::shield::http {

// Finds the end of a message head (the first CRLF CRLF) in `buffer`, which holds the bytes read
// so far. `scanned` is how far a previous call on the same buffer already looked (0 at first),
// so a head that arrives a byte at a time is scanned once in all, not once per byte. A LF not
// preceded by CR ends the search with kBareLf. No allocation.
[[nodiscard]] HeadEnd findHeadEnd(std::string_view buffer, std::size_t scanned) noexcept;

// Parses a complete request head (as delimited by findHeadEnd, final CRLF CRLF included) strictly,
// RFC 9112: refuses rather than guesses whenever two readers could disagree on the framing.
// On success `out` describes the request; on failure `out` is unspecified.
[[nodiscard]] std::optional<ParseError> parseRequestHead(std::string_view head, const Limits& limits,
                                                         RequestHead& out) noexcept;

// Parses a complete response head from an origin, with the same strictness about framing.
[[nodiscard]] std::optional<ParseError> parseResponseHead(std::string_view head, const Limits& limits,
                                                          ResponseHead& out) noexcept;

}  // namespace rampart::shield::http

// SPDX-License-Identifier: Apache-2.0
#include "geo/asn_csv_table.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace rampart::geo {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Moves the text before the next comma into `field`; false when there is no comma left.
bool nextField(std::string_view& rest, std::string_view& field) {
  const auto comma = rest.find(',');
  if (comma == std::string_view::npos) return false;
  field = trim(rest.substr(0, comma));
  rest.remove_prefix(comma + 1);
  return true;
}

// The organisation field, unquoted per RFC 4180 section 2 into `scratch` when it is quoted.
bool parseOrganization(std::string_view text, std::string& scratch, std::string_view& name) {
  text = trim(text);
  if (text.empty() || text.front() != '"') {
    name = text;
    return true;
  }
  scratch.clear();
  std::size_t from = 1;
  for (;;) {
    const auto quote = text.find('"', from);
    if (quote == std::string_view::npos) return false;  // unterminated
    scratch.append(text.substr(from, quote - from));
    if (quote + 1 < text.size() && text[quote + 1] == '"') {  // "" is one quote
      scratch.push_back('"');
      from = quote + 2;
      continue;
    }
    if (!trim(text.substr(quote + 1)).empty()) return false;  // text after the closing quote
    name = scratch;
    return true;
  }
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

std::optional<std::string> readFile(const std::string& path, std::string& content) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  struct stat st {};
  if (!file || ::fstat(::fileno(file.get()), &st) != 0) {
    return "cannot open ASN CSV '" + path + "': " + std::strerror(errno);
  }
  if (S_ISDIR(st.st_mode)) return "cannot read ASN CSV '" + path + "': is a directory";
  content.resize(static_cast<std::size_t>(st.st_size));
  const std::size_t got = std::fread(content.data(), 1, content.size(), file.get());
  if (std::ferror(file.get())) return "cannot read ASN CSV '" + path + "': " + std::strerror(errno);
  content.resize(got);  // the file may have shrunk since fstat
  return std::nullopt;
}

}  // namespace

class AsnCsvTable::Loader {
 public:
  explicit Loader(AsnCsvTable& table) : table_(table) {}

  // An error message, or nothing when the file added at least one range.
  std::optional<std::string> addFile(const std::string& path) {
    std::string content;
    if (auto error = readFile(path, content)) return error;
    table_.ranges_.reserve(table_.ranges_.size() + content.size() / 48);  // ~48 bytes a row in the real data
    const std::size_t rows_before = table_.ranges_.size();
    std::size_t line_number = 0;
    std::string_view rest = content;
    while (!rest.empty()) {
      const auto newline = rest.find('\n');
      const std::string_view line = trim(rest.substr(0, newline));
      rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
      ++line_number;
      if (line.empty()) continue;
      Range range{};
      if (parseRow(line, range)) {
        table_.ranges_.push_back(range);
      } else if (line_number != 1) {  // a first line that is not a row is a header
        if (table_.stats_.malformed++ == 0) table_.stats_.first_malformed = path + ":" + std::to_string(line_number);
      }
    }
    if (table_.ranges_.size() == rows_before) {
      return "ASN CSV '" + path + "' holds no 'range_start,range_end,as_number,as_organization' row";
    }
    return std::nullopt;
  }

  // Sorts by range start and drops rows that overlap the range before them.
  void finish() {
    auto& ranges = table_.ranges_;
    const auto by_start = [](const Range& a, const Range& b) { return a.first < b.first; };
    if (!std::is_sorted(ranges.begin(), ranges.end(), by_start)) {
      std::stable_sort(ranges.begin(), ranges.end(), by_start);
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      if (kept > 0 && ranges[i].first <= ranges[kept - 1].last) {
        ++table_.stats_.overlapping;
        continue;
      }
      ranges[kept++] = ranges[i];
    }
    ranges.resize(kept);
    ranges.shrink_to_fit();
    table_.stats_.rows = kept;
  }

 private:
  bool parseRow(std::string_view line, Range& range) {
    std::string_view start;
    std::string_view end;
    std::string_view number;
    std::string_view name;
    if (!nextField(line, start) || !nextField(line, end) || !nextField(line, number)) return false;
    const auto first = core::IpAddress::parse(start);
    const auto last = core::IpAddress::parse(end);
    if (!first || !last || first->isV4() != last->isV4() || *last < *first) return false;
    const auto as_number = parseAsNumber(number);
    if (!as_number || !parseOrganization(line, scratch_, name)) return false;
    range.number = *as_number;
    range.first = *first;
    range.last = *last;
    range.organization = intern(name);
    return true;
  }

  uint32_t intern(std::string_view name) {
    if (const auto it = index_.find(name); it != index_.end()) return it->second;
    const auto id = static_cast<uint32_t>(table_.organizations_.size());
    index_.emplace(table_.organizations_.emplace_back(name), id);
    return id;
  }

  AsnCsvTable& table_;
  std::unordered_map<std::string_view, uint32_t> index_;  // views into table_.organizations_
  std::string scratch_;
};

core::Result<AsnCsvTable, std::string> AsnCsvTable::load(std::span<const std::string> paths) {
  using R = core::Result<AsnCsvTable, std::string>;
  if (paths.empty()) return R::failure("no ASN CSV file given");
  AsnCsvTable table;
  Loader loader(table);
  for (const std::string& path : paths) {
    if (auto error = loader.addFile(path)) return R::failure(std::move(*error));
  }
  loader.finish();
  return table;
}

AsnRecord AsnCsvTable::lookup(const core::IpAddress& address) const {
  // The last range starting at or before the address is the only one that can hold it.
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), address,
                             [](const core::IpAddress& a, const Range& r) { return a < r.first; });
  if (it == ranges_.begin()) return {};
  --it;
  if (it->last < address) return {};
  return {it->number, organizations_[it->organization]};
}

}  // namespace rampart::geo

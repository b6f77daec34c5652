// SPDX-License-Identifier: Apache-2.0
#include "flow/netflow/netflow_decoder.h"

#include <algorithm>
#include <utility>

#include "flow/netflow/netflow_v5.h"
#include "flow/netflow/wire_reader.h"

namespace rampart::flow::netflow {

NetflowDecoder::NetflowDecoder(NetflowConfig cfg) : cfg_(cfg), templates_(cfg.templates), sampling_(cfg.sampling) {}

FlowError NetflowDecoder::decode(const core::IpAddress& exporter, std::span<const uint8_t> datagram,
                                 uint64_t receive_ns, std::vector<core::FlowRecord>& out) {
  FlowError e = FlowError::kTruncated;
  if (datagram.size() >= 2) {
    const std::size_t before = out.size();
    switch (wire::load16(datagram.data())) {
      case 5:
        stats_.datagrams.add(WireVersion::kV5);
        e = decodeV5(datagram, receive_ns, cfg_.default_sampling_rate, out);
        stats_.records += out.size() - before;
        break;
      case 9:
        stats_.datagrams.add(WireVersion::kV9);
        e = decodeV9(exporter, datagram, receive_ns, out);
        break;
      case 10:
        stats_.datagrams.add(WireVersion::kIpfix);
        e = decodeIpfix(exporter, datagram, receive_ns, out);
        break;
      default: e = FlowError::kBadVersion; break;
    }
  }
  if (e != FlowError::kOk) stats_.errors.add(e);
  return e;
}

void NetflowDecoder::expire(uint64_t now_ns) {
  stats_.templates_expired += templates_.expire(now_ns, cfg_.template_timeout_ns);
  sampling_.expire(now_ns, cfg_.template_timeout_ns);
  const auto old = [&](const PendingSet& p) {
    return now_ns > p.origin.receive_ns && now_ns - p.origin.receive_ns > cfg_.pending_max_age_ns;
  };
  const auto n = std::erase_if(pending_, old);
  stats_.data_without_template += n;
}

FlowError NetflowDecoder::learn(const SetOrigin& o, uint16_t id, Template&& t, std::vector<core::FlowRecord>& out) {
  if (t.min_record_length == 0) return FlowError::kBadTemplate;  // no fields: no record could be read with it
  t.last_seen_ns = o.receive_ns;
  const TemplateKey key{o.exporter, o.domain, id};
  switch (templates_.insert(key, std::move(t))) {
    case TemplateCache::Insert::kLimit: ++stats_.templates_dropped; return FlowError::kTemplateLimit;
    case TemplateCache::Insert::kRefreshed: ++stats_.templates_refreshed; return FlowError::kOk;
    case TemplateCache::Insert::kNew:
    case TemplateCache::Insert::kChanged: ++stats_.templates_learned; break;
  }
  if (!pending_.empty()) replay(key, out);
  return FlowError::kOk;
}

void NetflowDecoder::hold(const SetOrigin& o, uint16_t template_id, std::span<const uint8_t> body) {
  if (cfg_.pending_total == 0 || cfg_.pending_per_domain == 0) {
    ++stats_.data_without_template;
    return;
  }
  // Oldest first out: of this domain when it has its share, else of all.
  std::size_t same_domain = 0;
  auto oldest_same = pending_.end();
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->key.exporter == o.exporter && it->key.domain == o.domain) {
      if (same_domain++ == 0) oldest_same = it;
    }
  }
  if (same_domain >= cfg_.pending_per_domain) {
    pending_.erase(oldest_same);
    ++stats_.data_without_template;
  } else if (pending_.size() >= cfg_.pending_total) {
    pending_.pop_front();
    ++stats_.data_without_template;
  }
  pending_.push_back(PendingSet{TemplateKey{o.exporter, o.domain, template_id}, o, {body.begin(), body.end()}});
  ++stats_.data_sets_held;
}

void NetflowDecoder::replay(const TemplateKey& key, std::vector<core::FlowRecord>& out) {
  std::vector<PendingSet> ready;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->key == key) {
      ready.push_back(std::move(*it));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  const Template* t = templates_.find(key);
  if (t == nullptr) return;
  const std::size_t in_datagram = records_in_datagram_;  // replayed records are not this datagram's
  for (const PendingSet& p : ready) {
    ++stats_.data_sets_replayed;
    // A held set that fails now is counted like any malformed set.
    const FlowError e = decodeRecords(p.origin, *t, p.body, out);
    if (e != FlowError::kOk) stats_.errors.add(e);
  }
  records_in_datagram_ = in_datagram;
}

}  // namespace rampart::flow::netflow

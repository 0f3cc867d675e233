#include "fix/outbound_batch.hpp"

#include <algorithm>
#include <cassert>

namespace qd::fix {
namespace {
thread_local OutboundBatch* open_batch = nullptr;
}

OutboundBatch::OutboundBatch() {
  assert(open_batch == nullptr);
  open_batch = this;
}

OutboundBatch::~OutboundBatch() {
  write_all();
  open_batch = nullptr;
}

OutboundBatch* OutboundBatch::current() {
  return open_batch;
}

void OutboundBatch::enlist_store(DeferredWriter* store) {
  if (std::find(stores_.begin(), stores_.end(), store) == stores_.end()) stores_.push_back(store);
}

bool OutboundBatch::enlist_connection(std::shared_ptr<DeferredWriter> connection) {
  for (const auto& c : connections_)
    if (c == connection) return false;
  connections_.push_back(std::move(connection));
  return true;
}

void OutboundBatch::write_stores() {
  for (DeferredWriter* s : stores_) s->write_deferred();
  stores_.clear();
}

void OutboundBatch::write_all() {
  write_stores();
  for (const auto& c : connections_) c->write_deferred();
  connections_.clear();
}

}  // namespace qd::fix

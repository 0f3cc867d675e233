#pragma once
// Dense map from the engine's sequential order ids to book slots. Ids are handed out in order,
// so a paged array beats any hash map; a page is freed once every id in it has left the book and
// newer ids exist, which keeps memory proportional to the ids still resting, page by page.

#include <cstdint>
#include <memory>
#include <vector>

#include "core/ids.hpp"

namespace qd {

class OrderIndex {
 public:
  static constexpr uint32_t absent = UINT32_MAX;

  uint32_t find(OrderId id) const {
    size_t p = size_t(id >> page_bits);
    if (p >= pages_.size() || !pages_[p]) return absent;
    return pages_[p]->slots[id & page_mask];
  }

  void insert(OrderId id, uint32_t slot) {
    size_t p = size_t(id >> page_bits);
    if (p >= pages_.size()) pages_.resize(p + 1);
    if (!pages_[p]) pages_[p] = std::make_unique<Page>();
    Page& page = *pages_[p];
    if (page.slots[id & page_mask] == absent) ++page.live;
    page.slots[id & page_mask] = slot;
    if (p > newest_page_) newest_page_ = p;
  }

  void erase(OrderId id) {
    size_t p = size_t(id >> page_bits);
    Page& page = *pages_[p];
    page.slots[id & page_mask] = absent;
    // Only pages older than the newest can be complete; freeing the newest would churn.
    if (--page.live == 0 && p < newest_page_) pages_[p].reset();
  }

 private:
  static constexpr int page_bits = 12;
  static constexpr OrderId page_mask = (OrderId{1} << page_bits) - 1;
  struct Page {
    Page() { for (auto& s : slots) s = absent; }
    uint32_t slots[size_t{1} << page_bits];
    uint32_t live = 0;
  };
  std::vector<std::unique_ptr<Page>> pages_;
  size_t newest_page_ = 0;
};

}  // namespace qd

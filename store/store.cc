// PLACEHOLDER(foundation): the store owner replaces this file.
#include "store/store.h"

namespace nianbao {

std::unique_ptr<Store> Store::Open(const std::string& path) {
  throw StoreError(path + ": the store is not built yet");
}

}  // namespace nianbao

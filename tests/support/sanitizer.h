// NIANBAO_ASAN is defined when this file is compiled with AddressSanitizer (GCC or Clang), for the
// tests whose sizes or limits differ under it (no RLIMIT_AS; a slower binary).
#ifndef NIANBAO_TESTS_SUPPORT_SANITIZER_H_
#define NIANBAO_TESTS_SUPPORT_SANITIZER_H_

#if defined(__SANITIZE_ADDRESS__)
#define NIANBAO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NIANBAO_ASAN 1
#endif
#endif

#endif  // NIANBAO_TESTS_SUPPORT_SANITIZER_H_

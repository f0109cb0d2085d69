#pragma once
// Whether software prefetches of data the hardware would stream anyway pay on this CPU.
// They are hints: no bit of a result depends on them.
namespace sgdbench {

/// True on AMD, where the two prefetches that use it were measured to pay; false
/// elsewhere. Alternated `sgdbench throughput` pairs, 1 thread:
/// - the one-pass softmax's next chunk (simd_one_pass.hpp), softmax full batch. AMD EPYC:
///   2.31M against 2.06M samples/s (medians of 8) while a neighbour loaded the shared
///   machine, 2.36M against 2.33M (13 pairs) when it was quiet. Intel Xeon (family 6
///   model 167): 1.94M against 2.29M without (8 of 8 pairs), and no better as prefetcht0,
///   prefetchnta, plain loads (5 pairs each) or spread over the weight gradient's column
///   slices (8 pairs): its hardware prefetchers already stream the chunk.
/// - a gathered mini-batch's rows (batching.hpp), softmax B = 100. AMD EPYC: +5 %. Intel
///   Xeon: 1.53M with against 1.63M without (5 of 6 pairs, toggled in one binary); then
///   this switch against the binary before it, 1.46M against 1.40M (6 of 6).
inline bool software_prefetch_pays() {
#if defined(__x86_64__) || defined(__i386__)
  static const bool amd = [] {
    __builtin_cpu_init();
    return __builtin_cpu_is("amd") != 0;
  }();
  return amd;
#else
  return false;
#endif
}

}  // namespace sgdbench

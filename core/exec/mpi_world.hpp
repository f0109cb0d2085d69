#pragma once
// The MPI world of one sgdbench process: started lazily (a plain `sgdbench run` never
// pays MPI's start-up), one rank and size 1 when the build has no MPI. Used by the mpi
// execution policy (exec/mpi_deterministic.hpp) and the distributed sweep
// (bench/sweep/distributed.cpp).
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sgdbench::mpi {

/// machine.json's entry for a run under mpirun (ranks, hosts, mode).
inline constexpr const char* kMachineKey = "mpi";

/// True when the build links MPI (CMake option SGDBENCH_WITH_MPI).
bool built_with_mpi();
/// True when a launcher (mpirun, mpiexec, srun) started this process, as one of several
/// ranks or (PMIx) of an unknown number; read from the environment, so it costs nothing
/// and needs no MPI. size() after ensure_init() tells the ranks.
bool launched_with_ranks();
/// MPI_Init_thread (serialized) on the first call; then nothing. Without MPI: nothing.
void ensure_init();
int rank();  // ensure_init() first; 0 without MPI
int size();  // 1 without MPI
/// size() when MPI was started, else 1 (never starts it).
int started_size();
/// MPI_Finalize when MPI was started (the end of main).
void finalize();
/// Ends every rank of the job with `code` (MPI_Abort), or this process without MPI.
[[noreturn]] void abort_job(int code);
/// Every rank's host name, in rank order (collective).
std::vector<std::string> hosts();
/// Every rank's `value`, in rank order (collective).
std::vector<long> all_values(long value);

/// Point-to-point and broadcast of raw bytes on MPI_COMM_WORLD (tags: the caller's).
void send_bytes(std::span<const std::byte> bytes, int to, int tag);
void recv_bytes(std::span<std::byte> bytes, int from, int tag);
void broadcast_bytes(std::span<std::byte> bytes, int root);
void barrier();

/// Text messages between ranks (the distributed sweep's cells and records).
struct Message {
  int from = 0;
  int tag = 0;
  std::string text;
};
void send_text(const std::string& text, int to, int tag);
/// A message from `from` (-1: any rank) when one is waiting, else nothing; never blocks.
std::optional<Message> try_receive(int from);
/// Waits for a message, polling with short sleeps so that a waiting rank leaves its core
/// to the ranks that compute (MPI's blocking receive spins); `between_polls` runs before
/// each sleep (it may throw: rank 0 checks for Ctrl-C there).
Message receive(int from, const std::function<void()>& between_polls = {});
/// Rank 0's text on every rank (collective).
std::string broadcast_text(const std::string& text);

/// Wall time the mpi execution policy spent communicating (sends, receives, the
/// broadcast of the result), and the bytes this rank sent, since the last reset.
struct CommStats {
  double seconds = 0.0;
  std::size_t bytes_sent = 0;
  std::size_t bytes_received = 0;
  std::size_t reductions = 0;
};
CommStats& comm_stats();

}  // namespace sgdbench::mpi

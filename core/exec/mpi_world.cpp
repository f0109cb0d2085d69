#include "exec/mpi_world.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#ifdef SGDBENCH_WITH_MPI
#include <mpi.h>
#endif

namespace sgdbench::mpi {

bool built_with_mpi() {
#ifdef SGDBENCH_WITH_MPI
  return true;
#else
  return false;
#endif
}

bool launched_with_ranks() {
  // Open MPI's mpirun, PMI-2 (srun --mpi=pmi2, MPICH's hydra): the size is in the
  // environment. PMIx (srun --mpi=pmix) gives each process its rank only: MPI tells the
  // size once started, and a job of one task then runs as one process.
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"}) {
    if (const char* v = std::getenv(var); v != nullptr && std::atoi(v) > 1) return true;
  }
  return std::getenv("PMIX_RANK") != nullptr;
}

CommStats& comm_stats() {
  static CommStats stats;
  return stats;
}

#ifdef SGDBENCH_WITH_MPI

namespace {
bool g_started = false;
/// The pause between two polls of a waiting rank: short beside any cell or step.
void nap() {
  std::this_thread::sleep_for(std::chrono::microseconds(200));
}
void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}
}  // namespace

void ensure_init() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return;
  int provided = 0;
  // Serialized: the trainer may call the policy from whichever thread TBB runs it on,
  // never from two at once.
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
  g_started = true;
}
int rank() {
  ensure_init();
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int size() {
  ensure_init();
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}
int started_size() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  return initialized ? size() : 1;
}
void finalize() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (g_started && !finalized) MPI_Finalize();
}
void abort_job(int code) {
  // MPI_Abort has mpirun terminate every rank, this one included: no handler (Ctrl-C's
  // "stopping after the current point") should answer that.
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}
std::vector<std::string> hosts() {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int len = 0;
  MPI_Get_processor_name(name, &len);
  const int n = size();
  std::vector<char> all(static_cast<std::size_t>(n) * MPI_MAX_PROCESSOR_NAME);
  MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME,
                MPI_CHAR, MPI_COMM_WORLD);
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r)
    out.emplace_back(&all[static_cast<std::size_t>(r) * MPI_MAX_PROCESSOR_NAME]);
  return out;
}

std::vector<long> all_values(long value) {
  std::vector<long> out(static_cast<std::size_t>(size()));
  MPI_Allgather(&value, 1, MPI_LONG, out.data(), 1, MPI_LONG, MPI_COMM_WORLD);
  return out;
}

// Large buffers go in pieces of at most 1 GiB: MPI counts are ints.
constexpr std::size_t kPiece = std::size_t{1} << 30;

void send_bytes(std::span<const std::byte> bytes, int to, int tag) {
  std::size_t off = 0;
  do {  // an empty message is sent too: the receiver waits for it
    const std::size_t n = std::min(kPiece, bytes.size() - off);
    check(MPI_Send(bytes.data() + off, static_cast<int>(n), MPI_BYTE, to, tag, MPI_COMM_WORLD),
          "MPI_Send");
    off += n;
  } while (off < bytes.size());
}
void recv_bytes(std::span<std::byte> bytes, int from, int tag) {
  std::size_t off = 0;
  do {
    const std::size_t n = std::min(kPiece, bytes.size() - off);
    check(MPI_Recv(bytes.data() + off, static_cast<int>(n), MPI_BYTE, from, tag, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE),
          "MPI_Recv");
    off += n;
  } while (off < bytes.size());
}
void broadcast_bytes(std::span<std::byte> bytes, int root) {
  for (std::size_t off = 0; off < bytes.size(); off += kPiece) {
    const std::size_t n = std::min(kPiece, bytes.size() - off);
    check(MPI_Bcast(bytes.data() + off, static_cast<int>(n), MPI_BYTE, root, MPI_COMM_WORLD),
          "MPI_Bcast");
  }
}
void barrier() {
  MPI_Barrier(MPI_COMM_WORLD);
}

void send_text(const std::string& text, int to, int tag) {
  send_bytes(std::as_bytes(std::span<const char>(text.data(), text.size())), to, tag);
}
std::optional<Message> try_receive(int from) {
  int waiting = 0;
  MPI_Status status;
  MPI_Iprobe(from < 0 ? MPI_ANY_SOURCE : from, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
  if (!waiting) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Message m{status.MPI_SOURCE, status.MPI_TAG, std::string(static_cast<std::size_t>(count), '\0')};
  check(MPI_Recv(m.text.data(), count, MPI_BYTE, m.from, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  return m;
}
Message receive(int from, const std::function<void()>& between_polls) {
  for (;;) {
    if (auto m = try_receive(from)) return *m;
    if (between_polls) between_polls();
    nap();
  }
}
std::string broadcast_text(const std::string& text) {
  unsigned long long n = text.size();
  // The length by a non-blocking broadcast, polled with short sleeps: a rank waiting here
  // (lock-step mode, while rank 0 runs a cell alone) must not spin a core that rank 0's
  // timed cell needs, as MPI's blocking broadcast does.
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Ibcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD, &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) break;
    nap();
  }
  std::string out = rank() == 0 ? text : std::string(n, '\0');
  broadcast_bytes(std::as_writable_bytes(std::span<char>(out.data(), out.size())), 0);
  return out;
}

#else  // no MPI: one rank

void ensure_init() {}
int rank() {
  return 0;
}
int size() {
  return 1;
}
int started_size() {
  return 1;
}
void finalize() {}
void abort_job(int code) {
  std::_Exit(code);
}
std::vector<std::string> hosts() {
  return {};
}
std::vector<long> all_values(long value) {
  return {value};
}
void send_bytes(std::span<const std::byte>, int, int) {
  throw std::logic_error("send_bytes: built without MPI");
}
void recv_bytes(std::span<std::byte>, int, int) {
  throw std::logic_error("recv_bytes: built without MPI");
}
void broadcast_bytes(std::span<std::byte>, int) {}
void barrier() {}
void send_text(const std::string&, int, int) {
  throw std::logic_error("send_text: built without MPI");
}
std::optional<Message> try_receive(int) {
  return std::nullopt;
}
Message receive(int, const std::function<void()>&) {
  throw std::logic_error("receive: built without MPI");
}
std::string broadcast_text(const std::string& text) {
  return text;
}

#endif

}  // namespace sgdbench::mpi

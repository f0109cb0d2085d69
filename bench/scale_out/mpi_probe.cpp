// sgdbench_mpi_probe: the cost of moving n bytes between two MPI ranks, for the α–β model
// T(n) = α + β·n of bench/scale_out/scale_out.py. Run under mpirun -np 2 (more ranks: the
// collectives use them all; the ping-pong stays between ranks 0 and 1). For each size,
// rank 0 prints one JSON line: the one-way point-to-point time (half a ping-pong round
// trip), MPI_Bcast and MPI_Allreduce (float sum), each the median of its repeats.
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Repeats `op` at least 15 times and for at least 0.1 s (rank 0's clock, shared with the
/// others so that every rank repeats alike); the median seconds of one call.
template <class Op>
double time_op(Op op, int rank) {
  std::vector<double> t;
  for (int i = 0; i < 3; ++i) op();  // warm-up: connections, pages
  const double start = MPI_Wtime();
  for (int more = 1; more;) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    op();
    t.push_back(MPI_Wtime() - t0);
    more = t.size() < 15 || (MPI_Wtime() - start < 0.1 && t.size() < 100000);
    MPI_Bcast(&more, 1, MPI_INT, 0, MPI_COMM_WORLD);
  }
  (void)rank;
  return median(t);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size < 2) {
    if (rank == 0) std::fprintf(stderr, "sgdbench_mpi_probe: run it under mpirun -np 2\n");
    MPI_Finalize();
    return 2;
  }
  for (std::size_t bytes = 8; bytes <= (std::size_t{64} << 20); bytes *= 4) {
    std::vector<float> a(bytes / sizeof(float), 1.0f), b(a.size());
    const int n = static_cast<int>(a.size());
    const double rtt = time_op(
        [&] {
          if (rank == 0) {
            MPI_Send(a.data(), n, MPI_FLOAT, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(b.data(), n, MPI_FLOAT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          } else if (rank == 1) {
            MPI_Recv(b.data(), n, MPI_FLOAT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(b.data(), n, MPI_FLOAT, 0, 0, MPI_COMM_WORLD);
          }
        },
        rank);
    const double bcast =
        time_op([&] { MPI_Bcast(a.data(), n, MPI_FLOAT, 0, MPI_COMM_WORLD); }, rank);
    const double allreduce = time_op(
        [&] { MPI_Allreduce(a.data(), b.data(), n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); }, rank);
    if (rank == 0) {
      std::printf(
          "{\"ranks\":%d,\"bytes\":%zu,\"p2p_one_way_s\":%.9g,\"bcast_s\":%.9g,"
          "\"allreduce_s\":%.9g}\n",
          size, bytes, rtt / 2, bcast, allreduce);
      std::fflush(stdout);
    }
  }
  MPI_Finalize();
  return 0;
}

// sgdbench: runs experiments described by JSON configs.
//   sgdbench run configs/quickstart.json      train every cell, write results/<name>/
//   sgdbench validate configs/quickstart.json check config, variants and data; run nothing
//   sgdbench report results/quickstart        tables and plots again from runs.jsonl
//   sgdbench verify results/quickstart        re-run and compare, both ways
//   sgdbench list [--hyper-parameters]        the compiled variants and their axes
//   sgdbench throughput --variant V --batch B training samples/s, no evaluation (peers)
// This file parses the command line; each subcommand is a file of its own (commands.hpp).
#include <fmt/format.h>
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string_view>

#include "cli/commands.hpp"
#include "exec/mpi_world.hpp"
#include "kernels/fma_ports.hpp"
#ifdef SGDBENCH_WITH_BLAS
#include "kernels/blas_kernels.hpp"
#endif
#include "util/error.hpp"

namespace {

#ifdef SGDBENCH_WITH_BLAS
/// OpenBLAS picks its kernels as it loads, before main, from OPENBLAS_CORETYPE or else
/// the CPU: the core type is pinned (kPinnedOpenBlasCore, blas_kernels.hpp) by running
/// this program again with the variable set. `throughput` keeps the CPU's own kernels (a
/// speed peer at its best; it records no losses), and a user's own OPENBLAS_CORETYPE is
/// kept. machine.json names the kernels that ran (openblas_core).
void pin_openblas_core(int argc, char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  if (argc > 1 && std::string_view(argv[1]) == "throughput") return;
  if (__builtin_cpu_supports("avx2") == 0 || __builtin_cpu_supports("fma") == 0) return;
  // Only once: the re-executed program finds the variable set.
  if (setenv("OPENBLAS_CORETYPE", sgdbench::kPinnedOpenBlasCore, 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Reached only when the exec failed: this process runs on with the CPU's own kernels.
  fmt::print(stderr, "sgdbench: warning: OpenBLAS not pinned to {} (exec: {})\n",
             sgdbench::kPinnedOpenBlasCore, std::strerror(errno));
  unsetenv("OPENBLAS_CORETYPE");
}
#endif

/// sgdbench run's options.
void add_run_options(CLI::App& app, sgdbench::cli::RunArgs& run_args, bool& quiet, bool& no_plots,
                     const char* data_help) {
  run_args.options.data_dir = sgdbench::cli::default_data_dir();
  auto* run = app.add_subcommand("run", "run an experiment and write results/<name>/");
  run->add_option("config", run_args.config, "experiment config (JSON)")->required();
  run->add_option("--out", run_args.options.out_root,
                  "folder that receives <name>/ (default: results)");
  run->add_option("--data-dir", run_args.options.data_dir, data_help);
  run->add_flag("--quiet", quiet, "no progress lines");
  run->add_flag("--no-plots", no_plots, "write the tables only");
  run->add_flag("--resume", run_args.options.resume,
                "keep the finished cells of an interrupted run (runs.jsonl.partial) and run "
                "the rest");
}

/// sgdbench throughput's options (the peers' and the micro-benchmarks' measurements).
void add_throughput_options(CLI::App& app, sgdbench::cli::ThroughputArgs& tp,
                            const char* data_help) {
  tp.options.data_dir = sgdbench::cli::default_data_dir();
  auto* throughput = app.add_subcommand(
      "throughput", "training samples/s of one variant, no evaluation; prints one JSON line");
  throughput->add_option("--variant", tp.options.variant, "a name from `sgdbench list`");
  throughput->add_option("--dataset", tp.options.dataset, "mnist or fashion-mnist (default)");
  throughput->add_option("--widths", tp.options.widths, "MLP layer widths, input first")
      ->delimiter(',');
  throughput->add_option("--batch", tp.batch, "batch size, or full (default)");
  throughput->add_option("--threads", tp.options.threads, "TBB threads (default 1)")
      ->check(CLI::Range(1, 4096));
  throughput->add_option("--seconds", tp.options.seconds, "measured training seconds (default 2)");
  throughput->add_option("--lr", tp.options.lr, "learning rate (default 0.1)");
  throughput->add_option("--chunk-rows", tp.options.chunk_rows,
                         "rows per leaf of the gradient reduction (default 256)");
  throughput->add_option("--data-dir", tp.options.data_dir, data_help);
  throughput->add_flag("--stream", tp.stream, "measure streaming read bandwidth instead");
  throughput->add_flag("--peak-flops", tp.peak_flops, "measure the FP32 FMA peak instead");
  throughput->add_option("--machine", tp.machine_of,
                         "print the machine description for this config file instead");
}

/// Runs a subcommand; an error is printed (the message names the file, field or offset)
/// and becomes the exit code.
int with_errors_reported(const std::function<int()>& subcommand) {
  try {
    return subcommand();
  } catch (const sgdbench::Error& e) {
    fmt::print(stderr, "sgdbench: error: {}\n", e.what());
    return 1;
  } catch (const std::filesystem::filesystem_error& e) {
    // Most are found before training (ResultsFolder); this names the path of any other.
    fmt::print(stderr, "sgdbench: error: {}: {}\n", e.path1().string(), e.code().message());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "sgdbench: unexpected error: {}\n", e.what());
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = sgdbench::cli;
#ifdef SGDBENCH_WITH_BLAS
  pin_openblas_core(argc, argv);
#endif
  // glibc raises its trim threshold after the data loaders free their large buffers, and
  // freed memory then stays in the process: a Fashion-MNIST sweep measured 315 MiB peak
  // RSS instead of 265 MiB. A fixed 1 MiB threshold gives it back (/usr/bin/time -v).
  mallopt(M_TRIM_THRESHOLD, 1 << 20);
#ifdef SGDBENCH_WITH_BLAS
  // The execution policies own the threads: OpenBLAS's own pool would oversubscribe them.
  sgdbench::BlasKernels::set_threads(1);
#endif
  CLI::App app{"sgdbench: full-batch vs stochastic gradient descent, measured"};
  app.require_subcommand(1);
  const char* data_help = "where bench/scripts/setup.sh put the data";

  cli::RunArgs run_args;
  bool quiet = false, no_plots = false;
  add_run_options(app, run_args, quiet, no_plots, data_help);

  std::string report_dir;
  auto* report =
      app.add_subcommand("report", "rebuild tables and plots from results/<name>/runs.jsonl");
  report->add_option("dir", report_dir, "an experiment's results folder")->required();
  bool report_no_plots = false;
  report->add_flag("--no-plots", report_no_plots, "write the tables only");

  std::string verify_dir;
  sgdbench::RunOptions verify_options;
  verify_options.data_dir = cli::default_data_dir();
  auto* verify = app.add_subcommand(
      "verify",
      "re-run results/<name>'s config and compare both ways; deterministic figures "
      "must match exactly");
  verify->add_option("dir", verify_dir, "an experiment's results folder")->required();
  verify->add_option("--data-dir", verify_options.data_dir, data_help);

  std::string validate_config, validate_data_dir = cli::default_data_dir();
  auto* validate = app.add_subcommand("validate", "check a config, its variants and its data");
  validate->add_option("config", validate_config, "experiment config (JSON)")->required();
  validate->add_option("--data-dir", validate_data_dir, data_help);

  bool list_hyper_params = false;
  app.add_subcommand("list", "list the compiled variants")
      ->add_flag("--hyper-parameters", list_hyper_params,
                 "the /update hyper-parameters the compiled rules declare (a Markdown table)");

  cli::ThroughputArgs tp;
  add_throughput_options(app, tp, data_help);
  CLI11_PARSE(app, argc, argv);

  const int rc = with_errors_reported([&] {
    // A malformed SGDBENCH_FMA_PORTS stops any command before it reads data or writes.
    sgdbench::gemm_detail::fma_ports_override();
    if (app.got_subcommand("list")) return cli::list_command(list_hyper_params);
    if (app.got_subcommand("throughput")) return cli::throughput_command(tp);
    if (app.got_subcommand("verify")) return cli::verify_command(verify_dir, verify_options);
    if (app.got_subcommand("report")) return cli::report_command(report_dir, !report_no_plots);
    if (app.got_subcommand("validate")) {
      return cli::validate_command(validate_config, validate_data_dir);
    }
    run_args.options.progress = !quiet;
    run_args.options.plots = !no_plots;
    return cli::run_command(run_args);
  });
  // Under mpirun a rank that fails ends the whole job (the others would wait for it);
  // otherwise MPI, if this run started it, is closed before the exit.
  if (rc != 0 && sgdbench::mpi::started_size() > 1) sgdbench::mpi::abort_job(rc);
  sgdbench::mpi::finalize();
  return rc;
}

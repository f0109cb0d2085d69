// sgdbench: runs experiments described by JSON configs.
//   sgdbench run configs/quickstart.json      train every cell, write results/<name>/
//   sgdbench validate configs/quickstart.json check config, variants and data; run nothing
//   sgdbench list                             the compiled variants and their axes
//   sgdbench throughput --variant V --batch B training samples/s, no evaluation (peers)
#include <fmt/format.h>
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "config/config.hpp"
#ifdef SGDBENCH_WITH_BLAS
#include "kernels/blas_kernels.hpp"
#endif
#include "sweep/experiment.hpp"
#include "sweep/interrupt.hpp"
#include "records/machine.hpp"
#include "records/report.hpp"
#include "records/results_folder.hpp"
#include "measure/throughput.hpp"
#include "util/error.hpp"
#include "variants/registry.hpp"
#include "records/verify.hpp"

namespace {

std::string default_data_dir() {
  if (const char* env = std::getenv("SGDBENCH_DATA_DIR")) return env;
  return SGDBENCH_SOURCE_DIR "/data";
}

/// One line per compiled Trainer instantiation: a variant and one of its batchings.
void list_variants() {
  const auto& registry = sgdbench::compiled_variants();
  fmt::print("{:<30} {:<30} {:<9} {:<8} {:<9} {:<8} {}\n", "variant", "model", "update", "kernels",
             "arch", "batching", "execution");
  for (const auto& v : registry.all()) {
    for (const auto& b : v.batchings) {
      fmt::print("{:<30} {:<30} {:<9} {:<8} {:<9} {:<8} {}{}\n", v.name, v.model, v.update,
                 v.kernels, v.arch, b == "full" ? "full" : "mini", v.exec,
                 v.deterministic ? "" : " (not reproducible)");
    }
  }
  for (const auto& [alias, target] : registry.aliases()) {
    fmt::print("{:<30} alias of {}\n", alias, target);
  }
}

}  // namespace

int main(int argc, char** argv) {
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
  sgdbench::RunOptions options;
  options.data_dir = default_data_dir();
  std::string config_path;

  auto* run = app.add_subcommand("run", "run an experiment and write results/<name>/");
  run->add_option("config", config_path, "experiment config (JSON)")->required();
  run->add_option("--out", options.out_root, "folder that receives <name>/ (default: results)");
  run->add_option("--data-dir", options.data_dir, "where bench/scripts/setup.sh put the data");
  bool quiet = false;
  run->add_flag("--quiet", quiet, "no progress lines");

  bool no_plots = false;
  run->add_flag("--no-plots", no_plots, "write the tables only");
  run->add_flag("--resume", options.resume,
                "keep the finished cells of an interrupted run (runs.jsonl.partial) and run "
                "the rest");

  std::string report_dir;
  auto* report =
      app.add_subcommand("report", "rebuild tables and plots from results/<name>/runs.jsonl");
  report->add_option("dir", report_dir, "an experiment's results folder")->required();

  std::string verify_dir;
  auto* verify = app.add_subcommand(
      "verify", "re-run results/<name>'s config; deterministic figures must match exactly");
  verify->add_option("dir", verify_dir, "an experiment's results folder")->required();
  verify->add_option("--data-dir", options.data_dir, "where bench/scripts/setup.sh put the data");

  auto* validate = app.add_subcommand("validate", "check a config, its variants and its data");
  validate->add_option("config", config_path, "experiment config (JSON)")->required();
  validate->add_option("--data-dir", options.data_dir, "where bench/scripts/setup.sh put the data");

  app.add_subcommand("list", "list the compiled variants");

  sgdbench::ThroughputOptions tp;
  tp.data_dir = default_data_dir();
  std::string tp_batch = "full";
  std::string tp_machine_of;
  bool tp_stream = false;
  auto* throughput = app.add_subcommand(
      "throughput", "training samples/s of one variant, no evaluation; prints one JSON line");
  throughput->add_option("--variant", tp.variant, "a name from `sgdbench list`");
  throughput->add_option("--dataset", tp.dataset, "mnist or fashion-mnist (default)");
  throughput->add_option("--widths", tp.widths, "MLP layer widths, input first")->delimiter(',');
  throughput->add_option("--batch", tp_batch, "batch size, or full (default)");
  throughput->add_option("--threads", tp.threads, "TBB threads (default 1)")
      ->check(CLI::Range(1, 4096));
  throughput->add_option("--seconds", tp.seconds, "measured training seconds (default 2)");
  throughput->add_option("--lr", tp.lr, "learning rate (default 0.1)");
  throughput->add_option("--chunk-rows", tp.chunk_rows,
                         "rows per leaf of the gradient reduction (default 256)");
  throughput->add_option("--data-dir", tp.data_dir, "where bench/scripts/setup.sh put the data");
  throughput->add_flag("--stream", tp_stream, "measure streaming read bandwidth instead");
  bool tp_peak = false;
  throughput->add_flag("--peak-flops", tp_peak, "measure the FP32 FMA peak instead");
  throughput->add_option("--machine", tp_machine_of,
                         "print the machine description for this config file instead");
  CLI11_PARSE(app, argc, argv);

  try {
    if (app.got_subcommand("list")) {
      list_variants();
      return 0;
    }
    if (app.got_subcommand("throughput")) {
      if (!tp_machine_of.empty()) {
        sgdbench::ExperimentConfig c;
        c.file = tp_machine_of;
        fmt::print("{}\n", sgdbench::machine_description(c).dump());
      } else if (tp_peak) {
        fmt::print("{}\n", sgdbench::measure_peak_flops(tp.threads).dump());
      } else if (tp_stream) {
        fmt::print("{}\n", sgdbench::measure_stream(tp.threads).dump());
      } else {
        if (tp.variant.empty()) throw sgdbench::Error("throughput: --variant is required");
        if (tp_batch != "full") {
          const auto b = std::strtoull(tp_batch.c_str(), nullptr, 10);
          if (b == 0 || tp_batch.find_first_not_of("0123456789") != std::string::npos)
            throw sgdbench::Error("throughput: --batch must be a positive integer or full, not '" +
                                  tp_batch + "'");
          tp.batch = b;
        } else {
          tp.batch = 0;
        }
        fmt::print("{}\n", sgdbench::measure_throughput(tp).dump());
      }
      return 0;
    }
    if (app.got_subcommand("verify")) {
      options.progress = false;
      const auto r = sgdbench::verify_results(verify_dir, options);
      fmt::print("{}", r.report);
      return r.mismatches == 0 ? 0 : 1;
    }
    if (app.got_subcommand("report")) {
      if (!std::filesystem::is_directory(report_dir)) {
        throw sgdbench::Error(report_dir + ": no such results folder");
      }
      const sgdbench::ResultsFolder folder(report_dir, "sgdbench report");
      sgdbench::write_report(report_dir, sgdbench::read_records(report_dir));
      const bool plotted = sgdbench::draw_plots(report_dir);
      fmt::print("tables: {0}/summary.md, {0}/summary.csv, {0}/summary.tex{1}\n", report_dir,
                 plotted ? fmt::format("\nplots:  {}/plots/", report_dir) : "");
      return plotted ? 0 : 1;
    }
    const auto config = sgdbench::parse_config(config_path);
    if (app.got_subcommand("validate")) {
      const std::size_t cells = sgdbench::check_experiment(config, options.data_dir);
      fmt::print("{}: valid; {} problem(s), {} run cells\n", config_path, config.problems.size(),
                 cells);
      return 0;
    }
    options.progress = !quiet;
    options.plots = !no_plots;
    sgdbench::install_interrupt_handlers();
    try {
      sgdbench::run_experiment(config, options);
    } catch (const sgdbench::Interrupted& e) {
      std::string again = "sgdbench run " + config_path;
      if (options.out_root != "results") again += " --out " + options.out_root;
      if (options.data_dir != default_data_dir()) again += " --data-dir " + options.data_dir;
      fmt::print(stderr, "sgdbench: {}\nresume with: {} --resume\n", e.what(), again);
      return 128 + sgdbench::interrupt_signal();
    }
    const std::string dir = options.out_root + "/" + config.name;
    const bool plotted = !no_plots && std::filesystem::exists(dir + "/plots");
    std::FILE* summary = std::fopen((dir + "/summary.md").c_str(), "rb");
    if (summary != nullptr) {
      char buf[4096];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, summary)) > 0) std::fwrite(buf, 1, n, stdout);
      std::fclose(summary);
    }
    fmt::print(
        "\nresults: {0}/runs.jsonl (every point), {0}/summary.{{md,csv,tex}}, "
        "{0}/machine.json{1}\n",
        dir, plotted ? fmt::format(", {}/plots/", dir) : "");
    std::fflush(stdout);
    return 0;
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

// libaicert-mpi-bootstrap.so under `mpirun -np 2` on loopback, no GPU: the C ABI that device
// backends (cuda:nccl) use to build communicators across processes, alone and together with the
// mpi backend plugin in the same process (either one initializing MPI first).
#include "tests/cli_support.h"

namespace aicert {
namespace {

// Open MPI refuses root and more ranks than cores unless told; MPICH ignores these.
const std::string kMpiEnv =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
    "OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none "
    "AICERT_MPI_BOOTSTRAP_LIBRARY=" AICERT_PLUGIN_DIR "/libaicert-mpi-bootstrap.so";

Outcome probe(const std::string& mode) {
  return shell(kMpiEnv + " timeout 120 " + AICERT_MPIEXEC + " -np 2 " + AICERT_BINARY_DIR +
               "/tests/mpi_bootstrap_probe " + mode);
}

void expect_both_ranks_ok(const Outcome& o) {
  ASSERT_EQ(o.exit_code, 0) << o.output;
  for (int r = 0; r < 2; ++r) {
    const std::string rank = "rank " + std::to_string(r) + " of 2: ";
    EXPECT_NE(o.output.find(rank + "128-byte id from rank 0 arrived intact"), std::string::npos)
        << o.output;
    EXPECT_NE(o.output.find(rank + "bootstrap ok"), std::string::npos) << o.output;
  }
}

TEST(MpiBootstrap, BroadcastsAnIdFromRankZeroToRankOne) { expect_both_ranks_ok(probe("")); }

TEST(MpiBootstrap, SharesMpiWithTheMpiPluginLoadedFirst) {
  expect_both_ranks_ok(probe("mpi-plugin-first"));
}

TEST(MpiBootstrap, SharesMpiWithTheMpiPluginLoadedAfter) {
  expect_both_ranks_ok(probe("mpi-plugin-after"));
}

TEST(MpiBootstrap, MissingLibraryIsAReasonNotACrash) {
  const Outcome o = shell("AICERT_MPI_BOOTSTRAP_LIBRARY=/nonexistent/libaicert-mpi-bootstrap.so " +
                          std::string(AICERT_BINARY_DIR) + "/tests/mpi_bootstrap_probe");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  EXPECT_NE(o.output.find("bootstrap not loaded: /nonexistent/libaicert-mpi-bootstrap.so not "
                          "loadable: "),
            std::string::npos)
      << o.output;
}

}  // namespace
}  // namespace aicert

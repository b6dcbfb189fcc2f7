// Tests of the machine inventory: the pure parsers on fixture files written to a temp dir,
// the hwloc walk on synthetic and XML topologies, and probe_machine() on this machine.
#include "probes/probe.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <pugixml.hpp>
#include <regex>

#include "probes/cpu_features.h"
#include "probes/dmi_probe.h"
#include "probes/hwloc_probe.h"
#include "probes/machine_identity.h"
#include "probes/os_probe.h"
#include "probes/pci_class.h"
#include "probes/pci_link.h"
#include "probes/pci_names.h"
#include "probes/sysfs_read.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

class FixtureDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aicert_probe_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const fs::path& relative, const std::string& text) {
    const auto path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  fs::path dir_;
};

// ---- sysfs_read -------------------------------------------------------------------------

using SysfsReadTest = FixtureDir;

TEST_F(SysfsReadTest, FirstLineIsTrimmed) {
  EXPECT_EQ(read_first_line(write("a", "  Dell Inc.  \nsecond line\n")), "Dell Inc.");
}

TEST_F(SysfsReadTest, MissingBlankOrDirectoryIsUnknown) {
  EXPECT_EQ(read_first_line(dir_ / "does_not_exist"), kUnknown);
  EXPECT_EQ(read_first_line(write("blank", " \n\n")), kUnknown);
  EXPECT_EQ(read_first_line(write("empty", "")), kUnknown);
  EXPECT_EQ(read_first_line(dir_), kUnknown);
  EXPECT_FALSE(read_text_file(dir_ / "does_not_exist").has_value());
}

TEST(SysfsRead, ReadsProcFilesDespiteZeroSize) {
  const auto text = read_text_file("/proc/self/status");
  ASSERT_TRUE(text.has_value());
  EXPECT_NE(text->find("Name:"), std::string::npos);
}

// ---- os_probe ---------------------------------------------------------------------------

TEST(OsRelease, PrefersPrettyNameAndResolvesEscapes) {
  EXPECT_EQ(parse_os_release("NAME=\"Debian GNU/Linux\"\nVERSION=\"12 (bookworm)\"\n"
                             "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"),
            "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(parse_os_release("# comment\nPRETTY_NAME=\"Say \\\"hi\\\" \\$HOME\"\n"),
            "Say \"hi\" $HOME");
  EXPECT_EQ(parse_os_release("PRETTY_NAME='Single \\ quoted'\n"), "Single \\ quoted");
  EXPECT_EQ(parse_os_release("PRETTY_NAME=Unquoted\r\n"), "Unquoted");
}

TEST(OsRelease, FallsBackToNameAndVersionThenUnknown) {
  EXPECT_EQ(parse_os_release("NAME=Fedora\nVERSION=\"39 (Server)\"\n"), "Fedora 39 (Server)");
  EXPECT_EQ(parse_os_release("NAME=Alpine\nPRETTY_NAME=\"\"\n"), "Alpine");
  EXPECT_EQ(parse_os_release(""), kUnknown);
  EXPECT_EQ(parse_os_release("ID=foo\n=bar\ngarbage line\n"), kUnknown);
}

TEST(Meminfo, ParsesMemTotalInKiB) {
  EXPECT_EQ(parse_meminfo_total_bytes("MemTotal:       16318412 kB\nMemFree: 1 kB\n"),
            16318412ull * 1024);
  EXPECT_EQ(parse_meminfo_total_bytes("MemFree: 1 kB\nMemTotal: 4 kB"), 4096u);
}

TEST(Meminfo, MalformedOrMissingIsZero) {
  EXPECT_EQ(parse_meminfo_total_bytes(""), 0u);
  EXPECT_EQ(parse_meminfo_total_bytes("MemFree: 1 kB\n"), 0u);
  EXPECT_EQ(parse_meminfo_total_bytes("MemTotal: lots kB\n"), 0u);
  EXPECT_EQ(parse_meminfo_total_bytes("MemTotal: 12 parsecs\n"), 0u);
  EXPECT_EQ(parse_meminfo_total_bytes("MemTotal: 99999999999999999999 kB\n"), 0u);
}

using OsProbeTest = FixtureDir;

TEST_F(OsProbeTest, UsesGivenFilesAndFallbackOsRelease) {
  OsProbePaths paths;
  paths.os_release = dir_ / "missing-os-release";
  paths.os_release_fallback = write("usr-lib-os-release", "PRETTY_NAME=\"Fixture OS 1\"\n");
  paths.meminfo = write("meminfo", "MemTotal: 2048 kB\n");
  Inventory inventory;
  probe_os(inventory, paths);
  EXPECT_EQ(inventory.os_release, "Fixture OS 1");
  EXPECT_EQ(inventory.total_memory_bytes, 2048u * 1024);
  EXPECT_NE(inventory.kernel, kUnknown);
  EXPECT_NE(inventory.hostname, kUnknown);
}

TEST_F(OsProbeTest, MissingFilesLeaveUnknownButMemoryFromSysconf) {
  OsProbePaths paths{dir_ / "a", dir_ / "b", dir_ / "c"};
  Inventory inventory;
  probe_os(inventory, paths);
  EXPECT_EQ(inventory.os_release, kUnknown);
  EXPECT_GT(inventory.total_memory_bytes, 0u);
}

// ---- dmi_probe --------------------------------------------------------------------------

using DmiProbeTest = FixtureDir;

TEST_F(DmiProbeTest, ReadsPresentAttributesAndLeavesOthersUnknown) {
  write("dmi/sys_vendor", "Supermicro\n");
  write("dmi/product_name", "SYS-421GE-TNRT\n");
  write("dmi/bios_vendor", "American Megatrends International, LLC.\n");
  write("dmi/bios_version", "2.1\n");
  write("dmi/bios_date", "03/14/2024\n");
  Inventory inventory;
  probe_dmi(inventory, dir_ / "dmi");
  EXPECT_EQ(inventory.dmi_sys_vendor, "Supermicro");
  EXPECT_EQ(inventory.dmi_product_name, "SYS-421GE-TNRT");
  EXPECT_EQ(inventory.dmi_product_serial, kUnknown);  // root-only, absent here
  EXPECT_EQ(inventory.dmi_bios_vendor, "American Megatrends International, LLC.");
  EXPECT_EQ(inventory.dmi_bios_version, "2.1");
  EXPECT_EQ(inventory.dmi_bios_date, "03/14/2024");
}

TEST_F(DmiProbeTest, NoDmiDirectoryIsAllUnknown) {
  Inventory inventory;
  probe_dmi(inventory, dir_ / "nope");
  EXPECT_EQ(inventory.dmi_sys_vendor, kUnknown);
  EXPECT_EQ(inventory.dmi_bios_date, kUnknown);
}

// ---- machine_identity -------------------------------------------------------------------

using MachineIdentityTest = FixtureDir;

TEST_F(MachineIdentityTest, FirstUsableIdentifierIsHashedNeverCopied) {
  write("dmi/product_uuid", "4c4c4544-0042-3510-8052-b4c04f384d32\n");
  write("dmi/product_serial", "CN7016349R00AB\n");
  write("machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
  Inventory inv;
  inv.hostname = "node-1";
  const MachineIdentityPaths paths{dir_ / "dmi", dir_ / "machine-id"};
  probe_machine_identity(inv, paths);
  EXPECT_EQ(inv.machine_id_source, "dmi-product-uuid");
  EXPECT_TRUE(std::regex_match(inv.machine_id, std::regex("m-[0-9a-f]{32}"))) << inv.machine_id;
  EXPECT_EQ(inv.machine_id.find("4c4c4544"), std::string::npos);
  const std::string first = inv.machine_id;
  probe_machine_identity(inv, paths);
  EXPECT_EQ(inv.machine_id, first);  // stable: the same machine, the same id
}

TEST_F(MachineIdentityTest, PlaceholdersAreSkippedDownToTheHostName) {
  write("dmi/product_uuid", "00000000-0000-0000-0000-000000000000\n");
  write("dmi/product_serial", "To Be Filled By O.E.M.\n");
  Inventory inv;
  inv.hostname = "node-2";
  probe_machine_identity(inv, {dir_ / "dmi", dir_ / "no-machine-id"});
  EXPECT_EQ(inv.machine_id_source, "hostname");
  Inventory other;
  other.hostname = "node-3";
  probe_machine_identity(other, {dir_ / "dmi", dir_ / "no-machine-id"});
  EXPECT_NE(inv.machine_id, other.machine_id);
  write("machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
  probe_machine_identity(inv, {dir_ / "dmi", dir_ / "machine-id"});
  EXPECT_EQ(inv.machine_id_source, "etc-machine-id");
  Inventory nothing;
  probe_machine_identity(nothing, {dir_ / "nope", dir_ / "nope"});
  EXPECT_EQ(nothing.machine_id, kUnknown);
}

TEST(MachineIdOption, CharactersAndLengthAreChecked) {
  EXPECT_EQ(machine_id_problem("rack-12.node_3:a"), "");
  EXPECT_NE(machine_id_problem(""), "");
  EXPECT_NE(machine_id_problem("has space"), "");
  EXPECT_NE(machine_id_problem("<x>"), "");
  EXPECT_NE(machine_id_problem(std::string(129, 'a')), "");
  Inventory inv;
  set_machine_id(inv, "asset-4711");
  EXPECT_EQ(inv.machine_id, "asset-4711");
  EXPECT_EQ(inv.machine_id_source, "option");
}

// ---- cpu_features -----------------------------------------------------------------------

constexpr const char* kX86Cpuinfo =
    "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\n"
    "flags\t\t: fpu sse4_2 avx avx2 fma f16c avx512f avx512bw avx512vl avx512_vnni "
    "avx512_bf16 avx512_fp16 amx_bf16 amx_tile amx_int8 avx_vnni\n\n"
    "processor\t: 1\nmodel name\t: Other model\nflags\t\t: fpu sse4_2 sve\n";

constexpr const char* kArmCpuinfo =
    "processor\t: 0\nBogoMIPS\t: 2000.00\n"
    "Features\t: fp asimd evtstrm aes asimdhp asimddp sve sve2 bf16 i8mm\n"
    "CPU implementer\t: 0x41\nCPU part\t: 0xd4f\n\nprocessor\t: 1\nFeatures\t: fp\n";

TEST(CpuFeatures, ParsesFirstProcessorFlagsOnly) {
  const auto flags = parse_cpuinfo_flags(kX86Cpuinfo);
  EXPECT_TRUE(flags.contains("fpu"));
  EXPECT_TRUE(flags.contains("amx_int8"));
  EXPECT_FALSE(flags.contains("sve"));  // that one is in the second block
  EXPECT_EQ(parse_cpuinfo_model(kX86Cpuinfo), "Intel(R) Xeon(R) Platinum 8480+");
}

TEST(CpuFeatures, SelectsAiRelevantInCanonicalOrder) {
  const std::vector<std::string> expected = {
      "sse4_2",      "avx",      "avx2",     "fma",         "f16c",
      "avx512f",     "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
      "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16",    "amx_int8"};
  EXPECT_EQ(select_ai_cpu_features(parse_cpuinfo_flags(kX86Cpuinfo)), expected);
  const std::vector<std::string> arm = {"asimd", "asimdhp", "asimddp", "sve",
                                        "sve2",  "bf16",    "i8mm"};
  EXPECT_EQ(select_ai_cpu_features(parse_cpuinfo_flags(kArmCpuinfo)), arm);
  EXPECT_TRUE(select_ai_cpu_features({"fpu", "mmx"}).empty());
}

TEST(CpuFeatures, ModelFallbacks) {
  EXPECT_EQ(parse_cpuinfo_model(kArmCpuinfo), kUnknown);
  EXPECT_EQ(parse_cpuinfo_model("processor : 0\nFeatures : fp\n\nModel\t: Raspberry Pi 4\n"),
            "Raspberry Pi 4");
  EXPECT_EQ(parse_cpuinfo_model("processor : 0\ncpu : POWER10 (architected)\n"),
            "POWER10 (architected)");
  EXPECT_EQ(parse_cpuinfo_model(""), kUnknown);
}

using CpuProbeTest = FixtureDir;

TEST_F(CpuProbeTest, FromFileAndMissingFileKeepsFields) {
  Inventory inventory;
  probe_cpu(inventory, write("cpuinfo", kX86Cpuinfo));
  EXPECT_EQ(inventory.cpu_model, "Intel(R) Xeon(R) Platinum 8480+");
  EXPECT_EQ(inventory.cpu_features.size(), 15u);
  probe_cpu(inventory, dir_ / "missing");
  EXPECT_EQ(inventory.cpu_model, "Intel(R) Xeon(R) Platinum 8480+");
}

// ---- pci_class / pci_link ---------------------------------------------------------------

TEST(PciClass, NamesSubclassesBaseClassesAndUnknown) {
  EXPECT_EQ(pci_class_name(0x0302), "3D controller");
  EXPECT_EQ(pci_class_name(0x0380), "Display controller");
  EXPECT_EQ(pci_class_name(0x1200), "Processing accelerators");
  EXPECT_EQ(pci_class_name(0x0207), "Infiniband controller");
  EXPECT_EQ(pci_class_name(0x9901), "Unknown class 0x99");
}

using PciLinkTest = FixtureDir;

TEST_F(PciLinkTest, ReadsSpeedAndWidth) {
  write("devices/0000:17:00.0/current_link_speed", "32.0 GT/s PCIe\n");
  write("devices/0000:17:00.0/current_link_width", "16\n");
  const auto link = read_pci_link("0000:17:00.0", dir_ / "devices");
  EXPECT_EQ(link.speed, "32.0 GT/s PCIe");
  EXPECT_EQ(link.width, "16");
}

TEST_F(PciLinkTest, MissingUnreadableOrBogusIsUnknown) {
  write("devices/0000:00:01.0/current_link_speed", "Unknown\n");
  write("devices/0000:00:01.0/current_link_width", "0\n");
  auto link = read_pci_link("0000:00:01.0", dir_ / "devices");
  EXPECT_EQ(link.speed, kUnknown);
  EXPECT_EQ(link.width, kUnknown);
  link = read_pci_link("0000:99:00.0", dir_ / "devices");
  EXPECT_EQ(link.speed, kUnknown);
  EXPECT_EQ(link.width, kUnknown);
  write("current_link_speed", "8.0 GT/s PCIe\n");
  EXPECT_EQ(read_pci_link("..", dir_ / "devices").speed, kUnknown);
  EXPECT_EQ(read_pci_link("../x", dir_ / "devices").speed, kUnknown);
}

// ---- pci_names: libpci on a small pci.ids written here, and on the system's ------------

// The pci.ids format: "VVVV  vendor", then "<TAB>DDDD  device" lines under it; classes follow.
constexpr const char* kFakePciIds =
    "# a few lines of pci.ids\n"
    "1af4  Red Hat, Inc.\n"
    "\t1041  Virtio 1.0 network device\n"
    "\t1042  Virtio 1.0 block device\n"
    "10de  NVIDIA Corporation\n"
    "\t2330  GH100 [H100 SXM5 80GB]\n"
    "\t\t10de 16c1  H100 SXM5 80GB\n"
    "C 02  Network controller\n"
    "\t00  Ethernet controller\n";

using PciNamesTest = FixtureDir;

TEST_F(PciNamesTest, FindsVendorAndDeviceNames) {
  const PciNameDatabase db(write("pci.ids", kFakePciIds).string());
  ASSERT_TRUE(db.loaded()) << db.error();
  EXPECT_EQ(db.error(), "");
  const PciNames nic = db.lookup(0x1af4, 0x1041);
  EXPECT_EQ(nic.vendor, "Red Hat, Inc.");
  EXPECT_EQ(nic.device, "Virtio 1.0 network device");
  EXPECT_EQ(db.lookup(0x10de, 0x2330).device, "GH100 [H100 SXM5 80GB]");
}

// A device pci.ids does not list yet, of a vendor it knows: the vendor's name alone.
TEST_F(PciNamesTest, UnknownDeviceOfAKnownVendorGivesTheVendorOnly) {
  const PciNameDatabase db(write("pci.ids", kFakePciIds).string());
  ASSERT_TRUE(db.loaded()) << db.error();
  const PciNames names = db.lookup(0x1af4, 0x1045);
  EXPECT_EQ(names.vendor, "Red Hat, Inc.");
  EXPECT_EQ(names.device, "");  // not libpci's numeric "Device 1045"
}

TEST_F(PciNamesTest, UnknownVendorStaysNumeric) {
  const PciNameDatabase db(write("pci.ids", kFakePciIds).string());
  ASSERT_TRUE(db.loaded()) << db.error();
  const PciNames names = db.lookup(0x8086, 0x0d57);
  EXPECT_EQ(names.vendor, "");
  EXPECT_EQ(names.device, "");
  // A device id listed under another vendor is not taken for this one.
  EXPECT_EQ(db.lookup(0x8086, 0x1041).device, "");
  PciDeviceInfo d;
  d.vendor_id = 0x8086;
  d.device_id = 0x0d57;
  d.class_name = "Host bridge";
  d.vendor_name = names.vendor;
  d.device_name = names.device;
  EXPECT_EQ(pci_device_label(d), "[8086:0d57] Host bridge");
}

TEST_F(PciNamesTest, MissingFileGivesNoNamesAndNoExit) {
  const std::string path = (dir_ / "no-such-pci.ids").string();
  const PciNameDatabase db(path);
  EXPECT_FALSE(db.loaded());
  EXPECT_NE(db.error().find(path), std::string::npos) << db.error();
  const PciNames names = db.lookup(0x1af4, 0x1041);
  EXPECT_EQ(names.vendor, "");
  EXPECT_EQ(names.device, "");
}

// libpci's own handler would print "Parse error at ..." and exit(1) here, ending this test.
TEST_F(PciNamesTest, CorruptFileGivesNoNamesAndNoExit) {
  const fs::path file = write("pci.ids", "1af4  Red Hat, Inc.\nzzzz  not a hex id\n");
  const PciNameDatabase db(file.string());
  EXPECT_FALSE(db.loaded());
  EXPECT_NE(db.error().find("line 2"), std::string::npos) << db.error();
  EXPECT_EQ(db.lookup(0x1af4, 0x1041).vendor, "");
  // Another database in the same process is not affected.
  const PciNameDatabase good(write("good.ids", kFakePciIds).string());
  EXPECT_EQ(good.lookup(0x1af4, 0x1041).vendor, "Red Hat, Inc.");
}

TEST_F(PciNamesTest, EmptyFileKnowsNoNames) {
  const PciNameDatabase db(write("pci.ids", "").string());
  EXPECT_EQ(db.lookup(0x1af4, 0x1041).vendor, "");
  EXPECT_EQ(db.lookup(0x1af4, 0x1041).device, "");
}

TEST(PciNames, SystemPciIdsNamesIntel) {
  if (!fs::exists("/usr/share/misc/pci.ids") && !fs::exists("/usr/share/misc/pci.ids.gz"))
    GTEST_SKIP() << "no /usr/share/misc/pci.ids (Debian package pci.ids)";
  const PciNameDatabase& db = system_pci_names();
  ASSERT_TRUE(db.loaded()) << db.error();
  EXPECT_EQ(db.lookup(0x8086, 0x0000).vendor, "Intel Corporation");
  EXPECT_EQ(&system_pci_names(), &db);  // loaded once per process
}

// ---- hwloc_probe on synthetic and XML topologies ---------------------------------------

constexpr const char* kSynthetic =
    "pack:2 [numa(memory=1073741824)] l3:1(size=33554432) core:4 l2:1(size=1048576) "
    "l1d:1(size=49152) l1i:1(size=32768) pu:2";

TEST(HwlocProbe, SyntheticTopologyCountsAndCaches) {
  Inventory inventory;
  std::string why;
  ASSERT_TRUE(probe_topology(inventory, {TopologySource::Kind::synthetic, kSynthetic}, &why))
      << why;
  EXPECT_EQ(inventory.packages, 2);
  EXPECT_EQ(inventory.cores, 8);
  EXPECT_EQ(inventory.pus, 16);
  ASSERT_EQ(inventory.numa_nodes.size(), 2u);
  EXPECT_EQ(inventory.numa_nodes[0].memory_bytes, 1073741824u);
  EXPECT_EQ(inventory.numa_nodes[1].os_index, 1);
  EXPECT_EQ(inventory.total_memory_bytes, 2u * 1073741824u);  // was 0: taken from hwloc
  ASSERT_EQ(inventory.caches.size(), 4u);
  EXPECT_EQ(inventory.caches[0].level, 1);
  EXPECT_EQ(inventory.caches[0].type, "data");
  EXPECT_EQ(inventory.caches[0].size_bytes, 49152u);
  EXPECT_EQ(inventory.caches[0].count, 8);
  EXPECT_EQ(inventory.caches[1].level, 1);  // instruction caches are kept, not filtered
  EXPECT_EQ(inventory.caches[1].type, "instruction");
  EXPECT_EQ(inventory.caches[1].size_bytes, 32768u);
  EXPECT_EQ(inventory.caches[1].count, 8);
  EXPECT_EQ(inventory.caches[2].level, 2);
  EXPECT_EQ(inventory.caches[2].count, 8);
  EXPECT_EQ(inventory.caches[3].level, 3);
  EXPECT_EQ(inventory.caches[3].type, "unified");
  EXPECT_EQ(inventory.caches[3].size_bytes, 33554432u);
  EXPECT_EQ(inventory.caches[3].count, 2);
  EXPECT_TRUE(inventory.pci_devices.empty());
  EXPECT_NE(inventory.hwloc_xml.find("<topology"), std::string::npos);
}

TEST(HwlocProbe, KeepsMemoryTotalAndCpuModelAlreadyKnown) {
  Inventory inventory;
  inventory.total_memory_bytes = 12345;
  inventory.cpu_model = "from cpuinfo";
  ASSERT_TRUE(probe_topology(inventory, {TopologySource::Kind::synthetic, kSynthetic}));
  EXPECT_EQ(inventory.total_memory_bytes, 12345u);
  EXPECT_EQ(inventory.cpu_model, "from cpuinfo");
}

TEST(HwlocProbe, BadSourcesFailWithReasonAndLeaveInventory) {
  Inventory inventory;
  inventory.pus = 7;
  std::string why;
  EXPECT_FALSE(probe_topology(inventory, {TopologySource::Kind::synthetic, "pack:x pu"}, &why));
  EXPECT_NE(why.find("synthetic"), std::string::npos) << why;
  why.clear();
  EXPECT_FALSE(probe_topology(inventory, {TopologySource::Kind::xml, "<not-hwloc/>"}, &why));
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(inventory.pus, 7);
  EXPECT_TRUE(inventory.hwloc_xml.empty());
}

TEST(HwlocProbe, XmlRoundTripOfThisMachineGivesSameInventory) {
  Inventory live;
  std::string why;
  ASSERT_TRUE(probe_topology(live, {}, &why)) << why;
  Inventory reloaded;
  ASSERT_TRUE(probe_topology(reloaded, {TopologySource::Kind::xml, live.hwloc_xml}, &why)) << why;
  EXPECT_EQ(reloaded.packages, live.packages);
  EXPECT_EQ(reloaded.cores, live.cores);
  EXPECT_EQ(reloaded.pus, live.pus);
  EXPECT_EQ(reloaded.numa_nodes.size(), live.numa_nodes.size());
  EXPECT_EQ(reloaded.caches.size(), live.caches.size());
  ASSERT_EQ(reloaded.pci_devices.size(), live.pci_devices.size());
  for (std::size_t i = 0; i < live.pci_devices.size(); ++i) {
    EXPECT_EQ(reloaded.pci_devices[i].bus_id, live.pci_devices[i].bus_id);
    EXPECT_EQ(reloaded.pci_devices[i].class_id, live.pci_devices[i].class_id);
    EXPECT_EQ(reloaded.pci_devices[i].os_devices.size(), live.pci_devices[i].os_devices.size());
  }
}

// ---- probe_machine on this machine -------------------------------------------------------

class MachineProbe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { inventory_ = new Inventory(probe_machine()); }
  static void TearDownTestSuite() {
    delete inventory_;
    inventory_ = nullptr;
  }
  static Inventory* inventory_;
};
Inventory* MachineProbe::inventory_ = nullptr;

TEST_F(MachineProbe, TopologyCountsAreSane) {
  const Inventory& inv = *inventory_;
  EXPECT_GE(inv.packages, 1);
  EXPECT_GE(inv.cores, inv.packages);
  EXPECT_GE(inv.pus, inv.cores);
  EXPECT_LE(inv.pus, static_cast<int>(sysconf(_SC_NPROCESSORS_CONF)));
  EXPECT_FALSE(inv.caches.empty());
  for (const auto& cache : inv.caches) {
    EXPECT_GE(cache.level, 1);
    EXPECT_GT(cache.size_bytes, 0u);
    EXPECT_GE(cache.count, 1);
    EXPECT_TRUE(cache.type == "data" || cache.type == "instruction" || cache.type == "unified")
        << cache.type;
  }
}

// Sum of the pages the kernel manages in each zone (/proc/zoneinfo "managed"): the per-node
// accounting hwloc reads from /sys/devices/system/node/node*/meminfo. 0 if unreadable.
std::uint64_t zoneinfo_managed_bytes() {
  std::ifstream in("/proc/zoneinfo");
  std::uint64_t pages = 0;
  std::string word;
  while (in >> word) {
    if (word == "managed") {
      std::uint64_t n = 0;
      if (in >> n) pages += n;
    }
  }
  return pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

// Sum of the kernel's per-node MemTotal (/sys/devices/system/node/node*/meminfo), 0 if absent.
std::uint64_t node_meminfo_bytes() {
  std::uint64_t kib = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/sys/devices/system/node", ec)) {
    if (e.path().filename().string().rfind("node", 0) != 0) continue;
    std::ifstream in(e.path() / "meminfo");
    for (std::string line; std::getline(in, line);) {
      const auto at = line.find("MemTotal:");
      if (at != std::string::npos) kib += std::stoull(line.substr(at + 9));
    }
  }
  return kib * 1024;
}

double relative_gap(std::uint64_t a, std::uint64_t b) {
  return std::fabs(static_cast<double>(a) - static_cast<double>(b)) /
         static_cast<double>(std::max<std::uint64_t>(std::max(a, b), 1));
}

TEST_F(MachineProbe, MemoryMatchesSumOfNumaNodes) {
  const Inventory& inv = *inventory_;
  ASSERT_GT(inv.total_memory_bytes, 0u);
  ASSERT_FALSE(inv.numa_nodes.empty());
  std::uint64_t numa_sum = 0;
  for (const auto& node : inv.numa_nodes) {
    EXPECT_GT(node.memory_bytes, 0u) << "node " << node.os_index;
    numa_sum += node.memory_bytes;
  }
  // The total (MemTotal) is the kernel's totalram, which sysconf reads through sysinfo().
  const auto phys = static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                    static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  EXPECT_LT(relative_gap(inv.total_memory_bytes, phys), 0.01)
      << inv.total_memory_bytes << " vs " << phys;
  // NUMA nodes cannot hold more than the machine.
  EXPECT_LE(static_cast<double>(numa_sum), 1.01 * static_cast<double>(inv.total_memory_bytes));
  const std::uint64_t managed = zoneinfo_managed_bytes();
  if (managed == 0) {
    EXPECT_LT(relative_gap(numa_sum, inv.total_memory_bytes), 0.05);
    return;
  }
  // hwloc's per-node memory is one of the kernel's own per-node figures: the zones' managed
  // memory or the node's MemTotal. On most machines they agree; some VMs (hot-plugged or
  // ballooned memory) count pages in one that the other does not yet, and hwloc versions differ
  // in which they read.
  const std::uint64_t node_total = node_meminfo_bytes();
  EXPECT_TRUE(relative_gap(numa_sum, managed) < 0.02 ||
              (node_total > 0 && relative_gap(numa_sum, node_total) < 0.02))
      << numa_sum << " vs zoneinfo " << managed << " and node meminfo " << node_total;
  // On a normal machine that also equals MemTotal. Some VMs (hot-plugged or ballooned memory)
  // count pages in MemTotal that no zone manages yet; the kernel itself disagrees there.
  if (relative_gap(managed, inv.total_memory_bytes) < 0.05) {
    EXPECT_LT(relative_gap(numa_sum, inv.total_memory_bytes), 0.05)
        << numa_sum << " vs " << inv.total_memory_bytes;
  } else {
    std::cout << "note: kernel MemTotal " << inv.total_memory_bytes
              << " B differs from its zones' managed memory " << managed << " B\n";
  }
}

TEST_F(MachineProbe, OsFieldsKnown) {
  const Inventory& inv = *inventory_;
  EXPECT_NE(inv.os_release, kUnknown);
  EXPECT_NE(inv.kernel, kUnknown);
  EXPECT_NE(inv.architecture, kUnknown);
  EXPECT_NE(inv.hostname, kUnknown);
  EXPECT_NE(inv.cpu_model, kUnknown);
  EXPECT_TRUE(std::regex_match(inv.hwloc_version, std::regex(R"(\d+\.\d+.*)")))
      << inv.hwloc_version;
}

TEST_F(MachineProbe, HwlocXmlIsATopologyWithOurCounts) {
  const Inventory& inv = *inventory_;
  ASSERT_FALSE(inv.hwloc_xml.empty());
  pugi::xml_document doc;
  const auto parsed = doc.load_string(inv.hwloc_xml.c_str());
  ASSERT_TRUE(parsed) << parsed.description();
  const auto root = doc.document_element();
  EXPECT_STREQ(root.name(), "topology");
  const auto count = [&](const char* type) {
    const std::string query = std::string("//object[@type='") + type + "']";
    return static_cast<int>(root.select_nodes(query.c_str()).size());
  };
  EXPECT_EQ(count("PU"), inv.pus);
  EXPECT_EQ(count("NUMANode"), static_cast<int>(inv.numa_nodes.size()));
  EXPECT_EQ(count("PCIDev"), static_cast<int>(inv.pci_devices.size()));
}

TEST_F(MachineProbe, PciDevicesAreWellFormed) {
  const std::regex bus_id(R"([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])");
  for (const auto& pci : inventory_->pci_devices) {
    EXPECT_TRUE(std::regex_match(pci.bus_id, bus_id)) << pci.bus_id;
    EXPECT_NE(pci.vendor_id, 0u) << pci.bus_id;
    EXPECT_FALSE(pci.class_name.empty());
    EXPECT_GE(pci.link_speed_gbps, 0.0);
    EXPECT_TRUE(pci.link_width == kUnknown ||
                std::regex_match(pci.link_width, std::regex(R"(\d+)")))
        << pci.link_width;
    for (const auto& os : pci.os_devices) {
      EXPECT_FALSE(os.name.empty());
      EXPECT_NE(os.type, kUnknown) << os.name;
    }
  }
}

// The probe names each device as the system's pci.ids does (none when it is missing).
TEST_F(MachineProbe, PciDevicesAreNamedFromPciIds) {
  for (const auto& pci : inventory_->pci_devices) {
    const PciNames names = system_pci_names().lookup(pci.vendor_id, pci.device_id);
    EXPECT_EQ(pci.vendor_name, names.vendor) << pci.bus_id;
    EXPECT_EQ(pci.device_name, names.device) << pci.bus_id;
    EXPECT_TRUE(pci.device_name.empty() || !pci.vendor_name.empty()) << pci.bus_id;
  }
}

TEST_F(MachineProbe, CpuFeaturesAgreeWithCompilerRuntimeCheck) {
  const auto& features = inventory_->cpu_features;
  const auto has = [&](const char* f) {
    return std::find(features.begin(), features.end(), f) != features.end();
  };
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  EXPECT_EQ(has("sse4_2"), __builtin_cpu_supports("sse4.2") != 0);
  EXPECT_EQ(has("avx"), __builtin_cpu_supports("avx") != 0);
  EXPECT_EQ(has("avx2"), __builtin_cpu_supports("avx2") != 0);
  EXPECT_EQ(has("fma"), __builtin_cpu_supports("fma") != 0);
  EXPECT_EQ(has("avx512f"), __builtin_cpu_supports("avx512f") != 0);
  EXPECT_EQ(has("avx512bw"), __builtin_cpu_supports("avx512bw") != 0);
#else
  // Every AArch64 Linux CPU has Advanced SIMD.
  EXPECT_TRUE(has("asimd"));
#endif
}

TEST_F(MachineProbe, TextMentionsTheMachine) {
  const std::string text = format_inventory_text(*inventory_);
  EXPECT_NE(text.find(inventory_->cpu_model), std::string::npos) << text;
  EXPECT_NE(text.find(inventory_->hostname), std::string::npos);
  EXPECT_NE(text.find(inventory_->kernel), std::string::npos);
  for (const auto& pci : inventory_->pci_devices) {
    EXPECT_NE(text.find(pci.bus_id), std::string::npos) << pci.bus_id;
  }
}

TEST_F(MachineProbe, IsRepeatable) {
  const Inventory again = probe_machine();
  const Inventory& first = *inventory_;
  EXPECT_EQ(again.hostname, first.hostname);
  EXPECT_EQ(again.cpu_model, first.cpu_model);
  EXPECT_EQ(again.cpu_features, first.cpu_features);
  EXPECT_EQ(again.packages, first.packages);
  EXPECT_EQ(again.cores, first.cores);
  EXPECT_EQ(again.pus, first.pus);
  EXPECT_EQ(again.total_memory_bytes, first.total_memory_bytes);
  ASSERT_EQ(again.caches.size(), first.caches.size());
  for (std::size_t i = 0; i < first.caches.size(); ++i) {
    EXPECT_EQ(again.caches[i].size_bytes, first.caches[i].size_bytes);
    EXPECT_EQ(again.caches[i].count, first.caches[i].count);
  }
  ASSERT_EQ(again.pci_devices.size(), first.pci_devices.size());
  for (std::size_t i = 0; i < first.pci_devices.size(); ++i) {
    EXPECT_EQ(again.pci_devices[i].bus_id, first.pci_devices[i].bus_id);
    EXPECT_EQ(again.pci_devices[i].link_width, first.pci_devices[i].link_width);
  }
  EXPECT_EQ(again.dmi_product_name, first.dmi_product_name);
  EXPECT_EQ(format_inventory_text(again), format_inventory_text(first));
}

// ---- inventory_text on a hand-built inventory -------------------------------------------

TEST(InventoryText, ShowsEverySection) {
  Inventory inv;
  inv.hostname = "gpu-node-07";
  inv.os_release = "Ubuntu 24.04 LTS";
  inv.kernel = "6.8.0-45-generic";
  inv.architecture = "x86_64";
  inv.cpu_model = "AMD EPYC 9654 96-Core Processor";
  inv.cpu_features = {"avx2", "avx512f", "avx512_bf16"};
  inv.packages = 2;
  inv.cores = 192;
  inv.pus = 384;
  inv.total_memory_bytes = 4ull << 40;
  inv.numa_nodes = {{0, 2ull << 40}, {1, 2ull << 40}};
  inv.caches = {{1, "data", 32 << 10, 192}, {3, "unified", 32 << 20, 24}};
  inv.dmi_sys_vendor = "Dell Inc.";
  inv.dmi_product_name = "PowerEdge XE9680";
  PciDeviceInfo gpu;
  gpu.bus_id = "0000:17:00.0";
  gpu.vendor_id = 0x10de;
  gpu.device_id = 0x2330;
  gpu.class_id = 0x0302;
  gpu.class_name = "3D controller";
  gpu.name = "NVIDIA Corporation GH100 [H100 SXM5 80GB]";
  gpu.link_speed_gbps = 63.015;
  gpu.link_speed = "32.0 GT/s PCIe";
  gpu.link_width = "16";
  gpu.os_devices = {{"cuda0", "coproc", "CUDA"}, {"opencl0d0", "coproc", "OpenCL"}};
  PciDeviceInfo nic;
  nic.bus_id = "0000:00:03.0";
  nic.vendor_id = 0x1af4;
  nic.device_id = 0x1041;
  nic.class_id = 0x0200;
  nic.class_name = "Ethernet controller";
  nic.name = kUnknown;
  nic.link_speed = kUnknown;
  nic.link_width = kUnknown;
  nic.os_devices = {{"eth0", "network", ""}};
  PciDeviceInfo named = nic;  // names from pci.ids; hwloc's name is then not repeated
  named.bus_id = "0000:00:04.0";
  named.name = "Red Hat, Inc. Virtio network device";
  named.vendor_name = "Red Hat, Inc.";
  named.device_name = "Virtio 1.0 network device";
  named.os_devices.clear();
  PciDeviceInfo vendor_only = named;  // a device pci.ids does not list, of a known vendor
  vendor_only.bus_id = "0000:00:05.0";
  vendor_only.device_id = 0x1045;
  vendor_only.class_name = "Unassigned class";
  vendor_only.name = kUnknown;
  vendor_only.device_name = "";
  inv.pci_devices = {nic, gpu, named, vendor_only};
  inv.backends = {{"cpu", true, "", "OpenBLAS 0.3.21"},
                  {"hip", false, "libamdhip64.so not found", ""}};
  BackendDeviceInfo dev;
  dev.backend = "cuda";
  dev.name = "NVIDIA H100 80GB HBM3";
  dev.vendor = "NVIDIA";
  dev.kind = "gpu";
  dev.pci_bus_id = "0000:17:00.0";
  dev.memory_bytes = 80ull << 30;
  dev.compute_units = 132;
  dev.driver_version = "550.54.15";
  dev.properties = {{"compute_capability", "9.0"}};
  inv.devices = {dev};

  const std::string text = format_inventory_text(inv);
  for (const char* expected :
       {"gpu-node-07",
        "Ubuntu 24.04 LTS",
        "6.8.0-45-generic (x86_64)",
        "AMD EPYC 9654",
        "avx2 avx512f avx512_bf16",
        "2 packages, 192 cores, 384 PUs",
        "4 TiB",
        "node 1  2 TiB",
        "L1d 32 KiB x192",
        "L3 32 MiB x24",
        "Dell Inc. PowerEdge XE9680, serial unknown",
        "0000:17:00.0  [10de:2330] 3D controller: NVIDIA Corporation GH100",
        "link 32.0 GT/s PCIe x16 (63.02 GB/s)",
        "0000:00:03.0  [1af4:1041] Ethernet controller\n    link unknown\n    network eth0\n",
        "0000:00:04.0  Red Hat, Inc. Virtio 1.0 network device [1af4:1041] Ethernet controller\n"
        "    link unknown\n",
        "0000:00:05.0  Red Hat, Inc. [1af4:1045] Unassigned class\n",
        "coproc cuda0 (CUDA)",
        "coproc opencl0d0 (OpenCL)",
        "cpu  available, OpenBLAS 0.3.21",
        "hip  unavailable: libamdhip64.so not found",
        "cuda:0  NVIDIA H100 80GB HBM3 (NVIDIA), gpu, 132 compute units, 80 GiB, pci 0000:17:00.0",
        "driver 550.54.15",
        "compute_capability = 9.0"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing \"" << expected << "\" in\n"
                                                      << text;
  }
  EXPECT_EQ(text.find("Virtio network device"), std::string::npos) << text;
}

TEST(InventoryText, DefaultInventoryIsAllUnknownAndHasNoBackendSection) {
  const std::string text = format_inventory_text(Inventory{});
  EXPECT_NE(text.find("Host          unknown"), std::string::npos) << text;
  EXPECT_NE(text.find("Memory        unknown"), std::string::npos) << text;
  EXPECT_EQ(text.find("Backends"), std::string::npos);
}

}  // namespace
}  // namespace aicert

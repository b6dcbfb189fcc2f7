#!/usr/bin/env python3
"""Tests of the CI-gate templates in ci/gates/.

  python3 tests/gates_test.py --aicert build/bin/aicert --source .   [unittest options]

1. gitlab-ci.yml and github-actions.yml parse (yaml.safe_load) and have the structure that
   makes them a gate: the job runs ci/gates/aicert-gate.sh, does not tolerate its failure,
   publishes junit.xml (and report.xml / report.html) also when the job failed.
2. The Jenkinsfile is well formed (see GroovyScanner for why a scanner is enough) and has
   pipeline / stages / post { always { junit, archiveArtifacts } }.
3. Every `aicert SUB --option` that the scripts run exists: `aicert SUB --help` lists it; every
   aicert-gate.sh option the templates use is one aicert-gate.sh takes.
4. The gate for real, on a tiny profile derived from profiles/ci-gate.xml (one 128x128x128
   fp32 GEMM on the CPU): no baseline, a signed baseline, a planted regression, a tampered
   baseline, a baseline signed by another key, and keep-baseline.sh end to end.
Exit status 0 when every test passed.
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import yaml

AICERT = ""
SOURCE = ""
GATE = "ci/gates/aicert-gate.sh"


def src(*parts):
    return os.path.join(SOURCE, *parts)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------
# 1. YAML templates


def script_lines(value):
    """A CI script entry (string or list of strings) as a list of strings."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def gate_calls(lines):
    return [line for line in lines if GATE in line]


class YamlTemplates(unittest.TestCase):
    def test_gitlab(self):
        doc = yaml.safe_load(read(src("ci/gates/gitlab-ci.yml")))
        self.assertIsInstance(doc, dict)
        jobs = {name: job for name, job in doc.items()
                if isinstance(job, dict) and gate_calls(script_lines(job.get("script")))}
        self.assertEqual(len(jobs), 1, "exactly one job runs " + GATE)
        (name, job), = jobs.items()
        self.assertIn(job.get("stage", "test"), doc.get("stages", ["test"]))
        self.assertFalse(job.get("allow_failure", False), "a failed gate must fail the pipeline")
        out = job["variables"]["AICERT_OUT"]
        for call in gate_calls(script_lines(job["script"])):
            self.assertIn('--out "$AICERT_OUT"', call)
            self.assertIn("--baseline", call)
            self.assertIn("--pubkey", call)
        art = job["artifacts"]
        self.assertEqual(art.get("when"), "always", "artifacts kept when the gate failed")
        junit = script_lines(art["reports"]["junit"])
        self.assertEqual(junit, [out + "/junit.xml"])
        for f in ("report.xml", "report.html", "junit.xml"):
            self.assertIn(out + "/" + f, art["paths"])

    def test_github(self):
        doc = yaml.safe_load(read(src("ci/gates/github-actions.yml")))
        # YAML 1.1 (PyYAML) reads the key `on` as True.
        triggers = doc.get("on", doc.get(True))
        self.assertTrue(triggers, "the workflow has triggers")
        jobs = [j for j in doc["jobs"].values()
                if any(GATE in str(s.get("run", "")) for s in j["steps"])]
        self.assertEqual(len(jobs), 1, "exactly one job runs " + GATE)
        job = jobs[0]
        self.assertFalse(job.get("continue-on-error", False))
        out = job["env"]["AICERT_OUT"]
        steps = job["steps"]
        gate_index = next(i for i, s in enumerate(steps) if GATE in str(s.get("run", "")))
        gate = steps[gate_index]
        self.assertFalse(gate.get("continue-on-error", False), "a failed gate must fail the job")
        self.assertNotIn("|| true", gate["run"])
        self.assertIn('--out "$AICERT_OUT"', gate["run"])
        uploads = [s for s in steps[gate_index + 1:]
                   if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
        self.assertEqual(len(uploads), 1, "one upload-artifact step after the gate")
        up = uploads[0]
        self.assertIn("always()", str(up.get("if", "")), "uploaded when the gate failed")
        paths = up["with"]["path"].split()
        for f in ("report.xml", "report.html", "junit.xml"):
            self.assertIn(out + "/" + f, paths)
        junit = [s for s in steps[gate_index + 1:] if "junit" in str(s.get("uses", "")).lower()]
        self.assertEqual(len(junit), 1, "one JUnit publisher after the gate")
        self.assertIn("always()", str(junit[0].get("if", "")))
        self.assertEqual(junit[0]["with"]["report_paths"], out + "/junit.xml")


# ---------------------------------------------------------------------------------------------
# 2. Jenkinsfile


class GroovyScanner:
    """Enough of Groovy's lexer to check a Jenkinsfile's brackets.

    Why this is enough: a declarative Jenkinsfile is nested blocks `name { ... }` and calls
    `name(args)`; what breaks one in practice is an unclosed or extra bracket, an unterminated
    string or a step outside its block. Debian 12 packages Groovy 2.4.21 (the version Jenkins
    itself embeds), but it is ~40 MB with its Java dependencies, so CI does not install it:
    when `groovy` is on PATH the test also compiles the file with it, otherwise this scanner
    does the check. It skips // and /* */ comments and '...', "...", '''...''', \"\"\"...\"\"\"
    strings (with backslash escapes, and the code inside ${...} of double-quoted ones), and
    balances () [] {}. Slashy /regex/ strings are not recognised: a Jenkinsfile has no need.
    """

    PAIRS = {")": "(", "]": "[", "}": "{"}

    def __init__(self, text):
        self.text = text
        self.code = []  # the text with strings and comments blanked (newlines kept)
        self.errors = []

    def line(self, i):
        return self.text.count("\n", 0, i) + 1

    def scan(self):
        stack = []
        i = self._code(0, stack, in_gstring=False)
        assert i == len(self.text)
        for ch, pos in stack:
            self.errors.append("line %d: '%s' is never closed" % (self.line(pos), ch))
        return self

    def blanked(self):
        return "".join(self.code)

    def _keep(self, s):
        self.code.append(s)

    def _blank(self, s):
        self.code.append(re.sub(r"[^\n]", " ", s))

    def _code(self, i, stack, in_gstring):
        """Code from i until the end, or (in ${...}) the '}' closing it; returns the index."""
        t = self.text
        depth = len(stack)
        while i < len(t):
            c = t[i]
            if t.startswith("//", i):
                j = t.find("\n", i)
                j = len(t) if j < 0 else j
                self._blank(t[i:j])
                i = j
            elif t.startswith("/*", i):
                j = t.find("*/", i + 2)
                if j < 0:
                    self.errors.append("line %d: unterminated /* comment" % self.line(i))
                    j = len(t) - 2
                self._blank(t[i:j + 2])
                i = j + 2
            elif c in "'\"":
                i = self._string(i)
            elif c in "([{":
                stack.append((c, i))
                self._keep(c)
                i += 1
            elif c in ")]}":
                if in_gstring and c == "}" and len(stack) == depth:
                    return i  # the end of ${...}
                if not stack or stack[-1][0] != self.PAIRS[c]:
                    opened = " (open: '%s' of line %d)" % (stack[-1][0], self.line(stack[-1][1])) \
                        if stack else ""
                    self.errors.append("line %d: unexpected '%s'%s" % (self.line(i), c, opened))
                else:
                    stack.pop()
                self._keep(c)
                i += 1
            else:
                self._keep(c)
                i += 1
        if in_gstring:
            self.errors.append("unterminated ${ in a string")
        return i

    def _string(self, i):
        t = self.text
        q = t[i] * 3 if t.startswith(t[i] * 3, i) else t[i]
        start = i
        i += len(q)
        while i < len(t):
            if t[i] == "\\":
                i += 2
            elif t.startswith(q, i):
                self._blank(t[start:i + len(q)])
                return i + len(q)
            elif len(q) == 1 and t[i] == "\n":
                break
            elif q[0] == '"' and t.startswith("${", i):
                self._blank(t[start:i + 2])
                i = self._code(i + 2, [], in_gstring=True)
                start = i  # the closing '}' is blanked with the rest of the string
                i += 1
            else:
                i += 1
        self.errors.append("line %d: unterminated string %s" % (self.line(start), q))
        self._blank(t[start:i])
        return min(i, len(t))


def block_body(code, pattern, within=(0, None)):
    """(begin, end) of the text inside the braces of the first block `pattern {` (e.g.
    r"\bpost") in code[within[0]:within[1]]; None when there is none."""
    lo, hi = within[0], len(code) if within[1] is None else within[1]
    m = re.compile(pattern + r"\s*\{").search(code, lo, hi)
    if not m:
        return None
    depth, i = 1, m.end()
    while i < hi and depth:
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        i += 1
    return (m.end(), i - 1)


class Jenkinsfile(unittest.TestCase):
    def test_scanner_finds_errors(self):
        ok = GroovyScanner("a { b('}') ; c(\"${x ? \"{\" : '}'}\") /* } */ // {\n d('''\n)''') }")
        self.assertEqual(ok.scan().errors, [])
        for bad in ("pipeline { stages { }", "a ( ] ", "x { '} ", "a { /* }", "}"):
            self.assertTrue(GroovyScanner(bad).scan().errors, bad)

    def test_well_formed(self):
        path = src("ci/gates/Jenkinsfile")
        text = read(path)
        scanner = GroovyScanner(text).scan()
        self.assertEqual(scanner.errors, [], path)
        code = scanner.blanked()
        self.assertEqual(len(code), len(text))
        m = re.search(r"(?m)^pipeline\s*\{", code)
        self.assertTrue(m, "a top-level pipeline { } block")
        pipeline = block_body(code, r"(?m)^pipeline")
        stages = block_body(code, r"\bstages", pipeline)
        self.assertTrue(stages, "pipeline { stages { } }")
        self.assertRegex(code[stages[0]:stages[1]], r"\bstage\s*\(")
        self.assertRegex(code[stages[0]:stages[1]], r"\bsh\b")
        post = block_body(code, r"\bpost", pipeline)
        self.assertTrue(post, "pipeline { post { } }")
        always = block_body(code, r"\balways", post)
        self.assertTrue(always, "post { always { } }: published when the gate failed")
        body = code[always[0]:always[1]]
        self.assertRegex(body, r"\bjunit\b")
        self.assertRegex(body, r"\barchiveArtifacts\b")
        # the gate runs in a stage's sh step; what it publishes is what it writes
        sh_text = text[stages[0]:stages[1]]
        self.assertIn(GATE, sh_text)
        self.assertNotIn("|| true", sh_text)
        self.assertNotIn("returnStatus", sh_text)
        self.assertIn('--out "$AICERT_OUT"', sh_text)
        out = re.search(r"AICERT_OUT\s*=\s*'([^']+)'", text).group(1)
        post_text = text[always[0]:always[1]]
        self.assertIn("'%s/junit.xml'" % out, post_text)
        for f in ("report.xml", "report.html"):
            self.assertIn("%s/%s" % (out, f), post_text)

    @unittest.skipUnless(shutil.which("groovy"), "groovy not installed: the scanner's check only")
    def test_groovy_compiles(self):
        env = dict(os.environ)
        if "JAVA_HOME" not in env and not os.path.exists("/usr/lib/jvm/default-java/bin/java"):
            java = shutil.which("java")
            if java:
                env["JAVA_HOME"] = os.path.dirname(os.path.dirname(os.path.realpath(java)))
        r = subprocess.run(["groovy", "-e", "new GroovyShell().parse(new File(args[0]))",
                            src("ci/gates/Jenkinsfile")], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


# ---------------------------------------------------------------------------------------------
# 3. The commands the scripts and templates run exist with those options


def logical_lines(text):
    """Shell text as lines, backslash continuations joined, comments dropped."""
    text = text.replace("\\\n", " ")
    return [line for line in text.splitlines() if not line.lstrip().startswith("#")]


def aicert_invocations(script_text):
    """{subcommand: set of --options} of every `"$AICERT" SUB ...` the script runs, with the
    options appended later to an array that holds one (name+=(--opt ...))."""
    calls, arrays = {}, {}
    for line in logical_lines(script_text):
        for m in re.finditer(r'(?:(\w+)=\()?"\$AICERT" (\w+)([^;|&)]*)', line):
            array, sub, rest = m.groups()
            calls.setdefault(sub, set()).update(re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest))
            if array:
                arrays[array] = sub
        for m in re.finditer(r"\b(\w+)\+=\(([^)]*)\)", line):
            if m.group(1) in arrays:
                calls[arrays[m.group(1)]].update(re.findall(r"(?<![\w-])--[a-z][a-z-]*",
                                                            m.group(2)))
    return calls


def help_text(argv):
    r = subprocess.run(argv + ["--help"], capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout + r.stderr


def lists_option(help_out, opt):
    return re.search(r"(^|[\s,])%s\b(?!-)" % re.escape(opt), help_out, re.M) is not None


class Commands(unittest.TestCase):
    def test_scripts_are_valid_bash(self):
        for name in ("aicert-gate.sh", "keep-baseline.sh"):
            path = src("ci/gates", name)
            self.assertTrue(os.access(path, os.X_OK), path + " is executable")
            r = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            if shutil.which("shellcheck"):
                r = subprocess.run(["shellcheck", path], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_aicert_options_exist(self):
        found = {}
        for name in ("aicert-gate.sh", "keep-baseline.sh"):
            for sub, opts in aicert_invocations(read(src("ci/gates", name))).items():
                found.setdefault(sub, set()).update(opts)
        # the extraction itself works (else this test would pass on nothing)
        self.assertLessEqual({"--profile", "--out", "--junit", "--baseline", "--backend"},
                             found.get("certify", set()))
        self.assertIn("--pubkey", found.get("verify", set()))
        self.assertIn("--key", found.get("sign", set()))
        for sub, opts in sorted(found.items()):
            rc, out = help_text([AICERT, sub])
            self.assertEqual(rc, 0, "aicert %s --help: %s" % (sub, out))
            for opt in sorted(opts):
                self.assertTrue(lists_option(out, opt), "aicert %s has no %s" % (sub, opt))

    def test_template_gate_options_exist(self):
        rc, gate_help = help_text([src(GATE)])
        self.assertEqual(rc, 0, gate_help)
        rc, keep_help = help_text([src("ci/gates/keep-baseline.sh")])
        self.assertEqual(rc, 0, keep_help)
        for opt in ("--store", "--pubkey", "--key", "--bootstrap"):
            self.assertTrue(lists_option(keep_help, opt), "keep-baseline.sh --help: " + opt)
        for name in ("gitlab-ci.yml", "github-actions.yml", "Jenkinsfile"):
            text = read(src("ci/gates", name)).replace("\\\n", " ")
            calls = [line[line.index(GATE):] for line in text.splitlines()
                     if GATE in line and not line.lstrip().startswith(("#", "//"))]
            self.assertTrue(calls, name + " runs " + GATE)
            for call in calls:
                for opt in re.findall(r"(?<![\w-])--[a-z][a-z-]*", call):
                    self.assertTrue(lists_option(gate_help, opt), "%s: %s" % (name, opt))


# ---------------------------------------------------------------------------------------------
# 4. The gate for real

# The report's digest, as reports/report_integrity.cpp computes it: SHA-256 of the root element
# without <integrity>, saved by pugixml with format_raw and no declaration. aicert has no
# command that rewrites a report's digest (on purpose: an edited report must look tampered), so
# the planted regression recomputes it here. The file aicert writes is the same document saved
# indented, so the raw form is the file with the indentation removed (pugixml drops
# whitespace-only text between elements on reading) and ` />` written `/>`. That this copy is
# right is checked each time: it must reproduce the digest of the untouched report, and
# `aicert sign` (which refuses a report whose digest does not match) must accept the edit.
INTEGRITY = re.compile(r"\s*<integrity\b[^>]*?(?:/>|>.*?</integrity>)", re.S)


def report_digest(text):
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    body = INTEGRITY.sub("", body)
    body = re.sub(r">\n\s*<", "><", body).strip()
    body = body.replace(" />", "/>")
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def recorded_digest(text):
    return re.search(r'<integrity sha256="([0-9a-f]{64})"', text).group(1)


def tiny_profile(path):
    """profiles/ci-gate.xml cut down to one 128x128x128 fp32 NN GEMM on cpu:blocked, few reps.
    The regression limit is raised from 10% to 75%, so that the passing runs do not fail on
    a busy CI machine (a 0.04 ms kernel varies by more than 10%); the planted regression is
    -99.9% and fails at any limit."""
    tree = ET.parse(src("profiles/ci-gate.xml"))
    root = tree.getroot()
    root.set("id", "ci-gate-tiny")
    defaults = root.find("defaults")
    defaults.attrib.update({"warmups": "2", "min-reps": "5", "min-time-ms": "20",
                            "max-reps": "200", "max-time-ms": "200", "max-cv": "1",
                            "case-timeout-s": "60"})
    tests = root.findall("test")
    gemm = next(t for t in tests if t.get("workload") == "gemm")
    for t in tests:
        if t is not gemm:
            root.remove(t)
    for tag, value in (("shapes", "128x128x128"), ("dtypes", "fp32"), ("layouts", "NN"),
                       ("backends", "cpu")):
        gemm.find(tag).text = value
    impls = ET.Element("impls")
    impls.text = "cpu:blocked"
    impls.tail = gemm.find("backends").tail
    gemm.insert(list(gemm).index(gemm.find("backends")) + 1, impls)
    threshold = gemm.find("threshold[@kind='baseline']")
    assert threshold is not None, "ci-gate.xml's gemm test has a baseline threshold"
    threshold.set("max-regression-pct", "75")
    tree.write(path, encoding="UTF-8", xml_declaration=True)


class Gate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="aicert-gates-")
        try:
            cls.profile = os.path.join(cls.tmp, "ci-gate-tiny.xml")
            tiny_profile(cls.profile)
            cls.key, cls.pub = cls.keypair("release")
            cls.other_key, cls.other_pub = cls.keypair("other")
            # the first run (no baseline), signed: the baseline of the other tests
            cls.first = cls.gate("first")
            cls.baseline = os.path.join(cls.tmp, "baseline.xml")
            shutil.copy(os.path.join(cls.tmp, "first", "report.xml"), cls.baseline)
            cls.aicert("sign", "--key", cls.key, cls.baseline)
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def run_cmd(cls, argv, check=None):
        env = dict(os.environ, AICERT=AICERT)
        for k in ("AICERT_PROFILE", "AICERT_OUT", "AICERT_BASELINE", "AICERT_BASELINE_PUBKEY",
                  "AICERT_UNSIGNED_BASELINE", "AICERT_SIGN_KEY", "AICERT_BACKEND"):
            env.pop(k, None)
        r = subprocess.run(argv, cwd=cls.tmp, env=env, capture_output=True, text=True,
                           timeout=120)
        r.output = r.stdout + r.stderr
        if check is not None and r.returncode != check:
            raise AssertionError("%s: exit %d, expected %d\n%s" % (" ".join(argv), r.returncode,
                                                                   check, r.output))
        return r

    @classmethod
    def aicert(cls, *args, check=0):
        return cls.run_cmd([AICERT] + list(args), check)

    @classmethod
    def keypair(cls, name):
        key = os.path.join(cls.tmp, name + ".pem")
        pub = os.path.join(cls.tmp, name + ".pub")
        cls.run_cmd(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], 0)
        cls.run_cmd(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], 0)
        return key, pub

    @classmethod
    def gate(cls, out, *args, check=0):
        return cls.run_cmd([src(GATE), "--profile", cls.profile, "--out", out,
                            "--backend", "cpu"] + list(args), check)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def junit_failures(self, out):
        root = ET.parse(self.path(out, "junit.xml")).getroot()
        return int(root.get("failures")), [f.get("message", "") for f in root.iter("failure")]

    def case_threshold(self, out):
        root = ET.parse(self.path(out, "report.xml")).getroot()
        return root.find("cases/case/threshold[@kind='baseline']")

    def faster_baseline(self, name, factor=1000.0):
        """A copy of the signed baseline whose cases claim `factor` times the GFLOP/s, with its
        digest recomputed and signed again by the release key: a planted regression."""
        text = read(self.baseline)
        self.assertEqual(report_digest(text), recorded_digest(text),
                         "the test's digest no longer matches reports/report_integrity.cpp")
        edited, n = re.subn(r'(<case\b[^>]*?\bgflops=")([^"]+)"',
                            lambda m: m.group(1) + repr(float(m.group(2)) * factor) + '"', text)
        self.assertEqual(n, 1)
        edited = INTEGRITY.sub('\n  <integrity sha256="%s" />' % report_digest(edited), edited)
        path = self.path(name)
        write(path, edited)
        self.aicert("verify", path)  # digest right
        self.aicert("sign", "--key", self.key, path)
        self.aicert("verify", "--pubkey", self.pub, path)
        return path

    # -- the tests

    def test_first_run_without_baseline(self):
        for f in ("report.xml", "report.html", "junit.xml"):
            self.assertTrue(os.path.isfile(self.path("first", f)), f)
            self.assertIn("first/" + f, self.first.stdout)
        self.assertIn("exit 0: CERTIFIED", self.first.stdout)
        self.assertEqual(self.junit_failures("first")[0], 0)
        self.assertEqual(self.case_threshold("first").get("status"), "not-evaluated")
        self.aicert("verify", "--pubkey", self.pub, self.baseline)

    def test_signed_baseline_passes(self):
        r = self.gate("second", "--baseline", self.baseline, "--pubkey", self.pub)
        self.assertIn("baseline verified", r.stdout)
        self.assertEqual(self.junit_failures("second")[0], 0)
        self.assertEqual(self.case_threshold("second").get("status"), "met")
        base_id = ET.parse(self.baseline).getroot().get("report-id")
        cert = ET.parse(self.path("second", "report.xml")).getroot().find("certification")
        self.assertEqual(cert.get("baseline-report-id"), base_id)

    def test_planted_regression_fails_the_gate(self):
        fast = self.faster_baseline("fast-baseline.xml")
        r = self.gate("regressed", "--baseline", fast, "--pubkey", self.pub, check=1)
        self.assertIn("NOT CERTIFIED", r.output)
        failures, messages = self.junit_failures("regressed")
        self.assertEqual(failures, 1, r.output)
        self.assertIn("slower than the baseline", messages[0])
        self.assertEqual(self.case_threshold("regressed").get("status"), "missed")
        self.assertTrue(os.path.isfile(self.path("regressed", "report.html")))

    def test_tampered_baseline_is_refused_before_certifying(self):
        text = read(self.baseline)
        m = re.search(r'\bgflops="(\d)', text)
        digit = str((int(m.group(1)) + 1) % 10)  # one byte changed, not signed again
        tampered = self.path("tampered.xml")
        write(tampered, text[:m.start(1)] + digit + text[m.end(1):])
        self.assertEqual(self.aicert("verify", "--pubkey", self.pub, tampered,
                                     check=None).returncode, 1)
        r = self.gate("tampered", "--baseline", tampered, "--pubkey", self.pub, check=2)
        self.assertIn("failed verification", r.stderr)
        self.assertIn("TAMPERED", r.stderr)
        self.assertNotIn("aicert certify:", r.output)  # certify never started
        self.assertFalse(os.path.exists(self.path("tampered", "report.xml")))
        self.assertFalse(os.path.exists(self.path("tampered", "junit.xml")))

    def test_baseline_signed_by_another_key_is_refused(self):
        r = self.gate("other-key", "--baseline", self.baseline, "--pubkey", self.other_pub,
                      check=2)
        self.assertIn("failed verification", r.stderr)
        self.assertNotIn("aicert certify:", r.output)

    def test_bad_input_exits_2(self):
        r = self.gate("no-key", "--baseline", self.baseline, check=2)  # no --pubkey
        self.assertIn("--pubkey", r.stderr)
        self.gate("missing", "--baseline", self.path("nonexistent.xml"), "--pubkey", self.pub,
                  check=2)
        self.gate("bogus", "--no-such-option", check=2)
        write(self.path("a-file"), "")
        r = self.gate("a-file", check=2)  # --out names a file
        self.assertIn("output folder", r.stderr)
        r = self.run_cmd([src(GATE), "--profile", self.path("nonexistent-profile.xml"),
                          "--out", "bad-profile"], check=2)
        self.assertIn("exit 2", r.stderr)
        # the digest-only mode, when asked for: the signed baseline's digest is intact
        self.gate("unsigned", "--baseline", self.baseline, "--unsigned-baseline")

    def test_keep_baseline_end_to_end(self):
        keep = src("ci/gates/keep-baseline.sh")
        store = self.path("store")
        base = os.path.join(store, "baseline.xml")
        argv = [keep, "--store", store, "--pubkey", self.pub, "--key", self.key, "--out", "kept",
                "--profile", self.profile, "--backend", "cpu"]
        self.run_cmd(argv, check=2)  # no baseline yet and no --bootstrap
        self.assertFalse(os.path.exists(base))
        self.run_cmd(argv + ["--bootstrap"], check=0)
        self.aicert("verify", "--pubkey", self.pub, base)
        first_id = ET.parse(base).getroot().get("report-id")
        r = self.run_cmd(argv, check=0)  # the next release, against the stored baseline
        self.assertIn("baseline verified", r.stdout)
        self.aicert("verify", "--pubkey", self.pub, base)
        root = ET.parse(base).getroot()
        self.assertNotEqual(root.get("report-id"), first_id)
        self.assertEqual(root.find("certification").get("baseline-report-id"), first_id)
        prev = os.path.join(store, "baseline.previous.xml")
        self.assertEqual(ET.parse(prev).getroot().get("report-id"), first_id)
        self.assertEqual(sorted(os.listdir(store)), ["baseline.previous.xml", "baseline.xml"])
        # a regression: the gate fails and the stored baseline stays as it was
        shutil.copy(self.faster_baseline("fast-store.xml"), base)
        before = read(base)
        self.run_cmd(argv, check=1)
        self.assertEqual(read(base), before)
        # a tampered stored baseline is refused
        write(base, before.replace('verdict="pass"', 'verdict="fail"', 1))
        r = self.run_cmd(argv, check=2)
        self.assertIn("does not verify", r.stderr)
        # a private key that is not the public key's: the report is not stored
        shutil.copy(prev, base)
        r = self.run_cmd([keep, "--store", store, "--pubkey", self.pub, "--key", self.other_key,
                          "--out", "kept", "--profile", self.profile, "--backend", "cpu"],
                         check=2)
        self.assertIn("is " + self.other_key + " its private key", r.stderr)
        self.assertEqual(read(base), read(prev))
        self.assertEqual(sorted(os.listdir(store)), ["baseline.previous.xml", "baseline.xml"])


def main():
    global AICERT, SOURCE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aicert", required=True, help="the aicert binary")
    parser.add_argument("--source", required=True, help="the repository's root")
    args, rest = parser.parse_known_args()
    AICERT = os.path.abspath(args.aicert)
    SOURCE = os.path.abspath(args.source)
    if not os.access(AICERT, os.X_OK):
        sys.exit("gates_test: %s is not an executable" % AICERT)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""bench/compare.py: nianbao next to the reference tools and to its own earlier build, in one run.

  bench/compare.py [--build DIR] [--before DIR] [--runs N] [--files N] [--reports N]
                   [--rss-files A,B] [--skip-extract] [--skip-crawl]

Extract side: `nianbao extract` over --files copies (default 200) of the real Pingtan 2024 page,
with --jobs 1 and the default (one worker per core), next to pandas.read_html (lxml) over the same
files and to the floor (a bare Gumbo parse of the page, from DIR/bench/extract --only).
Crawl side: `nianbao crawl` of the bench site (DIR/bench/crawl --serve: 8 hosts on 127.0.0.1-8,
--reports real-size reports, default 800; robots.txt obeyed, one connection per host, no delay),
next to Scrapy fetching and following links only on the same site.
--before DIR adds the same runs of another build tree (the base commit), for before/after figures
measured side by side. Every figure is wall time, CPU time (user + system, /usr/bin/time), cores
used (CPU / wall) and peak RSS; each run order is interleaved so that load hits all alike. The
machine may be shared: the load average is printed with each run, and ranges over --runs runs.
--rss-files A,B: the peak RSS of `nianbao extract` (the --build tree) over A and over B files
(default 1000,10000; issue 15 names 1000,100000).
The reference tools come from `scripts/deps bench` (Debian python3-pandas, python3-lxml,
python3-scrapy), installed here when missing; they are never needed to build or test nianbao.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "tests/data/corpus/pingtan-2024.html")
PYTHON = "/usr/bin/python3"  # Debian's, where the python3-* packages are


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(command, cwd=None, stdout=subprocess.DEVNULL):
    """Runs `command`; returns (wall s, cpu s, peak RSS MB, stdout text or None)."""
    with tempfile.NamedTemporaryFile("r") as report:
        out = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%e %U %S %M"] + command,
                             cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, text=True)
        if out.returncode not in (0, 3):  # 3: a page without a table (extract's exit status)
            sys.exit(f"compare: {' '.join(command[:3])} … failed ({out.returncode}):\n"
                     f"{out.stderr[-2000:]}")
        fields = report.read().split()[-4:]
    wall, user, system, rss = (float(x) for x in fields)
    return wall, user + system, rss / 1024, out.stdout if stdout == subprocess.PIPE else None


def span(values, fmt="{:.1f}"):
    low, high = min(values), max(values)
    return fmt.format(low) if fmt.format(low) == fmt.format(high) else \
        fmt.format(low) + "–" + fmt.format(high)


def floor_ms(build):
    out = subprocess.run([os.path.join(build, "bench/extract"), "--only", "--iterations", "30",
                          PAGE], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"gumbo\s+([\d.]+) ms", out).group(1))


def extract_side(args, builds, floor):
    work = tempfile.mkdtemp(prefix="nianbao-compare-")
    names = []
    for i in range(args.files):
        name = f"p{i:06d}.html"
        shutil.copyfile(PAGE, os.path.join(work, name))
        names.append(name)
    tools = []
    for label, build in builds:
        binary = os.path.join(build, "cmd/nianbao")
        if not has_jobs(binary):  # a build from before --jobs: one file at a time
            tools.append((f"nianbao {label}", [binary, "extract"] + names))
            continue
        tools.append((f"nianbao {label} --jobs 1", [binary, "extract", "--jobs", "1"] + names))
        tools.append((f"nianbao {label} (default jobs)", [binary, "extract"] + names))
    tools.append(("pandas.read_html (lxml)", [PYTHON, os.path.join(ROOT, "bench/read_html_pandas.py")]
                  + names))
    results = {name: [] for name, _ in tools}
    loads = []
    for run in range(args.runs):
        loads.append(load())
        for name, command in tools:
            results[name].append(timed(command, cwd=work))
    shutil.rmtree(work)
    pandas_ms = [r[0] / args.files * 1e3 for r in results["pandas.read_html (lxml)"]]
    print(f"\n## extract: {args.files} copies of pingtan-2024.html (109 KB), {args.runs} runs")
    print(f"load average at each run start: {'; '.join(loads)}")
    print(f"floor (bare Gumbo parse, thread CPU, best of 30): {floor:.3f} ms a page")
    print("| tool | wall ms/page | CPU ms/page (per core) | cores used | CPU/page ÷ floor "
          "| pandas wall ÷ this | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, _ in tools:
        runs = results[name]
        if not runs:
            continue
        wall = [r[0] / args.files * 1e3 for r in runs]
        cpu = [r[1] / args.files * 1e3 for r in runs]
        cores = [r[1] / r[0] for r in runs]
        # Per page and per core is the CPU a page cost (wall × cores used).
        speedup = [p / w for p, w in zip(pandas_ms, wall)]
        print(f"| {name} | {span(wall)} | {span(cpu)} | {span(cores, '{:.2f}')} | "
              f"{span([c / floor for c in cpu], '{:.2f}')} | {span(speedup, '{:.2f}')}× | "
              f"{span([r[2] for r in runs])} |")
    return results


def has_jobs(binary):
    out = subprocess.run([binary, "extract", "--help"], capture_output=True, text=True).stdout
    return "--jobs" in out


def rss_side(args, builds):
    sizes = [int(x) for x in args.rss_files.split(",")]
    work = tempfile.mkdtemp(prefix="nianbao-compare-rss-")
    for i in range(max(sizes)):  # hard links: 100,000 files cost no disk
        os.link(PAGE, os.path.join(work, f"{i:06d}"))
    print(f"\n## extract memory: peak RSS over {' and '.join(map(str, sizes))} files")
    print("| build | " + " | ".join(f"{n} files" for n in sizes) + " | ratio |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for label, build in builds:
        peaks = []
        for n in sizes:
            # The file list goes through a shell's xargs-free argv: raise the stack limit, which
            # bounds the argument list, for 100,000 names.
            command = ["bash", "-c", 'ulimit -s unlimited; exec "$0" extract "$@"',
                       os.path.join(build, "cmd/nianbao")] + [f"{i:06d}" for i in range(n)]
            peaks.append(timed(command, cwd=work)[2])
        print(f"| nianbao {label} | " + " | ".join(f"{p:.1f} MB" for p in peaks) +
              f" | {peaks[-1] / peaks[0]:.2f} |")
    shutil.rmtree(work)


def crawl_side(args, builds):
    site = subprocess.Popen([os.path.join(builds[-1][1], "bench/crawl"), "--serve", "--pages",
                             str(args.reports), "--hosts", "8"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    seeds = []
    while True:
        line = site.stdout.readline().strip()
        if not line:
            break
        seeds.append(line)
    tools = []
    for label, build in builds:
        binary = os.path.join(build, "cmd/nianbao")
        tools.append((f"nianbao {label}", binary))
    tools.append(("Scrapy (fetch + follow only)", None))
    results = {name: [] for name, _ in tools}
    loads = []
    work = tempfile.mkdtemp(prefix="nianbao-compare-crawl-")
    for run in range(args.runs):
        loads.append(load())
        for name, binary in tools:
            if binary is None:
                wall, cpu, rss, out = timed([PYTHON, os.path.join(ROOT, "bench/crawl_scrapy.py")]
                                            + seeds, stdout=subprocess.PIPE)
                pages = int(re.search(r"(\d+) pages", out).group(1))
            else:
                db = os.path.join(work, f"run{run}-{name.split()[-1]}.db")  # a fresh database each
                command = [binary, "crawl", "--db", db, "--allow-private-addresses", "--delay",
                           "0", "--max-pages", str(args.reports * 2 + 100)]
                for seed in seeds:
                    command += ["--seed", seed]
                wall, cpu, rss, _ = timed(command)
                count = subprocess.run(["sqlite3", db, "SELECT count(*) FROM fetches"],
                                       capture_output=True, text=True, check=True).stdout
                pages = int(count)
            results[name].append((wall, cpu, rss, pages))
    site.stdin.close()
    site.wait()
    shutil.rmtree(work)
    scrapy = [r[3] / r[0] for r in results["Scrapy (fetch + follow only)"]]
    print(f"\n## crawl: 8-host loopback site, {args.reports} real-size reports, {args.runs} runs")
    print(f"load average at each run start: {'; '.join(loads)}")
    print("| tool | pages | pages/s | ÷ Scrapy | CPU ms/page | cores used | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, _ in tools:
        runs = results[name]
        rate = [r[3] / r[0] for r in runs]
        print(f"| {name} | {span([r[3] for r in runs], '{:.0f}')} | {span(rate)} | "
              f"{span([a / b for a, b in zip(rate, scrapy)], '{:.2f}')}× | "
              f"{span([r[1] / r[3] * 1e3 for r in runs], '{:.2f}')} | "
              f"{span([r[1] / r[0] for r in runs], '{:.2f}')} | {span([r[2] for r in runs])} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--before", help="a build tree of the base commit, measured alongside")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--reports", type=int, default=800)
    parser.add_argument("--rss-files", default="1000,10000")
    parser.add_argument("--skip-extract", action="store_true")
    parser.add_argument("--skip-crawl", action="store_true")
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    subprocess.run([os.path.join(ROOT, "scripts/deps"), "bench"], check=True)
    builds = ([("before", args.before)] if args.before else []) + [("after", args.build)]
    print(f"# bench/compare.py on {os.cpu_count()} cores; load average {load()}")
    if not args.skip_extract:
        extract_side(args, builds, floor_ms(args.build))
    if not args.skip_rss:
        rss_side(args, builds[-1:])  # the build under test only
    if not args.skip_crawl:
        crawl_side(args, builds)
    print(f"\nload average at the end: {load()}")


if __name__ == "__main__":
    main()

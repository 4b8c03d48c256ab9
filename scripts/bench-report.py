#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark's CSV (scripts/bench.sh) into a markdown table and a plot.

    scripts/bench-report.py RESULTS_DIR

Reads RESULTS_DIR/raw.csv, syscalls.csv, meta.csv and host.txt; writes
RESULTS_DIR/benchmarks.md and RESULTS_DIR/benchmarks.png (matplotlib, Debian
package python3-matplotlib).
"""
import csv
import os
import statistics
import sys
from collections import defaultdict

BASELINE = {"peeloff": "loop", "busy-peeloff": "loop",
            "gateway": "gw-loop", "busy-gateway": "gw-loop",
            "connectx": "blocking"}
ARM_TITLE = {
    "peeloff": "1. Raw peeloff (per-call: loop of sctp_peeloff_flags)",
    "gateway": "2. Gateway workflow (per-call: ASSOC_NUMBER + ID_LIST, then "
               "peeloff_flags + SCTP_STATUS + sctp_getpaddrs per id)",
    "busy-peeloff": "3a. Busy parent, raw peeloff",
    "busy-gateway": "3b. Busy parent, gateway workflow",
    "connectx": "4. connectx, time until all N associations are ESTABLISHED "
                "(CONNECTX only starts them: nl-commup and lib wait in user space)",
}
ARM_ORDER = ["peeloff", "gateway", "busy-peeloff", "busy-gateway", "connectx"]
VAR_ORDER = ["loop", "nl", "lib", "gw-loop", "gw-nl", "gw-lib"]
CX_ORDER = ["blocking", "nb-commup", "nl-commup", "lib"]
# The sctpx_peeloff event's stages (kmod/peeloff.h), raw.csv's STAGE_ns.
STAGES = ["parse", "lookup", "reserve", "reply", "peel", "send", "install"]
# The breakdown's columns: sctpx's own work per stage, the floor split off.
OWN = ["parse", "lookup", "reply", "entries", "send", "install", "other"]


def load(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def fmt(x):
    return "-" if x is None else f"{x:,.0f}"


def breakdown(r):
    """One round of an sctpx variant split into the floor, sctpx's own work
    per stage of the handler and the rest (ns, the round's sums): the
    reservation and the peels' floor time come out of the reserve and peel
    stages; "entries" is what the peel stage spends besides the floor (the
    reply's entries, the receive-queue split); "other" is the handler's time
    outside the stages (the accounting after the last install). For the
    bare variants, which time their own send() and recv(): "netlink" is the
    time in those two system calls outside the handler, "user" the rest of
    the round."""
    st = {s: int(r[s + "_ns"]) for s in STAGES}
    fl, req = int(r["floor_ns"]), int(r["req_ns"])
    col = {s: st[s] for s in ("parse", "lookup", "reply", "send", "install")}
    col["entries"] = st["peel"] - (fl - st["reserve"])
    col["other"] = req - sum(st.values())
    col["floor"] = fl
    col["own"] = req - fl
    sys_ns = int(r.get("nl_syscall_ns") or 0)
    if sys_ns:
        col["netlink"] = sys_ns - req
        col["user"] = int(r["ns"]) - sys_ns
    col["total"] = int(r["ns"])
    return col


def stage_table(w, kern, split):
    """Where an sctpx request's time goes, per association, for the bare
    request (no library) with nothing else queued on the parent."""
    keys = sorted(k for k in split if k[0] == kern and k[2] in ("nl", "gw-nl")
                  and k[4] == 0)
    if not keys:
        return
    w("#### Where the bare request's time goes (M=0)")
    w("")
    w("ns/assoc, medians over the rounds, each column on its own (so they "
      "need not add up exactly). The handler's stages as the module's "
      "sctpx_peeloff event reports them, the floor split off: parse, lookup "
      "(socket, lock, ids or selection), reply (sizing, allocation), entries "
      "(the peel stage less the floor: writing the entries, the "
      "receive-queue split), send, install, other (accounting); own = in "
      "module minus the floor. netlink = the time inside the client's "
      "send() and recv() outside the handler (genetlink's dispatch and "
      "policy checks, copies, delivery); user = the rest of the round "
      "(encoding, decoding).")
    w("")
    cols = OWN + ["own", "floor", "netlink", "user", "total"]
    w("| N | way | " + " | ".join(cols) + " |")
    w("|---:|---|" + "---:|" * len(cols))
    for k in sorted(keys, key=lambda k: (k[2], k[3])):
        c = split[k]
        w(f"| {k[3]} | {k[2]} | " + " | ".join(
            fmt(statistics.median(c[x])) if c.get(x) else "-" for x in cols) + " |")
    w("")


def micro_table(w, kern, micro, own, med):
    """The library's own cost in this guest (sctpx_micro_static after the
    benchmark, against the fake transport), next to what the library adds
    to the bare request in the timed rounds."""
    ns = sorted({n for (k, v, n) in own if k == kern and v == "cxx"})
    if not ns:
        return
    w("#### The library's own cost in this guest (sctpx_micro)")
    w("")
    w("ns per call, medians; own: the library's C++ call less its transport "
      "(warm, and with the caches evicted just before: cold); the stages "
      "run on their own; library - bare: the same N's timed rounds, the "
      "library's median less the bare request's, per request.")
    w("")
    w("| N | own, warm | own, cold | record of peeled ids | reply decoding "
      "| request encoding | allocations | library - bare |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in ns:
        def m(v):
            r = micro.get((kern, v, n))
            return fmt(r[0]) if r else "-"
        warm = own.get((kern, "cxx", n))
        cold = own.get((kern, "cxx-cold", n))
        lib = med.get((kern, "peeloff", "lib", n, 0))
        bare = med.get((kern, "peeloff", "nl", n, 0))
        gap = fmt((lib - bare) * n) if lib and bare else "-"
        w(f"| {n} | {fmt(warm[0]) if warm else '-'} | "
          f"{fmt(cold[0]) if cold else '-'} | {m('note_peeled')} | "
          f"{m('decode')} | {m('encode')} | "
          f"{warm[1]:.1f} | {gap} |" if warm else f"| {n} | - | - | - | - | - | - | {gap} |")
    w("")


def main():
    d = sys.argv[1]
    raw = load(os.path.join(d, "raw.csv"))
    sysc = load(os.path.join(d, "syscalls.csv"))
    meta = defaultdict(dict)
    for r in load(os.path.join(d, "meta.csv")):
        meta[r["kernel"]][r["key"]] = r["value"]
    host = open(os.path.join(d, "host.txt")).read().strip() \
        if os.path.exists(os.path.join(d, "host.txt")) else ""

    per = defaultdict(list)      # key -> ns/assoc per round
    floor = defaultdict(list)    # key -> floor ns/assoc per round
    inmod = defaultdict(list)    # key -> ns/assoc inside the PEELOFF handler
    split = defaultdict(lambda: defaultdict(list))  # key -> column -> ns/assoc
    for r in raw:
        key = (r["kernel"], r["arm"], r["variant"], int(r["n"]), int(r["m"]))
        n = int(r["n"])
        per[key].append(int(r["ns"]) / n)
        fc = int(r["floor_count"])
        if fc:
            floor[key].append(int(r["floor_ns"]) / fc)
            if int(r.get("req_ns") or 0):
                inmod[key].append(int(r["req_ns"]) / n)
            if r.get("peel_ns"):
                for col, v in breakdown(r).items():
                    split[key][col].append(v / n)
    micro, micro_own = {}, {}    # (kernel, variant, n) -> figures per call
    if os.path.exists(os.path.join(d, "micro.csv")):
        for r in load(os.path.join(d, "micro.csv")):
            micro[(r["kernel"], r["variant"], int(r["n"]))] = (float(r["ns_call"]),)
        for r in load(os.path.join(d, "micro-own.csv")):
            micro_own[(r["kernel"], r["variant"], int(r["n"]))] = (
                float(r["own_ns_call"]), float(r["own_allocs_call"]))
    calls = {}
    counted = {}                 # key -> the counted call's duration, ns (connectx)
    for r in sysc:
        key = (r["kernel"], r["arm"], r["variant"], int(r["n"]), int(r["m"]))
        s = int(r["syscalls"])
        calls[key] = s / int(r["n"]) if s >= 0 else None
        ns = int(r.get("ns") or 0)
        if s >= 0 and ns > 0:
            counted[key] = (s, ns)

    med = {k: statistics.median(v) for k, v in per.items()}
    kernels = sorted({k[0] for k in per})
    out = []
    w = out.append
    w("<!-- generated by scripts/bench-report.py -->")
    w("")
    w("Machine and run:")
    w("")
    w("```")
    w(host)
    for k in kernels:
        m = meta[k]
        w(f"guest {k}: {m.get('cpus', '?')} vCPUs (QEMU TCG), clocksource "
          f"{m.get('clocksource', '?')}, sctpx {m.get('module_version', '?')}, "
          f"floor from {m.get('floor_source', '?')}, rounds "
          f"{m.get('rounds', '?')} ({m.get('rounds_big', '?')} for N=4096 and "
          f"M=10000), {m.get('seconds', '?')} s in the guest, max_batch "
          f"{m.get('max_batch_run', '?')} for the run (module's "
          f"{m.get('max_batch_module', '?')}, restored after)")
    w("```")
    w("")
    w("ns/assoc: median over the rounds (min - max); syscalls/assoc: counted "
      "in an extra untimed round (seccomp user notification); x per-call: "
      "median of the per-call way / median of this row (higher is "
      "better); floor: kernel time in fd reservation + sctp_do_peeloff + "
      "sock_alloc_file per association, timed by the module's sctpx_peeloff "
      "tracepoint in the same rounds; in module: time inside the PEELOFF "
      "handler per association (floor included; the rest of the row is the "
      "netlink transport and user space); over floor: this row's median / the floor's median. "
      "connectx: all established ms: median time until the last of the N "
      "associations is ESTABLISHED; counted ms: the duration of the "
      "untimed call whose system calls were counted (each counted call "
      "costs a thread hand-off, so a way that makes many takes longer "
      "there); syscalls/s: that call's count over that duration, what "
      "the way costs in system calls per second while it waits.")
    w("")
    for kern in kernels:
        w(f"### Kernel {kern}")
        w("")
        for arm in ARM_ORDER:
            order = CX_ORDER if arm == "connectx" else VAR_ORDER
            keys = sorted({k for k in per if k[0] == kern and k[1] == arm},
                          key=lambda k: (k[4], k[3], order.index(k[2])
                                         if k[2] in order else 99))
            if not keys:
                continue
            w(f"#### {ARM_TITLE[arm]}")
            w("")
            if arm == "connectx":
                w("| N | way | all established ms | ns/assoc | min | max "
                  "| syscalls/assoc | counted ms | syscalls/s | x blocking loop "
                  "| x non-blocking loop |")
                w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            else:
                w("| N | M | way | ns/assoc | min | max | syscalls/assoc "
                  "| x per-call | floor ns/assoc | in module ns/assoc "
                  "| over floor |")
                w("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for k in keys:
                _, _, var, n, m = k
                v = per[k]
                sc = calls.get(k)
                scs = "-" if sc is None else f"{sc:.2f}"
                base = med.get((kern, arm, BASELINE[arm], n, m))
                if arm == "connectx":
                    nb = med.get((kern, arm, "nb-commup", n, m))
                    cs, cns = counted.get(k, (None, None))
                    cms = f"{cns / 1e6:,.1f}" if cns else "-"
                    rs = fmt(cs / (cns / 1e9)) if cns else "-"
                    xb = f"{base / med[k]:.2f}" if base else "-"
                    xnb = f"{nb / med[k]:.2f}" if nb else "-"
                    w(f"| {n} | {var} | {med[k] * n / 1e6:,.1f} | {fmt(med[k])} | "
                      f"{fmt(min(v))} | {fmt(max(v))} | {scs} | {cms} | {rs} | "
                      f"{xb} | {xnb} |")
                    continue
                fl = statistics.median(floor[k]) if floor.get(k) else None
                im = statistics.median(inmod[k]) if inmod.get(k) else None
                over = f"{(med[k] / fl - 1) * 100:+.1f}%" if fl else "-"
                ratio = f"{base / med[k]:.2f}" if base else "-"
                w(f"| {n} | {m} | {var} | {fmt(med[k])} | {fmt(min(v))} | "
                  f"{fmt(max(v))} | {scs} | {ratio} | {fmt(fl)} | {fmt(im)} "
                  f"| {over} |")
            w("")
        stage_table(w, kern, split)
        micro_table(w, kern, micro, micro_own, med)
        # Goals, computed.
        w(f"#### Goals on {kern}")
        w("")

        def g(arm, var, n, m=0):
            return med.get((kern, arm, var, n, m))

        ns = sorted({k[3] for k in per if k[0] == kern and k[1] == "peeloff"})
        worst = []
        for n in ns:
            lib, loop = g("peeloff", "lib", n), g("peeloff", "loop", n)
            if lib and loop:
                worst.append((loop / lib, n))
        if worst:
            r, n = min(worst)
            ok = all(x >= 1.0 for x, _ in worst)
            w(f"- Never slower (library vs sctp_peeloff_flags at every N): "
              f"{'met' if ok else 'NOT met'}; worst x{r:.2f} at N={n} "
              f"(" + ", ".join(f"N={n}: x{x:.2f}" for x, n in sorted(worst, key=lambda t: t[1])) + ")")
        def part(var, n, col, arm="peeloff"):
            c = split.get((kern, arm, var, n, 0), {}).get(col)
            return statistics.median(c) if c else None

        libgap = [(g("peeloff", "lib", n) / g("peeloff", "nl", n) - 1, n) for n in ns
                  if g("peeloff", "lib", n) and g("peeloff", "nl", n)]
        if libgap:
            ok = all(x <= 0.10 for x, _ in libgap)
            w(f"- Library within 10% of the bare request at every N: "
              f"{'met' if ok else 'NOT met'} (" +
              ", ".join(f"N={n}: {x * 100:+.1f}%" for x, n in libgap) + ")")
        ahead = [(g("peeloff", "loop", n) / g("peeloff", "nl", n), n) for n in ns
                 if n >= 64 and g("peeloff", "loop", n) and g("peeloff", "nl", n)]
        if ahead:
            ok = all(x >= 1.0 for x, _ in ahead)
            bounds = []
            for x, n in ahead:
                own, tot = part("nl", n, "own"), g("peeloff", "nl", n)
                if own is not None:
                    bounds.append(f"N={n}: x{x:.2f}, x{g('peeloff', 'loop', n) / (tot - own):.2f} "
                                  f"with sctpx's own work at zero")
            w(f"- Bare request at least as fast as the loop from N=64: "
              f"{'met' if ok else 'NOT met'} (" + "; ".join(bounds) + ")")
        k512 = (kern, "peeloff", "nl", 512, 0)
        if k512 in med and floor.get(k512):
            fl = statistics.median(floor[k512])
            loop = g("peeloff", "loop", 512)
            over = med[k512] / fl - 1
            w(f"- Close to the floor at N=512: batch {fmt(med[k512])} ns vs "
              f"floor {fmt(fl)} ns: {over * 100:+.1f}% "
              f"({'met' if over <= 0.05 else 'NOT met'}, goal +5%); "
              f"x{loop / med[k512]:.2f} vs the loop "
              f"({'met' if loop / med[k512] >= 1.1 else 'NOT met'}, goal x1.1)")
            parts = [(c, part("nl", 512, c)) for c in ("own", "netlink", "user")]
            if all(v is not None for _, v in parts):
                w("  - over the floor, per part: " + ", ".join(
                    f"{c} {v / fl * 100:+.1f}%" for c, v in parts))
        gl, gn, gb = g("gateway", "gw-loop", 512), g("gateway", "gw-nl", 512), \
            g("gateway", "gw-lib", 512)
        if gl and gn:
            w(f"- Gateway at N=512: x{gl / gn:.2f} (netlink), "
              f"x{gl / gb:.2f} (library) "
              f"({'met' if min(gl / gn, gl / gb) >= 1.3 else 'NOT met'}, goal x1.3)")
            own = part("gw-nl", 512, "own", "gateway")
            gfl = part("gw-nl", 512, "floor", "gateway")
            if own is not None and gfl:
                w(f"  - with sctpx's own work at zero x{gl / (gn - own):.2f}; "
                  f"the loop over the bare gateway's floor x{gl / gfl:.2f}")
        for var in ("nl", "loop"):
            base = g("peeloff", var, 512)
            busy = [(m, g("busy-peeloff", var, 512, m)) for m in (1000, 10000)]
            if base and all(b for _, b in busy):
                w(f"- Busy parent, N=512, {var}: M=0 {fmt(base)}, " +
                  ", ".join(f"M={m} {fmt(b)} (x{b / base:.2f})" for m, b in busy) +
                  " ns/assoc")
        for n in sorted({k[3] for k in per if k[0] == kern and k[1] == "connectx"}):
            b, nb, nl, lib = (g("connectx", v, n) for v in
                              ("blocking", "nb-commup", "nl-commup", "lib"))
            if b and nb and nl and lib:
                best = min(b, nb)
                w(f"- connectx N={n}, until all established: CONNECTX + COMM_UP "
                  f"x{best / nl:.2f} vs the best per-call way, x{b / nl:.2f} vs "
                  f"the blocking loop (library x{best / lib:.2f} / x{b / lib:.2f}); "
                  f"{'met' if nl <= best else 'NOT met'} (no later than the best)")
        w("")

    with open(os.path.join(d, "benchmarks.md"), "w") as f:
        f.write("\n".join(out) + "\n")
    plot(d, kernels, med, per, floor)


def plot(d, kernels, med, per, floor):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    left_out = []  # series with no point: not drawn (a log axis needs one)
    fig, axes = plt.subplots(len(kernels), 4, figsize=(20, 4.6 * len(kernels)),
                             squeeze=False)
    for row, kern in enumerate(kernels):
        def keys(arm, var, m=0):
            return sorted(k for k in med
                          if k[0] == kern and k[1] == arm and k[2] == var and k[4] == m)

        def draw(ax, arm, var, label):
            ks = keys(arm, var)
            if not ks:
                left_out.append(f"{kern} {arm} {var}")
                return
            ax.errorbar([k[3] for k in ks], [med[k] / 1000 for k in ks],
                        yerr=[[(med[k] - min(per[k])) / 1000 for k in ks],
                              [(max(per[k]) - med[k]) / 1000 for k in ks]],
                        marker="o", capsize=3, label=label)

        ax = axes[row][0]
        for var, label in (("loop", "loop of sctp_peeloff_flags"),
                           ("nl", "sctpx batch (netlink)"), ("lib", "sctpx library")):
            draw(ax, "peeloff", var, label)
        fk = sorted(k for k in floor if k[0] == kern and k[1] == "peeloff"
                    and k[2] == "nl" and k[4] == 0)
        if fk:
            ax.plot([k[3] for k in fk], [statistics.median(floor[k]) / 1000 for k in fk],
                    "k--", label="floor (in-module)")
        ax.set_title(f"{kern}: raw peeloff")
        ax2 = axes[row][1]
        for var, label in (("gw-loop", "per-call gateway"), ("gw-nl", "sctpx selection"),
                           ("gw-lib", "sctpx library")):
            draw(ax2, "gateway", var, label)
        ax2.set_title(f"{kern}: gateway workflow")
        ax3 = axes[row][2]
        for arm, var, label in (("peeloff", "loop", "loop"), ("peeloff", "nl", "batch"),
                                ("gateway", "gw-loop", "per-call gateway"),
                                ("gateway", "gw-nl", "sctpx selection")):
            ms, ys = [], []
            for m in (0, 1000, 10000):
                a = arm if m == 0 else "busy-" + arm
                v = med.get((kern, a, var, 512, m))
                if v:
                    ms.append(max(m, 100))
                    ys.append(v / 1000)
            if ms:
                ax3.plot(ms, ys, marker="o", label=label)
            else:
                left_out.append(f"{kern} busy {var}")
        ax3.set_title(f"{kern}: busy parent, N=512 (M=0 drawn at 100)")
        ax3.set_xlabel("messages queued on the parent (M)")
        ax4 = axes[row][3]
        for var, label in (("blocking", "blocking sctp_connectx loop"),
                           ("nb-commup", "non-blocking loop + COMM_UP"),
                           ("nl-commup", "sctpx CONNECTX + COMM_UP"),
                           ("lib", "sctpx library (its own wait)")):
            draw(ax4, "connectx", var, label)
        ax4.set_title(f"{kern}: connectx until all established")
        for a in (ax, ax2, ax3, ax4):
            if not a.has_data():
                a.text(0.5, 0.5, "no data", ha="center", va="center",
                       transform=a.transAxes)
                continue
            a.set_xscale("log")
            a.set_yscale("log")
            a.set_ylabel("us per association")
            a.grid(True, which="both", alpha=0.3)
            a.legend(fontsize=8)
        for a in (ax, ax2, ax4):
            a.set_xlabel("associations (N)")
    fig.tight_layout()
    fig.savefig(os.path.join(d, "benchmarks.png"), dpi=80)
    if left_out:
        print("bench-report: not plotted (no data): " + ", ".join(left_out))


if __name__ == "__main__":
    main()

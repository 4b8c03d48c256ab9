#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/netlink/specs/sctpx.yaml against the rest of sctpx.

usage: python3 scripts/check-spec.py [BUILD_DIR] [--header PATH]
                                     [--spec PATH] [--netlink-c PATH]

BUILD_DIR (default ./build) must hold linux-tools/ as scripts/deps.sh
extracts it from Debian's linux-source-6.12: the genetlink schemas in
linux-tools/Documentation/netlink/ and the ynl generator in
linux-tools/tools/net/ynl/.

The ABI header and kmod/netlink.c are hand-written (the spec's header
comment says why the generator's kernel code cannot replace netlink.c);
what the generator can render, it renders here, in a temporary tree, and
the repo's files are compared with that. Checks, one output line each
("spec: ok: ..." or "spec: FAIL: ..."):
  schema     the spec validates against the kernel's schema for its
             protocol (jsonschema, draft 7);
  refs       reply attribute lists name attributes of their op's set (the
             generator resolves every other reference and fails on one
             that does not exist);
  generator  ynl-gen-c.py renders the spec as a uAPI header (--mode uapi)
             and as kernel policies and ops (--mode kernel --source, with
             kernel-policy: split, the one mode that renders every sctpx
             op). 6.12's generator cannot take an attribute whose enum is
             a flags set with gaps (the peeloff flags): its copy of the
             spec drops that enum reference, and the ok line names each;
  header     every constant of the generated uAPI header (enum members and
             object-like #defines) has the same value in the ABI header
             (--header, default include/uapi/linux/sctpx.h) and vice versa,
             and both name the same enum types (values from gcc);
  ext-enums  enums the spec takes from other headers (e.g. <linux/sctp.h>)
             have the values the system's header gives them;
  policies   kmod/netlink.c's sctpx_nl_ops[] has the generated table's
             commands with the same do/dump handlers, and each op's policy
             equals the generated one entry by entry (type and checks, as
             gcc evaluates them), except only where the generator cannot
             say what sctpx does: a nested policy may accept a subset of
             its set (all of them together: every attribute); an
             attribute whose gapped flags enum was dropped must have the
             mask of that set; an NLA_REJECT entry must be a reserved
             ("unused") attribute whose doc in the spec quotes its
             reject_message; an op the generator gives no policy must
             have one that accepts nothing.

Every check prints what it compared, with counts; a check that found
nothing to compare fails. The last line, "spec: N checks, all passed",
is printed only when every check ran and passed.

Exit status: 0 when every check passed, 1 otherwise.
Python 3.11 standard library, PyYAML and jsonschema only.
"""

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

failed = False
passed = 0


def ok(msg):
    global passed
    passed += 1
    print(f"spec: ok: {msg}")


def fail(msg):
    global failed
    failed = True
    print(f"spec: FAIL: {msg}")


def show(path):
    rel = os.path.relpath(path)
    return path if rel.startswith('..') else rel


def c_upper(name):
    return name.upper().replace('-', '_')


# ---------------------------------------------------------------- schema

def check_schema(spec, build):
    proto = spec.get('protocol', 'genetlink')
    path = os.path.join(build, 'linux-tools', 'Documentation', 'netlink',
                        f'{proto}.yaml')
    if not os.path.exists(path):
        fail(f"schema {path} not found (run scripts/deps.sh)")
        return None
    with open(path) as f:
        schema = yaml.safe_load(f)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(spec), key=lambda e: list(e.path))
    for e in errors:
        where = '/'.join(str(p) for p in e.path) or '(top)'
        fail(f"schema {proto}.yaml: {where}: {e.message}")
    if not errors:
        ok(f"spec validates against {show(path)} "
           f"(protocol {proto})")
    return path


# -------------------------------------------------------- attribute sets

def attr_sets(spec):
    return {s['name']: s for s in spec.get('attribute-sets', [])}


def set_attrs(spec, name):
    """Attributes of a set, following subset-of for their definitions."""
    sets = attr_sets(spec)
    s = sets[name]
    if 'subset-of' in s:
        full = {a['name']: a for a in sets[s['subset-of']]['attributes']}
        return [dict(full.get(a['name'], {}), **a) for a in s['attributes']]
    return s['attributes']


def set_prefix(spec, name):
    sets = attr_sets(spec)
    s = sets[name]
    if 'subset-of' in s:
        s = sets[s['subset-of']]
    if 'name-prefix' in s:
        return c_upper(s['name-prefix'])
    if name == spec['name']:
        return c_upper(spec['name'] + '-a-')
    return c_upper(f"{spec['name']}-a-{name}-")


# ------------------------------------------------------------------ refs

def check_refs(spec):
    """Reply attribute lists: the only references no generator mode reads."""
    sets = attr_sets(spec)
    bad = lists = 0
    for op in spec['operations']['list']:
        aset = op.get('attribute-set')
        names = {a['name'] for a in set_attrs(spec, aset)} \
            if aset in sets else set()
        for mode in ('do', 'dump'):
            reply = op.get(mode, {}).get('reply')
            if reply is None:
                continue
            lists += 1
            for a in sorted(set(reply.get('attributes', [])) - names):
                fail(f"refs: op {op['name']} {mode} reply: '{a}' is not in "
                     f"set '{aset}'")
                bad += 1
    if not lists:
        fail("refs: no reply attribute list found in the spec")
    elif not bad:
        ok(f"refs: {lists} reply attribute lists resolve")


# --------------------------------------------------------------- generator

def entry_values(d):
    """[(entry name, value)] of an enum or flags definition (flags: bit)."""
    out, val = [], d.get('value-start', 0)
    for e in d['entries']:
        e = e if isinstance(e, dict) else {'name': e}
        val = e.get('value', val)
        out.append((e['name'], val))
        val += 1
    return out


def gapped_flags(spec):
    """{name: mask} of the flags sets whose bits are not contiguous."""
    out = {}
    for d in spec.get('definitions', []):
        bits = [v for _, v in entry_values(d)] if d['type'] == 'flags' \
            else []
        if bits and max(bits) - min(bits) + 1 != len(bits):
            out[d['name']] = sum(1 << b for b in bits)
    return out


def generator_copy(spec):
    """The spec as 6.12's ynl-gen-c.py can take it, and what was dropped.

    Its TypeScalar asks every enum an attribute names for a contiguous
    value range, which a flags set with gaps has not: the reference is
    dropped (the policies check puts that set's mask back). kernel-policy
    becomes split: per-op mode wants a do request in every op, which
    sctpx's dump-only and attribute-less ops have not; uAPI output does
    not depend on it."""
    gen = copy.deepcopy(spec)
    gen['kernel-policy'] = 'split'
    gapped = gapped_flags(spec)
    dropped = {}
    for s in gen.get('attribute-sets', []):
        for a in s.get('attributes', []):
            if a.get('enum') in gapped:
                dropped[set_prefix(spec, s['name']) + c_upper(a['name'])] = \
                    gapped[a['enum']]
                del a['enum']
                a.pop('enum-as-flags', None)
    return gen, dropped


def run_generator(spec_path, spec, build, schema_path, tmp):
    """{'uapi': header, 'kernel': source} rendered, and dropped enums."""
    gen = os.path.join(build, 'linux-tools', 'tools', 'net', 'ynl',
                       'ynl-gen-c.py')
    if not os.path.exists(gen):
        fail(f"generator {gen} not found (run scripts/deps.sh)")
        return None, {}
    if schema_path is None:
        fail("generator: no schema to give it")
        return None, {}
    # ynl-gen-c.py finds the schema at ../<protocol>.yaml from the spec and
    # walks up to a directory with MAINTAINERS: build that layout in tmp.
    tree = os.path.join(tmp, 'tree')
    specdir = os.path.join(tree, 'Documentation', 'netlink', 'specs')
    os.makedirs(specdir)
    open(os.path.join(tree, 'MAINTAINERS'), 'w').close()
    shutil.copy(schema_path, os.path.dirname(specdir))
    tspec = os.path.join(specdir, os.path.basename(spec_path))
    gen_spec, dropped = generator_copy(spec)
    with open(spec_path) as f:
        # The generator wants the SPDX tag of the spec's first line.
        lead = f.readline()
    with open(tspec, 'w') as f:
        f.write(lead if lead.startswith('#') else '')
        yaml.safe_dump(gen_spec, f, sort_keys=False)
    out = {}
    for mode, kind, name in (('uapi', '--header', 'generated.h'),
                             ('kernel', '--source', 'generated.c')):
        out[mode] = os.path.join(tmp, name)
        cmd = [sys.executable, gen, '--mode', mode, kind, '--spec', tspec,
               '-o', out[mode]]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True,
                                 timeout=120)
        except subprocess.TimeoutExpired:
            fail(f"generator: ynl-gen-c.py --mode {mode} timed out")
            return None, {}
        if res.returncode != 0 or not os.path.exists(out[mode]):
            lines = (res.stderr or res.stdout).strip().splitlines()
            exc = [l for l in lines
                   if re.match(r'[\w.]*(Error|Exception)\b.*:', l)]
            msg = (exc or lines or [f"exit {res.returncode}"])[-1].strip()
            fail(f"generator: ynl-gen-c.py --mode {mode} failed: "
                 + msg[:300])
            return None, {}
    note = (f" (enum reference dropped for the generator: "
            f"{', '.join(dropped)})" if dropped else '')
    ok("generator: ynl-gen-c.py rendered the spec with --mode uapi "
       "--header and --mode kernel --source" + note)
    return out, dropped


# ------------------------------------------------- header and ext-enums

def strip_c_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return text.replace('\\\n', ' ')


def header_names(path):
    """(constant names in order, enum tags, ignored function-like macros)."""
    with open(path) as f:
        text = strip_c_comments(f.read())
    names, tags, ignored = [], [], []
    for m in re.finditer(r'\benum\s+(\w+)?\s*\{([^}]*)\}', text):
        if m.group(1):
            tags.append(m.group(1))
        for item in m.group(2).split(','):
            im = re.match(r'\s*([A-Za-z_]\w*)', item)
            if im:
                names.append(im.group(1))
    for line in text.splitlines():
        m = re.match(r'\s*#\s*define\s+([A-Za-z_]\w*)(\()?(.*)$', line)
        if not m:
            continue
        if m.group(2):
            ignored.append(m.group(1))
        elif m.group(3).strip():
            names.append(m.group(1))
    return names, tags, ignored


def c_values(include_line, names, tmp, tag):
    """Compile a program printing every name (or constant expression);
    return {name: value}."""
    src = ['#include <stdio.h>', include_line,
           'static void ps(const char *n, const char *v)'
           ' { printf("%s\\ts:%s\\n", n, v); }',
           'static void pl(const char *n, long long v)'
           ' { printf("%s\\ti:%lld\\n", n, v); }',
           '#define P(x) _Generic((x), char *: ps, const char *: ps,'
           ' default: pl)(#x, (x))',
           'int main(void)', '{']
    src += [f'\tP({n});' for n in names]
    src += ['\treturn 0;', '}']
    cfile = os.path.join(tmp, f'{tag}.c')
    exe = os.path.join(tmp, f'{tag}.bin')
    with open(cfile, 'w') as f:
        f.write('\n'.join(src) + '\n')
    res = subprocess.run(['gcc', '-std=gnu11', '-Wall', '-Werror',
                          '-o', exe, cfile],
                         capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        err = [l for l in res.stderr.splitlines() if 'error' in l]
        raise RuntimeError(err[0].strip() if err else 'gcc failed')
    res = subprocess.run([exe], capture_output=True, text=True, timeout=30,
                         check=True)
    vals = {}
    for line in res.stdout.splitlines():
        name, val = line.split('\t', 1)
        vals[name] = val[2:] if val.startswith('s:') else int(val[2:])
    return vals


def check_header(generated, header, tmp):
    hnames, htags, ignored = header_names(header)
    gnames, gtags, _ = header_names(generated)
    what = 'generated header'
    if not shutil.which('gcc'):
        fail("header: gcc not found; cannot compare values")
        return
    rel = show(header)
    try:
        hvals = c_values(f'#include "{os.path.abspath(header)}"', hnames,
                         tmp, 'abi')
    except (RuntimeError, subprocess.SubprocessError) as e:
        fail(f"header: {rel} does not compile: {e}")
        return
    try:
        gvals = c_values(f'#include "{generated}"', gnames, tmp, 'gen')
    except (RuntimeError, subprocess.SubprocessError) as e:
        fail(f"header: generated header does not compile: {e}")
        return

    bad = 0
    for n in gnames:
        if n not in hvals:
            fail(f"header: {n} = {gvals[n]!r} is in the {what} but missing "
                 f"from {rel}")
            bad += 1
        elif hvals[n] != gvals[n]:
            fail(f"header: {n} is {hvals[n]!r} in {rel} but {gvals[n]!r} in "
                 f"the {what}")
            bad += 1
    for n in hnames:
        if n not in gvals and not n.startswith('_UAPI_'):
            fail(f"header: {n} = {hvals[n]!r} is in {rel} but not in the "
                 f"{what} (extra constant)")
            bad += 1
    for t in sorted(set(gtags) ^ set(htags)):
        where = rel if t in htags else f"the {what}"
        fail(f"header: enum {t} exists only in {where}")
        bad += 1
    if not bad:
        note = (f"; function-like macros not compared: {', '.join(ignored)}"
                if ignored else '')
        ok(f"header: {len(hvals)} constants and {len(htags)} enum types of "
           f"{rel} equal the {what}{note}")


def check_ext_enums(spec, tmp):
    for d in spec.get('definitions', []):
        if not d.get('header') or d['type'] not in ('enum', 'flags'):
            continue
        pfx = d.get('name-prefix', f"{spec['name']}-{d['name']}-")
        want = {c_upper(pfx + n): (1 << v) if d['type'] == 'flags' else v
                for n, v in entry_values(d)}
        try:
            # <linux/sctp.h> uses libc types without including them.
            got = c_values('#include <stdint.h>\n#include <sys/socket.h>\n'
                           '#include <netinet/in.h>\n'
                           f"#include <{d['header']}>", list(want), tmp,
                           'ext_' + c_upper(d['name']))
        except (RuntimeError, subprocess.SubprocessError) as e:
            fail(f"ext-enums: {d['name']} against <{d['header']}>: {e}")
            continue
        diff = [n for n in want if got.get(n) != want[n]]
        for n in diff:
            fail(f"ext-enums: {n} is {got.get(n)!r} in <{d['header']}> but "
                 f"{want[n]!r} in the spec")
        if not diff:
            ok(f"ext-enums: {d['name']}: {len(want)} values equal "
               f"<{d['header']}>")


# ---------------------------------------------------------------- policies

def split_top(body, sep=','):
    """Split at sep outside (), {} and []."""
    parts, depth, cur, quote, esc = [], 0, '', False, False
    for ch in body:
        if quote:
            cur += ch
            if esc:
                esc = False
            elif ch == '\\':
                esc = True
            elif ch == '"':
                quote = False
            continue
        if ch == '"':
            quote = True
        elif ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def parse_c(path):
    """Policies, the sctpx_nl_ops[] table and object-like #defines."""
    with open(path) as f:
        text = strip_c_comments(f.read())
    defines = {}
    for line in text.splitlines():
        m = re.match(r'\s*#\s*define\s+([A-Za-z_]\w*)\s+(.+)$', line)
        if m:
            defines[m.group(1)] = m.group(2).strip()
    # Preprocessor conditionals only gate ops; keep every op.
    text = '\n'.join(l for l in text.splitlines()
                     if not re.match(r'\s*#', l))
    policies = {}
    for m in re.finditer(r'(?:static\s+)?const\s+struct\s+nla_policy\s+'
                         r'(\w+)\s*\[([^\]]*)\]\s*=\s*\{(.*?)\};', text,
                         re.S):
        entries = {}
        for item in split_top(m.group(3)):
            im = re.match(r'\[\s*(\w+)\s*\]\s*=\s*(.*)$', item, re.S)
            if im:
                entries[im.group(1)] = ' '.join(im.group(2).split())
        policies[m.group(1)] = {'bound': m.group(2).strip(),
                                'entries': entries}
    ops = {}
    m = re.search(r'struct\s+genl_(?:split_)?ops\s+sctpx_nl_ops\s*'
                  r'\[[^\]]*\]\s*=\s*\{(.*?)\n\};', text, re.S)
    for block in split_top(m.group(1)) if m else []:
        fields = dict(re.findall(r'\.(\w+)\s*=\s*([^,]+?)\s*,', block + ','))
        # A split table has a do and a dump entry per command; merge them.
        op = ops.setdefault(fields.get('cmd'), {})
        if op.get('policy', fields.get('policy')) != fields.get('policy'):
            op['policy'] = '(do and dump differ)'
        op.update(fields)
    return policies, ops, defines


def c_exprs(policies, ops):
    """Every constant expression of a file's policies and ops."""
    out = [o['maxattr'] for o in ops.values() if 'maxattr' in o]
    for pol in policies.values():
        out.append(pol['bound'])
        for cname, value in pol['entries'].items():
            out.append(cname)
            kind, checks, _ = policy_kind(value)
            if kind != 'reject':
                out += list(checks.values())
    return out


def policy_includes(defines, header):
    """What the policies' constant expressions need: the ABI header,
    <linux/sctp.h>, <sys/socket.h> and netlink.c's object-like #defines
    (GENMASK and BIT as the kernel defines them)."""
    inc = ['#include <stdint.h>', '#include <sys/socket.h>',
           '#include <netinet/in.h>', '#include <linux/sctp.h>',
           f'#include "{os.path.abspath(header)}"',
           '#define BIT(n) (1ULL << (n))',
           '#define GENMASK(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))']
    inc += [f'#define {n} {v}' for n, v in defines.items()
            if not n.startswith('_')]
    return '\n'.join(inc)


def policy_kind(value):
    """(spec type, {check: value}, nested policy name) of a policy entry."""
    m = re.fullmatch(r'\{\s*\.type\s*=\s*NLA_(\w+)\s*,?\s*\}', value)
    if m:
        return m.group(1).lower(), {}, None
    m = re.fullmatch(r'NLA_POLICY_NESTED\(\s*(\w+)\s*\)', value)
    if m:
        return 'nest', {}, m.group(1)
    m = re.fullmatch(r'NLA_POLICY_EXACT_LEN\(\s*(\w+)\s*\)', value)
    if m:
        return 'binary', {'exact-len': m.group(1)}, None
    m = re.fullmatch(r'NLA_POLICY_(MIN|MAX)\(\s*NLA_(\w+)\s*,\s*(.+)\)',
                     value)
    if m:
        return m.group(2).lower(), {m.group(1).lower(): m.group(3)}, None
    m = re.fullmatch(r'NLA_POLICY_MASK\(\s*NLA_(\w+)\s*,\s*(.+)\)', value)
    if m:
        return m.group(1).lower(), {'mask': m.group(2)}, None
    m = re.fullmatch(r'\{\s*\.type\s*=\s*NLA_REJECT\s*,\s*'
                     r'\.reject_message\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?\s*\}',
                     value)
    if m:
        return 'reject', {'message': m.group(1)}, None
    return None, {}, None


class PolicyCheck:
    """kmod/netlink.c's policies against the generator's, per op."""

    def __init__(self, spec, hand, gen, values, dropped):
        self.spec = spec
        self.hand, self.hops = hand
        self.gen, self.gops = gen
        self.val = values
        self.dropped = dropped    # C name -> mask of its gapped flags set
        self.bad = 0
        self.said = set()
        self.nested_use = {}      # generated policy -> {hand policy: names}
        self.rejected = set()
        self.entries = set()      # (netlink.c policy, attribute) compared
        self.reserved = {}        # C name of a reserved attribute -> doc
        for s in spec['attribute-sets']:
            for a in s['attributes'] if 'subset-of' not in s else []:
                if a['type'] == 'unused' and a.get('value') != 0:
                    self.reserved[set_prefix(spec, s['name']) +
                                  c_upper(a['name'])] = \
                        ' '.join(a.get('doc', '').split())

    def err(self, msg):
        # A nested policy is walked once per policy that nests it.
        if msg not in self.said:
            self.said.add(msg)
            fail(f"policies: {msg}")
        self.bad += 1

    def checks(self, where, cname, value, side):
        kind, checks, nested = policy_kind(value)
        if kind is None:
            self.err(f"{where}: [{cname}] = {value}: {side} policy form not "
                     "understood")
        return kind, {k: self.val[v] for k, v in checks.items()}, nested

    def entry(self, where, cname, hv, gv):
        hk, hc, hn = self.checks(where, cname, hv, 'kmod/netlink.c')
        gk, gc, gn = self.checks(where, cname, gv, 'generated')
        if hk is None or gk is None:
            return
        if cname in self.dropped and not gc:
            gc = {'mask': self.dropped[cname]}
        if (hk, hc) != (gk, gc):
            self.err(f"{where}: [{cname}] is {hk} {hc or '(no checks)'} "
                     f"in kmod/netlink.c but {gk} {gc or '(no checks)'} as "
                     "generated")
        if hn and gn:
            self.walk(hn, gn, hn, exact=False)
        elif hn or gn:
            self.err(f"{where}: [{cname}] nests in only one of the two")

    def reject(self, where, cname, msg):
        if cname not in self.reserved:
            self.err(f"{where}: [{cname}] is NLA_REJECT but not a reserved "
                     "(type: unused) attribute of the spec")
        elif msg not in self.reserved[cname]:
            self.err(f"{where}: [{cname}] is refused with \"{msg}\", which "
                     "the spec's doc of it does not quote")
        else:
            self.rejected.add(cname)

    def walk(self, hname, gname, where, exact):
        if hname not in self.hand:
            self.err(f"{where}: policy {hname} not found in kmod/netlink.c")
            return None
        hpol = self.hand[hname]
        gent = self.gen[gname]['entries'] if gname else {}
        accepted, top = set(), 0
        for cname, value in hpol['entries'].items():
            top = max(top, self.val[cname])
            kind, checks, _ = policy_kind(value)
            if kind == 'reject':
                self.reject(where, cname, checks['message'])
            elif cname not in gent:
                self.err(f"{where}: {hname} accepts {cname}, which the "
                         "generated policy does not")
            else:
                accepted.add(cname)
                self.entries.add((hname, cname))
                self.entry(where, cname, value, gent[cname])
        if exact:
            for cname in sorted(set(gent) - accepted):
                self.err(f"{where}: the generated policy accepts {cname}, "
                         f"{hname} does not")
        else:
            self.nested_use.setdefault(gname, {})[hname] = accepted
        if top >= self.val[hpol['bound']]:
            self.err(f"{where}: {hname}'s bound {hpol['bound']} is too "
                     "small for its entries")
        return top

    def run(self):
        for cmd in sorted(set(self.hops) - set(self.gops)):
            self.err(f"sctpx_nl_ops[] has {cmd}, which the spec lacks")
        for cmd, gop in self.gops.items():
            hop = self.hops.get(cmd)
            if hop is None:
                self.err(f"{cmd}: in the spec but not in sctpx_nl_ops[]")
                continue
            for fn in ('doit', 'dumpit'):
                if (fn in gop) != (fn in hop):
                    self.err(f"{cmd}: .{fn} in only one of sctpx_nl_ops[] "
                             "and the generated table")
            hname, gname = hop.get('policy'), gop.get('policy')
            if not hname or 'maxattr' not in hop:
                # Without one, 5.10 would ignore attributes, not refuse them.
                self.err(f"{cmd}: no .policy and .maxattr of its own")
                continue
            if gname not in self.gen and gname is not None:
                self.err(f"{cmd}: generated policy {gname} not understood")
                continue
            top = self.walk(hname, gname, cmd, exact=True)
            if top is not None and not top <= self.val[hop['maxattr']] < \
                    self.val[self.hand[hname]['bound']]:
                self.err(f"{cmd}: .maxattr {hop['maxattr']} does not fit "
                         f"{hname}")
        narrowed = []
        for gname, uses in sorted(self.nested_use.items()):
            every = set(self.gen[gname]['entries'])
            for n in sorted(every - set().union(*uses.values())):
                self.err(f"{gname} has {n}, which no nested policy of "
                         "kmod/netlink.c accepts")
            narrowed += [f"{h} takes {len(a)} of {len(every)}"
                         for h, a in sorted(uses.items()) if a != every]
        if not self.entries:
            self.err("no policy entry compared")
        if not self.bad:
            notes = narrowed + [f"{m} masked as its flags set"
                                for m in self.dropped] + \
                [f"{r} refused as reserved" for r in sorted(self.rejected)]
            ok(f"policies: {len(self.gops)} ops of sctpx_nl_ops[] and "
               f"{len(self.entries)} entries of their policies equal the "
               "generated ones "
               f"({'; '.join(notes)})")


def check_policies(spec, netlink_c, generated, header, tmp, dropped):
    hpol, hops, defines = parse_c(netlink_c)
    gpol, gops, _ = parse_c(generated)
    if not hops or not gops:
        fail(f"policies: no sctpx_nl_ops[] in "
             f"{netlink_c if not hops else 'the generated source'}")
        return
    try:
        exprs = sorted(set(c_exprs(hpol, hops) + c_exprs(gpol, gops)))
        values = c_values(policy_includes(defines, header), exprs, tmp,
                          'policy')
    except (RuntimeError, subprocess.SubprocessError) as e:
        fail(f"policies: cannot evaluate the policies' constants: {e}")
        return
    PolicyCheck(spec, (hpol, hops), (gpol, gops), values, dropped).run()


# ------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        description='Check the sctpx YAML spec against the kernel schema, '
                    'the ABI header and kmod/netlink.c.')
    default_build = 'build' if os.path.isdir('build') else \
        os.path.join(ROOT, 'build')
    ap.add_argument('build_dir', nargs='?', default=default_build,
                    help='build directory holding linux-tools/ '
                         '(default ./build)')
    ap.add_argument('--spec', default=os.path.join(
        ROOT, 'Documentation', 'netlink', 'specs', 'sctpx.yaml'))
    ap.add_argument('--header', default=os.path.join(
        ROOT, 'include', 'uapi', 'linux', 'sctpx.h'),
        help='ABI header to compare with (default the repo\'s)')
    ap.add_argument('--netlink-c', default=os.path.join(
        ROOT, 'kmod', 'netlink.c'))
    args = ap.parse_args()

    try:
        with open(args.spec) as f:
            spec = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        fail(f"cannot load {args.spec}: {e}")
        return 1

    with tempfile.TemporaryDirectory(prefix='sctpx-spec-') as tmp:
        schema_path = check_schema(spec, args.build_dir)
        try:
            check_refs(spec)
            generated, dropped = run_generator(args.spec, spec,
                                               args.build_dir, schema_path,
                                               tmp)
        except (KeyError, TypeError, StopIteration) as e:
            fail(f"refs: malformed spec ({e!r})")
            generated = None
        if generated:
            try:
                check_header(generated['uapi'], args.header, tmp)
            except (KeyError, TypeError, OSError) as e:
                fail(f"header: {e!r}")
            try:
                check_policies(spec, args.netlink_c, generated['kernel'],
                               args.header, tmp, dropped)
            except (KeyError, TypeError, StopIteration, OSError) as e:
                fail(f"policies: {e!r}")
        try:
            check_ext_enums(spec, tmp)
        except (KeyError, TypeError) as e:
            fail(f"ext-enums: {e!r}")

    if failed:
        return 1
    print(f"spec: {passed} checks, all passed")
    return 0


if __name__ == '__main__':
    sys.exit(main())

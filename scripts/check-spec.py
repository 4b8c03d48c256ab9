#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/netlink/specs/sctpx.yaml against the rest of sctpx.

usage: python3 scripts/check-spec.py [BUILD_DIR] [--header PATH]
                                     [--spec PATH] [--netlink-c PATH]

BUILD_DIR (default ./build) must hold linux-tools/ as scripts/deps.sh
extracts it from Debian's linux-source-6.12: the genetlink schemas in
linux-tools/Documentation/netlink/ and the ynl generator in
linux-tools/tools/net/ynl/.

Checks, one output line each ("spec: ok: ..." or "spec: FAIL: ..."):
  schema     the spec validates against the kernel's schema for its
             protocol (jsonschema, draft 7);
  refs       attribute sets, nested sets, enums and op attribute lists
             named in the spec exist;
  generator  the kernel's ynl-gen-c.py renders the spec as a uAPI header
             (in a temporary tree; nothing in the repo is written). 6.12's
             generator cannot take an attribute whose enum is a flags set
             with gaps (the peeloff flags, bits 11 and 19): its copy of the
             spec drops that enum reference, which changes no constant,
             and the ok line names each one dropped;
  header     every constant of that generated header (enum members and
             object-like #defines) has the same value in the ABI header
             (--header, default include/uapi/linux/sctpx.h) and vice versa,
             and both name the same enum types; values come from gcc
             compiling a small program against each header;
  ext-enums  enums the spec takes from other headers (e.g. <linux/sctp.h>)
             have the values the system's header gives them;
  policies   the per-op policies of kmod/netlink.c (sctpx_*_policy[] and
             the .cmd/.policy/.maxattr of sctpx_nl_ops[]) accept exactly
             the spec's per-op request attributes, with matching types and
             checks (ranges, exact lengths, and the masks of flags and of
             enum-as-flags attributes, evaluated by gcc), and nested
             policies only attributes of the spec's nested set (together:
             all of them). Every op has a policy of its own (an op without
             request attributes: one that accepts nothing). An NLA_REJECT
             entry must be a reserved ("unused") attribute of the spec that
             no request lists, and the spec's doc of it must quote its
             reject_message.

Every check prints what it compared, with counts; a check that found
nothing to compare fails. The last line, "spec: N checks, all passed",
is printed only when every check ran and passed.

Exit status: 0 when every check passed, 1 otherwise.
Python 3.11 standard library, PyYAML and jsonschema only.
"""

import argparse
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


# ------------------------------------------------------------------ refs

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


def op_prefix(spec):
    ops = spec['operations']
    return c_upper(ops.get('name-prefix', spec['name'] + '-cmd-'))


def check_refs(spec):
    sets = attr_sets(spec)
    enums = {d['name']: d for d in spec.get('definitions', [])
             if d['type'] in ('enum', 'flags')}
    bad = 0
    for sname in sets:
        for a in set_attrs(spec, sname):
            n = a.get('nested-attributes')
            if n and n not in sets:
                fail(f"refs: {sname}.{a['name']}: nested set '{n}' "
                     "does not exist")
                bad += 1
            e = a.get('enum')
            if e and e not in enums:
                fail(f"refs: {sname}.{a['name']}: enum '{e}' does not exist")
                bad += 1
    for op in spec['operations']['list']:
        aset = op.get('attribute-set')
        if aset is None:
            continue
        if aset not in sets:
            fail(f"refs: op {op['name']}: attribute set '{aset}' "
                 "does not exist")
            bad += 1
            continue
        names = {a['name'] for a in set_attrs(spec, aset)}
        for mode in ('do', 'dump'):
            for part in ('request', 'reply'):
                for a in op.get(mode, {}).get(part, {}).get('attributes', []):
                    if a not in names:
                        fail(f"refs: op {op['name']} {mode} {part}: "
                             f"'{a}' is not in set '{aset}'")
                        bad += 1
    if not bad:
        ok(f"refs: {len(sets)} attribute sets, {len(enums)} enums and "
           f"{len(spec['operations']['list'])} ops resolve")


# ------------------------------------------------- generator and header

def run_generator(spec_path, spec, build, schema_path, tmp):
    ynl = os.path.join(build, 'linux-tools', 'tools', 'net', 'ynl')
    gen = os.path.join(ynl, 'ynl-gen-c.py')
    if not os.path.exists(gen):
        fail(f"generator {gen} not found (run scripts/deps.sh)")
        return None
    if schema_path is None:
        fail("generator: no schema to give it")
        return None
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
    out = os.path.join(tmp, 'generated.h')
    cmd = [sys.executable, gen, '--mode', 'uapi', '--header',
           '--spec', tspec, '-o', out]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True,
                             timeout=120)
    except subprocess.TimeoutExpired:
        fail("generator: ynl-gen-c.py timed out")
        return None
    if res.returncode != 0 or not os.path.exists(out):
        lines = (res.stderr or res.stdout).strip().splitlines()
        exc = [l for l in lines
               if re.match(r'[\w.]*(Error|Exception)\b.*:', l)]
        msg = (exc or lines or [f"exit {res.returncode}"])[-1].strip()
        fail("generator: ynl-gen-c.py --mode uapi failed: " + msg[:300])
        return None
    note = (f" (enum reference dropped for the generator: "
            f"{', '.join(dropped)})" if dropped else '')
    ok("generator: ynl-gen-c.py --mode uapi --header rendered the spec"
       + note)
    return out


def gapped_flags(spec):
    """Flags sets whose bit numbers are not contiguous."""
    out = set()
    for d in spec.get('definitions', []):
        if d['type'] != 'flags':
            continue
        val, bits = d.get('value-start', 0), []
        for e in d['entries']:
            e = e if isinstance(e, dict) else {'name': e}
            val = e.get('value', val)
            bits.append(val)
            val += 1
        if bits and max(bits) - min(bits) + 1 != len(bits):
            out.add(d['name'])
    return out


def generator_copy(spec):
    """The spec as 6.12's ynl-gen-c.py can take it, and what was dropped.

    Its TypeScalar asks every enum an attribute names for a contiguous
    value range, which a flags set with gaps has not; the reference only
    feeds policies and typed user code, never a uAPI constant."""
    import copy
    gen = copy.deepcopy(spec)
    gapped = gapped_flags(spec)
    dropped = []
    for s in gen.get('attribute-sets', []):
        for a in s.get('attributes', []):
            if a.get('enum') in gapped:
                dropped.append(f"{s['name']}.{a['name']}")
                del a['enum']
                a.pop('enum-as-flags', None)
    return gen, dropped


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
    """Compile a program printing every name; return {name: value}."""
    src = ['#include <stdio.h>', include_line,
           'static void ps(const char *n, const char *v)'
           ' { printf("%s s:%s\\n", n, v); }',
           'static void pl(const char *n, long long v)'
           ' { printf("%s i:%lld\\n", n, v); }',
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
        name, val = line.split(' ', 1)
        vals[name] = val[2:] if val.startswith('s:') else int(val[2:])
    return vals


def expected_from_spec(spec):
    """The generator's uAPI constants, modelled here (no generator run)."""
    names, tags = {}, []
    names[c_upper(spec.get('c-family-name', spec['name'] + '-family-name'))] \
        = spec['name']
    names[c_upper(spec.get('c-version-name',
                           spec['name'] + '-family-version'))] = \
        spec.get('version', 1)
    for d in spec.get('definitions', []):
        if d.get('header'):
            continue
        if d['type'] == 'const':
            names[c_upper(f"{spec['name']}-{d['name']}")] = d['value']
            continue
        if d['type'] not in ('enum', 'flags'):
            continue
        pfx = d.get('name-prefix', f"{spec['name']}-{d['name']}-")
        if d.get('enum-name', True):
            tags.append(d.get('enum-name') or
                        f"{spec['name']}_{d['name']}".replace('-', '_'))
        val = d.get('value-start', 0)
        mask = 0
        for e in d['entries']:
            e = e if isinstance(e, dict) else {'name': e}
            val = e.get('value', val)
            v = (1 << val) if d['type'] == 'flags' else val
            names[c_upper(pfx + e['name'])] = v
            mask |= v
            val += 1
        if d.get('render-max'):
            if d['type'] == 'flags':
                names[c_upper(pfx + 'mask')] = mask
            else:
                names['__' + c_upper(pfx + 'max')] = val
                names[c_upper(pfx + 'max')] = val - 1
    for s in spec['attribute-sets']:
        if 'subset-of' in s:
            continue
        pfx = set_prefix(spec, s['name'])
        if s.get('enum-name'):
            tags.append(s['enum-name'])
        val = 1
        for a in s['attributes']:
            val = a.get('value', val)
            names[pfx + c_upper(a['name'])] = val
            val += 1
        names[c_upper(s.get('attr-cnt-name', '__' + pfx + 'max'))] = val
        names[c_upper(s.get('attr-max-name', pfx + 'max'))] = val - 1
    ops = spec['operations']
    if ops.get('enum-name'):
        tags.append(ops['enum-name'])
    pfx = op_prefix(spec)
    val = 1
    for op in ops['list']:
        val = op.get('value', val)
        names[pfx + c_upper(op['name'])] = val
        val += 1
    names[c_upper(spec.get('cmd-cnt-name', '__' + pfx + 'MAX'))] = val
    names[c_upper(spec.get('cmd-max-name', pfx + 'MAX'))] = val - 1
    return names, tags


def check_header(spec, generated, header, tmp):
    hnames, htags, ignored = header_names(header)
    if generated:
        gnames, gtags, _ = header_names(generated)
        what = 'generated header'
    else:
        model, gtags = expected_from_spec(spec)
        gnames = list(model)
        what = 'spec (modelled, generator unavailable)'
    if not shutil.which('gcc'):
        fail("header: gcc not found; cannot compare values")
        return None
    rel = show(header)
    try:
        hvals = c_values(f'#include "{os.path.abspath(header)}"', hnames,
                         tmp, 'abi')
    except (RuntimeError, subprocess.SubprocessError) as e:
        fail(f"header: {rel} does not compile: {e}")
        return None
    if generated:
        try:
            gvals = c_values(f'#include "{generated}"', gnames, tmp, 'gen')
        except (RuntimeError, subprocess.SubprocessError) as e:
            fail(f"header: generated header does not compile: {e}")
            return hvals
    else:
        gvals = model

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
    return hvals


def check_ext_enums(spec, tmp):
    for d in spec.get('definitions', []):
        if not d.get('header') or d['type'] not in ('enum', 'flags'):
            continue
        pfx = d.get('name-prefix', f"{spec['name']}-{d['name']}-")
        want, val = {}, d.get('value-start', 0)
        for e in d['entries']:
            e = e if isinstance(e, dict) else {'name': e}
            val = e.get('value', val)
            want[c_upper(pfx + e['name'])] = \
                (1 << val) if d['type'] == 'flags' else val
            val += 1
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


def parse_netlink_c(path):
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
    for m in re.finditer(r'static\s+const\s+struct\s+nla_policy\s+(\w+)\s*'
                         r'\[([^\]]*)\]\s*=\s*\{(.*?)\};', text, re.S):
        entries = {}
        for item in split_top(m.group(3)):
            im = re.match(r'\[\s*(\w+)\s*\]\s*=\s*(.*)$', item, re.S)
            if im:
                entries[im.group(1)] = ' '.join(im.group(2).split())
        policies[m.group(1)] = {'bound': m.group(2).strip(),
                                'entries': entries}
    ops = []
    m = re.search(r'struct\s+genl_ops\s+sctpx_nl_ops\s*\[\s*\]\s*=\s*\{'
                  r'(.*?)\n\};', text, re.S)
    if m:
        for block in split_top(m.group(1)):
            fields = {}
            for fm in re.finditer(r'\.(\w+)\s*=\s*([^,]+)', block):
                fields[fm.group(1)] = fm.group(2).strip()
            ops.append(fields)
    return policies, ops, defines


def c_eval(expr, values):
    """Evaluate a constant expression of names from the ABI header.

    Expressions beyond + - * of header names (masks built from
    <linux/sctp.h>, <sys/socket.h> or netlink.c's own macros) come from
    gcc_values(), which stores them in values under the expression."""
    if expr in values:
        return values[expr]
    e = re.sub(r'[A-Za-z_]\w*',
               lambda m: str(values[m.group(0)]), expr)
    if not re.fullmatch(r'[\d\s()+\-*]+', e):
        raise ValueError(expr)
    return eval(e)  # digits and + - * ( ) only, checked above


def gcc_values(exprs, defines, header, tmp):
    """{expression: value} for policy expressions, compiled by gcc with
    the ABI header, <linux/sctp.h>, <sys/socket.h> and netlink.c's
    object-like #defines (GENMASK and BIT as the kernel defines them)."""
    exprs = sorted(set(exprs))
    if not exprs:
        return {}
    src = ['#include <stdio.h>', '#include <stdint.h>',
           '#include <sys/socket.h>', '#include <netinet/in.h>',
           '#include <linux/sctp.h>', f'#include "{os.path.abspath(header)}"',
           '#define BIT(n) (1ULL << (n))',
           '#define GENMASK(h, l) (((~0ULL) << (l)) & '
           '(~0ULL >> (63 - (h))))']
    src += [f'#define {n} {v}' for n, v in defines.items()
            if not n.startswith('_')]
    src += ['int main(void)', '{']
    src += [f'\tprintf("%lld\\n", (long long)({e}));' for e in exprs]
    src += ['\treturn 0;', '}']
    cfile = os.path.join(tmp, 'policy_exprs.c')
    exe = os.path.join(tmp, 'policy_exprs.bin')
    with open(cfile, 'w') as f:
        f.write('\n'.join(src) + '\n')
    res = subprocess.run(['gcc', '-std=gnu11', '-w', '-o', exe, cfile],
                         capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        err = [l for l in res.stderr.splitlines() if 'error' in l]
        raise RuntimeError(err[0].strip() if err else 'gcc failed')
    res = subprocess.run([exe], capture_output=True, text=True, timeout=30,
                         check=True)
    return dict(zip(exprs, (int(v) for v in res.stdout.split())))


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


def policy_exprs(policies, ops):
    """Every constant expression the policies and the op table use."""
    out = []
    for pol in policies.values():
        out.append(pol['bound'])
        for value in pol['entries'].values():
            kind, checks, _ = policy_kind(value)
            if kind != 'reject':
                out += list(checks.values())
    out += [o['maxattr'] for o in ops if 'maxattr' in o]
    return out


def flags_mask(spec, dname):
    d = next(d for d in spec['definitions'] if d['name'] == dname)
    val, mask = d.get('value-start', 0), 0
    for e in d['entries']:
        e = e if isinstance(e, dict) else {'name': e}
        val = e.get('value', val)
        mask |= 1 << val
        val += 1
    return mask


def spec_checks(spec, attr):
    """The checks ynl would put in a kernel policy for this attribute."""
    checks = {k: v for k, v in attr.get('checks', {}).items()
              if k in ('min', 'max', 'exact-len')}
    e = attr.get('enum')
    if e:
        d = next(d for d in spec['definitions'] if d['name'] == e)
        if d['type'] == 'flags' or attr.get('enum-as-flags'):
            # ynl renders NLA_POLICY_MASK over the set's bits, and no range
            return {'mask': flags_mask(spec, e)}
    if e and 'max' not in checks:
        if d['type'] == 'enum':
            val, top = d.get('value-start', 0), 0
            for ent in d['entries']:
                ent = ent if isinstance(ent, dict) else {'name': ent}
                val = ent.get('value', val)
                top = max(top, val)
                val += 1
            checks['max'] = top
    return checks


class PolicyCheck:
    def __init__(self, spec, policies, values):
        self.spec = spec
        self.policies = policies
        self.values = values
        self.bad = 0
        self.nested_use = {}    # spec set -> {policy name: accepted attrs}
        self.rejected = []      # reserved attributes refused with a message
        self.masks = 0          # mask checks compared

    def err(self, msg):
        fail(f"policies: {msg}")
        self.bad += 1

    def compare_attr(self, where, cname, value, sattr):
        ptype, pchecks, nested = policy_kind(value)
        if ptype is None:
            self.err(f"{where}: [{cname}] = {value}: policy form not "
                     "understood")
            return
        if ptype != sattr['type']:
            self.err(f"{where}: [{cname}] is {ptype} in kmod/netlink.c but "
                     f"{sattr['type']} in the spec")
        want = spec_checks(self.spec, sattr)
        got = {}
        for k, v in pchecks.items():
            try:
                got[k] = c_eval(v, self.values)
            except (KeyError, ValueError, SyntaxError):
                self.err(f"{where}: [{cname}]: cannot evaluate {v}")
                return
        if got != want:
            self.err(f"{where}: [{cname}] checks {got or 'none'} in "
                     f"kmod/netlink.c but {want or 'none'} in the spec")
        elif 'mask' in got:
            self.masks += 1
        if nested:
            sub = sattr.get('nested-attributes')
            if not sub:
                self.err(f"{where}: [{cname}] nests {nested} but the spec "
                         "gives it no nested-attributes")
            else:
                self.walk(nested, sub, exact=False)

    def walk(self, pname, sname, exact, op=None):
        """Compare policy pname with spec set sname; return accepted names."""
        where = f"{pname} (op {op})" if op else pname
        if pname not in self.policies:
            self.err(f"{where}: policy not found in kmod/netlink.c")
            return set()
        pol = self.policies[pname]
        pfx = set_prefix(self.spec, sname)
        sattrs = {pfx + c_upper(a['name']): a
                  for a in set_attrs(self.spec, sname)
                  if a.get('type') not in ('unused', 'pad')}
        reserved = {pfx + c_upper(a['name']): a
                    for a in set_attrs(self.spec, sname)
                    if a.get('type') == 'unused' and a.get('value') != 0}
        accepted = set()
        for cname, value in pol['entries'].items():
            kind, checks, _ = policy_kind(value)
            if kind != 'reject':
                accepted.add(cname)
                continue
            if cname not in reserved:
                self.err(f"{where}: [{cname}] is NLA_REJECT but not a "
                         f"reserved (type: unused) attribute of spec set "
                         f"'{sname}'")
                continue
            doc = ' '.join(reserved[cname].get('doc', '').split())
            if checks['message'] not in doc:
                self.err(f"{where}: [{cname}] is refused with "
                         f"\"{checks['message']}\", which the spec's doc "
                         "of it does not quote")
                continue
            self.rejected.append(f"{cname} refused by {pname}")
        for cname in sorted(accepted - set(sattrs)):
            self.err(f"{where}: accepts {cname}, which is not an attribute "
                     f"of spec set '{sname}'")
        for cname in sorted(accepted & set(sattrs)):
            self.compare_attr(where, cname, pol['entries'][cname],
                              sattrs[cname])
        try:
            bound = c_eval(pol['bound'], self.values)
            top = max((self.values[n] for n in accepted), default=0)
            if top >= bound:
                self.err(f"{where}: array bound {pol['bound']} is too small "
                         f"for its entries")
        except (KeyError, ValueError, SyntaxError):
            self.err(f"{where}: cannot evaluate bound {pol['bound']}")
        if not exact:
            self.nested_use.setdefault(sname, {})[pname] = accepted
        return accepted

    def run(self, ops):
        spec_ops = {op_prefix(self.spec) + c_upper(o['name']): o
                    for o in self.spec['operations']['list']
                    if 'do' in o or 'dump' in o}
        c_ops = {o.get('cmd'): o for o in ops}
        for cmd in sorted(set(c_ops) - set(spec_ops)):
            self.err(f"sctpx_nl_ops[] has {cmd}, which the spec lacks")
        nops = 0
        for cmd, sop in spec_ops.items():
            cop = c_ops.get(cmd)
            if cop is None:
                self.err(f"{cmd}: in the spec but not in sctpx_nl_ops[]")
                continue
            nops += 1
            for mode, fn in (('do', 'doit'), ('dump', 'dumpit')):
                if (mode in sop) != (fn in cop):
                    self.err(f"{cmd}: spec {'has' if mode in sop else 'lacks'}"
                             f" '{mode}' but sctpx_nl_ops[] "
                             f"{'has' if fn in cop else 'lacks'} .{fn}")
            sset = sop.get('attribute-set', self.spec['name'])
            pfx = set_prefix(self.spec, sset)
            req = set()
            for mode in ('do', 'dump'):
                req |= {pfx + c_upper(a) for a in
                        sop.get(mode, {}).get('request', {})
                        .get('attributes', [])}
            pname = cop.get('policy')
            if not pname:
                self.err(f"{cmd}: no .policy: the generic netlink core's "
                         "default would apply, not one of sctpx's")
            got = self.walk(pname, sset, exact=True, op=cmd) if pname \
                else set()
            for n in sorted(req - got):
                self.err(f"{cmd}: spec request has {n}, which "
                         f"{pname or 'the op (no policy)'} does not accept")
            for n in sorted(got - req):
                self.err(f"{cmd}: {pname} accepts {n}, which is not in the "
                         "spec's request")
            maxattr = cop.get('maxattr')
            if pname and maxattr is None:
                self.err(f"{cmd}: .policy without .maxattr")
            elif maxattr is not None:
                try:
                    mv = c_eval(maxattr, self.values)
                    top = max((self.values[n] for n in got), default=0)
                    bound = c_eval(self.policies[pname]['bound'],
                                   self.values) if pname else 0
                    if mv < top:
                        self.err(f"{cmd}: .maxattr {maxattr} is below "
                                 "attributes its policy accepts")
                    if mv >= bound:
                        self.err(f"{cmd}: .maxattr {maxattr} is beyond the "
                                 f"bound of {pname}")
                except (KeyError, ValueError, SyntaxError):
                    self.err(f"{cmd}: cannot evaluate .maxattr {maxattr}")
        narrowed = []
        for sname, uses in self.nested_use.items():
            pfx = set_prefix(self.spec, sname)
            every = {pfx + c_upper(a['name'])
                     for a in set_attrs(self.spec, sname)
                     if a.get('type') not in ('unused', 'pad')}
            union = set().union(*uses.values())
            for n in sorted(every - union):
                self.err(f"spec set '{sname}' has {n}, which no policy of "
                         "kmod/netlink.c accepts")
            for pname, acc in uses.items():
                if acc != every:
                    narrowed.append(f"{pname} takes {len(acc)} of "
                                    f"{len(every)} '{sname}' attributes")
        if not nops:
            self.err("no op of the spec was found in sctpx_nl_ops[]")
        if not self.bad:
            notes = narrowed + [f"{self.masks} masks equal"] + self.rejected
            ok(f"policies: {nops} ops of sctpx_nl_ops[] accept exactly the "
               f"spec's request attributes, types and checks "
               f"({'; '.join(notes)})")


def check_policies(spec, netlink_c, values, header, tmp):
    if values is None:
        fail("policies: no constant values from the ABI header; skipped")
        return
    policies, ops, defines = parse_netlink_c(netlink_c)
    if not ops:
        fail(f"policies: no sctpx_nl_ops[] found in {netlink_c}")
        return
    values = dict(values)
    try:
        values.update(gcc_values(policy_exprs(policies, ops), defines,
                                 header, tmp))
    except (RuntimeError, subprocess.SubprocessError) as e:
        fail(f"policies: cannot evaluate the policies' constants: {e}")
        return
    PolicyCheck(spec, policies, values).run(ops)


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
        except (KeyError, TypeError, StopIteration) as e:
            fail(f"refs: malformed spec ({e!r})")
        generated = run_generator(args.spec, spec, args.build_dir,
                                  schema_path, tmp)
        values = None
        try:
            values = check_header(spec, generated, args.header, tmp)
        except (KeyError, TypeError, OSError) as e:
            fail(f"header: {e!r}")
        try:
            check_ext_enums(spec, tmp)
        except (KeyError, TypeError) as e:
            fail(f"ext-enums: {e!r}")
        try:
            check_policies(spec, args.netlink_c, values, args.header,
                           tmp)
        except (KeyError, TypeError, StopIteration, OSError) as e:
            fail(f"policies: {e!r}")

    if failed:
        return 1
    print(f"spec: {passed} checks, all passed")
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""libsctpx.so exports exactly what the public headers declare.

  check-exports.py LIBRARY INCLUDE_DIR VERSION_NODE

The declared set: every function the headers under INCLUDE_DIR/sctpx
declare without defining (not inline, constexpr, defaulted, deleted, nor a
member of a class template), outside sctpx::detail and not private (a
private member is the library's own business unless an inline member calls
it, and none does), as clang names it in
its AST (-ast-dump=json gives the mangled name). The exported set: the
library's defined dynamic symbols (nm -D). Both are compared demangled,
which folds the C1/C2 constructor and D0/D1/D2 destructor variants g++
emits into the one declaration. Fails on a declared symbol that is not
exported, an exported one that is not declared (an internal leaking), an
export outside VERSION_NODE, or an empty declared set.
"""
import json
import os
import subprocess
import sys
import tempfile

FUNCS = ('FunctionDecl', 'CXXMethodDecl', 'CXXConstructorDecl',
         'CXXDestructorDecl', 'CXXConversionDecl')
# Members of these are instantiated in the caller, never exported.
SKIP = ('ClassTemplateDecl', 'ClassTemplateSpecializationDecl',
        'ClassTemplatePartialSpecializationDecl', 'FunctionTemplateDecl')


def declared(include):
    src = '#include <sctpx/sctpx.h>\n#include <sctpx/sctpx.hpp>\n'
    with tempfile.NamedTemporaryFile('w', suffix='.cpp') as f:
        f.write(src)
        f.flush()
        ast = subprocess.run(
            ['clang++-14', '-std=c++20', '-fsyntax-only', '-I', include,
             '-Xclang', '-ast-dump=json', f.name],
            check=True, capture_output=True, text=True).stdout
    public = os.path.realpath(os.path.join(include, 'sctpx')) + '/'
    out = set()
    # clang writes a location's file only where it differs from the one
    # written before it (in dump order), so the current file is tracked
    # through the whole walk, not per subtree.
    state = {'file': None}

    def note_files(obj):
        if isinstance(obj, dict):
            if 'file' in obj:
                state['file'] = obj['file']
            for key in ('spellingLoc', 'expansionLoc', 'begin', 'end'):
                if key in obj:
                    note_files(obj[key])

    def walk(node, ns, access='public'):
        kind = node.get('kind')
        note_files(node.get('loc', {}))
        where = state['file']
        note_files(node.get('range', {}))
        if kind in SKIP:
            skip_files(node)
            return
        if kind == 'NamespaceDecl':
            ns = ns + [node.get('name', '')]
        if (kind in FUNCS and where and os.path.realpath(where).startswith(public)
                and 'detail' not in ns and not node.get('isImplicit')
                and access != 'private'
                and not node.get('inline') and not node.get('constexpr')
                and not node.get('explicitlyDefaulted')
                and not node.get('explicitlyDeleted') and not node.get('pure')
                and not any(c.get('kind') == 'CompoundStmt'
                            for c in node.get('inner', []))):
            out.add(node['mangledName'])
        # Members take the access of the AccessSpecDecl before them (a
        # class starts private, a struct public).
        member = 'private' if node.get('tagUsed') == 'class' else 'public'
        for child in node.get('inner', []):
            if child.get('kind') == 'AccessSpecDecl':
                member = child.get('access', member)
            walk(child, ns, member if kind == 'CXXRecordDecl' else access)

    def skip_files(node):
        # A skipped subtree still moves the current file along.
        for child in node.get('inner', []):
            note_files(child.get('loc', {}))
            note_files(child.get('range', {}))
            skip_files(child)

    walk(json.loads(ast), [])
    return out


def demangle(names):
    res = subprocess.run(['c++filt'], input='\n'.join(sorted(names)) + '\n',
                         check=True, capture_output=True, text=True).stdout
    return set(res.split('\n')) - {''}


def main():
    lib, include, node = sys.argv[1:4]
    want = demangle(declared(include))
    # objdump -T: "... g DF .text size VERSION name"; the version node's
    # own absolute symbol is not an export.
    table = subprocess.run(['objdump', '-T', lib], check=True,
                           capture_output=True, text=True).stdout
    got, bad = set(), []
    for line in table.splitlines():
        f = line.split()
        if len(f) < 6 or f[1] not in ('g', 'w', 'u') or '*UND*' in f:
            continue
        name, version = f[-1], f[-2].strip('()')
        if name == node:
            continue
        if version != node:
            bad.append(f'{name}: version {version}, not {node}')
        got.add(name)
    got = demangle(got)
    ok = True
    if not want:
        print('the headers declare nothing: the parse went wrong')
        ok = False
    for n in sorted(want - got):
        print(f'declared, not exported: {n}')
        ok = False
    for n in sorted(got - want):
        print(f'exported, not declared in the public headers: {n}')
        ok = False
    for b in bad:
        print(b)
        ok = False
    print(f'{len(want)} declared, {len(got)} exported, all in {node}'
          if ok else 'exports differ from the public headers')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())

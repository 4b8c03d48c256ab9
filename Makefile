# SPDX-License-Identifier: GPL-2.0
#
# sctpx: top-level build. The two commands a newcomer needs:
#
#   make demo    build everything, boot a VM with the module and show it
#   make check   host tests, style gates, VM selftests on every kernel
#                Debian ships (KERNELS=trixie,bullseye ... for some)
#
# Both install their own dependencies (scripts/deps.sh, idempotent).
# Plain `make` builds the module for the running kernel when its headers
# are installed (a real host); see README.md.

BUILD ?= $(CURDIR)/build
KDIR ?= /lib/modules/$(shell uname -r)/build
VERSION := $(shell sed -n 's/^sctpx-version := //p' kmod/Kbuild)
PREFIX ?= /usr/local
DESTDIR ?=

# Kernel build gates: warning-free under W=1 and sparse, as errors. The one
# sparse complaint about the kernel's own include/net/sctp/structs.h
# (a flexible array of flexible structs) is silenced, nothing else.
KMOD_FLAGS := W=1 C=1 CF=-Wno-flexible-array-array KCFLAGS=-Werror

# KERNELS= picks test kernels by slot (bookworm, bookworm-backports,
# bullseye, trixie, trixie-backports) or release, comma or space
# separated; default: all of BUILD/kernels.list. make check, modules,
# stress and bench honour it; check-debug checks the names and runs its
# own debug kernel whatever they are (see there). (A recipe starts with $(KREL_SH) and loops
# over $$krel: an unknown or unavailable name fails the target instead of
# selecting nothing.)
KERNELS ?=
comma := ,
KREL_SH = krel="$$(sh scripts/kernels.sh $(BUILD) $(subst $(comma), ,$(KERNELS)))" || exit 1;
export KERNELS

all: module

# --- a real host -----------------------------------------------------------
module:
	$(MAKE) -C kmod KDIR=$(KDIR)

# The library and the CLI (CMake under userlib/).
userlib:
	$(MAKE) -C userlib BUILD=$(BUILD)

install: module userlib
	$(MAKE) -C kmod KDIR=$(KDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR))) 2>/dev/null || depmod -a
	install -D -m 644 include/uapi/linux/sctpx.h \
		$(DESTDIR)$(PREFIX)/include/linux/sctpx.h
	$(MAKE) -C userlib install BUILD=$(BUILD) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

# Put the sources where DKMS wants them and let it build and install.
dkms-install:
	rm -rf $(DESTDIR)/usr/src/sctpx-$(VERSION)
	sh scripts/kmod-sources.sh $(DESTDIR)/usr/src/sctpx-$(VERSION)
	sed 's/#MODULE_VERSION#/$(VERSION)/' kmod/dkms.conf \
		>$(DESTDIR)/usr/src/sctpx-$(VERSION)/dkms.conf
	[ -n "$(DESTDIR)" ] || dkms install sctpx/$(VERSION)

# The Debian packages (debian/): sctpx-dkms, libsctpx1, libsctpx-dev and
# sctpx, into $(BUILD)/deb/. dpkg-buildpackage writes beside the tree it
# builds, so it builds a copy of the checkout's files (tracked and new, as
# they are now) under $(BUILD)/deb/; the checkout stays clean.
deb: deps
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/sctpx-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - | \
		tar -x -C $(BUILD)/deb/sctpx-$(VERSION)
	cd $(BUILD)/deb/sctpx-$(VERSION) && \
		dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -40 ../build.log; exit 1; }
	rm -rf $(BUILD)/deb/sctpx-$(VERSION)
	@ls $(BUILD)/deb/*.deb

# --- development and tests (Debian 12 host, kernels in QEMU) --------------
# libsctpx.so's exports and ABI against the committed baseline, and the
# deliberate rewrite of that baseline (userlib/README.md, "ABI").
abi-check abi-update: deps
	$(MAKE) -s -C userlib $@ BUILD=$(BUILD)

deps:
	sh scripts/deps.sh $(BUILD)

# One out-of-tree build per test kernel, each in its own copy of kmod/,
# in the userland its kernel was built in (the host, or the suite's
# chroot), with W=1, sparse and -Werror: scripts/build-module.sh, which
# also fails when sparse did not run or a feature probe could not decide.
# KMOD_FLAGS above are the gates it applies.
modules: deps
	@set -e; $(KREL_SH) \
	for k in $$krel; do \
		sh scripts/build-module.sh $(BUILD) $$k; \
	done

# The build a kernel without an exported sctp_do_peeloff() gets (>= 6.16),
# on the first test kernel: PEELOFF absent, the library falls back.
modules-nopeeloff: deps
	@set -e; k=$$(head -1 $(BUILD)/kernels.list); \
		sh scripts/build-module.sh -o $(BUILD)/obj/$$k-nopeeloff $(BUILD) $$k \
			SCTPX_NO_PEELOFF=1

# Every file of kmod/ must get checkpatch's own "total: 0 errors, 0
# warnings, 0 checks" line: a checkpatch that did not run, or skipped a
# file, fails the gate.
checkpatch: deps
	@files="$$(ls kmod/*.c kmod/*.h)"; \
	out=$$(perl $(BUILD)/linux-tools/scripts/checkpatch.pl --no-tree --strict \
		--show-types -f $$files 2>&1) || { echo "$$out"; exit 1; }; \
	want=$$(echo "$$files" | wc -l); \
	clean=$$(echo "$$out" | grep -c '^total: 0 errors, 0 warnings, 0 checks'); \
	echo "checkpatch --strict: $$clean of $$want files clean"; \
	[ "$$clean" -eq "$$want" ] || { echo "$$out"; exit 1; }

# kernel-doc comments must parse, and every documented parameter exist,
# in kmod/ and in the uAPI header. The header is Documentation/sctpx.rst's
# ABI reference (its kernel-doc directives): every enum of it must render,
# and every DOC: section the page pulls must exist and render, or the page
# would silently lose them (kernel-doc renders nothing for a name it lacks).
KDOC := perl $(BUILD)/linux-tools/scripts/kernel-doc
UAPI_H := include/uapi/linux/sctpx.h
kerneldoc: deps
	$(KDOC) -none -Werror kmod/*.c kmod/*.h $(UAPI_H)
	@want=$$(grep -c '^enum sctpx_[a-z_]* {$$' $(UAPI_H)); \
	got=$$($(KDOC) -rst -sphinx-version 3.0 -internal $(UAPI_H) | \
		grep -c '^\.\. c:enum:: sctpx_'); \
	echo "kernel-doc: $$got of $$want enums of $(UAPI_H) rendered"; \
	[ "$$want" -gt 0 ] && [ "$$got" -eq "$$want" ] || exit 1; \
	grep -A1 -x '.. kernel-doc:: $(UAPI_H)' Documentation/sctpx.rst | \
		grep -qx '   :internal:' || \
		{ echo "Documentation/sctpx.rst does not pull $(UAPI_H)'s enums"; exit 1; }; \
	docs=$$(sed -n 's/^ *:doc: *//p' Documentation/sctpx.rst); \
	[ -n "$$docs" ] || { echo "no :doc: in Documentation/sctpx.rst"; exit 1; }; \
	echo "$$docs" | while read -r d; do \
		out=$$($(KDOC) -rst -sphinx-version 3.0 -function "$$d" $(UAPI_H) 2>&1); \
		case "$$out" in *warning:*) echo "$$out"; exit 1;; esac; \
		[ "$$(echo "$$out" | grep -c .)" -gt 0 ] || \
			{ echo "DOC: $$d: not rendered"; exit 1; }; \
	done || exit 1; \
	echo "kernel-doc: $$(echo "$$docs" | wc -l) DOC: sections pulled by Documentation/sctpx.rst rendered"

spec: deps
	python3 scripts/check-spec.py $(BUILD)

selftests: deps
	$(MAKE) -C selftests O=$(BUILD)/selftests \
		HARNESS=$(BUILD)/linux-tools/tools/testing/selftests

# The static guest binaries of the library: its tests and the CLI.
userlib-vm: deps
	$(MAKE) -C userlib vm-bins BUILD=$(BUILD)

# Section 3 and 8 pages must format without a groff warning.
man:
	@set -e; cd Documentation/man; for p in man*/*.[0-9]; do \
		out=$$(groff -man -Tutf8 -ww -z $$p 2>&1); \
		if [ -n "$$out" ]; then echo "$$p: $$out"; exit 1; fi; \
	done

# scripts/vm.sh by hand: scripts/vm.sh -k <release> [-s] [program...]
# Everything the guests boot is rebuilt first, the no-PEELOFF module too;
# check.sh reads no result of an earlier run.
vmtest: modules modules-nopeeloff selftests userlib-vm
	sh scripts/check.sh --vm-only $(BUILD)

check:
	sh scripts/check.sh $(BUILD)

# Fails while a test kernel is unavailable from the archive (a backports
# suite that follows unstable; BUILD/kernels.unavailable): make check
# reports it and stays green, this target is the one CI may alert on.
check-kernels-complete: deps
	@if [ -s $(BUILD)/kernels.unavailable ]; then \
		sed 's/^/not available today: /' $(BUILD)/kernels.unavailable; exit 1; \
	fi; echo "all test kernels available: $$(tr '\n' ' ' <$(BUILD)/kernels.list)"

# The long profile of the hardening tests (Documentation/hardening.rst):
# 100,000 fuzzed requests, more race rounds, 20,000 associations.
STRESS_ARGS ?= sctpx_fuzz_requests=100000 sctpx_race_rounds=30 sctpx_many_assocs=20000
stress: modules selftests
	@set -e; $(KREL_SH) \
	for k in $$krel; do \
		echo "stress: $$k"; \
		v=; grep -qx 'sctp_do_peeloff=n' $(BUILD)/obj/$$k/features && \
			v=sctpx_variant=no-peeloff; \
		sh scripts/vm.sh -q -b $(BUILD) -k $$k -o $(BUILD)/vm-stress/$$k \
			-M 4G -t 3600 -a "$(STRESS_ARGS) $$v" \
			$(addprefix $(BUILD)/selftests/,fuzz races resources security); \
	done

# The benchmarks in QEMU on every kernel (Documentation/benchmarks.md);
# results in $(BUILD)/bench. They compare the module's PEELOFF with the
# per-association loop: a kernel whose module has no PEELOFF (the build's
# probe, BUILD/obj/RELEASE/features) has nothing to compare and is left
# out, said so; none left fails.
bench: modules
	$(MAKE) -C userlib bench-bins BUILD=$(BUILD)
	@set -e; $(KREL_SH) ks=; \
	for k in $$krel; do \
		if grep -qx 'sctp_do_peeloff=n' $(BUILD)/obj/$$k/features; then \
			echo "bench: $$k left out: its module has no PEELOFF (sctp_do_peeloff not exported)"; \
		else ks="$$ks -k $$k"; fi; \
	done; \
	[ -n "$$ks" ] || { echo "bench: no selected kernel has PEELOFF in its module"; exit 1; }; \
	sh scripts/bench.sh -b $(BUILD) -o $(BUILD)/bench $$ks

# Optional, not in make check (its kernel takes tens of minutes to build):
# the selftests on a 6.1 kernel with KASAN, lockdep, DEBUG_ATOMIC_SLEEP,
# DEBUG_LIST and kmemleak (scripts/debug-kernel.sh). The same test sizes as
# make check, with every test's time limit (and the tests' own waits for
# data) stretched 20x: KASAN and lockdep under TCG run the large cases ten
# times slower or more. About 32 minutes. no5lvl: QEMU's -cpu max offers
# 5-level paging, and 6.1's identify_cpu() clears the LA57 bit for a moment;
# a KASAN check in an interrupt then sees every direct-map address as wild
# and can panic the boot. Its kernel is its own build of bookworm's 6.1
# source, whatever KERNELS= says: the names are checked as everywhere (an
# unknown one fails), then ignored, said so. The module is built against
# it with the gates of every other build (scripts/build-module.sh).
DEBUG_TIMEOUT_SCALE ?= 20
check-debug: deps selftests
	@set -e; $(KREL_SH) \
	[ -z "$(KERNELS)" ] || echo "check-debug: KERNELS=$(KERNELS) ignored: the debug kernel is a 6.1 built from linux-source-6.1"; \
	rel=$$(sh scripts/debug-kernel.sh $(BUILD)); \
		sh scripts/build-module.sh $(BUILD) $$rel; \
		sh scripts/vm.sh -q -b $(BUILD) -k $$rel -M 3G -t 14400 \
			-a "no5lvl sctpx_timeout_scale=$(DEBUG_TIMEOUT_SCALE)" \
			$$(sed 's|^|$(BUILD)/selftests/|' $(BUILD)/selftests/ORDER)

# Not in make check (a kernel build and four more boots): the net/sctp
# patch in upstream/ on the newest kernel, as that kernel's sctp.ko and as
# a small kernel of its own, against the kernel as shipped
# (upstream/README.md).
check-upstream: modules selftests userlib-vm
	sh scripts/check-upstream.sh $(BUILD)

demo: deps modules userlib-vm
	sh scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)/obj $(BUILD)/selftests $(BUILD)/vm $(BUILD)/vm-demo \
		$(BUILD)/userlib $(BUILD)/deb $(BUILD)/pkg
	-$(MAKE) -C kmod KDIR=$(KDIR) clean 2>/dev/null

distclean:
	rm -rf $(BUILD)

.PHONY: all module userlib install dkms-install deps modules modules-nopeeloff \
	checkpatch abi-check abi-update deb \
	kerneldoc spec man selftests userlib-vm vmtest check check-kernels-complete \
	stress bench check-debug check-upstream \
	demo clean \
	distclean

# SPDX-License-Identifier: GPL-2.0
#
# sctpx: top-level build. The two commands a newcomer needs:
#
#   make demo    build everything, boot a VM with the module and show it
#   make check   host tests, style gates, VM selftests on both kernels
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

KERNELS = $(shell cat $(BUILD)/kernels.list 2>/dev/null)

all: module

# --- a real host -----------------------------------------------------------
module:
	$(MAKE) -C kmod KDIR=$(KDIR)

install: module
	$(MAKE) -C kmod KDIR=$(KDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR))) 2>/dev/null || depmod -a
	install -D -m 644 include/uapi/linux/sctpx.h \
		$(DESTDIR)$(PREFIX)/include/linux/sctpx.h

# Put the sources where DKMS wants them and let it build and install.
dkms-install:
	rm -rf $(DESTDIR)/usr/src/sctpx-$(VERSION)
	mkdir -p $(DESTDIR)/usr/src/sctpx-$(VERSION)/kmod \
		$(DESTDIR)/usr/src/sctpx-$(VERSION)/include/uapi/linux
	cp kmod/*.c kmod/*.h kmod/Kbuild kmod/Makefile \
		$(DESTDIR)/usr/src/sctpx-$(VERSION)/kmod/
	cp include/uapi/linux/sctpx.h \
		$(DESTDIR)/usr/src/sctpx-$(VERSION)/include/uapi/linux/
	sed 's/@VERSION@/$(VERSION)/' kmod/dkms.conf \
		>$(DESTDIR)/usr/src/sctpx-$(VERSION)/dkms.conf
	[ -n "$(DESTDIR)" ] || dkms install sctpx/$(VERSION)

# --- development and tests (Debian 12 host, kernels in QEMU) --------------
deps:
	sh scripts/deps.sh $(BUILD)

# One out-of-tree build per test kernel, each in its own copy of kmod/
# (kbuild writes objects beside the sources).
modules: deps
	@set -e; for k in $(KERNELS); do \
		o=$(BUILD)/obj/$$k; mkdir -p $$o/kmod; \
		cp kmod/*.c kmod/*.h kmod/Kbuild kmod/Makefile $$o/kmod/; \
		ln -sfn $(CURDIR)/include $$o/include; \
		rm -f $$o/kmod/sctpx.ko; \
		echo "kmod: building for $$k"; \
		$(MAKE) -s -C $(BUILD)/k/$$k/root/usr/src/linux-headers-$$k \
			M=$$o/kmod $(KMOD_FLAGS) modules >$$o/build.log 2>&1 || \
			{ cat $$o/build.log; exit 1; }; \
		if grep -E 'warning:|error:' $$o/build.log; then exit 1; fi; \
		test -f $$o/kmod/sctpx.ko; \
	done

checkpatch: deps
	perl $(BUILD)/linux-tools/scripts/checkpatch.pl --no-tree --strict \
		--terse --show-types -f kmod/*.c kmod/*.h | \
		awk '{print} /^total:/ && !/0 errors, 0 warnings, 0 checks/ {bad=1} END {exit bad}'

# kernel-doc comments must parse, and every documented parameter exist.
kerneldoc: deps
	perl $(BUILD)/linux-tools/scripts/kernel-doc -none -Werror kmod/*.c kmod/*.h

spec: deps
	python3 scripts/check-spec.py $(BUILD)

selftests: deps
	$(MAKE) -C selftests O=$(BUILD)/selftests \
		HARNESS=$(BUILD)/linux-tools/tools/testing/selftests

# scripts/vm.sh by hand: scripts/vm.sh -k <release> [-s] [program...]
vmtest: modules selftests
	sh scripts/check.sh --vm-only $(BUILD)

check:
	sh scripts/check.sh $(BUILD)

demo: modules selftests
	sh scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)/obj $(BUILD)/selftests $(BUILD)/vm
	-$(MAKE) -C kmod KDIR=$(KDIR) clean 2>/dev/null

distclean:
	rm -rf $(BUILD)

.PHONY: all module install dkms-install deps modules checkpatch kerneldoc spec \
	selftests vmtest check demo clean distclean

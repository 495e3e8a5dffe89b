# clampdown: a hardening shim for OCI runtimes. Plain make; see README.md.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
LIBS_PC := jansson libseccomp libcap libmnl

CFLAGS ?= -O2 -g
# Messages are bounded buffers by design: truncation is intended, not a bug (gcc's warning; clang lacks it).
WNO_TRUNC := $(shell $(CC) -Werror -Wno-format-truncation -fsyntax-only -x c /dev/null >/dev/null 2>&1 && echo -Wno-format-truncation)
override CFLAGS += -std=gnu11 -D_GNU_SOURCE -Iinclude \
	-Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	$(WNO_TRUNC) \
	-fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=3 \
	$(shell $(PKG_CONFIG) --cflags $(LIBS_PC) 2>/dev/null)
override LDFLAGS += -pie -Wl,-z,relro,-z,now,-z,noexecstack
# clampdown itself is a static PIE: every container start, exec probe and state runs it, and
# ld.so relocating libc costs more than all of a passthrough's own work. libmnl has no static
# archive in Debian, so the netlink hook is a binary of its own (clampdown-hook, dynamic).
STATIC_LDFLAGS := $(filter-out -pie,$(LDFLAGS)) -static-pie
STATIC_LDLIBS := -ljansson -lseccomp -lcap -lm
# ...and starts at the passthrough fast path (src/fastpath.c), which runs before libc does
ifneq ($(filter x86_64-%,$(shell $(CC) -dumpmachine)),)
STATIC_LDFLAGS += -Wl,-e,clampdown_start
endif
# everything else links the same archives in and libmnl dynamically
LDLIBS += -Wl,-Bstatic -ljansson -lseccomp -lcap -Wl,-Bdynamic -lmnl -lm

B := build
SRCS := $(filter-out src/main.c src/main_hook.c,$(wildcard src/*.c))
OBJS := $(SRCS:src/%.c=$(B)/%.o)
UNIT_SRCS := $(wildcard tests/unit/check_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

.PHONY: bench all deps check check-unit check-e2e check-asan check-runc-suite fuzz demo install clean format check-format

# The shipped seccomp default, generated from libseccomp's syscall tables (tools/seccomp-gen.c).
SECCOMP_DEFAULT := profiles/seccomp/default.json

all: clampdown clampdown-hook clampctl $(SECCOMP_DEFAULT)

$(SECCOMP_DEFAULT): profiles/seccomp/default.in.json $(B)/seccomp-gen
	$(B)/seccomp-gen $< $@

$(B)/seccomp-gen: tools/seccomp-gen.c $(B)/libclampdown.a | $(B)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libclampdown.a $(LDLIBS)

$(B)/%.o: src/%.c $(wildcard include/*.h) | $(B)
	$(CC) $(CFLAGS) -c -o $@ $<

# Runs before relocation and TLS: no stack protector (its canary is in TLS), no call a
# loop or builtin could become. The link checks it references nothing.
NO_LOOP_CALLS := $(shell $(CC) -Werror -fno-tree-loop-distribute-patterns -fsyntax-only -x c /dev/null >/dev/null 2>&1 \
	&& echo -fno-tree-loop-distribute-patterns)
$(B)/fastpath.o: override CFLAGS += -fno-stack-protector -ffreestanding -fno-builtin $(NO_LOOP_CALLS) -U_FORTIFY_SOURCE

$(B):
	mkdir -p $(B)/tests

$(B)/libclampdown.a: $(OBJS)
	$(AR) rcs $@ $^

# clampdown's main with jansson on the arena (src/arena.c); the valgrind and ASan
# builds link main.o, where every object is its own malloc
$(B)/main-static.o: src/main.c $(wildcard include/*.h) | $(B)
	$(CC) $(CFLAGS) -DCLAMPDOWN_ARENA -c -o $@ $<

clampdown: $(B)/main-static.o $(B)/libclampdown.a
	@! nm -u --format=just-symbols $(B)/fastpath.o | grep -vx _start || { echo "$(B)/fastpath.o: references a symbol (it runs before relocation)"; exit 1; }
	$(CC) $(CFLAGS) $(STATIC_LDFLAGS) -o $@ $^ $(STATIC_LDLIBS)

clampdown-hook $(B)/clampdown-hook: $(B)/main_hook.o $(B)/libclampdown.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The same objects linked dynamically, for valgrind: memcheck replaces malloc only in a
# dynamic binary. Its hook beside it, as clampdown looks for it there.
$(B)/dynamic/clampdown: $(B)/main.o $(B)/libclampdown.a
	@mkdir -p $(B)/dynamic
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/dynamic/clampdown-hook: clampdown-hook
	@mkdir -p $(B)/dynamic
	cp $< $@

# The operator's tool: the same library, its own commands (src/ctl/).
CTL_SRCS := $(wildcard src/ctl/*.c)
CTL_OBJS := $(CTL_SRCS:src/ctl/%.c=$(B)/ctl/%.o)

$(B)/ctl/%.o: src/ctl/%.c src/ctl/ctl.h $(wildcard include/*.h) | $(B)
	@mkdir -p $(B)/ctl
	$(CC) $(CFLAGS) -Isrc/ctl -c -o $@ $<

clampctl: $(CTL_OBJS) $(B)/libclampdown.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h tests/unit/ruletest.h tests/unit/json_diff.h $(B)/libclampdown.a | $(B)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Itests/unit $(LDFLAGS) -o $@ $< $(B)/libclampdown.a \
		$(shell $(PKG_CONFIG) --libs check 2>/dev/null) $(LDLIBS)

# Installs missing Debian packages when run as root (see scripts/deps.sh).
deps:
	@scripts/deps.sh

check: deps
	$(MAKE) all
	$(MAKE) check-unit
	$(MAKE) check-e2e

check-unit: $(UNIT_BINS) $(SECCOMP_DEFAULT)
	@scripts/run-unit.sh $(UNIT_BINS)

check-e2e: clampdown clampdown-hook clampctl $(B)/dynamic/clampdown $(B)/dynamic/clampdown-hook $(SECCOMP_DEFAULT)
	@scripts/run-e2e.sh

# Everything again under AddressSanitizer and UndefinedBehaviorSanitizer.
# Leak checking is off: clampdown execs or exits right after its work.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check-asan: deps
	$(MAKE) all build/dynamic/clampdown build/dynamic/clampdown-hook
	$(MAKE) B=build-asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		build-asan/clampdown-asan build-asan/clampdown-hook build-asan/clampctl-asan $(UNIT_SRCS:tests/unit/%.c=build-asan/tests/%)
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		scripts/run-unit.sh $(UNIT_SRCS:tests/unit/%.c=build-asan/tests/%)
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		CLAMPDOWN=$(CURDIR)/build-asan/clampdown-asan CLAMPCTL=$(CURDIR)/build-asan/clampctl-asan scripts/run-e2e.sh

$(B)/clampdown-asan: $(B)/main.o $(B)/libclampdown.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/clampctl-asan: $(CTL_OBJS) $(B)/libclampdown.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer harnesses (clang), each run FUZZ_SECONDS on a scratch copy of its seed corpus.
FUZZ_SECONDS ?= 60
FUZZERS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# the fuzzers read the shipped profiles, seccomp/default.json included (made from its .in.json)
fuzz: deps $(SECCOMP_DEFAULT)
	$(MAKE) B=build-fuzz CC=clang \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		build-fuzz/libclampdown.a
	@set -e; for f in $(FUZZERS); do \
		clang -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -o build-fuzz/fuzz_$$f \
			tests/fuzz/fuzz_$$f.c build-fuzz/libclampdown.a $(LDLIBS); \
		rm -rf build-fuzz/corpus-$$f && cp -r tests/fuzz/corpus/$$f build-fuzz/corpus-$$f; \
		case $$f in rewrite | json) cp tests/fixtures/every-field.json tests/fixtures/hostile/*.json build-fuzz/corpus-$$f/;; esac; \
		echo "fuzz_$$f: $(FUZZ_SECONDS) s"; \
		ASAN_OPTIONS=detect_leaks=0 build-fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=build-fuzz/crash-$$f- build-fuzz/corpus-$$f >build-fuzz/fuzz_$$f.log 2>&1 || \
			{ tail -40 build-fuzz/fuzz_$$f.log; echo "fuzz_$$f: crashed (input in build-fuzz/crash-$$f-*)"; exit 1; }; \
		tail -1 build-fuzz/fuzz_$$f.log; \
	done

# runc's own bats suite, directly and through clampdown (audit profile): same results (README.md).
# RUNC_SUITE_FILES="run exec ..." picks .bats files; CI runs a subset.
check-runc-suite: deps
	$(MAKE) all
	@scripts/runc-suite.sh

# Cost against runc itself and a shell+jq wrapper; prints one table (README.md "Performance").
bench: deps
	$(MAKE) all
	$(MAKE) B=build-bench CFLAGS="-O2 -g -DCLAMPDOWN_BENCH" build-bench/clampdown-bench build-bench/clampdown-hook
	@CLAMPDOWN_COUNTED=$(CURDIR)/build-bench/clampdown-bench bench/run.sh

$(B)/clampdown-bench: $(B)/main-static.o $(B)/libclampdown.a
	@! nm -u --format=just-symbols $(B)/fastpath.o | grep -vx _start || { echo "$(B)/fastpath.o: references a symbol (it runs before relocation)"; exit 1; }
	$(CC) $(CFLAGS) $(STATIC_LDFLAGS) -o $@ $^ $(STATIC_LDLIBS)

demo: deps
	$(MAKE) all
	@scripts/demo.sh

install: clampdown clampdown-hook clampctl $(SECCOMP_DEFAULT)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/clampdown/profiles/seccomp \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 clampdown $(DESTDIR)$(BINDIR)/clampdown
	install -m 0755 clampdown-hook $(DESTDIR)$(BINDIR)/clampdown-hook
	install -m 0755 clampctl $(DESTDIR)$(BINDIR)/clampctl
	install -m 0644 profiles/*.json $(DESTDIR)$(SYSCONFDIR)/clampdown/profiles/
	install -m 0644 $(SECCOMP_DEFAULT) $(DESTDIR)$(SYSCONFDIR)/clampdown/profiles/seccomp/
	test -e $(DESTDIR)$(SYSCONFDIR)/clampdown/config.json || \
		install -m 0644 profiles/config.json.example $(DESTDIR)$(SYSCONFDIR)/clampdown/config.json
	# deploy/daemon.json's clampdown-audit runtime names this node config
	test -e $(DESTDIR)$(SYSCONFDIR)/clampdown/audit.json || \
		install -m 0644 deploy/audit.json $(DESTDIR)$(SYSCONFDIR)/clampdown/audit.json
	install -m 0644 man/clampdown.8 man/clampctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 completion/clampctl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/clampctl
	install -m 0644 man/clampdown-profile.5 $(DESTDIR)$(MANDIR)/man5/

format:
	clang-format -i src/*.c src/ctl/*.[ch] include/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tools/*.c tests/e2e/*.c

check-format:
	@clang-format --dry-run --Werror src/*.c src/ctl/*.[ch] include/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tools/*.c tests/e2e/*.c

clean:
	rm -rf build build-asan build-fuzz build-bench build-runc-suite clampdown clampdown-hook clampctl
